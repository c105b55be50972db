"""Co-construction in a browser: a unit admin proposes a pairing with a unit outside their scope, the other side
accepts, and the sector's network chart draws it."""

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pairing_is_proposed_accepted_and_drawn(page_as, live_server, cast):
    from pairings.models import PairingCategory

    page = page_as("unit_admin")
    page.goto(live_server.url + "/pairings/new/")
    page.fill("#id_title", "甲院—乙院联学共建")
    page.select_option("#id_category", str(PairingCategory.objects.get(name="公立+民营").pk))
    pick(page, "id_lead_org", "博爱医院委员会", "中共甲市博爱医院委员会")
    page.fill("#id_starts_on", "2024-05-22")
    page.fill("#id_signed_on", "2024-05-22")
    pick(page, "id_partner_0", "乙市", "中共乙市人民医院委员会")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("待对方确认")

    other = page_as("outsider", phone=True)
    other.goto(page.url)
    other.click("text=确认共建 >> visible=true")
    expect(other.locator("main")).to_contain_text("已确认共建")
    expect(other.locator("h1")).not_to_contain_text("待对方确认")  # active (and flagged dormant: started long ago)

    page.goto(live_server.url + "/pairings/network/")
    expect(page.locator("#network canvas")).to_be_visible()
    expect(page.locator("#network")).to_have_attribute("data-rendered", "2")
    drawn = page.evaluate("echarts.getInstanceByDom(document.getElementById('network')).getOption().series[0]")
    assert [n["name"] for n in drawn["data"]] == ["中共甲市博爱医院委员会", "中共乙市人民医院委员会"]
    assert len(drawn["links"]) == 1
