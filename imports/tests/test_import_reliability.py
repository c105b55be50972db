"""Imports under real use: double confirmations, implausible dates, hostile files, interrupted workers, stale
uploads, and messages a 党办 can act on."""

import csv
import datetime
import io
import zipfile
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.locks import held_elsewhere
from core.testing import CastTestCase
from core.validators import id_check_digit
from imports import services
from imports.models import ImportJob, ImportStatus
from people.models import Person

from .test_import_people import HEADER, row, xlsx


def sheet_xml(rows_xml: str) -> bytes:
    """A minimal workbook whose first sheet has this <sheetData> content."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{rows_xml}</sheetData></worksheet>",
        )
    return buffer.getvalue()


def text_row(number: int, values: list[str]) -> str:
    from imports.reader import column_letter

    cells = "".join(
        f'<c r="{column_letter(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values) if v
    )
    return f'<row r="{number}">{cells}</row>'


MINOR_ID = "11010520050101001" + id_check_digit("11010520050101001")  # born 2005-01-01


class ImportCase(CastTestCase):
    def upload(self, content, name="people.xlsx", kind="people", user="unit_admin"):
        self.login(user)
        self.client.post(reverse("imports:start"), {"kind": kind, "file": SimpleUploadedFile(name, content)})
        return ImportJob.objects.order_by("-pk").first()

    def reasons(self, job) -> str:
        return " | ".join(f"{e.get('row', '')}:{e.get('column', '')}:{e['reason']}" for e in job.errors)


class ConfirmTwiceTest(ImportCase):
    def test_only_the_first_of_two_confirmations_queues_the_import(self):
        job = self.upload(xlsx([row()]))
        self.assertEqual(job.status, ImportStatus.READY, job.errors)
        with mock.patch("core.tasks.enqueue") as enqueue:  # two tabs, before the worker takes it
            self.assertTrue(services.confirm(job))
            self.assertFalse(services.confirm(job))
        self.assertEqual(enqueue.call_count, 1)
        services.run_apply(job.pk)
        services.run_apply(job.pk)  # a duplicate task finds the job claimed and does nothing
        self.assertEqual(Person.objects.filter(name="王小明").count(), 1)
        response = self.client.post(reverse("imports:confirm", args=[job.pk]), follow=True)
        self.assertContains(response, "已经导入完成，无需重复确认")
        self.assertEqual(Person.objects.filter(name="王小明").count(), 1)

    def test_a_job_locked_by_a_running_worker_is_not_run_twice(self):
        job = self.upload(xlsx([row()]))
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
        with held_elsewhere(services.LOCK, job.pk):
            services.run_apply(job.pk)  # another worker holds it
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.QUEUED)
        self.assertFalse(Person.objects.filter(name="王小明").exists())


class PlausibleDatesTest(ImportCase):
    def test_implausible_dates_are_refused_with_their_cell_named(self):
        future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
        rows = [
            row(name="年份", id_number="", joined=2010, confirmed=2011),
            row(name="建党前", id_number="", joined="1905-07-01", confirmed="1906-07-01"),
            row(name="未成年", id_number=MINOR_ID, joined="2020-06-01", confirmed="2021-06-01"),
            row(name="将来", id_number="", joined=future, confirmed=""),
            row(name="年份文字", id_number="", joined="2010年", confirmed=""),
        ]
        job = self.upload(xlsx(rows))
        self.assertEqual(job.status, ImportStatus.INVALID)
        text = self.reasons(job)
        self.assertIn("2:H（入党日期）:只填了年份 2010", text)
        self.assertIn("3:H（入党日期）:日期 1905-07-01 早于 1921-07-01", text)
        self.assertIn("4:H（入党日期）:入党日期 2020-06-01 时未满18周岁", text)
        self.assertIn(f"5:H（入党日期）:日期 {future} 在今天之后", text)
        self.assertIn("6:H（入党日期）:只填了年份 2010", text)
        self.assertFalse(Person.objects.filter(name__in=["年份", "建党前", "未成年", "将来"]).exists())


class HostileFileTest(ImportCase):
    def test_a_far_off_cell_is_refused_before_the_sheet_is_read(self):
        content = sheet_xml(
            text_row(1, HEADER) + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        )
        self.assertLess(len(content), 5000)
        job = self.upload(content)
        self.assertEqual(job.status, ImportStatus.INVALID)
        self.assertIn("超过单次导入上限", job.errors[0]["reason"])
        wide = sheet_xml(text_row(1, HEADER) + '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>')
        job = self.upload(wide)
        self.assertIn("第 XFD 列", job.errors[0]["reason"])

    def test_a_million_copied_rows_are_refused_by_their_count(self):
        content = sheet_xml(text_row(1, HEADER) + text_row(2, row()) + text_row(1_180_000, row()))
        job = self.upload(content)
        self.assertIn("至少有 1180000 行", job.errors[0]["reason"])

    def test_excel_error_values_are_named_not_called_empty(self):
        cells = text_row(2, row())[: -len("</row>")].replace('<c r="B2" t="inlineStr"><is><t>王小明</t></is></c>', "")
        cells += '<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        job = self.upload(sheet_xml(text_row(1, HEADER) + cells))
        self.assertEqual(job.status, ImportStatus.INVALID)
        self.assertIn("Excel 错误值 #DIV/0!", job.errors[0]["reason"])
        self.assertEqual(job.errors[0]["row"], 2)

    def test_a_corrupt_workbook_gets_a_chinese_message(self):
        content = bytearray(xlsx([row()]))
        middle = len(content) // 2
        content[middle : middle + 40] = b"\x00" * 40  # a damaged download: CRC and deflate errors inside
        job = self.upload(bytes(content))
        self.assertEqual(job.status, ImportStatus.INVALID)
        import re

        self.assertLessEqual(set(re.findall("[A-Za-z]+", job.errors[0]["reason"])), {"Excel", "xlsx", "CSV"})


class MessagesTest(ImportCase):
    def csv_bytes(self, rows, encoding):
        import opencc

        text = io.StringIO()
        writer = csv.writer(text)
        # a Big5 file comes from a traditional-script office: its headers are traditional too
        script = opencc.OpenCC("s2t").convert if encoding == "big5" else str
        writer.writerow([script(h) for h in HEADER])
        writer.writerows([[script(str(v)) for v in r] for r in rows])
        return text.getvalue().encode(encoding)

    def test_utf16_and_big5_csv_files_are_read(self):
        for encoding, name in (("utf-16", "王小明"), ("big5", "陳美玲")):
            with self.subTest(encoding=encoding):
                org = "博爱医院第一党支部" if encoding == "utf-16" else "博愛醫院第一黨支部"
                job = self.upload(self.csv_bytes([row(name=name, id_number="", org=org)], encoding), name="people.csv")
                self.assertEqual(job.status, ImportStatus.READY, job.errors)
                self.confirm_and_check(job, name)

    def confirm_and_check(self, job, name):
        self.client.post(reverse("imports:confirm", args=[job.pk]))
        self.assertTrue(Person.objects.filter(name=name).exists())

    def test_a_missing_header_lists_the_templates_chinese_headers(self):
        job = self.upload(xlsx([row()], header=["甲", "乙", "丙"]))
        reason = job.errors[0]["reason"]
        self.assertIn("姓名、性别", reason)
        self.assertNotIn("name", reason)

    def test_a_runaway_csv_field_is_explained_in_chinese(self):
        content = (",".join(HEADER) + '\n"' + "x" * 200_000 + "\n").encode()
        job = self.upload(content, name="people.csv")
        self.assertIn("超过 128 KB", job.errors[0]["reason"])
        self.assertNotIn("field limit", job.errors[0]["reason"])

    def test_an_empty_file_is_refused_by_name(self):
        self.login("unit_admin")
        response = self.client.post(
            reverse("imports:start"), {"kind": "people", "file": SimpleUploadedFile("空.xlsx", b"")}, follow=True
        )
        self.assertContains(response, "是空的")


class TemplateTest(ImportCase):
    def test_the_template_marks_its_example_and_offers_drop_downs(self):
        self.login("unit_admin")
        content = b"".join(self.client.get(reverse("imports:template", args=["people"])))
        book = load_workbook(io.BytesIO(content))
        sheet = book.active
        self.assertEqual(sheet.title, "人员")
        headers = [c.value for c in sheet[1]]
        self.assertTrue(sheet.cell(row=2, column=1).value.startswith("示例"))
        id_column = headers.index("身份证号") + 1
        self.assertEqual(sheet.cell(row=3, column=id_column).number_format, "@")
        formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
        self.assertTrue(any("正式党员" in f for f in formulas))
        # filled in below the example, uploaded as it is: the example row is not imported
        sheet.append(["", "陈一", "", "", "", "", "正式党员", "2015-06-01", "2016-06-01", "博爱医院第一党支部"])
        buffer = io.BytesIO()
        book.save(buffer)
        job = self.upload(buffer.getvalue())
        self.assertEqual((job.status, job.row_count), (ImportStatus.READY, 1), job.errors)


class UploadLifecycleTest(ImportCase):
    def test_the_upload_is_encrypted_at_rest(self):
        job = self.upload(xlsx([row()]))
        with job.file.open("rb") as handle:
            stored = handle.read()
        self.assertFalse(stored.startswith(b"PK"))
        self.assertNotIn(b"11010519491231002X", stored)

    def test_giving_up_deletes_the_upload(self):
        job = self.upload(xlsx([row()]))
        path = job.file.path
        self.client.post(reverse("imports:discard", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.CANCELLED)
        self.assertFalse(job.file)
        import os

        self.assertFalse(os.path.exists(path))

    def test_an_unconfirmed_upload_expires_after_the_configured_time(self):
        job = self.upload(xlsx([row()]))
        ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
        self.assertEqual(services.maintain_jobs()["expired"], 1)
        job.refresh_from_db()
        self.assertEqual((job.status, bool(job.file)), (ImportStatus.EXPIRED, False))
        self.assertContains(self.client.get(reverse("imports:job", args=[job.pk])), "已过期")

    def test_a_job_whose_worker_died_runs_again_then_fails_for_good(self):
        job = self.upload(xlsx([row()]))
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, attempts=1)  # killed mid-way
        result = services.maintain_jobs()
        self.assertEqual(result["retried"], 1)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.DONE, job.errors)  # run again (tasks are synchronous here)
        self.assertIn("意外中断", job.note)
        self.assertEqual(Person.objects.filter(name="王小明").count(), 1)

        second = self.upload(xlsx([row(name="李四", id_number="")]))
        ImportJob.objects.filter(pk=second.pk).update(status=ImportStatus.RUNNING, attempts=2)
        self.assertEqual(services.maintain_jobs()["failed"], 1)
        second.refresh_from_db()
        self.assertEqual(second.status, ImportStatus.FAILED)
        self.assertFalse(second.file)
        self.assertFalse(Person.objects.filter(name="李四").exists())

    def test_a_running_job_is_left_alone(self):
        job = self.upload(xlsx([row()]))
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, attempts=1)
        with held_elsewhere(services.LOCK, job.pk):
            self.assertEqual(services.maintain_jobs()["retried"], 0)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.RUNNING)
