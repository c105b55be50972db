import datetime

import time_machine
from django.core.management import call_command
from django.urls import reverse

from activities import compliance
from activities.models import (
    IDLE,
    OVERALL,
    Appraisal,
    BranchCompliance,
    ComplianceRule,
    ComplianceState,
    ComplianceSummary,
)
from core.testing import make_person
from orgs.models import PartyOrg
from people.models import Membership, Position

from .base import TZ, ActivityTestCase, at

TODAY = datetime.datetime(2024, 5, 25, 10, 0, tzinfo=TZ)


def states(org) -> dict[str, str]:
    return {
        (row.rule.kind.code if row.rule else IDLE): row.state
        for row in BranchCompliance.objects.filter(org=org).select_related("rule__kind")
    }


def summaries() -> dict:
    return {
        (s.org_id, s.check_code): (s.green, s.yellow, s.red)
        for s in ComplianceSummary.objects.all()
        if s.green or s.yellow or s.red
    }


class PeriodTest(ActivityTestCase):
    def test_period_bounds(self):
        d = datetime.date(2024, 5, 25)
        self.assertEqual(compliance.period_bounds("month", d), (datetime.date(2024, 5, 1), datetime.date(2024, 5, 31)))
        self.assertEqual(
            compliance.period_bounds("quarter", d), (datetime.date(2024, 4, 1), datetime.date(2024, 6, 30))
        )
        self.assertEqual(
            compliance.period_bounds("quarter", datetime.date(2024, 12, 31)),
            (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31)),
        )
        self.assertEqual(compliance.period_bounds("year", d), (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)))


@time_machine.travel(TODAY, tick=False)
class ComplianceTest(ActivityTestCase):
    def test_a_branch_with_no_activity_is_red_for_idle_and_missed_periods(self):
        compliance.rebuild_all()
        s = states(self.branch_a1)
        self.assertEqual(s[IDLE], ComplianceState.RED)
        self.assertEqual(s["branch_congress"], ComplianceState.RED)  # Q1 had none
        self.assertNotIn("branch_committee", s)  # 2 members: no 支委会 required
        self.assertIn("group_meeting", s)  # branch A1 has a 党小组
        self.assertNotIn("group_meeting", states(self.branch_a2))  # branch A2 has none
        self.assertFalse(PartyOrg.objects.filter(parent=self.branch_a2, kind="group").exists())

    def test_holding_the_meetings_turns_the_checks_green(self):
        self.record(self.branch_a1, when=at(2024, 2, 10), title="一季度大会")
        self.record(self.branch_a1, when=at(2024, 5, 10), title="二季度大会")
        self.record(self.branch_a1, when=at(2024, 4, 20), code="party_day", title="四月党日")
        s = states(self.branch_a1)
        self.assertEqual(s["branch_congress"], ComplianceState.GREEN)
        self.assertEqual(s[IDLE], ComplianceState.GREEN)
        self.assertEqual(s["party_day"], ComplianceState.YELLOW)  # none yet in May, 6 days left
        row = BranchCompliance.objects.get(org=self.branch_a1, rule__kind__code="party_day")
        self.assertIn("05月31日前", row.message)

    def test_a_planned_meeting_is_shown_but_not_counted(self):
        self.record(self.branch_a1, when=at(2024, 4, 20), code="party_day")
        self.record(self.branch_a1, when=at(2024, 5, 28), code="party_day", title="计划中的党日")
        row = BranchCompliance.objects.get(org=self.branch_a1, rule__kind__code="party_day")
        self.assertEqual((row.held, row.planned, row.state), (0, 1, ComplianceState.YELLOW))
        self.assertIn("已安排1次", row.message)

    def test_a_group_meeting_counts_for_its_branch(self):
        self.record(self.group_a11, when=at(2024, 5, 5), code="group_meeting", title="党小组会")
        row = BranchCompliance.objects.get(org=self.branch_a1, rule__kind__code="group_meeting")
        self.assertEqual(row.held, 1)

    def test_the_committee_rule_applies_once_a_committee_is_in_office(self):
        for title, name in (("组织委员", "甲"), ("宣传委员", "乙")):
            person = make_person(name, self.branch_a1)
            Position.objects.create(person=person, kind="party", title=title, org=self.branch_a1)
        compliance.rebuild_all()
        self.assertIn("branch_committee", states(self.branch_a1))

    def test_summaries_follow_each_change_and_equal_a_rebuild(self):
        self.record(self.branch_a1, when=at(2024, 5, 10))
        self.record(self.branch_a2, when=at(2024, 5, 12), code="party_day")
        incremental = summaries()
        compliance.rebuild_all()
        self.assertEqual(incremental, summaries())
        overall = ComplianceSummary.objects.get(org=self.org_a, check_code=OVERALL)
        self.assertEqual(overall.total, 2)  # two branches under hospital A

    def test_the_rule_set_is_data(self):
        rule = ComplianceRule.objects.get(kind__code="party_lecture")
        rule.period = "year"
        rule.save()
        self.record(self.branch_a1, when=at(2024, 1, 10), code="party_lecture")
        self.assertEqual(states(self.branch_a1)["party_lecture"], ComplianceState.GREEN)

    def test_the_daily_command_rebuilds(self):
        call_command("refresh_compliance", verbosity=0)
        self.assertTrue(BranchCompliance.objects.filter(org=self.branch_a2).exists())

    def test_the_overview_drills_down_from_sector_to_branch(self):
        self.record(self.branch_a1, when=at(2024, 5, 10))
        compliance.rebuild_all()
        self.login("sector_admin")
        page = self.client.get(reverse("activities:compliance"))
        self.assertContains(page, self.org_a.name)
        page = self.client.get(reverse("activities:compliance") + f"?org={self.org_a.pk}")
        self.assertContains(page, self.branch_a1.name)
        listing = self.client.get(
            reverse("activities:compliance-list") + f"?org={self.org_a.pk}&check={IDLE}&state=red"
        )
        self.assertContains(listing, self.branch_a2.name)
        self.assertNotContains(listing, self.branch_a1.name)
        branch = self.client.get(reverse("activities:compliance") + f"?org={self.branch_a1.pk}")
        self.assertContains(branch, "已开展1次")
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("activities:compliance") + f"?org={self.org_a.pk}").status_code, 404)

    def test_the_secretarys_todo_warns_before_the_deadline(self):
        self.record(self.branch_a1, when=at(2024, 4, 20), code="party_day")
        self.login("secretary")
        page = self.client.get(reverse("activities:todo"))
        self.assertContains(page, "主题党日须于05月31日前召开")
        self.assertNotContains(page, self.branch_a2.name)  # not the secretary's branch


@time_machine.travel(TODAY, tick=False)
class AppraisalTest(ActivityTestCase):
    def url(self, year=2024):
        return reverse("activities:appraisal", args=[self.branch_a1.pk, year])

    def test_it_saves_grades_and_warns_above_one_third(self):
        self.login("secretary")
        response = self.client.post(
            self.url(),
            {f"grade-{self.person_a1.pk}": "excellent", f"grade-{self.member_person.pk}": "qualified"},
            follow=True,
        )
        self.assertContains(response, "优秀比例超过三分之一")
        self.assertEqual(Appraisal.objects.count(), 2)

    def test_it_refuses_grades_for_people_who_were_not_members_then(self):
        outsider = make_person("赵六", self.branch_a2)
        Membership.objects.filter(person=self.member_person).update(start_on="2024-03-01")
        self.login("secretary")
        response = self.client.post(
            self.url(2023),
            {
                f"grade-{self.person_a1.pk}": "qualified",
                f"grade-{self.member_person.pk}": "qualified",
                f"grade-{outsider.pk}": "excellent",
            },
            follow=True,
        )
        self.assertContains(response, "2023 年不是本组织党员")
        self.assertFalse(Appraisal.objects.exists())  # nothing half-written

    def test_it_refuses_an_unknown_grade(self):
        self.login("secretary")
        response = self.client.post(self.url(), {f"grade-{self.person_a1.pk}": "best"}, follow=True)
        self.assertContains(response, "等次“best”无效")
        self.assertFalse(Appraisal.objects.exists())
