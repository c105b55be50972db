"""Referral rules: who may refer to whom, the status machine and who acts at each step, and the CONFIG timers."""

import datetime
import statistics

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone

from core.access import Role, role_at
from orgs.models import Institution
from orgs.rules import current_settings

from .models import (
    STAMP_FIELD,
    TRANSITIONS,
    AllianceMember,
    Direction,
    Referral,
    ReferralEvent,
    ReferralStatus,
)

DEFAULTS = {"referral_up_answer_hours": 2, "referral_down_followup_days": 14}
LABEL = dict(ReferralStatus.choices)


def timers() -> dict:
    cfg = current_settings()
    return {key: int(cfg.get(key, default)) for key, default in DEFAULTS.items()}


def channel_institutions(referral: Referral, on: datetime.date) -> set[int]:
    """Institutions that are members, on that date, of the referral's alliance or pairing."""
    if referral.alliance_id:
        rows = AllianceMember.objects.filter(alliance_id=referral.alliance_id, joined_on__lte=on).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=on)
        )
        return set(rows.values_list("institution_id", flat=True)) | {referral.alliance.lead_id}
    from pairings.models import PairingMember

    rows = PairingMember.objects.filter(pairing_id=referral.pairing_id, accepted_at__isnull=False, joined_on__lte=on)
    rows = rows.filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
    ids = set(rows.values_list("org__institution_id", flat=True))
    # a pairing of party organisations reaches the units they manage
    ids |= set(Institution.objects.filter(managing_org__pairings__in=rows).values_list("id", flat=True))
    return ids - {None}


def check_channel(referral: Referral) -> None:
    if not referral.alliance_id and not referral.pairing_id:
        raise ValidationError("请选择转诊所属的医联体或共建关系")
    if referral.from_institution_id == referral.to_institution_id:
        raise ValidationError("转出单位与接收单位不能相同")
    members = channel_institutions(referral, timezone.localdate())
    channel = referral.alliance or referral.pairing
    for field, label in (("from_institution", "转出单位"), ("to_institution", "接收单位")):
        institution = getattr(referral, field)
        if institution.pk not in members:
            raise ValidationError({field: f"{label}“{institution.name}”不是“{channel}”的成员单位"})


def apply(user, referral: Referral) -> Referral:
    if role_at(user, referral.from_institution.org_path) < Role.SECRETARY:
        raise PermissionDenied("只能由转出单位登记转诊申请")
    check_channel(referral)
    referral.org_path = referral.from_institution.org_path
    referral.to_path = referral.to_institution.org_path
    referral.applied_at = timezone.now()
    referral.status = ReferralStatus.APPLIED
    referral.save()
    ReferralEvent.objects.create(referral=referral, status=referral.status, at=referral.applied_at, actor=user)
    return referral


def side_path(referral: Referral, side: str) -> str:
    return referral.to_path if side == "to" else referral.org_path


def allowed_moves(user, referral: Referral) -> list[tuple[str, str]]:
    """(status, label) the user may move this referral to now."""
    moves = TRANSITIONS.get(referral.status, {})
    return [(s, LABEL[s]) for s, side in moves.items() if role_at(user, side_path(referral, side)) >= Role.SECRETARY]


def move(user, referral: Referral, status: str, note: str = "") -> None:
    moves = TRANSITIONS.get(referral.status, {})
    if status not in moves:
        allowed = "、".join(LABEL[s] for s in moves) or "无（已结束）"
        raise ValidationError(
            f"不能从“{LABEL[referral.status]}”变为“{LABEL.get(status, status)}”；下一步只能是：{allowed}"
        )
    side = moves[status]
    if role_at(user, side_path(referral, side)) < Role.SECRETARY:
        who = "接收单位" if side == "to" else "转出单位"
        raise PermissionDenied(f"“{LABEL[status]}”须由{who}操作")
    now = timezone.now()
    referral.status = status
    setattr(referral, STAMP_FIELD[status], now)
    referral.save()
    ReferralEvent.objects.create(referral=referral, status=status, at=now, actor=user, note=note[:200])


def follow_up(user, referral: Referral) -> None:
    """A 下转 patient followed up by the receiving (primary) unit."""
    if referral.direction != Direction.DOWN or referral.status not in (
        ReferralStatus.ARRIVED,
        ReferralStatus.COMPLETED,
    ):
        raise ValidationError("只有已到诊的下转患者需要随访")
    if role_at(user, referral.to_path) < Role.SECRETARY:
        raise PermissionDenied("随访须由接收单位登记")
    referral.followed_up_at = timezone.now()
    referral.save()


def late_answer_q(cfg: dict, now: datetime.datetime) -> Q:
    """上转 referrals not answered within the CONFIG hours."""
    limit = now - datetime.timedelta(hours=cfg["referral_up_answer_hours"])
    return Q(status=ReferralStatus.APPLIED, direction=Direction.UP, applied_at__lt=limit)


def late_follow_up_q(cfg: dict, now: datetime.datetime) -> Q:
    """下转 patients not followed up within the CONFIG days of arriving."""
    limit = now - datetime.timedelta(days=cfg["referral_down_followup_days"])
    return Q(direction=Direction.DOWN, followed_up_at__isnull=True, arrived_at__lt=limit,
             status__in=[ReferralStatus.ARRIVED, ReferralStatus.COMPLETED])  # fmt: skip


def overdue_q(cfg: dict, now: datetime.datetime) -> Q:
    """Referrals past a CONFIG limit (the same limits as `flags`)."""
    return late_answer_q(cfg, now) | late_follow_up_q(cfg, now)


def flags(referral, cfg: dict, now: datetime.datetime) -> list[tuple[str, str]]:
    """(css class, text) warnings for a referral row (dict or model)."""
    get = referral.get if isinstance(referral, dict) else lambda k: getattr(referral, k)
    out = []
    if get("direction") == Direction.UP and get("status") == ReferralStatus.APPLIED:
        hours = (now - get("applied_at")).total_seconds() / 3600
        if hours > cfg["referral_up_answer_hours"]:
            out.append(("red", f"超过{cfg['referral_up_answer_hours']}小时未接收"))
    arrived = get("arrived_at")
    if get("direction") == Direction.DOWN and arrived and not get("followed_up_at"):
        due = arrived + datetime.timedelta(days=cfg["referral_down_followup_days"])
        out.append(("red", "随访逾期") if now > due else ("warn", f"待随访（{timezone.localtime(due):%m-%d}前）"))
    return out


def stats(referrals) -> dict:
    """Counts by direction and status, and the median time to an answer (minutes) for a set of referrals."""
    counts = {(d, s): n for d, s, n in referrals.values_list("direction", "status").annotate(n=Count("id")).order_by()}
    answered = [
        (accepted - applied).total_seconds() / 60
        for applied, accepted in referrals.filter(accepted_at__isnull=False).values_list("applied_at", "accepted_at")[
            :5000
        ]
    ]
    by_direction = {d: {s: counts.get((d, s), 0) for s in ReferralStatus.values} for d in Direction.values}
    return {
        "by_direction": by_direction,
        "total": sum(counts.values()),
        "median_answer_minutes": round(statistics.median(answered)) if answered else None,
    }


def tally_totals(alliance) -> dict:
    """Imported monthly counts (units whose referrals live in their HIS): totals by direction, last 12 months."""
    from django.db.models import Sum

    from .models import ReferralTally

    since = (timezone.localdate().replace(day=1) - datetime.timedelta(days=365)).replace(day=1)
    rows = (
        ReferralTally.objects.filter(alliance=alliance).values_list("direction").annotate(total=Sum("count")).order_by()
    )
    recent = (
        ReferralTally.objects.filter(alliance=alliance, month__gte=since)
        .values_list("direction")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {"all": dict(rows), "recent": dict(recent)}
