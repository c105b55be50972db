"""Maintained figures of the party tree: member counts, committee facts and rule warnings.

Pages never count members or evaluate rules: every write that changes them calls `refresh_orgs` for the
organisations it touched (and `refresh_institutions` for units), and a daily `refresh_registry` command
re-evaluates the date-dependent rules (terms) for everything.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from people.models import COMMITTEE_TITLES, Membership, PartyStatus, Person, Position, PositionKind

from . import rules
from .models import Institution, OrgWarning, PartyOrg, WarningCode, ancestor_paths

CHUNK = 500


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _member_counts(org_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"formal": 0, "probationary": 0})
    for chunk in _chunks(org_ids):
        rows = (
            Membership.objects.filter(org_id__in=chunk, end_on__isnull=True, person__is_active=True)
            .filter(person__party_status__in=[PartyStatus.FORMAL, PartyStatus.PROBATIONARY])
            .values("org_id", "person__party_status")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts[row["org_id"]][row["person__party_status"]] = row["n"]
    return counts


def _committee_facts(org_ids: list[int], today: datetime.date) -> tuple[dict[int, int], set[int]]:
    sizes: dict[int, int] = defaultdict(int)
    with_secretary: set[int] = set()
    for chunk in _chunks(org_ids):
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


def _joint_units(org_ids: list[int]) -> dict[int, int]:
    units: dict[int, int] = {}
    through = PartyOrg.joint_institutions.through
    for chunk in _chunks(org_ids):
        for row in through.objects.filter(partyorg_id__in=chunk).values("partyorg_id").annotate(n=Count("id")):
            units[row["partyorg_id"]] = row["n"]
    return units


@transaction.atomic
def refresh_orgs(org_ids: Iterable[int] | None = None, today: datetime.date | None = None) -> int:
    """Recount members and re-evaluate the rules of these organisations (all when None); returns how many."""
    today = today or timezone.localdate()
    cfg = rules.current_settings()
    orgs_qs = PartyOrg.objects.all() if org_ids is None else PartyOrg.objects.filter(id__in=set(org_ids))
    orgs = list(orgs_qs.only(*_ORG_FIELDS))
    if not orgs:
        return 0
    ids = [o.id for o in orgs]
    counts = _member_counts(ids)
    sizes, with_secretary = _committee_facts(ids, today)
    joint = _joint_units(ids)
    children = _child_counts(ids)
    now = timezone.now()
    warnings: list[OrgWarning] = []
    for org in orgs:
        org.formal_count = counts[org.id]["formal"]
        org.probationary_count = counts[org.id]["probationary"]
        org.child_count = children.get(org.id, 0)
        org.counts_refreshed_at = now
        facts = rules.OrgFacts(
            formal=org.formal_count,
            probationary=org.probationary_count,
            committee_size=sizes.get(org.id, 0),
            has_secretary=org.id in with_secretary,
            units=(1 if org.institution_id else 0) + joint.get(org.id, 0),
        )
        for code, message in rules.evaluate(org, facts, cfg, today):
            warnings.append(OrgWarning(org=org, org_path=org.path, code=code, message=message))
    PartyOrg.objects.bulk_update(
        orgs, ["formal_count", "probationary_count", "child_count", "counts_refreshed_at"], batch_size=CHUNK
    )
    for chunk in _chunks(ids):
        OrgWarning.objects.filter(org_id__in=chunk, institution__isnull=True).delete()
    OrgWarning.objects.bulk_create(warnings, batch_size=2000)
    _refresh_subtree_counts(orgs, full=org_ids is None)
    return len(orgs)


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
)


def _child_counts(ids: list[int]) -> dict[int, int]:
    result: dict[int, int] = {}
    for chunk in _chunks(ids):
        rows = PartyOrg.objects.filter(parent_id__in=chunk, is_active=True).values("parent_id").annotate(n=Count("id"))
        result.update({r["parent_id"]: r["n"] for r in rows})
    return result


def _refresh_subtree_counts(orgs: list[PartyOrg], full: bool) -> None:
    if full:
        totals: dict[str, int] = defaultdict(int)
        for org in orgs:
            for path in ancestor_paths(org.path):
                totals[path] += org.formal_count + org.probationary_count
        for org in orgs:
            org.subtree_member_count = totals[org.path]
        PartyOrg.objects.bulk_update(orgs, ["subtree_member_count"], batch_size=CHUNK)
        return
    paths = {p for org in orgs for p in ancestor_paths(org.path)}
    for path in sorted(paths, key=len, reverse=True):
        total = PartyOrg.objects.filter(path__gte=path, path__lt=path + "~").aggregate(
            n=Sum("formal_count") + Sum("probationary_count")
        )["n"]
        PartyOrg.objects.filter(path=path).update(subtree_member_count=total or 0)


@transaction.atomic
def refresh_institutions(institution_ids: Iterable[int] | None = None) -> None:
    """应建未建: an operating unit with ≥3 正式党员 on its staff and no party organisation of its own."""
    threshold = int(rules.current_settings()["min_formal_members"])
    qs = Institution.objects.filter(is_active=True)
    if institution_ids is not None:
        qs = qs.filter(id__in={i for i in institution_ids if i})
    ids = list(qs.values_list("id", flat=True))
    for chunk in _chunks(ids):
        OrgWarning.objects.filter(institution_id__in=chunk, code=WarningCode.UNIT_WITHOUT_ORG).delete()
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


def move_subtree(org: PartyOrg, new_parent: PartyOrg | None) -> None:
    """Re-parent an organisation: rewrite the path prefix of its subtree in every table that carries it."""
    from accounts.models import RoleGrant

    old = org.path
    seg = old[-6:]
    new = (new_parent.path if new_parent else "") + seg
    if new == old:
        return
    depth_shift = len(new) // 6 - len(old) // 6
    start = len(old) + 1
    PartyOrg.objects.filter(path__gte=old, path__lt=old + "~").update(
        path=Concat(Value(new), Substr("path", start)), depth=F("depth") + depth_shift
    )
    for model in (Institution, Person, Membership, Position, OrgWarning, RoleGrant):
        model.objects.filter(org_path__gte=old, org_path__lt=old + "~").update(
            org_path=Concat(Value(new), Substr("org_path", start))
        )
    org.path = new
