"""A crash between the COMMIT and the reply: the re-delivered copy is answered, not met with silence.

The first process stores the signature and its processed mark, then dies as
its first Bot API call leaves (a BaseException that nothing catches, raised
where the request would go out — after the commit-before-reply middleware).
Nothing is closed gracefully. A second process on the same database gets the
same update again — through the Dispatcher, a webhook request and long
polling — and must say "You signed this demand on …", with one signature.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import Update
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import Settings
from bot.intake import Intake
from bot.keyboards import PetitionAction, PetitionCb
from bot.polling import Poller
from bot.web import SECRET_HEADER, WebServer
from tests.conftest import NOW, make_settings, open_harness, patient_user_clock
from tests.fake_telegram import FakeTelegram
from tests.tools import Harness

SIGN = PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack()
UPDATE_ID = 1  # the fake Bot API's first update id, for the polling case
USER = 7
SIGNED_AGAIN = "You signed this demand on"


class Crash(BaseException):
    """The process dies here."""


def _sign_update(update_id: int = UPDATE_ID) -> Update:
    user = {"id": USER, "is_bot": False, "first_name": "User", "language_code": "en"}
    return Update.model_validate(
        {
            "update_id": update_id,
            "callback_query": {
                "id": "cq-lost",
                "from": user,
                "chat_instance": str(USER),
                "data": SIGN,
                "message": {
                    "message_id": 1,
                    "date": 1_700_000_000,
                    "chat": {"id": USER, "type": "private"},
                    "from": {"id": 4242, "is_bot": True, "first_name": "casebot"},
                    "text": "…",
                },
            },
        }
    )


async def _count(harness: Harness, sql: str) -> int:
    async with harness.app.db.reader.execute(sql) as cur:
        row = await cur.fetchone()
    return int(row[0])


async def _sign_and_crash(settings: Settings) -> None:
    first = await open_harness(settings)
    sent: list[TelegramMethod[Any]] = []
    real = first.session.make_request

    async def dies(bot: Any, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        sent.append(method)
        raise Crash

    first.session.make_request = dies  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await first.app.dp.feed_update(first.app.bot, _sign_update())
    assert sent, "the reply never started"
    # kill -9: the committed signature and mark stay; nothing else is flushed or closed in order.
    assert await _count(first, "SELECT COUNT(*) FROM signatures") == 1
    assert await _count(first, "SELECT COUNT(*) FROM processed_updates WHERE reply = 'signed:alpha'") == 1
    first.session.make_request = real  # type: ignore[method-assign]
    await first.app.db.close()


def _texts_to_user(calls: list[TelegramMethod[Any]]) -> list[str]:
    return [c.text for c in calls if isinstance(c, SendMessage) and int(c.chat_id) == USER]


async def test_through_the_dispatcher(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    await _sign_and_crash(settings)
    second = await open_harness(settings)
    try:
        assert await Intake(second.app.dp, second.app.bot).handle(_sign_update()) is True
        [said] = _texts_to_user(second.session.calls)
        assert said.startswith(SIGNED_AGAIN)
        # At least once, not once per copy forever: a copy this process answered is not answered again.
        before = len(second.session.calls)
        await second.app.dp.feed_update(second.app.bot, _sign_update())
        assert second.session.calls[before:] == []
        assert await _count(second, "SELECT COUNT(*) FROM signatures") == 1
    finally:
        await second.app.close()


async def test_through_a_webhook(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    await _sign_and_crash(settings)
    second = await open_harness(settings)
    server = WebServer(
        second.app, Intake(second.app.dp, second.app.bot), webhook_path="/hook", secret="s3cret"
    )
    try:
        async with TestClient(TestServer(server.application(), host="127.0.0.1")) as client:
            body = json.loads(_sign_update().model_dump_json(exclude_none=True))
            response = await client.post("/hook", json=body, headers={SECRET_HEADER: "s3cret"})
            assert response.status == 200
        [said] = _texts_to_user(second.session.calls)
        assert said.startswith(SIGNED_AGAIN)
        assert await _count(second, "SELECT COUNT(*) FROM signatures") == 1
    finally:
        await second.app.close()


async def test_through_long_polling(tmp_path: Path, telegram: FakeTelegram) -> None:
    settings = make_settings(tmp_path)
    await _sign_and_crash(settings)
    polling = make_settings(
        tmp_path, bot_token="123456:TEST-token-for-polling", telegram_api_url=telegram.url
    )
    second = await create_app(polling, clock=lambda: NOW, monotonic=patient_user_clock())
    body = json.loads(_sign_update().model_dump_json(exclude_none=True))
    body.pop("update_id")
    assert await telegram.push_update(body) == UPDATE_ID
    stop = asyncio.Event()
    poller = Poller(
        second.bot,
        Intake(second.dp, second.bot),
        allowed_updates=second.dp.resolve_used_update_types(),
        shutdown_timeout=5.0,
        poll_timeout=1,
    )
    running = asyncio.ensure_future(poller.run(stop))
    try:
        said = await telegram.wait_for(
            lambda c: c.method == "sendMessage" and str(c.params.get("text", "")).startswith(SIGNED_AGAIN)
        )
        assert int(said.params["chat_id"]) == USER
        await telegram.wait_for_offset(UPDATE_ID + 1)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
        await second.close()


async def test_no_extra_commit_on_the_signing_path(harness: Harness) -> None:
    """The note travels in the mark's row: signing still costs one COMMIT."""
    db = harness.app.db
    await harness.user(USER).send("/help")  # the hourly prune of old marks is behind us
    before = db.commits
    await harness.app.dp.feed_update(harness.app.bot, _sign_update(800_001))
    assert db.commits - before == 1


async def test_a_copy_answered_in_full_by_this_process_is_not_answered_twice(harness: Harness) -> None:
    first = len(harness.session.calls)
    await harness.app.dp.feed_update(harness.app.bot, _sign_update(800_002))
    assert any("Thank you" in t for t in _texts_to_user(harness.session.calls[first:]))
    again = len(harness.session.calls)
    await harness.app.dp.feed_update(harness.app.bot, _sign_update(800_002))
    assert harness.session.calls[again:] == []
