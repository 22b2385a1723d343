"""The public pages and the Mini App served by the bot as a real process, beside polling
and beside the console chat of `make run`."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

import aiohttp

from tests.e2e.process import ROOT, TOKEN, bot_env, free_port, start_bot, stop_bot
from tests.fake_telegram import FakeTelegram
from tests.site_tools import sign_init_data

PUBLIC = "https://cases.example.org"


async def test_polling_bot_serves_pages_and_signs_from_the_mini_app(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_env(telegram.url, tmp_path / "bot.sqlite3", WEB_PORT=str(port), PUBLIC_URL=PUBLIC)
    log = tmp_path / "bot.log"
    process = await start_bot(env, tmp_path, log)
    try:
        menu = await telegram.wait_for(lambda c: c.method == "setChatMenuButton", timeout=60)
        assert menu.params["menu_button"]["web_app"]["url"] == f"{PUBLIC}/app"
        # A reply proves the bot is polling, and its web server listens from before that.
        await telegram.push_message(4040, "/start alpha", language_code="en")
        card = await telegram.wait_for(
            lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == "4040", timeout=60
        )
        first = card.params["reply_markup"]["inline_keyboard"][0][0]
        assert first["web_app"]["url"] == f"{PUBLIC}/app/alpha?lang=en"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/c/alpha?lang=ru") as response:
                assert response.status == 200
                assert "<h1>Анна Альфа</h1>" in await response.text()
            init_data = sign_init_data(TOKEN, user_id=4040, auth_date=dt.datetime.now(dt.UTC))
            payload = {"initData": init_data, "slug": "alpha", "lang": "en", "mode": "anonymous"}
            async with http.post(f"{base}/app/api/sign", json=payload) as response:
                assert response.status == 200 and (await response.json())["outcome"] == "signed"
            forged = init_data.replace("4040", "4041")
            async with http.post(f"{base}/app/api/sign", json={**payload, "initData": forged}) as response:
                assert response.status == 401
        await telegram.push_message(4040, "/sign alpha", language_code="en")
        await telegram.wait_for(
            lambda c: c.method == "sendMessage" and "You signed this demand on" in c.params.get("text", "")
        )
    finally:
        returncode = await stop_bot(process)
    text = log.read_text(encoding="utf-8")
    assert returncode == 0, text[-2000:]
    assert '"event": "http.request"' in text and '"route": "/app/api/sign"' in text
    assert "tgWebAppData" not in text and "auth_date" not in text and "Dilnoza" not in text


async def test_the_console_chat_serves_the_pages_when_web_port_is_set(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **bot_env("", tmp_path / "bot.sqlite3", WEB_PORT=str(port)),
        "BOT_TOKEN": "",
        "TELEGRAM_API_URL": "",
        "PYTHONPATH": ROOT,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stderr is not None
    try:
        # The console announces the address once it listens.
        line = await asyncio.wait_for(process.stderr.readline(), 60)
        assert f"web pages at http://127.0.0.1:{port}/" in line.decode(), line
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/c/beta?lang=uz") as response:
                assert response.status == 200 and '<html lang="uz">' in await response.text()
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
    finally:
        process.stdin.close()  # end of input: the console chat quits
        returncode = await asyncio.wait_for(process.wait(), 30)
    assert returncode == 0
