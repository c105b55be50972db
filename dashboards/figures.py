"""The figures of a dashboard for one organisation's subtree and one year, as plain JSON, each with the query
string of the list that shows the records behind it. Every figure is a grouped count over a scope index."""

import datetime
import time

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from activities.models import IDLE, OVERALL, ActivityOrganiser, ComplianceRule, ComplianceSummary
from core.access import PATH_END
from coverage.models import SurveyRound
from coverage.services import rates as coverage_rates
from honours.models import Honour
from orgs.models import BRANCH_KINDS, PartyOrg, ancestor_paths
from orgs.rules import current_settings
from pairings.models import PairingMember
from people.models import Education, PartyStatus, Person, Position

from .models import DashboardSnapshot

AGE_BANDS = [
    (0, 30, "30岁以下"),
    (30, 40, "30–39岁"),
    (40, 50, "40–49岁"),
    (50, 60, "50–59岁"),
    (60, 200, "60岁及以上"),
]


def subtree(org: PartyOrg, field: str = "org_path") -> Q:
    return Q(**{f"{field}__gte": org.path, f"{field}__lt": org.path + PATH_END})


def snapshot(org: PartyOrg, year: int, force: bool = False) -> DashboardSnapshot:
    """The stored figures, recomputed first when older than the CONFIG interval."""
    minutes = int(current_settings()["dashboard_refresh_minutes"])
    existing = DashboardSnapshot.objects.filter(org=org, year=year).first()
    fresh_after = timezone.now() - datetime.timedelta(minutes=minutes)
    if existing is not None and existing.computed_at >= fresh_after and not force:
        return existing
    started = time.perf_counter()
    data = compute(org, year)
    values = {"computed_at": timezone.now(), "data": data, "seconds": round(time.perf_counter() - started, 3)}
    snap, _ = DashboardSnapshot.objects.update_or_create(org=org, year=year, defaults=values)
    return snap


def compute(org: PartyOrg, year: int) -> dict:
    return {
        "members": members(org),
        "ages": ages(org),
        "education": education(org),
        "activities": activities(org, year),
        "compliance": compliance(org),
        "pairings": pairings(org, year),
        "coverage": coverage(org),
        "honours": honours(org, year),
        "dual_leaders": dual_leaders(org),
    }


def members(org: PartyOrg) -> list[dict]:
    counts = dict(
        Person.objects.filter(subtree(org), is_active=True).values("party_status").annotate(n=Count("id"))
        .values_list("party_status", "n")
    )  # fmt: skip
    return [{"label": str(label), "value": counts.get(value, 0), "link": f"/people/?org={org.pk}&status={value}"}
            for value, label in PartyStatus.choices if counts.get(value)]  # fmt: skip


def ages(org: PartyOrg) -> list[dict]:
    today = timezone.localdate()
    people = Person.objects.filter(
        subtree(org), is_active=True, party_status__in=[PartyStatus.FORMAL, PartyStatus.PROBATIONARY]
    )
    bands = {}
    for i, (low, high, _label) in enumerate(AGE_BANDS):  # one pass over the subtree: a count per band
        born_after = datetime.date(today.year - high, today.month, min(today.day, 28))
        born_before = datetime.date(today.year - low, today.month, min(today.day, 28))
        bands[f"b{i}"] = Count("id", filter=Q(birth_date__gt=born_after, birth_date__lte=born_before))
    counts = people.aggregate(unknown=Count("id", filter=Q(birth_date__isnull=True)), **bands)
    result = [{"label": label, "value": counts[f"b{i}"], "link": f"/people/?org={org.pk}&status=formal"}
              for i, (_low, _high, label) in enumerate(AGE_BANDS)]  # fmt: skip
    unknown = counts["unknown"]
    if unknown:
        result.append({"label": "未登记", "value": unknown, "link": f"/people/?org={org.pk}"})
    return result


def education(org: PartyOrg) -> list[dict]:
    counts = dict(
        Person.objects.filter(subtree(org), is_active=True, party_status__in=[PartyStatus.FORMAL, PartyStatus.PROBATIONARY])
        .values("education").annotate(n=Count("id")).values_list("education", "n")
    )  # fmt: skip
    labels = dict(Education.choices)
    return [{"label": str(labels.get(value, "未登记")), "value": n, "link": f"/people/?org={org.pk}&education={value}"}
            for value, n in sorted(counts.items(), key=lambda kv: -kv[1])]  # fmt: skip


def activities(org: PartyOrg, year: int) -> dict:
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    rows = (
        ActivityOrganiser.objects.filter(subtree(org), starts_at__gte=start, starts_at__lt=end)
        .annotate(month=ExtractMonth("starts_at")).values("kind_id", "kind__name", "month").annotate(n=Count("id"))
    )  # fmt: skip
    series: dict[str, dict] = {}
    for row in rows:
        entry = series.setdefault(
            row["kind__name"], {"name": row["kind__name"], "kind": row["kind_id"], "data": [0] * 12}
        )
        entry["data"][row["month"] - 1] += row["n"]
    ordered = sorted(series.values(), key=lambda s: -sum(s["data"]))
    for entry in ordered:
        entry["link"] = f"/activities/?org={org.pk}&kind={entry['kind']}&year={year}"
    return {"months": [f"{m}月" for m in range(1, 13)], "series": ordered[:8],
            "total": sum(sum(s["data"]) for s in ordered)}  # fmt: skip


def compliance(org: PartyOrg) -> list[dict]:
    labels = {str(pk): name for pk, name in ComplianceRule.objects.values_list("pk", "kind__name")}
    rows = ComplianceSummary.objects.filter(org=org).values_list("check_code", "green", "yellow", "red")
    labels[IDLE] = "长期未开展活动"
    labels[OVERALL] = "综合（按各项中最差的计）"
    rows = sorted(rows, key=lambda row: row[0] != OVERALL)  # the summary line first
    return [{"check": labels.get(code, "其他"), "green": g, "yellow": y, "red": r,
             "link": f"/activities/compliance/?org={org.pk}"} for code, g, y, r in rows]  # fmt: skip


def pairings(org: PartyOrg, year: int) -> dict:
    members_in_scope = PairingMember.objects.filter(subtree(org), left_on__isnull=True)
    active = members_in_scope.values("pairing_id").distinct().count()
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    joint = (
        ActivityOrganiser.objects.filter(subtree(org), starts_at__gte=start, starts_at__lt=end,
                                         activity__pairing__isnull=False)
        .values("activity_id").distinct().count()
    )  # fmt: skip
    return {"active": active, "joint_activities": joint, "link": "/pairings/"}


def coverage(org: PartyOrg) -> dict | None:
    survey = (
        SurveyRound.objects.filter(Q(org_path__gte=org.path, org_path__lt=org.path + PATH_END) | Q(org_path__in=ancestor_paths(org.path)))
        .order_by("-started_on", "-id").first()
    )  # fmt: skip
    if survey is None:
        return None
    scope = (
        None if survey.org_path.startswith(org.path) else Q(org_path__gte=org.path, org_path__lt=org.path + PATH_END)
    )
    r = coverage_rates(survey, scope)
    return {"round": survey.name, "operating": r.operating, "coverage_rate": r.coverage_rate, "own_rate": r.own_rate,
            "should_build": r.should_build, "link": f"/coverage/{survey.pk}/"}  # fmt: skip


def honours(org: PartyOrg, year: int) -> list[dict]:
    rows = Honour.objects.filter(subtree(org), year=year).values("kind_id", "kind__name").annotate(n=Count("id"))
    return [{"label": r["kind__name"], "value": r["n"], "link": f"/honours/?kind={r['kind_id']}&year={year}"}
            for r in rows.order_by("-n")]  # fmt: skip


def dual_leaders(org: PartyOrg) -> dict:
    """Branches whose current 书记 is also a 学科/业务带头人, over all active branches."""
    branches = PartyOrg.objects.filter(subtree(org, "path"), kind__in=BRANCH_KINDS, is_active=True)
    total = branches.count()
    dual = (
        Position.objects.filter(org__in=branches, title="书记", end_on__isnull=True, person__is_dual_leader=True)
        .values("org_id").distinct().count()
    )  # fmt: skip
    target = float(current_settings()["dual_leader_target"])
    return {"branches": total, "dual": dual, "ratio": dual / total if total else None, "target": target,
            "link": f"/orgs/list/?kind=branch&org={org.pk}"}  # fmt: skip
