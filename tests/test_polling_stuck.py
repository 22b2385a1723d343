"""One stuck chat delays nobody else when polling, and is itself stopped and told.

The fake Bot API holds one chat's ``sendMessage`` (a Telegram call that never
answers). Other readers are answered while it hangs; no offset passes the stuck
update while it runs; past its time limit (a fake clock: the test says when) it
is cancelled, its writes roll back unless already committed, the reader is
told which, and only then is it confirmed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiogram.filters import Command
from aiogram.types import Message

from bot.app import App, create_app
from bot.storage.repositories import UserSettingsRepository
from bot.transport.intake import Intake
from bot.transport.polling import Poller
from tests.conftest import make_settings, patient_user_clock
from tests.fake_telegram import ApiCall, FakeTelegram

STOPPED = "That took too long, so we stopped it. Nothing was changed."
SAVED_RU = "Готово, но наш ответ не успел до вас дойти."


class FakeLimit:
    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeTimer:
    """The clock of the per-update time limit: every limit runs out when the test says so."""

    def __init__(self) -> None:
        self.expired = False
        self._armed: list[FakeLimit] = []

    def __call__(self, seconds: float, callback: Callable[[], None]) -> FakeLimit:
        limit = FakeLimit(callback)
        if self.expired:  # once expired, every new limit runs out at once
            asyncio.get_running_loop().call_soon(self._fire, limit)
        self._armed.append(limit)
        return limit

    def expire(self) -> None:
        self.expired = True
        for limit in self._armed:
            self._fire(limit)

    @staticmethod
    def _fire(limit: FakeLimit) -> None:
        if not limit.cancelled:
            limit.cancelled = True
            limit.callback()


@pytest.fixture
async def app(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[App]:
    settings = make_settings(tmp_path, bot_token="123456:TEST-token-for-stuck", telegram_api_url=telegram.url)
    application = await create_app(settings, monotonic=patient_user_clock())
    yield application
    await application.close()


def _to(user_id: int) -> Any:
    return lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == user_id


def _stuck_reply(user_id: int) -> Any:
    """The chat's replies hang, except the notice that it was stopped."""
    return lambda c: _to(user_id)(c) and "⚠️" not in str(c.params.get("text"))


async def _polling(app: App, timer: FakeTimer, stop: asyncio.Event) -> tuple[Poller, asyncio.Future[None]]:
    poller = Poller(
        app.bot,
        Intake(app.dp, app.bot, schedule=timer),
        allowed_updates=app.dp.resolve_used_update_types(),
        shutdown_timeout=5.0,
        poll_timeout=1,
    )
    return poller, asyncio.ensure_future(poller.run(stop))


async def test_other_readers_are_answered_while_one_chat_hangs(app: App, telegram: FakeTelegram) -> None:
    telegram.hold(_stuck_reply(1))
    told = telegram.hold(lambda c: _to(1)(c) and "⚠️" in str(c.params.get("text")))
    timer, stop = FakeTimer(), asyncio.Event()
    stuck = await telegram.push_message(1, "/start")
    _, running = await _polling(app, timer, stop)
    try:
        await telegram.wait_for(_to(1))  # its reply is out, and hangs
        others = [await telegram.push_message(user_id, "/start") for user_id in (2, 3, 4)]
        for user_id in (2, 3, 4):
            await telegram.wait_for(_to(user_id), timeout=10)
        # Answered while update 1 still runs: and nothing from it on is confirmed.
        assert not timer.expired
        assert all(offset <= stuck for offset in telegram.offsets)
        timer.expire()
        notice = await telegram.wait_for(lambda c: _to(1)(c) and "⚠️" in c.params["text"])
        assert STOPPED in notice.params["text"]
        # Told, and the notice not yet through: the stuck update is still not confirmed.
        assert all(offset <= stuck for offset in telegram.offsets)
        told.set()
        await telegram.wait_for_offset(others[-1] + 1)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    # Each of the others answered once: skipping updates already in flight kept them from running twice.
    for user_id in (2, 3, 4):
        assert len([c for c in telegram.calls if _to(user_id)(c)]) == 1


async def test_a_stopped_update_rolls_back_what_it_had_not_committed(app: App, telegram: FakeTelegram) -> None:
    never = asyncio.Event()

    async def slow_choice(message: Message, users: UserSettingsRepository) -> None:
        await users.set_locale(message.chat.id, "ru")
        await never.wait()  # a step that never ends, before any reply

    app.dp.message.register(slow_choice, Command("slowchoice"))
    timer, stop = FakeTimer(), asyncio.Event()
    stuck = await telegram.push_message(7, "/slowchoice")
    _, running = await _polling(app, timer, stop)
    try:
        after = await telegram.push_message(8, "/help")
        await telegram.wait_for(_to(8))
        assert all(offset <= stuck for offset in telegram.offsets)
        timer.expire()
        notice = await telegram.wait_for(_to(7))
        await telegram.wait_for_offset(after + 1)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    assert STOPPED in notice.params["text"]  # in English: the choice of Russian was undone
    assert await UserSettingsRepository(app.db).get_locale(7) is None
    rows = await app.db.reads.execute_fetchall("SELECT 1 FROM processed_updates WHERE update_id = ?", (stuck,))
    assert not rows


async def test_a_stopped_update_that_had_committed_says_it_is_done(app: App, telegram: FakeTelegram) -> None:
    async def choice_then_reply(message: Message, users: UserSettingsRepository) -> None:
        await users.set_locale(message.chat.id, "ru")
        await message.answer("Язык выбран.")  # committed before it leaves; then Telegram hangs

    app.dp.message.register(choice_then_reply, Command("choice"))
    telegram.hold(_stuck_reply(9))
    timer, stop = FakeTimer(), asyncio.Event()
    stuck = await telegram.push_message(9, "/choice")
    _, running = await _polling(app, timer, stop)
    try:
        await telegram.wait_for(_to(9))
        timer.expire()
        notice = await telegram.wait_for(lambda c: _to(9)(c) and "⚠️" in c.params["text"])
        await telegram.wait_for_offset(stuck + 1)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    assert SAVED_RU in notice.params["text"]
    assert await UserSettingsRepository(app.db).get_locale(9) == "ru"
    assert isinstance(notice, ApiCall)
