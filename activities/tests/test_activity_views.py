from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import RoleGrant
from activities.models import Activity, Attendance, AttendanceStatus, Speaker
from core.testing import make_person, sign_in
from people.models import Position

from .base import ActivityTestCase


class ActivityFormTest(ActivityTestCase):
    def test_it_records_an_activity_with_roll_and_speakers_posts_at_the_date(self):
        self.login("secretary")
        data = self.form_data(
            self.branch_a1,
            host_name="雷继敏",
            **{
                "speakers-TOTAL_FORMS": "2",
                "speakers-0-name": "雷继敏",
                "speakers-0-role": "host",
                "speakers-1-name": "外单位专家",
                "speakers-1-role": "lecture",
                "speakers-1-post": "某大学教授",
                "speakers-1-topic": "党史学习",
            },
        )
        response = self.client.post(reverse("activities:create"), data)
        activity = Activity.objects.get(title="第二季度支部党员大会")
        self.assertRedirects(response, reverse("activities:detail", args=[activity.pk]))
        self.assertEqual(activity.host, self.person_a1)
        roll = set(activity.attendance.filter(expected=True).values_list("person_id", flat=True))
        self.assertEqual(roll, {self.person_a1.pk, self.member_person.pk})
        host = Speaker.objects.get(activity=activity, role="host")
        self.assertEqual(host.person, self.person_a1)
        self.assertEqual(host.post, "博爱医院第一党支部书记")
        self.assertEqual(Speaker.objects.get(activity=activity, role="lecture").post, "某大学教授")
        page = self.client.get(reverse("activities:detail", args=[activity.pk]))
        self.assertContains(page, "博爱医院第一党支部书记")

    def test_the_post_is_the_one_held_on_the_day(self):
        Position.objects.filter(person=self.person_a1).update(start_on="2020-01-01", end_on="2022-12-31")
        Position.objects.create(
            person=self.person_a1, kind="party", title="组织委员", org=self.branch_a1, start_on="2023-01-01"
        )
        self.login("secretary")
        data = self.form_data(
            self.branch_a1,
            starts_at="2022-06-01T09:00",
            **{"speakers-TOTAL_FORMS": "1", "speakers-0-name": "雷继敏", "speakers-0-role": "speech"},
        )
        self.client.post(reverse("activities:create"), data)
        self.assertEqual(Speaker.objects.get().post, "博爱医院第一党支部书记")

    def test_it_refuses_an_end_before_the_start_and_writes_nothing(self):
        self.login("secretary")
        data = self.form_data(self.branch_a1, starts_at="2024-05-22T15:00", ends_at="2024-05-22T14:00")
        response = self.client.post(reverse("activities:create"), data)
        self.assertContains(response, "结束时间不能早于开始时间")
        self.assertFalse(Activity.objects.exists())

    def test_it_refuses_an_unknown_host_by_name(self):
        self.login("secretary")
        response = self.client.post(
            reverse("activities:create"), self.form_data(self.branch_a1, host_name="不存在的人")
        )
        self.assertContains(response, "找不到“不存在的人”")
        self.assertFalse(Activity.objects.exists())

    def test_it_refuses_an_organiser_outside_the_users_scope(self):
        self.login("secretary")
        response = self.client.post(reverse("activities:create"), self.form_data(self.org_b))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Activity.objects.exists())
        response = self.client.post(
            reverse("activities:create"), self.form_data(self.branch_a1, co_org_0=self.org_b.pk)
        )
        self.assertFalse(Activity.objects.exists())

    def test_a_joint_activity_through_the_form(self):
        self.login("unit_admin")
        data = self.form_data(
            self.branch_a1, co_org_0=self.branch_a2.pk, co_org_1=self.branch_a2.pk, co_org_2=self.branch_a1.pk
        )
        self.client.post(reverse("activities:create"), data)
        activity = Activity.objects.get()
        organisers = dict(activity.organisers.values_list("org_id", "is_lead"))
        self.assertEqual(organisers, {self.branch_a1.pk: True, self.branch_a2.pk: False})
        edit = self.client.get(reverse("activities:edit", args=[activity.pk]))
        self.assertContains(edit, f'name="co_org_0" value="{self.branch_a2.pk}"', html=False)
        self.assertContains(edit, "博爱医院第二党支部")
        data = self.form_data(self.branch_a1, co_org_0="")
        self.client.post(reverse("activities:edit", args=[activity.pk]), data)
        self.assertEqual(list(activity.organisers.values_list("org_id", flat=True)), [self.branch_a1.pk])

    def test_minutes_with_markup_are_shown_as_text(self):
        activity = self.record(self.branch_a1, minutes='<script>alert(1)</script><img src=x onerror="alert(2)">')
        self.login("secretary")
        page = self.client.get(reverse("activities:detail", args=[activity.pk]))
        self.assertNotContains(page, "<script>alert(1)")
        self.assertNotContains(page, '<img src=x onerror="alert(2)">')
        self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_a_joint_activity_counts_for_each_organiser(self):
        activity = self.record(self.branch_a1, co_orgs=[self.branch_a2], title="联合主题党日", code="party_day")
        for org in (self.branch_a1, self.branch_a2):
            self.login("unit_admin")
            page = self.client.get(reverse("activities:ledger", args=[org.pk, activity.date.year]))
            self.assertContains(page, "联合主题党日")
        self.login("unit_admin")
        listing = self.client.get(reverse("activities:list") + f"?org={self.branch_a2.pk}")
        self.assertContains(listing, "联合主题党日")


class ActivityAccessTest(ActivityTestCase):
    def test_it_scopes_pages_by_role(self):
        activity = self.record(self.branch_a1)
        urls = [
            reverse("activities:detail", args=[activity.pk]),
            reverse("activities:edit", args=[activity.pk]),
            reverse("activities:attendance", args=[activity.pk]),
            reverse("activities:qr", args=[activity.pk]),
            reverse("activities:signin-sheet", args=[activity.pk]),
            reverse("activities:record", args=[activity.pk]),
        ]
        expected = {
            "sector_admin": [200] * 6,
            "unit_admin": [200] * 6,
            "secretary": [200] * 6,
            "member": [200, 403, 403, 403, 200, 200],  # on the roll: may read the record
            "partner": [404] * 6,
            "outsider": [404] * 6,
        }
        for username, codes in expected.items():
            self.login(username)
            for url, code in zip(urls, codes):
                with self.subTest(user=username, url=url):
                    self.assertEqual(self.client.get(url).status_code, code)

    def test_org_pages_need_a_secretary_in_scope(self):
        urls = [
            reverse("activities:calendar", args=[self.branch_a1.pk]),
            reverse("activities:ledger", args=[self.branch_a1.pk, 2024]),
            reverse("activities:appraisal", args=[self.branch_a1.pk, 2024]),
            reverse("activities:compliance") + f"?org={self.branch_a1.pk}",
        ]
        for username, code in (("secretary", 200), ("unit_admin", 200), ("outsider", 404), ("member", 404)):
            self.login(username)
            for url in urls:
                with self.subTest(user=username, url=url):
                    self.assertEqual(self.client.get(url).status_code, code)

    def test_a_co_organiser_marks_only_their_own_members(self):
        other = make_person("李四", self.branch_a2, institution=self.hospital_a)
        activity = self.record(self.branch_a1, co_orgs=[self.branch_a2])
        secretary2 = get_user_model().objects.create_user("secretary2", password="x-password-1")
        RoleGrant(user=secretary2, org=self.branch_a2, role=20).save()
        sign_in(self.client, secretary2)
        a1_row = Attendance.objects.get(activity=activity, person=self.person_a1)
        a2_row = Attendance.objects.get(activity=activity, person=other)
        response = self.client.post(
            reverse("activities:attendance", args=[activity.pk]),
            {f"status-{a1_row.pk}": "present", f"status-{a2_row.pk}": "present"},
        )
        self.assertContains(response, "不属于您管理的党员")
        a2_row.refresh_from_db()
        self.assertEqual(a2_row.status, AttendanceStatus.PENDING)  # nothing half-written
        response = self.client.post(
            reverse("activities:attendance", args=[activity.pk]), {f"status-{a2_row.pk}": "present"}
        )
        a2_row.refresh_from_db()
        self.assertEqual(a2_row.status, AttendanceStatus.PRESENT)


class AttendanceSheetTest(ActivityTestCase):
    def test_leave_needs_a_reason_and_nothing_is_half_written(self):
        activity = self.record(self.branch_a1)
        rows = {r.person_id: r for r in activity.attendance.all()}
        self.login("secretary")
        url = reverse("activities:attendance", args=[activity.pk])
        response = self.client.post(
            url,
            {f"status-{rows[self.person_a1.pk].pk}": "present", f"status-{rows[self.member_person.pk].pk}": "leave"},
        )
        self.assertContains(response, "请假须填写原因")
        self.assertFalse(Attendance.objects.filter(status="present").exists())
        self.client.post(
            url,
            {
                f"status-{rows[self.person_a1.pk].pk}": "present",
                f"status-{rows[self.member_person.pk].pk}": "leave",
                f"reason-{rows[self.member_person.pk].pk}": "外出学习",
            },
        )
        self.assertEqual(Attendance.objects.get(person=self.member_person).reason, "外出学习")
        self.assertEqual(Attendance.objects.get(person=self.person_a1).method, "secretary")
        activity.refresh_from_db()
        figures = (activity.expected_count, activity.present_count, activity.leave_count, activity.absent_count)
        self.assertEqual(figures, (2, 1, 1, 0))

    def test_the_person_page_shows_attendance_history(self):
        activity = self.record(self.branch_a1, title="七月主题党日", code="party_day")
        Attendance.objects.filter(activity=activity, person=self.member_person).update(status="present")
        self.login("member")
        page = self.client.get(reverse("people:detail", args=[self.member_person.pk]))
        self.assertContains(page, "七月主题党日")
        mine = self.client.get(reverse("activities:mine"))
        self.assertContains(mine, "七月主题党日")
        self.login("secretary")
        history = self.client.get(reverse("activities:person", args=[self.member_person.pk]))
        self.assertContains(history, "七月主题党日")
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("activities:person", args=[self.member_person.pk])).status_code, 404)

    def test_the_roll_follows_memberships_on_the_date(self):
        from transfers.services import move_membership

        activity = self.record(self.branch_a1, when=self.at_past())
        self.assertEqual(activity.attendance.filter(expected=True).count(), 2)
        move_membership(self.member_person, self.branch_a2, activity.date, "调动")  # left on the day: still due that day
        later = self.record(self.branch_a1, title="后来的会")
        self.assertFalse(later.attendance.filter(person=self.member_person).exists())

    def at_past(self):
        from .base import at

        return at(2024, 3, 1)


class ActivityApiTest(ActivityTestCase):
    def test_it_lists_activities_and_attendance_in_scope(self):
        activity = self.record(self.branch_a1, title="API 可见的会")
        self.record(self.org_b, title="乙院的会")
        self.login("unit_admin")
        titles = [a["title"] for a in self.client.get("/api/v1/activities/").json()["results"]]
        self.assertEqual(titles, ["API 可见的会"])
        detail = self.client.get(f"/api/v1/activities/{activity.pk}/").json()
        self.assertEqual((detail["expected_count"], detail["lead_org"]), (2, self.branch_a1.pk))
        rows = self.client.get("/api/v1/attendance/").json()["results"]
        self.assertEqual({r["person"] for r in rows}, {self.person_a1.pk, self.member_person.pk})
        self.login("outsider")
        self.assertEqual(self.client.get(f"/api/v1/activities/{activity.pk}/").status_code, 404)
        self.login("member")
        rows = self.client.get("/api/v1/attendance/").json()["results"]
        self.assertEqual([r["person"] for r in rows], [self.member_person.pk])
