"""The local console chat: talk to the real Dispatcher as a Telegram user, offline.

Every Bot API call goes to a :class:`LocalSession`; this module renders the
calls a person would see (messages, edits, pop-ups) as plain text and turns
typed lines into updates. Typing the number of a button presses it. It reads
piped stdin too, so a conversation can be scripted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import itertools
import re
import sys
import time
from typing import Any, TextIO

from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.types import CallbackQuery, Chat, InlineKeyboardButton, Message, Update, User

from bot.app import App
from bot.transport.local_session import LocalSession

_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_TAG = re.compile(r"</?[a-z][^>]*>")


def html_to_plain(text: str) -> str:
    text = _LINK.sub(lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", text)
    return html.unescape(_TAG.sub("", text))


class ConsoleChat:
    def __init__(self, app: App, session: LocalSession, user: User, out: TextIO = sys.stdout) -> None:
        self.app = app
        self.user = user
        self.out = out
        self.buttons: list[InlineKeyboardButton] = []
        self.button_message: Message | None = None
        # Update ids must not repeat across console sessions on one database, or
        # the second session's updates would be taken for re-deliveries.
        self._update_ids = itertools.count(time.time_ns() // 1000)
        session.listeners.append(self._render)

    def _print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def _render(self, method: TelegramMethod[Any], result: Any) -> None:
        if isinstance(method, AnswerCallbackQuery):
            if method.text:
                self._print(f"  [pop-up] {method.text}")
            return
        if not isinstance(result, Message) or result.chat.id != self.user.id:
            return
        edited = " (edited)" if result.edit_date else ""
        self._print(f"── bot{edited} " + "─" * 40)
        attachment = getattr(method, "photo", None) or getattr(method, "document", None)
        if attachment is not None:
            self._print(f"[file: {getattr(attachment, 'filename', None) or 'attachment'}]")
        self._print(html_to_plain(result.text or result.caption or ""))
        markup = result.reply_markup
        if markup and markup.inline_keyboard:
            self.buttons = [b for row in markup.inline_keyboard for b in row]
            self.button_message = result
            for number, button in enumerate(self.buttons, 1):
                link = button.url or (button.web_app.url if button.web_app else None)
                target = f"  <{link}>" if link else ""
                self._print(f"  [{number}] {button.text}{target}")
        self._print()

    def _message_update(self, text: str) -> Update:
        now = dt.datetime.now(dt.UTC)
        message = Message(
            message_id=next(self._update_ids) + 1_000_000,
            date=now,
            chat=Chat(id=self.user.id, type="private"),
            from_user=self.user,
            text=text,
        )
        return Update(update_id=next(self._update_ids), message=message)

    def _press(self, number: int) -> Update | None:
        if not 1 <= number <= len(self.buttons) or self.button_message is None:
            self._print(f"  (no button {number})")
            return None
        button = self.buttons[number - 1]
        link = button.url or (button.web_app.url if button.web_app else None)
        if link:  # a link or the Mini App: a browser's business, not the chat's
            self._print(f"  (opens {link})")
            return None
        query = CallbackQuery(
            id=str(next(self._update_ids)),
            from_user=self.user,
            chat_instance="console",
            message=self.button_message,
            data=button.callback_data,
        )
        return Update(update_id=next(self._update_ids), callback_query=query)

    async def handle_line(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        update = self._press(int(line)) if line.isdigit() and len(line) <= 2 else self._message_update(line)
        if update is not None:
            await self.app.dp.feed_update(self.app.bot, update)

    async def deliver_news(self) -> None:
        """Send this user what the outbox holds for them (news published while they were away)."""
        await self.app.broadcast.run_until_idle()

    async def run(self, stdin: TextIO = sys.stdin) -> None:
        interactive = stdin.isatty()
        self._print("casebot console chat — type /start; a number presses that button; Ctrl-D quits.")
        self._print()
        await self.app.broadcast.resume()
        await self.deliver_news()
        while True:
            if interactive:
                print("you> ", end="", file=self.out, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            if not interactive:
                self._print(f"you> {line.rstrip()}")
            await self.handle_line(line)
            await self.deliver_news()
