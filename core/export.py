"""Every list exports its own filtered, scoped queryset; personal fields are masked (write-only xlsx)."""

import datetime
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook

EXPORT_ROW_LIMIT = 1_048_000  # one sheet


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append(list(headers))
    for i, row in enumerate(rows):
        if i >= EXPORT_ROW_LIMIT:
            break
        sheet.append([_cell(v) for v in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"{filename}-{stamp}.xlsx")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones: local time
    if isinstance(value, (int, float, datetime.date, str)):
        return value
    return str(value)
