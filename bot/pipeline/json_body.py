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
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError

JSON_HEADERS = {"Content-Type": "application/json"}


def method_fields(bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any] | None:
    """The method's fields as Telegram reads them from JSON; None when it uploads a file.

    Values are prepared by the session as for a form (bot defaults such as the
    parse mode filled in, dates as timestamps, enums as their values, unset and
    empty fields left out) but nested objects stay objects instead of JSON strings.
    """
    session = bot.session
    files: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for key, value in method.model_dump(warnings=False).items():
        prepared = session.prepare_value(value, bot=bot, files=files, _dumps_json=False)
        if prepared is None or prepared == "":
            continue  # what the form leaves out (its False, 0, {} and [] are truthy strings there)
        fields[key] = prepared
    return None if files else fields


def method_json(bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
    """The JSON body of the method, or None when it needs a multipart form (a file)."""
    fields = method_fields(bot, method)
    if fields is None:
        return None
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def webhook_response_json(bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
    """A webhook response carrying the method (``{"method": …, …}``); None when it has a file."""
    fields = method_fields(bot, method)
    if fields is None:
        return None
    body = {"method": method.__api_method__, **fields}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


class JsonSession(AiohttpSession):
    """aiogram's aiohttp session, its requests sent as JSON (files still as forms)."""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        body = method_json(bot, method)
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
