"""A button's answer rides in the webhook response, after the commit; polling still calls.

The bot talks to the fake Bot API over HTTP, and the fake plays Telegram's side
of the webhook: it posts the update and executes the method the 200 response
carries, recording it with ``via="webhook"``.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import F
from aiogram.types import CallbackQuery
from aiohttp.test_utils import TestServer

from bot.app import App, create_app
from bot.config import LOCAL_BOT_ID
from bot.storage.db import CommitFailed
from bot.transport.intake import Intake
from bot.transport.polling import Poller
from bot.transport.web import WebServer
from bot.ui.keyboards import PetitionAction, PetitionCb
from tests.conftest import NOW, make_settings, patient_user_clock
from tests.fake_telegram import ApiCall, FakeTelegram
from tests.scaleout_fixtures import scale_out_settings

SECRET = "hook-Secret_1"
SIGN = PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack()
SIGNATURES = "SELECT COUNT(*) FROM signatures"


def _tap(update_id: int, user_id: int, data: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "W", "language_code": "en"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"{user_id}-{update_id}",
            "from": user,
            "chat_instance": str(user_id),
            "data": data,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": 4242, "is_bot": True, "first_name": "casebot"},
                "text": "…",
            },
        },
    }


def _of(telegram: FakeTelegram, user_id: int) -> list[ApiCall]:
    def mine(c: ApiCall) -> bool:
        chat = c.params.get("chat_id")
        query = str(c.params.get("callback_query_id", ""))
        return (chat is not None and int(chat) == user_id) or query.startswith(f"{user_id}-")

    return [c for c in telegram.calls if mine(c)]


def _answers(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.method == "answerCallbackQuery"]


async def _app(tmp_path: Path, telegram: FakeTelegram) -> App:
    settings = make_settings(
        tmp_path, bot_token=f"{LOCAL_BOT_ID}:TEST-token-for-webhook", telegram_api_url=telegram.url
    )
    return await create_app(settings, clock=lambda: NOW, monotonic=patient_user_clock())


class Hook:
    def __init__(self, app: App, telegram: FakeTelegram, intake: Intake | None = None, **kwargs: Any) -> None:
        self.app = app
        self.telegram = telegram
        intake = intake or Intake(app.dp, app.bot)
        self.server = WebServer(app, intake, webhook_path="/hook", secret=SECRET, **kwargs)
        self.http = TestServer(self.server.application(), host="127.0.0.1")

    async def deliver(self, update: dict[str, Any]) -> int:
        return await self.telegram.deliver(str(self.http.make_url("/hook")), update, SECRET)

    def signatures(self) -> int:
        """What another connection sees: only what is committed."""
        with sqlite3.connect(self.app.settings.database_path) as other:
            return int(other.execute(SIGNATURES).fetchone()[0])


@pytest.fixture
async def hook(tmp_path: Path, telegram: FakeTelegram) -> AsyncIterator[Hook]:
    app = await _app(tmp_path, telegram)
    h = Hook(app, telegram)
    await h.http.start_server()
    try:
        yield h
    finally:
        await h.http.close()
        await app.close()


async def test_the_answer_rides_in_the_response_after_the_commit(hook: Hook, telegram: FakeTelegram) -> None:
    committed_when_answered: list[int] = []
    gate = telegram.hold(lambda c: c.method == "answerCallbackQuery")
    delivery = asyncio.ensure_future(hook.deliver(_tap(1, 31, SIGN)))
    await telegram.wait_for(lambda c: c.method == "answerCallbackQuery")
    committed_when_answered.append(hook.signatures())
    gate.set()
    assert await delivery == 200
    calls = _of(telegram, 31)
    [answer] = _answers(calls)
    assert answer.via == "webhook"  # no call of its own
    assert [c.via for c in calls if c is not answer] == ["call"]  # the thank-you: its result matters
    assert calls[-1] is answer  # the thank-you went first, the answer with the response
    assert committed_when_answered == [1]


async def test_a_stale_button_gets_its_alert_in_the_response(hook: Hook, telegram: FakeTelegram) -> None:
    assert await hook.deliver(_tap(2, 32, "c:card:no-such-case")) == 200
    [answer] = _answers(_of(telegram, 32))
    assert answer.via == "webhook"
    assert answer.params["show_alert"] in ("true", "True", True)
    assert answer.params["text"]
    assert [c for c in _of(telegram, 32) if c.via == "call"] == []


async def test_a_copy_is_neither_applied_nor_answered_twice(hook: Hook, telegram: FakeTelegram) -> None:
    for _ in range(2):
        assert await hook.deliver(_tap(3, 33, SIGN)) == 200
    calls = _of(telegram, 33)
    assert len(_answers(calls)) == 1
    assert len([c for c in calls if c.method == "sendMessage"]) == 1
    assert hook.signatures() == 1


async def test_a_failed_update_claims_no_success(hook: Hook, telegram: FakeTelegram) -> None:
    """The handler answered "Done" and then failed: its writes rolled back, and the error
    handler's answer replaced "Done" (the last answer kept is the one sent)."""

    async def done_then_fails(query: CallbackQuery) -> None:
        await query.answer("Done!", show_alert=True)
        raise CommitFailed("the disk refused the write")

    hook.app.dp.callback_query.register(done_then_fails, F.data == "boom")
    assert await hook.deliver(_tap(4, 34, "boom")) == 200
    calls = _of(telegram, 34)
    [answer] = _answers(calls)
    assert answer.via == "webhook"
    assert "text" not in answer.params  # the error handler's quiet answer replaced "Done!"
    [notice] = [c for c in calls if c.method == "sendMessage"]
    assert "Nothing was changed" in notice.params["text"]


async def test_an_update_failed_past_the_error_handler_claims_nothing(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    """Given up after its last attempt: acknowledged, with no answer in the response."""
    app = await _app(tmp_path, telegram)

    async def done_then_fails(query: CallbackQuery) -> None:
        await query.answer("Done!", show_alert=True)
        raise RuntimeError("a bug")

    async def error_handler_fails(event: Any) -> None:
        raise event.exception

    app.dp.callback_query.register(done_then_fails, F.data == "boom")
    app.dp.errors.register(error_handler_fails)
    h = Hook(app, telegram, Intake(app.dp, app.bot, max_attempts=1))
    await h.http.start_server()
    try:
        assert await h.deliver(_tap(6, 37, "boom")) == 200
        assert _answers(_of(telegram, 37)) == []
    finally:
        await h.http.close()
        await app.close()


async def test_an_update_past_its_request_sends_the_answer_as_a_call(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    """Ordered by events: the request times out while the handler waits, and the answer
    it kept is then sent by the handling task, not lost with the 503."""
    app = await _app(tmp_path, telegram)
    release = asyncio.Event()

    async def slow(query: CallbackQuery) -> None:
        await query.answer("Saved")
        await release.wait()

    app.dp.callback_query.register(slow, F.data == "slow")
    h = Hook(app, telegram, handle_timeout=0.05)
    await h.http.start_server()
    try:
        assert await h.deliver(_tap(5, 35, "slow")) == 503
        release.set()
        await h.server.drain(timeout=60)
        [answer] = _answers(_of(telegram, 35))
        assert answer.via == "call" and answer.params["text"] == "Saved"
    finally:
        await h.http.close()
        await app.close()


async def test_polling_still_answers_with_a_call(tmp_path: Path, telegram: FakeTelegram) -> None:
    app = await _app(tmp_path, telegram)
    poller = Poller(
        app.bot,
        Intake(app.dp, app.bot),
        allowed_updates=app.dp.resolve_used_update_types(),
        shutdown_timeout=5.0,
        poll_timeout=1,
    )
    stop = asyncio.Event()
    running = asyncio.ensure_future(poller.run(stop))
    try:
        update = _tap(0, 36, SIGN)
        update.pop("update_id")
        await telegram.push_update(update)
        await telegram.wait_for(lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == 36)
        [answer] = _answers(_of(telegram, 36))
        assert answer.via == "call"
    finally:
        stop.set()
        await asyncio.wait_for(running, 60)  # a bound against a hang, not a timing
        await app.close()


async def test_the_scale_out_mode_answers_in_the_response_once(
    tmp_path: Path, telegram: FakeTelegram, pg_url: str, redis_url: str
) -> None:
    """PostgreSQL and Redis behind the same webhook: one signature, one thank-you, one carried answer."""
    base = make_settings(
        tmp_path, bot_token=f"{LOCAL_BOT_ID}:TEST-token-for-webhook", telegram_api_url=telegram.url
    )
    app = await create_app(
        scale_out_settings(base, pg_url, redis_url), clock=lambda: NOW, monotonic=patient_user_clock()
    )
    h = Hook(app, telegram)
    await h.http.start_server()
    try:
        for _ in range(2):
            assert await h.deliver(_tap(7, 38, SIGN)) == 200
        calls = _of(telegram, 38)
        assert [(c.method, c.via) for c in calls] == [("sendMessage", "call"), ("answerCallbackQuery", "webhook")]
        assert "signer No. 1" in calls[0].params["text"]
    finally:
        await h.http.close()
        await app.close()
