"""Long polling that confirms an update only after its effects are committed.

aiogram's own polling moves the offset past an update as soon as it hands the
update to a handler task, so a crash loses whatever was in flight. Here every
fetched update is handled in a task of its own, and ``getUpdates`` — whose
``offset`` confirms everything below it — never goes past an update that has
not finished: the offset is the oldest update still running (or to be taken
again), else one past the newest finished. A crash means those come again; the
processed-updates marks make any finished part of them a no-op.

Fetching does not wait for slow updates. While one runs, the next
``getUpdates`` (from that oldest unfinished update, so Telegram returns it
again) brings what arrived since; updates already running or finished are
skipped. Telegram answers such a fetch at once, so while anything runs the
poller asks again once a quarter of what runs has finished (at least one), or
``busy_interval`` has passed. Not after every finish: each such fetch brings
back every running update, so with 100 in flight, fetching per finish cost more
CPU than a bare echo bot spends on a whole update. For the same reason the
updates come back as plain JSON and only the new ones become aiogram objects.

Each update has ``update_timeout`` (:meth:`Intake.handle_within`): past it, it is
stopped, its unit of work rolls back unless already committed, the reader is
told, and it is acknowledged. One stuck chat thus delays nobody else, and
itself for a bounded time.

On stop: no new ``getUpdates``; what is running gets ``shutdown_timeout`` to
finish; what is still running then is cancelled (its transaction rolls back)
and, not being confirmed, is delivered again after the restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any, ClassVar, TypeVar

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
# As the webhook's HANDLE_TIMEOUT: well past any handler that works, short of a reader giving up.
UPDATE_TIMEOUT = 45.0
# How often to look for new updates while some are running (Telegram answers those fetches at once).
BUSY_INTERVAL = 0.1


class _Stopped(Exception):
    pass


class _RawUpdates(GetUpdates):
    """``getUpdates`` with its result left as JSON: most of a busy fetch is updates already running."""

    __returning__: ClassVar[Any] = list[dict[str, Any]]


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
        update_timeout: float = UPDATE_TIMEOUT,
        busy_interval: float = BUSY_INTERVAL,
    ) -> None:
        self._bot = bot
        self._intake = intake
        self._allowed = list(allowed_updates)
        self._shutdown_timeout = shutdown_timeout
        self._poll_timeout = poll_timeout
        self._limit = limit
        self._retry_delay = retry_delay
        self._update_timeout = update_timeout
        self._busy_interval = busy_interval
        self.offset: int | None = None  # the last offset confirmed (sent, or to be sent)
        self._running: dict[int, asyncio.Task[bool]] = {}
        self._finished: set[int] = set()  # acknowledged, above an unfinished one: skipped when fetched again
        self._retry: set[int] = set()  # not acknowledged: taken again when fetched again
        self._newest = 0  # the highest update id ever taken
        self._settled = 0  # updates finished so far, acknowledged or not
        self._enough: asyncio.Future[None] | None = None  # woken when _settled reaches _wanted
        self._wanted = 0

    async def run(self, stop: asyncio.Event) -> None:
        delay = 0.0
        # One waiter on ``stop`` for the whole run, raced against every fetch and every wait for
        # updates to finish: a waiter per fetch and per wait was two tasks made and cancelled
        # per fetch, and one tap at a time is one fetch per update.
        stopped = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                if delay and await _wait(stop, delay):
                    break
                try:
                    # While updates run, Telegram returns them again at once: no long poll.
                    timeout = 0 if self._running else self._poll_timeout
                    updates = await _unless_stopped(self._fetch(self._confirmable(), timeout), stopped)
                except _Stopped:
                    break
                except Exception as exc:  # network, 5xx, 409 conflict: back off and try again
                    delay = min(MAX_BACKOFF, max(self._retry_delay, delay * 2))
                    log.warning("polling.fetch_failed", error=type(exc).__name__, retry_in=delay)
                    continue
                delay = 0.0
                fresh = 0
                for raw in updates:
                    if raw["update_id"] not in self._running and raw["update_id"] not in self._finished:
                        self._start(Update.model_validate(raw, context={"bot": self._bot}))
                        fresh += 1
                log.debug("polling.fetched", updates=len(updates), fresh=fresh, offset=self.offset)
                if self._running:
                    await self._until_some_finish(stopped)
                elif self._retry:
                    delay = self._retry_delay  # something failed: it comes back with the next fetch
        finally:
            stopped.cancel()
            await self._drain()
        await self._confirm()

    def _start(self, update: Update) -> None:
        update_id = update.update_id
        self._retry.discard(update_id)
        self._newest = max(self._newest, update_id)
        task = asyncio.create_task(self._intake.handle_within(update, self._update_timeout))
        self._running[update_id] = task
        task.add_done_callback(lambda done: self._settle(update_id, done))

    def _settle(self, update_id: int, task: asyncio.Task[bool]) -> None:
        self._running.pop(update_id, None)
        acknowledged = not task.cancelled() and task.exception() is None and task.result()
        (self._finished if acknowledged else self._retry).add(update_id)
        self._settled += 1
        if self._enough is not None and self._settled >= self._wanted and not self._enough.done():
            self._enough.set_result(None)

    def _confirmable(self) -> int | None:
        """The offset that confirms every finished update and no unfinished one."""
        unfinished = self._running.keys() | self._retry
        if unfinished:
            offset = min(unfinished)
        elif self._newest:
            offset = self._newest + 1
        else:
            return self.offset
        self._finished = {u for u in self._finished if u >= offset}
        if self.offset is None or offset > self.offset:
            self.offset = offset
        return self.offset

    async def _until_some_finish(self, stopped: asyncio.Future[Any]) -> None:
        """Until a quarter of the running updates (at least one) finish, ``busy_interval``, or stop."""
        self._wanted = self._settled + max(1, len(self._running) // 4)
        self._enough = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait(
                {stopped, self._enough}, timeout=self._busy_interval, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            self._enough.cancel()
            self._enough = None

    async def _fetch(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        method = _RawUpdates(offset=offset, limit=self._limit, timeout=timeout, allowed_updates=self._allowed)
        return await self._bot(method, request_timeout=timeout + 15)

    async def _drain(self) -> None:
        running = list(self._running.values())
        if not running:
            return
        log.info("polling.draining", in_flight=len(running), timeout=self._shutdown_timeout)
        _, late = await asyncio.wait(running, timeout=self._shutdown_timeout)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)
            log.warning("polling.abandoned_at_shutdown", updates=len(late))

    async def _confirm(self) -> None:
        """Tell Telegram where we stopped, so a restart does not fetch the finished updates again."""
        offset = self._confirmable()
        if offset is None:
            return
        try:
            await asyncio.wait_for(self._bot(GetUpdates(offset=offset, limit=1, timeout=0)), 5)
        except Exception as exc:  # the marks make a re-delivered update harmless anyway
            log.info("polling.final_confirm_failed", error=type(exc).__name__)


async def _unless_stopped(work: Coroutine[Any, Any, T], stopped: asyncio.Future[Any]) -> T:
    task = asyncio.ensure_future(work)
    await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
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
