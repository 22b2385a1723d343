"""Long polling that confirms an update only after its effects are committed.

aiogram's own polling moves the offset past an update as soon as it hands the
update to a handler task, so a crash loses whatever was in flight. Here a batch
from ``getUpdates`` is handled concurrently, and the next ``getUpdates`` — the
call that confirms, through its ``offset`` — goes out only when the whole batch
is done, with the offset past the longest run of acknowledged updates. A crash
mid-batch means the batch comes again; the processed-updates marks make the
finished part of it a no-op.

On stop: no new ``getUpdates``; the batch in hand gets ``shutdown_timeout`` to
finish; what is still running then is cancelled (its transaction rolls back)
and, not being confirmed, is delivered again after the restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import structlog
from aiogram import Bot
from aiogram.methods import GetUpdates
from aiogram.types import Update

from bot.transport.intake import Intake

log = structlog.get_logger("casebot.polling")

T = TypeVar("T")

POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates open
BATCH_LIMIT = 100
MAX_BACKOFF = 60.0


class _Stopped(Exception):
    pass


class Poller:
    def __init__(
        self,
        bot: Bot,
        intake: Intake,
        *,
        allowed_updates: Sequence[str],
        shutdown_timeout: float,
        poll_timeout: int = POLL_TIMEOUT,
        limit: int = BATCH_LIMIT,
        retry_delay: float = 1.0,
    ) -> None:
        self._bot = bot
        self._intake = intake
        self._allowed = list(allowed_updates)
        self._shutdown_timeout = shutdown_timeout
        self._poll_timeout = poll_timeout
        self._limit = limit
        self._retry_delay = retry_delay
        self.offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        delay = 0.0
        while not stop.is_set():
            if delay and await _wait(stop, delay):
                break
            try:
                updates = await _unless_stopped(self._fetch(self.offset), stop)
            except _Stopped:
                break
            except Exception as exc:  # network, 5xx, 409 conflict: back off and try again
                delay = min(MAX_BACKOFF, max(self._retry_delay, delay * 2))
                log.warning("polling.fetch_failed", error=type(exc).__name__, retry_in=delay)
                continue
            delay = 0.0
            if not updates:
                continue
            handled, complete = await self._handle_batch(updates, stop)
            if handled is not None:
                self.offset = handled + 1
            log.debug("polling.batch", updates=len(updates), offset=self.offset, complete=complete)
            if not complete and not stop.is_set():
                delay = self._retry_delay  # something is not acknowledged: it comes back with the next fetch
        await self._confirm()

    async def _fetch(self, offset: int | None) -> list[Update]:
        method = GetUpdates(
            offset=offset, limit=self._limit, timeout=self._poll_timeout, allowed_updates=self._allowed
        )
        return await self._bot(method, request_timeout=self._poll_timeout + 15)

    async def _handle_batch(self, updates: list[Update], stop: asyncio.Event) -> tuple[int | None, bool]:
        """The highest update id up to which everything is acknowledged, and whether all is."""
        tasks = {u.update_id: asyncio.create_task(self._intake.handle(u)) for u in updates}
        everything = asyncio.ensure_future(asyncio.wait(tasks.values()))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({everything, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if not everything.done():
                running = [t for t in tasks.values() if not t.done()]
                log.info("polling.draining", in_flight=len(running), timeout=self._shutdown_timeout)
                _, late = await asyncio.wait(running, timeout=self._shutdown_timeout)
                for task in late:
                    task.cancel()
                if late:
                    await asyncio.wait(late)
                    log.warning("polling.abandoned_at_shutdown", updates=len(late))
        finally:
            stopper.cancel()
            everything.cancel()
        acknowledged: int | None = None
        for update_id in sorted(tasks):
            task = tasks[update_id]
            if task.cancelled() or task.exception() is not None or not task.result():
                return acknowledged, False
            acknowledged = update_id
        return acknowledged, True

    async def _confirm(self) -> None:
        """Tell Telegram where we stopped, so a restart does not fetch the last batch again."""
        if self.offset is None:
            return
        try:
            await asyncio.wait_for(self._bot(GetUpdates(offset=self.offset, limit=1, timeout=0)), 5)
        except Exception as exc:  # the marks make a re-delivered batch harmless anyway
            log.info("polling.final_confirm_failed", error=type(exc).__name__)


async def _unless_stopped(work: Coroutine[Any, Any, T], stop: asyncio.Event) -> T:
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        raise _Stopped
    return task.result()


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds`` unless stopped first; True when stopped."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True
