"""Every list exports its own filtered, scoped queryset; personal fields are masked (write-only xlsx).

A sheet a 党办 can hand in: a title row, a Chinese sheet name, column widths fitted to the content, a frozen
header that repeats on every printed page, and real dates. Text is never a formula: a cell that starts with
= + - @ (or a tab or carriage return) is written as text, in every workbook this module or `text_cell` builds.
"""

import datetime
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import chain, islice

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

EXPORT_ROW_LIMIT = 1_048_000  # one sheet
EXPORT_SYNC_ROWS = 20_000  # more rows than this are built by a background worker (core.exports)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE_ROWS = 200  # column widths are fitted to the header and the first rows
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def xlsx_response(
    request, filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, title: str | None = None
) -> HttpResponse:
    """The list as a workbook; one longer than EXPORT_SYNC_ROWS is queued for a worker and the user sent to
    我的导出, where the file appears when it is built."""
    from core.exports import in_export_task, queue_export

    rows = iter(rows)
    head = list(islice(rows, EXPORT_SYNC_ROWS + 1))
    if len(head) > EXPORT_SYNC_ROWS and not in_export_task(request):
        job = queue_export(request, filename)
        messages.info(request, f"“{filename}”超过 {EXPORT_SYNC_ROWS} 行，正在后台生成，完成后可在此下载")
        return redirect("core:export", job.pk)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_table(handle, headers, chain(head, rows), title=title or filename, sheet_name=filename)
    handle.seek(0)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"{filename}-{stamp}.xlsx")


def write_table(handle, headers: Sequence[str], rows: Iterable[Sequence], *, title: str, sheet_name: str) -> None:
    """One sheet: title row, header row, data rows (at most EXPORT_ROW_LIMIT), saved to `handle`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(sheet_name))
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    for index, width in enumerate(column_widths(headers, sample)):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    if len(headers) > 1:
        sheet.merged_cells.add(f"A1:{_letter(len(headers) - 1)}1")
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    sheet.append([_styled(sheet, f"{title}（导出于 {stamp}）", font=TITLE_FONT)])
    sheet.append([_styled(sheet, h, font=HEADER_FONT, fill=HEADER_FILL) for h in headers])
    for i, row in enumerate(chain(sample, rows)):
        if i >= EXPORT_ROW_LIMIT:
            break
        sheet.append([_cell(sheet, v) for v in row])
    workbook.save(handle)


def sheet_title(name: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "数据"


def column_widths(headers: Sequence[str], sample: Sequence[Sequence]) -> list[float]:
    widths = []
    for index, header in enumerate(headers):
        values = [header] + [row[index] for row in sample if index < len(row)]
        widths.append(min(max(display_width(_plain(v)) for v in values) + 2, 60))
    return [max(w, 6) for w in widths]


def display_width(text: str) -> int:
    """Columns a text takes: CJK and other wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.split("\n")[0])


def _plain(value) -> str:
    if isinstance(value, datetime.datetime):
        return "2024-05-22 14:30"
    if isinstance(value, datetime.date):
        return "2024-05-22"
    return "" if value is None else str(value)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _styled(sheet, value, **styles) -> WriteOnlyCell:
    cell = _cell(sheet, value)
    if not hasattr(cell, "font"):  # a plain value: give it a cell to carry the style
        cell = WriteOnlyCell(sheet, value)
    for name, style in styles.items():
        setattr(cell, name, style)
    cell.alignment = Alignment(vertical="center", wrap_text=False)
    return cell


def _cell(sheet, value):
    if value is None:
        return ""
    if type(value) is str:
        return text_cell(WriteOnlyCell(sheet, value), value) if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones: local time
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):  # money: a number with two decimals, never text
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "0.00"
        return cell
    return _cell(sheet, str(value))


def text_cell(cell, value: str):
    """Store `value` in `cell` as text whatever it starts with (never a formula), shown with Excel's text prefix."""
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell
