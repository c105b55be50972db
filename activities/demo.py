"""The activities the seed pages report, as records (facts only: dates, organisers, people, roles, counts).

Times the pages give as "下午" are recorded at 14:30 and say so in the summary; talk titles are the short titles
the pages name. Synthetic organisational life fills the seed units' branches so that ledgers and compliance
pages look like a real year's.
"""

import datetime

from django.utils import timezone

from orgs.models import Institution, PartyOrg
from people.models import Person

from . import compliance, services
from .models import Activity, ActivityKind, Attendance, GuestGroup, LinkHeading, Outcome, Speaker
from .synthetic import all_branches, generate_activities

MARKER = "白云区医疗行业党建工作座谈会"
ALL_LINKS = object()

# title, kind code, lead org name, co-organiser names, start, end, place, headcount, host, summary, links,
# speakers [(name, role, topic)], guests [(unit, count)], outcomes [(label, value, unit)], named attendees
ACTIVITIES = [
    (
        "“公立+民营”党建联学共建见面会",
        "joint_meeting",
        "东莞市虎门南栅医院党支部",
        ["中共东莞市第七人民医院委员会"],
        "2024-05-22T14:30",
        None,
        "东莞市虎门南栅医院",
        None,
        "王明新",
        "落实市卫生健康局“公立+民营”党建联学共建行动；双方围绕“五联”开展交流，七院在精神心理专科提供技术支持，"
        "并邀请南栅医院党组织到七院文创园开展建党103周年主题党日。",
        ALL_LINKS,
        [("王明新", "host", "介绍本院党建工作"), ("吉赵勇", "address", ""), ("黄俊河", "speech", ""),
         ("朱宝森", "speech", ""), ("潘海恩", "speech", "")],
        [("东莞市第七人民医院职能部门、临床医技科室及党员代表", 0)],
        [],
        ["潘海恩", "刘俊彪", "潘翠芬", "何婉婷", "林远龙", "黄俊河", "朱宝森", "王明新", "吉赵勇"],
    ),
    (
        MARKER,
        "symposium",
        "广州市白云区民营医疗行业党委",
        [],
        "2023-07-10T14:30",
        None,
        "",
        60,
        "何耀东",
        "区属医疗卫生单位分管党建工作的领导、民营医疗机构党组织负责人、行业党委委员、民营医疗机构协会负责人约60人参加。",
        ["实践活动联办", "优势资源联享"],
        [("何耀东", "host", "介绍区民营医疗行业党委组建情况"), ("周用棣", "share", "党建引领“特困民企”走出困境"),
         ("何勇", "share", "红联共建“1+N”模式工作开展情况"), ("丘小筠", "summary", "")],
        [],
        [],
        ["何耀东", "丘小筠", "周用棣", "何勇", "周怡", "冯秀娟"],
    ),
    (
        "庆祝建党102周年暨党建工作总结大会",
        "commendation",
        "中共中山市博爱医院委员会",
        [],
        "2023-07-04T14:30",
        None,
        "中山市博爱医院",
        180,
        None,
        "党政班子成员、党建共建单位党员代表、结对社区党员代表、党支部书记及委员、党员代表等180余人参加；"
        "为共建单位授牌，为退休党员李永川颁发“光荣在党50年”纪念章，表彰先进党支部和优秀党员。",
        ["政治理论联学", "党员队伍联建"],
        [("欧阳刚劲", "lecture", "扎实公立医院党建工作，促进医院高质量发展"), ("雷继敏", "speech", "2022-2023年度党建工作总结"),
         ("高建慧", "present", "宣读表彰决定"), ("何淑华", "share", "先进党支部经验分享"),
         ("潘晓芬", "share", "先进党支部经验分享"), ("杨春晖", "share", "先进党支部经验分享")],
        [("中共中山市港口镇委员会", 0), ("中共广东理工职业学院委员会", 0), ("中山市体育运动学校党总支", 0)],
        [],
        ["雷继敏", "高建慧", "史妙丽", "戴志斌", "甘玉杰", "罗红珊", "李永川", "何淑华", "潘晓芬", "杨春晖", "欧阳刚劲"],
    ),
    (
        "“践行党的二十大精神，同心向党庆七一”书画摄影作品展",
        "exhibition",
        "中共中山市博爱医院委员会",
        ["中共中山市港口镇委员会", "中共广东理工职业学院委员会", "中山市体育运动学校党总支"],
        "2023-06-28T09:00",
        None,
        "中山市博爱医院教学楼一楼",
        None,
        None,
        "医院党委联合党建共建单位征集书画、摄影作品，自6月28日起展出。",
        ["实践活动联办"],
        [],
        [],
        [("展出作品", 100, "件")],
        [],
    ),
]  # fmt: skip


def _at(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    return datetime.datetime.fromisoformat(value).replace(tzinfo=timezone.get_current_timezone())


def load_seed_activities() -> int:
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    links = {link.name: link for link in LinkHeading.objects.all()}
    orgs = {o.name: o for o in PartyOrg.objects.all().only("id", "name", "path")}
    people = {p.name: p for p in Person.objects.filter(name__in=_named_people())}
    institutions = {i.name: i for i in Institution.objects.all().only("id", "name")}
    touched = set()
    for (title, kind, lead, co, start, end, place, headcount, host, summary, link_names, speakers, guests,
         outcomes, attendees) in ACTIVITIES:  # fmt: skip
        activity = Activity(
            title=title,
            kind=kinds[kind],
            lead_org=orgs[lead],
            starts_at=_at(start),
            ends_at=_at(end),
            place=place,
            headcount=headcount,
            host=people.get(host),
            summary=summary,
        )
        activity.save()
        activity.links.set(list(links.values()) if link_names is ALL_LINKS else [links[n] for n in link_names])
        touched |= set(services.set_organisers(activity, [orgs[lead], *[orgs[n] for n in co]]))
        for order, (name, role, topic) in enumerate(speakers):
            person = people.get(name)
            post = services.posts_on(person.pk, activity.date) if person else ""
            Speaker.objects.create(
                activity=activity, person=person, name=name, role=role, topic=topic, post=post, sort_order=order
            )
        for unit, count in guests:
            GuestGroup.objects.create(
                activity=activity, unit_name=unit, count=count, institution=institutions.get(unit)
            )
        for label, value, unit in outcomes:
            Outcome.objects.create(activity=activity, label=label, value=value, unit=unit)
        Attendance.objects.bulk_create(
            Attendance(
                activity=activity,
                person=people[name],
                org_path=people[name].org_path,
                starts_at=activity.starts_at,
                expected=False,
                status="present",
                method="secretary",
                checked_in_at=activity.starts_at,
            )
            for name in attendees
            if name in people
        )
        services.recount(activity)
    compliance.refresh_branches(touched)
    return len(ACTIVITIES)


def _named_people() -> set[str]:
    names = set()
    for row in ACTIVITIES:
        names |= {row[8]} | {s[0] for s in row[11]} | set(row[14])
    return names - {None}


def load_demo_activities(months: int = 18) -> tuple[int, int]:
    """Seed activities plus synthetic organisational life for the demo's branches (not the generated ones)."""
    seeds = load_seed_activities()
    demo_roots = PartyOrg.objects.filter(parent__isnull=True).exclude(name__contains="模拟数据")
    branches = []
    for root in demo_roots:
        branches += all_branches(root)
    count, rows = generate_activities(branches, months, seed=2023)
    upcoming_party_day(SECRETARY_BRANCH)
    compliance.rebuild_all()
    return seeds + count + 1, rows


PARTY_DAY_TITLE = "主题党日：重温入党誓词（演示：可扫码签到）"
SECRETARY_BRANCH = "中山市博爱医院第十党支部"


def ensure_todays_party_day() -> Activity | None:
    """`make run` on a later day: the demo secretary has a meeting to check in to again (None if one exists)."""
    start, end = services.local_bounds(timezone.localdate(), timezone.localdate())
    org = PartyOrg.objects.filter(name=SECRETARY_BRANCH).first()
    if org is None or Activity.objects.filter(lead_org=org, title=PARTY_DAY_TITLE, starts_at__gte=start,
                                              starts_at__lt=end).exists():  # fmt: skip
        return None
    return upcoming_party_day(SECRETARY_BRANCH)


def upcoming_party_day(org_name: str) -> Activity:
    """Today's 主题党日 of the demo secretary's branch, starting within the hour: the QR check-in works at once."""
    org = PartyOrg.objects.get(name=org_name)
    now = timezone.localtime()
    start = (now + datetime.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    if start.date() != now.date():  # late in the evening: the meeting began this hour
        start -= datetime.timedelta(hours=1)
    activity = Activity(
        title=PARTY_DAY_TITLE,
        kind=ActivityKind.objects.get(code="party_day"),
        lead_org=org,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="党员活动室",
    )
    activity.save()
    services.set_organisers(activity, [org])
    services.sync_roll(activity)
    return activity
