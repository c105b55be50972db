"""The import flow in a browser: upload, preview with errors, corrected upload, confirm."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["姓名", "政治面貌", "入党日期", "转正日期", "所属党组织", "身份证号"]


def workbook(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_unit_admin_imports_people_after_fixing_errors(page_as, live_server, cast, tmp_path):
    page = page_as("unit_admin")
    page.click("summary:has-text('党员')")
    page.click(".nav-group[open] >> text=批量导入")
    page.select_option("#kind", "people")
    bad = workbook(tmp_path / "bad.xlsx", [["王小明", "正式党员", "2015-06-01", "", "博爱医院第二党支部", ""]])
    page.set_input_files("#file", bad)
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("有错误，未导入")
    expect(page.locator("table")).to_contain_text("正式党员必须填写转正日期")
    page.click("text=返回导入 >> visible=true")
    page.select_option("#kind", "people")
    good = workbook(
        tmp_path / "good.xlsx",
        [["王小明", "正式党员", "2015-06-01", "2016-06-01", "博爱医院第二党支部", "11010519491231002X"]],
    )
    page.set_input_files("#file", good)
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("校验通过，待确认")
    page.click("text=确认导入 >> visible=true")
    expect(page.locator("main")).to_contain_text("已导入")
    page.goto(live_server.url + "/people/?q=wxm")
    expect(page.locator("table")).to_contain_text("王小明")
    expect(page.locator("table")).to_contain_text("博爱医院第二党支部")
