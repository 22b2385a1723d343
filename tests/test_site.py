"""The public pages and the Mini App's endpoints over HTTP, around the real Dispatcher and database."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram.types import Chat, Message, Update, User
from aiohttp.test_utils import TestClient, TestServer
from pydantic import ValidationError
from structlog.testing import capture_logs

from bot.config import Settings
from bot.storage.repositories import SignatureRepository
from bot.transport.intake import Intake
from bot.transport.site.routes import PublicSite
from bot.transport.web import WebServer
from tests.conftest import FIXTURE_CASES, NOW, REAL_CASES, make_settings, open_harness
from tests.site_tools import OTHER_TOKEN, fictional_cases, sign_init_data
from tests.tools import Harness

PUBLIC = "https://cases.example.org"
PAGE_LIMIT = 50 * 1024


class Ticks:
    """The site's monotonic clock, stepped by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _open(
    tmp_path: Path, monotonic: Any = None, **overrides: object
) -> tuple[Harness, TestClient, Ticks]:
    settings = make_settings(tmp_path, public_url=PUBLIC, **overrides)
    harness = await open_harness(settings, monotonic=monotonic)
    ticks = Ticks()
    site = PublicSite(harness.app, monotonic=ticks)
    server = WebServer(harness.app, Intake(harness.app.dp, harness.app.bot), site=site)
    client = TestClient(TestServer(server.application(), host="127.0.0.1"))
    await client.start_server()
    return harness, client, ticks


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[tuple[Harness, TestClient, Ticks]]:
    harness, client, ticks = await _open(tmp_path)
    yield harness, client, ticks
    await client.close()
    await harness.app.close()


def _init_data(harness: Harness, **kwargs: Any) -> str:
    kwargs.setdefault("auth_date", NOW - dt.timedelta(minutes=5))
    return sign_init_data(harness.app.bot.token, **kwargs)


# --- public pages ------------------------------------------------------------------


async def test_a_case_page_in_every_locale_the_bot_has(site: tuple[Harness, TestClient, Ticks]) -> None:
    harness, client, _ = site
    locales = harness.app.l10n.locales
    assert len(locales) >= 3
    for locale in locales:
        response = await client.get(f"/c/alpha?lang={locale}")
        assert response.status == 200
        html = await response.text()
        case = harness.app.catalog.get("alpha")
        assert case is not None
        assert f'<html lang="{locale}">' in html
        assert f"<h1>{case.name(locale)}</h1>" in html
        assert case.text(locale).summary[:40] in html
        assert "https://t.me/casebot_local_bot?start=sign_alpha" in html
        for other in locales:
            assert f'hreflang="{other}" href="{PUBLIC}/c/alpha?lang={other}"' in html
        assert f'<meta property="og:url" content="{PUBLIC}/c/alpha?lang={locale}">' in html
        assert '<meta property="og:title"' in html and '<meta name="twitter:card"' in html
        headings = [int(h) for h in re.findall(r"<h([1-6])", html)]
        assert headings[0] == 1 and headings.count(1) == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), headings
        assert all(" alt=" in img for img in re.findall(r"<img[^>]*>", html))


async def test_the_preview_tags_carry_name_status_and_count(site: tuple[Harness, TestClient, Ticks]) -> None:
    _, client, _ = site
    html = await (await client.get("/c/alpha?lang=en")).text()
    description = re.search(r'<meta property="og:description" content="([^"]*)"', html)
    assert description is not None
    assert "0 signatures" in description.group(1)
    assert re.search(r"(detained|serving|sentenced|trial|remanded|released)", description.group(1))


async def test_headers_strict_csp_cache_and_etag(site: tuple[Harness, TestClient, Ticks]) -> None:
    _, client, _ = site
    response = await client.get("/c/alpha?lang=ru")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "telegram.org" not in csp and "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "public, max-age=30"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    etag = response.headers["ETag"]
    again = await client.get("/c/alpha?lang=ru", headers={"If-None-Match": etag})
    assert again.status == 304
    assert await again.read() == b""


async def test_the_mini_app_page_alone_may_load_telegrams_script(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    _, client, _ = site
    response = await client.get("/app/alpha?lang=uz")
    assert response.status == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' https://telegram.org;" in csp
    assert "frame-ancestors https://web.telegram.org" in csp
    html = await response.text()
    assert '<script src="https://telegram.org/js/telegram-web-app.js"></script>' in html
    assert "Ismim bilan imzolash" in html  # the chat's own button text, in Uzbek


async def test_language_from_accept_language_when_not_asked(site: tuple[Harness, TestClient, Ticks]) -> None:
    _, client, _ = site
    for header, expected in [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("uz-UZ", "uz"),
        ("de-DE,uz;q=0.5", "uz"),
        ("kk", "ru"),
        ("de", "en"),
        ("", "en"),
    ]:
        response = await client.get("/c/alpha", headers={"Accept-Language": header})
        assert f'<html lang="{expected}">' in await response.text(), header
        assert "Accept-Language" in response.headers["Vary"]


async def test_the_count_is_at_most_thirty_seconds_stale(site: tuple[Harness, TestClient, Ticks]) -> None:
    harness, client, ticks = site
    assert "0 signatures of" in await (await client.get("/c/alpha?lang=en")).text()
    case = harness.app.catalog.get("alpha")
    assert case is not None
    await harness.app.dp["petitions"].sign(case, 5, locale="en")
    ticks.now += 29
    assert "0 signatures of" in await (await client.get("/c/alpha?lang=en")).text()
    ticks.now += 2
    assert "1 signature of" in await (await client.get("/c/alpha?lang=en")).text()
    live = await (await client.get("/c/alpha/count.json?lang=en")).json()
    assert live["count"] == 1 and live["count_text"].startswith("1 signature")


async def test_an_unknown_case_is_a_polite_404_in_the_readers_language(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    _, client, _ = site
    response = await client.get("/c/nobody?lang=ru")
    assert response.status == 404
    html = await response.text()
    assert "Страница не найдена" in html and "/c/alpha?lang=ru" in html


async def test_sitemap_and_robots(site: tuple[Harness, TestClient, Ticks]) -> None:
    harness, client, _ = site
    xml = await (await client.get("/sitemap.xml")).text()
    for slug in ("alpha", "beta"):
        for locale in harness.app.l10n.locales:
            assert f"<loc>{PUBLIC}/c/{slug}?lang={locale}</loc>" in xml
            assert f'hreflang="{locale}" href="{PUBLIC}/c/{slug}?lang={locale}"' in xml
    robots = await (await client.get("/robots.txt")).text()
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots and "Disallow: /app" in robots


async def test_static_files_are_versioned_and_cached_for_good(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    _, client, _ = site
    html = await (await client.get("/?lang=en")).text()
    css = re.search(r'href="(/static/site\.css\?v=[0-9a-f]+)"', html)
    assert css is not None
    response = await client.get(css.group(1))
    assert response.status == 200 and "immutable" in response.headers["Cache-Control"]
    assert (await client.get("/static/../config.py")).status == 404
    assert (await client.get("/static/nothing.js")).status == 404


async def test_a_case_page_is_under_50_kb_transferred(tmp_path: Path) -> None:
    harness, client, _ = await _open(tmp_path, cases_dir=REAL_CASES)
    try:
        async with aiohttp.ClientSession(auto_decompress=False) as raw:
            for locale in harness.app.l10n.locales:
                url = client.make_url(f"/c/khamroev?lang={locale}")
                async with raw.get(url, headers={"Accept-Encoding": "gzip"}) as response:
                    body = await response.read()
                    assert response.headers["Content-Encoding"] == "gzip"
                html = await (await client.get(f"/c/khamroev?lang={locale}")).text()
                transferred = len(body)
                for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
                    async with raw.get(
                        client.make_url(asset), headers={"Accept-Encoding": "gzip"}
                    ) as response:
                        transferred += len(await response.read())
                assert transferred <= PAGE_LIMIT, f"{locale}: {transferred} bytes"
                async with raw.get(url, headers={"Accept-Encoding": "identity"}) as response:
                    # Even uncompressed, a proxy that strips gzip keeps it light.
                    assert len(await response.read()) <= PAGE_LIMIT
    finally:
        await client.close()
        await harness.app.close()


# --- the list, search and paging ----------------------------------------------------


async def test_search_finds_names_in_any_script_and_case(site: tuple[Harness, TestClient, Ticks]) -> None:
    _, client, _ = site
    html = await (await client.get("/", params={"q": "БЕТОВ", "lang": "ru"})).text()
    assert "/c/beta?lang=ru" in html and "/c/alpha?lang=ru" not in html
    assert "нашлось 1 дело" in html
    html = await (await client.get("/", params={"q": "<script>", "lang": "en"})).text()
    assert "No case matches “&lt;script&gt;”" in html and "<script>" not in html


async def test_paging_through_many_cases(tmp_path: Path) -> None:
    cases = fictional_cases(tmp_path / "cases", FIXTURE_CASES, 45)
    harness, client, _ = await _open(tmp_path, cases_dir=cases)
    try:
        first = await (await client.get("/?lang=en")).text()
        assert first.count('<li>\n<h2><a href="/c/fict-') == 20
        assert "Page 1 of 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
        last = await (await client.get("/?lang=en&page=3")).text()
        assert last.count('<li>\n<h2><a href="/c/fict-') == 5 and 'rel="prev"' in last
        # A search pages too, and its pages keep the query (the catalogue's matcher: Cyrillic finds Latin).
        found = await (await client.get("/", params={"q": "Бетов", "lang": "en", "page": "3"})).text()
        assert "45 cases match “Бетов”." in found and "Page 3 of 3" in found
        assert found.count('<li>\n<h2><a href="/c/fict-') == 5
        assert 'href="/?lang=en&amp;q=%D0%91%D0%B5%D1%82%D0%BE%D0%B2&amp;page=2" rel="prev"' in found
    finally:
        await client.close()
        await harness.app.close()


async def test_search_is_rate_limited_per_client(site: tuple[Harness, TestClient, Ticks]) -> None:
    _, client, ticks = site
    statuses = [(await client.get("/", params={"q": f"beta {n}"})).status for n in range(12)]
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]
    # Another reader behind the same proxy is not held back; the first one is, until time passes.
    other = await client.get("/", params={"q": "beta"}, headers={"X-Forwarded-For": "203.0.113.9"})
    assert other.status == 200
    ticks.now += 10
    assert (await client.get("/", params={"q": "beta"})).status == 200
    # Plain browsing is never limited.
    assert all([(await client.get("/c/alpha")).status == 200 for _ in range(15)])


async def test_access_log_holds_neither_searches_nor_init_data_nor_names(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    harness, client, _ = site
    init_data = _init_data(harness, first_name="Zarina", last_name="Secretova")
    with capture_logs() as logs:
        await client.get("/", params={"q": "Betov"})
        await client.post("/app/api/sign", json={"initData": init_data, "slug": "alpha", "mode": "named"})
        await client.post("/app/api/sign", json={"initData": init_data + "x", "slug": "alpha"})
        await client.get("/healthz")  # probes every few seconds are not worth a line each
    requests = [entry for entry in logs if entry["event"] == "http.request"]
    assert {entry["route"] for entry in requests} == {"/", "/app/api/sign"}
    dumped = repr(logs)
    for secret in ("Betov", "Zarina", "Secretova", "hash=", "auth_date", init_data[:30]):
        assert secret not in dumped


# --- the Mini App -------------------------------------------------------------------


async def _post(client: TestClient, path: str, **payload: Any) -> tuple[int, dict[str, Any]]:
    response = await client.post(path, json={"slug": "alpha", "lang": "en", **payload})
    return response.status, await response.json()


async def test_sign_with_name_count_rises_then_withdraw(site: tuple[Harness, TestClient, Ticks]) -> None:
    harness, client, _ = site
    init_data = _init_data(harness, user_id=901)
    status, state = await _post(client, "/app/api/state", initData=init_data)
    assert status == 200 and state["signed"] is False and state["count"] == 0
    assert state["signing_as"] == "Your signature will read: Dilnoza Karimova"
    status, signed = await _post(client, "/app/api/sign", initData=init_data, mode="named")
    assert status == 200 and signed["outcome"] == "signed" and signed["signed"] is True
    assert signed["count"] == 1 and signed["message"].startswith("Thank you — you are signer No. 1.")
    stored = await SignatureRepository(harness.app.db).all_of("alpha")
    assert [(s.display_name, s.locale, s.source) for s in stored] == [("Dilnoza Karimova", "en", "app")]
    status, again = await _post(client, "/app/api/sign", initData=init_data, mode="anonymous")
    assert again["outcome"] == "already-signed" and again["count"] == 1
    status, withdrawn = await _post(client, "/app/api/withdraw", initData=init_data)
    assert status == 200 and withdrawn["removed"] is True and withdrawn["count"] == 0
    assert withdrawn["signed"] is False
    assert await SignatureRepository(harness.app.db).all_of("alpha") == []


async def test_anonymous_signature_stores_no_name(site: tuple[Harness, TestClient, Ticks]) -> None:
    harness, client, _ = site
    await _post(client, "/app/api/sign", initData=_init_data(harness, user_id=902), mode="anonymous")
    stored = await SignatureRepository(harness.app.db).all_of("alpha")
    assert [s.display_name for s in stored] == [None]


async def test_forged_expired_and_missing_init_data_are_refused(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    harness, client, _ = site
    forged = sign_init_data(OTHER_TOKEN, auth_date=NOW)
    expired = _init_data(harness, auth_date=NOW - dt.timedelta(hours=25))
    tampered = _init_data(harness, user_id=903).replace("903", "904")
    for init_data in (forged, expired, tampered, ""):
        for path in ("/app/api/state", "/app/api/sign", "/app/api/withdraw"):
            status, answer = await _post(client, path, initData=init_data, mode="named")
            assert status == 401, (path, init_data[:20])
            assert answer["error"] == "unauthorized" and "Telegram could not confirm" in answer["message"]
    assert await SignatureRepository(harness.app.db).all_of("alpha") == []


async def test_a_plain_browser_form_post_gets_a_polite_page(site: tuple[Harness, TestClient, Ticks]) -> None:
    _, client, _ = site
    response = await client.post("/app/api/sign", data={"slug": "alpha", "lang": "ru", "mode": "named"})
    assert response.status == 401
    html = await response.text()
    assert "только внутри Telegram" in html and '<html lang="ru">' in html


async def test_a_signature_from_the_mini_app_is_seen_in_the_chat_and_back(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    harness, client, _ = site
    await _post(client, "/app/api/sign", initData=_init_data(harness, user_id=905), mode="anonymous")
    chat = harness.user(905)
    await chat.send("/sign alpha")
    assert chat.last.text.startswith("You signed this demand on 29 November 2026")
    # And a signature made in the chat shows in the Mini App.
    other = harness.user(906)
    await other.send("/sign alpha")
    await other.press("Sign anonymously")
    _status, state = await _post(client, "/app/api/state", initData=_init_data(harness, user_id=906))
    assert state["signed"] is True and state["count"] == 2
    assert state["message"] == "You signed this demand on 29 November 2026."


async def test_a_closed_petition_is_not_signed_in_the_mini_app(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    harness, client, _ = site
    case = harness.app.catalog.get("alpha")
    assert case is not None
    await harness.app.dp["petitions"].close(case)
    status, answer = await _post(client, "/app/api/sign", initData=_init_data(harness), mode="anonymous")
    assert status == 200 and answer["outcome"] == "closed" and answer["count"] == 0
    assert answer["message"].startswith("Signing has closed")


async def test_the_mini_app_shares_the_chats_flood_control(tmp_path: Path) -> None:
    harness, client, _ = await _open(tmp_path, monotonic=lambda: 0.0)  # time stands still
    try:
        init_data = _init_data(harness, user_id=907)
        statuses = [(await _post(client, "/app/api/state", initData=init_data))[0] for _ in range(7)]
        burst = harness.app.settings.flood_burst
        assert statuses[:burst] == [200] * burst and set(statuses[burst:]) == {429}
    finally:
        await client.close()
        await harness.app.close()


async def test_a_case_without_petition_has_no_mini_app(site: tuple[Harness, TestClient, Ticks]) -> None:
    harness, client, _ = site
    assert (await client.get("/app/beta")).status == 404
    status, _ = await _post(client, "/app/api/sign", initData=_init_data(harness), slug="beta")
    assert status == 404


# --- the buttons in the chat and the setting ---------------------------------------------


async def test_the_card_and_the_petition_offer_the_mini_app_in_a_private_chat(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    harness, _, _ = site
    user = harness.user(908, language_code="ru")
    await user.send("/start alpha")
    button = user.last.buttons[0]
    assert button.text == "⚡ Подписать в одно касание"
    assert button.web_app is not None and button.web_app.url == f"{PUBLIC}/app/alpha?lang=ru"
    await user.send("/sign alpha")
    assert any(b.web_app is not None for b in user.last.buttons)


async def _group_start(harness: Harness) -> list[Any]:
    user = User(id=909, is_bot=False, first_name="G", language_code="en")
    message = Message(
        message_id=1, date=NOW, chat=Chat(id=-100909, type="supergroup"), from_user=user, text="/start alpha"
    )
    calls = await harness.feed(Update(update_id=909_000, message=message))
    return [
        b
        for call in calls
        if getattr(call, "reply_markup", None)
        for row in call.reply_markup.inline_keyboard
        for b in row
    ]


async def test_outside_private_chats_the_mini_app_is_a_t_me_link(tmp_path: Path) -> None:
    harness, client, _ = await _open(tmp_path, mini_app_name="sign")
    try:
        buttons = await _group_start(harness)
        assert not any(b.web_app for b in buttons)
        assert "https://t.me/casebot_local_bot/sign?startapp=alpha" in [b.url for b in buttons]
    finally:
        await client.close()
        await harness.app.close()


async def test_without_a_public_address_there_is_no_mini_app_button(harness: Harness) -> None:
    user = harness.user(910)
    await user.send("/start alpha")
    assert not any(b.web_app for b in user.last.buttons)
    assert "Sign in one screen" not in " ".join(user.last.labels)


@pytest.mark.parametrize(
    "value, accepted",
    [
        ("https://cases.example.org/", "https://cases.example.org"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://cases.example.org", None),
        ("cases.example.org", None),
        ("https://cases.example.org/?x=1", None),
    ],
)
def test_public_url_must_be_https(tmp_path: Path, value: str, accepted: str | None) -> None:
    if accepted is None:
        with pytest.raises(ValidationError, match="public_url"):
            make_settings(tmp_path, public_url=value)
    else:
        settings: Settings = make_settings(tmp_path, public_url=value)
        assert settings.public_url == accepted


def test_the_proxy_serves_every_public_path_and_keeps_health_and_metrics_inside(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    import fnmatch

    caddyfile = (Path(__file__).resolve().parents[1] / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    public = re.search(r"@public path (.+)", caddyfile)
    internal = re.search(r"@internal path (.+)", caddyfile)
    assert public is not None and internal is not None
    assert set(internal.group(1).split()) == {"/healthz", "/metrics"}
    assert re.search(r"handle @internal \{\s*respond 404", caddyfile)
    _, client, _ = site
    routes = {r.canonical for r in client.server.app.router.resources()}
    for route in routes - {"/healthz", "/metrics"}:
        example = route.replace("{slug}", "alpha").replace("{name}", "site.css")
        assert any(fnmatch.fnmatchcase(example, p) for p in public.group(1).split()), route
    for pattern in public.group(1).split():
        assert not fnmatch.fnmatchcase("/healthz", pattern) and not fnmatch.fnmatchcase("/metrics", pattern)


async def test_once_signing_closes_the_pages_say_so_instead_of_offering_it(
    site: tuple[Harness, TestClient, Ticks],
) -> None:
    harness, client, _ = site
    case = harness.app.catalog.get("alpha")
    assert case is not None
    await harness.app.dp["petitions"].close(case)
    page = await (await client.get("/c/alpha?lang=en")).text()
    assert "Signing has closed. Final count: 0 signatures." in page and "start=sign_alpha" not in page
    app = await (await client.get("/app/alpha?lang=en")).text()
    assert (
        "Signing has closed" in app and '<form id="sign" method="post" action="/app/api/sign" hidden>' in app
    )


async def test_the_mini_app_menu_goes_to_the_only_demand_or_lists_them(tmp_path: Path) -> None:
    harness, client, _ = await _open(tmp_path / "one")
    try:
        only = await client.get("/app?lang=ru", allow_redirects=False)
        assert only.status == 302 and only.headers["Location"] == "/app/alpha?lang=ru"
    finally:
        await client.close()
        await harness.app.close()
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    shutil.copytree(cases / "alpha", cases / "alpha-two")
    facts = cases / "alpha-two" / "case.toml"
    facts.write_text(facts.read_text(encoding="utf-8").replace('slug = "alpha"', 'slug = "alpha-two"'))
    harness, client, _ = await _open(tmp_path / "two", cases_dir=cases)
    try:
        listing = await client.get("/app?lang=ru", allow_redirects=False)
        html = await listing.text()
        assert listing.status == 200
        assert 'href="/app/alpha?lang=ru" data-app-case="alpha"' in html
        assert 'href="/app/alpha-two?lang=ru" data-app-case="alpha-two"' in html
    finally:
        await client.close()
        await harness.app.close()
