"""Import of people: the big one (100k rows), validated in bulk and written with bulk inserts.

Stable keys, in order: 编号 (the platform's id, as exported) -> 身份证号 (matched through its blind index,
never in clear) -> a new person. Party members get an open relationship at 所属党组织.
"""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from core import crypto
from core.access import Role
from core.text import normalise, pinyin_keys
from core.validators import (
    birth_date_from_id,
    gender_from_id,
    id_number_error,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    normalise_phone,
)
from people.models import MEMBER_STATUSES, Education, Gender, Membership, PartyStatus, Person

from .base import ImportKindBase, InstitutionResolver, OrgResolver, Plan, RowError

BATCH = 2000
SQLITE_PARAMS = 900


def _chunks(items, size=SQLITE_PARAMS):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


class PeopleImport(ImportKindBase):
    headers = {
        "编号": "id",
        "人员编号": "id",
        "姓名": "name",
        "性别": "gender",
        "出生日期": "birth_date",
        "身份证号": "id_number",
        "身份证号码": "id_number",
        "公民身份号码": "id_number",
        "手机号": "phone",
        "手机号码": "phone",
        "联系电话": "phone",
        "政治面貌": "party_status",
        "入党日期": "joined_on",
        "入党时间": "joined_on",
        "转正日期": "confirmed_on",
        "转正时间": "confirmed_on",
        "所属党组织": "org",
        "党组织": "org",
        "所在党支部": "org",
        "工作单位": "institution",
        "单位": "institution",
        "科室": "department",
        "科室/部门": "department",
        "部门": "department",
        "职称/岗位": "job_title",
        "职称": "job_title",
        "学历": "education",
        "民族": "ethnicity",
    }
    required = {"name", "party_status", "org"}
    example = [
        "",
        "王小明",
        "男",
        "1985-03-12",
        "440111198503120011",
        "13800138000",
        "正式党员",
        "2010-06-20",
        "2011-06-20",
        "（填写党组织名称或编号）",
        "（填写单位名称）",
        "内科",
        "主治医师",
        "大学本科",
        "汉族",
    ]

    def prepare(self, sheet):
        self.orgs = OrgResolver(self.user, Role.SECRETARY)
        self.institutions = InstitutionResolver(self.user)
        column = sheet.columns.get("id_number")
        hashes = set()
        ids = set()
        for _, cells in sheet.rows:
            if column is not None and column < len(cells) and isinstance(cells[column], str):
                value = normalise_id_number(cells[column])
                if id_number_error(value) is None:
                    hashes.add(crypto.blind_index(value, "id_number"))
            id_col = sheet.columns.get("id")
            if id_col is not None and id_col < len(cells) and str(cells[id_col]).strip().replace(".0", "").isdigit():
                ids.add(int(float(cells[id_col])))
        self.by_hash = {}
        for chunk in _chunks(hashes):
            for person in Person.objects.filter(id_number_hash__in=chunk).only("id", "id_number_hash", "org_path"):
                self.by_hash[person.id_number_hash] = person
        self.editable_ids = set()
        for chunk in _chunks(ids):
            self.editable_ids |= set(
                Person.objects.visible_to(self.user, "change").filter(id__in=chunk).values_list("id", flat=True)
            )
        self.seen_hashes: dict[str, int] = {}

    def check_row(self, number, values, plan: Plan):
        name = self.text(values, "name")
        if len(name) > 40:
            raise RowError("name", "姓名过长（最多40字）")
        status = self.choice(values, "party_status", PartyStatus.choices)
        org = self.orgs.resolve(values.get("org"), "org")
        institution = self.institutions.resolve(values.get("institution"), "institution")
        row = {
            "name": name,
            "party_status": status,
            "org": org,
            "institution": institution,
            "gender": self.choice(values, "gender", Gender.choices, ""),
            "education": self.choice(values, "education", Education.choices, ""),
            "birth_date": self.date(values, "birth_date"),
            "joined_on": self.date(values, "joined_on"),
            "confirmed_on": self.date(values, "confirmed_on"),
            "department": self.text(values, "department")[:60],
            "job_title": self.text(values, "job_title")[:60],
            "ethnicity": self.text(values, "ethnicity")[:20],
            "id_number": self._id_number(values, number),
            "phone": self._phone(values),
        }
        self._check_party_dates(row)
        row["existing_id"] = self._existing(values, row)
        if row["existing_id"]:
            plan.updates += 1
        else:
            plan.creates += 1
        return row

    def _id_number(self, values, number) -> str:
        raw = values.get("id_number")
        if raw in (None, ""):
            return ""
        if isinstance(raw, float):
            raise RowError("id_number", "身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写")
        value = normalise_id_number(str(raw))
        error = id_number_error(value)
        if error:
            raise RowError("id_number", error)
        digest = crypto.blind_index(value, "id_number")
        if digest in self.seen_hashes:
            raise RowError("id_number", f"与第{self.seen_hashes[digest]}行的身份证号重复")
        self.seen_hashes[digest] = number
        return value

    def _phone(self, values) -> str:
        value = normalise_phone(self.text(values, "phone"))
        if value and not (len(value) == 11 and value.isdigit() and value.startswith("1")):
            raise RowError("phone", "手机号应为11位数字，以1开头")
        return value

    def _check_party_dates(self, row):
        if row["id_number"]:
            birth = birth_date_from_id(row["id_number"])
            if row["birth_date"] and row["birth_date"] != birth:
                raise RowError("birth_date", f"与身份证号中的出生日期 {birth:%Y-%m-%d} 不一致")
            row["birth_date"] = birth
            row["gender"] = row["gender"] or gender_from_id(row["id_number"])
        if row["party_status"] == PartyStatus.FORMAL and not row["confirmed_on"]:
            raise RowError("confirmed_on", "正式党员必须填写转正日期")
        if row["party_status"] in MEMBER_STATUSES and not row["joined_on"]:
            raise RowError("joined_on", "党员必须填写入党日期")
        if row["confirmed_on"] and row["joined_on"] and row["confirmed_on"] < row["joined_on"]:
            raise RowError("confirmed_on", "转正日期不能早于入党日期")
        if row["confirmed_on"] and row["party_status"] != PartyStatus.FORMAL:
            raise RowError("party_status", "填写了转正日期的人员应为正式党员")

    def _existing(self, values, row) -> int | None:
        text = self.text(values, "id")
        if text:
            if not text.isdigit() or int(text) not in self.editable_ids:
                raise RowError("id", "编号不存在或不在您的管理范围内（新增人员请留空）")
            return int(text)
        if row["id_number"]:
            match = self.by_hash.get(crypto.blind_index(row["id_number"], "id_number"))
            if match:
                if match.id not in self.editable_ids and not self._in_scope(match):
                    raise RowError("id_number", "该身份证号已登记于您管理范围之外的人员，请联系上级管理员")
                return match.id
        return None

    def _in_scope(self, person) -> bool:
        from core.access import role_at

        return role_at(self.user, person.org_path) >= Role.SECRETARY

    # --- writing ----------------------------------------------------------------------
    def apply(self, plan: Plan, progress) -> dict:
        creates = [r for r in plan.rows if not r["existing_id"]]
        updates = [r for r in plan.rows if r["existing_id"]]
        done = 0
        audit: list[LogEntry] = []
        content_type = ContentType.objects.get_for_model(Person)
        touched_orgs, touched_insts = set(), set()
        for batch_start in range(0, len(creates), BATCH):
            batch = creates[batch_start : batch_start + BATCH]
            people = [self._build(Person(), row) for row in batch]
            Person.objects.bulk_create(people)
            Membership.objects.bulk_create(
                [
                    Membership(person=p, org_id=p.home_org_id, org_path=p.org_path, start_on=p.joined_on, reason="导入")
                    for p in people
                    if p.party_status in MEMBER_STATUSES
                ]
            )
            audit += [self._audit(p, LogEntry.Action.CREATE, content_type) for p in people]
            touched_orgs |= {p.home_org_id for p in people}
            touched_insts |= {p.institution_id for p in people}
            done += len(batch)
            progress(done)
        for batch_start in range(0, len(updates), BATCH):
            batch = updates[batch_start : batch_start + BATCH]
            existing = Person.objects.in_bulk([r["existing_id"] for r in batch])
            changed = []
            for row in batch:
                person = existing[row["existing_id"]]
                if person.home_org_id != row["org"].id and person.memberships.filter(end_on__isnull=True).exists():
                    row["org"] = person.home_org  # relationship changes go through a transfer, not an import
                before = {f: str(getattr(person, f)) for f in _AUDITED}
                self._build(person, row)
                diff = {
                    f: [before[f], str(getattr(person, f))] for f in _AUDITED if before[f] != str(getattr(person, f))
                }
                if diff:
                    changed.append(person)
                    audit.append(self._audit(person, LogEntry.Action.UPDATE, content_type, diff))
                touched_insts |= {person.institution_id}
                touched_orgs.add(person.home_org_id)
            Person.objects.bulk_update(changed, _WRITTEN, batch_size=500)
            done += len(batch)
            progress(done)
        LogEntry.objects.bulk_create(audit, batch_size=BATCH)
        from orgs import services

        services.refresh_orgs(touched_orgs)
        services.refresh_institutions(touched_insts)
        return {"created": len(creates), "updated": len(updates)}

    def _build(self, person: Person, row) -> Person:
        person.name = row["name"]
        person.name_norm = normalise(row["name"])
        person.name_pinyin, person.name_initials = pinyin_keys(row["name"])
        for name in (
            "party_status",
            "gender",
            "education",
            "birth_date",
            "joined_on",
            "confirmed_on",
            "department",
            "job_title",
            "ethnicity",
        ):
            if row[name] not in (None, "") or not person.pk:
                setattr(person, name, row[name])
        person.institution = row["institution"] or person.institution
        person.home_org = row["org"]
        person.org_path = row["org"].path
        if row["id_number"]:
            person.id_number_enc = crypto.encrypt(row["id_number"])
            person.id_number_hash = crypto.blind_index(row["id_number"], "id_number")
            person.id_number_mask = mask_id_number(row["id_number"])
        if row["phone"]:
            person.phone_enc = crypto.encrypt(row["phone"])
            person.phone_mask = mask_phone(row["phone"])
        return person

    def _audit(self, person, action, content_type, diff=None) -> LogEntry:
        if diff is None:
            diff = {f: ["None", str(getattr(person, f))] for f in _AUDITED if getattr(person, f) not in (None, "")}
        return LogEntry(
            content_type=content_type,
            object_pk=str(person.pk),
            object_id=person.pk,
            object_repr=person.name,
            action=action,
            changes=diff,
            actor=self.user,
            additional_data={"note": "Excel 导入"},
        )


_AUDITED = [
    "name",
    "party_status",
    "gender",
    "birth_date",
    "joined_on",
    "confirmed_on",
    "home_org_id",
    "institution_id",
    "department",
    "job_title",
    "education",
    "ethnicity",
    "id_number_mask",
    "phone_mask",
]
_WRITTEN = [
    "name",
    "name_norm",
    "name_pinyin",
    "name_initials",
    "party_status",
    "gender",
    "education",
    "birth_date",
    "joined_on",
    "confirmed_on",
    "department",
    "job_title",
    "ethnicity",
    "institution",
    "home_org",
    "org_path",
    "id_number_enc",
    "id_number_hash",
    "id_number_mask",
    "phone_enc",
    "phone_mask",
]
