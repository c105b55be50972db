"""Sector oversight in a browser: a nomination climbs from a branch to the sector and becomes an honour; the
dashboard's charts render (desktop and the meeting-room screen) and link to records; a survey round compares."""

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nomination_from_branch_to_sector_becomes_an_honour(page_as, live_server, cast):
    from honours.models import HonourKind, NominationBatch

    batch = NominationBatch.objects.create(kind=HonourKind.objects.get(code="excellent_member"), title="优秀党员评选",
                                           issuer_org=cast.sector, issuer="测试区行业党委", level="county",
                                           year=datetime.date.today().year, quota=3)  # fmt: skip
    page = page_as("secretary")
    page.goto(f"{live_server.url}/honours/batches/{batch.pk}/")
    page.select_option("#id_nominating_org", str(cast.branch_a1.pk))
    page.select_option("#id_person", str(cast.member_person.pk))
    page.fill("#id_reason", "长期坚守临床一线")
    page.click("text=提交推荐")
    expect(page.locator("main table")).to_contain_text("中共甲市博爱医院委员会")  # reviewing next

    admin = page_as("unit_admin")
    admin.goto(f"{live_server.url}/honours/batches/")
    admin.click("text=李永川")
    expect(admin.locator("main")).to_contain_text("长期坚守临床一线")
    admin.click("text=审核通过，报上级")
    expect(admin.locator("main")).to_contain_text("测试区民营医疗行业党委 审核")

    sector = page_as("sector_admin")
    sector.goto(f"{live_server.url}/honours/batches/")
    sector.click("text=李永川")
    sector.click("button:has-text('批准')")
    expect(sector.locator("main")).to_contain_text("已批准")
    sector.goto(f"{live_server.url}/people/{cast.member_person.pk}/")
    expect(sector.locator("main")).to_contain_text("优秀党员")


def test_dashboard_charts_render_and_link_to_records(page_as, live_server, cast):
    from coverage import services as coverage_services
    from orgs.models import Institution

    Institution.objects.create(name="甲市仁和门诊部", ownership="private", kind="clinic", region_code="442000",
                               managing_org=cast.sector)  # fmt: skip
    coverage_services.open_round(cast.sector, "2024年摸排", datetime.date(2024, 3, 1))
    page = page_as("sector_admin")
    page.click("nav >> text=数据看板")
    expect(page.locator("h1")).to_contain_text("测试区民营医疗行业党委")
    for chart in ("members", "ages", "education", "activities", "honours", "dual"):
        expect(page.locator(f"#chart-{chart}")).to_have_attribute("data-rendered", "1")
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    expect(page.locator(".stats")).to_contain_text("组织覆盖率（2024年摸排）")
    page.locator(".stat-value a").first.click()  # 正式党员 → the people list behind the figure
    expect(page).to_have_url(f"{live_server.url}/people/?org={cast.sector.pk}&status=formal")
    page.go_back()
    page.click("text=大屏模式")
    expect(page.locator("body.screen h1")).to_contain_text("党建工作数据")
    expect(page.locator("#chart-activities")).to_have_attribute("data-rendered", "1")
