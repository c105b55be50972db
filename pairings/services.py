"""Proposing, accepting and changing pairings, and what joint activities change on them."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q
from django.utils import timezone

from core.access import Role, role_at
from orgs.models import PartyOrg
from orgs.rules import current_settings

from .models import Pairing, PairingMember, Status

DORMANT_DAYS_DEFAULT = 90


def dormant_days() -> int:
    return int(current_settings().get("pairing_dormant_days", DORMANT_DAYS_DEFAULT))


def may_act_for(user, org_path: str) -> bool:
    """An admin of that side (a unit admin there, or above it)."""
    return role_at(user, org_path) >= Role.UNIT_ADMIN


def check_partners(pairing: Pairing, partners: list[PartyOrg]) -> None:
    """The refusals of a new pairing: no partner, the lead as its own partner, a duplicate of a live pairing."""
    if not partners:
        raise ValidationError("请至少选择一个共建单位党组织")
    lead = pairing.lead_org
    for org in partners:
        if org.pk == lead.pk:
            raise ValidationError(f"不能与自身结对共建：{org.name}")
        if org.path.startswith(lead.path) or lead.path.startswith(org.path):
            raise ValidationError(f"{org.name}与牵头党组织是上下级关系，不能结对共建")
    wanted = {lead.pk, *[o.pk for o in partners]}
    live = Pairing.objects.filter(status__in=[Status.PENDING, Status.ACTIVE]).exclude(pk=pairing.pk)
    candidates = live.filter(members__org=lead, members__left_on__isnull=True).distinct()
    for other in candidates.prefetch_related("members"):
        current = {m.org_id for m in other.members.all() if m.left_on is None}
        if current == wanted and dates_overlap(pairing, other):
            raise ValidationError(f"与已有共建关系“{other.title}”重复（相同成员、期限重叠）")


def dates_overlap(a: Pairing, b: Pairing) -> bool:
    far = datetime.date.max
    return a.starts_on <= (b.ends_on or far) and b.starts_on <= (a.ends_on or far)


def propose(user, pairing: Pairing, partners: list[PartyOrg]) -> Pairing:
    """Save a new pairing with its members. Sides the proposer administers are accepted at once; the others
    stay pending until their own admin accepts."""
    check_partners(pairing, partners)
    now = timezone.now()
    pairing.created_by = user
    pairing.save()
    members = [(pairing.lead_org, True), *[(org, False) for org in partners]]
    for org, is_lead in members:
        accepted = may_act_for(user, org.path)
        PairingMember.objects.create(
            pairing=pairing,
            org=org,
            org_path=org.path,
            institution_id=org.institution_id,
            is_lead=is_lead,
            joined_on=pairing.starts_on,
            accepted_at=now if accepted else None,
            accepted_by=user if accepted else None,
        )
    update_status(pairing)
    return pairing


def accept(user, member: PairingMember) -> None:
    if not may_act_for(user, member.org_path):
        raise PermissionDenied(f"须由{member.org.name}一方的单位管理员确认")
    if member.accepted_at:
        return
    if member.pairing.status == Status.ENDED:
        raise ValidationError("该共建关系已结束，不能再确认")
    member.accepted_at, member.accepted_by = timezone.now(), user
    member.save()
    update_status(member.pairing)


def add_partner(user, pairing: Pairing, org: PartyOrg, joined_on: datetime.date) -> PairingMember:
    if joined_on < pairing.starts_on:
        raise ValidationError(f"加入日期不能早于共建开始日期 {pairing.starts_on:%Y-%m-%d}")
    if pairing.ends_on and joined_on > pairing.ends_on:
        raise ValidationError(f"加入日期不能晚于共建期满日期 {pairing.ends_on:%Y-%m-%d}")
    if pairing.members.filter(org=org, left_on__isnull=True).exists():
        raise ValidationError(f"{org.name}已是该共建关系的成员")
    if org.pk == pairing.lead_org_id:
        raise ValidationError("牵头党组织不能再作为共建单位加入")
    accepted = may_act_for(user, org.path)
    member = PairingMember.objects.create(
        pairing=pairing,
        org=org,
        org_path=org.path,
        institution_id=org.institution_id,
        joined_on=joined_on,
        accepted_at=timezone.now() if accepted else None,
        accepted_by=user if accepted else None,
    )
    update_status(pairing)
    return member


def leave(member: PairingMember, left_on: datetime.date) -> None:
    if member.is_lead:
        raise ValidationError("牵头方不能退出；如需结束共建，请编辑共建期满日期")
    if left_on < member.joined_on:
        raise ValidationError(f"退出日期不能早于加入日期 {member.joined_on:%Y-%m-%d}")
    member.left_on = left_on
    member.save()
    update_status(member.pairing)


def update_status(pairing: Pairing) -> None:
    today = timezone.localdate()
    current = pairing.members.filter(left_on__isnull=True)
    if pairing.ends_on and pairing.ends_on < today:
        status = Status.ENDED
    elif current.filter(accepted_at__isnull=True).exists():
        status = Status.PENDING
    else:
        status = Status.ACTIVE
    if status != pairing.status:
        pairing.status = status
        Pairing.objects.filter(pk=pairing.pk).update(status=status)


def in_force_q(on: datetime.date) -> Q:
    """Pairings in force on a date: confirmed, signed and started by then, not yet expired."""
    return (
        Q(status__in=[Status.ACTIVE, Status.ENDED], starts_on__lte=on)
        & (Q(signed_on__isnull=True) | Q(signed_on__lte=on))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    )


def term_problem(pairing: Pairing, org: PartyOrg, on: datetime.date) -> str:
    """Why an activity of `org` on a date cannot count for the pairing ("" when it can)."""
    if not Pairing.objects.filter(in_force_q(on), pk=pairing.pk).exists():
        return f"“{pairing.title}”在 {on:%Y-%m-%d} 不在共建期内（{pairing.starts_on:%Y-%m-%d} 起）"
    if not any(org.path.startswith(side.path) for side in member_orgs(pairing, on)):
        return f"{org.name}不是“{pairing.title}”在 {on:%Y-%m-%d} 的共建成员（或其下级组织）"
    return ""


def member_orgs(pairing: Pairing, on: datetime.date) -> list[PartyOrg]:
    """Organisations of the accepted members current on a date (the organisers of a joint activity)."""
    rows = pairing.members.filter(accepted_at__isnull=False, joined_on__lte=on).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on)
    )
    return [m.org for m in rows.select_related("org")]


def refresh_last_joint(pairing_ids) -> None:
    """The date of each pairing's latest joint activity so far (the dormancy flag reads it)."""
    from activities.models import Activity

    now = timezone.now()
    for pairing_id in {p for p in pairing_ids if p}:
        last = Activity.objects.filter(pairing_id=pairing_id, is_cancelled=False, starts_at__lte=now).aggregate(
            last=Max("starts_at")
        )["last"]
        Pairing.objects.filter(pk=pairing_id).update(last_joint_on=timezone.localtime(last).date() if last else None)
