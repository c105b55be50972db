"""Dashboards for the sector, a hospital and a branch: figures of the chosen organisation's subtree and year,
charts, links to the records behind every figure, xlsx export and a full-screen mode for a meeting room."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import Role, get_visible_or_404, granted_roots, highest_role, role_at
from core.export import xlsx_response
from core.replica import reads_may_lag
from core.text import natural_key
from orgs.models import PartyOrg
from orgs.rules import current_settings

from . import figures


def _org_and_year(request) -> tuple[PartyOrg, int]:
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("数据看板需要支部书记及以上角色")
    org_id = request.GET.get("org") or request.POST.get("org") or ""
    if org_id.isdigit():
        org = get_visible_or_404(request.user, PartyOrg.objects, pk=int(org_id))
    else:
        roots = granted_roots(request.user, Role.SECRETARY)
        org = (
            PartyOrg.objects.filter(path=roots[0]).first()
            if roots
            else PartyOrg.objects.filter(parent=None).order_by("path").first()
        )
        if org is None:
            raise PermissionDenied("没有可查看的党组织")
    this_year = timezone.localdate().year
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else this_year
    return org, min(max(year, 2000), this_year)


@login_required
@reads_may_lag
def dashboard(request):
    org, year = _org_and_year(request)
    snap = figures.snapshot(org, year)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(request, f"{org.name}{year}年数据", ["类别", "项目", "数值"], _rows(snap.data))
    children = sorted(
        PartyOrg.objects.filter(parent=org, is_active=True).order_by("path").values("id", "name")[:200],
        key=lambda child: natural_key(child["name"]),
    )
    template = "dashboards/screen.html" if request.GET.get("screen") == "1" else "dashboards/dashboard.html"
    return render(request, template, {
        "org": org, "year": year, "data": snap.data, "snap": snap, "children": children,
        "ancestors": org.ancestors().values("id", "name"), "years": range(timezone.localdate().year, 2017, -1),
        "refresh_minutes": current_settings()["dashboard_refresh_minutes"],
        "can_refresh": role_at(request.user, org.path) >= Role.UNIT_ADMIN,
    })  # fmt: skip


@login_required
@require_POST
def refresh(request):
    org, year = _org_and_year(request)
    if role_at(request.user, org.path) < Role.UNIT_ADMIN:
        raise PermissionDenied("重新计算需要单位管理员及以上角色")
    figures.snapshot(org, year, force=True)
    return redirect(f"/dashboards/?org={org.pk}&year={year}")


def _rows(data: dict):
    for r in data["members"]:
        yield "党员队伍", r["label"], r["value"]
    for r in data["ages"]:
        yield "年龄", r["label"], r["value"]
    for r in data["education"]:
        yield "学历", r["label"], r["value"]
    for s in data["activities"]["series"]:
        yield "活动", s["name"], sum(s["data"])
    for r in data["compliance"]:
        yield "组织生活", r["check"], f"绿 {r['green']} / 黄 {r['yellow']} / 红 {r['red']}"
    yield "联学共建", "在建共建关系", data["pairings"]["active"]
    yield "联学共建", "联合活动", data["pairings"]["joint_activities"]
    if data["coverage"]:
        yield "两个覆盖", "组织覆盖率", data["coverage"]["coverage_rate"]
        yield "两个覆盖", "单独组建率", data["coverage"]["own_rate"]
    for r in data["honours"]:
        yield "荣誉", r["label"], r["value"]
    yield "双带头人", "比例", data["dual_leaders"]["ratio"]
