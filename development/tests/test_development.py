"""发展党员 through the pages with the real intervals of R26–R28: every step refused when it comes too early (with
the rule and the date it becomes possible), and the person's 政治面貌, 入党日期 and 转正日期 following the record."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as Docx

from core.testing import CastTestCase, make_person
from development import services
from development.models import Applicant, Plan, Stage
from people.models import Membership, PartyStatus, Person

D = datetime.date


class PipelineTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.introducer = make_person("介绍人甲", cls.branch_a1)  # formal members of the branch

    def start(self, applied="2021-03-01", birth="1998-05-04", talked="2021-03-20"):
        self.login("secretary")
        data = {"name": "林晓", "birth_date": birth, "gender": "F", "org": self.branch_a1.pk, "applied_on": applied,
                "talked_on": talked}  # fmt: skip
        return self.client.post(reverse("development:create"), data)

    def step(self, name, applicant, **data):
        url = reverse("development:step", args=[applicant.pk, name])
        return self.client.post(url, {f"{name}-{k}": v for k, v in data.items()})

    def admission(self, **overrides):
        data = {"political_review_on": "2022-05-10", "training_hours": "24", "training_done_on": "2022-05-20",
                "pre_review_on": "2022-05-25", "publicity_from": "2022-05-30", "publicity_to": "2022-06-03",
                "admitted_on": "2022-06-10", "eligible_voters": "9", "votes_for": "8", "votes_against": "0",
                "votes_abstain": "1", "introducer_1": self.person_a1.pk, "introducer_2": self.introducer.pk}  # fmt: skip
        return {**data, **overrides}

    def test_from_application_to_formal_member_across_the_real_intervals(self):
        self.assertEqual(self.start().status_code, 302)
        a = Applicant.objects.get()
        self.assertEqual((a.person.party_status, a.person.applied_on), (PartyStatus.APPLICANT, D(2021, 3, 1)))
        self.step("activist", a, activist_on="2021-04-15", contact_1=self.person_a1.pk, filed_on="2021-04-20")
        a.refresh_from_db()
        self.assertEqual((a.stage, a.person.party_status), (Stage.ACTIVIST, PartyStatus.ACTIVIST))
        self.assertEqual(a.next_step, "考察")
        self.step("review", a, reviewed_on="2021-10-15", note="学习认真，积极参加志愿服务")
        early = self.step("candidate", a, candidate_on="2022-04-15")
        self.assertContains(
            early, "入党积极分子须经过1年以上培养（细则第十三条，R27）方可列为发展对象", status_code=400
        )
        self.assertContains(early, "最早2022-04-16", status_code=400)
        self.step("candidate", a, candidate_on="2022-04-16")
        self.assertEqual(Applicant.objects.get().stage, Stage.CANDIDATE)
        self.assertEqual(self.step("admit", a, **self.admission()).status_code, 302)
        a.refresh_from_db()
        person = a.person
        self.assertEqual(
            (a.stage, person.party_status, person.joined_on), (Stage.PROBATIONARY, "probationary", D(2022, 6, 10))
        )
        self.assertEqual(Membership.objects.get(person=person).start_on, D(2022, 6, 10))
        self.assertEqual(a.next_step, "上级党委审批")
        refused = self.step("approve", a, approved_on="2022-07-01")
        self.assertEqual(refused.status_code, 400)  # a secretary records no 党委 approval
        self.assertContains(refused, "您的角色不能办理该党支部的上级党委审批", status_code=400)
        self.login("unit_admin")
        self.step("approve", a, approved_on="2022-07-01")
        self.login("secretary")
        too_soon = self.step("confirm", a, confirmation_voted_on="2023-06-09")
        self.assertContains(too_soon, "预备期2023-06-10届满，届满后方可讨论", status_code=400)
        self.step("confirm", a, confirmation_voted_on="2023-06-12")
        self.login("unit_admin")
        self.step("approve", a, approved_on="2023-06-20")
        a.refresh_from_db()
        person.refresh_from_db()
        self.assertEqual((a.stage, person.party_status), (Stage.FORMAL, PartyStatus.FORMAL))
        self.assertEqual(person.confirmed_on, D(2023, 6, 10))  # 党龄 from the end of the 预备期, not the vote (R28)
        self.assertEqual(person.party_age(D(2024, 6, 10)), 1)
        page = self.client.get(reverse("development:detail", args=[a.pk]))
        self.assertContains(page, "党龄自 2023-06-10 起计算")
        record = Docx(io.BytesIO(self.client.get(reverse("development:record", args=[a.pk])).content))
        cells = [c.text for row in record.tables[0].rows for c in row.cells]
        self.assertIn("2022-06-10", cells)
        self.assertIn("介绍人甲、雷继敏", cells)  # by pinyin (jie, lei), as every list of people, on every engine

    def test_the_local_wait_before_activist_is_a_rule_parameter(self):
        from django.core.cache import cache

        from orgs.models import RuleSetting

        RuleSetting.objects.create(key="dev_activist_wait_months", value=6)
        cache.clear()
        self.start()
        a = Applicant.objects.get()
        early = self.step("activist", a, activist_on="2021-08-31", contact_1=self.person_a1.pk)
        self.assertContains(early, "确定为入党积极分子须在递交申请满6个月（规则参数），林晓最早2021-09-01", status_code=400)
        self.step("activist", a, activist_on="2021-09-01", contact_1=self.person_a1.pk)
        self.assertEqual(Applicant.objects.get().stage, Stage.ACTIVIST)

    def test_an_applicant_under_18_is_told_when_they_may_apply(self):
        response = self.start(applied="2016-05-01", birth="1998-05-04", talked="")
        self.assertContains(response, "申请入党须年满18周岁（党章第一条，R26）：林晓于2016-05-04年满18周岁")
        self.assertFalse(Person.objects.filter(name="林晓").exists())  # nothing half-written

    def test_admission_needs_its_conditions_and_a_majority_of_those_due(self):
        self.start()
        a = Applicant.objects.get()
        self.step("activist", a, activist_on="2021-04-15", contact_1=self.person_a1.pk, filed_on="2021-04-20")
        self.step("candidate", a, candidate_on="2022-04-20")
        cases = [
            ({"votes_for": "4", "votes_against": "0", "votes_abstain": "0"},
             "到会有表决权的正式党员4人，未超过应到会9人的半数，会议不能进行表决"),
            ({"votes_for": "4", "votes_against": "3", "votes_abstain": "1"}, "赞成票4票未超过应到会有表决权的正式党员9人的半数"),
            ({"votes_for": "9", "votes_against": "1"}, "表决人数11超过有表决权的应到会正式党员9人"),
            ({"training_hours": "16"}, "不少于3天或24学时的集中培训"),
            ({"introducer_2": self.person_a1.pk}, "入党介绍人应为2名正式党员"),
            ({"publicity_to": "2022-05-31"}, "公示不少于5个工作日"),
            ({"pre_review_on": "2022-04-01"}, "基层党委预审应在确定为发展对象（2022-04-20）之后、支部大会之前"),
        ]  # fmt: skip
        for overrides, message in cases:
            response = self.step("admit", a, **self.admission(**overrides))
            self.assertContains(response, message, status_code=400, msg_prefix=str(overrides))
        self.assertEqual(Applicant.objects.get().stage, Stage.CANDIDATE)
        self.assertFalse(Membership.objects.filter(person=a.person).exists())

    def test_approval_after_three_months_needs_a_reason_and_after_six_is_too_late(self):
        a = self.probationary()
        self.login("unit_admin")
        late = self.step("approve", a, approved_on="2022-10-20")
        self.assertContains(late, "超过3个月（2022-09-10）审批属特殊情况，须写明原因", status_code=400)
        too_late = self.step("approve", a, approved_on="2022-12-11", approval_note="材料补正")
        self.assertContains(too_late, "支部大会通过已超过6个月（2022-12-10届满）", status_code=400)
        self.step("approve", a, approved_on="2022-10-20", approval_note="政审材料补正后审批")
        self.assertEqual(Applicant.objects.get().approved_on, D(2022, 10, 20))

    def test_an_extended_probation_moves_the_party_age_and_only_once(self):
        a = self.probationary()
        self.login("unit_admin")
        self.step("approve", a, approved_on="2022-07-01")
        self.login("secretary")
        short = self.step("extend", a, extended_on="2023-06-12", extended_months="3")
        self.assertContains(short, "延长预备期不少于6个月、不超过1年", status_code=400)
        self.step("extend", a, extended_on="2023-06-12", extended_months="6")
        a.refresh_from_db()
        self.assertEqual(services.probation_end(a), D(2023, 12, 10))
        self.assertContains(
            self.step("extend", a, extended_on="2023-12-12", extended_months="6"), "只能延长一次", status_code=400
        )
        self.step("confirm", a, confirmation_voted_on="2023-12-11")
        self.login("unit_admin")
        self.step("approve", a, approved_on="2023-12-20")
        person = Person.objects.get(pk=a.person_id)
        self.assertEqual((person.confirmed_on, person.probation_extended), (D(2023, 12, 10), True))

    def test_cancelling_a_probationary_membership_ends_the_relationship(self):
        a = self.probationary()
        self.step("close", a, closed_on="2022-08-01", closed_reason="本人申请撤回")
        a.refresh_from_db()
        self.assertEqual((a.stage, a.person.party_status, a.person.joined_on), (Stage.CANCELLED, "masses", None))
        self.assertEqual(Membership.objects.get(person=a.person).end_on, D(2022, 8, 1))

    def test_lists_show_what_is_due_this_month_and_the_plan_counts_against_its_quota(self):
        self.start(applied="2021-03-01", talked="")  # the talk was due by 2021-04-01: overdue
        due = self.client.get(reverse("development:list") + "?due=month")
        self.assertContains(due, "林晓")
        self.assertContains(due, "谈话")
        self.assertContains(self.client.get(reverse("core:home")), "发展党员本月到期事项")
        self.login("unit_admin")
        url = reverse("development:plan") + f"?org={self.org_a.pk}&year=2022"
        self.client.post(url, {f"{self.branch_a1.pk}-quota": "2", f"{self.branch_a2.pk}-quota": ""})
        self.assertEqual(Plan.objects.get(org=self.branch_a1, year=2022).quota, 2)
        self.login("secretary")
        self.assertEqual(self.client.post(url, {f"{self.branch_a1.pk}-quota": "9"}).status_code, 403)
        a = Applicant.objects.get()
        self.step("talk", a, talked_on="2021-03-20")
        self.step("activist", a, activist_on="2021-04-15", contact_1=self.person_a1.pk, filed_on="2021-04-20")
        self.step("candidate", a, candidate_on="2022-04-20")
        self.step("admit", a, **self.admission())
        plan = self.client.get(url)
        self.assertContains(plan, "合计")
        self.assertEqual(plan.context["totals"], {"quota": 2, "admitted": 1})

    def test_documents_are_filed_per_step_and_the_register_exports(self):
        self.start()
        a = Applicant.objects.get()
        upload = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 application", content_type="application/pdf")
        self.client.post(reverse("development:document-upload", args=[a.pk]), {"title": "入党申请书", "file": upload})
        document = a.documents.get()
        self.assertEqual((document.title, document.stage), ("入党申请书", "applicant"))
        download = self.client.get(reverse("development:document", args=[a.pk, document.pk]))
        self.assertEqual(b"".join(download.streaming_content), b"%PDF-1.4 application")
        export = self.client.get(reverse("development:list") + "?export=xlsx")
        self.assertEqual(export.status_code, 200)
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("development:detail", args=[a.pk])).status_code, 404)

    def probationary(self) -> Applicant:
        self.start()
        a = Applicant.objects.get()
        self.step("activist", a, activist_on="2021-04-15", contact_1=self.person_a1.pk, filed_on="2021-04-20")
        self.step("candidate", a, candidate_on="2022-04-20")
        self.step("admit", a, **self.admission())
        a.refresh_from_db()
        self.assertEqual(a.stage, Stage.PROBATIONARY)
        return a
