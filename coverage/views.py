"""两个覆盖 pages: rounds, a round's rates and rows (filter by status), a unit filling its row, the sector's sheet
upload, and the comparison with the previous round."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render

from core.access import (
    PATH_END,
    Role,
    can,
    get_changeable_or_404,
    granted_roots,
    highest_role,
    paths_above_grants,
    role_at,
    scope_q,
)
from core.export import xlsx_response
from core.paging import count_response, keyset_page

from . import services, sheet
from .forms import RoundForm, RowForm, SheetForm
from .models import Change, CoverageStatus, SurveyRound, SurveyRow

ORDERING = ("id",)


def _rounds(user):
    """Rounds of the sectors above or at the user's grants: a unit admin fills its rows in the sector's round."""
    if user.is_superuser:
        return SurveyRound.objects.all()
    roots = granted_roots(user, Role.UNIT_ADMIN)
    above = paths_above_grants(user, Role.UNIT_ADMIN)
    inside = Q()
    for root in roots:
        inside |= Q(org_path__gte=root, org_path__lt=root + PATH_END)
    return SurveyRound.objects.filter(Q(org_path__in=above) | inside) if roots else SurveyRound.objects.none()


def _round_for(user, pk) -> SurveyRound:
    survey = _rounds(user).select_related("sector", "previous").filter(pk=pk).first()
    if survey is None:
        raise Http404("摸排不存在或无权查看")
    return survey


def _row_scope(user, survey: SurveyRound) -> Q | None:
    """A sector admin sees every row of the round; a unit admin only their institutions' rows."""
    if role_at(user, survey.org_path) >= Role.UNIT_ADMIN:
        return None
    return scope_q(user, Role.UNIT_ADMIN)


@login_required
def round_list(request):
    if highest_role(request.user) < Role.UNIT_ADMIN:
        raise PermissionDenied("两个覆盖摸排需要单位管理员及以上角色")
    return render(request, "coverage/round_list.html", {
        "rounds": _rounds(request.user).select_related("sector").order_by("-started_on", "-id")[:100],
        "can_create": highest_role(request.user) >= Role.SECTOR_ADMIN,
    })  # fmt: skip


@login_required
def round_create(request):
    if highest_role(request.user) < Role.SECTOR_ADMIN:
        raise PermissionDenied("只有行业管理员可以发起摸排")
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survey = services.open_round(data["sector"], data["name"], data["started_on"], data["closes_on"])
        messages.success(request, f"已发起摸排，共 {survey.rows.count()} 家民营机构。")
        return redirect("coverage:detail", survey.pk)
    return render(request, "core/simple_form.html", {"form": form, "title": "发起两个覆盖摸排"})


@login_required
def round_detail(request, pk):
    survey = _round_for(request.user, pk)
    scope = _row_scope(request.user, survey)
    rows = survey.rows.all() if scope is None else survey.rows.filter(scope)
    status = request.GET.get("status")
    if status in CoverageStatus.values:
        rows = rows.filter(status=status)
    if request.GET.get("todo") == "1":  # rows whose figures are still to be reported (待填报)
        rows = rows.filter(staff_count__isnull=True)
    if request.GET.get("export") == "xlsx":
        data = ((r.institution.name, "是" if r.operating else "否", r.staff_count, r.formal_members,
                 r.probationary_members, r.get_org_form_display(), r.instructor, "是" if r.has_union else "否",
                 "是" if r.has_youth_league else "否", r.get_status_display(), r.get_change_display())
                for r in rows.select_related("institution").order_by(*ORDERING).iterator(1000))  # fmt: skip
        return xlsx_response(request, survey.name, ["单位名称", "是否在营", "从业人员数", "正式党员数", "预备党员数", "党组织情况",
                                           "党建指导员", "工会", "共青团", "覆盖状态", "与上轮比较"], data)  # fmt: skip
    if counted := count_response(request, rows, ORDERING):
        return counted
    page = keyset_page(rows.values("id", "institution__name", "operating", "staff_count", "formal_members", "org_form",
                                   "instructor", "status", "change"), ORDERING, request.GET.get("after"))  # fmt: skip
    return render(request, "coverage/round_detail.html", {
        "survey": survey, "rates": services.rates(survey, scope), "page": page, "statuses": CoverageStatus.choices,
        "is_sector": scope is None, "can_import": role_at(request.user, survey.org_path) >= Role.SECTOR_ADMIN,
    })  # fmt: skip


@login_required
def round_compare(request, pk):
    survey = _round_for(request.user, pk)
    scope = _row_scope(request.user, survey)
    rows = survey.rows.all() if scope is None else survey.rows.filter(scope)
    change = request.GET.get("change") if request.GET.get("change") in Change.values else Change.CHANGED
    if request.GET.get("export") == "xlsx":
        data = ((r.institution.name, r.get_change_display(), "；".join(f"{label}：{old} → {new}" for label, old, new in
                 services.changed_fields(r)), r.get_status_display())
                for r in rows.filter(change=change).select_related("institution").order_by(*ORDERING).iterator(1000))  # fmt: skip
        return xlsx_response(request, f"{survey.name}比对", ["单位名称", "与上轮比较", "变化", "覆盖状态"], data)
    if counted := count_response(request, rows.filter(change=change), ORDERING):
        return counted
    shown = ("id", "institution__name", "status", "previous", *SurveyRow.COMPARED)
    page = keyset_page(rows.filter(change=change).values(*shown), ORDERING, request.GET.get("after"))
    status_labels = dict(CoverageStatus.choices)
    for row in page.rows:  # values, not models: a page of 50 rows renders in a third less time
        row["diffs"] = services.compare_figures(row["previous"], {f: row[f] for f in SurveyRow.COMPARED})
        row["status_label"] = status_labels[row["status"]]
    previous_rates = services.rates(survey.previous, scope) if survey.previous else None
    return render(request, "coverage/round_compare.html", {
        "survey": survey, "counts": services.change_counts(survey, scope), "page": page, "change": change,
        "changes": Change.choices, "rates": services.rates(survey, scope), "previous_rates": previous_rates,
    })  # fmt: skip


@login_required
def round_import(request, pk):
    survey = _round_for(request.user, pk)
    if role_at(request.user, survey.org_path) < Role.SECTOR_ADMIN:
        raise PermissionDenied("只有行业管理员可以导入摸排表")
    form = SheetForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = sheet.apply_sheet(request.user, survey, upload.name, upload.read())
        if not result.errors:
            messages.success(request, f"已更新 {result.updated} 家单位的摸排数据。")
            return redirect("coverage:detail", pk)
        errors = result.errors
    return render(request, "coverage/round_import.html", {"survey": survey, "form": form, "errors": errors})


@login_required
def row_edit(request, pk):
    row = get_changeable_or_404(request.user, SurveyRow.objects.select_related("round", "institution"), pk=pk)
    form = RowForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_row(request.user, form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{row.institution.name}的摸排数据已保存。")
            return redirect("coverage:detail", row.round_id)
    return render(
        request, "coverage/row_form.html", {"row": row, "form": form, "can_view": can(request.user, row, "view")}
    )
