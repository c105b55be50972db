"""Maintained figures of the party tree: member counts, committee facts and rule warnings.

Pages never count members or evaluate rules: every write that changes them calls `refresh_orgs` for the
organisations it touched (and `refresh_institutions` for units), and a daily `refresh_registry` command
re-evaluates the date-dependent rules (terms) for everything.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from core.access import renew_access_facts
from core.bulk import IN_CLAUSE_SIZE, chunks
from people.models import COMMITTEE_TITLES, Membership, PartyStatus, Person, Position, PositionKind

from . import rules
from .models import SEGMENT_WIDTH, Institution, OrgWarning, PartyOrg, WarningCode, ancestor_paths, bump_tree_version

CHUNK = IN_CLAUSE_SIZE


def _member_counts(org_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"formal": 0, "probationary": 0})
    for chunk in chunks(org_ids):
        # Statuses are counted, not filtered on: a filter on party_status leads SQLite to scan every member of the
        # province by the status index for each chunk of organisations (1.5 s a chunk) instead of their rows.
        rows = (
            Membership.objects.filter(org_id__in=chunk, end_on__isnull=True, person__is_active=True)
            .values("org_id")
            .annotate(
                formal=Count("id", filter=Q(person__party_status=PartyStatus.FORMAL)),
                probationary=Count("id", filter=Q(person__party_status=PartyStatus.PROBATIONARY)),
            )
        )
        for row in rows:
            counts[row["org_id"]].update(formal=row["formal"], probationary=row["probationary"])
    return counts


def _committee_facts(org_ids: list[int], today: datetime.date) -> tuple[dict[int, int], set[int]]:
    sizes: dict[int, int] = defaultdict(int)
    with_secretary: set[int] = set()
    for chunk in chunks(org_ids):
        rows = (
            Position.objects.current(today)
            .filter(org_id__in=chunk, kind=PositionKind.PARTY, title__in=COMMITTEE_TITLES)
            .values_list("org_id", "title", "person_id")
        )
        seen: set[tuple[int, int]] = set()
        for org_id, title, person_id in rows:
            if title == "书记":
                with_secretary.add(org_id)
            if (org_id, person_id) not in seen:
                seen.add((org_id, person_id))
                sizes[org_id] += 1
    return sizes, with_secretary


def _committee_meetings(org_ids: list[int], today: datetime.date) -> dict[int, int]:
    """支委会 each organisation held lately (one index range per chunk on the organiser rows)."""
    from activities.models import ActivityOrganiser

    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    since -= datetime.timedelta(days=rules.COMMITTEE_EVIDENCE_DAYS)
    held: dict[int, int] = {}
    for chunk in chunks(org_ids):
        rows = (
            ActivityOrganiser.objects.filter(
                org_id__in=chunk, kind__code="branch_committee", starts_at__gte=since, starts_at__lte=timezone.now()
            )
            .filter(activity__is_cancelled=False)
            .values("org_id")
            .annotate(n=Count("id"))
        )
        held.update({row["org_id"]: row["n"] for row in rows})
    return held


def _probation_warnings(orgs: dict[int, PartyOrg], today: datetime.date) -> list[OrgWarning]:
    """One warning per 预备党员 whose 预备期 (with any extension) ended before today, on their organisation."""
    latest_joined = rules.add_years(today, -rules.PROBATION_YEARS)
    warnings = []
    for chunk in chunks(list(orgs)):
        people = Person.objects.filter(
            home_org_id__in=chunk,
            party_status=PartyStatus.PROBATIONARY,
            is_active=True,
            died_on__isnull=True,
            joined_on__lt=latest_joined,
        ).only("id", "name", "home_org_id", "joined_on", "probation_extended")
        for person in people:
            if rules.probation_end(person.joined_on, person.probation_extended) >= today:
                continue
            org = orgs[person.home_org_id]
            message = rules.probation_message(person.name, person.joined_on, person.probation_extended, today)
            warnings.append(OrgWarning(org=org, org_path=org.path, person=person, code=WarningCode.PROBATION_OVERDUE,
                                       message=message[:200]))  # fmt: skip
    return warnings


def _dues_warnings(orgs: dict[int, PartyOrg], today: datetime.date) -> list[OrgWarning]:
    """One warning per member whose dues are unpaid for the CONFIG months or more (R24), on their branch."""
    from dues import services as dues
    from dues.models import DuesAccount

    warn = dues.settings()["warn_months"]
    warnings = []
    for chunk in chunks(list(orgs)):
        paths = [orgs[i].path for i in chunk]
        accounts = DuesAccount.objects.filter(org_path__in=paths).filter(dues.arrears_q(warn, today))
        for account in accounts.select_related("person").only("person__name", "org_id", "covered_through", "exempt"):
            run = dues.unpaid_run(account, today)
            org = orgs[account.org_id]
            if run >= dues.LAPSE_MONTHS:
                code, message = (
                    WarningCode.DUES_LAPSED,
                    (
                        f"{account.person.name}已连续{run}个月未交党费：没有正当理由的，按党章第九条视为自行脱党，"
                        f"应由支部大会讨论"
                    ),
                )
            else:
                code, message = WarningCode.DUES_ARREARS, f"{account.person.name}已连续{run}个月未交党费，请提醒交纳"
            warnings.append(OrgWarning(org=org, org_path=org.path, person=account.person, code=code,
                                       message=message[:200]))  # fmt: skip
    return warnings


def _joint_units(org_ids: list[int]) -> dict[int, int]:
    units: dict[int, int] = {}
    through = PartyOrg.joint_institutions.through
    for chunk in chunks(org_ids):
        for row in through.objects.filter(partyorg_id__in=chunk).values("partyorg_id").annotate(n=Count("id")):
            units[row["partyorg_id"]] = row["n"]
    return units


@transaction.atomic
def refresh_orgs(org_ids: Iterable[int] | None = None, today: datetime.date | None = None) -> int:
    """Recount members and re-evaluate the rules of these organisations and their ancestors (all when None).

    Ancestors are included because their subtree totals, and so their 50/100 size rules, change too.
    Returns how many organisations were refreshed.
    """
    today = today or timezone.localdate()
    orgs = _orgs_to_refresh(org_ids)
    if not orgs:
        return 0
    ids = [o.id for o in orgs]
    counts = _member_counts(ids)
    children = _child_counts(ids)
    now = timezone.now()
    for org in orgs:
        org.formal_count = counts[org.id]["formal"]
        org.probationary_count = counts[org.id]["probationary"]
        org.child_count = children.get(org.id, 0)
        org.counts_refreshed_at = now
    PartyOrg.objects.bulk_update(
        orgs, ["formal_count", "probationary_count", "child_count", "counts_refreshed_at"], batch_size=CHUNK
    )
    subtree_formal = _refresh_subtree_counts(orgs, full=org_ids is None)
    _rewrite_warnings(orgs, subtree_formal, today)
    return len(orgs)


def _orgs_to_refresh(org_ids) -> list[PartyOrg]:
    if org_ids is None:
        return list(PartyOrg.objects.only(*_ORG_FIELDS))
    paths = {
        p
        for path in PartyOrg.objects.filter(id__in={i for i in org_ids if i}).values_list("path", flat=True)
        for p in ancestor_paths(path)
    }
    return list(PartyOrg.objects.filter(path__in=paths).only(*_ORG_FIELDS))


def _rewrite_warnings(orgs: list[PartyOrg], subtree_formal: dict[int, int], today: datetime.date) -> None:
    cfg = rules.current_settings()
    ids = [o.id for o in orgs]
    sizes, with_secretary = _committee_facts(ids, today)
    meetings = _committee_meetings(ids, today)
    joint = _joint_units(ids)
    warnings: list[OrgWarning] = []
    for org in orgs:
        facts = rules.OrgFacts(
            formal=subtree_formal[org.id],
            members=org.subtree_member_count,
            committee_size=sizes.get(org.id, 0),
            has_secretary=org.id in with_secretary,
            units=(1 if org.institution_id else 0) + joint.get(org.id, 0),
            committee_meetings=meetings.get(org.id, 0),
        )
        for code, message in rules.evaluate(org, facts, cfg, today):
            warnings.append(OrgWarning(org=org, org_path=org.path, code=code, message=message))
    warnings += _probation_warnings({o.id: o for o in orgs}, today)
    warnings += _dues_warnings({o.id: o for o in orgs}, today)
    for chunk in chunks(ids):
        OrgWarning.objects.filter(org_id__in=chunk, institution__isnull=True).delete()
    OrgWarning.objects.bulk_create(warnings, batch_size=2000)


_ORG_FIELDS = (
    "id",
    "path",
    "kind",
    "is_active",
    "is_functional",
    "size_approved",
    "term_started_on",
    "term_years",
    "institution_id",
    "parent_id",
    "subtree_member_count",
)


def _child_counts(ids: list[int]) -> dict[int, int]:
    result: dict[int, int] = {}
    for chunk in chunks(ids):
        rows = PartyOrg.objects.filter(parent_id__in=chunk, is_active=True).values("parent_id").annotate(n=Count("id"))
        result.update({r["parent_id"]: r["n"] for r in rows})
    return result


def _refresh_subtree_counts(orgs: list[PartyOrg], full: bool) -> dict[int, int]:
    """Store each organisation's members including its sub-organisations; return the formal ones (by id)."""
    formal: dict[int, int] = {}
    if full:
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for org in orgs:
            for path in ancestor_paths(org.path):
                totals[path][0] += org.formal_count
                totals[path][1] += org.probationary_count
        for org in orgs:
            org.subtree_member_count = sum(totals[org.path])
            formal[org.id] = totals[org.path][0]
    else:
        for org in orgs:
            sums = PartyOrg.objects.filter(path__gte=org.path, path__lt=org.path + "~").aggregate(
                formal=Sum("formal_count"), probationary=Sum("probationary_count")
            )
            formal[org.id] = sums["formal"] or 0
            org.subtree_member_count = formal[org.id] + (sums["probationary"] or 0)
    PartyOrg.objects.bulk_update(orgs, ["subtree_member_count"], batch_size=CHUNK)
    return formal


@transaction.atomic
def refresh_institutions(institution_ids: Iterable[int] | None = None) -> None:
    """应建未建: an operating unit with ≥3 正式党员 on its staff and no party organisation of its own."""
    threshold = int(rules.current_settings()["min_formal_members"])
    qs = Institution.objects.filter(is_active=True)
    if institution_ids is not None:
        qs = qs.filter(id__in={i for i in institution_ids if i})
    ids = list(qs.values_list("id", flat=True))
    changed_orgs: set[int] = set()  # their pages show these warnings: restamped below, which renews the page
    for chunk in chunks(ids):
        old = OrgWarning.objects.filter(institution_id__in=chunk, code=WarningCode.UNIT_WITHOUT_ORG)
        changed_orgs |= set(old.values_list("org_id", flat=True))
        old.delete()
        formal = dict(
            Person.objects.filter(institution_id__in=chunk, party_status=PartyStatus.FORMAL, is_active=True)
            .values("institution_id")
            .annotate(n=Count("id"))
            .filter(n__gte=threshold)
            .values_list("institution_id", "n")
        )
        if not formal:
            continue
        own = PartyOrg.objects.filter(is_active=True, institution_id__in=formal).values_list(
            "institution_id", flat=True
        )
        joint = PartyOrg.joint_institutions.through.objects.filter(
            institution_id__in=formal, partyorg__is_active=True
        ).values_list("institution_id", flat=True)
        with_org = set(own) | set(joint)
        rows = [
            OrgWarning(
                org_id=inst.managing_org_id,
                institution=inst,
                org_path=inst.org_path,
                code=WarningCode.UNIT_WITHOUT_ORG,
                message=f"{inst.name}：{rules.unit_without_org_message(formal[inst.id])}",
            )
            for inst in Institution.objects.filter(id__in=formal, is_operating=True).exclude(id__in=with_org)
        ]
        OrgWarning.objects.bulk_create(rows)
        changed_orgs |= {row.org_id for row in rows}
    changed_orgs.discard(None)
    for chunk in chunks(changed_orgs):
        PartyOrg.objects.filter(id__in=chunk).update(counts_refreshed_at=timezone.now())


def move_subtree(org: PartyOrg, new_parent: PartyOrg | None) -> None:
    """Re-parent an organisation: rewrite the path prefix of its subtree in every table that carries it."""
    from accounts.models import RoleGrant

    old = org.path
    seg = old[-SEGMENT_WIDTH:]
    new = (new_parent.path if new_parent else "") + seg
    if new == old:
        return
    depth_shift = (len(new) - len(old)) // SEGMENT_WIDTH
    start = len(old) + 1
    bump_tree_version()
    renew_access_facts()  # grants and people of the subtree get new paths
    PartyOrg.objects.filter(path__gte=old, path__lt=old + "~").update(
        path=Concat(Value(new), Substr("path", start)), depth=F("depth") + depth_shift
    )
    for model in (Institution, Person, Membership, Position, OrgWarning, RoleGrant):
        model.objects.filter(org_path__gte=old, org_path__lt=old + "~").update(
            org_path=Concat(Value(new), Substr("org_path", start))
        )
    org.path = new


# A scope with more members than this is filtered so that a list walks its own ordering index (under_any).
LARGE_SCOPE_MEMBERS = 20_000


def rows_under(queryset, user, min_role: int, org: PartyOrg | None = None, field: str = "org_path"):
    """The rows under `org` (already checked to be in the user's scope) or under the user's grants, filtered
    the way that lets a list ordered by another index stop after a page: a small subtree as an index range, a
    large one (a city, a province) as a prefix test the planner does not use, so that it walks the list's own
    ordering index instead of gathering and sorting every row of the subtree."""
    from core.access import granted_roots, subtree_q, under_any

    if org is None and user.is_superuser:
        return queryset
    paths = [org.path] if org is not None else granted_roots(user, min_role)
    if not paths:
        return queryset.none()
    if org is not None and "subtree_member_count" not in org.get_deferred_fields():
        members = org.subtree_member_count  # the picker's organisation comes with it (orgs.forms.scoped_orgs)
    else:
        members = PartyOrg.objects.filter(path__in=paths).aggregate(n=Sum("subtree_member_count"))["n"] or 0
    if members > LARGE_SCOPE_MEMBERS:
        return under_any(queryset, paths, field)
    q = Q()
    for path in paths:
        q |= subtree_q(path, field)
    return queryset.filter(q)
