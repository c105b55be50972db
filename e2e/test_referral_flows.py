"""A 托管 alliance and a referral in a browser: the entrusted unit refers a patient up on a phone, the lead
hospital accepts, and the register shows the step and who took it."""

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_up_referral_through_a_trusteeship(page_as, live_server, cast):
    admin = page_as("sector_admin")
    admin.goto(live_server.url + "/alliances/new/")
    admin.fill("#id_name", "甲院托管乙院")
    admin.select_option("#id_kind", "trusteeship")
    pick(admin, "id_lead", "博爱", "甲市博爱医院")
    admin.fill("#id_starts_on", "2024-06-20")
    pick(admin, "id_member_0", "乙市", "乙市人民医院")
    admin.click("main form button[type=submit]")
    expect(admin.locator("main")).to_contain_text("受托管单位")

    sender = page_as("outsider", phone=True)
    sender.goto(live_server.url + "/alliances/referrals/new/")
    sender.select_option("#id_alliance", label="甲院托管乙院")
    sender.select_option("#id_direction", "up")
    pick(sender, "id_from_institution", "乙市", "乙市人民医院")
    pick(sender, "id_to_institution", "甲市", "甲市博爱医院")
    sender.fill("#id_patient_name", "张三")
    sender.fill("#id_patient_id", "442000198001010017")
    sender.fill("#id_reason", "血压≥180/110伴严重症状")
    sender.click("main form button[type=submit]")
    expect(sender.locator("h1")).to_contain_text("上转")
    expect(sender.locator("#pii")).to_contain_text("4420**********0017")
    expect(sender.locator("button[value=accepted]")).to_have_count(0)  # accepting is the receiving side's step
    expect(sender.locator("button[value=cancelled]")).to_have_count(1)
    width = sender.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"referral page scrolls sideways on a phone ({width}px)"

    receiver = page_as("unit_admin")
    receiver.goto(live_server.url + "/alliances/referrals/")
    receiver.click("text=张三 >> xpath=ancestor::tr//a")
    receiver.click("button[value=accepted]")
    expect(receiver.locator("main")).to_contain_text("已更新转诊状态")
    expect(receiver.locator("table")).to_contain_text("接收")
    receiver.click("text=查看完整身份证号 >> visible=true")
    expect(receiver.locator("#pii")).to_contain_text("442000198001010017")
