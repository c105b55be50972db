"""Demo recognition records from the seeds' facts: 蒙阴县人民医院党委 named a 全市公立医院党建工作示范点 on
2022-08-09 by 临沂市委组织部 and 市卫健委党组 (10 in the city) with its 星级党支部, 党员先锋岗 and 双带头人 work;
博爱医院's 2023 commendations (先进党支部 for the branches whose members shared experience) and 李永川's
光荣在党50年 medal. The 蒙阴 branches, their members and scores are invented for the demo."""

import datetime

from core.synthetic import Builder, committee_positions, save_people
from orgs import services as org_services
from orgs.models import OrgKind, PartyOrg
from people.models import Person, Position

from . import services
from .models import (
    Assessment,
    AssessmentScheme,
    AssessmentStatus,
    BatchStatus,
    Honour,
    HonourKind,
    Indicator,
    NominationBatch,
    SchemeStatus,
)  # fmt: skip

MARKER = "全市公立医院党建工作示范点（2022年）"
MENGYIN_BRANCHES = ["蒙阴县人民医院机关党支部", "蒙阴县人民医院内科党支部", "蒙阴县人民医院外科党支部",
                    "蒙阴县人民医院医技党支部", "蒙阴县人民医院护理党支部"]  # fmt: skip
# indicator code, name, points, evidence
INDICATORS = [
    ("1", "组织设置规范，班子健全", 15, "支委会组成与分工"), ("2", "三会一课、主题党日按期开展", 25, "台账与会议记录"),
    ("3", "党员教育管理，亮身份、先锋岗", 20, "先锋岗名单与照片"), ("4", "党建与业务融合（双带头人）", 20, "学科带头人认定"),
    ("5", "为群众办实事成效", 20, "服务记录"),
]  # fmt: skip
SCORES = [[14, 24, 19, 18, 19], [13, 22, 18, 17, 17], [12, 20, 16, 15, 15], [11, 18, 14, 14, 13], [14, 23, 17, 19, 18]]


def load_demo_honours() -> None:
    mengyin = PartyOrg.objects.filter(name="中共蒙阴县人民医院委员会").first()
    if mengyin is not None:
        _mengyin(mengyin)
    _boai()


def _mengyin(mengyin: PartyOrg) -> None:
    linyi = PartyOrg.objects.create(name="中共临沂市卫生健康委员会党组", kind=OrgKind.WORKING_COMMITTEE)
    site = HonourKind.objects.get(code="demonstration_site")
    batch = NominationBatch.objects.create(
        kind=site, title=MARKER, issuer_org=linyi, issuer="中共临沂市委组织部、中共临沂市卫生健康委员会党组",
        level="city", year=2022, quota=10, status=BatchStatus.CLOSED,
    )  # fmt: skip
    services.record_honour(Honour(kind=site, org=mengyin, issuer=batch.issuer, level="city", year=2022,
                                  awarded_on=datetime.date(2022, 8, 9), batch=batch,
                                  note="《关于命名全市公立医院党建工作示范点的通报》，全市10家"))  # fmt: skip
    branches = _mengyin_branches(mengyin)
    vanguard = HonourKind.objects.get(code="vanguard_post")
    for branch, post in zip(branches[1:4], ["急诊科", "心内科", "手术室"], strict=True):
        services.record_honour(Honour(kind=vanguard, org=branch, post_name=f"{post}党员先锋岗", issuer="中共蒙阴县人民医院委员会",
                                      level="unit", year=2022, awarded_on=datetime.date(2022, 7, 1)))  # fmt: skip
    _mengyin_scheme(mengyin, branches)


def _mengyin_branches(mengyin: PartyOrg) -> list[PartyOrg]:
    builder = Builder(seed=2022)
    branches, people, positions = [], [], []
    for name in MENGYIN_BRANCHES:
        branch = PartyOrg.objects.create(
            name=name, kind=OrgKind.BRANCH, parent=mengyin, institution=mengyin.institution
        )
        batch = [builder.person(branch, mengyin.institution, "371328") for _ in range(builder.rng.randint(12, 30))]
        positions += committee_positions(branch, batch, builder.rng, full=True)
        branches.append(branch)
        people += batch
    save_people(people)
    Position.objects.bulk_create(positions)
    secretaries = Position.objects.filter(org__in=branches[:4], title="书记").values_list("person_id", flat=True)
    Person.objects.filter(pk__in=list(secretaries)).update(is_dual_leader=True)  # 4 of 5 branches: 双带头人
    org_services.refresh_orgs()
    return branches


def _mengyin_scheme(mengyin: PartyOrg, branches: list[PartyOrg]) -> None:
    scheme = AssessmentScheme.objects.create(
        name="2022年度星级党支部评定", year=2022, issuer_org=mengyin, bands=[[90, 5], [80, 4], [70, 3], [60, 2], [0, 1]],
        satisfaction_weight="0.10", target_distribution={"5": 0.2, "4": 0.4, "3": 0.4},
    )  # fmt: skip
    indicators = [Indicator.objects.create(scheme=scheme, code=c, name=n, points=p, evidence=e, sort_order=i)
                  for i, (c, n, p, e) in enumerate(INDICATORS)]  # fmt: skip
    services.open_scheme(scheme)
    for branch, scores in zip(branches, SCORES, strict=True):
        assessment = Assessment.objects.get(scheme=scheme, org=branch)
        total = sum(scores)
        for indicator, score in zip(indicators, scores, strict=True):
            assessment.scores.create(indicator=indicator, self_score=score, review_score=score)
        final = round(total * 0.9 + 92 * 0.1, 1)
        assessment.self_score = assessment.review_score = total
        assessment.satisfaction, assessment.final_score = 92, final
        assessment.stars, assessment.status = scheme.stars_for(final), AssessmentStatus.PUBLISHED
        assessment.save()
    scheme.status = SchemeStatus.PUBLISHED
    scheme.save(update_fields=["status"])


def _boai() -> None:
    boai = PartyOrg.objects.filter(name="中共中山市博爱医院委员会").first()
    if boai is None:
        return
    advanced = HonourKind.objects.get(code="advanced_branch")
    for number in ("四", "十", "十一"):
        branch = PartyOrg.objects.filter(name=f"中山市博爱医院第{number}党支部").first()
        if branch is not None:
            services.record_honour(Honour(kind=advanced, org=branch, issuer="中共中山市博爱医院委员会", level="unit",
                                          year=2023, awarded_on=datetime.date(2023, 7, 4)))  # fmt: skip
    veteran = Person.objects.filter(name="李永川", home_org=boai).first()
    if veteran is not None:
        services.record_honour(Honour(kind=services.golden_kind(), person=veteran, issuer="中共中山市博爱医院委员会",
                                      level="unit", year=2023, awarded_on=datetime.date(2023, 7, 4),
                                      note="庆祝建党102周年暨党建工作总结大会上颁发"))  # fmt: skip


def exists() -> bool:
    return NominationBatch.objects.filter(title=MARKER).exists() or Honour.objects.filter(
        year=2023, kind__code="golden_50", person__name="李永川").exists()  # fmt: skip
