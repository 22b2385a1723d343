"""A Bot API session that answers locally instead of calling Telegram.

It records every API call in order and fabricates the answer Telegram would
give (a ``Message`` for ``sendMessage``, ``True`` for ``answerCallbackQuery`` …),
unless a test queued a specific result or error first — the idea of aiogram's
own ``tests/mocked_bot.py``. The console chat and the test-suite both stand on it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque
from collections.abc import AsyncGenerator, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Chat, InlineKeyboardMarkup, Message, ResponseParameters, User

from bot.config import LOCAL_BOT_ID, LOCAL_BOT_USERNAME

_SENDS_MESSAGE = ("SendMessage", "SendDocument", "SendPhoto", "CopyMessage")
_EDITS_MESSAGE = ("EditMessageText", "EditMessageReplyMarkup", "EditMessageCaption")


class LocalSession(BaseSession):
    def __init__(self, username: str = LOCAL_BOT_USERNAME) -> None:
        super().__init__()
        self.username = username
        self.calls: list[TelegramMethod[Any]] = []
        self.messages: dict[int, Message] = {}
        self.listeners: list[Callable[[TelegramMethod[Any], Any], None]] = []
        self._queued: deque[tuple[type[TelegramMethod[Any]] | None, Response[Any]]] = deque()
        self._message_ids = itertools.count(1)

    def queue_result(
        self,
        method: type[TelegramMethod[Any]] | None = None,
        *,
        ok: bool = True,
        result: Any = None,
        error_code: int = 200,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """The next call (of ``method``, or any) gets this answer instead of a fabricated one.

        ``retry_after`` / ``migrate_to_chat_id`` fill the response's ``parameters``,
        as Telegram does for a 429 or a group that became a supergroup.
        """
        parameters = (
            ResponseParameters(retry_after=retry_after, migrate_to_chat_id=migrate_to_chat_id)
            if retry_after is not None or migrate_to_chat_id is not None
            else None
        )
        self._queued.append(
            (
                method,
                Response[Any](
                    ok=ok,
                    result=result,
                    error_code=error_code,
                    description=description,
                    parameters=parameters,
                ),
            )
        )

    def _take_queued(self, method: TelegramMethod[Any]) -> Response[Any] | None:
        for index, (kind, response) in enumerate(self._queued):
            if kind is None or isinstance(method, kind):
                del self._queued[index]
                return response
        return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.calls.append(method)
        queued = self._take_queued(method)
        if queued is not None:
            response = self.check_response(
                bot=bot,
                method=method,
                status_code=queued.error_code or 200,
                content=queued.model_dump_json(),
            )
            result = response.result
        else:
            result = self._fabricate(method)
        for listener in self.listeners:
            listener(method, result)
        return result  # type: ignore[no-any-return]

    def _fabricate(self, method: TelegramMethod[Any]) -> Any:
        name = type(method).__name__
        if name == "GetMe":
            return User(id=LOCAL_BOT_ID, is_bot=True, first_name="casebot", username=self.username)
        if name in _SENDS_MESSAGE:
            message_id = next(self._message_ids)
            markup = getattr(method, "reply_markup", None)
            message = Message(
                message_id=message_id,
                date=dt.datetime.now(dt.UTC),
                chat=Chat(id=int(method.chat_id), type="private"),
                from_user=User(id=LOCAL_BOT_ID, is_bot=True, first_name="casebot"),
                text=getattr(method, "text", None),
                caption=getattr(method, "caption", None),
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
            )
            self.messages[message_id] = message
            return message
        if name in _EDITS_MESSAGE:
            if getattr(method, "inline_message_id", None):
                return True
            old = self.messages.get(int(method.message_id))
            markup = getattr(method, "reply_markup", None)
            message = Message(
                message_id=int(method.message_id),
                date=old.date if old else dt.datetime.now(dt.UTC),
                chat=Chat(id=int(method.chat_id), type="private"),
                from_user=User(id=LOCAL_BOT_ID, is_bot=True, first_name="casebot"),
                text=getattr(method, "text", old.text if old else None),
                reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
                edit_date=int(dt.datetime.now(dt.UTC).timestamp()),
            )
            self.messages[message.message_id] = message
            return message
        if name == "GetUpdates":
            return []
        return True

    async def close(self) -> None:
        pass

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""
