"""Update-level middlewares: the reader's locale, the catalogue in force, and one log event per update."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from bot.cases.catalog import CatalogHolder
from bot.i18n import L10n, resolve_locale
from bot.storage.repositories import UserSettingsRepository

log = structlog.get_logger("casebot.updates")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


@dataclass(slots=True)
class UpdateTrace:
    """Filled in while an update is handled; logged once when it is done."""

    handler: str = "-"


class LocaleMiddleware(BaseMiddleware):
    """Put ``locale`` and ``t`` (a Translator) into every handler's data."""

    def __init__(self, l10n: L10n, users: UserSettingsRepository, default_locale: str) -> None:
        self._l10n = l10n
        self._users = users
        self._default = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        stored = await self._users.get_locale(user.id) if user else None
        locale = resolve_locale(stored, user.language_code if user else None, self._default)
        data["locale"] = locale
        data["t"] = self._l10n.translator(locale)
        return await handler(event, data)


class CatalogMiddleware(BaseMiddleware):
    """Hand each update the catalogue in force, so /reload can swap it between updates."""

    def __init__(self, catalogs: CatalogHolder) -> None:
        self._catalogs = catalogs

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["catalog"] = self._catalogs.current
        return await handler(event, data)


class UpdateLogMiddleware(BaseMiddleware):
    """One structured event per update: id, kind, handler, locale, milliseconds.

    Deliberately nothing from the update's content: no names, no text.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        trace = UpdateTrace()
        data["trace"] = trace
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if trace.handler == "-" else "ok"
            return result
        finally:
            log.info(
                "update",
                update_id=event.update_id,
                kind=event.event_type,
                handler=trace.handler,
                locale=data.get("locale", "-"),
                ms=round((time.perf_counter() - started) * 1000, 2),
                outcome=outcome,
            )


class HandlerTraceMiddleware(BaseMiddleware):
    """Inner middleware: records which handler took the event, for the update log."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        trace: UpdateTrace | None = data.get("trace")
        handler_object = data.get("handler")
        if trace is not None and handler_object is not None:
            callback = handler_object.callback
            trace.handler = f"{callback.__module__.rsplit('.', 1)[-1]}.{callback.__name__}"
        return await handler(event, data)
