"""Upload -> preview with row-level errors -> confirm; templates to download."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.access import Role, highest_role
from core.export import xlsx_response

from . import services
from .models import ImportJob, ImportKind, ImportStatus

MIN_ROLE = {
    ImportKind.INSTITUTIONS: Role.UNIT_ADMIN,
    ImportKind.ORGS: Role.UNIT_ADMIN,
    ImportKind.PEOPLE: Role.SECRETARY,
    ImportKind.MEMBERSHIPS: Role.SECRETARY,
    ImportKind.POSITIONS: Role.SECRETARY,
    ImportKind.REFERRAL_COUNTS: Role.SECRETARY,
}


def _require_role(user, kind):
    if highest_role(user) < MIN_ROLE[kind]:
        raise PermissionDenied("您的角色无权导入此类数据")


@login_required
def start(request):
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以导入数据")
    error = ""
    if request.method == "POST":
        kind, upload = request.POST.get("kind"), request.FILES.get("file")
        if kind not in ImportKind.values:
            error = "请选择导入类型"
        elif upload is None:
            error = "请选择要上传的文件"
        else:
            _require_role(request.user, kind)
            return _check_upload(request, kind, upload)
    jobs = ImportJob.objects.filter(user=request.user).order_by("-created_at")[:20]
    return render(request, "imports/start.html", {"kinds": ImportKind.choices, "jobs": jobs, "error": error})


def _check_upload(request, kind, upload):
    if upload.size > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // 1024 // 1024
        messages.error(request, f"文件大小 {upload.size / 1024 / 1024:.1f} MB，超过 {limit} MB 上限，请拆分后上传")
        return redirect("imports:start")
    content = upload.read()
    plan, rows, file_error = services.check_file(request.user, kind, upload.name, content)
    job = ImportJob(user=request.user, kind=kind, original_name=upload.name[:200], row_count=rows)
    if file_error:
        job.status, job.errors, job.error_count = ImportStatus.INVALID, [{"reason": file_error}], 1
    else:
        job.status = ImportStatus.INVALID if plan.error_count else ImportStatus.READY
        job.errors, job.error_count = plan.errors, plan.error_count
        job.summary = {"to_create": plan.creates, "to_update": plan.updates}
    if job.status == ImportStatus.READY:  # kept only until it is confirmed (the upload holds ID numbers in clear)
        job.file.save(f"{kind}.bin", ContentFile(content), save=False)
    job.save()
    return redirect("imports:job", job.pk)


def _own_job(request, pk) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404("导入任务不存在")
    return job


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    done = cache.get(services.progress_key(job.pk), 0) if job.status == ImportStatus.RUNNING else None
    if request.htmx:
        response = render(request, "imports/_progress.html", {"job": job, "done": done})
        if job.status != ImportStatus.RUNNING:
            response["HX-Refresh"] = "true"  # show the final page with its errors or results
        return response
    return render(request, "imports/job.html", {"job": job, "done": done})


@login_required
@require_POST
def job_confirm(request, pk):
    job = _own_job(request, pk)
    _require_role(request.user, job.kind)
    if job.status != ImportStatus.READY:
        messages.error(request, "该文件未通过校验或已导入，不能确认")
        return redirect("imports:job", job.pk)
    services.start_apply(job)
    return redirect("imports:job", job.pk)


@login_required
def template(request, kind):
    if kind not in ImportKind.values:
        raise Http404("没有这种模板")
    importer = services.KINDS[kind](request.user)
    headers = list(importer.field_labels().values())
    return xlsx_response(f"导入模板-{ImportKind(kind).label}", headers, [importer.example])
