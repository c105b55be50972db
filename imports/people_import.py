"""Import of people: the big one (100k rows), validated in bulk and written with bulk inserts.

Stable keys, in order: 编号 (the platform's id, as exported) -> 身份证号 (matched through its blind index,
never in clear) -> a new person. Party members get an open relationship at 所属党组织.
"""

from operator import itemgetter

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core import crypto
from core.access import Role, renew_access_facts, scope_q
from core.bulk import BackgroundWriter, batches, chunks, insert_rows, reserve_ids, update_rows
from core.models import AuditEntry
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
from orgs.models import Institution, PartyOrg
from people.models import MEMBER_STATUSES, Education, Gender, Membership, PartyStatus, Person

from .base import PARTY_FOUNDED, ImportKindBase, InstitutionResolver, OrgResolver, Plan, RowError
from .reader import cell_text

BATCH = 2000
IMPORT_NOTE = {"note": "Excel 导入"}  # one object for every audit row: encoded once per batch (core.bulk)
STATUS_CHOICES = tuple(PartyStatus.choices)
GENDER_CHOICES = tuple(Gender.choices)
EDUCATION_CHOICES = tuple(Education.choices)


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
    coded = {"party_status": PartyStatus.choices, "gender": Gender.choices, "education": Education.choices}
    text_columns = {"id_number", "phone"}  # formatted as text: Excel would turn an ID number into 4.4e17
    checks_before_write_lock = True
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
        column, id_col = sheet.columns.get("id_number"), sheet.columns.get("id")
        self.checked_ids: dict[str, tuple[str, str | None, str | None]] = {}  # raw -> (value, error, hash)
        ids = set()
        for _, cells in sheet.rows:
            if column is not None and column < len(cells) and isinstance(cells[column], str) and cells[column]:
                value = normalise_id_number(cells[column])
                error = id_number_error(value)
                self.checked_ids[cells[column]] = (
                    value,
                    error,
                    None if error else crypto.blind_index(value, "id_number"),
                )
            if id_col is not None and id_col < len(cells) and cell_text(cells[id_col]).isdigit():
                ids.add(int(cell_text(cells[id_col])))
        hashes = {digest for _, _, digest in self.checked_ids.values() if digest}
        self.by_hash = {}
        for chunk in chunks(hashes):
            for person in Person.objects.filter(id_number_hash__in=chunk).only("id", "id_number_hash", "org_path"):
                self.by_hash[person.id_number_hash] = person
        self.editable_ids = set()
        for chunk in chunks(ids):
            self.editable_ids |= set(
                Person.objects.visible_to(self.user, "change").filter(id__in=chunk).values_list("id", flat=True)
            )
        self.seen_hashes: dict[str, int] = {}

    def finish_plan(self):
        self.checked_ids, self.seen_hashes, self.by_hash = {}, {}, {}

    def check_row(self, number, values, plan: Plan):
        name = self.text(values, "name")
        if len(name) > 40:
            raise RowError("name", "姓名过长（最多40字）")
        status = self.choice(values, "party_status", STATUS_CHOICES)
        org = self.orgs.resolve(values.get("org"), "org")
        institution = self.institutions.resolve(values.get("institution"), "institution")
        id_number, id_hash = self._id_number(values, number)
        row = {
            "name": name,
            "party_status": status,
            "org": org,
            "institution": institution,
            "gender": self.choice(values, "gender", GENDER_CHOICES, ""),
            "education": self.choice(values, "education", EDUCATION_CHOICES, ""),
            "birth_date": self.date(values, "birth_date"),
            "joined_on": self.date(values, "joined_on", earliest=PARTY_FOUNDED),
            "confirmed_on": self.date(values, "confirmed_on", earliest=PARTY_FOUNDED),
            "department": self.text(values, "department")[:60],
            "job_title": self.text(values, "job_title")[:60],
            "ethnicity": self.text(values, "ethnicity")[:20],
            "id_number": id_number,
            "id_hash": id_hash,
            "phone": self._phone(values),
        }
        self._check_party_dates(row)
        row["existing_id"] = self._existing(values, row)
        if row["existing_id"]:
            plan.updates += 1
        else:
            plan.creates += 1
        return row

    def _id_number(self, values, number) -> tuple[str, str | None]:
        """The normalised ID number and its blind index (checked once per file in prepare())."""
        raw = values.get("id_number")
        if raw in (None, ""):
            return "", None
        if isinstance(raw, float):
            raise RowError("id_number", "身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写")
        value, error, digest = self.checked_ids[raw]
        if error:
            raise RowError("id_number", error)
        if digest in self.seen_hashes:
            raise RowError("id_number", f"与第{self.seen_hashes[digest]}行的身份证号重复")
        self.seen_hashes[digest] = number
        return value, digest

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
        if row["birth_date"] and row["joined_on"] and row["joined_on"] < _add_years(row["birth_date"], 18):
            raise RowError(
                "joined_on",
                f"入党日期 {row['joined_on']:%Y-%m-%d} 时未满18周岁（出生于 {row['birth_date']:%Y-%m-%d}），请核对",
            )
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
            match = self.by_hash.get(row["id_hash"])
            if match:
                if match.id not in self.editable_ids and not self._in_scope(match):
                    raise RowError("id_number", "该身份证号已登记于您管理范围之外的人员，请联系上级管理员")
                return match.id
        return None

    def _in_scope(self, person) -> bool:
        from core.access import role_at

        return role_at(self.user, person.org_path) >= Role.SECRETARY

    # --- writing ----------------------------------------------------------------------
    def validate_and_apply(self, sheet, progress) -> tuple[Plan, dict | None]:
        """Check the file and write it in one pass: new people (with their membership and audit entry) are
        written a batch at a time while later rows are still being checked, so that PostgreSQL inserts on its
        own core meanwhile. A row error stops the writing; the caller then rolls back what was written. Matched
        people are updated at the end, once the whole file is known to be valid."""
        plan = Plan()
        self.prepare(sheet)  # its queries run before the writer thread takes the connection
        summary = self._write(self.checked_rows(sheet, plan), len(sheet.rows), plan, progress)
        self.finish_plan()
        return plan, summary

    def still_valid(self, plan: Plan) -> bool:
        """The organisations and units rows go to are still open and in scope, the new people's ID numbers are still
        unregistered, and the matched people are still the user's to change: a few indexed queries."""
        rows = plan.rows
        orgs = {row["org"].id for row in rows}
        open_orgs = PartyOrg.objects.filter(id__in=orgs, is_active=True)
        if (q := scope_q(self.user, Role.SECRETARY, "path")) is not None:
            open_orgs = open_orgs.filter(q)
        if open_orgs.count() != len(orgs):
            return False
        institutions = {row["institution"].id for row in rows if row["institution"]}
        if institutions and Institution.objects.filter(id__in=institutions, is_active=True).count() != len(
            institutions
        ):
            return False
        new_hashes = [row["id_hash"] for row in rows if row["id_hash"] and not row["existing_id"]]
        if any(Person.objects.filter(id_number_hash__in=chunk).exists() for chunk in chunks(new_hashes)):
            return False
        updated = [row["existing_id"] for row in rows if row["existing_id"]]
        editable = Person.objects.visible_to(self.user, "change")
        return all(editable.filter(id__in=chunk).count() == len(set(chunk)) for chunk in chunks(updated))

    def apply(self, plan: Plan, progress) -> dict:
        """Write a plan checked beforehand (SQLite: checked before the write lock was taken; imports.services)."""
        return self._write(iter(plan.rows), len(plan.rows), plan, progress)

    def _write(self, rows, count: int, plan: Plan, progress) -> dict | None:
        now = timezone.now()
        content_type_id = ContentType.objects.get_for_model(Person).pk
        ids = iter(reserve_ids(Person, count))  # one per row: unused ones are harmless gaps
        updates, touched_orgs, touched_insts, done = [], set(), set(), 0
        with BackgroundWriter() as writer:
            for batch in batches(rows, BATCH):
                if plan.error_count:
                    continue  # keep checking, to report every error; nothing more is written
                creates = [row for row in batch if not row["existing_id"]]
                updates += [row for row in batch if row["existing_id"]]
                people = [self._new_person(row, next(ids), now) for row in creates]
                writer.insert(Person, people)
                writer.insert(Membership, [_membership(p, now) for p in people if p["party_status"] in MEMBER_STATUSES])
                writer.insert(AuditEntry, [self._created_audit(p, content_type_id, now) for p in people])
                touched_orgs |= {p["home_org_id"] for p in people}
                touched_insts |= {p["institution_id"] for p in people}
                done += len(creates)
                progress(done)
        if plan.error_count:
            return None
        if updates:
            renew_access_facts()  # an updated person may be one who signs in
        for start in range(0, len(updates), BATCH):
            batch = updates[start : start + BATCH]
            changed, audit = self._updated_people(batch, content_type_id, now)
            for row in changed:  # same keys per row for executemany
                update_rows(Person, [row])
            insert_rows(AuditEntry, audit)
            touched_orgs |= {r["org"].id for r in batch}
            touched_insts |= {r["institution"].id for r in batch if r["institution"]}
            done += len(batch)
            progress(done)
        from orgs import services

        services.refresh_orgs(touched_orgs)
        services.refresh_institutions(touched_insts)
        return {"created": plan.creates, "updated": plan.updates}

    def _new_person(self, row, pk: int, now) -> dict:
        full, initials = pinyin_keys(row["name"])
        person = {
            "id": pk,
            "name": row["name"],
            "name_norm": normalise(row["name"]),
            "name_pinyin": full,
            "name_initials": initials,
            "gender": row["gender"],
            "birth_date": row["birth_date"],
            "ethnicity": row["ethnicity"],
            "education": row["education"],
            "party_status": row["party_status"],
            "applied_on": None,
            "joined_on": row["joined_on"],
            "confirmed_on": row["confirmed_on"],
            "probation_extended": False,
            "institution_id": row["institution"].id if row["institution"] else None,
            "department": row["department"],
            "job_title": row["job_title"],
            "is_retired": False,
            "is_dual_leader": False,
            "home_org_id": row["org"].id,
            "org_path": row["org"].path,
            "user_id": None,
            "is_active": True,
            "died_on": None,
            "note": "",
            "created_at": now,
            "updated_at": now,
        }
        person.update(self._personal_data(row))
        return person

    def _personal_data(self, row) -> dict:
        data = {"id_number_enc": "", "id_number_hash": None, "id_number_mask": "", "phone_enc": "", "phone_mask": ""}
        if row["id_number"]:
            data.update(
                id_number_enc=crypto.encrypt(row["id_number"]),
                id_number_hash=row["id_hash"],
                id_number_mask=mask_id_number(row["id_number"]),
            )
        if row["phone"]:
            data.update(phone_enc=crypto.encrypt(row["phone"]), phone_mask=mask_phone(row["phone"]))
        return data

    def _updated_people(self, batch, content_type_id, now):
        """Changed columns per matched person, and an audit entry of old -> new for each."""
        existing = Person.objects.select_related("home_org").in_bulk([r["existing_id"] for r in batch])
        open_members = set(
            Membership.objects.filter(person_id__in=existing, end_on__isnull=True).values_list("person_id", flat=True)
        )
        changed, audit = [], []
        for row in batch:
            person = existing[row["existing_id"]]
            if person.pk in open_members:
                row["org"] = person.home_org  # a relationship moves by transfer, not by import
            new = {"name": row["name"], "home_org_id": row["org"].id, "org_path": row["org"].path}
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
                if row[name] not in (None, ""):
                    new[name] = row[name]
            if row["institution"]:
                new["institution_id"] = row["institution"].id
            new.update({k: v for k, v in self._personal_data(row).items() if v})
            new["name_norm"] = normalise(row["name"])
            new["name_pinyin"], new["name_initials"] = pinyin_keys(row["name"])
            diff = {
                f: [_show(getattr(person, f)), _show(new[f])]
                for f in _AUDITED
                if f in new and _show(getattr(person, f)) != _show(new[f])
            }
            if diff:
                changed.append({"id": person.pk, **new, "updated_at": now})
                audit.append(self._audit(person.pk, row["name"], AuditEntry.Action.UPDATE, content_type_id, now, diff))
        return changed, audit

    def _created_audit(self, person: dict, content_type_id, now) -> dict:
        # `if value`: no audited value is 0 or False, so this skips exactly None and "" (and is the fastest test)
        diff = {f: [None, v if type(v) is str else str(v)] for f, v in zip(_AUDITED, _audited_values(person)) if v}
        return self._audit(person["id"], person["name"], AuditEntry.Action.CREATE, content_type_id, now, diff)

    def _audit(self, pk, name, action, content_type_id, now, diff) -> dict:
        return {
            "content_type_id": content_type_id,
            "object_pk": str(pk),
            "object_id": pk,
            "object_repr": name,
            "serialized_data": None,
            "action": action,
            "changes_text": "",
            "changes": diff,
            "actor_id": self.user.pk,
            "cid": None,
            "remote_addr": None,
            "remote_port": None,
            "timestamp": now,
            "additional_data": IMPORT_NOTE,
            "actor_email": None,
        }


def _add_years(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _membership(person: dict, now) -> dict:
    return {
        "person_id": person["id"],
        "org_id": person["home_org_id"],
        "org_path": person["org_path"],
        "start_on": person["joined_on"],
        "end_on": None,
        "reason": "导入",
        "created_at": now,
    }


def _show(value) -> str | None:
    return None if value in (None, "") else str(value)


_AUDITED = (
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
)
_audited_values = itemgetter(*_AUDITED)
