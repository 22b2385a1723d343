"""Delivery guarantees, the error handler, flood control and input bounds, through the real Dispatcher."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    Message,
    Update,
    User,
)

from bot.domain.petition import PetitionService
from bot.ui.keyboards import PetitionAction, PetitionCb
from tests.conftest import NOW, make_settings, open_harness
from tests.tools import ChatUser, Harness

SIGN = PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack()


class ManualClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _sign_update(user: ChatUser, update_id: int) -> Update:
    assert user.last.message is not None
    return Update(
        update_id=update_id,
        callback_query=CallbackQuery(
            id=f"q{update_id}", from_user=user.user, chat_instance="x", message=user.last.message, data=SIGN
        ),
    )


async def _rows(harness: Harness, sql: str) -> int:
    async with harness.app.db.conn.execute(sql) as cur:
        row = await cur.fetchone()
    return int(row[0])


def _texts(calls: list[TelegramMethod[Any]]) -> list[str]:
    return [c.text for c in calls if isinstance(c, SendMessage)]


async def test_a_redelivered_sign_has_one_effect_and_one_reply(harness: Harness) -> None:
    user = harness.user(1)
    await user.send("/sign alpha")
    update = _sign_update(user, 500_001)
    first = await harness.feed(update)
    again = await harness.feed(update)
    assert sum("signer No. 1" in t for t in _texts(first)) == 1
    assert again == []  # not even the callback answer: the first delivery gave it
    assert await _rows(harness, "SELECT COUNT(*) FROM signatures") == 1
    assert await _rows(harness, "SELECT COUNT(*) FROM processed_updates WHERE update_id = 500001") == 1


def _help_update(user: ChatUser, update_id: int) -> Update:
    message = Message(
        message_id=update_id,
        date=NOW,
        chat=Chat(id=user.user.id, type="private"),
        from_user=user.user,
        text="/help",
    )
    return Update(update_id=update_id, message=message)


async def test_a_redelivered_read_gets_one_reply_and_its_mark_costs_no_write_on_the_way(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path)
    harness = await open_harness(settings)
    user = harness.user(8)
    first, second = _help_update(user, 600_001), _help_update(user, 600_002)
    try:
        assert any("How to use this bot" in t for t in _texts(await harness.feed(first)))
        assert await _rows(harness, "SELECT COUNT(*) FROM processed_updates") == 0
        assert await harness.feed(first) == []  # the copy finds the mark kept in memory
        await harness.app.dp["idempotency"].flush_marks()  # what the timer does a moment later
        assert await _rows(harness, "SELECT COUNT(*) FROM processed_updates WHERE update_id = 600001") == 1
        assert await harness.feed(first) == []
        await harness.feed(second)
    finally:
        await harness.app.close()  # writes the marks still in memory

    restarted = await open_harness(settings)
    try:
        assert await restarted.feed(first) == []
        assert await restarted.feed(second) == []
        fresh = await restarted.feed(_help_update(user, 600_003))
        assert any("How to use this bot" in t for t in _texts(fresh))
    finally:
        await restarted.app.close()


@pytest.mark.sqlite_only
async def test_many_reads_in_flight_are_marked_by_one_flush_at_a_time(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    idempotency = harness.app.dp["idempotency"]
    processed = idempotency._processed
    real_mark_many = processed.mark_many
    flushes: list[int] = []
    running = most_at_once = 0

    async def counted(marks: list[tuple[int, int, Any]]) -> None:
        nonlocal running, most_at_once
        running += 1
        most_at_once = max(most_at_once, running)
        flushes.append(len(marks))
        try:
            await real_mark_many(marks)
        finally:
            running -= 1

    monkeypatch.setattr(processed, "mark_many", counted)
    # Only the batch size may start a flush here: on a loaded machine 1,200 updates
    # outlast the timer, and the count of flushes would measure the machine.
    monkeypatch.setattr(idempotency, "_flush_delay", 3_600.0)
    user = harness.user(9)
    reads = [_help_update(user, 700_000 + n) for n in range(1_200)]
    await asyncio.gather(*(harness.app.dp.feed_update(harness.app.bot, u) for u in reads))
    await idempotency.close()
    # Each mark written once, in a few batches: not a flush (and a copy of all
    # pending marks) per update once the batch size is passed.
    assert most_at_once == 1
    assert sum(flushes) == 1_200 and len(flushes) <= 4
    assert await _rows(harness, "SELECT COUNT(*) FROM processed_updates WHERE update_id >= 700000") == 1_200


async def test_copies_arriving_together_are_handled_once(harness: Harness) -> None:
    user = harness.user(2)
    await user.send("/sign alpha")
    update = _sign_update(user, 500_002)
    before = len(harness.session.calls)
    await asyncio.gather(*(harness.app.dp.feed_update(harness.app.bot, update) for _ in range(3)))
    texts = _texts(harness.session.calls[before:])
    assert len(texts) == 1 and "signer No. 1" in texts[0]


@pytest.mark.sqlite_only
async def test_the_thank_you_leaves_only_after_the_signature_is_committed(harness: Harness) -> None:
    committed_at_reply: list[tuple[int, int]] = []

    def on_call(method: TelegramMethod[Any], result: Any) -> None:
        if isinstance(method, SendMessage) and "signer No." in method.text:
            # Another connection sees only what is committed, as the database after a crash would.
            conn = sqlite3.connect(harness.app.db.path)
            try:
                signatures = conn.execute("SELECT COUNT(*) FROM signatures").fetchone()[0]
                marks = conn.execute(
                    "SELECT COUNT(*) FROM processed_updates WHERE update_id = 500003"
                ).fetchone()[0]
            finally:
                conn.close()
            committed_at_reply.append((signatures, marks))

    harness.session.listeners.append(on_call)
    user = harness.user(3)
    await user.send("/sign alpha")
    await harness.feed(_sign_update(user, 500_003))
    assert committed_at_reply == [(1, 1)]


class SignsThenFails(PetitionService):
    async def sign(self, *args: Any, **kwargs: Any) -> Any:
        await super().sign(*args, **kwargs)
        raise RuntimeError("something broke after the write")


async def test_a_failing_handler_rolls_back_tells_the_user_and_can_be_retried(harness: Harness) -> None:
    dp = harness.app.dp
    working = dp["petitions"]
    dp["petitions"] = SignsThenFails(dp["signatures"], b"k" * 32, lambda: NOW)
    user = harness.user(4)
    await user.send("/sign alpha")
    update = _sign_update(user, 500_004)
    calls = await harness.feed(update)
    assert _texts(calls) == ["Something went wrong on our side. Please try again in a moment."]
    assert any(isinstance(c, AnswerCallbackQuery) for c in calls)  # the button stops spinning
    assert await _rows(harness, "SELECT COUNT(*) FROM signatures") == 0
    assert await _rows(harness, "SELECT COUNT(*) FROM processed_updates WHERE update_id = 500004") == 0
    assert 'casebot_handler_errors_total{error="RuntimeError"} 1.0' in harness.app.metrics.render().decode()

    dp["petitions"] = working  # fixed; Telegram delivers the same update again
    again = await harness.feed(update)
    assert any("signer No. 1" in t for t in _texts(again))


async def test_a_button_answered_too_late_still_shows_the_result(harness: Harness) -> None:
    user = harness.user(5)
    await user.send("/sign alpha")
    harness.session.queue_result(
        AnswerCallbackQuery,
        ok=False,
        error_code=400,
        description="Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    calls = await harness.feed(_sign_update(user, 500_005))
    assert any("signer No. 1" in t for t in _texts(calls))
    assert not any("Something went wrong" in t for t in _texts(calls))


async def test_a_user_who_blocked_the_bot_gets_no_error_message(harness: Harness) -> None:
    user = harness.user(6)
    harness.session.queue_result(
        SendMessage, ok=False, error_code=403, description="Forbidden: bot was blocked by the user"
    )
    calls = await user.harness.feed(
        Update.model_validate(
            {
                "update_id": 500_006,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 6, "type": "private"},
                    "from": user.user.model_dump(),
                    "text": "/help",
                },
            }
        )
    )
    assert [type(c).__name__ for c in calls] == ["SendMessage"]  # the refused reply, and nothing after it


async def test_the_bot_being_blocked_or_unblocked_is_noted_silently(harness: Harness) -> None:
    user = harness.user(7)
    await user.send("/sign alpha")
    await user.press("Sign anonymously")
    await user.press("Follow the case")
    me = User(id=1000, is_bot=True, first_name="casebot")
    for update_id, member in (
        (500_007, ChatMemberBanned(user=me, until_date=0)),
        (500_008, ChatMemberMember(user=me)),
    ):
        calls = await harness.feed(
            Update(
                update_id=update_id,
                my_chat_member=ChatMemberUpdated(
                    chat=Chat(id=7, type="private"),
                    from_user=user.user,
                    date=NOW,
                    old_chat_member=ChatMemberMember(user=me),
                    new_chat_member=member,
                ),
            )
        )
        assert calls == []
    assert await _rows(harness, "SELECT COUNT(*) FROM follows") == 1  # consent is kept
    assert (
        'casebot_updates_total{kind="my_chat_member",outcome="ok"} 2.0'
        in harness.app.metrics.render().decode()
    )


async def test_flood_control_drops_what_comes_too_fast_with_one_notice_a_minute(tmp_path: Path) -> None:
    clock = ManualClock()
    harness = await open_harness(make_settings(tmp_path, admin_ids="99"), monotonic=clock)
    try:
        user = harness.user(8)
        replies = [await user.send("/help") for _ in range(5)]
        assert all(r and "How to use this bot" in r[0].text for r in replies)
        [notice] = await user.send("/help")
        assert notice.text == "You are sending messages too fast. Please wait a minute, then try again."
        assert await user.send("/help") == []  # dropped, and no second notice
        clock.now += 1.0  # one token back
        [help_again] = await user.send("/help")
        assert "How to use this bot" in help_again.text
        assert await user.send("/help") == []
        clock.now += 59.5  # a minute after the notice: tokens back, and a notice is allowed again
        for _ in range(5):
            assert await user.send("/help")
        assert (await user.send("/help"))[0].text.startswith("You are sending messages too fast")

        admin = harness.user(99)
        for _ in range(20):
            assert await admin.send("/help")
        metrics = harness.app.metrics.render().decode()
        assert 'casebot_flood_dropped_total{kind="message"} 4.0' in metrics
        assert 'casebot_updates_total{kind="message",outcome="throttled"} 4.0' in metrics
    finally:
        await harness.app.close()


async def test_oversized_input_is_answered_and_nothing_is_stored(harness: Harness) -> None:
    user = harness.user(9, first_name="\u202e")
    await user.send("/sign alpha")
    [ask] = await user.press("Sign with my name")
    assert ask.text.startswith("Send the name")
    [too_long] = await user.send("Ив" * 5_000)
    assert too_long.text == "This message is too long for me: at most 4096 characters, please."
    assert "Ив" not in too_long.text
    [popup] = await user.press_data("p:anon:alpha:" + "x" * 100)
    assert popup.kind == "popup" and "out of date" in popup.text
    assert await _rows(harness, "SELECT COUNT(*) FROM signatures") == 0
    # The dialogue is still there: a proper name goes through.
    [city] = await user.send("Ivan Petrov")
    assert "city" in city.text


async def test_a_short_flood_wait_on_a_reply_is_waited_out_once(harness: Harness) -> None:
    from aiogram.exceptions import TelegramRetryAfter

    from bot.pipeline.middlewares import QuietRepliesMiddleware

    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    method = SendMessage(chat_id=1, text="hi")
    attempts: list[int] = []

    async def make_request(bot: Any, method: Any) -> Any:
        attempts.append(1)
        if len(attempts) == 1:
            raise TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=3)
        return "sent"

    quiet = QuietRepliesMiddleware(sleep=sleep)
    assert await quiet(make_request, harness.app.bot, method) == "sent"
    assert waited == [3] and len(attempts) == 2

    async def long_wait(bot: Any, method: Any) -> Any:
        raise TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=600)

    try:
        await quiet(long_wait, harness.app.bot, method)
    except TelegramRetryAfter as exc:
        assert exc.retry_after == 600  # too long to hold a handler: it fails and the error handler decides
    else:
        raise AssertionError("a long flood wait must not be slept through")
    assert waited == [3]


async def test_a_failed_signature_keeps_the_dialogue_it_was_ending(harness: Harness) -> None:
    # The signature's update cleared the dialogue (FSM row deleted) and then failed:
    # the rollback brings the row back, and the dialogue state read from memory
    # must come back with it, or the retyped city would fall through to questions.
    dp = harness.app.dp
    working = dp["petitions"]
    user = harness.user(6, first_name="Anna")
    await user.send("/sign alpha")
    await user.press("Sign with my name")
    await user.press("Use this name")
    dp["petitions"] = SignsThenFails(dp["signatures"], b"k" * 32, lambda: NOW)
    [failed] = await user.send("Berlin")
    assert failed.text == "Something went wrong on our side. Please try again in a moment."
    assert await _rows(harness, "SELECT COUNT(*) FROM fsm_states") == 1

    dp["petitions"] = working
    [thanks] = await user.send("Berlin")
    assert "you are signer No. 1" in thanks.text
    assert await _rows(harness, "SELECT COUNT(*) FROM fsm_states") == 0
