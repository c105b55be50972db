import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.models import AuditEntry
from core.testing import CastTestCase
from imports.models import ImportJob, ImportStatus
from orgs.models import PartyOrg
from people.models import Membership, Person

HEADER = [
    "编号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号",
    "政治面貌",
    "入党日期",
    "转正日期",
    "所属党组织",
    "工作单位",
]


def xlsx(rows, header=HEADER, merge=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(name="王小明", id_number="11010519491231002X", status="正式党员", org="博爱医院第一党支部", **overrides):
    values = {
        "id": "",
        "name": name,
        "gender": "",
        "birth": "",
        "id_number": id_number,
        "phone": "13912345678",
        "status": status,
        "joined": "2010-06-01",
        "confirmed": "2011-06-01",
        "org": org,
        "inst": "甲市博爱医院",
    }
    values.update(overrides)
    return list(values.values())


class PeopleImportTest(CastTestCase):
    def upload(self, content, name="people.xlsx", kind="people", user="unit_admin"):
        self.login(user)
        response = self.client.post(reverse("imports:start"), {"kind": kind, "file": SimpleUploadedFile(name, content)})
        return response, ImportJob.objects.order_by("-pk").first()

    def confirm(self, job):
        return self.client.post(reverse("imports:confirm", args=[job.pk]))

    def test_it_previews_then_imports_and_reimport_updates(self):
        content = xlsx([row(), row(name="李红", id_number="110105194912310038", status="预备党员", confirmed="")])
        response, job = self.upload(content)
        self.assertRedirects(response, reverse("imports:job", args=[job.pk]))
        self.assertEqual(job.status, ImportStatus.READY)
        self.assertEqual(job.summary, {"to_create": 2, "to_update": 0})
        self.assertFalse(Person.objects.filter(name="王小明").exists())  # preview writes nothing
        self.assertContains(self.client.get(reverse("imports:job", args=[job.pk])), "确认导入")
        self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.DONE, job.errors)
        self.assertFalse(job.file)  # the upload, with ID numbers in clear, is not kept
        person = Person.objects.get(name="王小明")
        self.assertEqual(person.birth_date, datetime.date(1949, 12, 31))
        self.assertEqual(person.name_initials, "wxm")
        self.assertEqual(Membership.objects.get(person=person).org, self.branch_a1)
        self.branch_a1.refresh_from_db()
        self.assertEqual((self.branch_a1.formal_count, self.branch_a1.probationary_count), (3, 1))

        # The corrected file, re-imported: matched by ID number, updated, not duplicated.
        _, job2 = self.upload(xlsx([row(phone="13700000000", name="王晓明")]))
        self.assertEqual(job2.summary, {"to_create": 0, "to_update": 1})
        self.confirm(job2)
        self.assertEqual(Person.objects.filter(id_number_hash=person.id_number_hash).count(), 1)
        person.refresh_from_db()
        self.assertEqual((person.name, person.get_phone()), ("王晓明", "13700000000"))

    def test_a_row_that_fails_at_confirmation_takes_the_rows_written_before_it_back(self):
        # New people are written a batch at a time while later rows are still checked (people_import.BATCH).
        names = [f"批量{i:04d}" for i in range(2050)]
        rows = [row(name=n, id_number="", org="博爱医院第一党支部") for n in names[:2040]]
        rows += [row(name=n, id_number="", org="博爱医院第二党支部") for n in names[2040:]]
        _, job = self.upload(xlsx(rows))
        self.assertEqual(job.status, ImportStatus.READY, job.errors)
        PartyOrg.objects.filter(pk=self.branch_a2.pk).update(is_active=False)  # closed by someone else meanwhile
        self.confirm(job)
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.INVALID)
        self.assertEqual((job.error_count, job.errors[0]["row"]), (10, 2042))
        self.assertIn("找不到该党组织", job.errors[0]["reason"])
        self.assertFalse(Person.objects.filter(name__startswith="批量").exists())
        self.assertFalse(Membership.objects.filter(person__name__startswith="批量").exists())
        self.assertFalse(AuditEntry.objects.filter(object_repr__startswith="批量").exists())

    def test_row_errors_name_sheet_row_column_value_and_reason(self):
        rows = [
            row(),
            row(name="甲", id_number="110105194912310021"),  # bad checksum
            row(name="乙", id_number="11010519491231002X"),  # duplicate of row 2
            row(name="丙", id_number="", confirmed=""),  # formal without 转正
            row(name="丁", id_number="", org="不存在的支部"),
            row(name="戊", id_number="", joined="2012-13-40"),
            row(name="己", id_number="", org="中共乙市人民医院委员会"),  # outside scope
        ]
        _, job = self.upload(xlsx(rows))
        self.assertEqual(job.status, ImportStatus.INVALID)
        found = {(e["row"], e["column"].split("（")[0], e["reason"][:6]) for e in job.errors}
        self.assertEqual(
            found,
            {
                (3, "E", "身份证号校验"),
                (4, "E", "与第2行的身"),
                (5, "I", "正式党员必须"),
                (6, "J", "在您的管理范"),
                (7, "H", "日期格式无法"),
                (8, "J", "在您的管理范"),
            },
        )
        self.assertEqual(job.errors[0]["sheet"], "人员")
        self.assertEqual(job.errors[0]["value"], "110***********0021")  # masked in the stored report
        self.assertFalse(job.file)
        self.assertFalse(Person.objects.filter(name="王小明").exists())
        self.assertEqual(self.confirm(job).status_code, 302)
        self.assertFalse(Person.objects.filter(name="王小明").exists())

    def test_dates_as_excel_serials_and_text(self):
        _, job = self.upload(xlsx([row(id_number="", joined=40330, confirmed="2011年6月1日")]))
        self.assertEqual(job.status, ImportStatus.READY, job.errors)
        self.confirm(job)
        self.assertEqual(Person.objects.get(name="王小明").joined_on, datetime.date(2010, 6, 1))

    def test_an_id_number_stored_as_a_number_is_refused(self):
        _, job = self.upload(xlsx([row(id_number=110105194912310038)]))
        self.assertIn("存成了数字", job.errors[0]["reason"])

    def test_file_level_problems_get_a_clear_message(self):
        cases = [
            (xlsx([row()], header=["名字", "职务"]), "people.xlsx", "没有找到表头"),
            (xlsx([row()], header=HEADER[:6] + ["面貌"] + HEADER[7:]), "people.xlsx", "缺少必填列：政治面貌"),
            (xlsx([row(), row(name="张三")], merge="B2:B3"), "people.xlsx", "合并单元格"),
            (b"this is not a workbook at all \x00\x01", "people.xlsx", "不是 Excel 工作簿"),
            (b"PK\x03\x04garbage", "people.xlsx", "已损坏"),
        ]
        for content, name, message in cases:
            with self.subTest(message=message):
                _, job = self.upload(content, name=name)
                self.assertEqual(job.status, ImportStatus.INVALID)
                self.assertIn(message, job.errors[0]["reason"])

    def test_a_decompression_bomb_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
                block = b"\0" * (1024 * 1024)
                for _ in range(600):  # 600 MB unzipped, about 600 KB zipped
                    sheet.write(block)
        _, job = self.upload(buffer.getvalue())
        self.assertIn("压缩炸弹", job.errors[0]["reason"])

    def test_a_csv_in_gbk_is_read(self):
        lines = [",".join(HEADER), ",".join(map(str, row(id_number="")))]
        _, job = self.upload("\n".join(lines).encode("gbk"), name="people.csv")
        self.assertEqual(job.status, ImportStatus.READY, job.errors)

    def test_an_oversized_file_is_refused(self):
        with self.settings(IMPORT_MAX_BYTES=1000):
            response, job = self.upload(b"x" * 2000, name="big.csv")
        self.assertIsNone(job)
        self.assertRedirects(response, reverse("imports:start"), fetch_redirect_response=False)

    def test_another_users_job_is_invisible(self):
        _, job = self.upload(xlsx([row()]))
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("imports:job", args=[job.pk])).status_code, 404)
        self.assertEqual(self.confirm(job).status_code, 404)

    def test_members_cannot_import(self):
        self.login("member")
        self.assertEqual(self.client.get(reverse("imports:start")).status_code, 403)

    def test_templates_download(self):
        self.login("unit_admin")
        for kind in ("people", "orgs", "institutions", "memberships", "positions"):
            response = self.client.get(reverse("imports:template", args=[kind]))
            self.assertEqual(response.status_code, 200)


class RegistryImportTest(CastTestCase):
    def upload(self, kind, header, rows, user="unit_admin"):
        self.login(user)
        self.client.post(
            reverse("imports:start"), {"kind": kind, "file": SimpleUploadedFile("f.xlsx", xlsx(rows, header))}
        )
        job = ImportJob.objects.order_by("-pk").first()
        if job.status == ImportStatus.READY:
            self.client.post(reverse("imports:confirm", args=[job.pk]))
            job.refresh_from_db()
        return job

    def test_orgs_then_positions(self):
        job = self.upload(
            "orgs",
            ["名称", "类型", "上级党组织", "所在单位", "本届任期开始"],
            [["博爱医院第三党支部", "党支部", "中共甲市博爱医院委员会", "甲市博爱医院", "2024-03-01"]],
        )
        self.assertEqual(job.status, ImportStatus.DONE, job.errors)
        from orgs.models import PartyOrg

        branch = PartyOrg.objects.get(name="博爱医院第三党支部")
        self.assertTrue(branch.path.startswith(self.org_a.path))
        job = self.upload(
            "positions",
            ["人员编号或身份证号", "职务", "类别", "党组织", "任职日期"],
            [[self.person_a1.pk, "组织委员", "党内职务", "博爱医院第三党支部", "2024-03-01"]],
        )
        self.assertEqual(job.status, ImportStatus.DONE, job.errors)
        self.assertTrue(self.person_a1.positions.filter(title="组织委员", org=branch).exists())

    def test_an_org_outside_scope_is_refused(self):
        job = self.upload("orgs", ["名称", "类型", "上级党组织"], [["新支部", "党支部", "中共乙市人民医院委员会"]])
        self.assertEqual(job.status, ImportStatus.INVALID)
        self.assertIn("找不到该党组织", job.errors[0]["reason"])

    def test_institutions_with_bad_region_code(self):
        job = self.upload(
            "institutions",
            ["名称", "所有制", "类型", "行政区划代码", "管理党组织"],
            [["某诊所", "民营", "诊所/门诊部", "44011", "中共甲市博爱医院委员会"]],
        )
        self.assertIn("行政区划代码", job.errors[0]["reason"])
