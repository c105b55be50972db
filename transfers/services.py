"""The transfer workflow: who may take each step, what each step checks, and what it changes. Every step runs
inside the caller's transaction, writes a TransferEvent, and moves a membership only when the transfer is done."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.utils import timezone

from core.access import Role, role_at
from dues import services as dues
from orgs import services as org_services
from orgs.models import SEGMENT_WIDTH, OrgKind
from orgs.rules import current_settings
from people.models import MEMBER_STATUSES, Membership

from .models import OPEN_STATUSES, Kind, LetterCounter, Reason, Status, Transfer, TransferEvent

REASONS = dict(Reason.choices)


def settings() -> dict:
    cfg = current_settings()
    return {"letter_days": int(cfg["transfer_letter_days"]), "open_days": int(cfg["transfer_open_days"])}


def current_membership(person, lock=False) -> Membership | None:
    qs = person.memberships.filter(end_on__isnull=True).select_related("org")
    return (qs.select_for_update() if lock else qs).first()


def open_transfer(person) -> Transfer | None:
    return Transfer.objects.filter(person=person, status__in=OPEN_STATUSES).select_related("to_org").first()


def move_membership(person, org, date: datetime.date, reason: str) -> list[int]:
    """Close the open relationship on `date` and open one at `org`; returns the organisations touched."""
    touched = [org.id]
    current = current_membership(person, lock=True)
    if current:
        current.end_on = date
        current.reason = (current.reason + "；" if current.reason else "") + f"转出：{reason}"
        current.save()
        touched.append(current.org_id)
    Membership(person=person, org=org, start_on=date, reason=reason).save()
    person.home_org = org
    person.save()
    return touched


def log(transfer: Transfer, user, action: str, note: str = "") -> None:
    TransferEvent.objects.create(
        transfer=transfer, status=transfer.status, action=action, at=timezone.now(), actor=user, note=note[:200]
    )


def check_start(user, person, kind: str, to_org, outside_org: str, transfer_on) -> Membership:
    """What the sending side must satisfy; returns the relationship that moves."""
    current = current_membership(person, lock=True)
    if current is None:
        raise ValidationError("该人员没有在册的组织关系，无法转出（系统外转入请用“登记系统外转入”）")
    if role_at(user, current.org.path) < Role.SECRETARY:
        raise PermissionDenied("组织关系转接须由党员所在党组织发起")
    if person.party_status not in MEMBER_STATUSES:
        raise ValidationError("只有正式党员和预备党员的组织关系可以转接")
    pending = open_transfer(person)
    if pending is not None:
        raise ValidationError(
            f"该党员已有一笔未办结的转接（{pending.transfer_on:%Y-%m-%d} 转往{pending.to_name}，"
            f"{pending.get_status_display()}），请先办结或撤销"
        )
    errors = {}
    if kind == Kind.INTERNAL:
        if to_org is None:
            errors["to_org"] = "请选择转入的党组织"
        elif to_org.pk == current.org_id:
            errors["to_org"] = f"转入党组织与现所在党组织相同（{current.org.name}）"
        elif not to_org.is_active or to_org.kind == OrgKind.GROUP:
            errors["to_org"] = "只能转入在用的党委、党总支或党支部（党小组不接收组织关系）"
    elif not outside_org.strip():
        errors["outside_org"] = "请填写去往的党组织全称（写在介绍信上）"
    if transfer_on < current.start_on:
        errors["transfer_on"] = f"转出日期不能早于现组织关系开始日期 {current.start_on:%Y-%m-%d}"
    if transfer_on > timezone.localdate():
        errors["transfer_on"] = "转出日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    return current


def start(user, person, *, kind, to_org=None, outside_org="", reason, note="", transfer_on, dues_paid_until=None):
    """The sending branch starts a transfer. Inside the platform it waits for the receiving organisation, unless the
    user administers that side too (a move between two branches of one hospital is done at once); outside it, a
    numbered letter is issued and the member is in transit until its 回执 comes back."""
    current = check_start(user, person, kind, to_org, outside_org, transfer_on)
    transfer = Transfer(
        person=person, kind=kind, from_org=current.org, to_org=to_org if kind == Kind.INTERNAL else None,
        outside_org="" if kind == Kind.INTERNAL else outside_org.strip(), org_path=current.org.path,
        to_path=to_org.path if kind == Kind.INTERNAL else "", reason=reason, note=note, transfer_on=transfer_on,
        dues_paid_until=dues_paid_until, created_by=user,
        status=Status.SENT if kind == Kind.INTERNAL else Status.IN_TRANSIT,
    )  # fmt: skip
    if kind == Kind.OUTGOING:
        transfer.letter_number = next_letter_number(current.org.path, transfer_on.year)
        transfer.letter_valid_days = settings()["letter_days"]
    transfer.save()
    log(transfer, user, "发起转接" if kind == Kind.INTERNAL else "开具介绍信", note)
    if kind == Kind.INTERNAL and role_at(user, transfer.to_path) >= Role.UNIT_ADMIN:
        accept(user, transfer, transfer_on)
    return transfer


def may_start_transfer(user, person) -> bool:
    """The button on a member's page: a member with a relationship in the user's branch (or below their grants)."""
    if person.party_status not in MEMBER_STATUSES:
        return False
    current = current_membership(person)
    return current is not None and role_at(user, current.org.path) >= Role.SECRETARY


def may_answer(user, transfer: Transfer) -> bool:
    return transfer.status == Status.SENT and role_at(user, transfer.to_path) >= Role.UNIT_ADMIN


def may_act_as_sender(user, transfer: Transfer) -> bool:
    return transfer.is_open and role_at(user, transfer.org_path) >= Role.SECRETARY


def _require_answerer(user, transfer: Transfer) -> None:
    if transfer.status != Status.SENT:
        raise ValidationError(f"该转接{transfer.get_status_display()}，不能再接收或退回")
    if role_at(user, transfer.to_path) < Role.UNIT_ADMIN:
        raise PermissionDenied(f"只有“{transfer.to_org.name}”所在单位的管理员（党办）可以接收或退回")


def accept(user, transfer: Transfer, on: datetime.date) -> None:
    """The receiving organisation takes the member: only now does the relationship move (history kept)."""
    _require_answerer(user, transfer)
    if on < transfer.transfer_on:
        raise ValidationError({"moved_on": f"转入日期不能早于转出日期 {transfer.transfer_on:%Y-%m-%d}"})
    if on > timezone.localdate():
        raise ValidationError({"moved_on": "转入日期不能晚于今天"})
    current = current_membership(transfer.person, lock=True)
    if current is None or current.org_id != transfer.from_org_id:
        raise ValidationError("该党员的组织关系已不在转出党组织，本次转接无法接收，请退回")
    if on < current.start_on:
        raise ValidationError({"moved_on": f"转入日期不能早于现组织关系开始日期 {current.start_on:%Y-%m-%d}"})
    touched = move_membership(transfer.person, transfer.to_org, on, REASONS[transfer.reason])
    transfer.status, transfer.moved_on = Status.ACCEPTED, on
    transfer.save()
    log(transfer, user, "接收转入", f"转入日期 {on:%Y-%m-%d}")
    org_services.refresh_orgs(touched)
    dues.refresh_accounts([transfer.person_id])


def return_(user, transfer: Transfer, answer: str) -> None:
    _require_answerer(user, transfer)
    if not answer.strip():
        raise ValidationError({"answer": "退回须写明原因，转出党组织据此补正"})
    transfer.status, transfer.answer = Status.RETURNED, answer.strip()
    transfer.save()
    log(transfer, user, "退回", transfer.answer)


def cancel(user, transfer: Transfer, answer: str) -> None:
    if not transfer.is_open:
        raise ValidationError(f"该转接{transfer.get_status_display()}，不能撤销")
    if role_at(user, transfer.org_path) < Role.SECRETARY:
        raise PermissionDenied("只有转出党组织可以撤销转接")
    if not answer.strip():
        raise ValidationError({"answer": "撤销须写明原因（介绍信作废时注明）"})
    transfer.status, transfer.answer = Status.CANCELLED, answer.strip()
    transfer.save()
    log(transfer, user, "撤销", transfer.answer)


def record_receipt(user, transfer: Transfer, receipt_on: datetime.date) -> None:
    """The 回执 of a letter came back: the member has left the platform on the transfer date."""
    if transfer.status != Status.IN_TRANSIT:
        raise ValidationError(f"该转接{transfer.get_status_display()}，无需登记回执")
    if role_at(user, transfer.org_path) < Role.SECRETARY:
        raise PermissionDenied("回执由转出党组织登记")
    if receipt_on < transfer.transfer_on or receipt_on > timezone.localdate():
        raise ValidationError({"receipt_on": f"回执日期应在转出日期 {transfer.transfer_on:%Y-%m-%d} 与今天之间"})
    current = current_membership(transfer.person, lock=True)
    touched = []
    if current is not None and current.org_id == transfer.from_org_id:
        current.end_on = max(transfer.transfer_on, current.start_on)
        current.reason = f"转出至{transfer.outside_org}（介绍信{transfer.letter_number}）"
        current.save()
        touched.append(current.org_id)
    transfer.status, transfer.receipt_on = Status.COMPLETED, receipt_on
    transfer.save()
    log(transfer, user, "登记回执", f"回执日期 {receipt_on:%Y-%m-%d}")
    org_services.refresh_orgs(touched)
    dues.refresh_accounts([transfer.person_id])


def register_incoming(user, person, *, to_org, outside_org, letter_number, transfer_on, reason, note="",
                      dues_paid_until=None) -> Transfer:  # fmt: skip
    """A member arriving with a letter from outside the platform: the relationship opens at `to_org`."""
    if role_at(user, to_org.path) < Role.SECRETARY:
        raise PermissionDenied("只能登记转入本人管理的党组织")
    current = current_membership(person, lock=True)
    if current is not None:
        raise ValidationError(
            f"{person.name}在本平台有在册的组织关系（{current.org.name}），应由该党组织发起系统内转接"
        )
    if Transfer.objects.filter(
        kind=Kind.INCOMING, letter_number=letter_number.strip(), outside_org=outside_org.strip()
    ).exists():
        raise ValidationError({"letter_number": f"介绍信 {letter_number} 已登记过"})
    touched = move_membership(person, to_org, transfer_on, "组织关系转入（系统外）")
    transfer = Transfer.objects.create(
        person=person, kind=Kind.INCOMING, status=Status.REGISTERED, to_org=to_org, outside_org=outside_org.strip(),
        org_path=to_org.path, to_path=to_org.path, reason=reason, note=note, transfer_on=transfer_on,
        moved_on=transfer_on, letter_number=letter_number.strip(), dues_paid_until=dues_paid_until, created_by=user,
    )  # fmt: skip
    log(transfer, user, "登记系统外转入", f"介绍信 {transfer.letter_number}")
    org_services.refresh_orgs(touched)
    dues.refresh_accounts([person.pk])
    return transfer


def next_letter_number(org_path: str, year: int) -> str:
    """The sector's next letter number of the year, e.g. 2026-0012: one counter row per sector and year, locked."""
    root = org_path[:SEGMENT_WIDTH]
    LetterCounter.objects.get_or_create(root=root, year=year)
    LetterCounter.objects.filter(root=root, year=year).update(last=F("last") + 1)
    last = LetterCounter.objects.select_for_update().get(root=root, year=year).last
    return f"{year}-{last:04d}"


def overdue_q(open_days: int, today: datetime.date) -> Q:
    return Q(status__in=OPEN_STATUSES, transfer_on__lt=today - datetime.timedelta(days=open_days))


def letter_expires_on(transfer: Transfer) -> datetime.date | None:
    if not transfer.letter_valid_days:
        return None
    return transfer.transfer_on + datetime.timedelta(days=transfer.letter_valid_days)
