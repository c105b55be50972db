"""组织关系转接 through the pages, as the people who do it: the sending secretary, the receiving unit's admin, and the
one who prints a letter for a member leaving the platform. The membership moves only when the transfer is done."""

import datetime
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEntry
from core.testing import CastTestCase
from people.models import Membership, Person
from transfers.models import Status, Transfer
from workbench.models import Kind, Notice

TODAY = timezone.localdate()


def start_data(**extra) -> dict:
    data = {"kind": "internal", "reason": "job", "transfer_on": TODAY.isoformat(), "dues_paid_until": "2026-11"}
    return {**data, **extra}


class InternalTransferTest(CastTestCase):
    def start(self, username="secretary", person=None, **extra):
        self.login(username)
        person = person or self.member_person
        return self.client.post(reverse("transfers:create") + f"?person={person.pk}", start_data(**extra))

    def test_the_member_moves_only_when_the_receiving_admin_accepts(self):
        response = self.start(to_org=self.org_b.pk)
        transfer = Transfer.objects.get()
        self.assertRedirects(response, reverse("transfers:detail", args=[transfer.pk]))
        self.assertEqual(transfer.status, Status.SENT)
        self.assertEqual(transfer.dues_paid_until, datetime.date(2026, 11, 1))
        self.assertEqual(self.member_person.memberships.get(end_on__isnull=True).org, self.branch_a1)
        notice = Notice.objects.get(kind=Kind.TRANSFER_TO_ACCEPT)
        self.assertEqual(notice.user, self.users["outsider"])  # hospital B's admin, not the sender's

        self.login("outsider")
        page = self.client.get(notice.url)
        self.assertContains(page, "接收转入")
        moved_on = TODAY - datetime.timedelta(days=0)
        response = self.client.post(reverse("transfers:accept", args=[transfer.pk]), {"moved_on": moved_on.isoformat()})
        self.assertRedirects(response, reverse("transfers:detail", args=[transfer.pk]))
        transfer.refresh_from_db()
        self.assertEqual((transfer.status, transfer.moved_on), (Status.ACCEPTED, moved_on))
        old, new = Membership.objects.filter(person=self.member_person).order_by("start_on", "id")
        self.assertEqual((old.org, old.end_on), (self.branch_a1, moved_on))
        self.assertEqual((new.org, new.start_on, new.end_on), (self.org_b, moved_on, None))
        person = Person.objects.get(pk=self.member_person.pk)
        self.assertEqual(person.home_org, self.org_b)
        self.org_b.refresh_from_db()
        self.branch_a1.refresh_from_db()
        self.assertEqual((self.org_b.formal_count, self.branch_a1.formal_count), (2, 1))
        self.assertIsNotNone(Notice.objects.get(pk=notice.pk).read_at)  # acted on: no longer unread
        self.assertEqual(list(transfer.events.values_list("action", flat=True)), ["发起转接", "接收转入"])
        self.assertTrue(AuditEntry.objects.get_for_object(transfer).exists())
        # the member's page, now hospital B's, shows the whole story
        member_page = self.client.get(reverse("people:detail", args=[person.pk]))
        self.assertContains(member_page, "组织关系转接")
        self.assertContains(member_page, "博爱医院第一党支部 → 中共乙市人民医院委员会")
        self.assertContains(member_page, "已转入")

    def test_a_returned_transfer_changes_nothing_and_tells_the_sender_why(self):
        self.start(to_org=self.org_b.pk)
        transfer = Transfer.objects.get()
        self.login("outsider")
        self.client.post(reverse("transfers:return", args=[transfer.pk]), {"answer": "介绍信党费月份有误"})
        transfer.refresh_from_db()
        self.assertEqual((transfer.status, transfer.answer), (Status.RETURNED, "介绍信党费月份有误"))
        self.assertEqual(self.member_person.memberships.get(end_on__isnull=True).org, self.branch_a1)
        returned = Notice.objects.get(kind=Kind.TRANSFER_RETURNED)
        self.assertEqual(returned.user, self.users["secretary"])
        self.assertIn("介绍信党费月份有误", returned.title)
        # a new transfer may start once the returned one is closed
        self.start(to_org=self.org_b.pk)
        self.assertEqual(Transfer.objects.filter(status=Status.SENT).count(), 1)

    def test_a_move_inside_the_admins_own_unit_is_done_at_once(self):
        self.start("unit_admin", to_org=self.branch_a2.pk, transfer_on="2024-01-15")
        transfer = Transfer.objects.get()
        self.assertEqual((transfer.status, transfer.moved_on), (Status.ACCEPTED, datetime.date(2024, 1, 15)))
        self.assertEqual(self.member_person.memberships.get(end_on__isnull=True).org, self.branch_a2)

    def test_bad_starts_are_refused_with_the_reason_and_nothing_written(self):
        own = self.start(to_org=self.branch_a1.pk)
        self.assertContains(own, "转入党组织与现所在党组织相同（博爱医院第一党支部）")
        early = self.start(to_org=self.org_b.pk, transfer_on="2001-01-01")
        self.assertContains(early, "转出日期不能早于现组织关系开始日期 2010-03-01")
        future = self.start(to_org=self.org_b.pk, transfer_on=(TODAY + datetime.timedelta(days=3)).isoformat())
        self.assertContains(future, "转出日期不能晚于今天")
        group = self.start(to_org=self.group_a11.pk)
        self.assertContains(group, "党小组不接收组织关系")
        nowhere = self.start(kind="outgoing", outside_org=" ")
        self.assertContains(nowhere, "请填写去往的党组织全称")
        self.assertFalse(Transfer.objects.exists())
        self.start(to_org=self.org_b.pk)
        second = self.start(to_org=self.branch_a2.pk)
        self.assertContains(second, "该党员已有一笔未办结的转接")
        self.assertEqual(Transfer.objects.count(), 1)

    def test_only_the_receiving_units_admin_answers(self):
        self.start(to_org=self.org_b.pk)
        transfer = Transfer.objects.get()
        for username in ("secretary", "unit_admin"):  # the sending side sees it but may not accept it
            self.login(username)
            page = self.client.get(reverse("transfers:detail", args=[transfer.pk]))
            self.assertNotContains(page, "接收转入</button>")
            response = self.client.post(
                reverse("transfers:accept", args=[transfer.pk]), {"moved_on": TODAY.isoformat()}, follow=True
            )
            self.assertContains(response, "只有“中共乙市人民医院委员会”所在单位的管理员（党办）可以接收或退回")
        self.login("member")
        self.assertEqual(self.client.get(reverse("transfers:detail", args=[transfer.pk])).status_code, 404)
        transfer.refresh_from_db()
        self.assertEqual(transfer.status, Status.SENT)
        self.assertEqual(self.member_person.memberships.get(end_on__isnull=True).org, self.branch_a1)

    def test_the_receiver_may_not_date_the_move_before_the_transfer(self):
        self.start(to_org=self.org_b.pk, transfer_on=(TODAY - datetime.timedelta(days=5)).isoformat())
        transfer = Transfer.objects.get()
        self.login("outsider")
        before = (TODAY - datetime.timedelta(days=6)).isoformat()
        response = self.client.post(reverse("transfers:accept", args=[transfer.pk]), {"moved_on": before}, follow=True)
        self.assertContains(response, "转入日期不能早于转出日期")
        self.assertEqual(Transfer.objects.get().status, Status.SENT)

    def test_the_sender_may_cancel_with_a_reason_the_receiver_may_not(self):
        self.start(to_org=self.org_b.pk)
        transfer = Transfer.objects.get()
        self.login("outsider")
        self.client.post(reverse("transfers:cancel", args=[transfer.pk]), {"answer": "不要了"})
        self.assertEqual(Transfer.objects.get().status, Status.SENT)
        self.login("secretary")
        self.client.post(reverse("transfers:cancel", args=[transfer.pk]), {"answer": "党员暂缓调动"})
        transfer.refresh_from_db()
        self.assertEqual((transfer.status, transfer.answer), (Status.CANCELLED, "党员暂缓调动"))
        self.assertIsNotNone(Notice.objects.get(kind=Kind.TRANSFER_TO_ACCEPT).read_at)

    def test_a_non_member_has_no_relationship_to_transfer(self):
        masses = Person.objects.create(name="群众甲", home_org=self.branch_a1)
        self.login("secretary")
        self.assertEqual(self.client.get(reverse("transfers:create") + f"?person={masses.pk}").status_code, 403)

    def test_open_transfers_past_the_config_days_are_flagged(self):
        self.start(to_org=self.org_b.pk, transfer_on=(TODAY - datetime.timedelta(days=120)).isoformat())
        self.login("sector_admin")
        overdue = self.client.get(reverse("transfers:list") + "?overdue=1")
        self.assertContains(overdue, "超期未办结")
        self.assertContains(overdue, "李永川")
        home = self.client.get(reverse("core:home"))
        self.assertContains(home, "组织关系转接超期未办结")
        self.login("outsider")
        waiting = self.client.get(reverse("transfers:list") + "?waiting=1")
        self.assertContains(waiting, "李永川")
        self.login("unit_admin")  # the sender's admin has nothing to accept
        self.assertNotContains(self.client.get(reverse("transfers:list") + "?waiting=1"), "李永川")

    def test_the_list_exports_both_sides(self):
        self.start(to_org=self.org_b.pk)
        self.login("outsider")
        response = self.client.get(reverse("transfers:list") + "?export=xlsx")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = [c.value for row in sheet.iter_rows() for c in row]
        self.assertIn("李永川", values)
        self.assertIn("2026-11", values)


class OutsideTransferTest(CastTestCase):
    def test_a_letter_is_numbered_printed_and_closed_by_its_receipt(self):
        self.login("secretary")
        url = reverse("transfers:create") + f"?person={self.person_a1.pk}"
        data = start_data(kind="outgoing", outside_org="中共丙市第三人民医院第二党支部", transfer_on="2026-03-02")
        self.client.post(url, data)
        letter = Transfer.objects.get()
        self.assertEqual(
            (letter.status, letter.letter_number, letter.letter_valid_days), (Status.IN_TRANSIT, "2026-0001", 30)
        )
        self.client.post(
            reverse("transfers:create") + f"?person={self.member_person.pk}", {**data, "transfer_on": "2026-03-05"}
        )
        self.assertEqual(Transfer.objects.get(person=self.member_person).letter_number, "2026-0002")
        self.assertContains(self.client.get(reverse("people:detail", args=[self.person_a1.pk])), "转出在途")
        self.assertEqual(Notice.objects.filter(kind=Kind.TRANSFER_RECEIPT, user=self.users["secretary"]).count(), 2)

        printed = self.client.get(reverse("transfers:letter", args=[letter.pk]))
        for text in ("第 2026-0001 号", "中共丙市第三人民医院第二党支部", "雷继敏同志", "党费已交到2026年11月",
                     "有效期30天", "4420**********0017", "介绍信回执"):  # fmt: skip
            self.assertContains(printed, text)
        self.assertNotContains(printed, "442000198001010017")  # a secretary prints the masked number
        self.login("unit_admin")
        printed = self.client.get(reverse("transfers:letter", args=[letter.pk]))
        self.assertContains(printed, "442000198001010017")
        self.assertTrue(
            AuditEntry.objects.get_for_object(self.person_a1).filter(action=AuditEntry.Action.ACCESS).exists()
        )

        self.client.post(reverse("transfers:receipt", args=[letter.pk]), {"receipt_on": "2026-03-20"})
        letter.refresh_from_db()
        self.assertEqual((letter.status, letter.receipt_on), (Status.COMPLETED, datetime.date(2026, 3, 20)))
        ended = self.person_a1.memberships.get()
        self.assertEqual(ended.end_on, datetime.date(2026, 3, 2))
        self.assertIn("中共丙市第三人民医院第二党支部", ended.reason)
        self.assertIsNotNone(Notice.objects.get(kind=Kind.TRANSFER_RECEIPT, target_id=letter.pk).read_at)

    def test_a_receipt_before_the_letter_is_refused(self):
        self.login("secretary")
        url = reverse("transfers:create") + f"?person={self.person_a1.pk}"
        self.client.post(url, start_data(kind="outgoing", outside_org="中共丙市某支部", transfer_on="2026-03-02"))
        letter = Transfer.objects.get()
        response = self.client.post(
            reverse("transfers:receipt", args=[letter.pk]), {"receipt_on": "2026-03-01"}, follow=True
        )
        self.assertContains(response, "回执日期应在转出日期 2026-03-02 与今天之间")
        self.assertIsNone(self.person_a1.memberships.get().end_on)


class IncomingTransferTest(CastTestCase):
    def data(self, **extra):
        data = {"name": "周新来", "id_number": "", "gender": "F", "party_status": "formal", "joined_on": "2012-06-01",
                "confirmed_on": "2013-06-01", "to_org": self.branch_a2.pk, "outside_org": "中共丁市妇幼保健院支部委员会",
                "letter_number": "丁组（2026）45号", "transfer_on": TODAY.isoformat(), "reason": "job",
                "dues_paid_until": "2026-10", "note": ""}  # fmt: skip
        return {**data, **extra}

    def test_a_member_arriving_with_a_letter_is_registered_in_one_step(self):
        self.login("unit_admin")
        response = self.client.post(reverse("transfers:incoming"), self.data())
        transfer = Transfer.objects.get()
        self.assertRedirects(response, reverse("transfers:detail", args=[transfer.pk]))
        person = Person.objects.get(name="周新来")
        self.assertEqual((person.home_org, person.party_status), (self.branch_a2, "formal"))
        membership = person.memberships.get()
        self.assertEqual((membership.org, membership.start_on, membership.end_on), (self.branch_a2, TODAY, None))
        self.assertEqual((transfer.status, transfer.letter_number), (Status.REGISTERED, "丁组（2026）45号"))
        again = self.client.post(reverse("transfers:incoming"), self.data(name="周新来二"))
        self.assertContains(again, "介绍信 丁组（2026）45号 已登记过")
        self.assertFalse(Person.objects.filter(name="周新来二").exists())

    def test_someone_still_on_the_platform_is_sent_by_their_branch_not_registered(self):
        self.login("outsider")
        response = self.client.post(
            reverse("transfers:incoming"),
            self.data(id_number="442000198001010017", to_org=self.org_b.pk, name="雷继敏"),
        )
        self.assertContains(
            response, "雷继敏在本平台有在册的组织关系（博爱医院第一党支部），应由该党组织发起系统内转接"
        )
        self.assertFalse(Transfer.objects.exists())
        self.assertEqual(self.person_a1.memberships.get().org, self.branch_a1)

    def test_a_formal_member_needs_the_date_party_age_counts_from(self):
        self.login("unit_admin")
        response = self.client.post(reverse("transfers:incoming"), self.data(confirmed_on=""))
        self.assertContains(response, "正式党员须填写转正日期")
        self.assertFalse(Person.objects.filter(name="周新来").exists())


class TransferApiTest(CastTestCase):
    def test_both_sides_read_the_transfer_and_no_one_else(self):
        self.login("secretary")
        self.client.post(
            reverse("transfers:create") + f"?person={self.member_person.pk}", start_data(to_org=self.org_b.pk)
        )
        transfer = Transfer.objects.get()
        for username, seen in (("secretary", True), ("outsider", True), ("member", False), ("partner", False)):
            self.login(username)
            rows = self.client.get("/api/v1/transfers/").json()["results"]
            self.assertEqual([r["id"] for r in rows], [transfer.pk] if seen else [], username)
            detail = self.client.get(f"/api/v1/transfers/{transfer.pk}/")
            self.assertEqual(detail.status_code, 200 if seen else 404, username)
        self.login("outsider")
        self.assertEqual(self.client.get(f"/api/v1/transfers/{transfer.pk}/").json()["status"], "sent")
