"""What superiors read: calendar, compliance overview and to-do, the ledger, 民主评议."""

import calendar as month_calendar
import datetime
from collections import defaultdict
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup, escape

from core.access import (
    Role,
    get_visible_or_404,
    granted_roots,
    require,
    role_at,
)
from core.paging import keyset_page
from core.text import natural_key
from orgs.models import BRANCH_KINDS, PartyOrg
from people.models import Membership

from .. import compliance, ledger, services
from ..forms import GRADE_CHOICES
from ..models import (
    IDLE,
    OVERALL,
    Activity,
    ActivityOrganiser,
    Appraisal,
    BranchCompliance,
    ComplianceRule,
    ComplianceState,
    ComplianceSummary,
    Grade,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def org_for_secretary(user, pk: int) -> PartyOrg:
    org = get_visible_or_404(user, PartyOrg.objects, pk=pk)
    require(user, org, "view")
    return org


# --- calendar -----------------------------------------------------------------------------------------
@login_required
def org_calendar(request, pk):
    org = org_for_secretary(request.user, pk)
    today = timezone.localdate()
    try:
        first = datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    start, end = services.local_bounds(first, last)
    by_day = defaultdict(list)
    rows = (
        ActivityOrganiser.objects.filter(org_path__gte=org.path, org_path__lt=org.path + "~")
        .filter(starts_at__gte=start, starts_at__lt=end)
        .values("activity_id", "starts_at", "activity__title", "kind__name", "org__name", "activity__is_cancelled")
        .order_by("starts_at")[:500]
    )
    seen = set()
    for row in rows:
        if row["activity_id"] in seen:
            continue
        seen.add(row["activity_id"])
        by_day[timezone.localtime(row["starts_at"]).date()].append(row)
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    return render(
        request,
        "activities/calendar.html",
        {"org": org, "first": first, "weeks": weeks, "by_day": by_day, "today": today,
         "previous": previous.strftime("%Y-%m"), "following": following.strftime("%Y-%m")},
    )  # fmt: skip


# --- compliance ---------------------------------------------------------------------------------------
def check_labels() -> dict[str, str]:
    labels = dict(ComplianceRule.objects.values_list("pk", "kind__name"))
    return {**{str(k): v for k, v in labels.items()}, IDLE: "30天内有活动", OVERALL: "综合"}


@login_required
def compliance_overview(request):
    """The sector's view: this organisation's counts, then each child's, down to a branch's own checks."""
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = org_for_secretary(request.user, int(org_id))
    elif len(roots := visible_roots(request.user)) == 1:
        org = roots[0]
    else:
        return render(request, "activities/compliance_roots.html", {"roots": roots})
    labels = check_labels()
    checks = [str(pk) for pk in ComplianceRule.objects.filter(is_active=True).values_list("pk", flat=True)] + [IDLE]
    context = {
        "org": org,
        "labels": labels,
        "checks": checks,
        "ancestors": org.ancestors(),
        "today_year": timezone.localdate().year,
    }
    if org.kind in BRANCH_KINDS:
        context["rows"] = BranchCompliance.objects.filter(org=org).select_related("rule", "rule__kind")
        return render(request, "activities/compliance_branch.html", context)
    summaries = defaultdict(dict)
    children = sorted(
        PartyOrg.objects.filter(parent=org, is_active=True)
        .exclude(kind="group")
        .order_by("path")
        .values("id", "name")[:200],
        key=lambda child: natural_key(child["name"]),
    )
    ids = [org.pk, *[c["id"] for c in children]]
    for org_pk, check, green, yellow, red in ComplianceSummary.objects.filter(org_id__in=ids).values_list(
        "org_id", "check_code", "green", "yellow", "red"
    ):
        summaries[org_pk][check] = (red, yellow, green)
    shown = [OVERALL, *checks]
    list_url = reverse("activities:compliance-list")
    escaped = {check: escape(labels.get(check, check)) for check in shown}
    cells = {pk: summary_cells(summaries.get(pk, {}), shown, escaped, f"{list_url}?org={pk}") for pk in ids}
    context.update(cells=cells, children=children, shown=shown)
    return render(request, "activities/compliance.html", context)


def summary_cells(counts: dict, checks: list[str], labels: dict, base: str) -> Markup:
    """One row's cells, built in Python: a province's overview has hundreds of them. Figures are integers and
    `labels` arrive escaped."""
    out = []
    for check in checks:
        label = labels[check]
        if check not in counts:
            out.append(f'<td data-label="{label}"><span class="muted">—</span></td>')
            continue
        red, yellow, green = counts[check]
        link = f"{base}&amp;check={check}&amp;state="
        out.append(
            f'<td data-label="{label}"><a class="state-red" href="{link}red" title="未完成">{red}</a> / '
            f'<a class="state-yellow" href="{link}yellow" title="临期">{yellow}</a> / '
            f'<a class="state-green" href="{link}green" title="正常">{green}</a></td>'
        )
    return Markup("".join(out))


def visible_roots(user) -> list[PartyOrg]:
    if user.is_superuser:
        return list(PartyOrg.objects.filter(parent__isnull=True, is_active=True).order_by("name"))
    paths = granted_roots(user, Role.SECRETARY)
    return list(PartyOrg.objects.filter(path__in=paths).order_by("path"))


@login_required
def compliance_list(request):
    """Drill-down: the branches in a subtree in one state for one check (the figures' records)."""
    org = org_for_secretary(request.user, int(request.GET.get("org", "0") or 0))
    state = request.GET.get("state")
    check = request.GET.get("check", OVERALL)
    qs = BranchCompliance.objects.filter(org_path__gte=org.path, org_path__lt=org.path + "~")
    if check != OVERALL:
        qs = qs.filter(check_code=check)
        if state in ComplianceState.values:
            qs = qs.filter(state=state)
    elif state in ComplianceState.values:
        # a branch's overall state is its worst check
        worse = [s for s in ComplianceState.values if compliance.SEVERITY[s] > compliance.SEVERITY[state]]
        qs = qs.filter(state=state).exclude(org_id__in=qs.filter(state__in=worse).values("org_id"))
    page = keyset_page(
        qs.values("id", "org_path", "org_id", "org__name", "check_code", "state", "message", "period_end"),
        ("org_path", "id"),
        request.GET.get("after"),
    )
    return render(
        request,
        "activities/compliance_list.html",
        {"org": org, "page": page, "labels": check_labels(), "state": state, "check": check},
    )


@login_required
def todo(request):
    """A secretary's to-do: what each of their branches still has to hold, soonest deadline first."""
    qs = compliance.undone(request.user)
    rows = list(qs.select_related("org", "rule", "rule__kind").order_by("period_end", "org_path")[:200])
    return render(request, "activities/todo.html", {"rows": rows, "today": timezone.localdate()})


# --- ledger -------------------------------------------------------------------------------------------
@login_required
def org_ledger(request, pk, year):
    org = org_for_secretary(request.user, pk)
    fmt = request.GET.get("format")
    if fmt in ("docx", "xlsx"):
        entries = ledger.year_entries(org, year)
        if fmt == "xlsx":
            return file_response(ledger.year_ledger_xlsx(org, year, entries), f"{org.name}{year}年度台账.xlsx", XLSX)
        grid = ledger.period_grid(
            [{"kind_id": e.activity.kind_id, "month": timezone.localtime(e.activity.starts_at).month} for e in entries]
        )
        return file_response(ledger.year_ledger_docx(org, year, entries, grid), f"{org.name}{year}年度台账.docx", DOCX)
    rows = ledger.year_rows(org, year)
    return render(
        request,
        "activities/ledger.html",
        {
            "org": org,
            "year": year,
            "rows": [r for r in rows if not r["planned"]],
            "planned": [r for r in rows if r["planned"]],
            "grid": ledger.period_grid(rows),
            "detail": reverse("activities:list"),
        },
    )


@login_required
def meeting_record(request, pk):
    activity = get_visible_or_404(request.user, Activity.objects.select_related("kind", "lead_org"), pk=pk)
    require(request.user, activity, "view")  # a member on the roll may read it
    entry = ledger.attach_attendance([activity])[0]
    day = timezone.localtime(activity.starts_at).strftime("%Y%m%d")
    return file_response(ledger.meeting_record_docx(entry), f"会议记录-{day}-{activity.title[:30]}.docx", DOCX)


# --- 民主评议 -----------------------------------------------------------------------------------------
def members_in_year(org: PartyOrg, year: int):
    """Members whose relationship was at this organisation (or its 党小组) at some time in the year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        Membership.objects.filter(org_id__in=services.branch_and_groups(org), start_on__lte=end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=start))
        .select_related("person")
        .order_by("person__name_pinyin")
    )


@login_required
def appraisal(request, pk, year):
    org = org_for_secretary(request.user, pk)
    require(request.user, org, "view")
    if role_at(request.user, org.path) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以登记民主评议结果")
    members = {m.person_id: m.person for m in members_in_year(org, year)}
    existing = {a.person_id: a for a in Appraisal.objects.filter(org=org, year=year)}
    if request.method == "POST":
        errors, grades = read_grades(request, org, members, year)
        if not errors:
            with transaction.atomic():
                save_grades(org, year, grades, existing)
            messages.success(request, f"已保存 {year} 年度民主评议结果")
            return redirect("activities:appraisal", pk, year)
        for error in errors:
            messages.error(request, error)
    graded = [a for a in existing.values() if a.person_id in members]
    excellent = sum(1 for a in graded if a.grade == Grade.EXCELLENT)
    share_warning = graded and excellent * 3 > len(graded)
    return render(
        request,
        "activities/appraisal.html",
        {"org": org, "year": year, "members": list(members.values()), "existing": existing,
         "grades": GRADE_CHOICES, "excellent": excellent, "graded": len(graded), "share_warning": share_warning},
    )  # fmt: skip


def read_grades(request, org: PartyOrg, members: dict, year: int) -> tuple[list[str], dict[int, str]]:
    errors, grades = [], {}
    elsewhere = dict(
        Appraisal.objects.filter(year=year, person_id__in=list(members))
        .exclude(org=org)
        .values_list("person_id", "org__name")
    )
    for key, value in request.POST.items():
        if not key.startswith("grade-") or not value:
            continue
        person_id = key.removeprefix("grade-")
        if not person_id.isdigit() or int(person_id) not in members:
            errors.append(f"人员编号 {person_id}：{year} 年不是本组织党员，不能参加本组织民主评议")
            continue
        if value not in Grade.values:
            errors.append(f"{members[int(person_id)].name}：等次“{value}”无效")
            continue
        if int(person_id) in elsewhere:
            errors.append(f"{members[int(person_id)].name}：{year} 年已由{elsewhere[int(person_id)]}评议，不能重复评议")
            continue
        grades[int(person_id)] = value
    return errors, grades


def save_grades(org: PartyOrg, year: int, grades: dict[int, str], existing: dict[int, Appraisal]) -> None:
    for person_id, grade in grades.items():
        row = existing.get(person_id) or Appraisal(org=org, org_path=org.path, year=year, person_id=person_id)
        if row.grade != grade:
            row.grade = grade
            row.save()
