import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleGrant
from activities.models import Activity, ActivityKind, Outcome
from activities.tests.base import ActivityTestCase
from core.access import Role
from core.testing import sign_in
from orgs.models import OrgKind, PartyOrg
from pairings.models import Commitment, Pairing, PairingCategory, PairingMember, Status

TODAY = datetime.datetime(2024, 6, 1, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@time_machine.travel(TODAY, tick=False)
class PairingTest(ActivityTestCase):
    def propose(self, username="unit_admin", partners=(), **overrides):
        self.login(username)
        data = {
            "title": "公立+民营联学共建",
            "category": PairingCategory.objects.get(name="公立+民营").pk,
            "mode": "1+1",
            "lead_org": self.org_a.pk,
            "signed_on": "2024-05-22",
            "plaque_on": "",
            "starts_on": "2024-05-22",
            "ends_on": "",
            "plan": "五联共建",
            "outcomes": "",
        }
        for i, org in enumerate(partners):
            data[f"partner_{i}"] = org.pk
        data.update(overrides)
        return self.client.post(reverse("pairings:create"), data)

    def test_the_cached_page_shows_every_change_at_once(self):
        from alliances.models import Referral

        self.propose(partners=[self.branch_a2], lead_org=self.branch_a1.pk)
        pairing = Pairing.objects.get()
        page = reverse("pairings:detail", args=[pairing.pk])
        self.assertNotContains(self.client.get(page), "送健康进镇")  # the page's parts are cached from here on
        activity = self.joint_activity(pairing)
        self.assertContains(self.client.get(page), "送健康进镇")
        outcome = Outcome.objects.get()
        outcome.value = 150
        outcome.save()
        self.assertContains(self.client.get(page), "150 人")
        Referral.objects.create(
            pairing=pairing, direction="up", from_institution=self.hospital_a, to_institution=self.hospital_b,
            org_path=self.org_a.path, patient_name="张三", reason="复查", applied_at=TODAY,
        )  # fmt: skip
        self.assertEqual(self.client.get(page).context["referrals"], {"up": 1})
        self.branch_a1.name = "博爱医院第一党支部（改名）"
        self.branch_a1.save()
        self.assertContains(self.client.get(page), "第一党支部（改名）")
        other = Pairing.objects.create(
            title="另一共建", category=pairing.category, mode="1+1", lead_org=self.org_a,
            starts_on=datetime.date(2024, 5, 1),
        )  # fmt: skip
        activity.pairing = other
        activity.save()
        self.assertNotContains(self.client.get(page), "送健康进镇")

    def test_a_pairing_with_a_unit_outside_scope_is_pending_until_the_other_side_accepts(self):
        response = self.propose(partners=[self.org_b])
        pairing = Pairing.objects.get()
        self.assertRedirects(response, reverse("pairings:detail", args=[pairing.pk]))
        self.assertEqual(pairing.status, Status.PENDING)
        partner = pairing.members.get(org=self.org_b)
        self.assertIsNone(partner.accepted_at)
        # the proposer cannot accept for the other side
        self.client.post(reverse("pairings:member-accept", args=[pairing.pk, partner.pk]))
        partner.refresh_from_db()
        self.assertIsNone(partner.accepted_at)
        # the other side's admin sees the pairing and accepts
        self.login("outsider")
        page = self.client.get(reverse("pairings:detail", args=[pairing.pk]))
        self.assertContains(page, "确认共建")
        self.client.post(reverse("pairings:member-accept", args=[pairing.pk, partner.pk]))
        pairing.refresh_from_db()
        self.assertEqual(pairing.status, Status.ACTIVE)
        # … but cannot change the lead side's pairing
        self.assertEqual(self.client.get(reverse("pairings:edit", args=[pairing.pk])).status_code, 403)

    def test_a_pairing_within_scope_is_active_at_once(self):
        self.propose(partners=[self.branch_a2], lead_org=self.branch_a1.pk)
        self.assertEqual(Pairing.objects.get().status, Status.ACTIVE)

    def test_it_refuses_a_pairing_with_itself_and_a_duplicate(self):
        response = self.propose(partners=[self.org_a])
        self.assertContains(response, "不能与自身结对共建")
        response = self.propose(partners=[self.branch_a1])
        self.assertContains(response, "上下级关系")
        self.assertFalse(Pairing.objects.exists())
        self.propose(partners=[self.org_b])
        response = self.propose(partners=[self.org_b], title="重复的共建")
        self.assertContains(response, "重复")
        self.assertEqual(Pairing.objects.count(), 1)
        self.assertFalse(PairingMember.objects.filter(pairing__title="重复的共建").exists())

    def test_one_plus_one_takes_one_partner(self):
        response = self.propose(partners=[self.org_b, self.partner_org])
        self.assertContains(response, "“1+1”共建只能有一个共建单位")
        response = self.propose(partners=[self.org_b, self.partner_org], mode="1+N")
        self.assertEqual(Pairing.objects.get().members.count(), 3)

    def test_a_partner_cannot_join_before_the_pairing_starts(self):
        self.propose(partners=[self.org_b], mode="1+N")
        pairing = Pairing.objects.get()
        url = reverse("pairings:member-add", args=[pairing.pk])
        response = self.client.post(url, {"org": self.partner_org.pk, "joined_on": "2024-01-01"})
        self.assertContains(response, "加入日期不能早于共建开始日期 2024-05-22")
        self.assertEqual(pairing.members.count(), 2)
        self.client.post(url, {"org": self.partner_org.pk, "joined_on": "2024-05-30"})
        self.assertEqual(pairing.members.count(), 3)

    def test_partner_contacts_see_their_pairing_and_its_joint_activities_only(self):
        self.propose(partners=[self.partner_org])
        pairing = Pairing.objects.get()
        self.login("partner")
        # the town 党委's contact sees the pending pairing but cannot accept it: only an admin of that side can
        self.assertEqual(self.client.get(reverse("pairings:detail", args=[pairing.pk])).status_code, 200)
        member = pairing.members.get(org=self.partner_org)
        self.client.post(reverse("pairings:member-accept", args=[pairing.pk, member.pk]))
        member.refresh_from_db()
        self.assertIsNone(member.accepted_at)
        admin = self.users["partner"].__class__.objects.create_user("town_admin", password="x-password-1")
        RoleGrant(user=admin, org=self.partner_org, role=Role.UNIT_ADMIN).save()
        sign_in(self.client, admin)
        self.client.post(reverse("pairings:member-accept", args=[pairing.pk, member.pk]))
        pairing.refresh_from_db()
        self.assertEqual(pairing.status, Status.ACTIVE)
        joint = self.joint_activity(pairing)
        other = self.record(self.branch_a1, title="支部自己的会")
        self.login("partner")
        self.assertEqual(self.client.get(reverse("activities:detail", args=[joint.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("activities:detail", args=[other.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("people:detail", args=[self.person_a1.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("orgs:detail", args=[self.org_a.pk])).status_code, 404)
        listing = self.client.get(reverse("pairings:list"))
        self.assertContains(listing, "公立+民营联学共建")
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("pairings:detail", args=[pairing.pk])).status_code, 404)

    def joint_activity(self, pairing) -> Activity:
        self.login("unit_admin")
        data = self.form_data(
            self.branch_a1,
            kind=ActivityKind.objects.get(code="joint_study").pk,
            title="联学共建：送健康进镇",
            pairing=pairing.pk,
            starts_at="2024-05-30T09:00",
            **{"outcomes-TOTAL_FORMS": "1", "outcomes-0-label": "服务群众", "outcomes-0-value": "120",
               "outcomes-0-unit": "人"},
        )  # fmt: skip
        response = self.client.post(reverse("activities:create"), data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        return Activity.objects.get(title="联学共建：送健康进镇")

    def test_a_joint_activity_counts_for_every_side_and_shows_on_the_pairing(self):
        self.propose(partners=[self.branch_a2], lead_org=self.branch_a1.pk)
        pairing = Pairing.objects.get()
        activity = self.joint_activity(pairing)
        organisers = set(activity.organisers.values_list("org_id", flat=True))
        self.assertEqual(organisers, {self.branch_a1.pk, self.branch_a2.pk})
        pairing.refresh_from_db()
        self.assertEqual(pairing.last_joint_on, datetime.date(2024, 5, 30))
        page = self.client.get(reverse("pairings:detail", args=[pairing.pk]))
        self.assertContains(page, "联学共建：送健康进镇")
        self.assertContains(page, "120 人")
        self.assertEqual(Outcome.objects.get().value, 120)

    def test_the_lead_of_a_joint_activity_must_be_a_side_of_the_pairing(self):
        self.propose(partners=[self.branch_a2], lead_org=self.branch_a1.pk)
        pairing = Pairing.objects.get()
        other = PartyOrg.objects.create(name="第三党支部", kind=OrgKind.BRANCH, parent=self.org_a)
        self.login("unit_admin")
        data = self.form_data(other, pairing=pairing.pk, starts_at="2024-05-30T09:00")
        response = self.client.post(reverse("activities:create"), data)
        self.assertContains(response, "不是“公立+民营联学共建”在活动当日的共建成员")
        self.assertFalse(Activity.objects.exists())

    def test_a_pairing_without_joint_activity_for_90_days_is_dormant(self):
        self.propose(partners=[self.branch_a2], lead_org=self.branch_a1.pk, starts_on="2024-01-02")
        pairing = Pairing.objects.get()
        self.login("unit_admin")
        self.assertContains(self.client.get(reverse("pairings:list") + "?dormant=1"), pairing.title)
        self.assertContains(self.client.get(reverse("pairings:detail", args=[pairing.pk])), "90天无联合活动")
        self.joint_activity(pairing)
        self.assertNotContains(self.client.get(reverse("pairings:list") + "?dormant=1"), pairing.title)

    def test_commitments_under_the_five_links(self):
        self.propose(partners=[self.org_b])
        pairing = Pairing.objects.get()
        from activities.models import LinkHeading

        heading = LinkHeading.objects.get(name="优势资源联享")
        owner = pairing.members.get(is_lead=True)
        url = reverse("pairings:commitment-create", args=[pairing.pk])
        data = {"heading": heading.pk, "content": "精神心理专科技术支持", "owner": owner.pk, "target": "",
                "due_on": "2024-12-31", "progress": "150", "status": "underway"}  # fmt: skip
        self.assertContains(self.client.post(url, data), "进度应在0到100之间")
        data["progress"] = "30"
        self.client.post(url, data)
        commitment = Commitment.objects.get()
        self.assertEqual(commitment.progress, 30)
        page = self.client.get(reverse("pairings:detail", args=[pairing.pk]))
        self.assertContains(page, "精神心理专科技术支持")
        self.login("outsider")  # the partner side may see but not change the lead side's commitment
        self.assertEqual(
            self.client.get(reverse("pairings:commitment-edit", args=[pairing.pk, commitment.pk])).status_code, 403
        )
        self.assertEqual(timezone.localdate(), datetime.date(2024, 6, 1))

    def test_all_five_headings_on_one_form(self):
        from activities.models import LinkHeading
        from core.models import AuditEntry

        self.propose(partners=[self.org_b])
        pairing = Pairing.objects.get()
        url = reverse("pairings:commitment-plan", args=[pairing.pk])
        page = self.client.get(url).content.decode()
        headings = list(LinkHeading.objects.filter(is_active=True))
        for heading in headings:
            self.assertIn(heading.name, page)
        owner = pairing.members.get(is_lead=False)
        data = {"plan-TOTAL_FORMS": len(headings), "plan-INITIAL_FORMS": len(headings)}
        for i, heading in enumerate(headings):
            data.update({f"plan-{i}-heading": heading.pk, f"plan-{i}-content": "", f"plan-{i}-owner": "",
                         f"plan-{i}-target": "", f"plan-{i}-due_on": ""})  # fmt: skip
        self.assertContains(self.client.post(url, data), "请至少填写一项承诺内容")
        data.update({"plan-0-content": "每季度联学一次", "plan-1-content": "专科技术支持", "plan-1-owner": owner.pk,
                     "plan-1-due_on": "2024-31-12"})  # fmt: skip
        self.assertContains(self.client.post(url, data), "输入一个有效的日期")
        self.assertFalse(Commitment.objects.exists())  # nothing half-written
        data["plan-1-due_on"] = "2024-12-31"
        self.assertRedirects(self.client.post(url, data), reverse("pairings:detail", args=[pairing.pk]))
        rows = list(Commitment.objects.order_by("sort_order").values_list("heading__name", "content", "owner"))
        self.assertEqual(
            rows, [(headings[0].name, "每季度联学一次", None), (headings[1].name, "专科技术支持", owner.pk)]
        )
        self.assertEqual(AuditEntry.objects.filter(content_type__model="commitment").count(), 2)
        self.login("outsider")
        self.assertEqual(self.client.get(url).status_code, 403)


@time_machine.travel(TODAY, tick=False)
class RenewalTest(ActivityTestCase):
    def test_a_renewal_copies_the_pairing_from_the_day_after_it_ends(self):
        self.login("unit_admin")
        old = Pairing.objects.create(
            title="三年共建", category=PairingCategory.objects.get(name="院校共建"), lead_org=self.org_a,
            starts_on=datetime.date(2021, 6, 1), ends_on=datetime.date(2024, 5, 31),
        )  # fmt: skip
        PairingMember.objects.create(pairing=old, org=self.org_a, org_path=self.org_a.path, is_lead=True,
                                     joined_on=old.starts_on, accepted_at=timezone.now())  # fmt: skip
        PairingMember.objects.create(pairing=old, org=self.org_b, org_path=self.org_b.path,
                                     joined_on=old.starts_on, accepted_at=timezone.now())  # fmt: skip
        form = self.client.get(reverse("pairings:create") + f"?renew={old.pk}")
        self.assertContains(form, 'value="2024-06-01"')
        self.assertContains(form, "中共乙市人民医院委员会")  # the partner, shown in its search box
        data = {"title": "三年共建（续签）", "category": old.category_id, "mode": "1+1", "lead_org": self.org_a.pk,
                "signed_on": "", "plaque_on": "", "starts_on": "2024-06-01", "ends_on": "2027-05-31", "plan": "",
                "outcomes": "", "renewal_of": old.pk, "partner_0": self.org_b.pk}  # fmt: skip
        self.client.post(reverse("pairings:create"), data)
        renewal = Pairing.objects.get(title="三年共建（续签）")
        self.assertEqual(renewal.renewal_of, old)
        self.assertEqual(renewal.status, Status.PENDING)  # hospital B accepts again
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("pairings:create") + f"?renew={old.pk}").status_code, 403)


@time_machine.travel(TODAY, tick=False)
class AgreementTest(ActivityTestCase):
    def test_the_agreement_file_is_checked_and_served_to_the_sides_only(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        pairing = Pairing.objects.create(
            title="有协议的共建", category=PairingCategory.objects.get(name="院校共建"), lead_org=self.org_a,
            starts_on=datetime.date(2024, 1, 1),
        )  # fmt: skip
        for org, lead in ((self.org_a, True), (self.org_b, False)):
            PairingMember.objects.create(pairing=pairing, org=org, org_path=org.path, is_lead=lead,
                                         joined_on=pairing.starts_on, accepted_at=timezone.now())  # fmt: skip
        self.login("unit_admin")
        url = reverse("pairings:edit", args=[pairing.pk])
        data = {"title": pairing.title, "category": pairing.category_id, "mode": "1+1", "signed_on": "",
                "plaque_on": "", "starts_on": "2024-01-01", "ends_on": "", "plan": "", "outcomes": "",
                "renewal_of": ""}  # fmt: skip
        fake = SimpleUploadedFile("协议.pdf", b"MZ\x90\x00 not a pdf")
        self.assertContains(self.client.post(url, {**data, "agreement": fake}), "文件内容与扩展名不符")
        real = SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n%demo\n")
        self.client.post(url, {**data, "agreement": real})
        pairing.refresh_from_db()
        self.assertTrue(pairing.agreement)
        download = self.client.get(reverse("pairings:agreement", args=[pairing.pk]))
        self.assertEqual(b"".join(download.streaming_content)[:4], b"%PDF")
        self.login("outsider")  # the other side
        self.assertEqual(self.client.get(reverse("pairings:agreement", args=[pairing.pk])).status_code, 200)
        self.login("partner")  # not a side
        self.assertEqual(self.client.get(reverse("pairings:agreement", args=[pairing.pk])).status_code, 404)
