"""Helpers for the web tests: initData signed the way Telegram documents it, a site client."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.transport.intake import Intake
from bot.transport.site.routes import PublicSite
from bot.transport.web import WebServer
from tests.tools import Harness

STUB_PATH = "/test-stub/telegram-web-app.js"
# What the Mini App uses of Telegram's script: the launch data from the fragment, ready(),
# a theme, and the main button (recorded in window.telegramMainButton for the tests).
TELEGRAM_STUB = """
window.telegramMainButton = { text: "", visible: false, clicks: [] };
window.Telegram = { WebApp: {
  initData: new URLSearchParams(location.hash.slice(1)).get("tgWebAppData") || "",
  themeParams: {}, ready: function () { window.telegramReady = true; }, expand: function () {},
  MainButton: {
    setParams: function (p) { window.telegramMainButton.text = p.text; },
    onClick: function (f) { window.telegramMainButton.clicks.push(f); },
    show: function () { window.telegramMainButton.visible = true; },
    hide: function () { window.telegramMainButton.visible = false; }
  }
} };
"""

# A token of the right shape for tests; TEST_TOKEN is what the harness's bot runs with.
OTHER_TOKEN = "654321:ANOTHER-token-for-forgeries"


def sign_init_data(
    token: str,
    *,
    user_id: int = 777,
    first_name: str = "Dilnoza",
    last_name: str | None = "Karimova",
    language_code: str = "en",
    auth_date: dt.datetime,
    start_param: str | None = None,
    **extra: str,
) -> str:
    """initData as Telegram would send it, signed per
    https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app:
    secret = HMAC_SHA256(key="WebAppData", msg=token); hash = hex HMAC_SHA256(secret,
    the fields but hash as sorted key=value lines). Written here from the document,
    not taken from the code under test."""
    user: dict[str, Any] = {"id": user_id, "first_name": first_name, "language_code": language_code}
    if last_name:
        user["last_name"] = last_name
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(auth_date.timestamp())),
        **({"start_param": start_param} if start_param else {}),
        **extra,
    }
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def fictional_cases(target: Path, source: Path, count: int) -> Path:
    """``count`` clearly fictional cases made from the fixture ``beta`` ("Boris Betov 07")."""
    target.mkdir(parents=True, exist_ok=True)
    for number in range(1, count + 1):
        slug = f"fict-{number:02d}"
        folder = target / slug
        shutil.copytree(source / "beta", folder)
        facts = folder / "case.toml"
        text = facts.read_text(encoding="utf-8").replace('slug = "beta"', f'slug = "{slug}"')
        for name in ("Boris Betov", "Борис Бетов"):
            text = text.replace(f'"{name}"', f'"{name} {number:02d}"')
        facts.write_text(text, encoding="utf-8")
    return target


async def serve_with_telegram_stub(harness: Harness) -> TestServer:
    """The bot's web server on 127.0.0.1 with Telegram's script replaced by a stub of the same origin."""
    site = PublicSite(harness.app, telegram_script=STUB_PATH)
    application = WebServer(harness.app, Intake(harness.app.dp, harness.app.bot), site=site).application()

    async def stub(request: web.Request) -> web.Response:
        return web.Response(text=TELEGRAM_STUB, content_type="text/javascript")

    application.router.add_get(STUB_PATH, stub)
    server = TestServer(application, host="127.0.0.1")
    await server.start_server()
    return server
