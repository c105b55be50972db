"""Bench fixtures: a 党委 with 100 branches, a sector-admin session and token (--info), a people xlsx."""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
os.environ.setdefault("GONGJIAN_LOCAL", "1")  # generated keys in the data dir (gongjian/keys.py)

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import RoleGrant  # noqa: E402
from core.access import Role  # noqa: E402
from core.synthetic import Builder, bulk_institutions, bulk_orgs, committee_positions, save_people  # noqa: E402
from orgs import services  # noqa: E402
from orgs.models import Institution, OrgKind, PartyOrg  # noqa: E402
from people.models import Position  # noqa: E402

BIG = "中共基准测试大型医院委员会"
LEDGER_BRANCH = "基准测试大型医院台账党支部"
CHECKIN = "基准测试扫码签到主题党日"


def root():
    return PartyOrg.objects.filter(name__contains="模拟数据").order_by("id").first()


@transaction.atomic
def build_big_committee():
    if PartyOrg.objects.filter(name=BIG).exists():
        return
    sector = root()
    city = sector.children.order_by("id").first()
    builder = Builder(seed=99)
    org = bulk_orgs([PartyOrg(name=BIG, kind=OrgKind.COMMITTEE, parent=city)])[0]
    inst = bulk_institutions(
        [Institution(name="基准测试大型医院", kind="hospital", region_code="440100", managing_org=org)]
    )[0]
    PartyOrg.objects.filter(pk=org.pk).update(institution=inst)
    branches = bulk_orgs(
        [
            PartyOrg(name=f"基准测试大型医院第{i + 1}党支部", kind=OrgKind.BRANCH, parent=org, institution=inst)
            for i in range(100)
        ]
    )
    people, positions = [], []
    for branch in branches:
        batch = [builder.person(branch, inst, "440100") for _ in range(25)]
        positions += committee_positions(branch, batch, builder.rng, full=True)
        people += batch
    save_people(people)
    Position.objects.bulk_create(positions)
    services.refresh_orgs([org.pk, city.pk, sector.pk, *[b.pk for b in branches]])
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench_admin")
    RoleGrant.objects.get_or_create(user=admin, org=sector, role=Role.SECTOR_ADMIN)
    build_ledger_branch(org, inst, builder)


def build_ledger_branch(committee, inst, builder):
    """A branch of 50 members with 60 meetings last year (the issue's .docx yardstick), and a meeting open for
    QR check-in now, with a member who has a login."""
    import datetime

    from django.utils import timezone

    from activities import services as activity_services
    from activities.models import Activity, ActivityKind
    from activities.synthetic import generate_activities

    branch = bulk_orgs([PartyOrg(name=LEDGER_BRANCH, kind=OrgKind.BRANCH, parent=committee, institution=inst)])[0]
    members = [builder.person(branch, inst, "440100", "formal") for _ in range(50)]
    save_people(members)
    Position.objects.bulk_create(committee_positions(branch, members, builder.rng, full=True))
    last_year = datetime.date(timezone.localdate().year - 1, 12, 31)
    for seed in range(2):  # two passes of a year's plan (about 31 meetings each): about 60 meetings
        generate_activities([branch], 12, seed=seed, today=last_year)
    start = timezone.now() - datetime.timedelta(minutes=10)
    activity = Activity(
        title=CHECKIN, kind=ActivityKind.objects.get(code="party_day"), lead_org=branch, starts_at=start
    )
    activity.save()
    activity_services.set_organisers(activity, [branch])
    activity_services.sync_roll(activity)
    member = get_user_model().objects.create_user("bench_member")
    members[0].user = member
    members[0].save()


def session_for(user) -> str:
    """A signed-in session as the sign-in pages leave it: the second factor passed for administrators, the idle
    clock started."""
    import time

    from accounts.security import LAST_SEEN_SESSION_KEY, OTP_SESSION_KEY, bind_authenticator, needs_second_factor
    from core.access import user_with_access_facts

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "accounts.backends.GrantsModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session[LAST_SEEN_SESSION_KEY] = int(time.time())
    if needs_second_factor(user_with_access_facts("u.id = %s", user.pk)):
        session[OTP_SESSION_KEY] = bind_authenticator(user).persistent_id
    session.create()
    return session.session_key


def role_user(username: str, org: PartyOrg, role: int):
    user, _ = get_user_model().objects.get_or_create(username=username)
    RoleGrant.objects.get_or_create(user=user, org=org, role=role)
    return user


def fill_messages(user, count: int = 5000) -> None:
    """A busy administrator's message history (a fifth unread): what the header count and the centre read."""
    from workbench.models import Kind, Notice

    have = Notice.objects.filter(user=user).count()
    if have >= count:
        return
    kinds = Kind.values
    Notice.objects.bulk_create(
        [Notice(user=user, kind=kinds[i % len(kinds)], title=f"模拟消息 {i}", url="/", target_type="bench.item",
                target_id=i, read_at=None if i % 5 == 0 else timezone.now()) for i in range(have, count)],
        batch_size=2000,
    )  # fmt: skip


def info():
    admin = get_user_model().objects.get(username="bench_admin")
    token, _ = Token.objects.get_or_create(user=admin)
    city = root().children.order_by("id").first()
    member = get_user_model().objects.get(username="bench_member")
    from django.utils import timezone

    from activities.checkin import make_token
    from activities.models import Activity
    from pairings.models import Pairing

    checkin = Activity.objects.get(title=CHECKIN)
    pairing = Pairing.objects.filter(mode="1+N", title__startswith="模拟共建").order_by("id").first()
    region = city.institution.region_code[:4] if city.institution_id else "4402"
    ledger_branch = PartyOrg.objects.get(name=LEDGER_BRANCH)
    busy_person = member.person.pk
    from coverage.models import SurveyRound
    from honours.models import AssessmentScheme
    from news.models import Article, Column

    column = Column.objects.filter(name="党建动态（模拟）").order_by("id").first()
    article = Article.objects.filter(column=column, status="published").order_by("-published_at").first()
    fill_messages(admin)
    unit_admin = role_user("bench_unit_admin", PartyOrg.objects.get(name=BIG), Role.UNIT_ADMIN)
    secretary = role_user("bench_secretary", ledger_branch, Role.SECRETARY)
    print(
        json.dumps(
            {
                "unit_session": session_for(unit_admin),
                "secretary_session": session_for(secretary),
                "survey": SurveyRound.objects.filter(previous__isnull=False)
                .order_by("-id")
                .values_list("id", flat=True)
                .first(),
                "scheme": AssessmentScheme.objects.order_by("-id").values_list("id", flat=True).first(),
                "site_unit": column.org_id if column else None,
                "column": column.pk if column else None,
                "article": article.pk if article else None,
                "common_word": "医院",
                "common_words": "党员 医院",
                "search_words": "主题党日 志愿服务",
                "session": session_for(admin),
                "token": token.key,
                "big_committee": PartyOrg.objects.get(name=BIG).pk,
                "city": city.pk,
                "search": "王",
                "initials": "wx",
                "member_session": session_for(member),
                "checkin_token": make_token(checkin.pk),
                "ledger_branch": ledger_branch.pk,
                "ledger_year": timezone.localdate().year - 1,
                "year": timezone.localdate().year,
                "month": timezone.localdate().month,
                "sector": root().pk,
                "busy_person": busy_person,
                "pairing": pairing.pk if pairing else None,
                "region": region,
            }
        )
    )


def import_file(path: str, rows: int):
    """A people sheet of new members spread over the branches of the first city (realistic names, IDs, phones)."""
    from openpyxl import Workbook

    from core.validators import birth_date_from_id
    from imports.people_import import PeopleImport

    branches = list(
        PartyOrg.objects.filter(kind=OrgKind.BRANCH, path__startswith=root().path)
        .exclude(name__startswith="基准")
        .values_list("id", flat=True)[:300]
    )
    builder = Builder(seed=2025, with_pii=False)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员")
    sheet.append(list(PeopleImport.field_labels().values()))
    for i in range(rows):
        person = builder.person(PartyOrg(path=""), None, "440300", "formal")
        idn = builder.id_number("440300", person.birth_date, person.gender)
        birth = birth_date_from_id(idn)
        sheet.append(
            [
                "",
                person.name,
                "男" if person.gender == "M" else "女",
                birth.isoformat(),
                idn,
                builder.phone(),
                "正式党员",
                person.joined_on.isoformat(),
                person.confirmed_on.isoformat(),
                str(branches[i % len(branches)]),
                "",
                "内科",
                "",
                "大学本科",
                "汉族",
            ]
        )
    workbook.save(path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--info", action="store_true")
    parser.add_argument("--import-file")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    if args.info:
        info()
    elif args.import_file:
        import_file(args.import_file, args.rows)
    else:
        build_big_committee()
