"""Read an uploaded spreadsheet (xlsx, xls, ods or CSV in UTF-8 / GBK) into header-mapped rows.

Every problem is an ImportError with a Chinese message naming the file, sheet, row or column.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass

import python_calamine

MAX_ROWS = 200_000
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024  # a 200k-row sheet unzips to well under this
EXCEL_EPOCH = datetime.date(1899, 12, 30)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass
class Sheet:
    name: str
    header_row: int  # 1-based row number of the header, as Excel shows it
    columns: dict[str, int]  # canonical field -> column index
    rows: list[tuple[int, list]]  # (1-based row number, cells)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _normalise_header(value) -> str:
    text = str(value or "").strip()
    text = text.replace("*", "").replace("＊", "").replace("（", "(").replace("）", ")").replace(" ", "")
    return re.sub(r"\(.*\)$", "", text)


def read_file(name: str, content: bytes, headers: dict[str, str], required: set[str]) -> Sheet:
    """`headers` maps a header label (and aliases) to a field name; `required` lists field names."""
    kind = _detect(name, content)
    if kind == "csv":
        sheet_name, table, merged = "CSV", _read_csv(content), []
    else:
        sheet_name, table, merged = _read_workbook(content)
    if merged:
        (r0, c0), (r1, c1) = merged[0]
        raise ImportFileError(
            f"工作表“{sheet_name}”含合并单元格（{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1} 等 {len(merged)} 处），"
            "合并后只有左上角单元格有值，请取消合并并逐行填写后重新上传"
        )
    header_index, columns = _find_header(table, headers)
    if header_index is None:
        expected = "、".join(dict.fromkeys(headers.values()))
        raise ImportFileError(f"工作表“{sheet_name}”前5行中没有找到表头，应包含这些列：{expected}（可下载模板对照）")
    missing = [label for label, field in _labels(headers).items() if field in required and field not in columns]
    if missing:
        raise ImportFileError(f"工作表“{sheet_name}”第{header_index + 1}行表头缺少必填列：{'、'.join(missing)}")
    rows = [
        (i + 1, row)
        for i, row in enumerate(table[header_index + 1 :], start=header_index + 1)
        if any(str(c).strip() for c in row if c is not None)
    ]
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"数据行数 {len(rows)} 超过单次导入上限 {MAX_ROWS} 行，请分成多个文件")
    if not rows:
        raise ImportFileError(f"工作表“{sheet_name}”表头下没有数据行")
    return Sheet(sheet_name, header_index + 1, columns, rows)


def _labels(headers: dict[str, str]) -> dict[str, str]:
    """The first (canonical) label of each field."""
    first: dict[str, str] = {}
    for label, field in headers.items():
        first.setdefault(field, label)
    return {label: field for field, label in first.items()}


def _detect(name: str, content: bytes) -> str:
    lower = name.lower()
    if content[:4] == b"PK\x03\x04":
        try:
            entries = zipfile.ZipFile(io.BytesIO(content)).infolist()
        except zipfile.BadZipFile:
            raise ImportFileError("文件已损坏，无法作为 Excel 工作簿打开") from None
        if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
            raise ImportFileError("文件解压后超过 500 MB（可能是压缩炸弹或异常文件），已拒绝")
        names = [entry.filename for entry in entries]
        if "xl/workbook.xml" in names or "content.xml" in names:
            return "xlsx"
        raise ImportFileError("文件是压缩包而不是 Excel 工作簿，请上传 .xlsx、.xls 或 .csv 文件")
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if lower.endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise ImportFileError(
            "文件扩展名是 Excel，但内容不是 Excel 工作簿（可能是改了扩展名的其他文件），请用 Excel 另存为 .xlsx 后上传"
        )
    if b"\x00" in content[:4096]:
        raise ImportFileError("文件不是电子表格（含二进制内容），请上传 .xlsx、.xls 或 .csv 文件")
    return "csv"


def _read_workbook(content: bytes):
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        table = sheet.to_python(skip_empty_area=False)
        merged = list(sheet.merged_cell_ranges or [])
    except Exception as exc:  # calamine raises several error types for corrupt files
        raise ImportFileError(f"无法读取 Excel 文件：文件已损坏或格式不受支持（{type(exc).__name__}）") from None
    return sheet.name, table, merged


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030", "big5"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("无法识别 CSV 文件的编码（支持 UTF-8、GBK/GB18030、Big5）")
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ImportFileError(f"CSV 格式错误：{exc}") from None


def _find_header(table: list[list], headers: dict[str, str]) -> tuple[int | None, dict[str, int]]:
    best: tuple[int | None, dict[str, int]] = (None, {})
    for index, row in enumerate(table[:5]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            field = headers.get(_normalise_header(cell))
            if field and field not in columns:
                columns[field] = col
        if len(columns) > len(best[1]):
            best = (index, columns)
    return best if len(best[1]) >= 2 else (None, {})


# --- cell parsing -------------------------------------------------------------------

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value) -> datetime.date | None:
    """A date from a date cell, an Excel serial number or text such as 2024-05-22, 2024/5/22, 2024年5月22日."""
    if value is None or value == "":
        return None
    if type(value) is str and _ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError("日期格式无法识别：月或日超出范围") from None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)):
        if 1 <= value < 80000:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError("不是有效的日期")
    text = str(value).strip().split(" ")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise ValueError("日期格式无法识别：月或日超出范围") from None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
    raise ValueError("日期格式无法识别，请使用 2024-05-22 格式")


def cell_text(value) -> str:
    if type(value) is str:  # the common case first: most cells of a sheet are text
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()
