"""News in a browser: a seed page imported, reviewed and published by the unit's admin, then read on a phone
by an anonymous visitor (breadcrumb, publish time, source, QR code, counted view)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_seed_page_is_imported_published_and_read_on_a_phone(page_as, live_server, cast, browser):
    from news.models import Article, ArticleHit, Column

    seed = next(SEEDS.glob("002_*.txt"), None) if SEEDS.is_dir() else None
    if seed is None:
        pytest.skip(f"seed pages not beside the clone ({SEEDS})")
    Column.objects.create(org=cast.org_a, name="党建动态", parent_name="党团建设")
    page = page_as("unit_admin")
    page.click("summary:has-text('宣传')")
    page.click(".nav-group[open] >> text=党建动态")
    page.click("main >> text=导入网页")
    pick(page, "id_org", "博爱医院委员会", "中共甲市博爱医院委员会")
    page.set_input_files("#id_file", str(seed))
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("助推党建与业务双融双促")
    page.click("text=核对并确认 >> visible=true")
    main = page.locator("main")
    for fact in ("欧阳刚劲", "中山市体育运动学校", "2023-07-04", "总结大会"):
        expect(main).to_contain_text(fact)
    expect(page.locator("#id_source")).to_have_value("党办")
    page.check("#id_publish")
    page.click("text=确认导入 >> visible=true")
    expect(main).to_contain_text("已发布")
    article = Article.objects.get()
    assert article.activity is not None and article.activity.starts_at.date().isoformat() == "2023-07-04"

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile Safari/604.1")  # fmt: skip
    visitor = phone.new_page()
    visitor.goto(f"{live_server.url}/news/site/{cast.org_a.pk}/a/{article.pk}/")
    expect(visitor.locator("h1")).to_have_text("助推党建与业务双融双促!中山市博爱医院召开党建工作总结大会")
    expect(visitor.locator(".crumbs")).to_contain_text("党团建设 > 党建动态")
    expect(visitor.locator(".article-meta")).to_contain_text("本文来源：党办")
    expect(visitor.locator(".qr svg")).to_be_hidden()  # "scan to read on a phone" means nothing on one
    expect(visitor.locator(".article-body")).to_contain_text("光荣在党50年")
    width = visitor.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the article page scrolls sideways on a phone ({width}px)"
    # the cached page was rendered before this visit; the beacon's answer shows the count with it
    expect(visitor.locator("#article-views")).to_have_text(str(article.imported_views + 1))
    assert ArticleHit.objects.filter(article=article).count() == 1
    visitor.reload()
    visitor.wait_for_timeout(300)
    assert ArticleHit.objects.filter(article=article).count() == 1
    phone.close()


def test_a_secretary_writes_in_the_rich_editor_and_places_a_picture(page_as, live_server, cast, tmp_path):
    from PIL import Image

    from news.models import Article, Column

    column = Column.objects.create(org=cast.org_a, name="党建动态")
    page = page_as("secretary")
    page.goto(live_server.url + "/news/new/")
    expect(page.locator(".rich-toolbar")).to_be_visible()
    expect(page.locator("#id_org")).to_have_value(str(cast.branch_a1.pk))  # the secretary's branch
    page.fill("#id_title", "第一支部开展主题党日")
    expect(page.locator("#id_column")).to_have_value(str(column.pk))  # the only column comes chosen
    body = page.locator(".rich-body [contenteditable=true]")
    body.click()
    page.keyboard.type("五月二十二日，第一党支部开展主题党日活动。")
    page.keyboard.press("Enter")
    page.keyboard.type("全体党员重温入党誓词。")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("第一支部开展主题党日")
    article = Article.objects.get()
    assert article.body_html == "<p>五月二十二日，第一党支部开展主题党日活动。</p><p>全体党员重温入党誓词。</p>", (
        article.body_html
    )

    page.goto(f"{live_server.url}/news/{article.pk}/edit/")
    body = page.locator(".rich-body [contenteditable=true]")
    body.locator("p").first.click()
    page.keyboard.press("End")
    page.keyboard.type("（附照片）")
    expect(page.locator(".rich-toolbar [data-menu-key=uploadImage]")).not_to_have_class("disabled")
    picture = tmp_path / "宣誓.jpg"
    Image.new("RGB", (640, 480), "red").save(picture)
    page.locator(".rich-toolbar [data-menu-key=group-image]").hover()
    page.locator("[data-menu-key=uploadImage]").click()
    page.set_input_files("body > input[type=file]", picture)  # the editor's own (hidden) file box
    expect(body.locator("img")).to_have_count(1)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("第一支部开展主题党日")
    article.refresh_from_db()
    photo = article.photos.get()
    first, second = article.body_html.split("全体党员重温入党誓词")
    assert f'src="/news/photo/{photo.pk}/"' in first, article.body_html
