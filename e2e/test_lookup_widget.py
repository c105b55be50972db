"""The picker that every organisation, unit and person field uses, as a user meets it: a partner cleared from
the box is not saved; Esc and a click elsewhere close the matches; the keyboard picks; it fits a phone."""

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cleared_co_organiser_is_not_saved_and_the_list_closes(page_as, live_server, cast):
    from activities.models import Activity

    page = page_as("secretary", phone=True)
    page.goto(live_server.url + "/activities/new/")
    page.select_option("#id_kind", label="主题党日")
    page.fill("#id_title", "选择器检查")
    expect(page.locator("#id_lead_org")).to_have_value(str(cast.branch_a1.pk))  # the secretary's branch
    page.fill("#id_starts_at", "2024-05-06T09:00")

    co = page.locator(".lookup:has(#id_co_org_0)")
    results = co.locator(".lookup-results")
    search = co.locator("input[type=search]")
    search.fill("dydxz")  # initials of 第一党小组
    expect(results.locator("button")).to_contain_text(["第一党小组"])
    search.press("Escape")
    expect(results.locator("button")).to_have_count(0)

    search.fill("党小组")
    expect(results.locator("button")).to_have_count(1)
    page.locator("h1").click()  # a click elsewhere closes it
    expect(results.locator("button")).to_have_count(0)

    search.fill("第一党小")
    expect(results.locator("button")).to_have_count(1)
    search.press("Enter")  # picks the first match instead of sending the form
    expect(page.locator("#id_co_org_0")).to_have_value(str(cast.group_a11.pk))
    expect(search).to_have_value("中共甲市博爱医院委员会 › 博爱医院第一党支部 › 第一党小组")
    search.fill("")  # the user removes the co-organiser
    expect(page.locator("#id_co_org_0")).to_have_value("")

    pick(page, "id_co_org_1", "第一党小组")
    search = page.locator(".lookup:has(#id_co_org_1) input[type=search]")
    search.press("End")
    search.press("Backspace")  # an edited label no longer names the record
    expect(page.locator("#id_co_org_1")).to_have_value("")

    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("选择器检查")
    activity = Activity.objects.get(title="选择器检查")
    assert list(activity.organisers.values_list("org_id", "is_lead")) == [(cast.branch_a1.pk, True)]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form scrolls sideways on a phone ({width}px)"
