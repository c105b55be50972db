"""党费 as a branch secretary keeps it: bases set for the year, a month recorded in one step, several months at
once, arrears and their warnings, the sums up the tree and the 党费收缴登记表, with the rules of RULES.md §C."""

import datetime
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEntry
from core.testing import CastTestCase, make_person
from dues import services
from dues.models import DuesAccount, DuesBase, DuesTotal, Payment, RateTable, RateTier, add_months, month_start
from orgs.models import OrgWarning, WarningCode
from people.models import PartyStatus, Person

TODAY = timezone.localdate()
THIS_MONTH = month_start(TODAY)


def rows_of(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


class RateTest(TestCase):
    """R19 and R20: the whole base at the rate of its tier, from the table in force on the day."""

    def amount(self, category, base, on=datetime.date(2026, 1, 1)):
        return services.compute(category, Decimal(base), None, on)[2]

    def test_employed_and_retired_tiers_apply_to_the_whole_base(self):
        cases = [("employed", "3000", "15.00"), ("employed", "3000.01", "30.00"), ("employed", "5000", "50.00"),
                 ("employed", "5000.01", "75.00"), ("employed", "10000", "150.00"), ("employed", "12000", "240.00"),
                 ("annual", "8000", "120.00"), ("self", "2000", "10.00"),
                 ("retired", "5000", "25.00"), ("retired", "6000", "60.00")]  # fmt: skip
        for category, base, expected in cases:
            self.assertEqual(self.amount(category, base), Decimal(expected), (category, base))

    def test_fixed_amounts_come_from_the_rules(self):
        self.assertEqual(services.compute("minimum", None, None, TODAY)[2], Decimal("0.20"))
        self.assertEqual(services.compute("farmer", None, Decimal("0.5"), TODAY)[2], Decimal("0.50"))
        with self.assertRaisesMessage(ValidationError, "农民党员每月交纳0.20–1.00元"):
            services.compute("farmer", None, Decimal("2"), TODAY)
        self.assertEqual(services.compute("exempt", None, None, TODAY)[2], Decimal("0.00"))

    def test_a_later_table_applies_from_its_start_date_only(self):
        table = RateTable.objects.create(kind="employed", starts_on=datetime.date(2027, 1, 1), source="新规定")
        RateTier.objects.create(table=table, up_to=Decimal("3000"), rate=Decimal("0.40"))
        RateTier.objects.create(table=table, up_to=None, rate=Decimal("0.80"))
        self.assertEqual(self.amount("employed", "4000", datetime.date(2026, 12, 1)), Decimal("40.00"))
        self.assertEqual(self.amount("employed", "4000", datetime.date(2027, 1, 1)), Decimal("32.00"))

    def test_no_table_in_force_is_said_plainly(self):
        with self.assertRaisesMessage(ValidationError, "2000-01-01没有适用的党费比例表"):
            services.compute("employed", Decimal("3000"), None, datetime.date(2000, 1, 1))


class CollectionTest(CastTestCase):
    def setUp(self):
        Person.objects.filter(pk=self.member_person.pk).update(is_retired=True)  # 李永川 is a retired member
        self.member_person.refresh_from_db()

    def set_bases(self, **rows):
        """POST the 核定基数 page as the branch secretary: {person: (category, base, amount, reason)}."""
        self.login("secretary")
        data = {}
        for person, (category, base, amount, reason) in rows.items():
            prefix = getattr(self, person).pk
            data.update({f"{prefix}-category": category, f"{prefix}-base": base, f"{prefix}-amount": amount,
                         f"{prefix}-reason": reason})  # fmt: skip
        return self.client.post(reverse("dues:bases", args=[self.branch_a1.pk, TODAY.year]), data)

    def month_url(self, month=THIS_MONTH):
        return reverse("dues:month", args=[self.branch_a1.pk, month.year, month.month])

    def test_bases_are_set_once_for_the_year_and_changed_only_with_a_reason(self):
        response = self.set_bases(person_a1=("employed", "6000", "", ""), member_person=("retired", "4000", "", ""))
        self.assertRedirects(response, reverse("dues:bases", args=[self.branch_a1.pk, TODAY.year]))
        lei = DuesBase.objects.get(person=self.person_a1)
        self.assertEqual(
            (lei.starts_month, lei.rate, lei.amount),
            (datetime.date(TODAY.year, 1, 1), Decimal("1.50"), Decimal("90.00")),
        )
        self.assertEqual(DuesBase.objects.get(person=self.member_person).amount, Decimal("20.00"))
        refused = self.set_bases(person_a1=("employed", "12000", "", ""), member_person=("retired", "4000", "", ""))
        self.assertContains(refused, "年中调整须写明原因")
        self.assertEqual(DuesBase.objects.filter(person=self.person_a1).count(), 1)
        self.set_bases(
            person_a1=("employed", "12000", "", "晋升主任医师调资"), member_person=("retired", "4000", "", "")
        )
        latest = DuesBase.objects.filter(person=self.person_a1).latest("starts_month")
        self.assertEqual(
            (latest.starts_month, latest.amount, latest.reason), (THIS_MONTH, Decimal("240.00"), "晋升主任医师调资")
        )
        self.assertTrue(AuditEntry.objects.get_for_object(latest).exists())

    def test_a_month_is_recorded_for_the_whole_branch_in_one_step(self):
        self.set_bases(person_a1=("employed", "6000", "", ""), member_person=("retired", "4000", "", ""))
        page = self.client.get(self.month_url())
        self.assertContains(page, f'name="person" value="{self.person_a1.pk}" checked')
        response = self.client.post(self.month_url(), {"person": [self.person_a1.pk, self.member_person.pk],
                                                       "paid_on": TODAY.isoformat(), "receipt": "NO.0012"})  # fmt: skip
        self.assertRedirects(response, self.month_url())
        payments = Payment.objects.filter(month=THIS_MONTH).order_by("amount")
        self.assertEqual([(p.person, p.amount, p.receipt) for p in payments],
                         [(self.member_person, Decimal("20.00"), "NO.0012"), (self.person_a1, Decimal("90.00"), "NO.0012")])  # fmt: skip
        for payment in payments:
            self.assertTrue(AuditEntry.objects.get_for_object(payment).exists())
        for org in (self.branch_a1, self.org_a, self.sector):  # the totals of every organisation above
            total = DuesTotal.objects.get(org=org, month=THIS_MONTH)
            self.assertEqual((total.amount, total.payments), (Decimal("110.00"), 2), org.name)
        again = self.client.post(
            self.month_url(), {"person": [self.person_a1.pk], "paid_on": TODAY.isoformat()}, follow=True
        )
        self.assertContains(again, f"雷继敏{TODAY.year}年{TODAY.month}月为“已交”，不能登记为已交")
        self.assertEqual(Payment.objects.count(), 2)
        self.assertContains(self.client.get(self.month_url()), "110.00")
        ids = ",".join(str(p.pk) for p in payments)
        slips = self.client.get(reverse("dues:receipts") + f"?ids={ids}")
        self.assertContains(slips, '党费收据 <span class="muted">No. NO.0012</span>', count=2, html=False)
        self.assertContains(slips, "90.00元")
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("dues:receipts") + f"?ids={ids}").status_code, 404)

    def test_a_forged_batch_with_someone_from_another_branch_writes_nothing(self):
        self.set_bases(person_a1=("employed", "6000", "", ""), member_person=("retired", "4000", "", ""))
        response = self.client.post(self.month_url(), {"person": [self.person_a1.pk, self.person_b.pk],
                                                       "paid_on": TODAY.isoformat()}, follow=True)  # fmt: skip
        self.assertContains(response, "不在本支部党员名册中")
        self.assertFalse(Payment.objects.exists())
        self.assertFalse(DuesTotal.objects.exists())

    def test_several_months_at_once_and_no_month_twice(self):
        self.set_bases(person_a1=("employed", "6000", "", ""), member_person=("retired", "4000", "", ""))
        url = reverse("dues:pay", args=[self.person_a1.pk])
        first, last = THIS_MONTH, add_months(THIS_MONTH, 2) if THIS_MONTH.month <= 10 else THIS_MONTH
        self.client.post(
            url, {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}", "paid_on": TODAY.isoformat(), "receipt": "Q1"}
        )
        self.assertEqual(Payment.objects.filter(person=self.person_a1).count(), first.month <= 10 and 3 or 1)
        twice = self.client.post(
            url, {"first": f"{first:%Y-%m}", "last": f"{first:%Y-%m}", "paid_on": TODAY.isoformat()}
        )
        self.assertContains(twice, f"{first.year}年{first.month}月已交（收据Q1），不能重复登记")
        too_old = add_months(THIS_MONTH, -7)
        refused = self.client.post(
            url, {"first": f"{too_old:%Y-%m}", "last": f"{too_old:%Y-%m}", "paid_on": TODAY.isoformat()}
        )
        earliest = add_months(THIS_MONTH, -6)
        self.assertContains(
            refused, f"补交一般不超过6个月（R23，规则参数），最早可补交{earliest.year}年{earliest.month}月"
        )

    def test_a_probationary_member_pays_from_the_month_of_the_vote(self):
        joined = add_months(THIS_MONTH, -1) + datetime.timedelta(days=14) if THIS_MONTH.month > 1 else TODAY
        newcomer = make_person("新预备", self.branch_a1, status=PartyStatus.PROBATIONARY, joined_on=joined)
        self.login("secretary")
        services.set_base(
            self.users["secretary"], newcomer, year=joined.year, category="employed", base=Decimal("3000")
        )
        self.assertEqual(DuesBase.objects.get(person=newcomer).starts_month, month_start(joined))
        before = add_months(month_start(joined), -1)
        refused = self.client.post(reverse("dues:pay", args=[newcomer.pk]), {"first": f"{before:%Y-%m}", "last": f"{before:%Y-%m}",
                                                                             "paid_on": TODAY.isoformat()})  # fmt: skip
        self.assertContains(
            refused, f"预备党员从支部大会通过之月起交纳党费（R23）：新预备应从{joined.year}年{joined.month}月起交"
        )

    def test_arrears_are_listed_warned_and_flagged_on_the_workbench(self):
        start = add_months(THIS_MONTH, -7)
        for person, category, base in ((self.person_a1, "employed", "6000"), (self.member_person, "retired", "4000")):
            services.set_base(self.users["secretary"], person, year=start.year, category=category,
                              base=Decimal(base), starts_month=start)  # fmt: skip
        # 雷继敏 skipped the first month, paid three, then stopped (3 months unpaid); 李永川 never paid (7 months)
        services.record_months(
            self.users["secretary"], self.person_a1, add_months(start, 1), add_months(start, 3), TODAY
        )
        lei, li = DuesAccount.objects.get(person=self.person_a1), DuesAccount.objects.get(person=self.member_person)
        self.assertEqual((services.unpaid_run(lei), lei.gaps), (3, 1))
        self.assertEqual((services.unpaid_run(li), li.gaps), (7, 0))
        self.login("unit_admin")
        three = self.client.get(reverse("dues:arrears") + "?months=3")
        self.assertContains(three, "雷继敏")
        self.assertContains(three, "李永川")
        six = self.client.get(reverse("dues:arrears") + "?months=6")
        self.assertNotContains(six, "雷继敏")
        self.assertContains(six, "7个月")
        codes = dict(
            OrgWarning.objects.filter(person__isnull=False, code__startswith="dues").values_list("person__name", "code")
        )
        self.assertEqual(codes, {"雷继敏": WarningCode.DUES_ARREARS, "李永川": WarningCode.DUES_LAPSED})
        self.login("secretary")
        home = self.client.get(reverse("core:home"))
        self.assertContains(home, "连续3个月以上未交党费")
        member_page = self.client.get(reverse("people:detail", args=[self.member_person.pk]))
        self.assertContains(member_page, "连续7个月未交")
        # paying the missing months clears the warning
        services.record_months(
            self.users["secretary"], self.member_person, add_months(THIS_MONTH, -6), add_months(THIS_MONTH, -1), TODAY
        )
        self.assertFalse(OrgWarning.objects.filter(person=self.member_person, code__startswith="dues").exists())

    def test_a_base_of_the_wrong_category_is_refused(self):
        refused = self.set_bases(person_a1=("retired", "4000", "", ""), member_person=("employed", "4000", "", ""))
        self.assertContains(refused, "雷继敏未登记为离退休，不能按离退休党员比例核定（R20）")
        self.assertContains(refused, "李永川已登记为离退休，应按离退休费、养老金核定（R20）")
        self.assertFalse(DuesBase.objects.exists())

    def test_a_member_who_leaves_is_no_longer_due(self):
        self.set_bases(person_a1=("employed", "6000", "", ""), member_person=("retired", "4000", "", ""))
        self.assertTrue(DuesAccount.objects.filter(person=self.person_a1).exists())
        self.client.post(
            reverse("people:end-membership", args=[self.person_a1.pk]), {"date": TODAY.isoformat(), "reason": "去世"}
        )
        self.assertFalse(DuesAccount.objects.filter(person=self.person_a1).exists())
        self.client.post(reverse("people:deactivate", args=[self.member_person.pk]))
        self.assertFalse(DuesAccount.objects.exists())

    def test_an_exempt_member_is_never_in_arrears(self):
        refused = self.set_bases(person_a1=("exempt", "", "", ""), member_person=("retired", "4000", "", ""))
        self.assertContains(refused, "免交须写明支部讨论和上级党委批准情况")
        self.set_bases(
            person_a1=("exempt", "", "", "支部大会讨论、院党委批准（低保）"), member_person=("retired", "4000", "", "")
        )
        self.assertTrue(DuesAccount.objects.get(person=self.person_a1).exempt)
        self.assertContains(self.client.get(self.month_url()), "免交")

    def test_sums_and_the_register_for_the_hospital(self):
        self.set_bases(person_a1=("employed", "6000", "", ""), member_person=("retired", "4000", "", ""))
        self.client.post(
            self.month_url(), {"person": [self.person_a1.pk, self.member_person.pk], "paid_on": TODAY.isoformat()}
        )
        self.login("unit_admin")
        sums = self.client.get(reverse("dues:index") + f"?org={self.org_a.pk}&year={TODAY.year}")
        self.assertContains(sums, "博爱医院第一党支部")
        self.assertContains(sums, "110.00")
        self.client.post(reverse("dues:handover", args=[self.org_a.pk]),
                         {"month": f"{THIS_MONTH:%Y-%m}", "amount": "55.00", "handed_on": TODAY.isoformat()})  # fmt: skip
        self.assertContains(self.client.get(reverse("dues:index") + f"?org={self.org_a.pk}&year={TODAY.year}"), "55.00")
        register = rows_of(self.client.get(reverse("dues:register", args=[self.branch_a1.pk, TODAY.year])))
        lei = next(r for r in register if r and "雷继敏" in r)
        self.assertEqual(lei[5], 90)
        self.assertEqual(lei[5 + TODAY.month], 90)
        self.login("outsider")
        self.assertEqual(self.client.get(self.month_url()).status_code, 404)

    def test_a_secretary_lands_on_the_branch_month(self):
        self.login("secretary")
        landing = self.client.get(reverse("dues:index"))
        self.assertContains(landing, f"博爱医院第一党支部 · {TODAY.year}年{TODAY.month}月党费")
        self.login("member")
        self.assertEqual(self.client.get(reverse("dues:index")).status_code, 403)

    def test_undo_takes_the_payment_out_of_the_totals(self):
        self.set_bases(person_a1=("employed", "6000", "", ""), member_person=("retired", "4000", "", ""))
        payment = services.record_month(
            self.users["secretary"], self.branch_a1, [self.person_a1.pk], THIS_MONTH, TODAY
        )[0]
        self.client.post(reverse("dues:undo", args=[payment.pk]))
        self.assertFalse(Payment.objects.exists())
        self.assertEqual(DuesTotal.objects.get(org=self.org_a, month=THIS_MONTH).amount, Decimal("0.00"))

    def test_a_transfer_letter_carries_the_month_paid_up_to(self):
        self.login("secretary")
        services.set_base(self.users["secretary"], self.person_a1, year=TODAY.year, category="employed",
                          base=Decimal("6000"), starts_month=add_months(THIS_MONTH, -1))  # fmt: skip
        services.record_month(
            self.users["secretary"], self.branch_a1, [self.person_a1.pk], add_months(THIS_MONTH, -1), TODAY
        )
        services.record_month(self.users["secretary"], self.branch_a1, [self.person_a1.pk], THIS_MONTH, TODAY)
        page = self.client.get(reverse("transfers:create") + f"?person={self.person_a1.pk}")
        self.assertContains(page, f'value="{THIS_MONTH:%Y-%m}"')


class RateTableEditTest(CastTestCase):
    def test_a_sector_admin_adds_a_dated_table_with_its_tiers(self):
        self.login("sector_admin")
        data = {"kind": "retired", "starts_on": "2027-01-01", "source": "某省规定",
                "tiers-TOTAL_FORMS": "2", "tiers-INITIAL_FORMS": "0", "tiers-MIN_NUM_FORMS": "1", "tiers-MAX_NUM_FORMS": "1000",
                "tiers-0-up_to": "4000", "tiers-0-rate": "0.5", "tiers-1-up_to": "", "tiers-1-rate": "1"}  # fmt: skip
        self.assertRedirects(self.client.post(reverse("dues:rate-create"), data), reverse("dues:rates"))
        self.assertEqual(services.rate_for("retired", Decimal("4500"), datetime.date(2027, 2, 1)), Decimal("1.00"))
        bad = {**data, "starts_on": "2028-01-01", "tiers-1-up_to": "3000"}
        self.assertContains(self.client.post(reverse("dues:rate-create"), bad), "只有最后一档（最高档）不填上限")
        self.login("unit_admin")
        self.assertEqual(self.client.get(reverse("dues:rate-create")).status_code, 403)
