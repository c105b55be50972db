"""Key registry flows in a real browser (Debian's chromium via Playwright)."""

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_admin_browses_the_tree_searches_and_reveals_personal_data(page_as, live_server, cast):
    page = page_as("unit_admin")
    page.click("summary:has-text('组织') >> nth=0")
    page.click(".nav-group[open] >> text=组织树")
    page.click("button.toggle")  # expand the hospital committee
    expect(page.locator(".tree")).to_contain_text("博爱医院第一党支部")
    page.click("text=博爱医院第一党支部 >> visible=true")
    expect(page.locator("h1")).to_contain_text("博爱医院第一党支部")
    page.click("summary:has-text('党员')")
    page.click(".nav-group[open] >> text=人员")
    page.fill("input[name=q]", "ljm")
    page.click("main form.filters button[type=submit]")
    page.click("table >> text=雷继敏")
    expect(page.locator("#pii")).to_contain_text("4420**********0017")
    page.click("text=查看完整信息 >> visible=true")
    expect(page.locator("#pii")).to_contain_text("442000198001010017")


def test_secretary_registers_a_member_on_a_phone(page_as, live_server, cast):
    page = page_as("secretary", phone=True)
    page.goto(live_server.url + "/people/new/")
    page.fill("#id_name", "王小明")
    page.select_option("#id_party_status", "formal")
    page.fill("#id_joined_on", "2015-06-01")
    pick(page, "id_home_org", "bayy", "博爱医院第一党支部")
    page.fill("#id_id_number", "110105194912310021")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("身份证号校验位不正确")
    expect(page.locator("main")).to_contain_text("正式党员必须填写转正日期")
    page.fill("#id_id_number", "11010519491231002X")
    page.fill("#id_confirmed_on", "2016-06-01")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("王小明")
    expect(page.locator("body")).to_contain_text("1101**********002X")
    page.locator("#history").scroll_into_view_if_needed()  # the history loads when it comes into view
    expect(page.locator("#history table")).to_contain_text("新建")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
