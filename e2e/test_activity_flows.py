"""Organisational life in a browser: a secretary records a meeting, shows the QR code; a member checks in on a
phone (logging in once) and the meeting screen's count goes up; the ledger downloads."""

import re

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_records_a_meeting_and_a_member_checks_in_on_a_phone(page_as, browser, live_server, cast):
    from core.testing import PASSWORD

    page = page_as("secretary")
    page.goto(live_server.url + "/activities/new/")
    page.select_option("#id_kind", label="主题党日")
    page.fill("#id_title", "主题党日：重温入党誓词")
    pick(page, "id_lead_org", "第一党支部", "博爱医院第一党支部")
    page.evaluate(
        "document.querySelector('#id_starts_at').value = new Date(Date.now() + 8 * 3600e3 - 600e3)"
        ".toISOString().slice(0, 16)"
    )  # ten minutes ago, in China time
    page.fill("#id_place", "党员活动室")
    page.fill("#id_minutes", "<script>alert('x')</script>学习了支部工作条例")
    page.fill("#id_speakers-0-name", "雷继敏")
    page.select_option("#id_speakers-0-role", "host")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("主题党日：重温入党誓词")
    expect(page.locator("main")).to_contain_text("博爱医院第一党支部书记")  # the host's post on the day
    expect(page.locator("main")).to_contain_text("<script>alert('x')</script>学习了支部工作条例")
    page.click("text=签到二维码 >> visible=true")
    expect(page.locator("#qr svg")).to_be_visible()
    expect(page.locator("#qr")).to_contain_text("已签到 0 / 应到 2")
    checkin_url = page.locator("#qr a").get_attribute("href")
    assert re.search(r"/activities/checkin/\?t=", checkin_url)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    member = phone.new_page()
    member.goto(checkin_url)  # not logged in: the login page comes first, then back to the code
    member.fill("#id_username", "member")
    member.fill("#id_password", PASSWORD)
    member.click("button[type=submit]")
    expect(member.locator("main")).to_contain_text("主题党日：重温入党誓词")
    member.click("text=确认签到 >> visible=true")
    expect(member.locator("main")).to_contain_text("签到成功")
    width = member.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"check-in page scrolls sideways on a phone ({width}px)"
    member.goto(live_server.url + "/activities/mine/")
    expect(member.locator("main")).to_contain_text("出席")
    phone.close()

    page.reload()
    expect(page.locator("#qr")).to_contain_text("已签到 1 / 应到 2")
    year = page.evaluate("new Date().getFullYear()")
    page.goto(live_server.url + f"/activities/org/{cast.branch_a1.pk}/ledger/{year}/")
    expect(page.locator("main")).to_contain_text("主题党日：重温入党誓词")
    with page.expect_download() as download:
        page.click("text=下载 Word >> visible=true")
    assert download.value.suggested_filename.endswith(".docx")


def test_all_present_then_the_exceptions_in_one_save(page_as, live_server, cast):
    from django.utils import timezone

    from activities import services
    from activities.models import Activity, ActivityKind, Attendance

    meeting = Activity.objects.create(title="十一月支部党员大会", kind=ActivityKind.objects.get(code="branch_congress"),
                                      lead_org=cast.branch_a1, starts_at=timezone.now())  # fmt: skip
    services.set_organisers(meeting, [cast.branch_a1])
    services.sync_roll(meeting)
    page = page_as("secretary", phone=True)
    page.goto(f"{live_server.url}/activities/{meeting.pk}/attendance/")
    page.click("text=未签到的全部设为出席 >> visible=true")
    page.select_option("select[aria-label='李永川的出勤']", "leave")
    page.fill(f"input[name='reason-{Attendance.objects.get(activity=meeting, person=cast.member_person).pk}']", "出差")
    page.click("text=保存出勤 >> visible=true")
    expect(page.locator("main")).to_contain_text("实到 1 人，请假 1 人，缺席 0 人，未签到 0 人")
    marks = dict(Attendance.objects.filter(activity=meeting).values_list("person__name", "status"))
    assert marks == {"雷继敏": "present", "李永川": "leave"}, marks


def test_speakers_rows_grow_reorder_and_go(page_as, live_server, cast):
    from activities.models import Activity

    page = page_as("secretary")
    page.goto(live_server.url + "/activities/new/")
    page.select_option("#id_kind", label="党课")
    page.fill("#id_title", "专题党课")
    page.fill("#id_starts_at", "2024-05-06T09:00")
    speakers = page.locator("[data-formset=speakers]")
    page.fill("#id_speakers-0-name", "雷继敏")
    page.select_option("#id_speakers-0-role", "host")
    for index, (name, role) in enumerate([("外单位专家", "lecture"), ("李永川", "share")], start=1):
        speakers.locator("text=添加一行").click()
        page.fill(f"#id_speakers-{index}-name", name)
        page.select_option(f"#id_speakers-{index}-role", role)
    speakers.locator("tbody tr").nth(1).locator("[data-row-up]").click()  # the lecturer first
    speakers.locator("tbody tr").nth(2).locator(".row-remove input").check()  # 李永川 did not speak after all
    speakers.locator("text=添加一行").click()  # an empty row left empty is ignored
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("专题党课")
    activity = Activity.objects.get(title="专题党课")
    assert list(activity.speakers.values_list("name", "role")) == [("外单位专家", "lecture"), ("雷继敏", "host")]


def test_several_photos_with_captions_and_progress(page_as, live_server, cast, tmp_path):
    from django.utils import timezone
    from PIL import Image

    from activities import services
    from activities.models import Activity, ActivityKind

    meeting = Activity.objects.create(title="主题党日合影", kind=ActivityKind.objects.get(code="party_day"),
                                      lead_org=cast.branch_a1, starts_at=timezone.now())  # fmt: skip
    services.set_organisers(meeting, [cast.branch_a1])
    paths = []
    for name, colour in (("宣誓.jpg", "red"), ("合影.jpg", "blue")):
        path = tmp_path / name
        Image.new("RGB", (800, 600), colour).save(path)
        paths.append(path)
    page = page_as("secretary", phone=True)
    page.goto(f"{live_server.url}/activities/{meeting.pk}/")
    page.set_input_files("form[data-photo-upload] input[type=file]", paths)
    expect(page.locator("[data-photo-queue] li")).to_have_count(2)
    page.fill("input[aria-label='宣誓.jpg 的图注']", "重温入党誓词")
    page.fill("input[aria-label='合影.jpg 的图注']", "全体党员合影")
    page.click("form[data-photo-upload] button[type=submit]")
    expect(page.locator("main")).to_contain_text("已上传 2 张照片")
    expect(page.locator(".photos figure")).to_have_count(2)
    assert list(meeting.photos.order_by("sort_order").values_list("caption", flat=True)) == [
        "重温入党誓词",
        "全体党员合影",
    ]
