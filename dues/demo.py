"""Demo 党费 for 博爱医院第十党支部 (the `secretary` login's branch): this year's bases set in January, payments up to
last month, with two members behind (3 and 7 months) so that the arrears list, the warnings and the workbench
have something to show."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from orgs import services as org_services
from orgs.models import PartyOrg

from . import services
from .models import Category, DuesBase, Payment, add_months, month_start

BRANCH = "中山市博爱医院第十党支部"


def load_demo_dues() -> int:
    branch = PartyOrg.objects.filter(name=BRANCH).first()
    if branch is None or DuesBase.objects.filter(org_path=branch.path).exists():
        return 0
    today = timezone.localdate()
    first = add_months(month_start(today), -7)
    last = add_months(month_start(today), -1)
    people = services.members_of(branch, month_start(today))
    rng = random.Random(20240701)
    bases, payments = [], []
    for i, person in enumerate(people):
        category = Category.RETIRED if person.is_retired else Category.EMPLOYED
        base = Decimal(
            rng.randrange(3500, 14000, 100) if category == Category.EMPLOYED else rng.randrange(3000, 7000, 100)
        )
        starts = max(first, month_start(person.joined_on)) if person.joined_on else first
        base, rate, amount = services.compute(category, base, None, starts)
        bases.append(DuesBase(person=person, org_path=branch.path, year=starts.year, starts_month=starts, category=category,
                              base=base, rate=rate, amount=amount))  # fmt: skip
        stop = {0: add_months(last, -3), 1: add_months(last, -7)}.get(i, last)  # two members fell behind
        month = starts
        while month <= stop:
            paid_on = min(add_months(month, 1) - datetime.timedelta(days=rng.randint(5, 20)), today)
            payments.append(Payment(person=person, month=month, amount=amount, paid_on=paid_on, org=branch,
                                    org_path=branch.path, receipt=f"DF{month:%Y%m}"))  # fmt: skip
            month = add_months(month, 1)
    DuesBase.objects.bulk_create(bases)
    Payment.objects.bulk_create(payments, batch_size=2000)
    services.rebuild_totals()
    services.refresh_accounts([p.pk for p in people])
    org_services.refresh_orgs([branch.pk])
    return len(payments)
