"""Messages are written when something waits for a person and are done when it is dealt with: each flow through
its real views, as the people who do it, checking the header's unread count and the message centre."""

import datetime
import re

import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from activities import services as activity_services
from activities.models import Activity, ActivityKind
from activities.tests.base import ActivityTestCase
from alliances.models import Alliance, Referral
from coverage.models import SurveyRound, SurveyRow
from honours.models import HonourKind, Nomination, NominationBatch
from news.models import Article, Column, Status
from orgs.models import Institution, OrgWarning, WarningCode
from pairings.models import PairingCategory, PairingMember
from people.models import PartyStatus
from workbench import reminders
from workbench.models import Kind, Notice

NOW = datetime.datetime(2024, 7, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def unread_badge(response) -> int:
    match = re.search(r'<span class="unread-count">(\d+)</span>', response.content.decode())
    return int(match.group(1)) if match else 0


@time_machine.travel(NOW, tick=False)
class NoticeFlowTest(ActivityTestCase):
    def open_notices(self, user, kind):
        return Notice.objects.filter(user=user, kind=kind, read_at__isnull=True)

    def test_article_review_and_return_reach_the_right_people_and_end_when_acted_on(self):
        column = Column.objects.create(org=self.org_a, name="党建动态")
        self.login("secretary")
        self.client.post(reverse("news:create"), {"org": self.branch_a1.pk, "column": column.pk, "title": "主题党日",
                                                  "summary": "", "body_html": "<p>正文</p>", "source": "", "author": "",
                                                  "editor": "", "published_at": ""})  # fmt: skip
        article = Article.objects.get()
        self.assertFalse(Notice.objects.exists())  # a draft waits for nobody
        self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.REVIEW})
        admin = self.users["unit_admin"]
        self.assertEqual(self.open_notices(admin, Kind.REVIEW_REQUESTED).count(), 1)
        # only the hospital's own 党办: not the sector, not the other hospital
        self.assertFalse(Notice.objects.exclude(user=admin).exists())

        self.login("unit_admin")
        home = self.client.get(reverse("core:home"))
        self.assertEqual(unread_badge(home), 1)
        self.assertContains(home, "稿件《主题党日》待审核")
        self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.RETURNED, "reason": "补充照片"})
        self.assertEqual(unread_badge(self.client.get(reverse("core:home"))), 0)  # acted on: no longer unread
        secretary = self.users["secretary"]
        returned = self.open_notices(secretary, Kind.ARTICLE_RETURNED).get()
        self.assertIn("补充照片", returned.title)

        self.login("secretary")
        self.assertEqual(unread_badge(self.client.get(reverse("core:home"))), 1)
        self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.REVIEW})  # resubmitted
        self.assertFalse(self.open_notices(secretary, Kind.ARTICLE_RETURNED).exists())
        self.assertEqual(self.open_notices(admin, Kind.REVIEW_REQUESTED).count(), 1)

    def test_a_pairing_waits_for_the_other_sides_admin_until_accepted(self):
        self.login("unit_admin")
        self.client.post(reverse("pairings:create"), {
            "title": "甲乙联学共建", "category": PairingCategory.objects.get(name="公立+民营").pk, "mode": "1+1",
            "lead_org": self.org_a.pk, "signed_on": "2024-05-22", "plaque_on": "", "starts_on": "2024-05-22",
            "ends_on": "", "plan": "五联共建", "outcomes": "", "partner_0": self.org_b.pk,
        })  # fmt: skip
        other = self.users["outsider"]  # the admin of 乙院
        notice = self.open_notices(other, Kind.PAIRING_TO_CONFIRM).get()
        self.assertFalse(self.open_notices(self.users["unit_admin"], Kind.PAIRING_TO_CONFIRM).exists())
        self.login("outsider")
        home = self.client.get(reverse("core:home"))
        self.assertContains(home, "共建关系待确认")
        self.assertEqual(unread_badge(home), 1)
        # the message leads to the pairing, where the admin accepts
        response = self.client.get(reverse("workbench:notice-open", args=[notice.pk]))
        member = PairingMember.objects.get(org=self.org_b)
        self.assertRedirects(response, reverse("pairings:detail", args=[member.pairing_id]))
        self.client.post(reverse("pairings:member-accept", args=[member.pairing_id, member.pk]))
        self.assertFalse(self.open_notices(other, Kind.PAIRING_TO_CONFIRM).exists())

    def test_a_nomination_moves_from_one_reviewer_to_the_next(self):
        kind = HonourKind.objects.get(code="excellent_member")
        batch = NominationBatch.objects.create(kind=kind, title="优秀党员评选", issuer_org=self.sector, issuer="行业党委",
                                               level="county", year=2024, quota=3)  # fmt: skip
        self.login("secretary")
        self.client.post(reverse("honours:batch", args=[batch.pk]), {
            "nominating_org": self.branch_a1.pk, "person": self.member_person.pk, "org": "", "post_name": "",
            "reason": "突出"})  # fmt: skip
        nomination = Nomination.objects.get()
        self.assertEqual(self.open_notices(self.users["unit_admin"], Kind.NOMINATION_TO_REVIEW).count(), 1)
        self.login("unit_admin")
        self.client.post(reverse("honours:nomination-step", args=[nomination.pk]), {"step": "pass"})
        nomination.refresh_from_db()
        self.assertEqual(nomination.reviewing_org, self.sector)
        self.assertFalse(self.open_notices(self.users["unit_admin"], Kind.NOMINATION_TO_REVIEW).exists())
        self.assertEqual(self.open_notices(self.users["sector_admin"], Kind.NOMINATION_TO_REVIEW).count(), 1)
        self.login("sector_admin")
        self.client.post(
            reverse("honours:nomination-step", args=[nomination.pk]), {"step": "return", "reason": "材料不全"}
        )
        self.assertFalse(self.open_notices(self.users["sector_admin"], Kind.NOMINATION_TO_REVIEW).exists())
        self.assertIn("材料不全", self.open_notices(self.users["secretary"], Kind.NOMINATION_RETURNED).get().title)

    def test_referrals_wait_for_the_receiving_unit_then_for_the_follow_up(self):
        self.login("sector_admin")
        self.client.post(reverse("alliances:create"), {
            "name": "甲院托管乙院", "kind": "trusteeship", "lead": self.hospital_a.pk, "signed_on": "2024-06-20",
            "starts_on": "2024-06-20", "ends_on": "", "specialty": "", "note": "", "member_0": self.hospital_b.pk})  # fmt: skip
        alliance = Alliance.objects.get()
        self.login("unit_admin")
        self.client.post(reverse("alliances:referral-create"), {
            "alliance": alliance.pk, "pairing": "", "direction": "down", "from_institution": self.hospital_a.pk,
            "to_institution": self.hospital_b.pk, "patient_name": "张三", "patient_id": "442000198001010017",
            "reason": "病情稳定"})  # fmt: skip
        referral = Referral.objects.get()
        receiver = self.users["outsider"]
        self.assertEqual(self.open_notices(receiver, Kind.REFERRAL_TO_RECEIVE).count(), 1)
        self.login("outsider")
        move = reverse("alliances:referral-move", args=[referral.pk])
        self.client.post(move, {"status": "accepted"})
        self.assertFalse(self.open_notices(receiver, Kind.REFERRAL_TO_RECEIVE).exists())
        self.client.post(move, {"status": "arrived"})
        self.assertEqual(self.open_notices(receiver, Kind.REFERRAL_FOLLOW_UP).count(), 1)
        self.client.post(move, {"status": "follow_up"})
        self.assertFalse(self.open_notices(receiver, Kind.REFERRAL_FOLLOW_UP).exists())

    def test_a_survey_round_asks_the_unit_admins_with_unfilled_rows(self):
        clinic = Institution.objects.create(name="甲市仁和门诊部", ownership="private", kind="clinic",
                                            region_code="442000", managing_org=self.org_a)  # fmt: skip
        self.login("sector_admin")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("coverage:create"), {"sector": self.sector.pk, "name": "2024年摸排",
                                                          "started_on": "2024-06-01", "closes_on": "2024-07-31"})  # fmt: skip
        survey = SurveyRound.objects.get()
        admin = self.users["unit_admin"]
        notice = self.open_notices(admin, Kind.SURVEY_TO_FILL).get()
        self.assertIn("2024-07-31截止", notice.title)
        row = SurveyRow.objects.get(round=survey, institution=clinic)
        self.login("unit_admin")
        listed = self.client.get(reverse("coverage:detail", args=[survey.pk]) + "?todo=1")
        self.assertContains(listed, "甲市仁和门诊部")
        self.client.post(reverse("coverage:row", args=[row.pk]), {
            "operating": "on", "staff_count": "12", "formal_members": "1", "probationary_members": "0",
            "org_form": "none", "instructor": "王强", "note": ""})  # fmt: skip
        row.refresh_from_db()
        self.assertEqual(row.staff_count, 12)
        self.assertFalse(self.open_notices(admin, Kind.SURVEY_TO_FILL).exists())

    def test_another_users_message_is_not_found_and_opening_ones_own_marks_it_read(self):
        notice = Notice.objects.create(user=self.users["unit_admin"], kind=Kind.REVIEW_REQUESTED, title="稿件待审核",
                                       url=reverse("news:list"), target_type="news.article", target_id=1)  # fmt: skip
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("workbench:notice-open", args=[notice.pk])).status_code, 404)
        self.login("unit_admin")
        self.assertRedirects(self.client.get(reverse("workbench:notice-open", args=[notice.pk])), reverse("news:list"))
        notice.refresh_from_db()
        self.assertIsNotNone(notice.read_at)
        listed = self.client.get(reverse("workbench:notices") + "?state=all")
        self.assertContains(listed, "稿件待审核")
        self.assertNotContains(self.client.get(reverse("workbench:notices")), "稿件待审核</a>")


@time_machine.travel(NOW, tick=False)
class ReminderTest(ActivityTestCase):
    def test_meetings_tomorrow_are_announced_to_the_roll_and_done_once_begun(self):
        kind = ActivityKind.objects.get(code="party_day")
        activity = Activity(title="七月主题党日", kind=kind, lead_org=self.branch_a1, place="三楼会议室",
                            starts_at=NOW + datetime.timedelta(days=1))  # fmt: skip
        activity.save()
        activity_services.set_organisers(activity, [self.branch_a1])
        activity_services.sync_roll(activity)
        reminders.remind_meetings()
        notice = Notice.objects.get(kind=Kind.MEETING_REMINDER)
        self.assertEqual(notice.user, self.users["member"])  # the member on the roll with a login
        self.assertIn("三楼会议室", notice.title)
        reminders.remind_meetings()
        self.assertEqual(Notice.objects.filter(kind=Kind.MEETING_REMINDER).count(), 1)  # idempotent
        reminders.remind_meetings(now=NOW + datetime.timedelta(days=1, hours=1))
        notice.refresh_from_db()
        self.assertIsNotNone(notice.read_at)

    def test_a_probation_coming_due_is_sent_to_the_branch_secretary(self):
        person = self.member_person
        person.party_status, person.joined_on, person.confirmed_on = (
            PartyStatus.PROBATIONARY,
            datetime.date(2023, 7, 20),
            None,
        )
        person.save()  # due 2024-07-20, within the 30 days
        notice = Notice.objects.get(kind=Kind.PROBATION_ENDING)
        self.assertEqual(notice.user, self.users["secretary"])
        self.assertIn("2024-07-20", notice.title)
        person.party_status, person.confirmed_on = PartyStatus.FORMAL, datetime.date(2024, 7, 20)
        person.save()
        notice.refresh_from_db()
        self.assertIsNotNone(notice.read_at)

    def test_term_warnings_become_messages_until_the_warning_is_gone(self):
        warning = OrgWarning.objects.create(org=self.branch_a1, org_path=self.branch_a1.path, code=WarningCode.TERM_EXPIRED,
                                            message="任期已于2024-05-01届满")  # fmt: skip
        reminders.remind_terms()
        notice = Notice.objects.get(kind=Kind.TERM_ENDING, user=self.users["secretary"])
        warning.delete()
        reminders.remind_terms()
        notice.refresh_from_db()
        self.assertIsNotNone(notice.read_at)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class EmailChoiceTest(ActivityTestCase):
    def test_only_the_chosen_kinds_are_emailed(self):
        self.login("unit_admin")
        response = self.client.post(reverse("workbench:notice-settings"), {"email": "", "kind_review_requested": "on"})
        self.assertContains(response, "请填写邮箱")
        self.client.post(reverse("workbench:notice-settings"), {"email": "dangban@example.org",
                                                                "kind_review_requested": "on"})  # fmt: skip
        column = Column.objects.create(org=self.org_a, name="党建动态")
        article = Article.objects.create(org=self.branch_a1, column=column, title="支部动态",
                                         created_by=self.users["secretary"], status=Status.DRAFT)  # fmt: skip
        self.login("secretary")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.REVIEW})
        self.assertEqual([m.to for m in mail.outbox], [["dangban@example.org"]])
        self.assertIn("支部动态", mail.outbox[0].body)
        self.assertIn(f"/news/{article.pk}/", mail.outbox[0].body)
        with self.captureOnCommitCallbacks(execute=True):  # a return is not chosen: no mail
            self.login("unit_admin")
            self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.RETURNED, "reason": "补图"})
        self.assertEqual(len(mail.outbox), 1)
        self.assertTrue(Notice.objects.filter(kind=Kind.ARTICLE_RETURNED).exists())
