"""What a reader sees on the overview pages: charts without data say so, branches come in their numbered order,
and no internal code reaches the page."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_empty_dashboard_says_so_and_branches_are_in_number_order(page_as, live_server, cast):
    from orgs.models import OrgKind, PartyOrg

    for name in ("博爱医院第十一党支部", "博爱医院第三党支部"):
        PartyOrg.objects.create(name=name, kind=OrgKind.BRANCH, parent=cast.org_a, institution=cast.hospital_a)
    page = page_as("unit_admin", phone=True)
    page.goto(f"{live_server.url}/dashboards/?org={cast.org_a.pk}")
    for chart_id in ("chart-honours", "chart-activities"):  # nothing this year
        expect(page.locator(f"#{chart_id}")).to_have_attribute("data-rendered", "empty")
        expect(page.locator(f"#{chart_id}")).to_have_text("暂无数据")
    expect(page.locator("#chart-members")).to_have_attribute("data-rendered", "1")
    assert "overall" not in page.locator("main").inner_text()

    page.goto(f"{live_server.url}/orgs/{cast.org_a.pk}/")
    names = [n for n in page.locator("main a").all_inner_texts() if n.startswith("博爱医院第")]
    assert names == ["博爱医院第一党支部", "博爱医院第二党支部", "博爱医院第三党支部", "博爱医院第十一党支部"], names
