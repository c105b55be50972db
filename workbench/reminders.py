"""Messages that come due with time rather than with a save: meetings tomorrow, 预备期 and terms ending. Run daily
by the scheduler (core.tasks.SCHEDULES) through `manage.py send_reminders`; every run is idempotent."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.access import Role
from orgs.rules import current_settings, probation_end

from . import notices, waiting
from .models import Kind, Notice
from .panels import titled


@dataclass(frozen=True)
class Due:
    day: datetime.date
    passed: bool


def probation_due(person, today: datetime.date | None = None) -> Due | None:
    """When the person's 预备期 ends, if that is within the CONFIG reminder window or already past."""
    today = today or timezone.localdate()
    end = probation_end(person.joined_on, person.probation_extended)
    days = int(current_settings().get("probation_reminder_days", 30))
    if (end - today).days > days:
        return None
    return Due(end, end < today)


def remind_meetings(now: datetime.datetime | None = None) -> int:
    """Everyone on the roll of a meeting that starts before the end of tomorrow and who has a login hears of it;
    reminders of meetings that have begun are done."""
    from activities.models import Activity, Attendance

    now = now or timezone.now()
    tomorrow_end = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(now) + datetime.timedelta(days=2), datetime.time.min)
    )
    begun = Activity.objects.filter(starts_at__lt=now).values("pk")
    started = Notice.objects.filter(kind=Kind.MEETING_REMINDER, read_at__isnull=True, target_type="activities.activity",
                                    target_id__in=begun)  # fmt: skip
    notices.forget_unread(set(started.values_list("user_id", flat=True)))
    started.update(read_at=now)
    written = 0
    upcoming = Activity.objects.filter(starts_at__gte=now, starts_at__lt=tomorrow_end, is_cancelled=False)
    for activity in upcoming.select_related("kind"):
        start = timezone.localtime(activity.starts_at)
        place = f"，地点：{activity.place}" if activity.place else ""
        title = f"{start:%m月%d日 %H:%M} {titled(activity.kind.name, activity.title)}{place}"
        rolled = Attendance.objects.filter(activity=activity, expected=True, person__user__isnull=False)
        users = set(rolled.values_list("person__user_id", flat=True))
        url = reverse("activities:mine")
        wanted = {(u, Kind.MEETING_REMINDER): (title, url) for u in users}
        notices.sync(activity, wanted)
        written += len(wanted)
    return written


def remind_probations() -> int:
    """Every 预备党员 whose 预备期 is due: one message per person to their branch's secretary (the same rule as
    a save of the person, for the days that pass without one)."""
    from people.models import PartyStatus, Person

    days = int(current_settings().get("probation_reminder_days", 30))
    latest_join = timezone.localdate() + datetime.timedelta(days=days) - datetime.timedelta(days=365)
    due = Person.objects.filter(party_status=PartyStatus.PROBATIONARY, is_active=True, joined_on__lte=latest_join)
    count = 0
    for person in due.iterator(500):
        wanted = waiting.person(person)
        notices.sync(person, wanted)
        count += len(wanted)
    return count


def remind_terms() -> int:
    """Organisations whose term ends soon or has ended (the rule warnings already say which): their own
    secretaries and administrators hear of it, and the message is done once the warning is gone."""
    from orgs.models import OrgWarning, PartyOrg, WarningCode

    codes = [WarningCode.TERM_ENDING, WarningCode.TERM_EXPIRED]
    warned = {w.org_id: w.message for w in OrgWarning.objects.filter(code__in=codes).only("org_id", "message")}
    count = 0
    for org in PartyOrg.objects.filter(pk__in=list(warned)).only("id", "name", "path"):
        users = notices.nearest_holders(org.path, Role.SECRETARY)
        title = f"{org.name}：{warned[org.pk]}"
        wanted = {(u, Kind.TERM_ENDING): (title, reverse("orgs:detail", args=[org.pk])) for u in users}
        notices.sync(org, wanted)
        count += len(wanted)
    stale = Notice.objects.filter(kind=Kind.TERM_ENDING, read_at__isnull=True).filter(~Q(target_id__in=list(warned)))
    notices.forget_unread(set(stale.values_list("user_id", flat=True)))
    stale.update(read_at=timezone.now())
    return count


def send_all() -> dict[str, int]:
    return {"meetings": remind_meetings(), "probations": remind_probations(), "terms": remind_terms()}
