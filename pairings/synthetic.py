"""Synthetic co-construction at scale: pairings (1+1 and 1+N) with their sides, joint activities linked to them,
alliances per city and a referral register, written with bulk inserts (core.bulk)."""

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from activities.models import Activity, LinkHeading
from alliances.models import Alliance, AllianceKind, AllianceMember, Direction, Referral
from core.bulk import chunks, insert_rows, reserve_ids
from orgs.models import BRANCH_KINDS, Institution, OrgKind, PartyOrg

from . import services
from .models import Commitment, Pairing, PairingCategory, PairingMember, Status

MARKER = "模拟共建"
# pairings, referrals per scale
SCALES = {"small": (60, 3_000), "province": (10_000, 1_000_000), "national": (100_000, 10_000_000)}
REASONS = ["病情需要上级医院诊治", "术后康复回基层", "慢病稳定期随访管理", "急诊转入", "专科会诊"]


def exists() -> bool:
    return Pairing.objects.filter(title__startswith=MARKER).exists()


def generate_cooperation(root: PartyOrg, pairings: int, referrals: int, seed: int = 2021) -> dict:
    rng = random.Random(seed)
    subtree = Q(path__gte=root.path, path__lt=root.path + "~")
    branches = list(PartyOrg.objects.filter(subtree, kind__in=BRANCH_KINDS, is_active=True).values_list("id", "path"))
    committees = list(PartyOrg.objects.filter(subtree, kind=OrgKind.COMMITTEE).values_list("id", "path"))
    partners_pool = branches + committees
    made_pairings = make_pairings(rng, branches, partners_pool, pairings)
    link_joint_activities(rng, made_pairings)
    made_alliances = make_alliances(rng, root)
    made_referrals = make_referrals(rng, made_alliances, referrals)
    return {"pairings": len(made_pairings), "alliances": len(made_alliances), "referrals": made_referrals}


def make_pairings(rng, leads, pool, count) -> list[int]:
    categories = list(PairingCategory.objects.values_list("id", flat=True))
    headings = list(LinkHeading.objects.values_list("id", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    ids = reserve_ids(Pairing, count)
    pairing_rows, member_rows, commitment_rows = [], [], []
    for pairing_id in ids:
        lead_id, lead_path = rng.choice(leads)
        # DOMAIN.md §5 / issue 4: 10k pairings with 50k partner links, so 1+N pairings are the larger share
        one_to_many = rng.random() < 0.6
        partners = rng.sample(pool, rng.randint(5, 11) if one_to_many else 1)
        partners = [p for p in partners if p[0] != lead_id and not p[1].startswith(lead_path)] or [pool[0]]
        start = today - datetime.timedelta(days=rng.randint(30, 1500))
        pairing_rows.append(
            {"id": pairing_id, "title": f"{MARKER}{pairing_id}号", "category_id": rng.choice(categories),
             "mode": "1+N" if len(partners) > 1 else "1+1", "lead_org_id": lead_id, "org_path": lead_path,
             "status": Status.ACTIVE, "signed_on": start, "plaque_on": None, "starts_on": start, "ends_on": None,
             "renewal_of_id": None, "plan": "", "outcomes": "", "agreement": "", "last_joint_on": None,
             "created_by_id": None, "created_at": now, "updated_at": now}
        )  # fmt: skip
        for org_id, path in [(lead_id, lead_path), *partners]:
            member_rows.append(
                {"pairing_id": pairing_id, "org_id": org_id, "org_path": path, "institution_id": None,
                 "is_lead": org_id == lead_id, "joined_on": start, "left_on": None, "accepted_at": now,
                 "accepted_by_id": None}
            )  # fmt: skip
        for order, heading in enumerate(rng.sample(headings, 2)):
            commitment_rows.append(
                {"pairing_id": pairing_id, "heading_id": heading, "content": "共建承诺", "owner_id": None,
                 "target": "", "due_on": None, "progress": rng.randint(0, 100), "status": "underway",
                 "sort_order": order}
            )  # fmt: skip
    insert_rows(Pairing, pairing_rows)
    insert_rows(PairingMember, member_rows)
    insert_rows(Commitment, commitment_rows)
    return ids


def link_joint_activities(rng, pairing_ids: list[int]) -> None:
    """Some of each lead branch's activities become joint activities of its pairing (most pairings stay busy,
    a few fall dormant)."""
    leads = dict(Pairing.objects.filter(pk__in=pairing_ids).values_list("id", "lead_org_id"))
    latest = _latest_unlinked_activities(set(leads.values()))
    updates, taken = [], set()
    for pairing_id, lead_id in leads.items():
        if rng.random() < 0.1:
            continue
        picked = [a for a in latest.get(lead_id, []) if a not in taken][: rng.randint(1, 4)]
        taken.update(picked)
        updates += [(pairing_id, activity_id) for activity_id in picked]
    for pairing_id, activity_id in updates:
        Activity.objects.filter(pk=activity_id).update(pairing_id=pairing_id)
    services.refresh_last_joint(leads)


def _latest_unlinked_activities(org_ids: set[int], keep: int = 8) -> dict[int, list[int]]:
    """The newest activities of each organisation not yet linked to a pairing, in one scan per chunk of
    organisations (one query per pairing let SQLite pick a full scan on a freshly loaded, unanalysed table)."""
    latest: dict[int, list[int]] = {}
    for chunk in chunks(sorted(org_ids)):
        rows = (
            Activity.objects.filter(lead_org_id__in=chunk, pairing__isnull=True)
            .order_by("lead_org_id", "-starts_at").values_list("lead_org_id", "id")
        )  # fmt: skip
        for org_id, activity_id in rows.iterator(10000):
            kept = latest.setdefault(org_id, [])
            if len(kept) < keep:
                kept.append(activity_id)
    return latest


def make_alliances(rng, root) -> list[tuple[int, list[tuple[int, str]]]]:
    """Per city: a county medical community led by its first hospital, and a 托管 of a private unit."""
    made = []
    today = timezone.localdate()
    for city in PartyOrg.objects.filter(parent=root):
        units = list(
            Institution.objects.filter(org_path__gte=city.path, org_path__lt=city.path + "~", is_active=True)
            .exclude(kind="health_bureau").order_by("id").values_list("id", "org_path", "ownership")
        )  # fmt: skip
        public = [u for u in units if u[2] == "public"]
        private = [u for u in units if u[2] == "private"]
        if len(public) < 2:
            continue
        for kind, lead, members in (
            (AllianceKind.COUNTY, public[0], public[1:8] + private[:6]),
            (AllianceKind.TRUSTEESHIP, public[1], private[6:7] or public[2:3]),
        ):
            start = today - datetime.timedelta(days=rng.randint(200, 1200))
            alliance = Alliance.objects.create(
                name=f"{MARKER}{city.name}{'医共体' if kind == AllianceKind.COUNTY else '托管'}",
                kind=kind, lead_id=lead[0], starts_on=start,
            )  # fmt: skip
            rows = [{"alliance_id": alliance.pk, "institution_id": lead[0], "org_path": lead[1], "role": "lead",
                     "joined_on": start, "left_on": None}]  # fmt: skip
            rows += [{"alliance_id": alliance.pk, "institution_id": m[0], "org_path": m[1],
                      "role": "entrusted" if kind == AllianceKind.TRUSTEESHIP else "member", "joined_on": start,
                      "left_on": None} for m in members]  # fmt: skip
            insert_rows(AllianceMember, rows)
            made.append((alliance.pk, [(lead[0], lead[1]), *[(m[0], m[1]) for m in members]]))
    return made


def make_referrals(rng, alliances, count: int) -> int:
    if not alliances or not count:
        return 0
    now = timezone.now()
    per = count // len(alliances)
    total = 0
    for alliance_id, members in alliances:
        lead, others = members[0], members[1:]
        if not others:
            continue
        rows = []
        for _ in range(per):
            other = rng.choice(others)
            up = rng.random() < 0.6
            source, target = (other, lead) if up else (lead, other)
            applied = now - datetime.timedelta(minutes=rng.randint(10, 60 * 24 * 720))
            stage = rng.random()
            accepted = applied + datetime.timedelta(minutes=rng.randint(5, 300)) if stage > 0.05 else None
            arrived = accepted + datetime.timedelta(hours=rng.randint(1, 48)) if accepted and stage > 0.1 else None
            completed = arrived + datetime.timedelta(days=rng.randint(1, 10)) if arrived and stage > 0.2 else None
            status = "completed" if completed else "arrived" if arrived else "accepted" if accepted else "applied"
            rows.append(
                {"alliance_id": alliance_id, "pairing_id": None, "from_institution_id": source[0],
                 "to_institution_id": target[0], "org_path": source[1], "to_path": target[1],
                 "direction": Direction.UP if up else Direction.DOWN, "patient_name": "模拟患者",
                 "patient_id_enc": "", "patient_id_hash": "", "patient_id_mask": "", "reason": rng.choice(REASONS),
                 "status": status, "applied_at": applied, "accepted_at": accepted, "rejected_at": None,
                 "arrived_at": arrived, "completed_at": completed, "cancelled_at": None,
                 "followed_up_at": completed if (completed and not up) else None}
            )  # fmt: skip
            if len(rows) >= 20_000:
                insert_rows(Referral, rows)
                total += len(rows)
                rows = []
        insert_rows(Referral, rows)
        total += len(rows)
    return total
