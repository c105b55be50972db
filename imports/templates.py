"""The downloadable template of each import kind: what a 党办 fills in.

The header row is the one the reader looks for; the example row starts with "示例" and is never imported; coded
columns offer their values as a drop-down (data validation); ID-number and phone columns are text, so Excel keeps
all 18 digits.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.export import column_widths, sheet_title, text_cell

from .reader import EXAMPLE_MARK

TEMPLATE_ROWS = 5000  # rows the drop-downs and text formats cover
EXAMPLE_FONT = Font(italic=True, color="808080")
REQUIRED_FILL = PatternFill("solid", fgColor="F8D7DA")
HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")


def template_bytes(importer_class, kind_label: str) -> bytes:
    fields = list(importer_class.field_labels().items())  # (field, header label) in column order
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(kind_label)
    headers = [label for _, label in fields]
    example = [EXAMPLE_MARK + "（此行不导入）", *importer_class.example[1:]]
    if importer_class.example and importer_class.example[0]:
        example[0] = f"{EXAMPLE_MARK}：{importer_class.example[0]}"
    sheet.append(headers)
    sheet.append(example[: len(headers)])
    for index, (field, _label) in enumerate(fields, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = REQUIRED_FILL if field in importer_class.required else HEADER_FILL
        example_cell = sheet.cell(row=2, column=index)
        example_cell.font = EXAMPLE_FONT
        if isinstance(example_cell.value, str):
            text_cell(example_cell, example_cell.value)
        letter = get_column_letter(index)
        if field in importer_class.text_columns:
            for row in range(3, TEMPLATE_ROWS + 3):
                sheet.cell(row=row, column=index).number_format = "@"
        if field in importer_class.coded:
            options = [str(label) for _, label in importer_class.coded[field]]
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
            validation.error = "请从下拉列表中选择：" + "、".join(options)
            validation.errorTitle = "取值无效"
            validation.prompt = "可选：" + "、".join(options)
            validation.showErrorMessage = True
            validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
            sheet.add_data_validation(validation)
    for index, width in enumerate(column_widths(headers, [example]), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
