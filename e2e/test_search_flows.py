"""Search in a browser: a visitor types a query into a hospital site's search box on a phone (traditional
characters, as a Hong Kong or Taiwan keyboard types them) and gets the published articles, title matches first
and newest first within them; a branch secretary searches the records they can see, signed in."""

import datetime

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _article(cast, column, title: str, body: str, days_ago: int, *, published: bool = True, org=None):
    from django.utils import timezone

    from news.models import Article, Status
    from news.services import save_article

    return save_article(
        Article(
            org=org or cast.org_a, column=column, title=title, body_html=f"<p>{body}</p>",
            status=Status.PUBLISHED if published else Status.DRAFT,
            published_at=timezone.now() - datetime.timedelta(days=days_ago) if published else None,
        )
    )  # fmt: skip


def test_a_visitor_searches_a_hospital_site_on_a_phone(live_server, cast, browser):
    from news.models import Column

    column = Column.objects.create(org=cast.org_a, name="党建动态", parent_name="党团建设")
    older = _article(cast, column, "博爱医院党委召开党建工作会议", "会议部署全年工作。", 9)
    newer = _article(cast, column, "博爱医院开展义诊进社区活动", "党员志愿者为居民义诊。", 2)
    body_only = _article(cast, column, "支部主题党日活动", "全院党员参加，医院党委书记讲话。", 1)
    _article(cast, column, "医院草稿不公开", "尚未发布的稿件。", 0, published=False)
    _article(cast, column, "工作简报", "与查询无关。", 0)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile Safari/604.1")  # fmt: skip
    visitor = phone.new_page()
    visitor.goto(f"{live_server.url}/news/site/{cast.org_a.pk}/")
    visitor.fill(".site-search input[name=q]", "醫院")
    visitor.press(".site-search input[name=q]", "Enter")
    hits = visitor.locator(".site-list li a")
    expect(hits).to_have_text([newer.title, older.title, body_only.title])
    expect(visitor.locator(".site-list mark").first).to_have_text("医院")
    width = visitor.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the search page scrolls sideways on a phone ({width}px)"

    visitor.click("text=按时间")
    expect(hits).to_have_text([body_only.title, newer.title, older.title])
    hits.first.click()
    expect(visitor.locator("h1")).to_have_text(body_only.title)
    phone.close()


def test_a_secretary_searches_the_records_they_can_see(page_as, live_server, cast):
    from news.models import Column

    own = _article(cast, Column.objects.create(org=cast.org_a, name="党建动态"), "医院党建工作要点（草稿）", "待审核。", 0,
                   published=False, org=cast.branch_a1)  # fmt: skip
    other = _article(cast, Column.objects.create(org=cast.org_b, name="党建动态"), "医院党建工作计划", "另一单位。", 0,
                     org=cast.org_b)  # fmt: skip
    page = page_as("secretary", phone=True)
    page.goto(f"{live_server.url}/news/search/")
    page.fill("main input[name=q]", "党建 医院")
    page.press("main input[name=q]", "Enter")
    expect(page.locator("main")).to_contain_text(own.title)
    expect(page.locator("main")).not_to_contain_text(other.title)
