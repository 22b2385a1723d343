"""A crash between the COMMIT and the reply: the re-delivered copy is answered, not met with silence.

The first process makes the effect (a signature, a withdrawal, a follow or an
unfollow, an erasure) and its processed mark, then dies as its first Bot API
call leaves (a BaseException that nothing catches, raised where the request
would go out — after the commit-before-reply middleware). Nothing is closed
gracefully. A second process on the same database gets the same update again —
through the Dispatcher, a webhook request and long polling — and must answer as
a second tap would, with the effect made once.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Update
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import LOCAL_BOT_ID, Settings
from bot.transport.intake import Intake
from bot.transport.polling import Poller
from bot.transport.web import SECRET_HEADER, WebServer
from bot.ui.keyboards import FollowAction, FollowCb, FollowOrigin, ForgetCb, PetitionAction, PetitionCb
from tests.conftest import NOW, make_settings, open_harness, patient_user_clock
from tests.fake_telegram import FakeTelegram
from tests.tools import Harness

SIGN = PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack()
WITHDRAW = PetitionCb(action=PetitionAction.withdraw_yes, slug="alpha").pack()
FOLLOW_NEWS = PetitionCb(action=PetitionAction.follow, slug="alpha").pack()
FOLLOW = FollowCb(action=FollowAction.follow, slug="alpha", origin=FollowOrigin.card).pack()
UNFOLLOW = FollowCb(action=FollowAction.unfollow, slug="alpha", origin=FollowOrigin.card).pack()
FORGET = ForgetCb(confirm=True).pack()
UPDATE_ID = 1  # the fake Bot API's first update id, for the polling case
USER = 7
SIGNED_AGAIN = "You signed this demand on"

SIGNATURES = "SELECT COUNT(*) FROM signatures"
FOLLOWS = "SELECT COUNT(*) FROM follows"


# The copy is known as handled (not made again): the counter of duplicate updates says so.
DUPLICATE = 'casebot_updates_total{kind="callback_query",outcome="duplicate"} 1.0'


class Crash(BaseException):
    """The process dies here."""


def _tap(data: str, update_id: int = UPDATE_ID) -> Update:
    user = {"id": USER, "is_bot": False, "first_name": "User", "language_code": "en"}
    return Update.model_validate(
        {
            "update_id": update_id,
            "callback_query": {
                "id": f"cq-{update_id}",
                "from": user,
                "chat_instance": str(USER),
                "data": data,
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


def _sign_update(update_id: int = UPDATE_ID) -> Update:
    return _tap(SIGN, update_id)


@dataclass(frozen=True)
class Effect:
    """A tap whose reply a crash loses, and what a second tap would have said."""

    name: str
    tap: str  # its callback data
    before: tuple[str, ...]  # taps answered in full first (what the effect undoes)
    note: str  # kept with the processed mark
    says: str  # how the replayed answer starts
    stored: tuple[tuple[str, int], ...]  # (count query, rows) once the effect is made

    def update(self, update_id: int = UPDATE_ID) -> Update:
        return _tap(self.tap, update_id)


EFFECTS = [
    Effect("sign", SIGN, (), "signed:alpha", SIGNED_AGAIN, ((SIGNATURES, 1),)),
    Effect(
        "withdraw", WITHDRAW, (SIGN,), "withdrew:alpha", "You have not signed this demand", ((SIGNATURES, 0),)
    ),
    Effect("follow-news", FOLLOW_NEWS, (), "followed:alpha", "You will receive news of", ((FOLLOWS, 1),)),
    Effect("follow", FOLLOW, (), "followed:alpha", "You follow this case", ((FOLLOWS, 1),)),
    Effect("unfollow", UNFOLLOW, (FOLLOW,), "unfollowed:alpha", "You no longer follow", ((FOLLOWS, 0),)),
    Effect("forget", FORGET, (SIGN, FOLLOW), "forgot:", "Erased:", ((SIGNATURES, 0), (FOLLOWS, 0))),
]
BY_NAME = pytest.mark.parametrize("effect", EFFECTS, ids=[e.name for e in EFFECTS])


async def _count(harness: Harness, sql: str) -> int:
    async with harness.app.db.reader.execute(sql) as cur:
        row = await cur.fetchone()
    return int(row[0])


async def _before(harness: Harness, effect: Effect) -> None:
    for offset, data in enumerate(effect.before):
        await harness.app.dp.feed_update(harness.app.bot, _tap(data, 900 + offset))


async def _effect_and_crash(settings: Settings, effect: Effect) -> None:
    first = await open_harness(settings)
    await _before(first, effect)
    sent: list[TelegramMethod[Any]] = []
    real = first.session.make_request

    async def dies(bot: Any, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        sent.append(method)
        raise Crash

    first.session.make_request = dies  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await first.app.dp.feed_update(first.app.bot, effect.update())
    assert sent, "the reply never started"
    # kill -9: the committed effect and mark stay; nothing else is flushed or closed in order.
    for sql, rows in effect.stored:
        assert await _count(first, sql) == rows
    note = f"SELECT COUNT(*) FROM processed_updates WHERE update_id = {UPDATE_ID} AND reply = '{effect.note}'"
    assert await _count(first, note) == 1
    first.session.make_request = real  # type: ignore[method-assign]
    await first.app.db.close()


def _texts_to_user(calls: list[TelegramMethod[Any]]) -> list[str]:
    return [
        c.text
        for c in calls
        if isinstance(c, SendMessage | EditMessageText) and c.chat_id is not None and int(c.chat_id) == USER
    ]


@BY_NAME
async def test_through_the_dispatcher(tmp_path: Path, effect: Effect) -> None:
    settings = make_settings(tmp_path)
    await _effect_and_crash(settings, effect)
    second = await open_harness(settings)
    try:
        assert await Intake(second.app.dp, second.app.bot).handle(effect.update()) is True
        [said] = _texts_to_user(second.session.calls)
        assert said.startswith(effect.says)
        assert DUPLICATE in second.app.metrics.render().decode()
        # At least once, not once per copy forever: a copy this process answered is not answered again.
        before = len(second.session.calls)
        await second.app.dp.feed_update(second.app.bot, effect.update())
        assert second.session.calls[before:] == []
        for sql, rows in effect.stored:  # made once: the replay did nothing again
            assert await _count(second, sql) == rows
    finally:
        await second.app.close()


@BY_NAME
async def test_through_a_webhook(tmp_path: Path, effect: Effect) -> None:
    settings = make_settings(tmp_path)
    await _effect_and_crash(settings, effect)
    second = await open_harness(settings)
    server = WebServer(
        second.app, Intake(second.app.dp, second.app.bot), webhook_path="/hook", secret="s3cret"
    )
    try:
        async with TestClient(TestServer(server.application(), host="127.0.0.1")) as client:
            body = json.loads(effect.update().model_dump_json(exclude_none=True))
            response = await client.post("/hook", json=body, headers={SECRET_HEADER: "s3cret"})
            assert response.status == 200
        [said] = _texts_to_user(second.session.calls)
        assert said.startswith(effect.says)
        assert DUPLICATE in second.app.metrics.render().decode()
        for sql, rows in effect.stored:
            assert await _count(second, sql) == rows
    finally:
        await second.app.close()


@BY_NAME
async def test_through_long_polling(tmp_path: Path, telegram: FakeTelegram, effect: Effect) -> None:
    settings = make_settings(tmp_path)
    await _effect_and_crash(settings, effect)
    polling = make_settings(
        # The same bot as the first process (a new bot id would be a new sequence of updates).
        tmp_path,
        bot_token=f"{LOCAL_BOT_ID}:TEST-token-for-polling",
        telegram_api_url=telegram.url,
    )
    second = await create_app(polling, clock=lambda: NOW, monotonic=patient_user_clock())
    body = json.loads(effect.update().model_dump_json(exclude_none=True))
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
            lambda c: (
                c.method in ("sendMessage", "editMessageText")
                and str(c.params.get("text", "")).startswith(effect.says)
            )
        )
        assert int(said.params["chat_id"]) == USER
        await telegram.wait_for_offset(UPDATE_ID + 1)
        assert DUPLICATE in second.metrics.render().decode()
    finally:
        stop.set()
        await asyncio.wait_for(running, 60)  # a bound against a hang, not a timing
        await second.close()


async def test_a_note_that_no_longer_holds_is_not_said(tmp_path: Path) -> None:
    """Signed again since the lost withdrawal: "you have not signed" would be false, so nothing."""
    settings = make_settings(tmp_path)
    withdraw = next(e for e in EFFECTS if e.name == "withdraw")
    await _effect_and_crash(settings, withdraw)
    second = await open_harness(settings)
    try:
        await second.app.dp.feed_update(second.app.bot, _sign_update(2_000))
        before = len(second.session.calls)
        await Intake(second.app.dp, second.app.bot).handle(withdraw.update())
        assert _texts_to_user(second.session.calls[before:]) == []
        assert await _count(second, SIGNATURES) == 1
    finally:
        await second.app.close()


@BY_NAME
async def test_no_extra_commit_for_the_note(harness: Harness, effect: Effect) -> None:
    """The note travels in the mark's row: the effect still costs one COMMIT."""
    db = harness.app.db
    await harness.user(USER).send("/help")  # the hourly prune of old marks is behind us
    await _before(harness, effect)
    before = db.commits
    await harness.app.dp.feed_update(harness.app.bot, effect.update(800_001))
    assert db.commits - before == 1


async def test_a_copy_answered_in_full_by_this_process_is_not_answered_twice(harness: Harness) -> None:
    first = len(harness.session.calls)
    await harness.app.dp.feed_update(harness.app.bot, _sign_update(800_002))
    assert any("Thank you" in t for t in _texts_to_user(harness.session.calls[first:]))
    again = len(harness.session.calls)
    await harness.app.dp.feed_update(harness.app.bot, _sign_update(800_002))
    assert harness.session.calls[again:] == []
