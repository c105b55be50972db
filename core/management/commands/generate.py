"""python manage.py generate --scale small|province|national: realistic synthetic registry data."""

import datetime
import time

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from activities import compliance
from activities.synthetic import all_branches, generate_activities
from core.bulk import foreign_keys_checked_at_end, reused_plans
from core.synthetic import GRADES, Builder, bulk_institutions, bulk_orgs, committee_positions, save_people
from news import synthetic as news_synthetic
from orgs import services
from orgs.models import Institution, OrgKind, PartyOrg
from pairings import synthetic as synthetic_cooperation
from people.models import PartyStatus, Position

# months of organisational life generated for every branch
ACTIVITY_MONTHS = {"small": 12, "province": 24, "national": 24}
# cities: how many; hospitals per city; branches per hospital; members per branch; private units per city
SCALES = {
    "small": (2, 4, 10, 18, 12),
    "province": (20, 25, 19, 30, 60),
    "national": (200, 25, 19, 30, 60),
}
CITIES = [
    ("韶关市", "440200"),
    ("珠海市", "440400"),
    ("汕头市", "440500"),
    ("佛山市", "440600"),
    ("江门市", "440700"),
    ("湛江市", "440800"),
    ("茂名市", "440900"),
    ("肇庆市", "441200"),
    ("惠州市", "441300"),
    ("梅州市", "441400"),
    ("汕尾市", "441500"),
    ("河源市", "441600"),
    ("阳江市", "441700"),
    ("清远市", "441800"),
    ("潮州市", "445100"),
    ("揭阳市", "445200"),
    ("云浮市", "445300"),
    ("长沙市", "430100"),
    ("株洲市", "430200"),
    ("湘潭市", "430300"),
    ("衡阳市", "430400"),
    ("邵阳市", "430500"),
    ("岳阳市", "430600"),
    ("常德市", "430700"),
    ("南宁市", "450100"),
]
HOSPITAL_NAMES = [
    "第一人民医院",
    "第二人民医院",
    "第三人民医院",
    "中医院",
    "妇幼保健院",
    "人民医院",
    "中心医院",
    "骨科医院",
    "精神卫生中心",
    "口腔医院",
    "肿瘤医院",
    "传染病医院",
    "康复医院",
    "眼科医院",
    "儿童医院",
]
PRIVATE_NAMES = [
    "仁爱医院",
    "康宁医院",
    "博济门诊部",
    "华康诊所",
    "安心医院",
    "德济医院",
    "民生口腔门诊部",
    "惠民中医诊所",
    "同心医院",
    "长青康复医院",
    "明德眼科医院",
    "和美妇产医院",
]


class Command(BaseCommand):
    help = "生成模拟数据：--scale small（数秒，测试用）| province | national"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--seed", type=int, default=20240522)
        parser.add_argument("--province", default="广东省")
        parser.add_argument("--no-pii", action="store_true", help="不生成身份证号和手机号（更快）")
        parser.add_argument("--if-missing", action="store_true", help="已生成过则跳过（不报错）")
        parser.add_argument("--activity-months", type=int, help="生成最近几个月的组织生活（默认按规模；0 为不生成）")

    def handle(self, *args, scale, seed, province, no_pii, if_missing, activity_months, **options):
        root_name = f"{province}卫生健康行业党委（模拟数据·{scale}）"
        if PartyOrg.objects.filter(name=root_name).exists():
            if if_missing:
                self.stdout.write(f"“{root_name}”已存在，跳过")
                return
            raise CommandError(f"已存在“{root_name}”，该规模的模拟数据已生成")
        started = time.monotonic()
        builder = Builder(seed=seed, with_pii=not no_pii)
        cities, hospitals, branches, members, private = SCALES[scale]
        with transaction.atomic(), reused_plans(), foreign_keys_checked_at_end(apps.get_models()):
            root = bulk_orgs([PartyOrg(name=root_name, kind=OrgKind.SECTOR_COMMITTEE, is_functional=True)])[0]
            totals = {"orgs": 1, "people": 0}
            for index in range(cities):
                city, code = CITIES[index % len(CITIES)]
                if index >= len(CITIES):
                    city = f"{city}（{index // len(CITIES) + 1}）"
                self._city(builder, root, city, code, hospitals, branches, members, private, totals)
                self.stdout.write(f"  {city}：累计 {totals['orgs']} 个党组织，{totals['people']} 人")
            services.refresh_orgs()
            services.refresh_institutions()
            months = ACTIVITY_MONTHS[scale] if activity_months is None else activity_months
            if months:
                count, rows = generate_activities(all_branches(root), months, seed=seed)
                totals["activities"], totals["attendance"] = count, rows
                compliance.rebuild_all()
            made = synthetic_cooperation.generate_cooperation(root, *synthetic_cooperation.SCALES[scale])
            totals["pairings"], totals["referrals"] = made["pairings"], made["referrals"]
            totals["articles"] = news_synthetic.generate_news(root, news_synthetic.SCALES[scale])
            news_synthetic.index_activities()
        call_command("generate_oversight", "--scale", scale, stdout=self.stdout)
        call_command("generate_lifecycle", stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：{totals['orgs']} 个党组织，{totals['people']} 人，{totals.get('activities', 0)} 次活动，"
                f"{totals.get('attendance', 0)} 条出勤，{totals['pairings']} 个共建关系，{totals['referrals']} 条转诊，{totals['articles']} 篇文章，"
                f"用时 {time.monotonic() - started:.1f} 秒"
            )
        )

    def _city(self, builder, root, city, code, hospitals, branches, members, private, totals):
        rng = builder.rng
        bureau_org, sector_org = bulk_orgs(
            [
                PartyOrg(name=f"{city}卫生健康局直属机关党委", kind=OrgKind.COMMITTEE, parent=root),
                PartyOrg(
                    name=f"{city}民营医疗行业党委", kind=OrgKind.SECTOR_COMMITTEE, parent=root, is_functional=True
                ),
            ]
        )
        bureau = bulk_institutions(
            [Institution(name=f"{city}卫生健康局", kind="health_bureau", region_code=code, managing_org=bureau_org)]
        )[0]
        PartyOrg.objects.filter(pk=bureau_org.pk).update(institution=bureau)
        term = builder.date_between(datetime.date(2020, 1, 1), datetime.date(2024, 6, 30))
        hospital_orgs, hospital_insts = [], []
        for h in range(hospitals):
            name = f"{city}{HOSPITAL_NAMES[h % len(HOSPITAL_NAMES)]}" + (
                f"（{h // len(HOSPITAL_NAMES) + 1}院区）" if h >= len(HOSPITAL_NAMES) else ""
            )
            hospital_orgs.append(
                PartyOrg(
                    name=f"中共{name}委员会",
                    kind=OrgKind.COMMITTEE,
                    parent=bureau_org,
                    term_started_on=builder.date_between(datetime.date(2019, 6, 1), term),
                )
            )
            hospital_insts.append(
                Institution(
                    name=name,
                    kind="hospital",
                    ownership="public",
                    region_code=code,
                    grade=rng.choice(GRADES),
                    managing_org=hospital_orgs[-1],
                    staff_count=rng.randint(300, 3000),
                )
            )
        bulk_orgs(hospital_orgs)
        bulk_institutions(hospital_insts)
        for org, inst in zip(hospital_orgs, hospital_insts):
            org.institution = inst
        PartyOrg.objects.bulk_update(hospital_orgs, ["institution"])
        branch_rows = []
        for org, inst in zip(hospital_orgs, hospital_insts):
            for b in range(branches):
                dept = ["内科", "外科", "妇儿", "医技", "护理", "行政", "后勤", "离退休", "门急诊", "药学"][b % 10]
                branch_rows.append(
                    PartyOrg(
                        name=f"{inst.name}{dept}第{b + 1}党支部",
                        kind=OrgKind.BRANCH,
                        parent=org,
                        institution=inst,
                        term_started_on=builder.date_between(datetime.date(2021, 1, 1), term),
                    )
                )
        bulk_orgs(branch_rows)
        people, positions = [], []
        for branch in branch_rows:
            count = max(2, int(rng.gauss(members, members / 3)))
            batch = [builder.person(branch, branch.institution, code) for _ in range(count)]
            positions += committee_positions(branch, batch, rng, full=rng.random() < 0.9)
            people += batch
        for org, inst in zip(hospital_orgs, hospital_insts):
            batch = [builder.person(org, inst, code, PartyStatus.FORMAL) for _ in range(5)]
            for person, title in zip(batch, ["书记", "副书记", "纪检委员", "委员", "委员"]):
                positions.append(
                    Position(
                        person=person,
                        kind="party",
                        title=title,
                        org=org,
                        org_path=org.path,
                        start_on=org.term_started_on,
                    )
                )
            positions.append(
                Position(
                    person=batch[1],
                    kind="admin",
                    title="院长",
                    institution=inst,
                    org_path=org.path,
                    start_on=org.term_started_on,
                )
            )
            people += batch
        people += self._private_units(builder, sector_org, city, code, private)
        save_people(people)
        Position.objects.bulk_create(positions, batch_size=2000)
        totals["orgs"] += 2 + len(hospital_orgs) + len(branch_rows) + self._private_org_count
        totals["people"] += len(people)

    def _private_units(self, builder, sector_org, city, code, count):
        """Private units: some with their own branch, some in joint branches, some without any (应建未建)."""
        rng = builder.rng
        units = bulk_institutions(
            [
                Institution(
                    name=f"{city}{PRIVATE_NAMES[i % len(PRIVATE_NAMES)]}"
                    + (f"{i // len(PRIVATE_NAMES) + 1}号" if i >= len(PRIVATE_NAMES) else ""),
                    kind=rng.choice(["hospital", "clinic", "clinic"]),
                    ownership="private",
                    region_code=code,
                    managing_org=sector_org,
                    staff_count=rng.randint(8, 400),
                )
                for i in range(count)
            ]
        )
        own, joint_groups, none = units[: count // 3], units[count // 3 : 2 * count // 3], units[2 * count // 3 :]
        own_orgs = bulk_orgs(
            [PartyOrg(name=f"{u.name}党支部", kind=OrgKind.BRANCH, parent=sector_org, institution=u) for u in own]
        )
        groups = [joint_groups[i : i + rng.randint(3, 6)] for i in range(0, len(joint_groups), 5)]
        joint_orgs = bulk_orgs(
            [
                PartyOrg(
                    name=f"{g[0].name}等{len(g)}家单位联合党支部",
                    kind=OrgKind.JOINT_BRANCH,
                    parent=sector_org,
                    institution=g[0],
                )
                for g in groups
                if g
            ]
        )
        for org, group in zip(joint_orgs, [g for g in groups if g]):
            org.joint_institutions.set(group[1:])
        self._private_org_count = len(own_orgs) + len(joint_orgs)
        people = []
        for org in own_orgs:
            people += [builder.person(org, org.institution, code) for _ in range(rng.randint(2, 9))]
        for org, group in zip(joint_orgs, [g for g in groups if g]):
            for unit in group:
                people += [builder.person(org, unit, code) for _ in range(rng.randint(1, 2))]
        for unit in none:
            # Formal members on the staff whose relationship sits with the sector committee.
            people += [builder.person(sector_org, unit, code, PartyStatus.FORMAL) for _ in range(rng.randint(0, 4))]
        return people
