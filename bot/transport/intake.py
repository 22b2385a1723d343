"""Feeding one update to the Dispatcher, and whether it may now be acknowledged.

Used by both transports (``bot.transport.polling``, ``bot.transport.web``). An update is
acknowledged when the Dispatcher is done with it: handled, a duplicate, or a
handler error already answered by the error handler — a write the database
refused included, whose user was told that nothing was recorded. It is not
acknowledged when something escaped even the error handler, so Telegram
delivers it again; after a few attempts it is given up, so that one poison
update cannot hold back every update behind it.

:meth:`Intake.handle_within` bounds an update's time: past the limit its
handling is cancelled, so its unit of work rolls back unless it had already
committed (a reply leaves only after the commit), and the reader is told which
of the two happened. It is then acknowledged: the reader knows, and a copy
handled again later would act behind their back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import traceback
from collections.abc import Callable
from typing import Protocol

import structlog
from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot.pipeline.middlewares import KEEP_PROCESSED
from bot.pipeline.webhook_answer import withdraw_answer
from bot.storage.repositories import ProcessedUpdateRepository
from bot.ui.i18n import L10n, resolve_locale

log = structlog.get_logger("casebot.intake")


class Cancellable(Protocol):
    def cancel(self) -> None: ...


# (seconds, callback) -> a handle whose cancel() disarms it: the loop's call_later, or a test's clock.
Schedule = Callable[[float, Callable[[], None]], Cancellable]

MAX_ATTEMPTS = 5
# Telling a reader their update was stopped must not hang on the same stuck chat.
NOTICE_TIMEOUT = 10


class Intake:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        max_attempts: int = MAX_ATTEMPTS,
        *,
        schedule: Schedule | None = None,
    ) -> None:
        self._dp = dp
        self._bot = bot
        self._max_attempts = max_attempts
        self._failures: dict[int, int] = {}
        self._schedule = schedule  # the clock of the time limit (a fake one in the tests)

    async def handle(self, update: Update) -> bool:
        """True when the update may be acknowledged."""
        try:
            await self._dp.feed_update(self._bot, update)
        except Exception as exc:
            withdraw_answer()  # escaped even the error handler: an answer would claim what failed
            failures = self._failures[update.update_id] = self._failures.get(update.update_id, 0) + 1
            given_up = failures >= self._max_attempts
            log.error(
                "update.not_acknowledged" if not given_up else "update.given_up",
                update_id=update.update_id,
                attempt=failures,
                error=type(exc).__name__,
                traceback="".join(traceback.format_tb(exc.__traceback__)),
            )
            if given_up:
                del self._failures[update.update_id]
            return given_up
        self._failures.pop(update.update_id, None)
        return True

    async def handle_within(self, update: Update, limit: float) -> bool:
        """:meth:`handle`, stopped after ``limit`` seconds; True when it may be acknowledged.

        Run as a task of its own (the poller's per update). The limit cancels that task
        from a timer rather than racing the work against a timer task: no second and
        third task per update.
        """
        task = asyncio.current_task()
        assert task is not None
        expired = False

        def expire() -> None:
            nonlocal expired
            expired = True
            task.cancel()  # the handler's unit of work rolls back as the cancellation passes through it

        schedule = self._schedule or asyncio.get_running_loop().call_later
        timer = schedule(limit, expire)
        try:
            return await self.handle(update)
        except asyncio.CancelledError:
            if not expired:
                raise  # shutdown, not the limit: not acknowledged, delivered again after the restart
            task.uncancel()
        finally:
            timer.cancel()
        saved = await self._committed(update)
        log.warning("update.too_slow", update_id=update.update_id, limit=limit, saved=saved)
        await self._tell(update, "slow-saved" if saved else "slow-stopped")
        return True

    async def _committed(self, update: Update) -> bool:
        """Whether the stopped update had committed its unit of work (its mark is stored)."""
        db = self._dp.get("db")
        if db is None:
            return False
        since = dt.datetime.now(dt.UTC) - KEEP_PROCESSED
        try:
            return await ProcessedUpdateRepository(db).seen(self._bot.id, update.update_id, since)
        except Exception as exc:  # then say nothing was changed only if we know it
            log.warning("update.too_slow_unknown", error=type(exc).__name__)
            return True

    async def _tell(self, update: Update, message_id: str) -> None:
        l10n: L10n | None = self._dp.get("l10n")
        settings = self._dp.get("settings")
        try:
            user = getattr(update.event, "from_user", None)
        except Exception:  # an update type aiogram does not know
            user = None
        if l10n is None or settings is None or user is None:
            return
        users = self._dp.get("users")
        try:
            stored = await users.get_locale(user.id) if users is not None else None
        except Exception:
            stored = None
        t = l10n.translator(resolve_locale(stored, user.language_code, settings.default_locale))
        query = update.callback_query
        message = query.message if query is not None else update.message
        try:
            if query is not None:
                await self._bot.answer_callback_query(query.id, request_timeout=NOTICE_TIMEOUT)
            if message is not None and message.chat.type == "private":
                await self._bot.send_message(message.chat.id, t(message_id), request_timeout=NOTICE_TIMEOUT)
        except Exception as exc:  # the chat that was stuck may still be
            log.info("update.too_slow_not_told", update_id=update.update_id, error=type(exc).__name__)
