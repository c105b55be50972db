"""What an activity write sets in motion: organiser rows, the roll (应到), speakers' posts at the date, and
the compliance of the organisers."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone

from core.access import Role, role_at
from orgs.models import OrgKind, PartyOrg
from people.models import Membership, Position

from .models import Activity, ActivityOrganiser, Attendance, AttendanceStatus


def set_organisers(activity: Activity, orgs: list[PartyOrg]) -> list[int]:
    """Make `orgs` (the lead first) the organisers; returns every organisation touched, old and new."""
    wanted = {activity.lead_org_id: activity.lead_org, **{o.pk: o for o in orgs}}
    old = set(activity.organisers.values_list("org_id", flat=True))
    activity.organisers.exclude(org_id__in=wanted).delete()
    existing = set(activity.organisers.values_list("org_id", flat=True))
    ActivityOrganiser.objects.bulk_create(
        ActivityOrganiser(
            activity=activity,
            org=org,
            org_path=org.path,
            starts_at=activity.starts_at,
            kind_id=activity.kind_id,
            is_lead=org.pk == activity.lead_org_id,
        )
        for pk, org in wanted.items()
        if pk not in existing
    )
    activity.organisers.update(starts_at=activity.starts_at, kind_id=activity.kind_id)
    activity.organisers.exclude(org_id=activity.lead_org_id).update(is_lead=False)
    activity.organisers.filter(org_id=activity.lead_org_id).update(is_lead=True)
    activity.attendance.update(starts_at=activity.starts_at)
    return sorted(old | set(wanted))


def roll_for(activity: Activity) -> dict[int, str]:
    """Members (正式 and 预备) whose relationship on the activity's date sits in an organiser's subtree:
    person id -> the path of the organisation holding it."""
    day = activity.date
    scope = Q()
    for path in activity.organisers.values_list("org_path", flat=True):
        scope |= Q(org_path__gte=path, org_path__lt=path + "~")
    if not scope:
        return {}
    rows = (
        Membership.objects.filter(scope, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .filter(person__is_active=True)
        .values_list("person_id", "org_path")
    )
    return dict(rows)


def sync_roll(activity: Activity) -> int:
    """Add the members due to attend; drop untouched roll rows of people no longer due. Returns 应到."""
    if not activity.kind.takes_roll:
        recount(activity)
        return activity.attendance.filter(expected=True).count()
    due = roll_for(activity)
    existing = dict(activity.attendance.values_list("person_id", "status"))
    Attendance.objects.bulk_create(
        [
            Attendance(activity=activity, person_id=pid, org_path=path, starts_at=activity.starts_at)
            for pid, path in due.items()
            if pid not in existing
        ],
        batch_size=1000,
    )
    stale = [pid for pid, status in existing.items() if pid not in due and status == AttendanceStatus.PENDING]
    activity.attendance.filter(person_id__in=stale, expected=True).delete()
    activity.attendance.filter(person_id__in=list(due)).update(expected=True)
    recount(activity)
    return len(due)


def posts_on(person_id: int, day: datetime.date) -> str:
    """The posts a person held on a date, as a report would write them: 七院党委书记、信息科负责人."""
    rows = (
        Position.objects.filter(person_id=person_id)
        .filter(Q(start_on__isnull=True) | Q(start_on__lte=day), Q(end_on__isnull=True) | Q(end_on__gte=day))
        .select_related("org", "institution")
        .order_by("kind", "id")
    )
    return "、".join(f"{short_place(p)}{p.title}" for p in rows)


def short_place(position: Position) -> str:
    if position.kind == "party" and position.org_id:
        return position.org.name
    if position.institution_id:
        return position.institution.short_name or position.institution.name
    return position.org.name if position.org_id else ""


def attendance_counts(activity: Activity) -> dict[str, int]:
    counts = {"expected": 0, "present": 0, "leave": 0, "absent": 0, "pending": 0, "guests": 0}
    rows = activity.attendance.values_list("expected", "status").annotate(n=Count("id")).order_by()
    for expected, status, n in rows:
        if expected:
            counts["expected"] += n
            counts[status] += n
        elif status == AttendanceStatus.PRESENT:
            counts["guests"] += n
    return counts


def recount(activity: Activity) -> None:
    """Store the attendance figures on the activity (call after any attendance write, in its transaction)."""
    counts = attendance_counts(activity)
    Activity.objects.filter(pk=activity.pk).update(
        expected_count=counts["expected"],
        present_count=counts["present"],
        leave_count=counts["leave"],
        absent_count=counts["absent"] + counts["pending"],
        guest_count=counts["guests"],
    )


def branch_and_groups(org: PartyOrg) -> list[int]:
    """A branch and its 党小组: a 党小组会 of a group counts for its branch."""
    groups = PartyOrg.objects.filter(parent=org, kind=OrgKind.GROUP, is_active=True).values_list("id", flat=True)
    return [org.pk, *groups]


def local_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes covering local dates start..end inclusive."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz),
    )


def require_record_keeper(user, activity) -> None:
    """Writing a meeting up (a news draft from it) is for the secretaries of the organisers, not for every member
    who may see the meeting."""
    paths = [activity.org_path, *ActivityOrganiser.objects.filter(activity=activity).values_list("org_path", flat=True)]
    if not any(role_at(user, path) >= Role.SECRETARY for path in paths):
        raise PermissionDenied("只有组织方的支部书记及以上角色可以据此撰写新闻稿")
