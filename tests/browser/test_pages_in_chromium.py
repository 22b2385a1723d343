"""The public pages and the Mini App in a real headless Chromium.

The site runs in this test's event loop on 127.0.0.1; Selenium's calls block,
so they run in a thread while the loop serves the browser. Telegram's script is
replaced by a stub served from the same origin (the site is told its address),
so nothing leaves the machine and "no external requests" can be asserted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import pytest
from aiohttp.test_utils import TestServer

from bot.storage.repositories import SignatureRepository
from tests.browser.chromium import (
    ACCESSIBILITY_PROBLEMS,
    BrowserMissing,
    chromium,
    console_errors,
    requested_urls,
    save_screenshot,
)
from tests.conftest import NOW, REAL_CASES, make_settings, open_harness
from tests.site_tools import OTHER_TOKEN, serve_with_telegram_stub, sign_init_data
from tests.tools import Harness

T = TypeVar("T")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        with chromium() as driver:
            yield driver
    except BrowserMissing as missing:
        pytest.fail(f"the browser tests need Chromium: {missing}", pytrace=False)


async def _in_browser(call: Callable[[], T]) -> T:
    return await asyncio.to_thread(call)


class Served:
    def __init__(self, harness: Harness, server: TestServer) -> None:
        self.harness = harness
        self.server = server

    @property
    def base(self) -> str:
        return str(self.server.make_url("")).rstrip("/")


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    settings = make_settings(tmp_path, cases_dir=REAL_CASES, public_url="https://cases.example.org")
    harness = await open_harness(settings)
    server = await serve_with_telegram_stub(harness)
    yield Served(harness, server)
    await server.close()
    await harness.app.close()


def _only_local(urls: list[str], base: str) -> list[str]:
    """The requests that would leave the machine: any network URL not to the site itself
    (Chromium's own chrome:// pages and data: URLs never touch the network)."""
    network = [u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss", "ftp")]
    return [u for u in network if not u.startswith(base + "/")]


async def test_the_case_page_in_each_language(browser: Any, served: Served) -> None:
    locales = served.harness.app.l10n.locales
    case = served.harness.app.catalog.get("khamroev")
    assert case is not None and len(locales) >= 3
    for locale in locales:
        url = f"{served.base}/c/khamroev?lang={locale}"

        def visit(url: str = url, locale: str = locale) -> dict[str, Any]:
            requested_urls(browser)  # start the log afresh
            console_errors(browser)
            browser.get(url)
            seen = {
                "lang": browser.execute_script("return document.documentElement.lang"),
                "h1": browser.find_element("css selector", "h1").text,
                "text": browser.find_element("css selector", "main").text,
                "problems": browser.execute_script(ACCESSIBILITY_PROBLEMS),
                "sign": browser.find_element("css selector", "a.button").get_attribute("href"),
                "width": browser.execute_script("return document.documentElement.scrollWidth"),
                "viewport": browser.execute_script("return window.innerWidth"),
            }
            seen["screenshot"] = save_screenshot(browser, f"case-page-{locale}")
            seen["requests"] = requested_urls(browser)
            seen["errors"] = console_errors(browser)
            return seen

        seen = await _in_browser(visit)
        texts = case.text(locale)
        assert seen["lang"] == locale
        assert seen["h1"] == case.name(locale)
        for fragment in (texts.summary[:60], texts.story[:60], texts.disclaimer[:60]):
            assert " ".join(fragment.split()) in " ".join(seen["text"].split()), (locale, fragment)
        assert seen["sign"].endswith("?start=sign_khamroev")
        assert seen["problems"] == [], (locale, seen["problems"])
        assert seen["errors"] == [], (locale, seen["errors"])
        assert _only_local(seen["requests"], served.base) == [], (locale, seen["requests"])
        assert any(u.startswith(served.base + "/static/site.css") for u in seen["requests"])
        assert seen["width"] <= seen["viewport"], "the page scrolls sideways on a phone"
        assert seen["screenshot"].stat().st_size > 5000


async def test_the_accessibility_check_can_fail(browser: Any, served: Served) -> None:
    def visit() -> list[str]:
        browser.get(f"{served.base}/?lang=en")
        browser.execute_script(
            "var p = document.createElement('p'); p.textContent = 'faint';"
            "p.style.color = '#dddddd'; document.querySelector('main').appendChild(p);"
            "var h = document.createElement('h4'); h.textContent = 'skipped';"
            "document.querySelector('main').appendChild(h);"
        )
        return browser.execute_script(ACCESSIBILITY_PROBLEMS)

    problems = await _in_browser(visit)
    assert any(p.startswith("contrast") and "faint" in p for p in problems)
    assert any(p.startswith("heading level skipped") for p in problems)


async def test_the_list_and_search_work_without_javascript_errors(browser: Any, served: Served) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    def search() -> dict[str, Any]:
        console_errors(browser)
        browser.get(f"{served.base}/?lang=ru")
        box = browser.find_element("css selector", "#q")
        box.send_keys("хамроев")
        box.submit()
        # Read the results page, not the form page still on screen while the browser navigates
        # (its elements go stale under us otherwise).
        WebDriverWait(browser, 10).until(
            lambda driver: "q=" in driver.current_url
            and driver.execute_script("return document.readyState") == "complete"
        )
        return {
            "links": [
                a.get_attribute("href") for a in browser.find_elements("css selector", "ul.cases h2 a")
            ],
            "problems": browser.execute_script(ACCESSIBILITY_PROBLEMS),
            "errors": console_errors(browser),
        }

    seen = await _in_browser(search)
    assert seen["links"] == [f"{served.base}/c/khamroev?lang=ru"]
    assert seen["problems"] == [] and seen["errors"] == []


def _mini_app_url(served: Served, init_data: str, lang: str = "en") -> str:
    fragment = f"tgWebAppData={quote(init_data, safe='')}&tgWebAppVersion=8.0&tgWebAppPlatform=android"
    return f"{served.base}/app/khamroev?lang={lang}#{fragment}"


def _wait_for(browser: Any, css: str, text: str) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    def shown(driver: Any) -> str | bool:
        found = driver.find_element("css selector", css).text
        return found if text in found else False

    return WebDriverWait(browser, 10).until(shown)


async def test_the_mini_app_signs_shows_the_count_rising_and_withdraws(browser: Any, served: Served) -> None:
    token = served.harness.app.bot.token
    init_data = sign_init_data(token, user_id=5151, auth_date=NOW - dt.timedelta(minutes=2))

    def sign_and_withdraw() -> dict[str, Any]:
        requested_urls(browser)
        console_errors(browser)
        browser.get(_mini_app_url(served, init_data))
        seen: dict[str, Any] = {"ready": None}
        seen["as"] = _wait_for(browser, "#signing-as", "Dilnoza Karimova")
        seen["ready"] = browser.execute_script("return window.telegramReady === true")
        seen["before"] = browser.find_element("css selector", "[data-count]").text
        seen["problems"] = browser.execute_script(ACCESSIBILITY_PROBLEMS)
        save_screenshot(browser, "mini-app")
        browser.find_element("css selector", "#sign-named").click()
        seen["thanks"] = _wait_for(browser, "#message", "Thank you")
        seen["after"] = browser.find_element("css selector", "[data-count]").text
        seen["progress"] = browser.find_element("css selector", "progress").get_attribute("value")
        seen["screenshot"] = save_screenshot(browser, "mini-app-signed")
        browser.find_element("css selector", "#withdraw-button").click()
        _wait_for(browser, "#message", "Withdraw your signature")
        browser.find_element("css selector", "#withdraw-yes").click()
        seen["withdrawn"] = _wait_for(browser, "#message", "withdrawn")
        seen["final"] = browser.find_element("css selector", "[data-count]").text
        seen["sign_again"] = browser.find_element("css selector", "#sign-named").is_displayed()
        seen["requests"] = requested_urls(browser)
        seen["errors"] = console_errors(browser)
        return seen

    seen = await _in_browser(sign_and_withdraw)
    assert seen["ready"] is True
    assert seen["before"].startswith("0 signatures of")
    assert seen["after"].startswith("1 signature of") and seen["progress"] == "1"
    assert "signer No. 1" in seen["thanks"]
    assert seen["final"].startswith("0 signatures of") and seen["sign_again"]
    assert seen["problems"] == [] and seen["errors"] == []
    assert _only_local(seen["requests"], served.base) == []
    assert await SignatureRepository(served.harness.app.db).all_of("khamroev") == []


async def test_a_mini_app_signature_is_seen_by_the_chat(browser: Any, served: Served) -> None:
    token = served.harness.app.bot.token
    init_data = sign_init_data(
        token, user_id=5252, auth_date=NOW - dt.timedelta(minutes=1), language_code="ru"
    )

    def sign() -> str:
        browser.get(_mini_app_url(served, init_data, lang="ru"))
        _wait_for(browser, "#signing-as", "Dilnoza")
        browser.find_element("css selector", "#sign-anonymous").click()
        return _wait_for(browser, "#message", "№ 1")

    await _in_browser(sign)
    chat = served.harness.user(5252, language_code="ru")
    await chat.send("/sign khamroev")
    assert chat.last.text.startswith("Вы подписали это требование 29 ноября 2026")
    stored = await SignatureRepository(served.harness.app.db).all_of("khamroev")
    assert [(s.display_name, s.locale, s.source) for s in stored] == [(None, "ru", "app")]


@pytest.mark.parametrize("kind", ["forged", "expired"])
async def test_forged_or_expired_init_data_signs_nothing(browser: Any, served: Served, kind: str) -> None:
    token = served.harness.app.bot.token
    init_data = (
        sign_init_data(OTHER_TOKEN, user_id=5353, auth_date=NOW)
        if kind == "forged"
        else sign_init_data(token, user_id=5353, auth_date=NOW - dt.timedelta(hours=25))
    )

    def attempt() -> str:
        browser.get(_mini_app_url(served, init_data))
        _wait_for(browser, "#message", "Telegram could not confirm")
        browser.find_element("css selector", "#sign-anonymous").click()
        return _wait_for(browser, "#message", "Telegram could not confirm")

    assert "open it again from the bot" in await _in_browser(attempt)
    assert await SignatureRepository(served.harness.app.db).all_of("khamroev") == []


async def test_in_a_plain_browser_the_mini_app_points_to_the_bot(browser: Any, served: Served) -> None:
    def visit() -> dict[str, Any]:
        console_errors(browser)
        browser.get(f"{served.base}/app/khamroev?lang=uz")
        link = browser.find_element("css selector", "#outside a")
        browser.find_element("css selector", "#sign-named").click()
        return {
            "visible": link.is_displayed(),
            "href": link.get_attribute("href"),
            "message": _wait_for(browser, "#message", "Telegram"),
            "errors": console_errors(browser),
        }

    seen = await _in_browser(visit)
    assert seen["visible"] and seen["href"] == "https://t.me/casebot_local_bot?start=sign_khamroev"
    assert "faqat Telegram ichida" in seen["message"]
    assert seen["errors"] == []
    assert await SignatureRepository(served.harness.app.db).all_of("khamroev") == []


async def test_the_menu_button_with_one_demand_opens_it_keeping_init_data(
    browser: Any, served: Served
) -> None:
    """The menu button opens /app; with one case to sign, the redirect keeps Telegram's fragment."""
    init_data = sign_init_data(served.harness.app.bot.token, user_id=5454, auth_date=NOW)
    fragment = f"tgWebAppData={quote(init_data, safe='')}&tgWebAppStartParam=khamroev"

    def visit() -> dict[str, str]:
        browser.get(f"{served.base}/app?lang=en#{fragment}")
        return {"as": _wait_for(browser, "#signing-as", "Dilnoza"), "url": browser.current_url}

    seen = await _in_browser(visit)
    assert seen["url"].startswith(f"{served.base}/app/khamroev?lang=en#tgWebAppData=")


async def test_telegrams_main_button_signs_with_the_name_and_goes_away(browser: Any, served: Served) -> None:
    init_data = sign_init_data(served.harness.app.bot.token, user_id=5555, auth_date=NOW)
    state = "return window.telegramMainButton"

    def use_main_button() -> dict[str, Any]:
        browser.get(_mini_app_url(served, init_data))
        _wait_for(browser, "#signing-as", "Dilnoza")
        before = browser.execute_script(state)
        browser.execute_script("window.telegramMainButton.clicks.forEach(function (f) { f(); })")
        _wait_for(browser, "#message", "Thank you")
        return {"before": before, "after": browser.execute_script(state)}

    seen = await _in_browser(use_main_button)
    assert seen["before"]["visible"] is True and seen["before"]["text"] == "✍️ Sign with my name"
    assert seen["after"]["visible"] is False
    stored = await SignatureRepository(served.harness.app.db).all_of("khamroev")
    assert [s.display_name for s in stored] == ["Dilnoza Karimova"]
