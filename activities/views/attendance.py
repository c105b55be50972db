"""Attendance: the sheet, the printable sign-in sheet, QR check-in, a member's and a person's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.access import (
    Role,
    can,
    get_visible_or_404,
    own_person,
    require,
    role_at,
)
from core.paging import keyset_page
from people.models import Person

from .. import services
from ..checkin import CheckInError, check_in, make_token, qr_svg, read_token
from ..models import (
    Activity,
    Attendance,
    AttendanceStatus,
    CheckInMethod,
)


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
    require(request.user, activity, "view")  # a member on the roll may read it
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
