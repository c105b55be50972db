import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.testing import CastTestCase, make_person
from coverage.models import Change, CoverageStatus, OrgForm, SurveyRound, SurveyRow
from orgs.models import Institution, OrgKind, PartyOrg


def sheet(rows, header=("单位名称", "是否在营", "从业人员数", "正式党员数", "党组织情况", "党建指导员")):
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("survey.xlsx", buffer.getvalue())


class CoverageTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.clinic = Institution.objects.create(name="甲市仁和门诊部", ownership="private", kind="clinic",
                                                region_code="442000", managing_org=cls.org_a)  # fmt: skip
        cls.private = Institution.objects.create(name="甲市康宁医院", ownership="private", kind="hospital",
                                                 region_code="442000", managing_org=cls.sector, staff_count=120)  # fmt: skip
        PartyOrg.objects.create(
            name="甲市康宁医院党支部", kind=OrgKind.BRANCH, parent=cls.sector, institution=cls.private
        )
        for i in range(3):
            make_person(f"门诊党员{i}", cls.org_a, institution=cls.clinic)

    def open_round(self, name="2023年第一轮", day="2023-03-01"):
        self.login("sector_admin")
        data = {"sector": self.sector.pk, "name": name, "started_on": day, "closes_on": ""}
        self.client.post(reverse("coverage:create"), data)
        return SurveyRound.objects.get(name=name)

    def test_a_round_is_prefilled_filled_compared_and_scoped(self):
        first = self.open_round()
        rows = {r.institution.name: r for r in first.rows.select_related("institution")}
        self.assertEqual(set(rows), {"甲市仁和门诊部", "甲市康宁医院"})
        clinic = rows["甲市仁和门诊部"]
        self.assertEqual((clinic.formal_members, clinic.status), (3, CoverageStatus.SHOULD_BUILD))
        # staff: the unit's own figure where the registry has one, else to be reported, never the member count
        self.assertEqual((clinic.staff_count, rows["甲市康宁医院"].staff_count), (None, 120))
        self.assertEqual(rows["甲市康宁医院"].status, CoverageStatus.OWN)
        page = self.client.get(reverse("coverage:detail", args=[first.pk])).content.decode()
        self.assertIn("待填报", page)
        self.assertIn("50.0%", page)  # coverage rate: 1 of 2 operating units

        self.login("unit_admin")  # the clinic's managing organisation fills its own row
        url = reverse("coverage:row", args=[clinic.pk])
        bad = {"operating": "on", "staff_count": "2", "formal_members": "3", "probationary_members": "0", "org_form": "none",
               "instructor": "", "note": ""}  # fmt: skip
        self.assertContains(self.client.post(url, bad), "不能多于从业人员数（2）")
        self.client.post(url, dict(bad, staff_count="25", org_form="joint"))
        clinic.refresh_from_db()
        self.assertEqual((clinic.staff_count, clinic.status), (25, CoverageStatus.JOINT))
        detail = self.client.get(reverse("coverage:detail", args=[first.pk])).content.decode()
        self.assertIn("甲市仁和门诊部", detail)
        self.assertNotIn("甲市康宁医院", detail)  # another unit's row
        own_row = SurveyRow.objects.get(round=first, institution=self.private)
        self.assertEqual(self.client.get(reverse("coverage:row", args=[own_row.pk])).status_code, 404)

        second = self.open_round("2023年第二轮", "2023-09-01")
        self.assertEqual(second.previous, first)
        self.login("sector_admin")
        upload = sheet([("甲市仁和门诊部", "是", 30, 4, "联合组建", ""), ("甲市康宁医院", "否", 0, 0, "单独组建", "")])
        self.assertRedirects(self.client.post(reverse("coverage:import", args=[second.pk]), {"file": upload}),
                             reverse("coverage:detail", args=[second.pk]))  # fmt: skip
        changes = dict(second.rows.values_list("institution__name", "change"))
        self.assertEqual(changes, {"甲市仁和门诊部": Change.CHANGED, "甲市康宁医院": Change.CLOSED})
        compare = self.client.get(reverse("coverage:compare", args=[second.pk])).content.decode()
        self.assertIn("从业人员数</strong>：25 → 30", compare)
        self.assertIn("正式党员数</strong>：3 → 4", compare)
        url = reverse("coverage:compare", args=[second.pk])
        self.assertEqual(self.client.get(url, {"count": "1"}).content.decode(), "共 1 条")
        self.assertEqual(self.client.get(url, {"export": "xlsx", "change": "closed"}).status_code, 200)

    def test_a_round_belongs_to_a_sector_committee(self):
        self.login("sector_admin")
        lookup = reverse("orgs:lookup")
        form = self.client.get(reverse("coverage:create")).content.decode()
        self.assertIn(f'name="sector" value="{self.sector.pk}"', form)  # the only sector committee: chosen
        self.assertIn(f"{lookup}?role=40&amp;kind=sector_committee", form)
        found = self.client.get(lookup, {"q": "党支部", "role": "40", "kind": "sector_committee"}).content.decode()
        self.assertNotIn("党支部", found.replace("没有匹配的结果", ""))
        data = {"sector": self.branch_a1.pk, "name": "支部摸排", "started_on": "2023-03-01", "closes_on": ""}
        self.assertContains(self.client.post(reverse("coverage:create"), data), "选择一个有效的选项")
        self.assertFalse(SurveyRound.objects.filter(name="支部摸排").exists())

    def test_a_sheet_with_errors_writes_nothing_and_names_each_problem(self):
        survey = self.open_round()
        upload = sheet([("甲市仁和门诊部", "是", 2, 5, "联合组建", ""), ("不存在的诊所", "是", 3, 0, "未建立", ""),
                        ("甲市康宁医院", "是", "十", 0, "已建", "")])  # fmt: skip
        response = self.client.post(reverse("coverage:import", args=[survey.pk]), {"file": upload})
        html = response.content.decode()
        for expected in (
            "多于从业人员数 2",
            "本轮摸排中没有这个单位",
            "应为不小于0的整数",
            "应为“单独组建”“联合组建”或“未建立”",
        ):
            self.assertIn(expected, html)
        self.assertIsNone(SurveyRow.objects.get(round=survey, institution=self.clinic).staff_count)
        self.assertEqual(SurveyRow.objects.get(round=survey, institution=self.clinic).org_form, OrgForm.NONE)
        self.login("unit_admin")
        self.assertEqual(
            self.client.post(reverse("coverage:import", args=[survey.pk]), {"file": sheet([])}).status_code, 403
        )
        self.login("secretary")
        self.assertEqual(self.client.get(reverse("coverage:list")).status_code, 403)
