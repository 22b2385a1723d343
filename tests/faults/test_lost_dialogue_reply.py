"""A crash between the COMMIT and the reply in the name dialogue or the language choice.

Like tests/faults/test_lost_reply.py: the first process makes the step (the
dialogue moves on, or a language is stored) and its processed mark, then dies
as its first Bot API call leaves. A second process on the same database gets
the same update again and must say the prompt of the step the user is on now
(for a language, the confirmation in it) — never leave them facing the old
screen, where a name typed again would be taken as the city.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiohttp.test_utils import TestClient, TestServer

from bot.transport.intake import Intake
from bot.transport.web import SECRET_HEADER, WebServer
from bot.ui.keyboards import LanguageCb, PetitionAction, PetitionCb
from tests.conftest import make_settings, open_harness
from tests.faults.test_lost_reply import SIGNATURES, UPDATE_ID, USER, Crash, _count, _tap, _texts_to_user
from tests.tools import Harness

NAMED = PetitionCb(action=PetitionAction.named, slug="alpha").pack()
USE_NAME = PetitionCb(action=PetitionAction.use_name, slug="alpha").pack()
RUSSIAN = LanguageCb(code="ru").pack()
TYPED_NAME = "Alice Doe"
TYPED_CITY = "Samarkand"
CITY_ASK = "Add your city to the signature?"
DIALOGUE = "SELECT state FROM fsm_states"


def _typed(text: str, update_id: int = UPDATE_ID) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_700_000_000,
                "chat": {"id": USER, "type": "private"},
                "from": {"id": USER, "is_bot": False, "first_name": "User", "language_code": "en"},
                "text": text,
            },
        }
    )


@dataclass(frozen=True)
class Step:
    """A step whose reply a crash loses, and what the copy must say."""

    name: str
    update: Callable[[int], Update]
    before: tuple[Callable[[int], Update], ...]  # answered in full first
    note: str
    says: str  # how the replayed answer starts
    state: str | None  # the dialogue's step once made (None: no dialogue)


STEPS = [
    Step(
        "sign-with-name", lambda i: _tap(NAMED, i), (), "step:", "Your signature will read:", "SignFlow:name"
    ),
    Step(
        "typed-name",
        lambda i: _typed(TYPED_NAME, i),
        (lambda i: _tap(NAMED, i),),
        "step:",
        CITY_ASK,
        "SignFlow:city",
    ),
    Step(
        "use-my-name",
        lambda i: _tap(USE_NAME, i),
        (lambda i: _tap(NAMED, i),),
        "step:",
        CITY_ASK,
        "SignFlow:city",
    ),
    Step(
        "language", lambda i: _tap(RUSSIAN, i), (), "language:", "Готово: бот теперь говорит по-русски.", None
    ),
]
BY_NAME = pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])


async def _state(harness: Harness) -> str | None:
    rows = list(await harness.app.db.reader.execute_fetchall(DIALOGUE))
    return None if not rows else str(rows[0][0])


async def _before(harness: Harness, step: Step) -> None:
    for offset, make in enumerate(step.before):
        await harness.app.dp.feed_update(harness.app.bot, make(900 + offset))


async def _step_and_crash(tmp_path: Path, step: Step) -> Any:
    settings = make_settings(tmp_path)
    first = await open_harness(settings)
    await _before(first, step)
    sent: list[TelegramMethod[Any]] = []
    real = first.session.make_request

    async def dies(bot: Any, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        sent.append(method)
        raise Crash

    first.session.make_request = dies  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await first.app.dp.feed_update(first.app.bot, step.update(UPDATE_ID))
    assert sent, "the reply never started"
    # kill -9: the committed step and its mark stay; nothing else is flushed or closed in order.
    assert await _state(first) == step.state
    marks = await first.app.db.reader.execute_fetchall(
        f"SELECT reply FROM processed_updates WHERE update_id = {UPDATE_ID}"
    )
    # The note is the step alone: nothing typed (the name) is kept with the mark.
    assert [r[0] for r in marks] == [step.note]
    first.session.make_request = real  # type: ignore[method-assign]
    await first.app.db.close()
    return settings


@BY_NAME
async def test_through_the_dispatcher(tmp_path: Path, step: Step) -> None:
    settings = await _step_and_crash(tmp_path, step)
    second = await open_harness(settings)
    try:
        assert await Intake(second.app.dp, second.app.bot).handle(step.update(UPDATE_ID)) is True
        [said] = _texts_to_user(second.session.calls)
        assert said.startswith(step.says)
        assert await _state(second) == step.state  # said again, not done again
        before = len(second.session.calls)  # at least once, not once per copy forever
        await second.app.dp.feed_update(second.app.bot, step.update(UPDATE_ID))
        assert second.session.calls[before:] == []
    finally:
        await second.app.close()


@BY_NAME
async def test_through_a_webhook(tmp_path: Path, step: Step) -> None:
    settings = await _step_and_crash(tmp_path, step)
    second = await open_harness(settings)
    server = WebServer(
        second.app, Intake(second.app.dp, second.app.bot), webhook_path="/hook", secret="s3cret"
    )
    try:
        async with TestClient(TestServer(server.application(), host="127.0.0.1")) as client:
            body = json.loads(step.update(UPDATE_ID).model_dump_json(exclude_none=True))
            response = await client.post("/hook", json=body, headers={SECRET_HEADER: "s3cret"})
            assert response.status == 200
        [said] = _texts_to_user(second.session.calls)
        assert said.startswith(step.says)
    finally:
        await second.app.close()


async def test_the_city_typed_after_the_replay_is_the_city(tmp_path: Path) -> None:
    """The harm the replay prevents: told to send the city, the user sends the city, and it is the city."""
    typed_name = next(s for s in STEPS if s.name == "typed-name")
    settings = await _step_and_crash(tmp_path, typed_name)
    second = await open_harness(settings)
    try:
        await Intake(second.app.dp, second.app.bot).handle(typed_name.update(UPDATE_ID))
        await second.app.dp.feed_update(second.app.bot, _typed(TYPED_CITY, UPDATE_ID + 1))
        assert await _count(second, SIGNATURES) == 1
        case = second.app.catalogs.current.get("alpha")
        assert case is not None
        signature = await second.app.dp["petitions"].signature(case, USER)
        assert (signature.display_name, signature.city) == (TYPED_NAME, TYPED_CITY)
    finally:
        await second.app.close()


async def test_a_dialogue_left_since_is_not_prompted(tmp_path: Path) -> None:
    """Cancelled since the lost step: a prompt would reopen a dialogue that is over, so nothing."""
    typed_name = next(s for s in STEPS if s.name == "typed-name")
    settings = await _step_and_crash(tmp_path, typed_name)
    second = await open_harness(settings)
    try:
        cancel = PetitionCb(action=PetitionAction.cancel, slug="alpha").pack()
        await second.app.dp.feed_update(second.app.bot, _tap(cancel, 2_000))
        before = len(second.session.calls)
        await Intake(second.app.dp, second.app.bot).handle(typed_name.update(UPDATE_ID))
        assert _texts_to_user(second.session.calls[before:]) == []
        assert await _state(second) is None
    finally:
        await second.app.close()


@BY_NAME
async def test_no_extra_commit_for_the_note(harness: Harness, step: Step) -> None:
    """The note travels in the mark's row: the step still costs one COMMIT."""
    db = harness.app.db
    await harness.user(USER).send("/help")  # the hourly prune of old marks is behind us
    await _before(harness, step)
    before = db.commits
    await harness.app.dp.feed_update(harness.app.bot, step.update(800_001))
    assert db.commits - before == 1
