"""The grouped menu as users meet it: a dropdown per group on a laptop, one 菜单 button on a phone."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_menu_on_a_laptop_and_on_a_phone(page_as, live_server, cast):
    page = page_as("unit_admin")
    height = page.evaluate("document.querySelector('header.top').offsetHeight")
    assert height < 60, f"the menu wraps onto a second line on a laptop ({height}px)"
    page.click("summary:has-text('共建')")
    page.click(".nav-group[open] >> text=转诊")
    expect(page).to_have_url(f"{live_server.url}/alliances/referrals/")
    page.click("summary:has-text('考核')")
    page.mouse.click(1100, 700)  # a click elsewhere closes the group
    expect(page.locator(".nav-group[open]")).to_have_count(0)
    page.screenshot(path="/tmp/nav-desktop.png")

    phone = page_as("secretary", phone=True)
    expect(phone.locator("#main-nav")).to_be_hidden()
    phone.click("text=菜单 >> visible=true")
    expect(phone.locator("#main-nav")).to_be_visible()
    phone.click("summary:has-text('组织生活')")
    phone.screenshot(path="/tmp/nav-phone.png")
    phone.click(".nav-group[open] >> text=我的活动")
    expect(phone).to_have_url(f"{live_server.url}/activities/mine/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
