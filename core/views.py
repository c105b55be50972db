from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.crypto import constant_time_compare
from django.utils.http import content_disposition_header

from core import health
from core.access import get_visible_or_404, require
from core.files import file_response
from core.history import history_for
from core.models import ExportJob, ExportStatus


def healthz(request):
    """Trivial view: the benchmark's yardstick, through the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


def healthz_deep(request):
    """For a load balancer's deeper probe and for monitoring: database, cache, background workers, disk and keys.
    Open to superusers and to the operator's HEALTH_CHECK_TOKEN (header X-Health-Token); 503 when a check fails."""
    token = request.headers.get("X-Health-Token", "")
    allowed = (request.user.is_authenticated and request.user.is_superuser) or (
        settings.HEALTH_CHECK_TOKEN and constant_time_compare(token, settings.HEALTH_CHECK_TOKEN)
    )
    if not allowed:
        return JsonResponse({"detail": "需要系统管理员登录或监控令牌"}, status=403)
    checks = health.run_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)


def home(request):
    """The 工作台 of the signed-in user (workbench.views)."""
    from workbench.views import home as workbench_home

    return workbench_home(request)


@login_required
def history(request, model: str, pk: int):
    """An object's change history. Pages load it when it scrolls into view (`history_later` in _macros.html):
    it costs a query per related model named in it, for a table most readers of the page never reach."""
    model_class = _model_with_history(model)
    obj = get_visible_or_404(request.user, model_class.objects, pk=pk)
    require(request.user, obj, "history")
    template = "core/_history.html" if request.htmx else "core/history.html"
    return render(request, template, {"obj": obj, "entries": history_for(obj)})


def _model_with_history(label: str):
    """The audited model whose access roles say who may read its history; 404 for any other label."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404("没有这类记录") from None
    if "history" not in getattr(model, "access_roles", {}) or not auditlog.contains(model):
        raise Http404("没有这类记录")
    return model


@login_required
def export_list(request):
    jobs = ExportJob.objects.filter(user=request.user).order_by("-created_at")[:30]
    return render(request, "core/exports.html", {"jobs": jobs})


@login_required
def export_detail(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)  # only its owner sees an export
    template = "core/_export_status.html" if request.htmx else "core/export.html"
    response = render(request, template, {"job": job})
    if request.htmx and job.status != ExportStatus.RUNNING:
        response["HX-Refresh"] = "true"
    return response


@login_required
def export_download(request, pk):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportStatus.DONE)
    if not job.file:
        raise Http404("导出文件已超过保留时间被删除，请重新导出")
    response = file_response(job.file, "private, no-store", default_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, f"{job.title}.xlsx")
    return response


@login_required
def guide(request):
    """The user guide of one role (default: the user's highest), printable: its menu and each page's 使用说明."""
    from .access import Role, highest_role
    from .help import HELP, ROLE_INTRO
    from .navigation import MENU

    top = Role.SECTOR_ADMIN if request.user.is_superuser else highest_role(request.user)
    role = int(request.GET["role"]) if request.GET.get("role", "").isdigit() else top
    role = role if role in Role.values else Role.MEMBER
    sections = []
    for group, items in MENU:
        shown = [(item.label, HELP.get(item.url_name, "")) for item in items if role >= item.min_role]
        if shown:
            sections.append((group, shown))
    return render(request, "core/guide.html", {"sections": sections, "role": role, "roles": Role.choices,
                                               "intro": ROLE_INTRO.get(role, ""), "role_label": Role(role).label, "home_help": HELP["core:home"],
                                               "notice_help": HELP["workbench:notices"]})  # fmt: skip
