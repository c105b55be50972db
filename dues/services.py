"""党费 rules (RULES.md §C): amounts from the dated rate tables, the yearly base, collection by month, and the
account and totals kept in step with every payment. Every write runs in the caller's transaction; a refusal names
the rule and, where it has one, the date or month from which the step becomes possible."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from core import versions
from core.access import Role, role_at
from orgs import services as org_services
from orgs.models import SEGMENT_WIDTH, PartyOrg, ancestor_paths
from orgs.rules import current_settings
from people.models import MEMBER_STATUSES, Membership, Person

from .models import (
    TABLE_OF,
    Category,
    DuesAccount,
    DuesBase,
    DuesTotal,
    Payment,
    RateTable,
    add_months,
    month_start,
    months_between,
)

CENT = Decimal("0.01")
LAPSE_MONTHS = 6  # 党章第九条: six months unpaid without good reason is treated as leaving the Party (R24)


def settings() -> dict:
    cfg = current_settings()
    return {
        "minimum": Decimal(str(cfg["dues_minimum_amount"])).quantize(CENT),
        "farmer_max": Decimal(str(cfg["dues_farmer_max"])).quantize(CENT),
        "warn_months": int(cfg["dues_warn_months"]),
        "backpay_months": int(cfg["dues_backpay_months"]),
    }


def cn_month(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def last_complete_month(today: datetime.date | None = None) -> datetime.date:
    return add_months(month_start(today or timezone.localdate()), -1)


# --- amounts ---------------------------------------------------------------------------------------------------
def table_in_force(kind: str, on: datetime.date) -> RateTable | None:
    return RateTable.objects.filter(kind=kind, starts_on__lte=on).order_by("-starts_on").first()


def rate_for(category: str, base: Decimal, on: datetime.date) -> Decimal:
    """The rate (%) of the whole base, from the table of its kind in force on that day (R19, R20)."""
    table = table_in_force(TABLE_OF[category], on)
    if table is None:
        raise ValidationError(f"{on:%Y-%m-%d}没有适用的党费比例表，请行业管理员在“党费比例表”中设置")
    for tier in table.tiers.all():
        if tier.up_to is None or base <= tier.up_to:
            return tier.rate
    raise ValidationError(f"党费比例表（{table}）缺少最高一档，请行业管理员补全")


def compute(category: str, base: Decimal | None, amount: Decimal | None, on: datetime.date) -> tuple:
    """(base, rate, amount) as stored: a table category from its base; fixed categories from the rules."""
    cfg = settings()
    if category in TABLE_OF:
        if base is None or base <= 0:
            raise ValidationError({"base": "请填写月缴纳基数（元，税后）"})
        rate = rate_for(category, base, on)
        return base, rate, (base * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    if category == Category.FARMER:
        if amount is None or not cfg["minimum"] <= amount <= cfg["farmer_max"]:
            raise ValidationError({"amount": f"农民党员每月交纳{cfg['minimum']}–{cfg['farmer_max']}元（R21）"})
        return None, None, amount.quantize(CENT)
    if category == Category.MINIMUM:
        return None, None, cfg["minimum"]
    return None, None, Decimal("0.00")  # exempt


# --- who is due where -----------------------------------------------------------------------------------------
def holding_day(month: datetime.date, today: datetime.date | None = None) -> datetime.date:
    """The day whose holder collects a month: its last day, or today for the month in progress."""
    today = today or timezone.localdate()
    last = add_months(month, 1) - datetime.timedelta(days=1)
    return min(last, today) if month <= today else month


def members_of(org: PartyOrg, month: datetime.date) -> list[Person]:
    """The members whose relationship the organisation holds for that month, by name."""
    day = holding_day(month)
    held = Membership.objects.filter(org=org, start_on__lte=day).filter(Q(end_on__isnull=True) | Q(end_on__gt=day))
    return list(
        Person.objects.filter(pk__in=held.values("person_id"), party_status__in=MEMBER_STATUSES, is_active=True)
        .only("id", "name", "party_status", "joined_on", "is_retired")
        .order_by("name_pinyin", "id")
    )


@dataclass(frozen=True)
class BaseInForce:
    """What a month needs of a member's base: read as plain values (a branch's month reads fifty of them)."""

    category: str
    base: Decimal | None
    rate: Decimal | None
    amount: Decimal

    def get_category_display(self) -> str:
        return CATEGORY_LABELS[self.category]


CATEGORY_LABELS = dict(Category.choices)


def bases_in_force(person_ids, month: datetime.date) -> dict[int, BaseInForce]:
    """Each person's base for that month: the latest set from that month or before."""
    latest = (
        DuesBase.objects.filter(person_id=OuterRef("person_id"), starts_month__lte=month)
        .order_by("-starts_month")
        .values("starts_month")[:1]
    )
    rows = DuesBase.objects.filter(person_id__in=person_ids, starts_month=Subquery(latest))
    return {
        pk: BaseInForce(*values) for pk, *values in rows.values_list("person_id", "category", "base", "rate", "amount")
    }


@dataclass
class Row:
    person: Person
    base: BaseInForce | None
    payment: "PaidMonth | None"
    state: str  # paid, exempt, unset, not_due, unpaid

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def tone(self) -> str:
        return STATE_TONES.get(self.state, "")


STATE_TONES = {"paid": "ok", "unpaid": "warn", "unset": "red"}
STATE_LABELS = {"paid": "已交", "exempt": "免交", "unset": "未核定", "not_due": "未到交纳时间", "unpaid": "未交"}


@dataclass(frozen=True)
class PaidMonth:
    """What a month's page shows of a payment."""

    pk: int
    amount: Decimal
    paid_on: datetime.date
    receipt: str
    source: str


MONTH_SQL = """
SELECT p.id, p.name, p.party_status, p.joined_on, p.is_retired,
       b.category, b.base, b.rate, b.amount,
       pay.id, pay.amount, pay.paid_on, pay.receipt, pay.source
FROM {person} p
LEFT JOIN {base} b ON b.id = (
    SELECT b2.id FROM {base} b2 WHERE b2.person_id = p.id AND b2.starts_month <= %s
    ORDER BY b2.starts_month DESC LIMIT 1)
LEFT JOIN {payment} pay ON pay.person_id = p.id AND pay.month = %s
WHERE p.id IN (SELECT m.person_id FROM {membership} m
               WHERE m.org_id = %s AND m.start_on <= %s AND (m.end_on IS NULL OR m.end_on > %s))
  AND p.is_active AND p.party_status IN ({statuses})
ORDER BY p.name_pinyin, p.id
"""


def month_rows(org: PartyOrg, month: datetime.date) -> list[Row]:
    """Every member the organisation holds for the month, with the base in force and the payment, in one query
    (members_of, bases_in_force and the month's payments, joined: a branch's month is the page a secretary opens
    most, and on PostgreSQL each query is a round trip)."""
    day = holding_day(month)
    sql = MONTH_SQL.format(person=Person._meta.db_table, base=DuesBase._meta.db_table,
                           payment=Payment._meta.db_table, membership=Membership._meta.db_table,
                           statuses=", ".join(["%s"] * len(MEMBER_STATUSES)))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, [month, month, org.pk, day, day, *MEMBER_STATUSES])
        found = cursor.fetchall()
    rows = []
    for pk, name, status, joined_on, is_retired, category, base, rate, amount, *paid in found:
        person = Person(id=pk, name=name, party_status=status, joined_on=_date(joined_on), is_retired=bool(is_retired))
        in_force = None
        if category is not None:
            in_force = BaseInForce(category, _number(base, "base"), _number(rate, "rate"), _number(amount, "amount"))
        payment = None
        if paid[0] is not None:
            payment = PaidMonth(paid[0], _number(paid[1], "amount"), _date(paid[2]), paid[3], paid[4])
        rows.append(Row(person, in_force, payment, month_state(person, in_force, payment, month)))
    return rows


def month_state(person: Person, base: BaseInForce | None, payment, month: datetime.date) -> str:
    if payment:
        return "paid"
    if person.joined_on and month_start(person.joined_on) > month:
        return "not_due"  # 预备党员 pay from the month the 支部大会 approved them (R23)
    if base is None:
        return "unset"
    if base.category == Category.EXEMPT:
        return "exempt"
    return "unpaid"


def _number(value, field: str) -> Decimal | None:
    """A money or rate column read by hand: SQLite gives a float, PostgreSQL a Decimal."""
    if value is None:
        return None
    places = DuesBase._meta.get_field(field).decimal_places
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


# --- writing --------------------------------------------------------------------------------------------------
def require_branch_role(user, org: PartyOrg) -> None:
    if role_at(user, org.path) < Role.SECRETARY:
        raise PermissionDenied("只有本支部书记或上级管理员可以登记党费")


def check_month_open(month: datetime.date, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    cfg = settings()
    earliest = add_months(month_start(today), -cfg["backpay_months"])
    if month < earliest:
        raise ValidationError(
            f"{cn_month(month)}已超过补交期限：补交一般不超过{cfg['backpay_months']}个月（R23，规则参数），"
            f"最早可补交{cn_month(earliest)}"
        )
    latest = datetime.date(today.year, 12, 1)
    if month > latest:
        raise ValidationError(f"{cn_month(month)}尚不能预交：最多预交到本年12月")


def record_month(user, org: PartyOrg, person_ids: list[int], month: datetime.date, paid_on: datetime.date,
                 receipt: str = "") -> list[Payment]:  # fmt: skip
    """批量“已交”: the ticked members paid this month's dues, each at their base's amount. All or nothing."""
    require_branch_role(user, org)
    check_month_open(month)
    if paid_on > timezone.localdate():
        raise ValidationError("交纳日期不能晚于今天")
    rows = {row.person.pk: row for row in month_rows(org, month)}
    payments = []
    for pk in person_ids:
        row = rows.get(pk)
        if row is None:
            raise ValidationError(f"所选人员（编号{pk}）{cn_month(month)}不在本支部党员名册中")
        if row.state != "unpaid":
            raise ValidationError(f"{row.person.name}{cn_month(month)}为“{row.label}”，不能登记为已交")
        payments.append(Payment(person=row.person, month=month, amount=row.base.amount, paid_on=paid_on, org=org,
                                org_path=org.path, receipt=receipt, recorded_by=user))  # fmt: skip
    return _save_payments(payments)


def record_months(user, person: Person, first: datetime.date, last: datetime.date, paid_on: datetime.date,
                  receipt: str = "") -> list[Payment]:  # fmt: skip
    """A member pays several months at once (补交 or 预交), each at the base in force that month."""
    membership = person.memberships.filter(end_on__isnull=True).select_related("org").first()
    if membership is None:
        raise ValidationError(f"{person.name}没有在册的组织关系")
    org = membership.org
    require_branch_role(user, org)
    if last < first:
        raise ValidationError({"last": "结束月份不能早于开始月份"})
    if months_between(first, last) >= 24:
        raise ValidationError({"last": "一次最多登记24个月"})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "交纳日期不能晚于今天"})
    months = [add_months(first, i) for i in range(months_between(first, last) + 1)]
    for month in (months[0], months[-1]):
        check_month_open(month)
    if person.joined_on and month_start(person.joined_on) > first:
        raise ValidationError(
            f"预备党员从支部大会通过之月起交纳党费（R23）：{person.name}应从{cn_month(month_start(person.joined_on))}起交"
        )
    paid = dict(Payment.objects.filter(person=person, month__in=months).values_list("month", "receipt"))
    if paid:
        month = min(paid)
        receipt_note = f"（收据{paid[month]}）" if paid[month] else ""
        raise ValidationError(f"{person.name}{cn_month(month)}已交{receipt_note}，不能重复登记")
    payments = []
    for month in months:
        base = bases_in_force([person.pk], month).get(person.pk)
        if base is None:
            raise ValidationError(f"{person.name}{cn_month(month)}未核定党费基数，请先在“核定基数”中设置")
        if base.category == Category.EXEMPT:
            raise ValidationError(f"{person.name}{cn_month(month)}为免交，无需登记")
        payments.append(Payment(person=person, month=month, amount=base.amount, paid_on=paid_on, org=org,
                                org_path=org.path, receipt=receipt, recorded_by=user))  # fmt: skip
    return _save_payments(payments)


def _save_payments(payments: list[Payment]) -> list[Payment]:
    for payment in payments:
        payment.save()  # one by one: each gets its audit entry
    add_to_totals(payments, +1)
    refresh_accounts({p.person_id for p in payments})
    org_services.refresh_orgs({p.org_id for p in payments})  # the arrears warnings
    return payments


def undo_payment(user, payment: Payment) -> None:
    require_branch_role(user, payment.org)
    add_to_totals([payment], -1)
    person_id = payment.person_id
    org_id = payment.org_id
    payment.delete()
    refresh_accounts({person_id})
    org_services.refresh_orgs([org_id])


def totals_version(path: str) -> str:
    """The version of a sector's dues totals (the top of the path): cached sums are keyed by it."""
    return f"dues-totals:{path[:SEGMENT_WIDTH]}"


def add_to_totals(payments: list[Payment], sign: int) -> None:
    """Add (or take away) payments from the totals of their organisation and every organisation above it."""
    sums: dict[tuple[str, datetime.date], list] = defaultdict(lambda: [Decimal(0), 0])
    for payment in payments:
        for path in ancestor_paths(payment.org_path):
            entry = sums[(path, payment.month)]
            entry[0] += payment.amount * sign
            entry[1] += sign
    ids = dict(PartyOrg.objects.filter(path__in={path for path, _ in sums}).values_list("path", "id"))
    for root in {path[:SEGMENT_WIDTH] for path, _ in sums}:
        versions.renew(totals_version(root))
    for (path, month), (amount, count) in sums.items():
        total, _ = DuesTotal.objects.get_or_create(org_id=ids[path], month=month)
        DuesTotal.objects.filter(pk=total.pk).update(amount=F("amount") + amount, payments=F("payments") + count)


def set_base(user, person: Person, *, year: int, category: str, base=None, amount=None, reason: str = "",
             starts_month: datetime.date | None = None) -> DuesBase:  # fmt: skip
    """核定 a member's monthly dues for a year (from January, or from the 入党 month). A base already set for the
    year changes only from a later month and with a reason (R25); waiving or reducing needs one too (R23)."""
    membership = person.memberships.filter(end_on__isnull=True).select_related("org").first()
    if membership is None or person.party_status not in MEMBER_STATUSES:
        raise ValidationError(f"{person.name}不是在册党员，无需核定党费")
    require_branch_role(user, membership.org)
    first = datetime.date(year, 1, 1)
    if person.joined_on and month_start(person.joined_on) > first:
        first = month_start(person.joined_on)
    existing = DuesBase.objects.filter(person=person, year=year).order_by("starts_month")
    if existing.exists():
        starts = starts_month or max(month_start(timezone.localdate()), first)
        if starts.year != year:
            raise ValidationError({"starts_month": f"调整月份应在{year}年内"})
        if not reason.strip():
            raise ValidationError(
                {"reason": "党费基数年初核定后年内一般不变动（R25）：年中调整须写明原因，如调资、晋升"}
            )
    else:
        starts = starts_month or first
    if category == Category.EXEMPT and not reason.strip():
        raise ValidationError({"reason": "免交须写明支部讨论和上级党委批准情况（R23）"})
    check_category(person, category)
    base_value, rate, due = compute(category, base, amount, starts)
    row, _ = DuesBase.objects.update_or_create(
        person=person, starts_month=starts,
        defaults={"org_path": membership.org.path, "year": year, "category": category, "base": base_value,
                  "rate": rate, "amount": due, "reason": reason.strip(), "set_by": user},
    )  # fmt: skip
    refresh_accounts({person.pk})
    org_services.refresh_orgs([membership.org_id])
    return row


def check_category(person: Person, category: str) -> None:
    """A retired member pays on their pension (R20), an employed one on their pay (R19)."""
    if category == Category.RETIRED and not person.is_retired:
        raise ValidationError({"category": f"{person.name}未登记为离退休，不能按离退休党员比例核定（R20）；"
                                           f"如已退休，请先在人员信息中勾选“离退休”"})  # fmt: skip
    if person.is_retired and category in (Category.EMPLOYED, Category.ANNUAL, Category.SELF_EMPLOYED):
        raise ValidationError({"category": f"{person.name}已登记为离退休，应按离退休费、养老金核定（R20）"})


# --- accounts ---------------------------------------------------------------------------------------------------
def refresh_accounts(person_ids, today: datetime.date | None = None) -> None:
    """Recompute the accounts of these people from their relationship, bases and payments."""
    ids = sorted({i for i in person_ids if i})
    if not ids:
        return
    last = last_complete_month(today)
    this_month = month_start(today or timezone.localdate())
    held = {
        m.person_id: m.org
        for m in Membership.objects.filter(person_id__in=ids, end_on__isnull=True).select_related("org")
    }
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).only("id", "party_status", "joined_on", "is_active")}
    bases = defaultdict(list)
    for base in DuesBase.objects.filter(person_id__in=ids).order_by("starts_month"):
        bases[base.person_id].append(base)
    paid = defaultdict(set)
    for person_id, month in Payment.objects.filter(person_id__in=ids).values_list("person_id", "month"):
        paid[person_id].add(month)
    keep, drop = [], []
    for pk in ids:
        person, org = people.get(pk), held.get(pk)
        if person is None or org is None or not person.is_active or person.party_status not in MEMBER_STATUSES:
            drop.append(pk)
            continue
        keep.append(account_for(person, org, bases[pk], paid[pk], last, this_month))
    DuesAccount.objects.filter(person_id__in=drop).delete()
    DuesAccount.objects.bulk_create(
        keep, update_conflicts=True, unique_fields=["person"],
        update_fields=["org", "org_path", "due_from", "covered_through", "gaps", "exempt", "amount"],
    )  # fmt: skip


def account_for(person, org, bases: list[DuesBase], paid: set, last: datetime.date, this_month) -> DuesAccount:
    account = DuesAccount(person=person, org=org, org_path=org.path)
    if not bases:
        return account  # 未核定: nothing due yet
    due_from = bases[0].starts_month
    if person.joined_on:
        due_from = max(due_from, month_start(person.joined_on))

    def base_on(month):
        current = None
        for base in bases:
            if base.starts_month <= month:
                current = base
        return current

    def covered(month) -> bool:
        base = base_on(month)
        return month in paid or (base is not None and base.category == Category.EXEMPT)

    month, run = last, 0
    while month >= due_from and not covered(month):
        run += 1
        month = add_months(month, -1)
    covered_through = add_months(last, -run) if last >= due_from else add_months(due_from, -1)
    gaps, month = 0, due_from
    while month <= covered_through:
        gaps += not covered(month)
        month = add_months(month, 1)
    current = base_on(this_month)
    account.due_from, account.covered_through, account.gaps = due_from, covered_through, min(gaps, 32767)
    account.exempt = bool(current and current.category == Category.EXEMPT)
    account.amount = current.amount if current else None
    return account


def arrears_q(months: int, today: datetime.date | None = None) -> Q:
    """Accounts with at least `months` consecutive unpaid months up to last month."""
    return Q(exempt=False, due_from__isnull=False, covered_through__lte=add_months(last_complete_month(today), -months))


def behind_q(today: datetime.date | None = None) -> Q:
    last = last_complete_month(today)
    return Q(exempt=False, due_from__isnull=False) & (Q(covered_through__lt=last) | Q(gaps__gt=0))


def unpaid_run(account: DuesAccount, today: datetime.date | None = None) -> int:
    if account.covered_through is None or account.exempt:
        return 0
    return max(months_between(account.covered_through, last_complete_month(today)), 0)


def paid_until(person) -> datetime.date | None:
    """The month up to which a member's dues are paid without a gap since they became due (for a 介绍信)."""
    bases = list(DuesBase.objects.filter(person=person).order_by("starts_month"))
    paid = set(Payment.objects.filter(person=person).values_list("month", flat=True))
    if not bases:
        return max(paid) if paid else None
    month = bases[0].starts_month
    if person.joined_on:
        month = max(month, month_start(person.joined_on))
    exempt_from = [b.starts_month for b in bases if b.category == Category.EXEMPT]
    last = None
    while month in paid or any(start <= month for start in exempt_from) and month <= month_start(timezone.localdate()):
        last, month = month, add_months(month, 1)
    return last


def rebuild_totals(org_ids=None) -> int:
    """Recompute the totals from the payments (after rows written in bulk: demo data, imports, generate)."""
    payments = Payment.objects.all()
    if org_ids is not None:
        payments = payments.filter(org_id__in=org_ids)
    paths = dict(PartyOrg.objects.values_list("id", "path"))
    sums: dict[tuple[str, datetime.date], list] = defaultdict(lambda: [Decimal(0), 0])
    for row in payments.values("org_id", "month").annotate(amount=Sum("amount"), n=Count("id")).order_by():
        for path in ancestor_paths(paths[row["org_id"]]):
            entry = sums[(path, row["month"])]
            entry[0] += row["amount"]
            entry[1] += row["n"]
    ids = {path: pk for pk, path in paths.items()}
    for root in {path[:SEGMENT_WIDTH] for path, _ in sums}:
        versions.renew(totals_version(root))
    DuesTotal.objects.filter(org_id__in=[ids[p] for p, _ in sums]).delete()
    DuesTotal.objects.bulk_create(
        [
            DuesTotal(org_id=ids[path], month=month, amount=amount, payments=n)
            for (path, month), (amount, n) in sums.items()
        ],
        batch_size=5000,
    )
    return len(sums)
