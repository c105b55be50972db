"""Upload -> preview with row-level errors -> confirm; templates to download."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core.access import Role, highest_role

from . import services
from .models import WORKING_STATUSES, ImportJob, ImportKind, ImportStatus
from .templates import template_bytes

MIN_ROLE = {
    ImportKind.INSTITUTIONS: Role.UNIT_ADMIN,
    ImportKind.ORGS: Role.UNIT_ADMIN,
    ImportKind.PEOPLE: Role.SECRETARY,
    ImportKind.MEMBERSHIPS: Role.SECRETARY,
    ImportKind.POSITIONS: Role.SECRETARY,
    ImportKind.REFERRAL_COUNTS: Role.SECRETARY,
    ImportKind.DUES_BASES: Role.SECRETARY,
    ImportKind.DUES_PAYMENTS: Role.SECRETARY,
    ImportKind.APPLICANTS: Role.SECRETARY,
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
    if upload.size == 0:
        messages.error(request, f"文件“{upload.name}”是空的（0 字节），请检查后重新上传")
        return redirect("imports:start")
    job = services.accept_upload(request.user, kind, upload.name, upload.read())  # checked by a worker
    return redirect("imports:job", job.pk)


def _own_job(request, pk) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404("导入任务不存在")
    return job


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    working = job.status in WORKING_STATUSES
    done = cache.get(services.progress_key(job.pk), 0) if job.status == ImportStatus.RUNNING else None
    context = {"job": job, "done": done, "working": working}
    if request.htmx:
        response = render(request, "imports/_progress.html", context)
        if not working:
            response["HX-Refresh"] = "true"  # show the final page with its errors or results
        return response
    return render(request, "imports/job.html", context)


@login_required
@require_POST
def job_confirm(request, pk):
    job = _own_job(request, pk)
    _require_role(request.user, job.kind)
    if not services.confirm(job):
        job.refresh_from_db()
        reasons = {
            ImportStatus.QUEUED: "该文件已确认，正在排队导入，无需重复确认",
            ImportStatus.RUNNING: "该文件已确认，正在导入中，无需重复确认",
            ImportStatus.DONE: "该文件已经导入完成，无需重复确认",
            ImportStatus.CHECKING: "该文件还在校验中，校验通过后才能确认",
            ImportStatus.EXPIRED: "该文件等待确认超时，已删除，请重新上传",
            ImportStatus.CANCELLED: "该文件已放弃，请重新上传",
        }
        messages.error(request, reasons.get(job.status, "该文件未通过校验，不能确认；请改正后重新上传"))
    return redirect("imports:job", job.pk)


@login_required
@require_POST
def job_discard(request, pk):
    job = _own_job(request, pk)
    if services.discard(job):
        messages.success(request, f"已放弃“{job.original_name}”，上传的文件已删除")
    else:
        messages.error(request, "该文件正在处理或已处理完，不能放弃")
    return redirect("imports:start")


@login_required
def template(request, kind):
    if kind not in ImportKind.values:
        raise Http404("没有这种模板")
    _require_role(request.user, kind)
    label = ImportKind(kind).label
    response = HttpResponse(
        template_bytes(services.KINDS[kind], label),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"导入模板-{label}.xlsx")
    return response
