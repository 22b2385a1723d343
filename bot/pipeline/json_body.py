"""Bot API methods sent as one JSON body, not as a form.

aiogram sends every method as a form: each field JSON-encoded on its own, then
the whole percent-encoded by ``urllib.parse.quote``, a Python loop over every
byte — a Cyrillic card's text is thousands of them, and the loop cost more of
the bot's CPU per button than everything else the session does. The webhook
response (a method carried back to Telegram) is a multipart form built part by
part. Telegram reads a request body and a webhook response as
``application/json`` just as well (except for file uploads), and one
``json.dumps`` of the method is a small fraction of either form.

A method with a file to upload still goes as aiogram's multipart form.
"""

from __future__ import annotations

import json
from typing import Any, cast

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError

JSON_HEADERS = {"Content-Type": "application/json"}
_PLAIN = (str, int, bool, float)


class MethodJson:
    """Encodes methods as JSON; keeps each bot's defaults (parse mode, link previews)
    prepared, which are otherwise rebuilt as models and dumped on every call."""

    def __init__(self) -> None:
        self._defaults: dict[tuple[str, str], Any] = {}

    def fields(self, bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any] | None:
        """The method's fields as Telegram reads them from JSON; None when it uploads a file.

        Values are prepared as the session prepares a form's (bot defaults filled in,
        dates as timestamps, enums as their values, unset and empty fields left out),
        but nested objects stay objects instead of JSON strings. A default's prepared
        value is shared between calls: read it, never change it.
        """
        files: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        # None is what the form leaves out at every depth, so pydantic drops it first.
        for key, value in method.model_dump(warnings=False, exclude_none=True).items():
            prepared = self._prepared(value, bot, files)
            if prepared is None or prepared == "":
                continue  # what the form leaves out (its False, 0, {} and [] are truthy strings there)
            fields[key] = prepared
        return None if files else fields

    def body(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The JSON body of the method, or None when it needs a multipart form (a file)."""
        fields = self.fields(bot, method)
        if fields is None:
            return None
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()

    def webhook_response(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """A webhook response carrying the method (``{"method": …, …}``); None when it has a file."""
        fields = self.fields(bot, method)
        if fields is None:
            return None
        body = {"method": method.__api_method__, **fields}
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    def _prepared(self, value: Any, bot: Bot, files: dict[str, Any]) -> Any:
        """``session.prepare_value`` without its per-value overhead for plain JSON values,
        which are nearly all of them (a keyboard's buttons); the rest goes to aiogram's."""
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is dict:
            return {k: p for k, v in value.items() if (p := self._prepared(v, bot, files)) is not None}
        if kind is list:
            return [p for v in value if (p := self._prepared(v, bot, files)) is not None]
        if kind is Default:
            key = (bot.token, value.name)  # a bot's defaults are fixed when it is built
            if key not in self._defaults:
                prepared = bot.session.prepare_value(value, bot=bot, files=files, _dumps_json=False)
                self._defaults[key] = prepared
            return self._defaults[key]
        # InputFile, dates, enums, a model not yet dumped.
        return bot.session.prepare_value(value, bot=bot, files=files, _dumps_json=False)


class JsonSession(AiohttpSession):
    """aiogram's aiohttp session, its requests sent as JSON (files still as forms)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.encoder = MethodJson()

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        body = self.encoder.body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=body,
                headers=JSON_HEADERS,
                timeout=self.timeout if timeout is None else timeout,
            ) as resp:
                raw_result = await resp.text()
        except TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
        response = self.check_response(bot=bot, method=method, status_code=resp.status, content=raw_result)
        return cast(TelegramType, response.result)
