"""Activity pages: list, record, attendance and QR check-in, calendar, compliance, to-do, ledger and 民主评议."""

import calendar as month_calendar
import datetime
from collections import defaultdict
from mimetypes import guess_type
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from markupsafe import Markup, escape

from core.access import (
    Role,
    can,
    get_visible_or_404,
    granted_roots,
    highest_role,
    object_to_edit,
    own_person,
    recheck_in_scope,
    require,
    role_at,
    scope_q,
)
from core.export import xlsx_response
from core.history import history_for
from core.paging import count_response, keyset_page
from orgs.models import BRANCH_KINDS, PartyOrg
from pairings import services as pairing_services
from pairings.models import Pairing
from people.models import Membership, Person

from . import compliance, ledger, services
from .checkin import CheckInError, check_in, make_token, qr_svg, read_token
from .forms import GRADE_CHOICES, ActivityForm, GuestFormSet, OutcomeFormSet, PhotoForm, SpeakerFormSet
from .images import PhotoError, process_photo
from .models import (
    IDLE,
    OVERALL,
    Activity,
    ActivityKind,
    ActivityOrganiser,
    ActivityPhoto,
    Appraisal,
    Attendance,
    AttendanceStatus,
    BranchCompliance,
    CheckInMethod,
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


# --- list ---------------------------------------------------------------------------------------------
def filtered_organisers(request):
    qs = ActivityOrganiser.objects.visible_to(request.user)
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = get_visible_or_404(request.user, PartyOrg.objects, pk=int(org_id))
        qs = qs.filter(org_path__gte=org.path, org_path__lt=org.path + "~")
    kind = request.GET.get("kind", "")
    if kind.isdigit():
        qs = qs.filter(kind_id=int(kind))
    year = request.GET.get("year", "")
    if year.isdigit() and 1921 <= int(year) <= 2100:
        start, end = services.local_bounds(datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31))
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    return qs


ORDERING = ("-starts_at", "-id")


@login_required
def activity_list(request):
    if highest_role(request.user) < Role.SECRETARY:
        return redirect("activities:mine")
    qs = filtered_organisers(request)
    if request.GET.get("export") == "xlsx":
        rows = (
            (timezone.localtime(o.starts_at).strftime("%Y-%m-%d %H:%M"), o.kind.name, o.activity.title,
             o.org.name, "主办" if o.is_lead else "联合主办", o.activity.place)
            for o in qs.select_related("kind", "activity", "org").order_by(*ORDERING).iterator(2000)
        )  # fmt: skip
        return xlsx_response("活动", ["时间", "类型", "主题", "组织", "角色", "地点"], rows)
    if counted := count_response(request, qs, ORDERING):
        return counted
    page = keyset_page(
        qs.values("id", "starts_at", "is_lead", "activity_id", "activity__title", "activity__is_cancelled",
                  "kind__name", "org__name", "activity__place"),
        ORDERING,
        request.GET.get("after"),
    )  # fmt: skip
    kinds = ActivityKind.objects.filter(is_active=True).values_list("id", "name")
    return render(request, "activities/activity_list.html", {"page": page, "kinds": kinds})


# --- create / edit ------------------------------------------------------------------------------------
@login_required
def activity_form(request, pk=None):
    activity = object_to_edit(request.user, Activity.objects, pk, Role.SECRETARY, "只有支部书记及以上角色可以登记活动")
    initial = {}
    if activity is None and request.GET.get("pairing", "").isdigit():
        initial["pairing"] = get_visible_or_404(request.user, Pairing.objects, pk=int(request.GET["pairing"]))
        initial["kind"] = ActivityKind.objects.filter(code="joint_study").first()
    if activity is None and request.GET.get("org", "").isdigit():
        initial["lead_org"] = get_visible_or_404(request.user, PartyOrg.objects, pk=int(request.GET["org"]))
    form = ActivityForm(request.POST or None, instance=activity, user=request.user, initial=initial)
    formsets = {
        "speakers": SpeakerFormSet(request.POST or None, instance=activity, prefix="speakers"),
        "guests": GuestFormSet(request.POST or None, instance=activity, prefix="guests"),
        "outcomes": OutcomeFormSet(request.POST or None, instance=activity, prefix="outcomes"),
    }
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets.values()):
        with transaction.atomic():
            activity = save_activity(request.user, form, formsets)
        messages.success(request, f"已保存活动：{activity.title}")
        return redirect("activities:detail", activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "formsets": formsets, "activity": activity})


def save_activity(user, form: ActivityForm, formsets: dict) -> Activity:
    """One transaction: the record, its organisers, roll, speakers' posts and the organisers' compliance."""
    old_orgs = list(form.instance.organisers.values_list("org_id", flat=True)) if form.instance.pk else []
    old_pairing = Activity.objects.filter(pk=form.instance.pk).values_list("pairing_id", flat=True).first()
    activity = form.save()
    for formset in formsets.values():
        formset.instance = activity
        formset.save()
    touched = services.set_organisers(activity, [activity.lead_org, *form.cleaned_data["co_orgs"]])
    fill_speaker_posts(user, activity)
    services.sync_roll(activity)
    recheck_in_scope(user, activity)
    compliance.refresh_branches(set(touched) | set(old_orgs))
    pairing_services.refresh_last_joint([old_pairing, activity.pairing_id])
    return activity


def fill_speaker_posts(user, activity: Activity) -> None:
    """Link speakers to the registry by name and record the posts they held on the day, when left blank."""
    day = activity.date
    for speaker in activity.speakers.all():
        if speaker.person_id is None:
            matches = list(Person.objects.visible_to(user).filter(name=speaker.name)[:2])
            if len(matches) == 1:
                speaker.person = matches[0]
        if speaker.person_id and not speaker.post:
            speaker.post = services.posts_on(speaker.person_id, day)[:200]
        speaker.save()


@login_required
@require_POST
def activity_cancel(request, pk):
    activity = get_visible_or_404(request.user, Activity.objects, pk=pk)
    require(request.user, activity, "change")
    with transaction.atomic():
        activity.is_cancelled = not activity.is_cancelled
        activity.save()
        compliance.refresh_branches(activity.organisers.values_list("org_id", flat=True))
        pairing_services.refresh_last_joint([activity.pairing_id])
    messages.success(request, "已取消该活动" if activity.is_cancelled else "已恢复该活动")
    return redirect("activities:detail", activity.pk)


# --- the record ---------------------------------------------------------------------------------------
@login_required
def activity_detail(request, pk):
    activity = get_visible_or_404(
        request.user, Activity.objects.select_related("kind", "lead_org", "host", "recorder", "pairing"), pk=pk
    )
    can_change = can(request.user, activity, "change")
    context = {
        "activity": activity,
        "organisers": activity.organisers.select_related("org").order_by("-is_lead", "id"),
        "speakers": activity.speakers.all(),
        "guests": activity.guest_groups.all(),
        "outcomes": activity.outcomes.all(),
        "photos": activity.photos.all(),
        "links": activity.links.all(),
        "counts": services.attendance_counts(activity),
        "can_change": can_change,
        "can_mark": can_change or bool(markable_paths(request.user, activity)),
        "photo_form": PhotoForm(),
        "history": history_for(activity) if can_change else [],
    }
    return render(request, "activities/activity_detail.html", context)


@login_required
@require_POST
def photo_upload(request, pk):
    activity = get_visible_or_404(request.user, Activity.objects, pk=pk)
    require(request.user, activity, "change")
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的照片")
        return redirect("activities:detail", pk)
    try:
        content, width, height = process_photo(form.cleaned_data["image"])
    except PhotoError as error:
        messages.error(request, str(error))
        return redirect("activities:detail", pk)
    with transaction.atomic():
        photo = ActivityPhoto(activity=activity, caption=form.cleaned_data["caption"], width=width, height=height)
        photo.sort_order = activity.photos.count()
        photo.image.save(content.name, content, save=False)
        photo.save()
    messages.success(request, "照片已上传")
    return redirect("activities:detail", pk)


@login_required
def photo_file(request, pk, photo_pk):
    """Photos are served through the gate: a party activity's pictures are not public until published."""
    activity = get_visible_or_404(request.user, Activity.objects, pk=pk)
    photo = activity.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404("照片不存在")
    response = FileResponse(photo.image.open("rb"), content_type=guess_type(photo.image.name)[0] or "image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def photo_delete(request, pk, photo_pk):
    activity = get_visible_or_404(request.user, Activity.objects, pk=pk)
    require(request.user, activity, "change")
    photo = activity.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404("照片不存在")
    photo.image.delete(save=False)
    photo.delete()
    messages.success(request, "照片已删除")
    return redirect("activities:detail", pk)


# --- attendance ---------------------------------------------------------------------------------------
def markable_paths(user, activity: Activity) -> list[str]:
    """Organiser paths under which this user may mark attendance (their own members)."""
    return [p for p in activity.organisers.values_list("org_path", flat=True) if role_at(user, p) >= Role.SECRETARY]


def may_mark(user, activity: Activity, row_path: str, lead_rights: bool) -> bool:
    return lead_rights or role_at(user, row_path) >= Role.SECRETARY


@login_required
def attendance_sheet(request, pk):
    activity = get_visible_or_404(request.user, Activity.objects.select_related("kind", "lead_org"), pk=pk)
    lead_rights = can(request.user, activity, "change")
    if not lead_rights and not markable_paths(request.user, activity):
        raise PermissionDenied("只有主办组织的支部书记可以登记出勤")
    rows = list(activity.attendance.select_related("person").order_by("-expected", "org_path", "person__name_pinyin"))
    if request.method == "POST":
        if request.POST.get("action") == "sync":
            with transaction.atomic():
                due = services.sync_roll(activity)
            messages.success(request, f"已按当日在册党员更新应到名单：应到 {due} 人")
            return redirect("activities:attendance", pk)
        errors = save_marks(request, activity, rows, lead_rights)
        if not errors:
            messages.success(request, "出勤情况已保存")
            return redirect("activities:attendance", pk)
        for error in errors:
            messages.error(request, error)
    for row in rows:
        row.editable = may_mark(request.user, activity, row.org_path, lead_rights)
    return render(
        request,
        "activities/attendance.html",
        {"activity": activity, "rows": rows, "statuses": AttendanceStatus.choices,
         "counts": services.attendance_counts(activity)},
    )  # fmt: skip


def save_marks(request, activity: Activity, rows: list[Attendance], lead_rights: bool) -> list[str]:
    """Apply the sheet's statuses; any refusal writes nothing."""
    errors, changed = [], []
    for row in rows:
        status = request.POST.get(f"status-{row.pk}")
        reason = request.POST.get(f"reason-{row.pk}", "").strip()[:120]
        if status is None or (status == row.status and reason == row.reason):
            continue
        if not may_mark(request.user, activity, row.org_path, lead_rights):
            errors.append(f"{row.person.name}：不属于您管理的党员，不能修改其出勤")
            continue
        if status not in AttendanceStatus.values:
            errors.append(f"{row.person.name}：出勤状态“{status}”无效")
            continue
        if status == AttendanceStatus.LEAVE and not reason:
            errors.append(f"{row.person.name}：请假须填写原因")
            continue
        row.status, row.reason = status, reason
        if status == AttendanceStatus.PRESENT and not row.checked_in_at:
            row.checked_in_at, row.method = timezone.now(), CheckInMethod.SECRETARY
        changed.append(row)
    if errors:
        return errors
    with transaction.atomic():
        for row in changed:
            row.save()
        services.recount(activity)
    return []


@login_required
def signin_sheet(request, pk):
    """A printable sign-in sheet with a signature column (browser print → A4)."""
    activity = get_visible_or_404(request.user, Activity.objects.select_related("kind", "lead_org", "host"), pk=pk)
    require(request.user, activity, "view")
    rows = (
        activity.attendance.filter(expected=True).select_related("person").order_by("org_path", "person__name_pinyin")
    )
    return render(request, "activities/signin_sheet.html", {"activity": activity, "rows": rows})


# --- QR check-in --------------------------------------------------------------------------------------
@login_required
def qr_display(request, pk):
    """The meeting screen: a QR code that renews itself every 20 seconds, and the live count."""
    activity = get_visible_or_404(request.user, Activity.objects.select_related("kind"), pk=pk)
    if not (can(request.user, activity, "change") or markable_paths(request.user, activity)):
        raise PermissionDenied("只有主办组织的支部书记可以展示签到码")
    checkin_url = request.build_absolute_uri(reverse("activities:checkin")) + "?t=" + make_token(activity.pk)
    context = {
        "activity": activity,
        "svg": qr_svg(checkin_url),
        "checkin_url": checkin_url,
        "counts": services.attendance_counts(activity),
    }
    template = "activities/_qr.html" if request.htmx else "activities/qr.html"
    return render(request, template, context)


@login_required
def checkin(request):
    """GET shows what the code is for and a button; POST checks the member in (a GET never writes)."""
    token = request.POST.get("t") or request.GET.get("t", "")
    try:
        activity_id, _ = read_token(token)
        activity = Activity.objects.select_related("kind", "lead_org").filter(pk=activity_id).first()
        if activity is None:
            raise CheckInError("活动不存在")
        if request.method == "POST":
            row, created = check_in(request.user, token)
            message = "签到成功" if created else "您已签到，无需重复签到"
            return render(request, "activities/checkin.html", {"activity": activity, "done": row, "message": message})
    except CheckInError as error:
        return render(request, "activities/checkin.html", {"error": str(error)}, status=400)
    return render(request, "activities/checkin.html", {"activity": activity, "token": token})


@login_required
def my_activities(request):
    """A member's own page: upcoming activities to check in to and their attendance history."""
    own = own_person(request.user)
    rows = []
    if own:
        rows = (
            Attendance.objects.filter(person_id=own[0])
            .select_related("activity", "activity__kind")
            .order_by("-starts_at")[:100]
        )
    return render(request, "activities/mine.html", {"rows": rows, "now": timezone.now(), "has_person": bool(own)})


@login_required
def person_attendance(request, pk):
    person = get_visible_or_404(request.user, Person.objects, pk=pk)
    qs = Attendance.objects.filter(person=person)
    page = keyset_page(
        qs.values("id", "starts_at", "status", "reason", "expected", "method", "checked_in_at", "activity_id",
                  "activity__title", "activity__kind__name"),
        ("-starts_at", "-id"),
        request.GET.get("after"),
    )  # fmt: skip
    return render(
        request,
        "activities/person_attendance.html",
        {"person": person, "page": page, "STATUS": dict(AttendanceStatus.choices)},
    )


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
    children = list(
        PartyOrg.objects.filter(parent=org, is_active=True)
        .exclude(kind="group")
        .order_by("name")
        .values("id", "name")[:200]
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
    q = scope_q(request.user, Role.SECRETARY)
    undone = Q(check_code=IDLE) & ~Q(state=ComplianceState.GREEN) | Q(rule__isnull=False, held__lt=F("rule__times"))
    qs = BranchCompliance.objects.filter(undone)
    if q is not None:
        qs = qs.filter(q)
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
            "rows": rows,
            "grid": ledger.period_grid(rows),
            "detail": reverse("activities:list"),
        },
    )


@login_required
def meeting_record(request, pk):
    activity = get_visible_or_404(request.user, Activity.objects.select_related("kind", "lead_org"), pk=pk)
    require(request.user, activity, "view")
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
