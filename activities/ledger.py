"""The ledger (台账): a branch's yearly record book as .docx and .xlsx, and one meeting's record (会议记录).

Layout follows what a 党办 hands in: A4, 仿宋 body with 黑体 headings, one section per activity with time,
place, host, recorder, 应到/实到, absentees with reasons, agenda, minutes and decisions.
"""

import datetime
import functools
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from markupsafe import Markup, escape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.export import FORMULA_STARTS, text_cell
from orgs.models import BRANCH_KINDS, PartyOrg
from people.models import Person

from .models import Activity, ActivityOrganiser, Attendance, AttendanceStatus
from .services import local_bounds

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
STATUS_LABEL = dict(AttendanceStatus.choices)


@dataclass
class Entry:
    """One activity as the ledger shows it."""

    activity: Activity
    present: list[str] = field(default_factory=list)
    leave: list[tuple[str, str]] = field(default_factory=list)
    absent: list[tuple[str, str]] = field(default_factory=list)
    expected: int = 0
    guests: int = 0

    @property
    def attended(self) -> int:
        return len(self.present)


def year_organiser_rows(org: PartyOrg, year: int):
    """Organiser rows of the year's activities: a branch with its 党小组 (its subtree), any other organisation
    on its own. One index range on (org_path, starts_at)."""
    start, end = local_bounds(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    qs = ActivityOrganiser.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if org.kind in BRANCH_KINDS:
        return qs.filter(org_path__gte=org.path, org_path__lt=org.path + "~")
    return qs.filter(org_path=org.path)


def year_activity_ids(org: PartyOrg, year: int) -> list[int]:
    return list(year_organiser_rows(org, year).values_list("activity_id", flat=True))


def year_rows(org: PartyOrg, year: int) -> list[dict]:
    """The ledger page's rows, with the attendance figures the activity keeps (no attendance rows read). A row
    marked `planned` has not started yet: it is listed apart and counted nowhere."""
    rows, seen, now = [], set(), timezone.now()
    for row in (
        year_organiser_rows(org, year)
        .filter(activity__is_cancelled=False)
        .order_by("starts_at", "activity_id")
        .values("activity_id", "starts_at", "kind_id", "kind__name", "activity__title", "activity__expected_count",
                "activity__present_count", "activity__leave_count", "activity__absent_count")
    ):  # fmt: skip
        if row["activity_id"] in seen:
            continue
        seen.add(row["activity_id"])
        local = timezone.localtime(row["starts_at"])
        row["when"], row["month"] = local.strftime("%Y-%m-%d %H:%M"), local.month
        row["planned"] = row["starts_at"] > now
        rows.append(row)
    return rows


def year_entries(org: PartyOrg, year: int) -> list[Entry]:
    """The activities the organisation (and its 党小组) held in the year, with their attendance, oldest first:
    three queries whatever the number of meetings. A meeting that has not started is not on record yet."""
    activities = (
        Activity.objects.filter(pk__in=year_activity_ids(org, year), is_cancelled=False, starts_at__lte=timezone.now())
        .select_related("kind", "host", "recorder", "lead_org")
        .prefetch_related("speakers")
        .order_by("starts_at", "id")
    )
    return attach_attendance(list(activities))


def attach_attendance(activities: list[Activity]) -> list[Entry]:
    entries = {a.pk: Entry(a) for a in activities}
    rows = list(
        Attendance.objects.filter(activity_id__in=list(entries)).values_list(
            "activity_id", "person_id", "expected", "status", "reason"
        )
    )
    # The names in a second query: joined to people, PostgreSQL misjudged the rows of a year's meetings and merged
    # with the whole people index (40 ms for 2,000 rows); a branch's year has a few dozen distinct people.
    people = Person.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", "name", "name_pinyin")
    names = {pk: (name, pinyin) for pk, name, pinyin in people}
    rows.sort(key=lambda row: (row[0], names[row[1]][1], row[1]))
    for activity_id, person_id, expected, status, reason in rows:
        entry, name = entries[activity_id], names[person_id][0]
        entry.expected += expected
        if status == AttendanceStatus.PRESENT:
            if expected:
                entry.present.append(name)
            else:
                entry.guests += 1
        elif status == AttendanceStatus.LEAVE:
            entry.leave.append((name, reason))
        elif expected:  # absent, or never checked in
            entry.absent.append((name, reason or ("未签到" if status == AttendanceStatus.PENDING else "")))
    return list(entries.values())


def local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M") if value else ""


def time_span(activity: Activity) -> str:
    text = local(activity.starts_at)
    if activity.ends_at:
        end = timezone.localtime(activity.ends_at)
        same_day = end.date() == timezone.localtime(activity.starts_at).date()
        text += "—" + (end.strftime("%H:%M") if same_day else local(activity.ends_at))
    return text


def names_with_reasons(rows: list[tuple[str, str]]) -> str:
    return "；".join(f"{name}（{reason}）" if reason else name for name, reason in rows) or "无"


def entry_fields(entry: Entry) -> list[tuple[str, str]]:
    a = entry.activity
    speakers = "；".join(
        f"{s.name}（{s.post + '，' if s.post else ''}{s.get_role_display()}{'：' + s.topic if s.topic else ''}）"
        for s in a.speakers.all()
    )
    attendance = (
        f"应到 {entry.expected} 人，实到 {entry.attended} 人，请假 {len(entry.leave)} 人，缺席 {len(entry.absent)} 人"
    )
    if a.starts_at > timezone.now():  # a record printed before the meeting: the roll, nobody marked absent
        return [
            ("活动类型", a.kind.name),
            ("时间", time_span(a) + "（尚未召开）"),
            ("地点", a.place),
            ("应到人数", f"{entry.expected} 人" if entry.expected else "—"),
            ("议程", a.agenda),
        ]
    if entry.guests:
        attendance += f"；列席 {entry.guests} 人"
    elif not entry.expected and a.headcount:
        attendance = f"参加约 {a.headcount} 人"
    return [
        ("活动类型", a.kind.name),
        ("时间", time_span(a)),
        ("地点", a.place),
        ("主持人", a.host.name if a.host else next((s.name for s in a.speakers.all() if s.role == "host"), "")),
        ("记录人", a.recorder.name if a.recorder else ""),
        ("出席情况", attendance),
        ("出席人员", "、".join(entry.present) or ("—" if not entry.expected else "无")),
        ("请假人员及原因", names_with_reasons(entry.leave)),
        ("缺席人员及原因", names_with_reasons(entry.absent)),
        ("发言/授课", speakers or "—"),
        ("议程", a.agenda),
        ("会议记录", a.minutes or a.summary),
        ("决议事项", a.decisions),
    ]


# --- .docx --------------------------------------------------------------------------------------------
def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.8)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    set_font(doc.styles["Normal"], BODY_FONT, 12)
    for name in ("Title", "Heading 1", "Heading 2"):
        set_font(doc.styles[name], HEADING_FONT, {"Title": 20, "Heading 1": 16, "Heading 2": 14}[name])
    return doc


def set_font(style, name: str, size: int) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.color.rgb = None
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)


# The body is written as WordprocessingML text into a template made once by python-docx: its object model builds
# every cell, run and property one call at a time (style names looked up by scanning all styles, a row's cells by
# walking the whole table), which cost ~300 ms for a year's ~60 meeting tables; the same XML as text costs a few
# milliseconds.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # control characters pasted into minutes
PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
FIELD_WIDTHS = (Cm(3.4), Cm(12.2))


def xml_text(text) -> str:
    text = _NOT_IN_XML.sub("", str(text))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:t{space}>{xml_escape(text)}</w:t>"


def xml_paragraph(text="", *, style: str = "", bold: bool = False, half_points: int = 0) -> str:
    props = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{half_points}"/>' if half_points else "")
    run_props = f"<w:rPr>{props}</w:rPr>" if props else ""
    run = f"<w:r>{run_props}{xml_text(text)}</w:r>" if text != "" else ""
    paragraph_props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{paragraph_props}{run}</w:p>"


def xml_table(rows: list[list[str]], widths, *, centred: bool = False, bold_first: bool = False,
              half_points: int = 0) -> str:  # fmt: skip
    """A 'Table Grid' table with fixed column widths (kept by Word and WPS/LibreOffice alike); a cell's lines
    are its paragraphs."""
    twips = [int(w.twips) for w in widths]
    grid = "".join(f'<w:gridCol w:w="{t}"/>' for t in twips)
    body = []
    for row in rows:
        cells = []
        for i, (value, width) in enumerate(zip(row, twips)):
            lines = ("" if value is None else str(value)).splitlines() or [""]
            paragraphs = "".join(
                xml_paragraph(line, bold=bold_first and i == 0, half_points=half_points) for line in lines
            )
            cells.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>{paragraphs}</w:tc>')
        body.append(f"<w:tr>{''.join(cells)}</w:tr>")
    jc = '<w:jc w:val="center"/>' if centred else ""
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>{jc}'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(body)}'
        "</w:tbl>"
    )


def field_table_xml(rows: list[tuple[str, str]]) -> str:
    return xml_table([list(row) for row in rows], FIELD_WIDTHS, centred=True, bold_first=True)


def title_xml(text: str, subtitle: str = "") -> str:
    """A centred 黑体 heading as on a printed 记录本 (Word's Title style would add a coloured rule under it)."""
    fonts = f'<w:rFonts w:ascii="{HEADING_FONT}" w:hAnsi="{HEADING_FONT}" w:eastAsia="{HEADING_FONT}"/>'
    centred = '<w:pPr><w:jc w:val="center"/></w:pPr>'
    title = f'<w:p>{centred}<w:r><w:rPr>{fonts}<w:b/><w:sz w:val="40"/></w:rPr>{xml_text(text)}</w:r></w:p>'
    return title + (f"<w:p>{centred}<w:r>{xml_text(subtitle)}</w:r></w:p>" if subtitle else "")


@functools.cache
def template_parts() -> dict[str, bytes]:
    """The parts of an empty document with the page and fonts set, made once by python-docx: opening its
    template and setting the styles cost 8 ms a document."""
    out = io.BytesIO()
    new_document().save(out)
    with zipfile.ZipFile(out) as package:
        return {name: package.read(name) for name in package.namelist()}


def docx_with_body(body: str) -> bytes:
    """A .docx whose body is the WordprocessingML text `body`, followed by the template's section settings."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in template_parts().items():
            if name == "word/document.xml":
                document = data.decode()
                at = document.rindex("<w:sectPr")
                data = (document[:at] + body + document[at:]).encode()
            package.writestr(name, data)
    return out.getvalue()


def year_ledger_docx(org: PartyOrg, year: int, entries: list[Entry], periods: list[list]) -> bytes:
    parts = [
        title_xml(f"{org.name}", f"{year}年度“三会一课”及组织生活记录"),
        xml_paragraph(f"共记录活动 {len(entries)} 次。生成时间：{timezone.localtime():%Y年%m月%d日 %H:%M}"),
    ]
    if periods:
        parts.append(xml_paragraph("开展情况统计", style="Heading1"))
        # the rule's name wide, twelve months and the year narrow: A4 portrait holds it in 9 pt
        widths = [Cm(3.6), *[Cm(0.92)] * (len(periods[0]) - 2), Cm(1.0)]
        parts.append(xml_table(periods, widths, half_points=18))
    for entry in entries:
        a = entry.activity
        parts.append(PAGE_BREAK)
        parts.append(xml_paragraph(f"{timezone.localtime(a.starts_at):%m月%d日} {a.kind.name}：{a.title}",
                                   style="Heading2"))  # fmt: skip
        parts.append(field_table_xml(entry_fields(entry)))
    return docx_with_body("".join(parts))


def meeting_record_docx(entry: Entry) -> bytes:
    a = entry.activity
    return docx_with_body(
        title_xml("会议记录", f"{a.lead_org.name}")
        + field_table_xml([("会议名称", a.title), *entry_fields(entry)])
        + xml_paragraph()
        + xml_paragraph("主持人（签字）：　　　　　　　　记录人（签字）：")
    )


# --- .xlsx --------------------------------------------------------------------------------------------
XLSX_HEADERS = ["日期", "时间", "活动类型", "主题", "地点", "主持人", "记录人", "应到", "实到", "请假", "缺席",
                "请假人员及原因", "缺席人员及原因", "议程", "决议事项"]  # fmt: skip


def year_ledger_xlsx(org: PartyOrg, year: int, entries: list[Entry]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年度台账"
    sheet.append([f"{org.name} {year}年度“三会一课”及组织生活台账"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(XLSX_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for entry in entries:
        a = entry.activity
        start = timezone.localtime(a.starts_at)
        fields = dict(entry_fields(entry))
        sheet.append(
            [start.date(), start.strftime("%H:%M"), a.kind.name, a.title, a.place, fields["主持人"], fields["记录人"],
             entry.expected, entry.attended, len(entry.leave), len(entry.absent),
             names_with_reasons(entry.leave), names_with_reasons(entry.absent), a.agenda, a.decisions]
        )  # fmt: skip
    for column, width in zip("ABCDEFGHIJKLMNO", (12, 8, 14, 30, 18, 10, 10, 6, 6, 6, 6, 30, 30, 40, 40)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                text_cell(cell, cell.value)  # a typed "=…" in a title or minutes is text, never a formula
        row[0].number_format = "yyyy-mm-dd"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(XLSX_HEADERS))
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def grid_html(grid: list[list]) -> Markup:
    """The statistics table of the ledger page, built once (its ~100 numeric cells need no escaping)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in grid[0])
    body = "".join(
        f"<tr><td>{escape(row[0])}</td>" + "".join(f'<td class="num">{n or ""}</td>' for n in row[1:]) + "</tr>"
        for row in grid[1:]
    )
    return Markup(f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>")


def period_grid(rows: list[dict]) -> list[list]:
    """Rows: each rule; columns: months; cells: how many were held (from `year_rows` or entries)."""
    from .compliance import active_rules

    months: dict[int, list[int]] = defaultdict(lambda: [0] * 12)
    for row in rows:
        if row.get("planned"):
            continue
        months[row["kind_id"]][row["month"] - 1] += 1
    grid = [["规则", *[f"{m}月" for m in range(1, 13)], "全年"]]
    for rule in active_rules():
        by_month = months[rule.kind_id]
        grid.append([str(rule), *by_month, sum(by_month)])
    return grid
