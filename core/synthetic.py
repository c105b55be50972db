"""Realistic synthetic registry data at any scale, written with bulk inserts.

Used by `generate --scale small|province|national` and to fill the seed units' branches in the demo.
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field

from core import crypto
from core.text import normalise, pinyin_keys, search_keys
from core.validators import birth_date_from_id, id_check_digit, mask_id_number, mask_phone
from orgs.models import SEGMENT_WIDTH, Institution, PartyOrg, path_segment
from people.models import Membership, PartyStatus, Person, Position, PositionKind

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红玲芬燕彬斌婷雪梅鑫晶慧颖琳欣怡然浩宇轩博文思"
    "佳子涵雨晨嘉俊豪晓东海建国志新春卫健康宁安乐永川继荣家辉耀佩珊"
)
DEPARTMENTS = [
    "内科",
    "外科",
    "妇产科",
    "儿科",
    "急诊科",
    "医技",
    "护理",
    "药学部",
    "行政",
    "后勤",
    "麻醉科",
    "检验科",
    "影像科",
    "中医科",
    "精神心理科",
    "康复科",
    "离退休",
    "机关",
    "门诊",
    "感染科",
]
GRADES = ["三级甲等", "三级乙等", "二级甲等", "二级乙等", ""]
EDUCATION = ["doctor", "master", "bachelor", "bachelor", "bachelor", "college", "secondary"]
ETHNICITIES = ["汉族"] * 18 + ["壮族", "回族"]


@dataclass
class Builder:
    seed: int = 20240522
    today: datetime.date = field(default_factory=datetime.date.today)
    with_pii: bool = True

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self._used_ids: dict[tuple[str, datetime.date], int] = {}

    # --- names and identifiers ----------------------------------------------------
    def name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.8 else "")
        return rng.choice(SURNAMES) + given

    def id_number(self, region: str, birth: datetime.date, gender: str) -> str:
        # Unique within a run: the next free sequence number for this region and birth date.
        key = (region, birth)
        seq = self._used_ids.get(key, -1) + 1
        while seq >= 500:
            birth += datetime.timedelta(days=1)
            key = (region, birth)
            seq = self._used_ids.get(key, -1) + 1
        self._used_ids[key] = seq
        body = f"{region}{birth:%Y%m%d}{seq * 2 + (1 if gender == 'M' else 0):03d}"
        return body + id_check_digit(body)

    def phone(self) -> str:
        return "1" + self.rng.choice("3578") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        span = max((end - start).days, 0)
        return start + datetime.timedelta(days=self.rng.randint(0, span))

    # --- people ---------------------------------------------------------------------
    def person(self, org: PartyOrg, institution: Institution | None, region: str, status: str | None = None) -> Person:
        rng = self.rng
        gender = rng.choice("MF")
        birth = self.date_between(datetime.date(1948, 1, 1), datetime.date(2001, 12, 31))
        status = (
            status
            or rng.choices(
                [PartyStatus.FORMAL, PartyStatus.PROBATIONARY, PartyStatus.ACTIVIST, PartyStatus.APPLICANT],
                weights=[88, 6, 4, 2],
            )[0]
        )
        name = self.name()
        full, initials = pinyin_keys(name)
        person = Person(
            name=name,
            name_norm=normalise(name),
            name_pinyin=full,
            name_initials=initials,
            gender=gender,
            birth_date=birth,
            ethnicity=rng.choice(ETHNICITIES),
            education=rng.choice(EDUCATION),
            party_status=status,
            institution=institution,
            department=rng.choice(DEPARTMENTS),
            home_org=org,
            org_path=org.path,
            is_retired=birth.year < 1962,
            is_dual_leader=False,
        )
        if status in (PartyStatus.FORMAL, PartyStatus.PROBATIONARY):
            earliest = max(
                birth.replace(year=birth.year + 19)
                if not (birth.month == 2 and birth.day == 29)
                else birth + datetime.timedelta(days=365 * 19 + 5),
                datetime.date(1960, 1, 1),
            )
            latest = self.today - datetime.timedelta(days=400 if status == PartyStatus.FORMAL else 30)
            person.joined_on = self.date_between(earliest, max(earliest, latest))
            if status == PartyStatus.FORMAL:
                person.confirmed_on = min(person.joined_on + datetime.timedelta(days=365), self.today)
        if self.with_pii:
            idn = self.id_number(region, birth, gender)
            person.birth_date = birth_date_from_id(idn)  # a crowded birth date moves to the next free day
            person.id_number_enc = crypto.encrypt(idn)
            person.id_number_hash = crypto.blind_index(idn, "id_number")
            person.id_number_mask = mask_id_number(idn)
            phone = self.phone()
            person.phone_enc = crypto.encrypt(phone)
            person.phone_mask = mask_phone(phone)
        return person


def save_people(people: list[Person]) -> list[Membership]:
    """Insert people and open a membership for each party member at their home organisation."""
    Person.objects.bulk_create(people, batch_size=2000)
    memberships = [
        Membership(person=p, org_id=p.home_org_id, org_path=p.org_path, start_on=p.joined_on, reason="发展入党")
        for p in people
        if p.party_status in (PartyStatus.FORMAL, PartyStatus.PROBATIONARY)
    ]
    Membership.objects.bulk_create(memberships, batch_size=2000)
    return memberships


def committee_positions(org: PartyOrg, members: list[Person], rng: random.Random, full: bool) -> list[Position]:
    """书记 (and a committee when the branch is large enough and `full`) from the branch's formal members."""
    formal = [p for p in members if p.party_status == PartyStatus.FORMAL]
    if not formal:
        return []
    titles = ["书记"] + (["组织委员", "宣传委员", "纪检委员"] if full and len(formal) >= 7 else [])
    chosen = rng.sample(formal, min(len(titles), len(formal)))
    start = org.term_started_on or datetime.date(2023, 1, 1)
    positions = []
    for person, title in zip(chosen, titles):
        positions.append(
            Position(person=person, kind=PositionKind.PARTY, title=title, org=org, org_path=org.path, start_on=start)
        )
        if title == "书记" and rng.random() < 0.7:
            person.is_dual_leader = True
    return positions


def bulk_orgs(rows: list[PartyOrg]) -> list[PartyOrg]:
    """Insert organisations of one level (parents already saved) and give them their paths."""
    for org in rows:
        org.path = "tmp" + uuid.uuid4().hex
        org.name_norm, org.name_keys = normalise(org.name), search_keys(org.name)
    PartyOrg.objects.bulk_create(rows, batch_size=2000)
    for org in rows:
        org.path = (org.parent.path if org.parent_id else "") + path_segment(org.pk)
        org.depth = len(org.path) // SEGMENT_WIDTH
    PartyOrg.objects.bulk_update(rows, ["path", "depth"], batch_size=2000)
    return rows


def bulk_institutions(rows: list[Institution]) -> list[Institution]:
    for inst in rows:
        inst.name_norm, inst.name_keys = normalise(inst.name), search_keys(inst.name)
        inst.org_path = inst.managing_org.path
    Institution.objects.bulk_create(rows, batch_size=2000)
    return rows
