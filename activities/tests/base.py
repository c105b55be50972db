import datetime

from django.utils import timezone

from activities import compliance, services
from activities.models import Activity, ActivityKind
from core.testing import CastTestCase

TZ = timezone.get_fixed_timezone(8 * 60)


def at(year, month, day, hour=14, minute=30) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


class ActivityTestCase(CastTestCase):
    """The cast plus helpers to record activities the way the form does."""

    def kind(self, code: str) -> ActivityKind:
        return ActivityKind.objects.get(code=code)

    def record(self, org, code="branch_congress", when=None, co_orgs=(), **fields) -> Activity:
        activity = Activity(
            title=fields.pop("title", "支部党员大会"),
            kind=self.kind(code),
            lead_org=org,
            starts_at=when or timezone.now(),
            **fields,
        )
        activity.save()
        services.set_organisers(activity, [org, *co_orgs])
        services.sync_roll(activity)
        compliance.refresh_branches([org.pk, *[o.pk for o in co_orgs]])
        return activity

    def form_data(self, org, **overrides) -> dict:
        data = {
            "kind": self.kind("branch_congress").pk,
            "title": "第二季度支部党员大会",
            "lead_org": org.pk,
            "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "ends_at": "",
            "place": "门诊楼五楼会议室",
            "headcount": "",
            "summary": "",
            "agenda": "1. 学习\n2. 讨论",
            "minutes": "",
            "decisions": "",
            "host_name": "",
            "recorder_name": "",
        }
        for prefix in ("speakers", "guests", "outcomes"):
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        data.update(overrides)
        return data
