import datetime

import time_machine
from django.urls import reverse

from activities.models import LinkHeading
from pairings.models import ListStatus, Need, Pairing, PairingCategory, Project, Resource
from pairings.services import propose

from .test_pairings import TODAY, ActivityTestCase


@time_machine.travel(TODAY, tick=False)
class ThreeListsTest(ActivityTestCase):
    def setUp(self):
        self.pairing = propose(
            self.superuser,
            Pairing(title="公立+民营共建", category=PairingCategory.objects.get(name="公立+民营"), lead_org=self.org_a,
                    starts_on=datetime.date(2024, 5, 1)),
            [self.org_b],
        )  # fmt: skip
        self.heading = LinkHeading.objects.get(name="优势资源联享")
        self.lead = self.pairing.members.get(org=self.org_a)
        self.partner = self.pairing.members.get(org=self.org_b)

    def add(self, username, kind, member, title, **extra):
        self.login(username)
        data = {"member": member.pk, "heading": self.heading.pk, "title": title, "detail": "", "status": "open",
                "capacity": ""}  # fmt: skip
        data.update(extra)
        return self.client.post(reverse(f"pairings:{kind}-create", args=[self.pairing.pk]), data)

    def test_each_side_lists_for_itself_and_the_platform_suggests_matches(self):
        self.add("outsider", "need", self.partner, "精神心理专科技术支持")
        self.add("outsider", "need", self.partner, "医院信息化建设指导")
        self.add("unit_admin", "resource", self.lead, "精神心理科专家坐诊", capacity="每月2次")
        self.add("unit_admin", "resource", self.lead, "护理人员进修培训")
        # a side cannot enter an item for the other side
        response = self.add("unit_admin", "need", self.partner, "代对方提出的需求")
        self.assertContains(response, "选择一个有效的选项")
        self.assertFalse(Need.objects.filter(title="代对方提出的需求").exists())
        page = self.client.get(reverse("pairings:detail", args=[self.pairing.pk]))
        self.assertContains(page, "精神心理科专家坐诊")
        self.assertContains(page, "无人对接")  # 信息化 has no matching resource
        need = Need.objects.get(title="精神心理专科技术支持")
        resource = Resource.objects.get(title="精神心理科专家坐诊")
        from pairings.matching import suggestions

        ranked = dict(suggestions(list(Need.objects.all()), list(Resource.objects.all())))[need]
        self.assertEqual(ranked[0][0], resource)
        self.login("unit_admin")
        data = {"need": need.pk, "resource": resource.pk, "title": "专家坐诊项目", "owners": "何婉婷",
                "starts_on": "2024-06-01", "due_on": "2024-12-31", "progress": "0", "status": "underway"}  # fmt: skip
        self.client.post(reverse("pairings:project-create", args=[self.pairing.pk]), data)
        self.assertEqual(Project.objects.get().need, need)
        need.refresh_from_db()
        self.assertEqual(need.status, ListStatus.SERVED)

    def test_a_project_needs_a_resource_from_another_side(self):
        self.add("outsider", "need", self.partner, "培训需求")
        self.add("outsider", "resource", self.partner, "本院的培训资源")
        self.login("unit_admin")
        data = {"need": Need.objects.get().pk, "resource": Resource.objects.get().pk, "title": "自给自足",
                "owners": "", "starts_on": "", "due_on": "", "progress": "0", "status": "planned"}  # fmt: skip
        response = self.client.post(reverse("pairings:project-create", args=[self.pairing.pk]), data)
        self.assertContains(response, "资源应由需求方以外的共建单位提供")
        self.assertFalse(Project.objects.exists())

    def test_partner_contacts_cannot_enter_lists(self):
        self.login("partner")
        self.assertEqual(self.client.get(reverse("pairings:need-create", args=[self.pairing.pk])).status_code, 404)
