import datetime
import re

import time_machine
from django.urls import reverse
from django.utils import timezone

from activities.checkin import make_token
from activities.models import Attendance, AttendanceStatus
from core.testing import make_person

from .base import ActivityTestCase

NOW = datetime.datetime(2024, 5, 22, 14, 40, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@time_machine.travel(NOW, tick=False)
class CheckInTest(ActivityTestCase):
    def setUp(self):
        self.activity = self.record(self.branch_a1, when=NOW - datetime.timedelta(minutes=10), code="party_day")
        self.url = reverse("activities:checkin")

    def token_from_screen(self) -> str:
        self.login("secretary")
        screen = self.client.get(reverse("activities:qr", args=[self.activity.pk]))
        self.assertContains(screen, "<svg")
        return re.search(r"t=([\w:.\-]+)", screen.content.decode()).group(1)

    def row(self) -> Attendance:
        return Attendance.objects.get(activity=self.activity, person=self.member_person)

    def test_a_member_checks_in_with_the_code_on_the_screen(self):
        token = self.token_from_screen()
        self.login("member")
        confirm = self.client.get(self.url, {"t": token})
        self.assertContains(confirm, "确认签到")
        self.assertEqual(self.row().status, AttendanceStatus.PENDING)  # a GET writes nothing
        done = self.client.post(self.url, {"t": token})
        self.assertContains(done, "签到成功")
        row = self.row()
        self.assertEqual((row.status, row.method), (AttendanceStatus.PRESENT, "qr"))
        self.assertEqual(row.checked_in_at, timezone.now())
        self.activity.refresh_from_db()
        self.assertEqual((self.activity.expected_count, self.activity.present_count), (2, 1))

    def test_a_replayed_code_changes_nothing(self):
        token = make_token(self.activity.pk)
        self.login("member")
        self.client.post(self.url, {"t": token})
        first = self.row().checked_in_at
        with time_machine.travel(NOW + datetime.timedelta(seconds=30), tick=False):
            again = self.client.post(self.url, {"t": token})
        self.assertContains(again, "无需重复签到")
        self.assertEqual(self.row().checked_in_at, first)

    def test_an_expired_code_is_refused(self):
        token = make_token(self.activity.pk)
        self.login("member")
        with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
            response = self.client.post(self.url, {"t": token})
        self.assertContains(response, "签到码已过期", status_code=400)
        self.assertEqual(self.row().status, AttendanceStatus.PENDING)

    def test_a_forged_code_is_refused(self):
        token = make_token(self.activity.pk)
        forged = token.replace(f"{self.activity.pk}.0", f"{self.activity.pk + 1}.0", 1)
        self.login("member")
        for bad in (forged, token[:-3] + "abc", "", "garbage"):
            with self.subTest(token=bad):
                self.assertContains(self.client.post(self.url, {"t": bad}), "签到码无效", status_code=400)
        self.assertEqual(self.row().status, AttendanceStatus.PENDING)

    def test_another_members_personal_code_is_refused(self):
        token = make_token(self.activity.pk, person_id=self.person_a1.pk)
        self.login("member")
        self.assertContains(self.client.post(self.url, {"t": token}), "其他党员的个人签到码", status_code=400)

    def test_a_member_of_another_scope_is_refused(self):
        stranger = make_person("王五", self.org_b, institution=self.hospital_b)
        stranger.user = self.users["outsider"]
        stranger.save()
        self.login("outsider")
        response = self.client.post(self.url, {"t": make_token(self.activity.pk)})
        self.assertContains(response, "不在本次活动的参加范围内", status_code=400)
        self.assertFalse(Attendance.objects.filter(person=stranger).exists())

    def test_checkin_closes_hours_after_the_activity(self):
        with time_machine.travel(NOW + datetime.timedelta(hours=5), tick=False):
            self.login("member")  # signed in just now: a session idle for 5 hours would have ended
            response = self.client.post(self.url, {"t": make_token(self.activity.pk)})
        self.assertContains(response, "签到已结束", status_code=400)

    def test_anonymous_users_log_in_first(self):
        response = self.client.get(self.url, {"t": make_token(self.activity.pk)})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
