"""The lifecycle sheets of the registry import: 党费 bases, past payments and 发展党员 records, previewed with row
errors and written in one transaction."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.testing import CastTestCase
from development.models import Applicant
from dues.models import DuesAccount, DuesBase, DuesTotal, Payment
from imports.models import ImportJob, ImportStatus
from imports.tests.test_import_people import xlsx
from people.models import Person

BASES = ["人员编号或身份证号", "年度", "起始月份", "类别", "月缴纳基数", "月交纳额", "原因"]
PAYMENTS = ["人员编号或身份证号", "月份", "金额", "交纳日期", "收据号"]
APPLICANTS = ["人员编号或身份证号", "培养党支部", "申请日期", "谈话日期", "积极分子日期", "备案日期", "发展对象日期"]


class LifecycleImportTest(CastTestCase):
    def upload(self, kind, header, rows, user="secretary"):
        self.login(user)
        self.client.post(reverse("imports:start"), {"kind": kind, "file": SimpleUploadedFile("f.xlsx", xlsx(rows, header))})
        job = ImportJob.objects.order_by("-pk").first()
        if job.status == ImportStatus.READY:
            self.client.post(reverse("imports:confirm", args=[job.pk]))
            job.refresh_from_db()
        return job

    def test_bases_then_past_payments(self):
        Person.objects.filter(pk=self.member_person.pk).update(is_retired=True)
        job = self.upload("dues_bases", BASES, [
            [self.person_a1.pk, 2025, "2025-01", "在职（月工资税后收入）", "8000", "", ""],
            ["442000198001010017", "", "2026-01", "在职（月工资税后收入）", "12000", "", ""],
            [self.member_person.pk, 2025, "", "离退休（离退休费、养老金）", "4000", "", ""],
        ])  # fmt: skip
        self.assertEqual(job.status, ImportStatus.DONE, job.errors)
        amounts = list(DuesBase.objects.filter(person=self.person_a1).order_by("starts_month").values_list("amount", flat=True))
        self.assertEqual(amounts, [Decimal("120.00"), Decimal("240.00")])
        job = self.upload("dues_payments", PAYMENTS, [
            [self.person_a1.pk, "2025-01", "", "2025-01-20", "A1"],
            [self.person_a1.pk, "2025年2月", "120", "2025-02-20", "A2"],
            [self.member_person.pk, "2025-01", "", "2025-01-25", ""],
        ])  # fmt: skip
        self.assertEqual(job.status, ImportStatus.DONE, job.errors)
        self.assertEqual(Payment.objects.count(), 3)
        self.assertEqual(DuesTotal.objects.get(org=self.org_a, month=datetime.date(2025, 1, 1)).amount, Decimal("140.00"))
        self.assertEqual(DuesAccount.objects.get(person=self.person_a1).due_from, datetime.date(2025, 1, 1))

    def test_row_errors_name_the_row_and_nothing_is_written(self):
        self.upload("dues_bases", BASES, [[self.person_a1.pk, 2025, "", "在职（月工资税后收入）", "8000", "", ""]])
        Payment.objects.create(person=self.person_a1, month=datetime.date(2025, 1, 1), amount=120,
                               paid_on=datetime.date(2025, 1, 2), org=self.branch_a1, org_path=self.branch_a1.path)  # fmt: skip
        job = self.upload("dues_payments", PAYMENTS, [
            [self.person_a1.pk, "2025-02", "", "2025-02-20", ""],
            [self.person_a1.pk, "2025-01", "", "2025-01-20", ""],
            [self.person_a1.pk, "2025-13", "", "2025-01-20", ""],
            [self.person_b.pk, "2025-03", "50", "2025-03-20", ""],
        ])  # fmt: skip
        self.assertEqual(job.status, ImportStatus.INVALID)
        reasons = {(e["row"], e["reason"]) for e in job.errors}
        self.assertIn((3, "雷继敏2025年01月已交，不能重复登记"), reasons)
        self.assertIn((4, "月份应为1–12"), reasons)
        self.assertIn((5, "在您的管理范围内找不到该人员"), reasons)
        self.assertEqual(Payment.objects.count(), 1)  # the valid row 2 was not written either

    def test_applicants_on_paper_come_in_at_their_stage(self):
        person = Person(name="周申请", birth_date=datetime.date(1999, 3, 3), home_org=self.branch_a1)
        person.save()
        young = Person(name="小青年", birth_date=datetime.date(2008, 3, 3), home_org=self.branch_a1)
        young.save()
        job = self.upload("applicants", APPLICANTS, [
            [young.pk, "博爱医院第一党支部", "2025-03-01", "", "", "", ""],
        ])  # fmt: skip
        self.assertEqual(job.status, ImportStatus.INVALID)
        self.assertIn("年满18周岁", job.errors[0]["reason"])
        early = self.upload("applicants", APPLICANTS, [
            [person.pk, "博爱医院第一党支部", "2023-03-01", "2023-03-15", "2023-09-01", "2023-09-10", "2024-08-01"],
        ])  # fmt: skip
        self.assertIn("最早2024-09-02", early.errors[0]["reason"])
        job = self.upload("applicants", APPLICANTS, [
            [person.pk, "博爱医院第一党支部", "2023-03-01", "2023-03-15", "2023-09-01", "2023-09-10", "2024-09-05"],
        ])  # fmt: skip
        self.assertEqual(job.status, ImportStatus.DONE, job.errors)
        applicant = Applicant.objects.get(person=person)
        person.refresh_from_db()
        self.assertEqual((applicant.stage, person.party_status), ("candidate", "candidate"))

    def test_templates_have_the_new_sheets(self):
        self.login("secretary")
        for kind in ("dues_bases", "dues_payments", "applicants"):
            self.assertEqual(self.client.get(reverse("imports:template", args=[kind])).status_code, 200, kind)
