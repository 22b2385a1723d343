"""The Telegram side of the broadcast: render an outbox row in the follower's
language, send it through the Bot API, and turn Telegram's refusals into the
:mod:`bot.domain.broadcast` outcomes. Also edits the admin's progress message.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

import structlog
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from cachetools import LRUCache

from bot.cases.catalog import CatalogHolder
from bot.domain.broadcast import (
    Blocked,
    ChatMigrated,
    ChatNotFound,
    Progress,
    Rejected,
    RetryAfter,
    Transient,
)
from bot.domain.records import Delivery, NewsItem
from bot.storage.repositories import NewsRepository
from bot.ui import keyboards, views
from bot.ui.i18n import L10n

log = structlog.get_logger("casebot.delivery")

_CACHED_NEWS = 32

# True around the broadcast worker's own Bot API calls. The session's
# QuietRepliesMiddleware waits out a short 429 and sends again, which suits a
# handler's reply; a paced call's 429 must reach the worker instead, which pauses
# every send for retry_after (a resend from inside the session is unpaced).
PACED_CALL: ContextVar[bool] = ContextVar("PACED_CALL", default=False)


@contextlib.contextmanager
def _paced() -> Iterator[None]:
    """The Bot API calls made inside are the broadcast worker's (see PACED_CALL)."""
    token = PACED_CALL.set(True)
    try:
        yield
    finally:
        PACED_CALL.reset(token)


def translate_error(exc: Exception) -> Exception:
    """The broadcast outcome for an error the Bot API call raised."""
    if isinstance(exc, TelegramRetryAfter):
        return RetryAfter(exc.retry_after)
    if isinstance(exc, TelegramMigrateToChat):
        return ChatMigrated(exc.migrate_to_chat_id)
    if isinstance(exc, TelegramForbiddenError):
        return Blocked(exc.message)
    if isinstance(exc, TelegramBadRequest):
        if "chat not found" in exc.message.lower():
            return ChatNotFound(exc.message)
        return Rejected(exc.message)
    if isinstance(exc, TelegramServerError | TelegramNetworkError | TimeoutError):
        return Transient(type(exc).__name__)
    if isinstance(exc, TelegramAPIError):
        return Transient(f"{type(exc).__name__}: {exc.message}")
    return exc


class TelegramDelivery:
    def __init__(self, bot: Bot, l10n: L10n, catalogs: CatalogHolder, news_items: NewsRepository) -> None:
        self._bot = bot
        self._l10n = l10n
        self._catalogs = catalogs
        self._news_items = news_items
        # The few news items being delivered, read once each rather than once per follower.
        self._cache: LRUCache[int, NewsItem] = LRUCache(_CACHED_NEWS)

    async def _news_item(self, news_id: int) -> NewsItem | None:
        cached = self._cache.get(news_id)
        if cached is None:
            cached = await self._news_items.get(news_id)
            if cached is None:
                return None
            self._cache[news_id] = cached
        return cached

    async def send(self, row: Delivery) -> None:
        item = await self._news_item(row.news_id)
        if item is None:
            raise Rejected("the news item no longer exists")
        t = self._l10n.translator(row.locale)
        case = self._catalogs.current.get(item.slug)
        text = views.news_message(case, item.slug, item, t)
        try:
            with _paced():
                await self._bot.send_message(
                    row.chat_id, text, reply_markup=keyboards.delivered_news(item.slug, t)
                )
        except (TelegramAPIError, TimeoutError) as exc:
            raise translate_error(exc) from exc

    async def report(self, progress: Progress) -> None:
        item = await self._news_item(progress.news_id)
        if item is None or item.progress_chat_id is None or item.progress_message_id is None:
            return
        t = self._l10n.translator(item.author_locale)
        counts = progress.counts
        if progress.final:
            text = t("admin-progress-done", sent=counts.sent, total=counts.total, failed=counts.failed)
            if counts.failed:
                blocked = progress.failures.get("blocked", 0)
                not_found = progress.failures.get("chat not found", 0)
                other = counts.failed - blocked - not_found
                text += "\n" + t("admin-progress-failures", blocked=blocked, notfound=not_found, other=other)
        else:
            text = t("admin-progress", sent=counts.sent, total=counts.total, failed=counts.failed)
        try:
            with _paced():  # the worker pauses on its 429 and reports again after
                await self._bot.edit_message_text(
                    text=text, chat_id=item.progress_chat_id, message_id=item.progress_message_id
                )
        except TelegramRetryAfter as exc:
            raise RetryAfter(exc.retry_after) from exc
        except TelegramBadRequest as exc:
            if "not modified" not in exc.message:
                log.warning("delivery.progress_not_edited", news=item.id, error=exc.message)
