import datetime
import io

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from core.demo_data import DEMO_USERS
from orgs.models import Institution, OrgWarning, PartyOrg
from people.models import Person, Position


class LoadDemoTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = io.StringIO()
        call_command("load_demo", stdout=cls.output)

    def test_it_holds_the_seed_units_and_organisations(self):
        for name in (
            "东莞市第七人民医院",
            "东莞市虎门南栅医院",
            "广州精康医疗集团",
            "中山市博爱医院",
            "中山市大涌医院",
            "蒙阴县人民医院",
            "太和镇卫生院",
            "人和镇卫生院",
            "龙归街社区卫生服务中心",
        ):
            self.assertTrue(Institution.objects.filter(name=name).exists(), name)
        sector = PartyOrg.objects.get(name="广州市白云区民营医疗行业党委")
        self.assertTrue(sector.is_functional)
        self.assertEqual(sector.established_on, datetime.date(2020, 9, 1))
        self.assertEqual(Institution.objects.get(name="蒙阴县人民医院").grade, "三级乙等")
        self.assertEqual(Institution.objects.get(name="东莞市虎门南栅医院").parent.name, "广东广济医疗公司")
        self.assertEqual(
            set(Institution.objects.filter(parent__name="广州精康医疗集团").values_list("short_name", flat=True)),
            {"龙归院区", "同和院区", "白云精康医院"},
        )

    def test_posts_have_dates(self):
        heads = Position.objects.filter(institution__name="中山市博爱医院", title="院长")
        self.assertEqual([p.person.name for p in heads.current(datetime.date(2023, 7, 4))], ["高建慧"])
        self.assertEqual([p.person.name for p in heads.current(datetime.date(2024, 6, 21))], ["郭小玲"])
        self.assertTrue(
            Position.objects.filter(person__name="王明新", title="书记", org__name="东莞市虎门南栅医院党支部").exists()
        )
        self.assertEqual(Person.objects.filter(name="李永川").first().party_age(datetime.date(2023, 7, 1)), 51)

    def test_it_prints_a_login_for_every_role_and_runs_twice(self):
        text = self.output.getvalue()
        for username, *_ in DEMO_USERS:
            self.assertIn(username, text)
        again = io.StringIO()
        call_command("load_demo", stdout=again)
        self.assertIn("已存在", again.getvalue())

    def test_rules_were_evaluated(self):
        self.assertTrue(OrgWarning.objects.exists())

    def test_it_holds_the_seed_activities_with_their_people_and_posts(self):
        from activities.models import Activity, BranchCompliance, Speaker

        meeting = Activity.objects.get(title="“公立+民营”党建联学共建见面会")
        self.assertEqual(meeting.host.name, "王明新")
        self.assertEqual(meeting.speakers.exclude(role="host").count(), 4)
        self.assertEqual(meeting.pairing.title, "东莞七院—虎门南栅医院“公立+民营”党建联学共建")
        self.assertEqual(meeting.organisers.count(), 2)
        symposium = Activity.objects.get(title="白云区医疗行业党建工作座谈会")
        local = timezone.localtime(symposium.starts_at)
        self.assertEqual(
            (local.date().isoformat(), local.strftime("%H:%M"), symposium.headcount), ("2023-07-10", "14:30", 60)
        )
        lecture = Speaker.objects.get(activity__title="庆祝建党102周年暨党建工作总结大会", role="lecture")
        self.assertEqual(lecture.name, "欧阳刚劲")
        self.assertIn("副局长", lecture.post)
        shares = Speaker.objects.filter(activity__title="庆祝建党102周年暨党建工作总结大会", role="share")
        branches = {s.person.home_org.name.removeprefix("中山市博爱医院") for s in shares}
        self.assertEqual(branches, {"第四党支部", "第十党支部", "第十一党支部"})
        exhibition = Activity.objects.get(title__contains="书画摄影作品展")
        self.assertEqual(timezone.localtime(exhibition.starts_at).date().isoformat(), "2023-06-28")
        self.assertEqual(exhibition.outcomes.get().value, 100)
        self.assertTrue(BranchCompliance.objects.exists())

    def test_it_holds_the_seed_pairings(self):
        from pairings.models import Pairing

        ones = Pairing.objects.get(title__contains="精康龙归院区")
        self.assertEqual((ones.mode, ones.starts_on.isoformat(), ones.status), ("1+N", "2021-04-01", "active"))
        self.assertEqual(ones.members.filter(is_lead=False).count(), 3)
        plaqued = Pairing.objects.filter(lead_org__name="中共中山市博爱医院委员会", plaque_on="2023-07-04")
        self.assertEqual(plaqued.count(), 3)
        first = Pairing.objects.get(title__contains="公立+民营")
        self.assertEqual(first.commitments.values("heading").distinct().count(), 5)

    def test_both_sides_of_every_scenario_can_sign_in(self):
        from django.contrib.auth import get_user_model

        from core.access import grants_of

        sides = {
            "东莞市卫生健康行业党委": "dg_sector", "中共东莞市第七人民医院委员会": "dg7_admin",
            "东莞市虎门南栅医院党支部": "nanzha", "广济医院党支部": "guangji", "广州市白云区民营医疗行业党委": "sector",
            "广州精康医疗集团党委": "jingkang", "太和镇卫生院党支部": "taihe", "中共中山市港口镇委员会": "partner",
            "中山市大涌医院党支部": "dayong", "中共蒙阴县人民医院委员会": "mengyin", "中共中山市博爱医院委员会": "boai_admin",
        }  # fmt: skip
        users = get_user_model().objects
        for org_name, username in sides.items():
            org = PartyOrg.objects.get(name=org_name)
            self.assertIn(org.path, [path for path, _ in grants_of(users.get(username=username))], username)
        self.assertEqual(
            PartyOrg.objects.get(name="中共东莞市第七人民医院委员会").parent.name, "东莞市卫生健康行业党委"
        )

    def test_the_member_login_checks_in_to_the_secretarys_meeting_today(self):
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        from activities.checkin import make_token
        from activities.models import Activity, Attendance
        from core.testing import sign_in

        meeting = Activity.objects.get(title__contains="可扫码签到")
        self.assertEqual(timezone.localtime(meeting.starts_at).date(), timezone.localdate())
        member = get_user_model().objects.get(username="member")
        self.assertEqual(member.person.home_org, meeting.lead_org)
        self.assertIn(member.person.name, self.output.getvalue())  # the printed login names who it is
        client = Client()
        sign_in(client, member)
        response = client.post(reverse("activities:checkin"), {"t": make_token(meeting.pk)})
        self.assertContains(response, "签到成功")
        self.assertEqual(Attendance.objects.get(activity=meeting, person=member.person).status, "present")
        again = io.StringIO()
        call_command("load_demo", stdout=again)  # a second run the same day adds no second meeting
        self.assertEqual(Activity.objects.filter(title=meeting.title).count(), 1)


class GenerateTest(TestCase):
    def test_small_scale(self):
        call_command("generate", "--scale", "small", stdout=io.StringIO())
        root = PartyOrg.objects.get(name__contains="模拟数据·small")
        self.assertGreater(PartyOrg.objects.subtree_of(root).count(), 90)
        self.assertGreater(Person.objects.filter(org_path__startswith=root.path).count(), 1000)
        root.refresh_from_db()
        self.assertGreater(root.subtree_member_count, 1000)
        output = io.StringIO()
        call_command("generate", "--scale", "small", "--if-missing", stdout=output)
        self.assertIn("跳过", output.getvalue())
