import datetime

from django.urls import reverse
from django.utils import timezone

from core.testing import CastTestCase, make_person
from orgs import services
from orgs.models import Institution, OrgKind, OrgWarning, PartyOrg, RuleSetting, WarningCode
from people.models import Person, Position


def codes(org):
    return set(OrgWarning.objects.filter(org=org, institution__isnull=True).values_list("code", flat=True))


class RuleWarningsTest(CastTestCase):
    def test_a_branch_with_fewer_than_three_formal_members_is_flagged(self):
        self.assertIn(WarningCode.FEW_FORMAL_MEMBERS, codes(self.branch_a1))  # 2 formal members
        make_person("第三人", self.branch_a1)
        make_person("预备甲", self.branch_a1, status="probationary")
        services.refresh_orgs([self.branch_a1.pk])
        self.assertNotIn(WarningCode.FEW_FORMAL_MEMBERS, codes(self.branch_a1))

    def test_probationary_members_do_not_count(self):
        for i in range(3):
            make_person(f"预备{i}", self.branch_a2, status="probationary")
        services.refresh_orgs([self.branch_a2.pk])
        self.assertIn(WarningCode.FEW_FORMAL_MEMBERS, codes(self.branch_a2))

    def test_seven_formal_members_need_a_committee(self):
        people = [make_person(f"党员{i}", self.branch_a2) for i in range(7)]
        Position.objects.create(person=people[0], kind="party", title="书记", org=self.branch_a2)
        services.refresh_orgs([self.branch_a2.pk])
        self.assertIn(WarningCode.NO_COMMITTEE, codes(self.branch_a2))
        for person, title in zip(people[1:3], ["组织委员", "宣传委员"]):
            Position.objects.create(person=person, kind="party", title=title, org=self.branch_a2)
        services.refresh_orgs([self.branch_a2.pk])
        self.assertNotIn(WarningCode.NO_COMMITTEE, codes(self.branch_a2))
        self.assertNotIn(WarningCode.NO_SECRETARY, codes(self.branch_a2))

    def test_a_branch_that_holds_committee_meetings_is_not_told_it_has_no_committee(self):
        from activities.models import ActivityKind

        people = [make_person(f"党员{i}", self.branch_a1) for i in range(7)]
        services.refresh_orgs([self.branch_a1.pk])
        self.assertIn(WarningCode.NO_COMMITTEE, codes(self.branch_a1))
        self.login("secretary")  # holds the monthly 支委会 and records it
        kind = ActivityKind.objects.get(code="branch_committee")
        start = timezone.localtime() - datetime.timedelta(days=3)
        response = self.client.post(reverse("activities:create"), {
            "kind": kind.pk, "title": "十一月支委会", "lead_org": self.branch_a1.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "speakers-TOTAL_FORMS": 0, "speakers-INITIAL_FORMS": 0,
            "guests-TOTAL_FORMS": 0, "guests-INITIAL_FORMS": 0, "outcomes-TOTAL_FORMS": 0, "outcomes-INITIAL_FORMS": 0,
        })  # fmt: skip
        self.assertEqual(response.status_code, 302)
        found = codes(self.branch_a1)
        self.assertNotIn(WarningCode.NO_COMMITTEE, found)
        self.assertIn(WarningCode.COMMITTEE_NOT_RECORDED, found)  # the posts are what is missing
        for person, title in zip(people[:2], ["组织委员", "宣传委员"]):
            Position.objects.create(person=person, kind="party", title=title, org=self.branch_a1)
        services.refresh_orgs([self.branch_a1.pk])
        self.assertFalse({WarningCode.NO_COMMITTEE, WarningCode.COMMITTEE_NOT_RECORDED} & codes(self.branch_a1))

    def test_a_probation_that_ended_long_ago_is_flagged_with_the_person(self):
        today = timezone.localdate()
        late = make_person("预备久", self.branch_a2, status="probationary", joined_on=datetime.date(2017, 3, 1))
        make_person("预备新", self.branch_a2, status="probationary", joined_on=today - datetime.timedelta(days=100))
        make_person("预备延", self.branch_a2, status="probationary", probation_extended=True,
                    joined_on=today - datetime.timedelta(days=550))  # fmt: skip
        services.refresh_orgs([self.branch_a2.pk])
        rows = OrgWarning.objects.filter(code=WarningCode.PROBATION_OVERDUE)
        self.assertEqual(list(rows.values_list("person__name", flat=True)), ["预备久"])
        self.assertIn("预备期已于2018-03-01届满", rows.get().message)
        self.login("unit_admin")
        page = self.client.get(reverse("orgs:warnings"), {"code": WarningCode.PROBATION_OVERDUE}).content.decode()
        self.assertIn("预备党员预备久的预备期已于2018-03-01届满", page)
        self.assertIn(reverse("people:detail", args=[late.pk]), page)
        late.party_status, late.confirmed_on = "formal", datetime.date(2018, 3, 1)
        late.save()
        services.refresh_orgs([self.branch_a2.pk])
        self.assertFalse(OrgWarning.objects.filter(code=WarningCode.PROBATION_OVERDUE).exists())

    def test_a_joint_branch_over_five_units_is_flagged(self):
        units = [
            Institution.objects.create(
                name=f"诊所{i}", kind="clinic", ownership="private", region_code="440111", managing_org=self.sector
            )
            for i in range(6)
        ]
        joint = PartyOrg.objects.create(
            name="联合党支部", kind=OrgKind.JOINT_BRANCH, parent=self.sector, institution=units[0]
        )
        joint.joint_institutions.set(units[1:])
        services.refresh_orgs([joint.pk])
        self.assertIn(WarningCode.JOINT_TOO_MANY_UNITS, codes(joint))

    def test_thresholds_are_editable_data(self):
        RuleSetting.objects.create(key="min_formal_members", value=2)
        services.refresh_orgs([self.branch_a1.pk])
        self.assertNotIn(WarningCode.FEW_FORMAL_MEMBERS, codes(self.branch_a1))

    def test_fifty_members_suggest_a_general_branch_unless_approved(self):
        RuleSetting.objects.create(key="general_branch_threshold", value=3)
        make_person("第三人", self.branch_a1)
        services.refresh_orgs([self.branch_a1.pk])
        self.assertIn(WarningCode.SHOULD_BE_GENERAL_BRANCH, codes(self.branch_a1))
        self.branch_a1.size_approved = True
        self.branch_a1.save()
        services.refresh_orgs([self.branch_a1.pk])
        self.assertNotIn(WarningCode.SHOULD_BE_GENERAL_BRANCH, codes(self.branch_a1))

    def test_terms_ending_and_expired(self):
        today = datetime.date(2026, 11, 22)
        self.branch_a1.term_started_on = datetime.date(2024, 2, 1)  # 3-year term ends 2027-02-01
        self.branch_a1.save()
        services.refresh_orgs([self.branch_a1.pk], today=today)
        self.assertIn(WarningCode.TERM_ENDING, codes(self.branch_a1))
        self.org_a.term_started_on = datetime.date(2021, 1, 1)  # 5-year term ended 2026-01-01
        self.org_a.save()
        services.refresh_orgs([self.org_a.pk], today=today)
        self.assertIn(WarningCode.TERM_EXPIRED, codes(self.org_a))

    def test_a_unit_with_three_formal_members_and_no_organisation(self):
        clinic = Institution.objects.create(
            name="民营诊所甲", kind="clinic", ownership="private", region_code="440111", managing_org=self.sector
        )
        for i in range(3):
            make_person(f"职工{i}", self.sector, institution=clinic)
        services.refresh_institutions([clinic.pk])
        warning = OrgWarning.objects.get(institution=clinic)
        self.assertEqual((warning.code, warning.org), (WarningCode.UNIT_WITHOUT_ORG, self.sector))
        PartyOrg.objects.create(name="民营诊所甲党支部", kind=OrgKind.BRANCH, parent=self.sector, institution=clinic)
        services.refresh_institutions([clinic.pk])
        self.assertFalse(OrgWarning.objects.filter(institution=clinic).exists())

    def test_the_warnings_list_counts_and_drills_down_within_scope(self):
        self.login("unit_admin")
        response = self.client.get(reverse("orgs:warnings"), {"org": self.org_a.pk})
        summary = {code: n for code, _, n in response.context["summary"]}
        self.assertEqual(summary[WarningCode.FEW_FORMAL_MEMBERS], 2)  # A1 and A2
        drill = self.client.get(
            reverse("orgs:warnings"), {"org": self.org_a.pk, "code": WarningCode.FEW_FORMAL_MEMBERS}
        )
        self.assertEqual({w["org_id"] for w in drill.context["page"].rows}, {self.branch_a1.pk, self.branch_a2.pk})
        self.login("outsider")
        rows = self.client.get(reverse("orgs:warnings")).context["page"].rows
        self.assertTrue(rows)
        self.assertTrue(all(w["org_path"].startswith(self.org_b.path) for w in rows))


class TreeTest(CastTestCase):
    def test_paths_nest_and_counts_roll_up(self):
        self.assertTrue(self.branch_a1.path.startswith(self.org_a.path))
        self.assertEqual(self.branch_a1.depth, 3)
        self.sector.refresh_from_db()
        self.assertEqual(self.sector.subtree_member_count, 3)

    def test_an_organisation_cannot_become_its_own_descendant(self):
        self.login("sector_admin")
        data = {"name": self.org_a.name, "kind": "committee", "parent": self.branch_a1.pk}
        response = self.client.post(reverse("orgs:edit", args=[self.org_a.pk]), data)
        self.assertContains(response, "选择一个有效的选项")
        self.org_a.refresh_from_db()
        self.assertEqual(self.org_a.parent, self.sector)

    def test_moving_a_subtree_rewrites_every_path(self):
        self.login("sector_admin")
        data = {"name": self.branch_a1.name, "kind": "branch", "parent": self.org_b.pk}
        response = self.client.post(reverse("orgs:edit", args=[self.branch_a1.pk]), data)
        self.assertRedirects(response, reverse("orgs:detail", args=[self.branch_a1.pk]))
        self.branch_a1.refresh_from_db()
        self.group_a11.refresh_from_db()
        self.assertTrue(self.branch_a1.path.startswith(self.org_b.path))
        self.assertTrue(self.group_a11.path.startswith(self.branch_a1.path))
        person = Person.objects.get(pk=self.person_a1.pk)
        self.assertEqual(person.org_path, self.branch_a1.path)
        self.assertEqual(self.users["secretary"].grants.get().org_path, self.branch_a1.path)
        self.org_b.refresh_from_db()
        self.assertEqual(self.org_b.subtree_member_count, 3)

    def test_a_unit_admin_cannot_move_a_branch_out_of_scope(self):
        self.login("unit_admin")
        data = {"name": self.branch_a1.name, "kind": "branch", "parent": self.org_b.pk}
        response = self.client.post(reverse("orgs:edit", args=[self.branch_a1.pk]), data)
        self.assertContains(response, "选择一个有效的选项")

    def test_create_and_deactivate(self):
        self.login("unit_admin")
        response = self.client.post(
            reverse("orgs:create"), {"name": "第三党支部", "kind": "branch", "parent": self.org_a.pk}
        )
        branch = PartyOrg.objects.get(name="第三党支部")
        self.assertRedirects(response, reverse("orgs:detail", args=[branch.pk]))
        self.assertIn(WarningCode.FEW_FORMAL_MEMBERS, codes(branch))
        response = self.client.post(
            reverse("orgs:deactivate", args=[self.branch_a1.pk]), {"deactivated_on": "2024-01-01", "reason": "合并"}
        )
        self.assertContains(response, "请先撤销或调整下级组织")
        response = self.client.post(
            reverse("orgs:deactivate", args=[branch.pk]), {"deactivated_on": "2024-01-01", "reason": "合并"}
        )
        branch.refresh_from_db()
        self.assertFalse(branch.is_active)

    def test_subtree_queries_use_the_index(self):
        from django.db import connection

        if connection.vendor == "postgresql":  # tiny test tables: make the planner show the index it can use
            with connection.cursor() as cursor:
                cursor.execute("SET enable_seqscan = off")
        plan = PartyOrg.objects.subtree_of(self.org_a).explain()
        self.assertRegex(plan.upper(), r"INDEX|INDEX SCAN|INDEX ONLY SCAN|BITMAP")
        plan = (
            Person.objects.filter(org_path__gte=self.org_a.path, org_path__lt=self.org_a.path + "~")
            .order_by("org_path", "id")[:50]
            .explain()
        )
        self.assertIn("PERSON_SCOPE", plan.upper())

    def test_the_org_page_shows_committee_members_children_and_history(self):
        self.login("unit_admin")
        response = self.client.get(reverse("orgs:detail", args=[self.org_a.pk]))
        self.assertContains(response, "博爱医院第一党支部")
        branch = self.client.get(reverse("orgs:detail", args=[self.branch_a1.pk]))
        self.assertContains(branch, "书记")
        self.assertContains(branch, "雷继敏")
        self.assertContains(branch, "正式党员不足3人")
        self.assertContains(self.history_of(branch), "新建")


class SubtreeSizeRuleTest(CastTestCase):
    def test_committee_size_counts_the_members_of_its_branches(self):
        self.assertIn(WarningCode.BELOW_SIZE, codes(self.org_a))  # 2 members in its branches, threshold 100
        RuleSetting.objects.create(key="committee_threshold", value=3)
        make_person("第三人", self.branch_a2)
        services.refresh_orgs([self.branch_a2.pk])  # the committee is refreshed as an ancestor
        self.assertNotIn(WarningCode.BELOW_SIZE, codes(self.org_a))
        self.org_a.refresh_from_db()
        self.assertEqual((self.org_a.formal_count, self.org_a.subtree_member_count), (0, 3))

    def test_members_of_a_party_group_count_for_its_branch(self):
        make_person("小组成员", self.group_a11)
        services.refresh_orgs([self.group_a11.pk])
        self.assertNotIn(WarningCode.FEW_FORMAL_MEMBERS, codes(self.branch_a1))  # 2 in the branch + 1 in its group


class OrgPageFreshnessTest(CastTestCase):
    def test_the_cached_tables_follow_every_change(self):
        self.login("unit_admin")
        url = reverse("orgs:detail", args=[self.branch_a1.pk])
        self.assertNotContains(self.client.get(url), "新来的")
        self.client.post(
            reverse("people:create"),
            {
                "name": "新来的",
                "party_status": "formal",
                "joined_on": "2015-06-01",
                "confirmed_on": "2016-06-01",
                "home_org": self.branch_a1.pk,
            },
        )
        self.assertContains(self.client.get(url), "新来的")
        person = Person.objects.get(name="新来的")
        self.client.post(
            reverse("transfers:create") + f"?person={person.pk}",
            {"kind": "internal", "to_org": self.branch_a2.pk, "transfer_on": "2024-01-15", "reason": "org"},
        )
        self.assertNotContains(self.client.get(url), "新来的")
        self.client.post(
            reverse("people:position-create", args=[self.member_person.pk]),
            {"kind": "party", "title": "组织委员", "org": self.branch_a1.pk, "start_on": "2024-01-01"},
        )
        self.assertContains(self.client.get(url), "组织委员")

    def test_a_renamed_ancestor_shows_in_the_cached_breadcrumb(self):
        self.login("unit_admin")
        url = reverse("orgs:detail", args=[self.branch_a1.pk])
        self.assertContains(self.client.get(url), "中共甲市博爱医院委员会 ›")
        with self.captureOnCommitCallbacks(execute=True):
            self.org_a.name = "中共甲市博爱医院新委员会"
            self.org_a.save()
        page = self.client.get(url)
        self.assertContains(page, "中共甲市博爱医院新委员会 ›")
        self.assertContains(page, "<dd>中共甲市博爱医院新委员会</dd>", html=False)  # the parent, from the breadcrumb

    def test_a_unit_without_organisation_warns_on_the_cached_page_of_its_managing_organisation(self):
        self.login("unit_admin")
        clinic = Institution.objects.create(
            name="甲市某诊所", kind="clinic", region_code="442000", managing_org=self.org_a
        )
        url = reverse("orgs:detail", args=[self.org_a.pk])
        self.assertNotContains(self.client.get(url), "甲市某诊所")
        for name in ("甲", "乙", "丙"):
            make_person(f"诊所党员{name}", self.branch_a2, institution=clinic)
        services.refresh_institutions([clinic.pk])
        self.assertContains(self.client.get(url), "甲市某诊所")
        Person.objects.filter(institution=clinic).update(is_active=False)
        services.refresh_institutions([clinic.pk])
        self.assertNotContains(self.client.get(url), "甲市某诊所")
