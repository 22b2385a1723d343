"""Feeding one update to the Dispatcher, and whether it may now be acknowledged.

Used by both transports (``bot.transport.polling``, ``bot.transport.web``). An update is
acknowledged when the Dispatcher is done with it: handled, a duplicate, or a
handler error already answered by the error handler — a write the database
refused included, whose user was told that nothing was recorded. It is not
acknowledged when something escaped even the error handler, so Telegram
delivers it again; after a few attempts it is given up, so that one poison
update cannot hold back every update behind it.
"""

from __future__ import annotations

import traceback

import structlog
from aiogram import Bot, Dispatcher
from aiogram.types import Update

log = structlog.get_logger("casebot.intake")

MAX_ATTEMPTS = 5


class Intake:
    def __init__(self, dp: Dispatcher, bot: Bot, max_attempts: int = MAX_ATTEMPTS) -> None:
        self._dp = dp
        self._bot = bot
        self._max_attempts = max_attempts
        self._failures: dict[int, int] = {}

    async def handle(self, update: Update) -> bool:
        """True when the update may be acknowledged."""
        try:
            await self._dp.feed_update(self._bot, update)
        except Exception as exc:
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
