import datetime

from django.urls import reverse

from core.models import AuditEntry
from core.testing import CastTestCase, make_person
from people.models import Membership, Person, Position


def person_form(**overrides):
    data = {
        "name": "王小明",
        "gender": "M",
        "party_status": "formal",
        "joined_on": "2015-06-01",
        "confirmed_on": "2016-06-01",
        "education": "bachelor",
    }
    data.update(overrides)
    return data


class PersonCreateTest(CastTestCase):
    def post(self, **overrides):
        data = person_form(home_org=self.branch_a1.pk, **overrides)
        return self.client.post(reverse("people:create"), data)

    def test_it_registers_a_member_with_an_open_membership(self):
        self.login("secretary")
        response = self.post(id_number="11010519491231002X", phone="139 1234 5678")
        person = Person.objects.get(name="王小明")
        self.assertRedirects(response, reverse("people:detail", args=[person.pk]))
        self.assertEqual(person.memberships.get().org, self.branch_a1)
        self.assertEqual(person.birth_date, datetime.date(1949, 12, 31))
        self.assertEqual(person.id_number_mask, "1101**********002X")
        self.assertNotIn("11010519491231002X", person.id_number_enc)
        self.assertEqual(person.get_phone(), "13912345678")
        self.branch_a1.refresh_from_db()
        self.assertEqual(self.branch_a1.formal_count, 3)
        self.assertTrue(AuditEntry.objects.get_for_object(person).filter(action=AuditEntry.Action.CREATE).exists())

    def test_it_refuses_a_formal_member_without_confirmation_date(self):
        self.login("secretary")
        response = self.post(confirmed_on="")
        self.assertContains(response, "正式党员必须填写转正日期")
        self.assertFalse(Person.objects.filter(name="王小明").exists())

    def test_it_refuses_confirmation_before_joining(self):
        self.login("secretary")
        response = self.post(joined_on="2016-06-01", confirmed_on="2015-06-01")
        self.assertContains(response, "转正日期不能早于入党日期")

    def test_it_refuses_a_bad_id_checksum_and_a_duplicate(self):
        self.login("secretary")
        self.assertContains(self.post(id_number="110105194912310021"), "校验位不正确")
        self.assertContains(self.post(id_number="442000198001010017"), "已在系统中登记")
        self.assertFalse(Person.objects.filter(name="王小明").exists())

    def test_it_refuses_an_organisation_outside_scope(self):
        self.login("secretary")
        response = self.client.post(reverse("people:create"), person_form(home_org=self.org_b.pk))
        self.assertContains(response, "选择一个有效的选项")
        self.assertFalse(Person.objects.filter(name="王小明").exists())


class PersonSearchTest(CastTestCase):
    def names(self, query, user="unit_admin"):
        self.login(user)
        response = self.client.get(reverse("people:list"), {"q": query})
        return [p["name"] for p in response.context["page"].rows]

    def test_it_finds_by_name_pinyin_initials_and_traditional_characters(self):
        for query in ("雷继敏", "雷", "leijimin", "leiji", "ljm", "雷繼敏"):
            with self.subTest(query=query):
                self.assertEqual(self.names(query), ["雷继敏"])

    def test_a_prefix_takes_names_with_characters_beyond_the_basic_plane_and_no_wildcards(self):
        make_person("雷𠮷", self.branch_a1)  # U+20BB7: CJK extension B, found in real names
        make_person("雷_明", self.branch_a1)
        self.assertEqual(sorted(self.names("雷")), ["雷_明", "雷继敏", "雷𠮷"])
        self.assertEqual(self.names("雷𠮷"), ["雷𠮷"])
        self.assertEqual(self.names("雷_"), ["雷_明"])  # "_" is a character here, not LIKE's wildcard

    def test_it_finds_by_exact_id_number(self):
        self.assertEqual(self.names("442000198001010017"), ["雷继敏"])

    def test_it_never_finds_people_outside_scope(self):
        self.assertEqual(self.names("高建慧", user="unit_admin"), [])
        self.assertEqual(self.names("高建慧", user="outsider"), ["高建慧"])

    def test_it_filters_and_pages_with_a_cursor(self):
        for i in range(60):
            make_person(f"测试{i:02d}", self.branch_a2)
        self.login("unit_admin")
        first = self.client.get(reverse("people:list"), {"status": "formal"}).context["page"]
        self.assertEqual(len(first.rows), 50)
        count = self.client.get(reverse("people:list"), {"status": "formal", "count": "1"})
        self.assertEqual(count.content.decode(), "共 62 条")
        second = self.client.get(reverse("people:list"), {"status": "formal", "after": first.next_cursor})
        rows = second.context["page"].rows
        self.assertEqual(len(rows), 12)
        self.assertFalse({p["id"] for p in first.rows} & {p["id"] for p in rows})

    def test_it_exports_the_filtered_list_with_masked_personal_data(self):
        from io import BytesIO

        from openpyxl import load_workbook

        self.login("unit_admin")
        response = self.client.get(reverse("people:list"), {"q": "ljm", "export": "xlsx"})
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.values)
        self.assertEqual(len(rows), 3)  # title, header, the one match
        self.assertIn("4420**********0017", rows[2])
        self.assertNotIn("442000198001010017", [str(v) for v in rows[2]])


class PersonalDataTest(CastTestCase):
    def test_pages_show_masked_values(self):
        self.login("unit_admin")
        response = self.client.get(reverse("people:detail", args=[self.person_a1.pk]))
        self.assertContains(response, "4420**********0017")
        self.assertNotContains(response, "442000198001010017")
        self.assertContains(response, "查看完整信息")

    def test_a_unit_admin_reveals_and_the_view_is_logged(self):
        user = self.login("unit_admin")
        response = self.client.post(reverse("people:reveal", args=[self.person_a1.pk]))
        self.assertContains(response, "442000198001010017")
        self.assertContains(response, "13800138000")
        entry = AuditEntry.objects.get_for_object(self.person_a1).get(action=AuditEntry.Action.ACCESS)
        self.assertEqual(entry.actor, user)

    def test_a_secretary_cannot_reveal(self):
        self.login("secretary")
        self.assertEqual(self.client.post(reverse("people:reveal", args=[self.person_a1.pk])).status_code, 403)
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists())

    def test_the_audit_log_holds_only_masked_values(self):
        self.login("unit_admin")
        data = person_form(name="雷继敏", id_number="11010519491231002X", home_org=self.branch_a1.pk)
        self.client.post(reverse("people:edit", args=[self.person_a1.pk]), data)
        changes = AuditEntry.objects.get_for_object(self.person_a1).latest("timestamp").changes_text + str(
            AuditEntry.objects.get_for_object(self.person_a1).latest("timestamp").changes
        )
        self.assertIn("1101**********002X", changes)
        self.assertNotIn("11010519491231002X", changes)


class MembershipAndPostsTest(CastTestCase):
    def test_a_transfer_closes_one_membership_and_opens_another(self):
        self.login("unit_admin")
        response = self.client.post(
            reverse("transfers:create") + f"?person={self.person_a1.pk}",
            {"kind": "internal", "to_org": self.branch_a2.pk, "transfer_on": "2024-01-15", "reason": "org"},
        )
        self.assertEqual(response.status_code, 302)  # both branches are the unit admin's: moved at once
        old, new = Membership.objects.filter(person=self.person_a1).order_by("start_on")
        self.assertEqual((old.org, old.end_on), (self.branch_a1, datetime.date(2024, 1, 15)))
        self.assertEqual((new.org, new.end_on), (self.branch_a2, None))
        self.person_a1.refresh_from_db()
        self.assertEqual(self.person_a1.home_org, self.branch_a2)
        self.branch_a2.refresh_from_db()
        self.assertEqual(self.branch_a2.formal_count, 1)

    def test_a_transfer_before_the_current_start_is_refused(self):
        self.login("unit_admin")
        response = self.client.post(
            reverse("transfers:create") + f"?person={self.person_a1.pk}",
            {"kind": "internal", "to_org": self.branch_a2.pk, "transfer_on": "2009-01-01", "reason": "org"},
        )
        self.assertContains(response, "转出日期不能早于现组织关系开始日期")
        self.assertEqual(Membership.objects.filter(person=self.person_a1).count(), 1)

    def test_overlapping_memberships_are_refused(self):
        from django.core.exceptions import ValidationError

        membership = Membership(person=self.person_a1, org=self.branch_a2, start_on=datetime.date(2020, 1, 1))
        with self.assertRaisesMessage(ValidationError, "时间重叠"):
            membership.full_clean()

    def test_a_post_ending_before_it_starts_is_refused(self):
        self.login("secretary")
        response = self.client.post(
            reverse("people:position-create", args=[self.person_a1.pk]),
            {
                "kind": "party",
                "title": "组织委员",
                "org": self.branch_a1.pk,
                "start_on": "2024-01-01",
                "end_on": "2023-01-01",
            },
        )
        self.assertContains(response, "离任日期不能早于任职日期")

    def test_posts_are_true_at_their_dates(self):
        gao = make_person("高建慧甲", self.org_a)
        guo = make_person("郭小玲", self.org_a)
        Position.objects.create(
            person=gao,
            kind="admin",
            title="院长",
            institution=self.hospital_a,
            start_on=datetime.date(2023, 1, 1),
            end_on=datetime.date(2024, 6, 19),
        )
        Position.objects.create(
            person=guo, kind="admin", title="院长", institution=self.hospital_a, start_on=datetime.date(2024, 6, 20)
        )
        heads = Position.objects.filter(institution=self.hospital_a, title="院长")
        self.assertEqual([p.person.name for p in heads.current(datetime.date(2023, 7, 4))], ["高建慧甲"])
        self.assertEqual([p.person.name for p in heads.current(datetime.date(2024, 6, 20))], ["郭小玲"])

    def test_party_age_counts_from_confirmation(self):
        person = make_person(
            "张三", self.branch_a1, joined_on=datetime.date(1972, 6, 20), confirmed_on=datetime.date(1973, 6, 20)
        )
        self.assertEqual(person.party_age(datetime.date(2023, 6, 19)), 49)
        self.assertEqual(person.party_age(datetime.date(2023, 6, 20)), 50)
        applicant = make_person("李四", self.branch_a1, status="probationary")
        self.assertIsNone(applicant.party_age())


class HistoryTest(CastTestCase):
    def test_the_history_reads_as_labels_and_names(self):
        self.login("unit_admin")
        data = person_form(
            name="雷继敏",
            gender="M",
            education="master",
            is_dual_leader="on",
            institution=self.hospital_a.pk,
            home_org=self.branch_a1.pk,
        )
        self.client.post(reverse("people:edit", args=[self.person_a1.pk]), data)
        response = self.history_of(self.client.get(reverse("people:detail", args=[self.person_a1.pk])))
        self.assertContains(response, "学历</strong>：（空） → 硕士研究生")
        self.assertContains(response, "性别</strong>：（空） → 男")
        self.assertContains(response, "双带头人（学科/业务带头人）</strong>：否 → 是")
        self.assertNotContains(response, "people.Position.None")
