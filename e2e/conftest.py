import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in the test thread; the ORM calls made there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("GONGJIAN_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"浏览器测试需要 Debian 的 chromium（{CHROMIUM} 不存在）：apt-get install chromium")
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium); .ci/run installs it")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def cast(transactional_db):
    from core.testing import Cast, ensure_reference_data

    ensure_reference_data()
    return Cast()


@pytest.fixture
def page_as(browser, live_server, cast):
    """A logged-in page for a cast user, at a desktop or phone viewport."""
    from core.testing import PASSWORD

    pages = []

    def login(username, phone=False):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/otp/" in page.url:  # administrators: the authenticator's current code
            from core.testing import totp_code

            page.fill("#id_code", totp_code())
            page.click("#otp-submit")
        page.wait_for_url(live_server.url + "/")
        pages.append(context)
        return page

    yield login
    for context in pages:
        context.close()
