"""Synthetic 党费 at scale: for every current member without a base, bases from 24 months ago (re-based each
January), payments for every month since (a few members fall behind or skip a month, a few are exempt), their
accounts, and the totals per organisation (bulk inserts, COPY on PostgreSQL)."""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.bulk import insert_rows
from people.models import MEMBER_STATUSES, Membership

from . import services
from .models import TABLE_OF, Category, DuesAccount, DuesBase, Payment, RateTable, add_months, month_start

MONTHS = 24
CHUNK = 2000


def tiers_in_force(on: datetime.date) -> dict[str, list]:
    tables = {}
    for kind in ("employed", "retired"):
        table = RateTable.objects.filter(kind=kind, starts_on__lte=on).order_by("-starts_on").first()
        tables[kind] = [(t.up_to, t.rate) for t in table.tiers.all()]
    return tables


def amount_for(tiers, base: Decimal) -> tuple[Decimal, Decimal]:
    for up_to, rate in tiers:
        if up_to is None or base <= up_to:
            return rate, (base * rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    raise ValueError("incomplete table")


def generate_dues(seed: int = 2026, months: int = MONTHS) -> dict:
    rng = random.Random(seed)
    today = timezone.localdate()
    this_month = month_start(today)
    first, last = add_months(this_month, -months), add_months(this_month, -1)
    tiers = tiers_in_force(first)
    now = timezone.now()
    members = (
        Membership.objects.filter(end_on__isnull=True, person__party_status__in=MEMBER_STATUSES, person__is_active=True)
        .exclude(Exists(DuesBase.objects.filter(person_id=OuterRef("person_id"))))
        .values_list("person_id", "org_id", "org_path", "person__joined_on", "person__is_retired")
        .order_by("person_id")
    )
    made = {"members": 0, "payments": 0}
    # read whole first (a few tuples per member): a server-side cursor over this anti-join, interleaved with the
    # inserts, fetched 2,000 rows in ~4 s on PostgreSQL at province scale
    rows = list(members)
    for start in range(0, len(rows), CHUNK):
        _write(rows[start : start + CHUNK], rng, tiers, first, last, this_month, now, made)
    services.rebuild_totals()
    return made


def _write(batch, rng, tiers, first, last, this_month, now, made) -> None:
    bases, payments, accounts = [], [], []
    for person_id, org_id, org_path, joined_on, retired in batch:
        due_from = max(first, month_start(joined_on)) if joined_on else first
        exempt = rng.random() < 0.01
        category = Category.EXEMPT if exempt else Category.RETIRED if retired else Category.EMPLOYED
        base = Decimal(rng.randrange(2500, 7000, 100) if retired else rng.randrange(3000, 16000, 100))
        starts = [due_from] + [datetime.date(y, 1, 1) for y in range(due_from.year + 1, this_month.year + 1)]
        amounts = {}
        for i, start in enumerate(starts):
            base_now = (base * Decimal("1.03") ** i).quantize(Decimal("1"))
            if exempt:
                rate, amount, value = None, Decimal("0.00"), None
            else:
                rate, amount = amount_for(tiers[TABLE_OF[category]], base_now)
                value = base_now
            amounts[start] = amount
            bases.append({"person_id": person_id, "org_path": org_path, "year": start.year, "starts_month": start,
                          "category": category, "base": value, "rate": rate, "amount": amount,
                          "reason": "经支部讨论、上级党委批准免交（模拟）" if exempt else "", "set_by_id": None,
                          "set_at": now})  # fmt: skip
        stop = add_months(last, -rng.randint(1, 12)) if rng.random() < 0.03 else last  # fell behind
        skipped = add_months(due_from, rng.randint(0, 10)) if rng.random() < 0.01 else None  # one month missed
        month, paid = due_from, set()
        while month <= stop and not exempt:
            if month != skipped:
                amount = amounts[max(s for s in starts if s <= month)]
                paid_on = add_months(month, 1) - datetime.timedelta(days=rng.randint(1, 20))
                payments.append({"person_id": person_id, "month": month, "amount": amount, "paid_on": paid_on,
                                 "org_id": org_id, "org_path": org_path, "source": "collected",
                                 "receipt": f"M{month:%Y%m}", "recorded_by_id": None, "created_at": now})  # fmt: skip
                paid.add(month)
            month = add_months(month, 1)
        covered_through = stop if not exempt else last
        gaps = 1 if skipped and skipped <= stop and skipped >= due_from else 0
        current = amounts[max(s for s in starts if s <= this_month)]
        accounts.append({"person_id": person_id, "org_id": org_id, "org_path": org_path, "due_from": due_from,
                         "covered_through": covered_through, "gaps": gaps, "exempt": exempt, "amount": current})  # fmt: skip
    insert_rows(DuesBase, bases)
    insert_rows(Payment, payments)
    DuesAccount.objects.filter(person_id__in=[a["person_id"] for a in accounts]).delete()
    insert_rows(DuesAccount, accounts)
    made["members"] += len(batch)
    made["payments"] += len(payments)
