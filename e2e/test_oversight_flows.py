"""Sector oversight in a browser: a nomination climbs from a branch to the sector and becomes an honour; the
dashboard's charts render (desktop and the meeting-room screen) and link to records; a survey round compares."""

import datetime

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nomination_from_branch_to_sector_becomes_an_honour(page_as, live_server, cast):
    from honours.models import HonourKind, NominationBatch

    batch = NominationBatch.objects.create(kind=HonourKind.objects.get(code="excellent_member"), title="优秀党员评选",
                                           issuer_org=cast.sector, issuer="测试区行业党委", level="county",
                                           year=datetime.date.today().year, quota=3)  # fmt: skip
    page = page_as("secretary")
    page.goto(f"{live_server.url}/honours/batches/{batch.pk}/")
    pick(page, "id_nominating_org", "第一党支部", "博爱医院第一党支部")
    pick(page, "id_person", "lyc", "李永川")
    page.fill("#id_reason", "长期坚守临床一线")
    page.click("text=提交推荐 >> visible=true")
    expect(page.locator("main table")).to_contain_text("中共甲市博爱医院委员会")  # reviewing next

    admin = page_as("unit_admin")
    admin.goto(f"{live_server.url}/honours/batches/")
    admin.click("text=李永川 >> visible=true")
    expect(admin.locator("main")).to_contain_text("长期坚守临床一线")
    admin.click("text=审核通过，报上级 >> visible=true")
    expect(admin.locator("main")).to_contain_text("测试区民营医疗行业党委 审核")

    sector = page_as("sector_admin")
    sector.goto(f"{live_server.url}/honours/batches/")
    sector.click("text=李永川 >> visible=true")
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
    for chart in ("members", "ages", "education", "dual"):
        expect(page.locator(f"#chart-{chart}")).to_have_attribute("data-rendered", "1")
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    for chart in ("activities", "honours"):  # none this year: said in words, not drawn as bare axes
        expect(page.locator(f"#chart-{chart}")).to_have_attribute("data-rendered", "empty")
    expect(page.locator(".stats")).to_contain_text("组织覆盖率（2024年摸排）")
    page.locator(".stat-value a").first.click()  # 正式党员 → the people list behind the figure
    expect(page).to_have_url(f"{live_server.url}/people/?org={cast.sector.pk}&status=formal")
    page.go_back()
    page.click("text=大屏模式 >> visible=true")
    expect(page.locator("body.screen h1")).to_contain_text("党建工作数据")
    expect(page.locator("#chart-members")).to_have_attribute("data-rendered", "1")


def test_scenario_2_one_plus_n_and_survey_rounds_compared_on_a_phone(page_as, live_server, cast):
    from coverage import services as coverage_services
    from coverage.models import SurveyRow
    from orgs.models import Institution
    from pairings import services as pairing_services
    from pairings.models import Pairing, PairingCategory

    admin = cast.users["sector_admin"]
    pairing = Pairing(title="红旗联盟党组织共建（1+N）", category=PairingCategory.objects.get(name="红旗联盟"), mode="1+N",
                      lead_org=cast.branch_a1, starts_on=datetime.date(2021, 4, 1), signed_on=datetime.date(2021, 4, 1))  # fmt: skip
    pairing_services.propose(admin, pairing, [cast.branch_a2, cast.org_b])
    clinic = Institution.objects.create(name="甲市仁和门诊部", ownership="private", kind="clinic", region_code="442000",
                                        managing_org=cast.sector)  # fmt: skip
    first = coverage_services.open_round(cast.sector, "上半年摸排", datetime.date(2024, 3, 1))
    row = SurveyRow.objects.get(round=first, institution=clinic)
    row.staff_count, row.formal_members, row.instructor = 20, 3, ""
    coverage_services.save_row(admin, row)
    second = coverage_services.open_round(cast.sector, "下半年摸排", datetime.date(2024, 9, 1))
    row = SurveyRow.objects.get(round=second, institution=clinic)
    row.staff_count, row.org_form = 24, "joint"
    coverage_services.save_row(admin, row)

    page = page_as("sector_admin", phone=True)
    page.goto(f"{live_server.url}/pairings/{pairing.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("1+N")
    for side in ("博爱医院第二党支部", "中共乙市人民医院委员会"):
        expect(main).to_contain_text(side)
    page.goto(f"{live_server.url}/coverage/")
    page.click("text=与上轮比对 >> visible=true")
    expect(page.locator(".tabs")).to_contain_text("有变化（1）")
    expect(main).to_contain_text("从业人员数：20 → 24")
    expect(main).to_contain_text("应建未建")  # the previous round's state of the clinic, in the rates table
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the comparison scrolls sideways on a phone ({width}px)"


def test_scenarios_3_and_4_medal_list_demonstration_site_and_stars(page_as, live_server, cast):
    from honours import services as honour_services
    from honours.models import AssessmentScheme, Honour, HonourKind, Indicator
    from people.models import Person

    veteran = Person.objects.get(pk=cast.member_person.pk)
    veteran.joined_on, veteran.confirmed_on = datetime.date(1971, 6, 20), datetime.date(1972, 6, 20)
    veteran.save()
    Honour.objects.create(kind=HonourKind.objects.get(code="demonstration_site"), org=cast.org_a, level="city",
                          issuer="市委组织部、市卫健委党组", year=2022, awarded_on=datetime.date(2022, 8, 9))  # fmt: skip
    scheme = AssessmentScheme.objects.create(name="2022年度星级党支部评定", year=2022, issuer_org=cast.org_a,
                                             bands=[[90, 5], [80, 4], [0, 1]])  # fmt: skip
    Indicator.objects.create(scheme=scheme, code="1", name="组织生活", points=100)
    honour_services.open_scheme(scheme)

    page = page_as("unit_admin")
    page.goto(f"{live_server.url}/honours/golden/?year=2023")
    expect(page.locator("main table")).to_contain_text("李永川")
    expect(page.locator("main table")).to_contain_text("待颁发")
    page.goto(f"{live_server.url}/orgs/{cast.org_a.pk}/")
    expect(page.locator("main")).to_contain_text("2022 党建工作示范点")

    secretary = page_as("secretary")
    secretary.goto(f"{live_server.url}/honours/schemes/")
    secretary.click("text=博爱医院第一党支部 >> visible=true")
    secretary.fill("input[name^=score_]", "95")
    secretary.click("text=保存自评 >> visible=true")
    secretary.click("text=提交党委审核 >> visible=true")
    expect(secretary.locator("main")).to_contain_text("待党委审核")

    page.goto(f"{live_server.url}/honours/schemes/{scheme.pk}/results/")
    page.click("text=博爱医院第一党支部 >> visible=true")
    page.fill("input[name^=score_]", "92")
    page.click("text=保存审核评分 >> visible=true")
    page.fill("input[name=satisfaction]", "90")
    page.click("text=确认星级 >> visible=true")
    expect(page.locator("main")).to_contain_text("★★★★★")
    page.goto(f"{live_server.url}/honours/schemes/{scheme.pk}/")
    page.click("text=公布已确认的星级 >> visible=true")
    page.goto(f"{live_server.url}/orgs/{cast.branch_a1.pk}/")
    expect(page.locator("main")).to_contain_text("★★★★★ 2022年度星级党支部评定")
