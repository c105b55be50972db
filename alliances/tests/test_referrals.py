import datetime
import io

import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import RoleGrant
from alliances.models import Alliance, AllianceMember, Referral, ReferralStatus
from core.access import Role
from core.models import AuditEntry
from core.testing import CastTestCase, sign_in
from orgs.models import Institution

NOW = datetime.datetime(2024, 7, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@time_machine.travel(NOW, tick=False)
class AllianceTest(CastTestCase):
    def setUp(self):
        self.login("sector_admin")
        response = self.client.post(
            reverse("alliances:create"),
            {"name": "甲院托管乙院", "kind": "trusteeship", "lead": self.hospital_a.pk, "signed_on": "2024-06-20",
             "starts_on": "2024-06-20", "ends_on": "", "specialty": "", "note": "", "member_0": self.hospital_b.pk},
        )  # fmt: skip
        self.alliance = Alliance.objects.get()
        self.assertRedirects(response, reverse("alliances:detail", args=[self.alliance.pk]))
        self.third = Institution.objects.create(
            name="丙镇卫生院", kind="township_centre", region_code="442000", managing_org=self.org_b
        )

    def refer(self, username, source, target, direction="up", **extra):
        self.login(username)
        data = {"alliance": self.alliance.pk, "pairing": "", "direction": direction, "from_institution": source.pk,
                "to_institution": target.pk, "patient_name": "张三", "patient_id": "442000198001010017",
                "reason": "病情需要上级医院诊治"}  # fmt: skip
        data.update(extra)
        return self.client.post(reverse("alliances:referral-create"), data)

    def move(self, referral, status):
        return self.client.post(reverse("alliances:referral-move", args=[referral.pk]), {"status": status}, follow=True)

    def test_the_entrusted_unit_is_a_member(self):
        roles = dict(AllianceMember.objects.values_list("institution_id", "role"))
        self.assertEqual(roles, {self.hospital_a.pk: "lead", self.hospital_b.pk: "entrusted"})

    def test_a_referral_goes_through_its_steps_with_who_acted(self):
        self.refer("outsider", self.hospital_b, self.hospital_a)
        referral = Referral.objects.get()
        self.assertEqual((referral.status, referral.patient_id_mask), ("applied", "4420**********0017"))
        self.assertNotIn("442000198001010017", referral.patient_id_enc)
        # the sending side cannot accept its own referral, nor jump to completed
        self.assertContains(self.move(referral, "accepted"), "须由接收单位操作")
        self.assertContains(self.move(referral, "completed"), "不能从“申请”变为“完成”")
        self.login("unit_admin")  # the receiving side
        self.move(referral, "accepted")
        self.move(referral, "arrived")
        self.move(referral, "completed")
        referral.refresh_from_db()
        self.assertEqual(referral.status, ReferralStatus.COMPLETED)
        trail = list(referral.events.values_list("status", "actor__username"))
        self.assertEqual(
            trail,
            [("applied", "outsider"), ("accepted", "unit_admin"), ("arrived", "unit_admin"),
             ("completed", "unit_admin")],
        )  # fmt: skip

    def test_it_refuses_a_unit_outside_the_alliance(self):
        response = self.refer("outsider", self.hospital_b, self.third)
        self.assertContains(response, "不是“甲院托管乙院”的成员单位")
        self.assertFalse(Referral.objects.exists())
        response = self.refer("outsider", self.hospital_b, self.hospital_b)
        self.assertFalse(Referral.objects.exists())

    def test_only_the_sending_side_registers(self):
        response = self.refer("secretary", self.hospital_b, self.hospital_a)
        self.assertEqual(response.status_code, 200)  # hospital B is not a choice for A's secretary
        self.assertFalse(Referral.objects.exists())

    def test_an_unanswered_up_referral_and_a_due_follow_up_are_flagged(self):
        self.refer("outsider", self.hospital_b, self.hospital_a)
        self.refer("unit_admin", self.hospital_a, self.hospital_b, direction="down", reason="病情稳定回基层")
        down = Referral.objects.get(direction="down")
        self.login("outsider")
        self.move(down, "accepted")
        self.move(down, "arrived")
        with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
            self.login("outsider")  # back after three hours: the idle session has ended
            listing = self.client.get(reverse("alliances:referrals"))
        self.assertContains(listing, "超过2小时未接收")
        self.assertContains(listing, "待随访")
        with time_machine.travel(NOW + datetime.timedelta(days=15), tick=False):
            self.login("outsider")  # the session of two weeks ago has expired
            self.assertContains(self.client.get(reverse("alliances:referrals")), "随访逾期")
            self.move(down, "follow_up")
            self.assertNotContains(self.client.get(reverse("alliances:referrals")), "随访逾期")

    def test_both_sides_see_it_and_nobody_else(self):
        self.refer("outsider", self.hospital_b, self.hospital_a)
        referral = Referral.objects.get()
        url = reverse("alliances:referral", args=[referral.pk])
        # both sides' admins and the sector above; a branch secretary below the hospital sees no hospital referral
        for username, code in (("outsider", 200), ("unit_admin", 200), ("sector_admin", 200), ("secretary", 404),
                               ("partner", 404), ("member", 404)):  # fmt: skip
            self.login(username)
            with self.subTest(user=username):
                self.assertEqual(self.client.get(url).status_code, code)
        stranger = get_user_model().objects.create_user("stranger", password="x-password-1")
        other = Institution.objects.create(
            name="外市医院", kind="hospital", region_code="440100", managing_org=self.partner_org
        )
        RoleGrant(user=stranger, org=self.partner_org, role=Role.UNIT_ADMIN).save()
        sign_in(self.client, stranger)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotContains(self.client.get(reverse("alliances:referrals")), "张三")
        self.assertTrue(other.pk)

    def test_the_whole_id_number_is_shown_to_unit_admins_and_logged(self):
        self.refer("outsider", self.hospital_b, self.hospital_a)
        referral = Referral.objects.get()
        clerk = get_user_model().objects.create_user("b_clerk", password="x-password-1")
        RoleGrant(user=clerk, org=self.org_b, role=Role.SECRETARY).save()
        sign_in(self.client, clerk)
        self.assertEqual(self.client.get(reverse("alliances:referral", args=[referral.pk])).status_code, 200)
        self.assertEqual(self.client.post(reverse("alliances:referral-reveal", args=[referral.pk])).status_code, 403)
        self.login("unit_admin")
        response = self.client.post(reverse("alliances:referral-reveal", args=[referral.pk]))
        self.assertContains(response, "442000198001010017")
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, object_pk=str(referral.pk)).exists())
        export = self.client.get(reverse("alliances:referrals") + "?export=xlsx")
        rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
        self.assertEqual((rows[2][0], rows[2][4], rows[2][5]), (NOW.replace(tzinfo=None), "张三", "4420**********0017"))

    def test_the_alliance_page_counts_referrals(self):
        self.refer("outsider", self.hospital_b, self.hospital_a)
        self.login("unit_admin")
        self.move(Referral.objects.get(), "accepted")
        page = self.client.get(reverse("alliances:detail", args=[self.alliance.pk]))
        self.assertContains(page, "转诊总数</dt><dd>1")
        self.assertContains(page, "接收 1")


class ReferralTallyImportTest(CastTestCase):
    def setUp(self):
        self.alliance = Alliance.objects.create(
            name="甲院医共体", kind="county", lead=self.hospital_a, starts_on=datetime.date(2024, 1, 1)
        )
        for institution, role in ((self.hospital_a, "lead"), (self.hospital_b, "member")):
            AllianceMember.objects.create(
                alliance=self.alliance, institution=institution, org_path=institution.org_path, role=role,
                joined_on=datetime.date(2024, 1, 1),
            )  # fmt: skip

    def upload(self, rows, user="unit_admin"):
        from openpyxl import Workbook

        from imports.models import ImportJob

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["医联体", "转出单位", "接收单位", "月份", "方向", "人次"])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        self.login(user)
        upload = SimpleUploadedFile("referrals.xlsx", buffer.getvalue())
        self.client.post(reverse("imports:start"), {"kind": "referral_counts", "file": upload})
        return ImportJob.objects.order_by("-pk").first()

    def test_counts_import_and_reimport_updates(self):
        from alliances.models import ReferralTally
        from imports.models import ImportStatus

        job = self.upload([["甲院医共体", "甲市博爱医院", "乙市人民医院", "2024-07", "下转", 12],
                           ["甲院医共体", "甲市博爱医院", "乙市人民医院", datetime.date(2024, 8, 1), "下转", 9]])  # fmt: skip
        self.assertEqual((job.status, job.summary), (ImportStatus.READY, {"to_create": 2, "to_update": 0}))
        self.client.post(reverse("imports:confirm", args=[job.pk]))
        self.assertEqual(ReferralTally.objects.count(), 2)
        job = self.upload([["甲院医共体", "甲市博爱医院", "乙市人民医院", "2024年7月", "下转", 15]])
        self.assertEqual(job.summary, {"to_create": 0, "to_update": 1})
        self.client.post(reverse("imports:confirm", args=[job.pk]))
        self.assertEqual(ReferralTally.objects.get(month=datetime.date(2024, 7, 1)).count, 15)
        page = self.client.get(reverse("alliances:detail", args=[self.alliance.pk]))
        self.assertContains(page, "24")  # 15 + 9 imported down-referrals

    def test_row_errors_and_nothing_written(self):
        from alliances.models import ReferralTally
        from imports.models import ImportStatus

        job = self.upload([["甲院医共体", "甲市博爱医院", "乙市人民医院", "2024-07", "下转", 3],
                           ["甲院医共体", "甲市博爱医院", "丁市医院", "2024-07", "上转", 1],
                           ["甲院医共体", "甲市博爱医院", "乙市人民医院", "2024-13", "上转", 1],
                           ["甲院医共体", "甲市博爱医院", "乙市人民医院", "2024-07", "下转", "很多"]])  # fmt: skip
        self.assertEqual(job.status, ImportStatus.INVALID)
        reasons = {(e["row"], e["reason"]) for e in job.errors}
        self.assertIn((3, "不是“甲院医共体”的成员单位"), reasons)
        self.assertIn((4, "月份格式应为 2024-07"), reasons)
        self.assertIn((5, "人次应为非负整数"), reasons)
        self.assertFalse(ReferralTally.objects.exists())
        # the receiving side cannot report the sending side's figure
        job = self.upload([["甲院医共体", "甲市博爱医院", "乙市人民医院", "2024-07", "下转", 3]], user="outsider")
        self.assertEqual(job.status, ImportStatus.INVALID)


@time_machine.travel(NOW, tick=False)
class AllianceMembersTest(CastTestCase):
    def test_members_join_and_leave_on_dates(self):
        alliance = Alliance.objects.create(
            name="甲院专科联盟", kind="specialty", lead=self.hospital_a, starts_on=datetime.date(2024, 6, 1)
        )
        AllianceMember.objects.create(alliance=alliance, institution=self.hospital_a, org_path=self.hospital_a.org_path,
                                      role="lead", joined_on=alliance.starts_on)  # fmt: skip
        self.login("unit_admin")
        url = reverse("alliances:member-add", args=[alliance.pk])
        data = {"institution": self.hospital_b.pk, "role": "member", "joined_on": "2024-05-01"}
        self.assertContains(self.client.post(url, data), "加入日期不能早于医联体开始日期 2024-06-01")
        data["joined_on"] = "2024-06-15"
        self.client.post(url, data)
        member = alliance.members.get(institution=self.hospital_b)
        self.assertContains(self.client.post(url, data), "已是成员单位")
        leave = reverse("alliances:member-leave", args=[alliance.pk, member.pk])
        self.assertContains(self.client.post(leave, {"left_on": "2024-06-01"}), "退出日期不能早于加入日期")
        self.client.post(leave, {"left_on": "2024-06-30"})
        member.refresh_from_db()
        self.assertEqual(member.left_on, datetime.date(2024, 6, 30))
        lead = alliance.members.get(role="lead")
        self.assertEqual(
            self.client.get(reverse("alliances:member-leave", args=[alliance.pk, lead.pk])).status_code, 403
        )
        self.login("outsider")  # hospital B's admin sees the alliance but does not run it
        self.assertEqual(self.client.get(url).status_code, 403)
