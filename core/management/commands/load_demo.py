"""python manage.py load_demo: the units, organisations, people and posts of the five seed pages, demo logins
for every role, and synthetic members in the seed units' branches. Safe to run again (does nothing twice)."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import RoleGrant
from activities import demo
from activities.models import Activity
from alliances import demo as alliance_demo
from alliances.models import Alliance
from core import demo_data as D
from core.synthetic import Builder, committee_positions, save_people
from coverage import demo as coverage_demo
from dues import demo as dues_demo
from honours import demo as honours_demo
from news import demo as news_demo
from news.models import Column
from orgs import services
from orgs.models import Institution, OrgKind, PartyOrg
from pairings import demo as pairing_demo
from pairings.models import Pairing
from people.models import Membership, PartyStatus, Person, Position

MARKER = "中共中山市博爱医院委员会"


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = "载入演示数据（五篇样例报道中的单位、党组织、人员与职务）及各角色演示账号"

    def handle(self, *args, **options):
        if PartyOrg.objects.filter(name=MARKER).exists():
            self.stdout.write("演示数据已存在，跳过载入")
        else:
            with transaction.atomic():
                self._load()
        if not Activity.objects.filter(title=demo.MARKER).exists():
            with transaction.atomic():
                count, rows = demo.load_demo_activities()
            self.stdout.write(self.style.SUCCESS(f"已载入演示活动：{count} 次活动，{rows} 条出勤"))
        if demo.ensure_todays_party_day():
            self.stdout.write(self.style.SUCCESS("已为演示账号 secretary 安排今天的主题党日（可扫码签到）"))
        if not Pairing.objects.filter(title=pairing_demo.MARKER).exists():
            with transaction.atomic():
                count = pairing_demo.load_demo_pairings()
            self.stdout.write(self.style.SUCCESS(f"已载入演示共建关系：{count} 个"))
        if not Alliance.objects.filter(name=alliance_demo.MARKER).exists():
            with transaction.atomic():
                alliance_demo.load_demo_alliance()
            self.stdout.write(self.style.SUCCESS("已载入演示医联体与转诊"))
        if not Column.objects.filter(name=news_demo.MARKER).exists():
            with transaction.atomic():
                count = news_demo.load_demo_news(get_user_model().objects.filter(username="boai_admin").first())
            self.stdout.write(self.style.SUCCESS(f"已载入演示党建动态：{count} 篇"))
        if news_demo.load_demo_site():
            self.stdout.write(self.style.SUCCESS("已设置博爱医院公开网站的名称、横幅和页脚"))
        if not honours_demo.exists():
            with transaction.atomic():
                honours_demo.load_demo_honours()
                coverage_demo.load_demo_coverage()
            self.stdout.write(self.style.SUCCESS("已载入演示表彰、星级评定和两个覆盖摸排"))
        with transaction.atomic():
            if count := dues_demo.load_demo_dues():
                self.stdout.write(self.style.SUCCESS(f"已载入演示党费：第十党支部 {count} 笔交纳记录（两人欠交）"))
        self._bind_demo_authenticators()
        self._bring_messages_in_line()
        self._print_logins()

    def _bring_messages_in_line(self):
        """Demo rows are partly written in bulk (no signals): each login's 工作台 and 消息 show what they imply."""
        from workbench import demo as workbench_demo
        from workbench import reminders, waiting

        with transaction.atomic():
            workbench_demo.load_demo_waiting()
        waiting.sync_all()
        reminders.send_all()

    def _bind_demo_authenticators(self):
        """Administrators sign in with a one-time code as well: the demo's come with an authenticator already bound."""
        from accounts.security import bind_authenticator, needs_second_factor
        from core.access import user_with_access_facts

        for user in get_user_model().objects.filter(is_active=True):
            if needs_second_factor(user_with_access_facts("u.id = %s", user.pk)):
                bind_authenticator(user)

    def _load(self):
        orgs: dict[str, PartyOrg] = {}
        insts: dict[str, Institution] = {}
        placeholder = PartyOrg(name="（待定）", kind=OrgKind.COMMITTEE)
        placeholder.save()
        for key, name, ownership, kind, grade, region, parent, short in D.INSTITUTIONS:
            insts[key] = Institution(
                name=name,
                ownership=ownership,
                kind=kind,
                grade=grade,
                region_code=region,
                parent=insts.get(parent),
                short_name=short,
                managing_org=placeholder,
            )
            insts[key].save()
        for key, name, kind, parent, inst, functional, established in D.ORGS:
            org = PartyOrg(
                name=name,
                kind=kind,
                parent=orgs.get(parent),
                institution=insts.get(inst),
                is_functional=functional,
                established_on=_date(established),
            )
            org.save()
            orgs[key] = org
        for i, name in enumerate(D.BOAI_BRANCHES, start=1):
            org = PartyOrg(
                name=name,
                kind=OrgKind.BRANCH,
                parent=orgs["boai_pc"],
                institution=insts["boai"],
                term_started_on=datetime.date(2023, 3, 1),
            )
            org.save()
            orgs[f"boai_b{i}"] = org
        self._assign_managing_orgs(insts, orgs)
        placeholder.delete()
        people = self._seed_people(orgs, insts)
        self._fill_branches(orgs, insts)
        self._users(orgs, people)
        services.refresh_orgs()
        services.refresh_institutions()
        self.stdout.write(
            self.style.SUCCESS(f"已载入演示数据：{PartyOrg.objects.count()} 个党组织，{Person.objects.count()} 人")
        )

    def _assign_managing_orgs(self, insts, orgs):
        own = {o.institution_id: o for o in orgs.values() if o.institution_id}
        fallback = {
            "jk_longgui": "jk_pc",
            "jk_tonghe": "jk_pc",
            "guangji_co": "guangji_b",
            "taihe": "by_sector",
            "renhe": "by_sector",
            "longgui_chc": "by_sector",
            "dg_bureau": "dg7_pc",
            "ly_org_dept": "mengyin_pc",
            "ly_hc": "mengyin_pc",
        }
        for key, inst in insts.items():
            inst.managing_org = own.get(inst.id) or orgs[fallback[key]]
            inst.save()

    def _seed_people(self, orgs, insts) -> dict[str, Person]:
        people = {}
        for name, gender, status, posts, home in D.PEOPLE:
            person = Person(name=name, gender=gender, party_status=status, home_org=orgs[home])
            if status == PartyStatus.FORMAL:
                person.joined_on, person.confirmed_on = datetime.date(2000, 7, 1), datetime.date(2001, 7, 1)
                person.note = "入党、转正日期为演示用推定值"
            if name == "李永川":
                person.joined_on, person.confirmed_on = datetime.date(1971, 6, 20), datetime.date(1972, 6, 20)
                person.is_retired = True
                person.institution = insts["boai"]
                person.note = "2023年7月4日获颁“光荣在党50年”纪念章；入党、转正日期为演示用推定值"
            person.save()
            if person.party_status == PartyStatus.FORMAL:
                Membership(person=person, org=orgs[home], start_on=person.joined_on, reason="演示数据").save()
            for kind, title, org_key, inst_key, start, end in posts:
                Position(
                    person=person,
                    kind=kind,
                    title=title,
                    org=orgs.get(org_key),
                    institution=insts.get(inst_key),
                    start_on=_date(start),
                    end_on=_date(end),
                    dates_approximate=True,
                    note="日期为报道日期",
                ).save()
                if not person.institution_id and inst_key:
                    person.institution = insts[inst_key]
                    person.save()
            people[name] = person
        return people

    def _fill_branches(self, orgs, insts):
        """Synthetic members so that the seed units' pages look like real ones."""
        builder = Builder(seed=7)
        rng = builder.rng
        people, positions = [], []
        for key, org in orgs.items():
            if org.kind != OrgKind.BRANCH:
                continue
            size = rng.randint(4, 12) if org.parent_id is None else rng.randint(14, 46)
            region = org.institution.region_code if org.institution_id else "440000"
            batch = [builder.person(org, org.institution, region) for _ in range(size)]
            has_secretary = Position.objects.filter(org=org, title="书记").exists()
            if not has_secretary and org.kind == OrgKind.BRANCH:
                positions += committee_positions(org, batch, rng, full=key != "boai_b7")
            people += batch
        save_people(people)
        Position.objects.bulk_create(positions)

    def _users(self, orgs, people):
        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "", D.DEMO_PASSWORD, first_name="系统管理员")
        for username, full_name, role, org_key, person_name in D.DEMO_USERS:
            user = User.objects.create_user(username, password=D.DEMO_PASSWORD, first_name=full_name)
            RoleGrant(user=user, org=orgs[org_key], role=role).save()
            if person_name == D.BRANCH_MEMBER:  # a generated member of the branch, not one who holds a post
                person = (
                    Person.objects.filter(home_org=orgs[org_key], party_status=PartyStatus.FORMAL, user__isnull=True)
                    .exclude(positions__isnull=False)
                    .order_by("name_pinyin", "id")
                    .first()
                )
                user.first_name = f"{person.name}（{full_name}）"
                user.save(update_fields=["first_name"])
            else:
                person = people.get(person_name) if person_name else None
            if person is not None:
                person.user = user
                person.save()

    def _print_logins(self):
        from core.access import Role

        self.stdout.write(f"\n演示账号（密码均为 {D.DEMO_PASSWORD}）：")
        self.stdout.write(
            "  管理员账号（admin 及单位、行业管理员）登录后还要输入验证器上的6位验证码：演示时运行\n"
            "  .venv/bin/python manage.py demo_otp_code 用户名  查看当前验证码（或把它打印的密钥添加到手机验证器 App）"
        )
        self.stdout.write(f"  {'admin':<12} 系统管理员（超级用户，可进入 /admin/）")
        names = dict(get_user_model().objects.values_list("username", "first_name"))
        for username, full_name, role, _org, _person in D.DEMO_USERS:
            self.stdout.write(f"  {username:<12} {Role(role).label:<12} {names.get(username) or full_name}")
        boai = PartyOrg.objects.filter(name=MARKER).values_list("pk", flat=True).first()
        if boai:
            self.stdout.write(f"博爱医院的公开党建动态网站（无需登录）：/news/site/{boai}/")
