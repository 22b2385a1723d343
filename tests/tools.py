"""Test tools that speak as a user: send text, press buttons, read what the bot showed.

Everything runs through the real Dispatcher (``feed_update``) and a recording
:class:`LocalSession`; assertions read the API calls a Telegram client would get.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
)

from bot.app import App
from bot.text import MESSAGE_LIMIT
from bot.transport.local_session import LocalSession
from tests.telegram_html import html_problem
from tests.telegram_limits import method_problem

_ids = itertools.count(1)


class FakeClock:
    """Virtual seconds for the broadcast worker: waiting advances time at once (no sleeping)."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        if not event.is_set():
            self.t += timeout
        await asyncio.sleep(0)


@dataclass
class Shown:
    """One thing the user saw: a new or edited message, or a pop-up."""

    kind: str  # "message", "edit" or "popup"
    text: str
    buttons: list[InlineKeyboardButton] = field(default_factory=list)
    alert: bool = False
    message: Message | None = None

    def button(self, label: str) -> InlineKeyboardButton:
        matches = [b for b in self.buttons if label in b.text]
        if len(matches) != 1:
            raise AssertionError(f"expected one button with {label!r}, have {[b.text for b in self.buttons]}")
        return matches[0]

    @property
    def labels(self) -> list[str]:
        return [b.text for b in self.buttons]


def _buttons(markup: Any) -> list[InlineKeyboardButton]:
    if isinstance(markup, InlineKeyboardMarkup):
        return [b for row in markup.inline_keyboard for b in row]
    return []


class Harness:
    def __init__(self, app: App, session: LocalSession) -> None:
        self.app = app
        self.session = session

    def user(self, user_id: int = 1, language_code: str | None = "en", first_name: str = "Test") -> ChatUser:
        return ChatUser(
            self, User(id=user_id, is_bot=False, first_name=first_name, language_code=language_code)
        )

    async def feed(self, update: Update) -> list[TelegramMethod[Any]]:
        before = len(self.session.calls)
        await self.app.dp.feed_update(self.app.bot, update)
        return self.session.calls[before:]


class ChatUser:
    def __init__(self, harness: Harness, user: User) -> None:
        self.harness = harness
        self.user = user
        self.seen: list[Shown] = []

    def _record(self, calls: list[TelegramMethod[Any]]) -> list[Shown]:
        shown: list[Shown] = []
        messages = self.harness.session.messages
        for call in calls:
            name = type(call).__name__
            refused = method_problem(call)  # what Telegram would answer with 400
            assert refused is None, f"{name}: {refused}"
            if isinstance(call, AnswerCallbackQuery):
                # Telegram refuses callback answers over 200 characters.
                assert call.text is None or len(call.text) <= 200, call.text
                if call.text:
                    shown.append(Shown("popup", call.text, alert=bool(call.show_alert)))
            elif name in ("SendMessage", "EditMessageText") and int(call.chat_id) == self.user.id:
                # Every text the bot sends must be one Telegram would accept.
                assert len(call.text) <= MESSAGE_LIMIT, f"{len(call.text)} characters"
                problem = html_problem(call.text)  # the tests' own rules, not the bot's checker
                assert problem is None, f"{problem} in {call.text!r}"
                message = (
                    messages.get(max(messages))
                    if name == "SendMessage"
                    else messages.get(int(call.message_id))
                )
                shown.append(
                    Shown(
                        "message" if name == "SendMessage" else "edit",
                        call.text,
                        _buttons(call.reply_markup),
                        message=message,
                    )
                )
        self.seen += shown
        return shown

    async def send(self, text: str, entities: list[MessageEntity] | None = None) -> list[Shown]:
        """``entities``: formatting as Telegram's own editor sends it, beside the plain text."""
        message = Message(
            message_id=next(_ids),
            date=dt.datetime.now(dt.UTC),
            chat=Chat(id=self.user.id, type="private"),
            from_user=self.user,
            text=text,
            entities=entities,
        )
        return self._record(await self.harness.feed(Update(update_id=next(_ids), message=message)))

    async def press_data(self, data: str, message: Message | None = None) -> list[Shown]:
        query = CallbackQuery(
            id=str(next(_ids)),
            from_user=self.user,
            chat_instance="test",
            message=message or self._last_with_buttons().message,
            data=data,
        )
        return self._record(await self.harness.feed(Update(update_id=next(_ids), callback_query=query)))

    async def press(self, label: str) -> list[Shown]:
        shown = self._last_with_buttons()
        button = shown.button(label)
        assert button.callback_data is not None, f"{label!r} is a link button"
        return await self.press_data(button.callback_data, shown.message)

    def _last_with_buttons(self) -> Shown:
        for shown in reversed(self.seen):
            if shown.buttons:
                return shown
        raise AssertionError("the bot has shown no buttons yet")

    @property
    def last(self) -> Shown:
        messages = [s for s in self.seen if s.kind != "popup"]
        assert messages, "the bot has said nothing"
        return messages[-1]


def edit_text(path: Path, old: str, new: str, *, count: int = 1) -> None:
    """A case file edited as an admin would: ``old`` must be there; the change is stamped a
    millisecond later, so a reload that compares modification times sees it too."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
