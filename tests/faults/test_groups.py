"""Nothing about a person's signature is ever written into a group, supergroup or channel.

Driven through the real Dispatcher with updates from a group chat, as Telegram
sends them when the bot is a member there; every Bot API call is inspected.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, TelegramMethod
from aiogram.types import CallbackQuery, Chat, Message, Update

from bot.config import LOCAL_BOT_USERNAME
from bot.ui.keyboards import ForgetCb, PetitionAction, PetitionCb
from tests.tools import ChatUser, Harness

GROUP = Chat(id=-100_555, type="supergroup", title="Friends")
_ids = itertools.count(10_000)
SIGN_LINK = f"https://t.me/{LOCAL_BOT_USERNAME}?start=sign_alpha"
PRIVATE_LINK = f"https://t.me/{LOCAL_BOT_USERNAME}"
POINTERS = {
    "Signing, and anything about your signature, happens only in a private chat",
    "Erasing your data happens only in a private chat",
}


def _group_message(user: ChatUser, text: str, chat: Chat = GROUP) -> Update:
    message = Message(
        message_id=next(_ids), date=dt.datetime.now(dt.UTC), chat=chat, from_user=user.user, text=text
    )
    return Update(update_id=next(_ids), message=message)


def _group_press(user: ChatUser, data: str, *, inline: bool = False) -> Update:
    card = Message(message_id=next(_ids), date=dt.datetime.now(dt.UTC), chat=GROUP, text="card")
    query = CallbackQuery(
        id=str(next(_ids)),
        from_user=user.user,
        chat_instance="group",
        message=None if inline else card,
        inline_message_id="inline-1" if inline else None,
        data=data,
    )
    return Update(update_id=next(_ids), callback_query=query)


def _said_in_group(calls: list[TelegramMethod[Any]]) -> list[str]:
    said = []
    for call in calls:
        chat_id = getattr(call, "chat_id", None)
        if chat_id is not None and int(chat_id) == GROUP.id:
            said.append(getattr(call, "text", None) or type(call).__name__)
    return said


def _said_to(calls: list[TelegramMethod[Any]], user: ChatUser) -> list[str]:
    return [getattr(c, "text", "") for c in calls if getattr(c, "chat_id", None) == user.user.id]


async def _signatures(harness: Harness) -> int:
    async with harness.app.db.conn.execute("SELECT COUNT(*) FROM signatures") as cur:
        row = await cur.fetchone()
    return int(row[0])


def _url_buttons(call: TelegramMethod[Any]) -> list[str]:
    markup = getattr(call, "reply_markup", None)
    return [b.url for row in getattr(markup, "inline_keyboard", []) for b in row if b.url]


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("/sign alpha", SIGN_LINK),
        ("/sign", SIGN_LINK),  # the only petition there is
        ("/sign@casebot_local_bot alpha", SIGN_LINK),
        ("/unsign alpha", SIGN_LINK),
        ("/start sign_alpha", SIGN_LINK),
        ("/forget", PRIVATE_LINK),
    ],
)
async def test_commands_typed_in_a_group_point_to_the_private_chat(
    harness: Harness, typed: str, link: str
) -> None:
    user = harness.user(1)
    calls = await harness.feed(_group_message(user, typed))
    said = _said_in_group(calls)
    assert len(said) == 1 and any(said[0].startswith(p) for p in POINTERS), said
    [reply] = [c for c in calls if getattr(c, "chat_id", None) == GROUP.id]
    assert _url_buttons(reply) == [link]
    assert _said_to(calls, user) == []  # nothing started behind the user's back either
    assert await _signatures(harness) == 0


async def test_a_signer_is_never_revealed_in_a_group(harness: Harness) -> None:
    user = harness.user(1)
    await user.send("/start sign_alpha")
    await user.press("Sign anonymously")
    assert await _signatures(harness) == 1
    for typed in ("/sign alpha", "/unsign alpha", "/start sign_alpha", "/forget", "/start alpha"):
        said = _said_in_group(await harness.feed(_group_message(user, typed)))
        assert not any("You signed" in s or "withdraw" in s.lower() or "Thank you" in s for s in said), said
    assert await _signatures(harness) == 1


@pytest.mark.parametrize(
    "data",
    [PetitionCb(action=action, slug="alpha").pack() for action in PetitionAction]
    + [ForgetCb(confirm=True).pack(), ForgetCb(confirm=False).pack()],
)
@pytest.mark.parametrize("inline", [False, True], ids=["group-message", "inline-message"])
async def test_petition_buttons_in_a_group_answer_with_a_pop_up_and_a_deep_link(
    harness: Harness, data: str, inline: bool
) -> None:
    user = harness.user(1)
    await user.send("/start sign_alpha")
    await user.press("Sign anonymously")  # a signer: withdrawal and erasure must not happen in the group
    calls = await harness.feed(_group_press(user, data, inline=inline))
    [answer] = [c for c in calls if isinstance(c, AnswerCallbackQuery)]
    link = PRIVATE_LINK if data.startswith("f:") else SIGN_LINK
    assert answer.url == link
    assert answer.text and "private chat" in answer.text and len(answer.text) <= 200
    assert _said_in_group(calls) == []
    assert not any(isinstance(c, EditMessageText | EditMessageReplyMarkup) for c in calls)
    assert _said_to(calls, user) == []
    assert await _signatures(harness) == 1


async def test_a_name_typed_in_a_group_is_never_taken_for_a_signature(harness: Harness) -> None:
    user = harness.user(1)
    await harness.feed(_group_press(user, PetitionCb(action=PetitionAction.named, slug="alpha").pack()))
    calls = await harness.feed(_group_message(user, "Ivan Petrov"))
    calls += await harness.feed(_group_message(user, "Berlin"))
    assert _said_in_group(calls) == []
    assert await _signatures(harness) == 0


@pytest.mark.parametrize("locale", ["ru", "uz"])
async def test_the_pointer_is_in_the_users_language(harness: Harness, locale: str) -> None:
    user = harness.user(1, language_code=locale)
    calls = await harness.feed(_group_message(user, "/sign alpha"))
    [text] = _said_in_group(calls)
    assert harness.app.l10n.translator(locale)("faults-private-only") == text


async def test_the_deep_link_continues_the_flow_in_private(harness: Harness) -> None:
    user = harness.user(1)
    calls = await harness.feed(_group_message(user, "/sign alpha"))
    [reply] = [c for c in calls if getattr(c, "chat_id", None) == GROUP.id]
    [link] = _url_buttons(reply)
    payload = link.split("?start=", 1)[1]
    [confirm] = await user.send(f"/start {payload}")
    assert any("Sign anonymously" in label for label in confirm.labels)
    await user.press("Sign with my name")
    await user.press("Use this name")
    [thanks] = await user.press("Skip")
    assert "Thank you" in thanks.text
    assert await _signatures(harness) == 1
