"""Exports a 党办 can hand in, and never a live formula from typed text (CSV/formula injection)."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from activities.tests.base import ActivityTestCase, at
from people.models import Person

PAYLOADS = ['=HYPERLINK("http://evil.example","点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"]


def workbook_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


class FormulaInjectionTest(ActivityTestCase):
    def assert_text_cells(self, sheet, payloads):
        cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value in payloads}
        self.assertEqual(set(cells), set(payloads), "every payload is in the sheet")
        for value, cell in cells.items():
            with self.subTest(value=value):
                self.assertEqual(cell.data_type, "s")  # text, not "f"
                self.assertTrue(cell.quotePrefix)

    def test_the_people_list_export_writes_typed_formulas_as_text(self):
        for i, payload in enumerate(PAYLOADS):
            Person.objects.filter(pk=self.person_a1.pk if i == 0 else self.member_person.pk).update(department=payload)
        Person.objects.filter(pk=self.member_person.pk).update(department=PAYLOADS[0][:60])
        Person.objects.filter(pk=self.person_a1.pk).update(department=PAYLOADS[1])
        self.login("unit_admin")
        sheet = workbook_of(self.client.get(reverse("people:list"), {"export": "xlsx"})).active
        self.assert_text_cells(sheet, PAYLOADS[:2])

    def test_the_activity_list_and_the_ledger_write_typed_formulas_as_text(self):
        self.record(self.branch_a1, when=at(2024, 3, 5), title=PAYLOADS[0], place=PAYLOADS[3], agenda=PAYLOADS[2])
        self.login("secretary")
        sheet = workbook_of(self.client.get(reverse("activities:list"), {"export": "xlsx"})).active
        self.assert_text_cells(sheet, [PAYLOADS[0], PAYLOADS[3]])
        response = self.client.get(reverse("activities:ledger", args=[self.branch_a1.pk, 2024]) + "?format=xlsx")
        self.assert_text_cells(workbook_of(response).active, [PAYLOADS[0], PAYLOADS[2], PAYLOADS[3]])


class SheetLayoutTest(ActivityTestCase):
    def test_an_export_has_a_title_a_frozen_header_fitted_widths_and_real_dates(self):
        self.record(self.branch_a1, when=at(2024, 3, 5, 9, 0), title="三月支部党员大会", place="门诊楼五楼会议室")
        self.login("secretary")
        book = workbook_of(self.client.get(reverse("activities:list"), {"export": "xlsx"}))
        sheet = book.active
        self.assertEqual(sheet.title, "活动")
        self.assertTrue(sheet["A1"].value.startswith("活动（导出于 "))
        self.assertEqual([c.value for c in sheet[2]], ["时间", "类型", "主题", "组织", "角色", "地点"])
        self.assertEqual(sheet.freeze_panes, "A3")
        self.assertEqual(sheet["A3"].value, datetime.datetime(2024, 3, 5, 9, 0))
        self.assertEqual(sheet["A3"].number_format, "yyyy-mm-dd hh:mm")
        self.assertGreaterEqual(sheet.column_dimensions["F"].width, 16)  # 门诊楼五楼会议室: 8 wide characters


class LargeExportTest(ActivityTestCase):
    def test_a_large_export_is_built_in_the_background_for_its_owner_only(self):
        from unittest import mock

        from core.models import ExportJob

        self.login("unit_admin")
        with mock.patch("core.export.EXPORT_SYNC_ROWS", 1):
            response = self.client.get(reverse("people:list"), {"export": "xlsx", "q": "l"})
        job = ExportJob.objects.get()
        self.assertRedirects(response, reverse("core:export", args=[job.pk]))
        self.assertEqual(job.status, "done", job.error)  # tasks run at once in tests
        sheet = workbook_of(self.client.get(reverse("core:export-download", args=[job.pk]))).active
        names = sorted(row[1] for row in sheet.iter_rows(min_row=3, values_only=True))
        self.assertEqual(names, ["李永川", "雷继敏"])  # the filter and the scope of the page it came from
        self.assertContains(self.client.get(reverse("core:exports")), "人员")
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("core:export-download", args=[job.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("core:export", args=[job.pk])).status_code, 404)
