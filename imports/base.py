"""What every import kind shares: row errors, label lookups, scoped name resolution, the plan/apply contract."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from core.access import scope_q
from core.text import normalise, to_simplified
from orgs.models import Institution, PartyOrg

from .reader import ExcelError, Sheet, cell_text, column_letter, parse_date

EARLIEST_DATE = datetime.date(1900, 1, 1)
PARTY_FOUNDED = datetime.date(1921, 7, 1)  # no 入党 or 转正 date can be earlier

MAX_STORED_ERRORS = 500
SENSITIVE_FIELDS = {"id_number", "phone", "person"}  # error reports keep only a masked form of these


def _mask(text: str) -> str:
    if len(text) <= 4:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:] if len(text) > 7 else text[:2] + "*" * (len(text) - 2)


class RowError(Exception):
    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass
class Plan:
    """The outcome of validating a whole file: errors, or the writes to make."""

    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    creates: int = 0
    updates: int = 0
    rows: list = field(default_factory=list)  # kind-specific prepared rows

    def add_error(self, sheet: Sheet, row_number: int, column_field: str, value, reason: str, labels: dict):
        self.error_count += 1
        if column_field in SENSITIVE_FIELDS:
            value = _mask(cell_text(value))
        if len(self.errors) < MAX_STORED_ERRORS:
            column = sheet.columns.get(column_field)
            self.errors.append(
                {
                    "sheet": sheet.name,
                    "row": row_number,
                    "column": f"{column_letter(column)}（{labels.get(column_field, column_field)}）"
                    if column is not None
                    else labels.get(column_field, column_field),
                    "value": cell_text(value)[:60],
                    "reason": reason,
                }
            )


class ImportKindBase:
    """A kind of import: its columns (label -> field, first label canonical), required fields and row logic."""

    headers: dict[str, str] = {}
    required: set[str] = set()
    example: list[str] = []
    coded: dict[str, list] = {}  # field -> choices: the template offers them as a drop-down
    checks_before_write_lock = False  # SQLite: check rows outside the write lock, then still_valid() under it
    text_columns: set[str] = set()  # fields the template formats as text

    def __init__(self, user):
        self.user = user

    @classmethod
    def field_labels(cls) -> dict[str, str]:
        """Field -> its canonical (first) header label, in template column order."""
        first: dict[str, str] = {}
        for label, name in cls.headers.items():
            first.setdefault(name, label)
        return first

    def plan(self, sheet: Sheet) -> Plan:
        plan = Plan()
        self.prepare(sheet)
        plan.rows.extend(self.checked_rows(sheet, plan))
        self.finish_plan()
        return plan

    def checked_rows(self, sheet: Sheet, plan: Plan):
        """Each valid row in its prepared form, in file order; the errors go into the plan. Call prepare() first."""
        labels = self.field_labels()
        for number, cells in sheet.rows:
            values = {name: (cells[col] if col < len(cells) else None) for name, col in sheet.columns.items()}
            try:
                for name, value in values.items():
                    if isinstance(value, ExcelError):
                        raise RowError(name, f"单元格是 Excel 错误值 {value}（公式计算出错），请改为实际的值")
                for name in self.required:
                    if cell_text(values.get(name)) == "":
                        raise RowError(name, "必填项为空")
                row = self.check_row(number, values, plan)
            except RowError as error:
                plan.add_error(sheet, number, error.field, values.get(error.field), error.reason, labels)
                continue
            yield row

    def validate_and_apply(self, sheet: Sheet, progress) -> tuple[Plan, dict | None]:
        """Check every row, then write them all. The summary is None when a row failed: the caller's
        transaction must then roll back whatever was written (a kind may write while it validates)."""
        plan = self.plan(sheet)
        if plan.error_count:
            return plan, None
        return plan, self.apply(plan, progress)

    def still_valid(self, plan: Plan) -> bool:
        """Under the write lock, after checking outside it: whether what the plan relies on is unchanged."""
        return True

    def finish_plan(self) -> None:
        """Drop look-up tables built for validation before the writing starts."""

    def prepare(self, sheet: Sheet) -> None:
        """Bulk look-ups before the row loop (no query per row)."""

    def check_row(self, number: int, values: dict, plan: Plan):
        raise NotImplementedError

    def apply(self, plan: Plan, progress) -> dict:
        raise NotImplementedError

    # helpers -------------------------------------------------------------------------
    def text(self, values, name) -> str:
        return cell_text(values.get(name))

    def date(self, values, name, earliest: datetime.date | None = None, future: bool = False):
        """A date cell, refused when implausible: before `earliest`, or after today unless `future`."""
        try:
            value = parse_date(values.get(name))
        except ValueError as exc:
            raise RowError(name, str(exc)) from None
        if value is None:
            return None
        if value < (earliest or EARLIEST_DATE):
            raise RowError(name, f"日期 {value:%Y-%m-%d} 早于 {(earliest or EARLIEST_DATE):%Y-%m-%d}，不合理，请核对")
        if not future and value > datetime.date.today():
            raise RowError(name, f"日期 {value:%Y-%m-%d} 在今天之后，请核对")
        return value

    def choice(self, values, name, choices, default=None):
        text = self.text(values, name)
        if not text:
            return default
        accepted = _choice_map(tuple(choices))
        if text in accepted:
            return accepted[text]
        simplified = to_simplified(text)  # 正式黨員 from a traditional-script office
        if simplified in accepted:
            return accepted[simplified]
        raise RowError(name, f"取值无效，可选：{'、'.join(str(label) for _, label in choices)}")


@lru_cache(maxsize=64)
def _choice_map(choices: tuple) -> dict[str, str]:
    """Label or stored value -> stored value."""
    return {**{str(label): value for value, label in choices}, **{value: value for value, _ in choices}}


class OrgResolver:
    """Finds organisations the user may write to by 编号 or exact name (繁简-insensitive)."""

    def __init__(self, user, min_role: int):
        qs = PartyOrg.objects.filter(is_active=True).only("id", "name", "path")
        q = scope_q(user, min_role, "path")
        if q is not None:
            qs = qs.filter(q)
        self.by_id = {o.id: o for o in qs}
        self.by_name: dict[str, list[PartyOrg]] = defaultdict(list)
        for org in self.by_id.values():
            self.by_name[normalise(org.name)].append(org)

    def resolve(self, value, field_name: str, required: bool = True) -> PartyOrg | None:
        text = cell_text(value)
        if not text:
            if required:
                raise RowError(field_name, "必填项为空")
            return None
        if text.isdigit() and int(text) in self.by_id:
            return self.by_id[int(text)]
        found = self.by_name.get(normalise(text), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise RowError(field_name, f"名称对应{len(found)}个党组织，请改填党组织编号")
        raise RowError(field_name, "在您的管理范围内找不到该党组织（请核对名称或先导入党组织）")


class InstitutionResolver:
    def __init__(self, user):
        qs = Institution.objects.visible_to(user, "view").filter(is_active=True).only("id", "name", "credit_code")
        self.by_id = {i.id: i for i in qs}
        self.by_name: dict[str, list[Institution]] = defaultdict(list)
        self.by_code = {i.credit_code: i for i in self.by_id.values() if i.credit_code}
        for inst in self.by_id.values():
            self.by_name[normalise(inst.name)].append(inst)

    def resolve(self, value, field_name: str) -> Institution | None:
        text = cell_text(value)
        if not text:
            return None
        if text.isdigit() and int(text) in self.by_id:
            return self.by_id[int(text)]
        if text.upper() in self.by_code:
            return self.by_code[text.upper()]
        found = self.by_name.get(normalise(text), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise RowError(field_name, "名称对应多个单位，请改填单位编号或统一社会信用代码")
        raise RowError(field_name, "在您的管理范围内找不到该单位（请核对名称或先导入单位）")
