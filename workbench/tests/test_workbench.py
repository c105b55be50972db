"""The 工作台 of each role: the panels its grants call for, counts that come from the records, and every count's
link opening for that user (never a 403)."""

import datetime
import re

import time_machine
from django.urls import reverse
from django.utils import timezone

from activities import services as activity_services
from activities.models import Activity, ActivityKind, Attendance, LinkHeading
from activities.tests.base import ActivityTestCase
from orgs.models import OrgWarning, WarningCode
from pairings.models import Pairing, PairingCategory, PairingMember

NOW = datetime.datetime(2024, 7, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def figures(response) -> dict[str, tuple[str, str]]:
    html = response.content.decode()
    found = re.findall(r'<a class="stat figure[^"]*" href="([^"]+)"><div class="stat-value">([^<]+)</div>'
                       r'<div class="stat-label">([^<]+)</div>', html)  # fmt: skip
    return {label: (value, href.replace("&amp;", "&")) for href, value, label in found}


def panel_titles(response) -> list[str]:
    return re.findall(r'<section class="card panel" aria-label="([^"]+)"', response.content.decode())


@time_machine.travel(NOW, tick=False)
class WorkbenchTest(ActivityTestCase):
    def assert_links_open(self, shown):
        for label, (_, href) in shown.items():
            self.assertEqual(self.client.get(href).status_code, 200, f"{label}: {href}")

    def test_each_role_gets_its_panels_and_every_count_opens(self):
        expected = {
            "sector_admin": ["行业党委"],
            "unit_admin": ["中共甲市博爱医院委员会", "支部工作"],
            "secretary": ["支部工作"],
            "member": ["我的组织生活"],
            "partner": ["联学共建"],
        }
        for username, titles in expected.items():
            self.login(username)
            response = self.client.get(reverse("core:home"))
            self.assertEqual(panel_titles(response), titles, username)
            self.assert_links_open(figures(response))

    def test_sector_counts_come_from_the_records(self):
        OrgWarning.objects.create(org=self.org_a, org_path=self.org_a.path, code=WarningCode.UNIT_WITHOUT_ORG,
                                  institution=self.hospital_a, message="应建未建")  # fmt: skip
        OrgWarning.objects.create(
            org=self.org_b, org_path=self.org_b.path, code=WarningCode.TERM_EXPIRED, message="届满"
        )
        self.login("sector_admin")
        shown = figures(self.client.get(reverse("core:home")))
        self.assertEqual(shown["应建未建单位"][0], "1")
        self.assertEqual(shown["任期届满未换届"][0], "1")
        self.assertGreaterEqual(int(shown["规则提示"][0]), 2)
        listed = self.client.get(shown["应建未建单位"][1])
        self.assertContains(listed, "应建未建")
        self.login("unit_admin")  # another hospital's warning is not in the unit admin's scope
        self.assertNotIn("应建未建单位", figures(self.client.get(reverse("core:home"))))

    def test_unit_admin_sees_members_without_a_login_and_the_list_shows_them(self):
        self.login("unit_admin")
        shown = figures(self.client.get(reverse("core:home")))
        value, href = shown["党员未开通账号"]
        # the cast's members in 甲院: 雷继敏 has no login, 李永川 is the member login
        self.assertEqual(value, "1")
        listed = self.client.get(href)
        self.assertContains(listed, "雷继敏")
        self.assertNotContains(listed, "李永川")

    def test_secretary_sees_todays_meeting_with_its_check_in_code(self):
        activity = Activity(title="七月主题党日", kind=ActivityKind.objects.get(code="party_day"), lead_org=self.branch_a1,
                            starts_at=NOW + datetime.timedelta(hours=5))  # fmt: skip
        activity.save()
        activity_services.set_organisers(activity, [self.branch_a1])
        activity_services.sync_roll(activity)
        self.login("secretary")
        response = self.client.get(reverse("core:home"))
        self.assertContains(response, "七月主题党日")
        self.assertContains(response, reverse("activities:qr", args=[activity.pk]))
        self.assertEqual(self.client.get(reverse("activities:qr", args=[activity.pk])).status_code, 200)
        self.login("member")  # the member on the roll sees it as their next meeting, then that they checked in
        before = self.client.get(reverse("core:home"))
        self.assertContains(before, "07-01 14:00 主题党日：七月主题党日")
        self.assertContains(before, "到会后扫会场二维码签到")
        self.assertNotContains(before, "已签到")
        Attendance.objects.filter(activity=activity, person__user__username="member").update(checked_in_at=NOW)
        self.assertContains(self.client.get(reverse("core:home")), "已签到")

    def test_partner_sees_the_pairings_it_takes_part_in_and_commitments_due(self):
        pairing = Pairing.objects.create(title="院地共建", category=PairingCategory.objects.get(name="院地共建"),
                                         lead_org=self.org_a, starts_on=datetime.date(2024, 1, 1), status="active")  # fmt: skip
        for org, lead in ((self.org_a, True), (self.partner_org, False)):
            PairingMember.objects.create(pairing=pairing, org=org, org_path=org.path, is_lead=lead,
                                         joined_on=pairing.starts_on, accepted_at=timezone.now())  # fmt: skip
        pairing.commitments.create(
            heading=LinkHeading.objects.order_by("id").first(), content="义诊两次", due_on=datetime.date(2024, 7, 15)
        )
        self.login("partner")
        shown = figures(self.client.get(reverse("core:home")))
        self.assertEqual(shown["参与的共建关系"][0], "1")
        self.assertEqual(shown["30天内到期的承诺"][0], "1")
        self.assert_links_open(shown)

    def test_every_page_has_a_breadcrumb_and_help_and_the_guide_prints_per_role(self):
        self.login("secretary")
        page = self.client.get(reverse("activities:list"))
        self.assertContains(page, '<nav class="breadcrumb"')
        self.assertContains(page, "组织生活</span>")
        self.assertContains(page, "使用说明")
        guide = self.client.get(reverse("core:guide") + "?role=10")
        self.assertContains(guide, "我的活动")
        self.assertNotContains(guide, "账号与角色")  # a member's guide has no admin pages
        admin_guide = self.client.get(reverse("core:guide") + "?role=30")
        self.assertContains(admin_guide, "账号与角色")
