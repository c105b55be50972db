"""Imports of units, organisations, relationships and posts: modest row counts, saved one by one so that
every write goes through the model's own save() and the audit log."""

from core.access import Role
from core.text import normalise
from core.validators import id_number_error, normalise_id_number, validate_region_code
from orgs.models import Institution, InstitutionKind, OrgKind, Ownership, PartyOrg
from people.models import Membership, Person, Position, PositionKind, overlapping_memberships

from .base import PARTY_FOUNDED, ImportKindBase, InstitutionResolver, OrgResolver, Plan, RowError


class InstitutionImport(ImportKindBase):
    headers = {
        "编号": "id",
        "名称": "name",
        "单位名称": "name",
        "简称": "short_name",
        "统一社会信用代码": "credit_code",
        "所有制": "ownership",
        "类型": "kind",
        "单位类型": "kind",
        "等级": "grade",
        "行政区划代码": "region_code",
        "区划代码": "region_code",
        "上级单位": "parent",
        "管理党组织": "managing_org",
        "从业人员数": "staff_count",
    }
    required = {"name", "ownership", "kind", "region_code", "managing_org"}
    coded = {"ownership": Ownership.choices, "kind": InstitutionKind.choices}
    example = ["", "某某医院", "", "", "民营", "医院", "二级甲等", "440111", "", "（党组织名称或编号）", "120"]

    def prepare(self, sheet):
        self.orgs = OrgResolver(self.user, Role.UNIT_ADMIN)
        self.institutions = InstitutionResolver(self.user)

    def check_row(self, number, values, plan: Plan):
        region = self.text(values, "region_code")
        try:
            validate_region_code(region)
        except Exception:
            raise RowError("region_code", "行政区划代码应为6位数字（GB/T 2260），如 440111") from None
        code = self.text(values, "credit_code").upper()
        if code and len(code) != 18:
            raise RowError("credit_code", "统一社会信用代码应为18位")
        staff = self.text(values, "staff_count")
        if staff and not staff.isdigit():
            raise RowError("staff_count", "应为整数")
        existing = self._existing(values, code)
        row = {
            "existing": existing,
            "name": self.text(values, "name")[:120],
            "short_name": self.text(values, "short_name")[:60],
            "credit_code": code,
            "ownership": self.choice(values, "ownership", Ownership.choices),
            "kind": self.choice(values, "kind", InstitutionKind.choices),
            "grade": self.text(values, "grade")[:20],
            "region_code": region,
            "parent": self.institutions.resolve(values.get("parent"), "parent"),
            "managing_org": self.orgs.resolve(values.get("managing_org"), "managing_org"),
            "staff_count": int(staff) if staff else None,
        }
        plan.updates += bool(existing)
        plan.creates += not existing
        return row

    def _existing(self, values, code):
        text = self.text(values, "id")
        if text:
            inst = self.institutions.by_id.get(int(text)) if text.isdigit() else None
            if inst is None:
                raise RowError("id", "编号不存在或不在您的管理范围内（新增单位请留空）")
            return inst
        if code and code in self.institutions.by_code:
            return self.institutions.by_code[code]
        if code and Institution.objects.filter(credit_code=code).exists():
            raise RowError("credit_code", "该统一社会信用代码已登记于您管理范围之外的单位")
        return None

    def apply(self, plan, progress):
        for i, row in enumerate(plan.rows, start=1):
            inst = row.pop("existing") or Institution()
            for key, value in row.items():
                setattr(inst, key, value)
            inst.save()
            progress(i)
        from orgs import services

        services.refresh_institutions()
        return {"created": plan.creates, "updated": plan.updates}


class OrgImport(ImportKindBase):
    headers = {
        "编号": "id",
        "名称": "name",
        "党组织名称": "name",
        "类型": "kind",
        "组织类型": "kind",
        "上级党组织": "parent",
        "所在单位": "institution",
        "成立日期": "established_on",
        "本届任期开始": "term_started_on",
        "换届日期": "term_started_on",
        "功能型": "is_functional",
    }
    required = {"name", "kind", "parent"}
    coded = {"kind": OrgKind.choices}
    example = [
        "",
        "某某医院内科党支部",
        "党支部",
        "（上级党组织名称或编号）",
        "（单位名称）",
        "2021-07-01",
        "2024-03-01",
        "否",
    ]

    def prepare(self, sheet):
        self.orgs = OrgResolver(self.user, Role.UNIT_ADMIN)
        self.institutions = InstitutionResolver(self.user)
        self.names_in_file: dict[str, int] = {}

    def check_row(self, number, values, plan):
        name = self.text(values, "name")[:120]
        parent = self.orgs.resolve(values.get("parent"), "parent")
        existing = None
        text = self.text(values, "id")
        if text:
            existing = self.orgs.by_id.get(int(text)) if text.isdigit() else None
            if existing is None:
                raise RowError("id", "编号不存在或不在您的管理范围内（新增党组织请留空）")
            if parent.path.startswith(existing.path):
                raise RowError("parent", "不能把党组织设为自己或自己下级的下级")
        else:
            same = [o for o in self.orgs.by_name.get(normalise(name), []) if o.path[:-6] == parent.path]
            existing = same[0] if same else None
        key = f"{parent.pk}/{name}"
        if key in self.names_in_file:
            raise RowError("name", f"与第{self.names_in_file[key]}行重复")
        self.names_in_file[key] = number
        functional = self.text(values, "is_functional")
        if functional not in ("", "是", "否"):
            raise RowError("is_functional", "请填写“是”或“否”")
        plan.updates += bool(existing)
        plan.creates += not existing
        return {
            "existing": existing,
            "name": name,
            "kind": self.choice(values, "kind", OrgKind.choices),
            "parent": parent,
            "institution": self.institutions.resolve(values.get("institution"), "institution"),
            "established_on": self.date(values, "established_on", earliest=PARTY_FOUNDED),
            "term_started_on": self.date(values, "term_started_on"),
            "is_functional": functional == "是",
        }

    def apply(self, plan, progress):
        from orgs import services

        touched = []
        for i, row in enumerate(plan.rows, start=1):
            existing = row.pop("existing")
            org = PartyOrg.objects.get(pk=existing.pk) if existing else PartyOrg()
            if existing and org.parent_id != row["parent"].pk:
                services.move_subtree(org, row["parent"])
            for key, value in row.items():
                setattr(org, key, value)
            org.save()
            touched += [org.pk, org.parent_id]
            progress(i)
        services.refresh_orgs([t for t in touched if t])
        return {"created": plan.creates, "updated": plan.updates}


class PersonKeyMixin:
    """Rows that name a person by 人员编号 or 身份证号, within the user's scope."""

    def person(self, values) -> Person:
        from core import crypto

        text = self.text(values, "person")
        qs = Person.objects.visible_to(self.user, "change")
        if text.isdigit() and len(text) < 18:
            person = qs.filter(pk=int(text)).first()
        elif text:
            value = normalise_id_number(text)
            if id_number_error(value):
                raise RowError("person", "请填写人员编号或有效的身份证号")
            person = qs.filter(id_number_hash=crypto.blind_index(value, "id_number")).first()
        else:
            person = None
        if person is None:
            raise RowError("person", "在您的管理范围内找不到该人员")
        return person


class MembershipImport(PersonKeyMixin, ImportKindBase):
    headers = {
        "人员编号或身份证号": "person",
        "人员编号": "person",
        "身份证号": "person",
        "党组织": "org",
        "开始日期": "start_on",
        "转入日期": "start_on",
        "结束日期": "end_on",
        "转出日期": "end_on",
        "原因": "reason",
    }
    required = {"person", "org", "start_on"}
    example = ["（人员编号）", "（党组织名称或编号）", "2019-01-01", "", "组织关系转入"]

    def prepare(self, sheet):
        self.orgs = OrgResolver(self.user, Role.SECRETARY)
        self.open_in_file: set[int] = set()

    def check_row(self, number, values, plan):
        person = self.person(values)
        start, end = self.date(values, "start_on", earliest=PARTY_FOUNDED), self.date(values, "end_on")
        if end and end < start:
            raise RowError("end_on", "结束日期不能早于开始日期")
        if overlapping_memberships(person.pk, start, end).exists():
            raise RowError("start_on", "与该人员已有的组织关系时间重叠")
        if end is None:
            if person.pk in self.open_in_file:
                raise RowError("end_on", "同一人员在文件中有多条未结束的组织关系")
            self.open_in_file.add(person.pk)
        plan.creates += 1
        return Membership(
            person=person,
            org=self.orgs.resolve(values.get("org"), "org"),
            start_on=start,
            end_on=end,
            reason=self.text(values, "reason")[:60],
        )

    def apply(self, plan, progress):
        from orgs import services

        for i, membership in enumerate(plan.rows, start=1):
            membership.save()
            if membership.end_on is None:
                Person.objects.filter(pk=membership.person_id).update(
                    home_org=membership.org, org_path=membership.org.path
                )
            progress(i)
        services.refresh_orgs({m.org_id for m in plan.rows})
        return {"created": plan.creates, "updated": 0}


class PositionImport(PersonKeyMixin, ImportKindBase):
    headers = {
        "人员编号或身份证号": "person",
        "人员编号": "person",
        "身份证号": "person",
        "职务": "title",
        "类别": "kind",
        "党组织": "org",
        "单位": "institution",
        "任职日期": "start_on",
        "离任日期": "end_on",
    }
    required = {"person", "title"}
    coded = {"kind": PositionKind.choices}
    example = ["（人员编号）", "书记", "党内职务", "（党组织名称或编号）", "", "2024-03-01", ""]

    def prepare(self, sheet):
        self.orgs = OrgResolver(self.user, Role.SECRETARY)
        self.institutions = InstitutionResolver(self.user)

    def check_row(self, number, values, plan):
        kind = self.choice(values, "kind", PositionKind.choices, PositionKind.PARTY)
        org = self.orgs.resolve(values.get("org"), "org", required=kind == PositionKind.PARTY)
        institution = self.institutions.resolve(values.get("institution"), "institution")
        if kind == PositionKind.ADMIN and not (institution or org):
            raise RowError("institution", "行政职务须填写单位")
        start, end = self.date(values, "start_on", future=True), self.date(values, "end_on", future=True)
        if start and end and end < start:
            raise RowError("end_on", "离任日期不能早于任职日期")
        plan.creates += 1
        return Position(
            person=self.person(values),
            kind=kind,
            title=self.text(values, "title")[:40],
            org=org,
            institution=institution,
            start_on=start,
            end_on=end,
        )

    def apply(self, plan, progress):
        from orgs import services

        for i, position in enumerate(plan.rows, start=1):
            position.save()
            progress(i)
        services.refresh_orgs({p.org_id for p in plan.rows if p.org_id})
        return {"created": plan.creates, "updated": 0}
