"""The pairings the seed pages report, as records (facts: sides, dates, categories; commitments in our words).

001 does not name the party organisations of the three health centres in 龙归院区党支部's 1+N pairing; they are
added as "<unit>党支部" under the district's private-medical sector committee so that the pairing has its sides.
"""

import datetime

from django.utils import timezone

from activities.models import Activity, LinkHeading
from orgs.models import Institution, OrgKind, PartyOrg

from . import services
from .models import Commitment, Pairing, PairingCategory, PairingMember

MARKER = "东莞七院—虎门南栅医院“公立+民营”党建联学共建"

# title, category, mode, lead org, partner orgs, signed, plaque, starts, plan, outcomes,
# commitments [(heading, content, owner is lead)], linked activity title
PAIRINGS = [
    (
        MARKER, "公立+民营", "1+1", "中共东莞市第七人民医院委员会", ["东莞市虎门南栅医院党支部"],
        "2024-05-22", None, "2024-05-22",
        "落实市卫生健康局“公立+民营”党建联学共建行动方案，以“五联”为主要内容开展共建。", "",
        [("政治理论联学", "两院党组织定期开展联学，交流党建工作做法", True),
         ("优势资源联享", "七院发挥精神心理专科优势，为南栅医院提供技术支持与指导", True),
         ("实践活动联办", "庆祝建党103周年，邀请南栅医院党组织到七院文创园开展主题党日", True),
         ("党员队伍联建", "两院党员互学互促，开展读书会、医患会、感想会", False),
         ("中心工作联促", "围绕党建促院建、医联体联盟共建开展探讨，服务虎门镇及周边患者", False)],
        "“公立+民营”党建联学共建见面会",
    ),
    (
        "精康龙归院区“1+N”红联共建", "红旗联盟", "1+N", "广州精康医疗集团党委龙归院区党支部",
        ["太和镇卫生院党支部", "人和镇卫生院党支部", "龙归街社区卫生服务中心党支部"],
        "2021-04-01", None, "2021-04-01",
        "以龙归院区党支部为核心，与周边卫生院、社区卫生服务中心结成红旗联盟党组织共建单位。",
        "开展人员培训、培养业务骨干、提升护理质量，建立双向转诊。",
        [("优势资源联享", "为共建单位开展业务培训、培养业务骨干", True),
         ("中心工作联促", "共建单位之间建立双向转诊通道", True),
         ("党员队伍联建", "提升共建单位护理质量", True)],
        None,
    ),
    (
        "博爱医院—港口镇党委党建共建", "院地共建", "1+1", "中共中山市博爱医院委员会", ["中共中山市港口镇委员会"],
        None, "2023-07-04", "2023-01-01", "", "",
        [("优势资源联享", "为共建单位提供“送健康”服务", True)], None,
    ),
    (
        "博爱医院—广东理工职业学院党委党建共建", "院校共建", "1+1", "中共中山市博爱医院委员会",
        ["中共广东理工职业学院委员会"], None, "2023-07-04", "2023-01-01", "", "",
        [("优势资源联享", "为共建单位提供“送健康”服务", True)], None,
    ),
    (
        "博爱医院—中山市体育运动学校党总支党建共建", "院校共建", "1+1", "中共中山市博爱医院委员会",
        ["中山市体育运动学校党总支"], None, "2023-07-04", "2023-01-01", "", "",
        [("优势资源联享", "为共建单位提供“送健康”服务", True)], None,
    ),
]  # fmt: skip
HEALTH_CENTRES = {
    "太和镇卫生院党支部": "太和镇卫生院",
    "人和镇卫生院党支部": "人和镇卫生院",
    "龙归街社区卫生服务中心党支部": "龙归街社区卫生服务中心",
}


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def health_centre_branches() -> None:
    sector = PartyOrg.objects.get(name="广州市白云区民营医疗行业党委")
    for name, unit in HEALTH_CENTRES.items():
        if not PartyOrg.objects.filter(name=name).exists():
            PartyOrg.objects.create(
                name=name, kind=OrgKind.BRANCH, parent=sector, institution=Institution.objects.get(name=unit)
            )


def load_demo_pairings() -> int:
    health_centre_branches()
    orgs = {o.name: o for o in PartyOrg.objects.all().only("id", "name", "path", "institution_id")}
    headings = {h.name: h for h in LinkHeading.objects.all()}
    now = timezone.now()
    for (title, category, mode, lead, partners, signed, plaque, starts, plan, outcomes, commitments,
         activity) in PAIRINGS:  # fmt: skip
        pairing = Pairing.objects.create(
            title=title,
            category=PairingCategory.objects.get(name=category),
            mode=mode,
            lead_org=orgs[lead],
            signed_on=_date(signed),
            plaque_on=_date(plaque),
            starts_on=_date(starts),
            plan=plan,
            outcomes=outcomes,
        )
        members = {}
        for name, is_lead in [(lead, True), *[(p, False) for p in partners]]:
            members[is_lead if is_lead else name] = PairingMember.objects.create(
                pairing=pairing,
                org=orgs[name],
                org_path=orgs[name].path,
                institution_id=orgs[name].institution_id,
                is_lead=is_lead,
                joined_on=pairing.starts_on,
                accepted_at=now,
            )
        first_partner = members[partners[0]]
        for order, (heading, content, by_lead) in enumerate(commitments):
            Commitment.objects.create(
                pairing=pairing,
                heading=headings[heading],
                content=content,
                owner=members[True] if by_lead else first_partner,
                sort_order=order,
            )
        services.update_status(pairing)
        if activity:
            Activity.objects.filter(title=activity).update(pairing=pairing)
            services.refresh_last_joint([pairing.pk])
    return len(PAIRINGS)
