"""A sector's survey sheet (xlsx or csv) applied to a round: every row checked first, each error naming the row,
column, value and reason in Chinese; nothing is written unless the whole sheet is clean."""

from dataclasses import dataclass, field

from django.db import transaction

from core.text import normalise
from imports.reader import ImportFileError, cell_text, column_letter, read_file

from .models import OrgForm, SurveyRound, SurveyRow
from .services import min_formal, refresh_summary

HEADERS = {
    "单位名称": "name", "单位": "name", "机构名称": "name",
    "统一社会信用代码": "credit_code", "信用代码": "credit_code",
    "是否在营": "operating", "在营": "operating",
    "从业人员数": "staff_count", "从业人员": "staff_count", "职工人数": "staff_count",
    "正式党员数": "formal_members", "正式党员": "formal_members",
    "预备党员数": "probationary_members", "预备党员": "probationary_members",
    "党组织情况": "org_form", "党组织": "org_form",
    "党建指导员": "instructor", "党建指导员/联络员": "instructor", "联络员": "instructor",
    "工会": "has_union", "共青团": "has_youth_league", "团组织": "has_youth_league",
    "备注": "note",
}  # fmt: skip
REQUIRED = {"name", "staff_count", "formal_members", "org_form"}
FORMS = {"单独组建": OrgForm.OWN, "单建": OrgForm.OWN, "联合组建": OrgForm.JOINT, "联建": OrgForm.JOINT,
         "未建立": OrgForm.NONE, "未建": OrgForm.NONE, "无": OrgForm.NONE}  # fmt: skip
YES = {"是", "有", "已建", "y", "yes", "1", "√", "在营"}
NO = {"否", "无", "未建", "n", "no", "0", "", "停业", "注销"}


@dataclass
class SheetResult:
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, column, value, reason)
    updated: int = 0


def apply_sheet(user, survey: SurveyRound, name: str, content: bytes) -> SheetResult:
    result = SheetResult()
    try:
        sheet = read_file(name, content, HEADERS, REQUIRED)
    except ImportFileError as error:
        result.errors.append((0, "", "", str(error)))
        return result
    rows = {normalise(r.institution.name): r for r in survey.rows.select_related("institution")}
    by_code = {r.institution.credit_code: r for r in rows.values() if r.institution.credit_code}
    staged, seen = [], set()
    for number, cells in sheet.rows:
        values = {f: cell_text(cells[i]) if i < len(cells) else "" for f, i in sheet.columns.items()}
        row = by_code.get(values.get("credit_code", "")) or rows.get(normalise(values["name"]))
        if row is None:
            result.errors.append(
                (number, _col(sheet, "name"), values["name"], "本轮摸排中没有这个单位（请核对名称或统一社会信用代码）")
            )
            continue
        if row.pk in seen:
            result.errors.append((number, _col(sheet, "name"), values["name"], "同一单位在表中出现了多次"))
            continue
        seen.add(row.pk)
        errors = _fill(row, values, sheet)
        result.errors += [(number, *e) for e in errors]
        staged.append(row)
    if result.errors:
        return result
    minimum = min_formal()
    with transaction.atomic():
        for row in staged:
            row.derive(minimum)
            row.updated_by = user
            row.save()
        refresh_summary(survey)
    result.updated = len(staged)
    return result


def _col(sheet, field_name: str) -> str:
    index = sheet.columns.get(field_name)
    return column_letter(index) if index is not None else ""


def _fill(row: SurveyRow, values: dict, sheet) -> list[tuple[str, str, str]]:
    errors = []
    for field_name in ("staff_count", "formal_members", "probationary_members"):
        if field_name not in values:
            continue
        raw = values[field_name] or "0"
        if not raw.isdigit():
            errors.append((_col(sheet, field_name), raw, "应为不小于0的整数"))
        else:
            setattr(row, field_name, int(raw))
    form = FORMS.get(values.get("org_form", ""))
    if form is None:
        errors.append((_col(sheet, "org_form"), values.get("org_form", ""), "应为“单独组建”“联合组建”或“未建立”"))
    else:
        row.org_form = form
    for field_name in ("operating", "has_union", "has_youth_league"):
        if field_name in values:
            flag = values[field_name].lower()
            if flag not in YES and flag not in NO:
                errors.append((_col(sheet, field_name), values[field_name], "应填“是”或“否”"))
            else:
                setattr(row, field_name, flag in YES or (field_name == "operating" and flag == ""))
    row.instructor = values.get("instructor", row.instructor)[:40]
    row.note = values.get("note", row.note)[:200]
    if not errors and row.formal_members + row.probationary_members > row.staff_count:
        errors.append((_col(sheet, "formal_members"), str(row.formal_members),
                       f"党员人数（正式 {row.formal_members} + 预备 {row.probationary_members}）多于从业人员数 {row.staff_count}"))  # fmt: skip
    return errors
