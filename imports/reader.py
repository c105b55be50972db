"""Read an uploaded spreadsheet (xlsx, xls, ods or CSV in UTF-8 / GBK) into header-mapped rows.

Every problem is an ImportError with a Chinese message naming the file, sheet, row or column.
"""

import csv
import datetime
import io
import re
import zipfile
import zlib
from dataclasses import dataclass

import python_calamine

from core.text import to_simplified

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


EXAMPLE_MARK = "示例"  # the template's example row starts with this cell: never imported


def _is_example(row) -> bool:
    return bool(row) and isinstance(row[0], str) and row[0].strip().startswith(EXAMPLE_MARK)


def _normalise_header(value) -> str:
    text = to_simplified(str(value or "").strip())
    text = text.replace("*", "").replace("＊", "").replace("（", "(").replace("）", ")").replace(" ", "")
    return re.sub(r"\(.*\)$", "", text)


def read_file(name: str, content: bytes, headers: dict[str, str], required: set[str]) -> Sheet:
    """`headers` maps a header label (and aliases) to a field name; `required` lists field names."""
    kind = _detect(name, content)
    if kind == "csv":
        sheet_name, table, merged = "CSV", _read_csv(content, headers), []
    else:
        errors = _check_sheet_size(content) if kind == "xlsx" else {}
        sheet_name, table, merged = _read_workbook(content)
        _mark_error_cells(table, errors)
    if merged:
        (r0, c0), (r1, c1) = merged[0]
        raise ImportFileError(
            f"工作表“{sheet_name}”含合并单元格（{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1} 等 {len(merged)} 处），"
            "合并后只有左上角单元格有值，请取消合并并逐行填写后重新上传"
        )
    header_index, columns = _find_header(table, headers)
    if header_index is None:
        expected = "、".join(_labels(headers))
        raise ImportFileError(f"工作表“{sheet_name}”前5行中没有找到表头，应包含这些列：{expected}（可下载模板对照）")
    missing = [label for label, field in _labels(headers).items() if field in required and field not in columns]
    if missing:
        raise ImportFileError(f"工作表“{sheet_name}”第{header_index + 1}行表头缺少必填列：{'、'.join(missing)}")
    rows = [
        (i + 1, row)
        for i, row in enumerate(table[header_index + 1 :], start=header_index + 1)
        if any(str(c).strip() for c in row if c is not None) and not _is_example(row)
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
        except (zipfile.BadZipFile, ValueError, OSError):
            raise ImportFileError(
                "文件已损坏（压缩结构不完整），无法作为 Excel 工作簿打开，请用 Excel 重新保存后上传"
            ) from None
        if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
            raise ImportFileError("文件解压后超过 500 MB（可能是压缩炸弹或异常文件），已拒绝")
        names = [entry.filename for entry in entries]
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise ImportFileError("文件是压缩包而不是 Excel 工作簿，请上传 .xlsx、.xls 或 .csv 文件")
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "csv"  # UTF-16 text (Excel's "Unicode 文本"): its NUL bytes are not binary content
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
    except Exception:  # calamine raises several error types (with English messages) for corrupt files
        raise ImportFileError(
            "无法读取 Excel 文件：文件已损坏或格式不受支持，请用 Excel 打开后另存为 .xlsx 再上传"
        ) from None
    return sheet.name, table, merged


# --- what a workbook declares, checked before it is read whole ----------------------------------------------

MAX_COLUMNS = 200
MAX_CELLS = 20_000_000  # a 200k-row sheet of 100 columns; beyond this the reader alone needs gigabytes
_SHEET_REF = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]+)"')
_REL = re.compile(
    rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"|<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"'
)
_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_WIDE_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{2,3})\d+"')
_ERROR_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>.*?</f>)?<v>([^<]*)</v>', re.S
)
CHUNK = 4 * 1024 * 1024


def _check_sheet_size(content: bytes) -> dict[tuple[int, int], str]:
    """Refuse a first sheet whose extent would take the reader gigabytes (a far-off cell such as XFD1048576 in
    a 5 KB file, a million copied rows), by scanning its XML in chunks before calamine reads it whole; return
    the Excel error values (#DIV/0! …) it holds, by (row, column), which the reader turns into empty cells."""
    try:
        return _scan_sheet(content)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise ImportFileError(
            "文件已损坏（压缩数据校验失败），无法读取，请用 Excel 打开后另存为 .xlsx 再上传"
        ) from None


def _scan_sheet(content: bytes) -> dict[tuple[int, int], str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        path = _first_sheet_path(archive)
        if path is None:
            return {}
        last_row, last_col, errors, tail = 0, 0, {}, b""
        with archive.open(path) as stream:
            while chunk := stream.read(CHUNK):
                data = tail + chunk
                rows = _ROW.findall(data)
                if rows:
                    last_row = max(last_row, int(rows[-1]))
                for letters in set(_WIDE_CELL.findall(data)):
                    last_col = max(last_col, _column_number(letters.decode()))
                for letters, number, value in _ERROR_CELL.findall(data):
                    errors[(int(number) - 1, _column_number(letters.decode()) - 1)] = value.decode(errors="replace")
                if last_row > MAX_ROWS + 1000:
                    break
                tail = data[-512:]
    if last_row > MAX_ROWS + 1000:
        raise ImportFileError(
            f"工作表至少有 {last_row} 行（可能整列复制了格式或空行），超过单次导入上限 {MAX_ROWS} 行："
            "请删除多余的行或分成多个文件"
        )
    if last_col > MAX_COLUMNS:
        raise ImportFileError(
            f"工作表的单元格延伸到第 {column_letter(last_col - 1)} 列（第{last_col}列），超过 {MAX_COLUMNS} 列："
            "请删除表格右侧多余的列（含格式或空格）后重新上传"
        )
    if last_row * max(last_col, 26) > MAX_CELLS:
        raise ImportFileError(f"工作表范围过大（{last_row} 行 × {last_col} 列），请删除多余的行列后重新上传")
    return errors


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The XML part of the workbook's first sheet (what calamine reads as sheet 0)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    first = _SHEET_REF.search(workbook)
    if first is None:
        return None
    for match in _REL.finditer(rels):
        rel_id, target = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        if rel_id == first.group(1):
            target = target.decode().lstrip("/")
            path = target if target.startswith("xl/") else "xl/" + target
            return path if path in archive.namelist() else None
    return None


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


class ExcelError(str):
    """A cell holding an Excel error value (#DIV/0!, #N/A, #REF! …): a formula that failed, not an empty cell."""


def _mark_error_cells(table: list[list], errors: dict[tuple[int, int], str]) -> None:
    for (row, col), value in errors.items():
        if row < len(table) and col < len(table[row]):
            table[row][col] = ExcelError(value or "#错误")


def _read_csv(content: bytes, headers: dict[str, str]) -> list[list[str]]:
    """CSV in UTF-8, UTF-16 (with its byte-order mark), GB18030/GBK or Big5. GB18030 decodes almost any bytes, so
    between the two Chinese encodings the one whose header row matches the expected columns wins."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "gb18030", "big5"]
    best, best_score = None, -1
    for encoding in candidates:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig":  # valid UTF-8 is almost never another encoding by accident
            best = text
            break
        score = _header_score(text, headers)
        if score > best_score:
            best, best_score = text, score
    if best is None:
        raise ImportFileError(
            "无法识别 CSV 文件的编码（支持 UTF-8、UTF-16、GBK/GB18030、Big5），请在 Excel 中另存为“CSV UTF-8”后上传"
        )
    try:
        return list(csv.reader(io.StringIO(best)))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                "CSV 文件中有一个单元格超过 128 KB：可能引号没有配对，或文件不是 CSV，请检查后重新上传"
            ) from None
        if "NUL" in str(exc) or "null byte" in str(exc):
            raise ImportFileError("CSV 文件中含有空字符（文件可能已损坏或不是文本文件）") from None
        raise ImportFileError("CSV 格式错误（引号或分隔符不配对），请在 Excel 中另存为 CSV 后重新上传") from None


def _header_score(text: str, headers: dict[str, str]) -> int:
    try:
        first_rows = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:5]))))
    except csv.Error:
        return 0
    return max((sum(1 for cell in row if _normalise_header(cell) in headers) for row in first_rows), default=0)


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
        if 1900 <= value <= 2100 and float(value).is_integer():
            raise ValueError(f"只填了年份 {int(value)}，请填写完整日期，如 {int(value)}-07-01")
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
    if re.fullmatch(r"(19|20)\d{2}(年)?", text):
        raise ValueError(f"只填了年份 {text[:4]}，请填写完整日期，如 {text[:4]}-07-01")
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
