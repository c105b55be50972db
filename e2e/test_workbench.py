"""The 工作台 of each demo login on a laptop and a phone: the waiting items the demo data implies, every link and
button shown answering 200, the unread count going down when a message's cause is dealt with, and a unit's
branded public site."""

import pytest
from playwright.sync_api import expect

from e2e.test_demo_journeys import demo, fits_phone, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# login -> (panel titles that must be there, figures that must be non-zero)
EXPECTED = {
    "dg_sector": (["行业党委"], []),
    "boai_admin": (["中共中山市博爱医院委员会", "支部工作"], ["稿件待审核", "党员未开通账号"]),
    "dayong": (["中山市大涌医院党支部"], ["共建关系待确认", "组织关系待接收"]),
    "secretary": (["支部工作", "我的组织生活"], ["本期三会一课待开展"]),
    "member": (["我的组织生活"], ["今年应参加"]),
    "partner": (["联学共建"], ["参与的共建关系"]),
}


def figure(page, label):
    return page.locator("a.stat", has=page.locator(".stat-label", has_text=label)).locator(".stat-value")


def unread(page) -> int:
    badge = page.locator("header .unread-count")
    return int(badge.inner_text().rstrip("+")) if badge.count() else 0


def links_shown(page) -> list[str]:
    return page.eval_on_selector_all(
        "header a[href], main a[href]", "els => els.map(e => e.getAttribute('href')).filter(h => h.startsWith('/'))"
    )


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_each_role_sees_what_waits_and_every_link_opens(sign_in, live_server, phone):  # noqa: F811
    for username, (panels, figures) in EXPECTED.items():
        page = sign_in(username, phone=phone)
        for title in panels:
            expect(page.locator(f"section.panel[aria-label='{title}']")).to_be_visible()
        for label in figures:
            assert figure(page, label).inner_text() not in ("0", ""), f"{username}: {label} is 0"
        for href in sorted(set(links_shown(page))):
            if href.startswith("/workbench/notices/") and href.rstrip("/").split("/")[-1].isdigit():
                continue  # opening a message marks it read: the next test does that on purpose
            status = page.request.get(live_server.url + href).status
            assert status == 200, f"{username}: {href} answered {status}"
        if phone:
            fits_phone(page)
        page.context.close()


def test_the_unread_count_goes_down_when_the_cause_is_dealt_with(sign_in, live_server):  # noqa: F811
    from news.models import Article, Status
    from pairings.models import PairingMember
    from workbench.models import Kind, Notice

    page = sign_in("dayong", phone=True)
    before = unread(page)
    assert before >= 1
    page.click("text=共建关系待确认 >> visible=true")  # the figure leads to the messages of that kind
    page.click("text=待中山市大涌医院党支部确认 >> visible=true")  # the message leads to the pairing
    expect(page.locator("h1")).to_contain_text("博爱医院—大涌医院党支部党建联学共建")
    page.click("button:has-text('确认共建')")
    expect(page.locator(".msg-success")).to_be_visible()
    assert unread(page) == before - 1
    member = PairingMember.objects.get(
        pairing__title="博爱医院—大涌医院党支部党建联学共建", org__name="中山市大涌医院党支部"
    )
    assert member.accepted_at is not None
    assert not Notice.objects.filter(
        kind=Kind.PAIRING_TO_CONFIRM, read_at__isnull=True, user__username="dayong"
    ).exists()

    admin = sign_in("boai_admin")
    before = unread(admin)
    admin.click("a.stat:has-text('稿件待审核')")
    admin.click("text=学条例、守规矩 >> visible=true")
    admin.click("form:has(input[value=published]) button")
    expect(admin.locator(".msg-success")).to_be_visible()
    assert unread(admin) == before - 1
    assert Article.objects.get(title__contains="学条例、守规矩").status == Status.PUBLISHED


@pytest.mark.parametrize("phone", [False, True], ids=["laptop", "phone"])
def test_the_public_site_carries_the_units_branding(browser, live_server, demo, phone):  # noqa: F811
    from news.models import Article, SiteProfile

    site = SiteProfile.objects.get(org__name="中共中山市博爱医院委员会")
    context = browser.new_context(viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
                                  is_mobile=phone)  # fmt: skip
    page = context.new_page()
    page.goto(f"{live_server.url}/news/site/{site.org_id}/")
    expect(page.locator(".site-title")).to_have_text("中山市博爱医院 · 党建动态")
    expect(page.locator(".site-banner img")).to_be_visible()
    assert page.evaluate("document.querySelector('.site-banner img').naturalWidth") == 1600
    expect(page.locator("footer.site-footer")).to_contain_text("广东省中山市")
    page.locator(".site-nav a").nth(1).click()  # the first column of the menu
    expect(page.locator(".crumbs")).to_contain_text("当前位置")
    page.locator(".column-list a.title").first.click()
    expect(page.locator("article h1")).to_be_visible()
    qr = page.locator(".qr")
    (expect(qr).to_be_hidden() if phone else expect(qr).to_be_visible())
    if phone:
        fits_phone(page)
    title = page.locator("article h1").inner_text()
    assert Article.objects.filter(title=title, status="published").exists()
    context.close()
