"""Compliance of branches with the organisational-life rules (支部条例 §11–19), maintained rather than computed
in page views.

Every branch has one `BranchCompliance` row per applicable rule plus one for the idle check. An activity write
calls `refresh_branches` for its organisers: their rows are recomputed and the change in states is added to the
`ComplianceSummary` of every ancestor (a few UPDATEs, however large the tree). The daily `refresh_compliance`
command rebuilds everything, which is also how periods roll over and yellow turns red.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.bulk import chunks
from orgs.models import BRANCH_KINDS, OrgKind, PartyOrg, ancestor_paths
from orgs.rules import current_settings
from people.models import COMMITTEE_TITLES, Position, PositionKind

from .models import (
    IDLE,
    OVERALL,
    ActivityOrganiser,
    AppliesTo,
    BranchCompliance,
    ComplianceRule,
    ComplianceState,
    ComplianceSummary,
    Period,
)

SEVERITY = {ComplianceState.GREEN: 0, ComplianceState.YELLOW: 1, ComplianceState.RED: 2}
IDLE_DAYS_DEFAULT = 30


def period_bounds(period: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    if period == Period.MONTH:
        start = day.replace(day=1)
        following = (start + datetime.timedelta(days=32)).replace(day=1)
    elif period == Period.QUARTER:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        following = (start + datetime.timedelta(days=95)).replace(day=1)
    else:
        start = day.replace(month=1, day=1)
        following = start.replace(year=start.year + 1)
    return start, following - datetime.timedelta(days=1)


def period_label(period: str, start: datetime.date) -> str:
    if period == Period.MONTH:
        return f"{start.year}年{start.month}月"
    if period == Period.QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年"


def idle_days() -> int:
    return int(current_settings().get("activity_idle_days", IDLE_DAYS_DEFAULT))


@dataclass
class BranchFacts:
    org: PartyOrg
    has_committee: bool
    has_groups: bool
    dates: dict[int, list[datetime.date]]  # kind id -> dates of activities held by the branch or its groups


def gather_facts(branches: list[PartyOrg], since: datetime.date, until: datetime.date) -> list[BranchFacts]:
    """What the rules need about these branches, in a handful of queries per 500 branches."""
    from .services import local_bounds

    result = []
    start, end = local_bounds(since, until)
    for chunk in chunks(branches):
        ids = [b.pk for b in chunk]
        groups = defaultdict(list)
        for group_id, parent_id in PartyOrg.objects.filter(
            parent_id__in=ids, kind=OrgKind.GROUP, is_active=True
        ).values_list("id", "parent_id"):
            groups[parent_id].append(group_id)
        owner = {pk: pk for pk in ids} | {g: parent for parent, gs in groups.items() for g in gs}
        committee = defaultdict(set)
        for org_id, person_id in (
            Position.objects.current(until)
            .filter(org_id__in=ids, kind=PositionKind.PARTY, title__in=COMMITTEE_TITLES)
            .values_list("org_id", "person_id")
        ):
            committee[org_id].add(person_id)
        dates: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        rows = ActivityOrganiser.objects.filter(
            org_id__in=list(owner), starts_at__gte=start, starts_at__lt=end, activity__is_cancelled=False
        ).values_list("org_id", "kind_id", "starts_at")
        tz = timezone.get_current_timezone()
        for org_id, kind_id, starts_at in rows:
            dates[owner[org_id]][kind_id].append(starts_at.astimezone(tz).date())
        for branch in chunk:
            result.append(
                BranchFacts(
                    org=branch,
                    has_committee=len(committee[branch.pk]) >= 3,
                    has_groups=bool(groups[branch.pk]),
                    dates=dates[branch.pk],
                )
            )
    return result


def rule_applies(rule: ComplianceRule, facts: BranchFacts) -> bool:
    if rule.applies_to == AppliesTo.WITH_COMMITTEE:
        return facts.has_committee
    if rule.applies_to == AppliesTo.WITH_GROUPS:
        return facts.has_groups
    return True


def evaluate_rule(rule: ComplianceRule, facts: BranchFacts, today: datetime.date) -> BranchCompliance:
    start, end = period_bounds(rule.period, today)
    prev_start, prev_end = period_bounds(rule.period, start - datetime.timedelta(days=1))
    dates = facts.dates.get(rule.kind_id, [])
    held = sum(1 for d in dates if start <= d <= today)
    planned = sum(1 for d in dates if today < d <= end)
    previous = sum(1 for d in dates if prev_start <= d <= prev_end)
    established = facts.org.established_on
    previous_counts = not established or established <= prev_start
    name = rule.kind.name
    if held >= rule.times:
        state, message = ComplianceState.GREEN, f"{period_label(rule.period, start)}{name}已开展{held}次"
    elif previous_counts and previous < rule.times:
        state, message = ComplianceState.RED, f"{period_label(rule.period, prev_start)}未召开{name}"
    elif (end - today).days < rule.warn_days:
        state = ComplianceState.YELLOW
        message = f"{name}须于{end:%m月%d日}前召开" + (f"（已安排{planned}次）" if planned else "")
    else:
        state, message = ComplianceState.GREEN, f"{name}本期待开展，截止{end:%m月%d日}"
    return BranchCompliance(
        org=facts.org,
        org_path=facts.org.path,
        check_code=str(rule.pk),
        rule=rule,
        period_start=start,
        period_end=end,
        held=held,
        planned=planned,
        previous_held=previous,
        last_held_on=max(dates) if dates else None,
        state=state,
        message=message,
        computed_on=today,
    )


def evaluate_idle(facts: BranchFacts, today: datetime.date, limit: int) -> BranchCompliance:
    held = [d for ds in facts.dates.values() for d in ds if d <= today]
    last = max(held) if held else None
    since = today - datetime.timedelta(days=limit)
    if last and (today - last).days <= limit:
        state, message = ComplianceState.GREEN, f"最近一次活动：{last:%Y-%m-%d}"
    elif last:
        state, message = ComplianceState.RED, f"已{(today - last).days}天未开展活动（最近一次 {last:%Y-%m-%d}）"
    else:
        state, message = ComplianceState.RED, f"近{limit}天以上无活动记录"
    return BranchCompliance(
        org=facts.org,
        org_path=facts.org.path,
        check_code=IDLE,
        period_start=since,
        period_end=today,
        held=sum(1 for d in held if d >= since),
        last_held_on=last,
        state=state,
        message=message,
        computed_on=today,
    )


def evaluate(facts: BranchFacts, rules: list[ComplianceRule], today: datetime.date, limit: int):
    rows = [evaluate_rule(rule, facts, today) for rule in rules if rule_applies(rule, facts)]
    rows.append(evaluate_idle(facts, today, limit))
    return rows


def window(rules: list[ComplianceRule], today: datetime.date, limit: int) -> tuple[datetime.date, datetime.date]:
    """From the start of the earliest previous period any rule looks at, to the end of the latest current one."""
    starts, ends = [today - datetime.timedelta(days=limit)], [today]
    for rule in rules:
        start, end = period_bounds(rule.period, today)
        starts.append(period_bounds(rule.period, start - datetime.timedelta(days=1))[0])
        ends.append(end)
    return min(starts), max(ends)


def active_rules() -> list[ComplianceRule]:
    return list(ComplianceRule.objects.filter(is_active=True).select_related("kind"))


def branches_among(org_ids) -> list[PartyOrg]:
    """The branches among these organisations, and the branches of any 党小组 among them."""
    orgs = list(PartyOrg.objects.filter(pk__in=list(org_ids)).only("id", "kind", "parent_id"))
    ids = {o.pk for o in orgs if o.kind in BRANCH_KINDS} | {o.parent_id for o in orgs if o.kind == OrgKind.GROUP}
    return list(PartyOrg.objects.filter(pk__in=ids, kind__in=BRANCH_KINDS, is_active=True))


@transaction.atomic
def refresh_branches(org_ids, today: datetime.date | None = None) -> None:
    """Recompute the rows of the branches among `org_ids` and roll the changes into the ancestors' summaries."""
    today = today or timezone.localdate()
    branches = branches_among(org_ids)
    if not branches:
        return
    rules = active_rules()
    limit = idle_days()
    since, until = window(rules, today, limit)
    old = defaultdict(dict)
    for org_id, check, state in BranchCompliance.objects.filter(org__in=branches).values_list(
        "org_id", "check_code", "state"
    ):
        old[org_id][check] = state
    new_rows = []
    for facts in gather_facts(branches, since, until):
        new_rows += evaluate(facts, rules, today, limit)
    BranchCompliance.objects.filter(org__in=branches).delete()
    BranchCompliance.objects.bulk_create(new_rows, batch_size=1000)
    new = defaultdict(dict)
    for row in new_rows:
        new[row.org_id][row.check_code] = row.state
    deltas: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for branch in branches:
        for check, delta in state_deltas(old[branch.pk], new[branch.pk]).items():
            for path in ancestor_paths(branch.path):
                for state, n in delta.items():
                    deltas[(path, check)][state] += n
    apply_summary_deltas(deltas)


def with_overall(states: dict[str, str]) -> dict[str, str]:
    if not states:
        return {}
    worst = max(states.values(), key=lambda s: SEVERITY[s])
    return {**states, OVERALL: worst}


def state_deltas(old: dict[str, str], new: dict[str, str]) -> dict[str, dict[str, int]]:
    old, new = with_overall(old), with_overall(new)
    result: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for check in set(old) | set(new):
        if old.get(check) == new.get(check):
            continue
        if check in old:
            result[check][old[check]] -= 1
        if check in new:
            result[check][new[check]] += 1
    return result


def apply_summary_deltas(deltas) -> None:
    if not deltas:
        return
    paths = {path for path, _ in deltas}
    ids = dict(PartyOrg.objects.filter(path__in=paths).values_list("path", "id"))
    for (path, check), delta in deltas.items():
        org_id = ids.get(path)
        if org_id is None:
            continue
        summary, _ = ComplianceSummary.objects.get_or_create(org_id=org_id, check_code=check)
        ComplianceSummary.objects.filter(pk=summary.pk).update(**{s: F(s) + n for s, n in delta.items() if n})


@transaction.atomic
def rebuild_all(today: datetime.date | None = None) -> int:
    """The daily job: every branch recomputed, every summary rebuilt from the rows. Returns branches done."""
    today = today or timezone.localdate()
    rules = active_rules()
    limit = idle_days()
    since, until = window(rules, today, limit)
    BranchCompliance.objects.all().delete()
    ComplianceSummary.objects.all().delete()
    ids = dict(PartyOrg.objects.values_list("path", "id"))
    totals: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    done = 0
    branches = PartyOrg.objects.filter(kind__in=BRANCH_KINDS, is_active=True).order_by("path")
    for chunk in chunks(branches.iterator(2000), 2000):
        rows = []
        for facts in gather_facts(chunk, since, until):
            branch_rows = evaluate(facts, rules, today, limit)
            rows += branch_rows
            states = with_overall({r.check_code: r.state for r in branch_rows})
            for path in ancestor_paths(facts.org.path):
                for check, state in states.items():
                    totals[(ids[path], check)][state] += 1
        BranchCompliance.objects.bulk_create(rows, batch_size=2000)
        done += len(chunk)
    ComplianceSummary.objects.bulk_create(
        [ComplianceSummary(org_id=org_id, check_code=check, **counts) for (org_id, check), counts in totals.items()],
        batch_size=2000,
    )
    return done


def undone(user):
    """What the user's branches still have to hold this period: their to-do, and the workbench's count of it."""
    from django.db.models import Q

    from core.access import Role, scope_q

    waiting = Q(check_code=IDLE) & ~Q(state=ComplianceState.GREEN) | Q(rule__isnull=False, held__lt=F("rule__times"))
    qs = BranchCompliance.objects.filter(waiting)
    q = scope_q(user, Role.SECRETARY)
    return qs if q is None else qs.filter(q)
