"""The broadcast worker: delivers published news from the outbox to followers.

No aiogram here. The worker is handed a ``send`` callable that delivers one
outbox row and raises one of the :class:`SendError` kinds below when Telegram
refuses; ``bot/ui/delivery.py`` is the adapter that speaks to the Bot API.

Rules it keeps:

- sends start at ``rate`` a second, and no second holds more than Telegram's
  limit of them as Telegram counts (on arrival, whatever the delays on the
  way: see :class:`Pacer`); one per second per chat;
- a 429 pauses **all** sends for ``retry_after``, and the row is retried
  without spending an attempt;
- 403 marks the chat's follows inactive, no retry; 400 "chat not found" fails
  the row; other 400s fail it with Telegram's reason;
- network errors and 5xx retry with exponential backoff, up to ``max_attempts``;
- a chat migrated to a supergroup is moved to its new id and retried once;
- a row is claimed (``sending``) before the request and settled after it. On
  start, rows a stopped process left ``sending`` are pending again: nobody is
  missed, and only those in flight at the stop (at most ``max_in_flight``) can
  be sent twice. A ``sent`` row is never sent again.

Time comes from an injected :class:`Clock`, so tests check pacing and pauses
on a virtual clock instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

import structlog

from bot.domain.follow import FollowService
from bot.domain.records import Delivery, DeliveryCounts
from bot.storage.repositories import NewsRepository, OutboxRepository

log = structlog.get_logger("casebot.broadcast")


class SendError(Exception):
    """Why one delivery did not go through; raised by the ``send`` callable."""


class RetryAfter(SendError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Blocked(SendError):
    """403: the user blocked the bot, or the account is gone."""


class ChatNotFound(SendError):
    """400: chat not found."""


class Rejected(SendError):
    """Any other 400: the request itself is wrong; retrying will not help."""


class Transient(SendError):
    """Network trouble or a 5xx: worth retrying later."""


class ChatMigrated(SendError):
    def __init__(self, new_chat_id: int) -> None:
        super().__init__("chat migrated")
        self.new_chat_id = new_chat_id


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch (stored in the outbox for backoff, so wall time)."""

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        """Return when ``event`` is set or ``timeout`` seconds have passed."""


class SystemClock:
    def now(self) -> float:
        return time.time()

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(timeout, 0))


@dataclass(frozen=True, slots=True)
class Progress:
    news_id: int
    counts: DeliveryCounts
    final: bool
    failures: dict[str, int] = field(default_factory=dict)  # reason -> rows, in the final report


Send = Callable[[Delivery], Awaitable[None]]
Report = Callable[[Progress], Awaitable[None]]


# Telegram's overall limit for one bot: about 30 messages a second (its Bot API FAQ).
TELEGRAM_SENDS_PER_SECOND = 30.0


class Pacer:
    """When the next send may start: a global interval, a per-chat interval, a pause, and
    Telegram's own limit counted the way Telegram counts.

    The interval spaces the starts at ``rate``. But Telegram counts a send when its
    request *arrives*, anywhere between our start and its response; sends held up on
    the way (a busy server, a slow moment on the link) arrive together, in the same
    second as the sends started after them. At 25/s a hold-up of 0.2 s puts 5 extra
    sends into the next second: 31 against Telegram's 30, a 429 (bench/: one in 60 s
    while a second bot loaded the server). So a send also counts against ``limit``
    from its start until one second after its response, the latest moment Telegram
    can have counted it: whatever the delays, no second as Telegram sees it holds
    more than ``limit`` of our sends. At a steady pace this never binds (a second's
    responses plus the few in flight make about ``rate``); after a hold-up it makes
    the worker wait instead of bunching. Per chat likewise: the next send
    to a chat waits for the response to the last one, then ``per_chat_interval``.
    """

    def __init__(
        self, rate: float, per_chat_interval: float, limit: float = TELEGRAM_SENDS_PER_SECOND
    ) -> None:
        self.interval = 1.0 / rate
        self.per_chat_interval = per_chat_interval
        # A rate above Telegram's limit exists only in benchmarks, against a server
        # that allows it; there the rate itself is the ceiling.
        self.limit = max(1, math.floor(max(limit, rate)))
        self.next_slot = -math.inf
        self.paused_until = -math.inf
        self.in_flight = 0
        self._answered: deque[float] = deque()  # responses less than a second old, oldest first
        self._chat_last: dict[int, float] = {}  # chat -> its last response; inf while a send is on its way

    def global_wait(self, now: float) -> float:
        """Seconds until the next send may start; ``math.inf``: only a response frees a place."""
        answered = self._answered
        while answered and now - answered[0] >= 1.0:
            answered.popleft()
        wait = max(self.next_slot, self.paused_until) - now
        excess = self.in_flight + len(answered) + 1 - self.limit
        if excess > 0:
            if excess > len(answered):
                return math.inf
            wait = max(wait, answered[excess - 1] + 1.0 - now)
        return wait

    def chat_wait(self, chat_id: int, now: float) -> float:
        last = self._chat_last.get(chat_id)
        if last is None:
            return -1.0
        if last == math.inf:  # still on its way: look again once it may have been answered
            return self.per_chat_interval
        return last + self.per_chat_interval - now

    def take(self, chat_id: int, now: float) -> None:
        # From the slot, not from when the loop woke: an event loop wakes a little
        # late every time (~1 ms here), and pacing from `now` lost that delay at
        # every send — 24.4/s for a configured 25 (bench/). A send an interval or
        # more behind (after idling or a pause) starts afresh, so no burst makes up
        # for lost time: any second holds at most rate + 1 starts.
        late = now - self.next_slot
        self.next_slot = (self.next_slot if late < self.interval else now) + self.interval
        if len(self._chat_last) > 50_000:  # keep memory bounded: old entries no longer limit anything
            self._chat_last = {c: t for c, t in self._chat_last.items() if now - t < self.per_chat_interval}
        self.in_flight += 1
        self._chat_last[chat_id] = math.inf

    def answered(self, chat_id: int, now: float) -> None:
        """The send :meth:`take` started has its response (or failed): Telegram has counted it by now."""
        self.in_flight -= 1
        self._answered.append(now)
        self._chat_last[chat_id] = now

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)


@dataclass(frozen=True, slots=True)
class _Step:
    wait: float  # seconds until something may be due (0: go on at once)
    idle: bool = False  # nothing pending in scope and nothing in flight


class BroadcastWorker:
    def __init__(
        self,
        outbox: OutboxRepository,
        news_items: NewsRepository,
        send: Send,
        report: Report | None = None,
        *,
        follows: FollowService,
        rate: float = 25.0,
        clock: Clock | None = None,
        per_chat_interval: float = 1.0,
        max_attempts: int = 5,
        backoff_base: float = 2.0,
        backoff_cap: float = 300.0,
        max_in_flight: int = 8,
        progress_interval: float = 5.0,
        batch_size: int = 100,
        chats: frozenset[int] | None = None,
        idle_poll: float | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._outbox = outbox
        self._follows = follows  # a refusal (blocked, moved) changes the chat's follows too
        self._news_items = news_items
        self._send = send
        self._report = report
        self._clock: Clock = clock or SystemClock()
        self._pacer = Pacer(rate, per_chat_interval)
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._max_in_flight = max(1, max_in_flight)
        self._progress_interval = progress_interval
        self._batch_size = batch_size
        # Only these chats (the console delivers to its own user, leaving the rest pending).
        self._chats = chats
        # Several workers: news published on another worker cannot wake() this one.
        self._idle_poll = idle_poll
        self._queue: deque[Delivery] = deque()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._open: dict[int, float] = {}  # update id -> when its progress was last reported
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self.sent_count = 0

    # --- life cycle ------------------------------------------------------------

    async def resume(self) -> int:
        """Put rows left mid-send back to pending and pick up unfinished broadcasts."""
        resumed = await self._outbox.resume()
        await self._load_open()
        if resumed:
            log.info("broadcast.resumed", rows=resumed)
        return resumed

    async def start(self) -> None:
        await self.resume()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="broadcast")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        """Something was published: look at the outbox now."""
        self._queue.clear()
        self._wake.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Finish the sends in flight (up to ``grace`` seconds) and stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._in_flight:
            _, late = await asyncio.wait(self._in_flight, timeout=grace)
            for task in late:  # left 'sending': the next start resumes them
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        try:  # a broadcast that finished just now still gets its final report
            await self._report_due(self._clock.now(), finished_only=True)
        except Exception:
            log.exception("broadcast.final_report_failed")

    async def run_until_idle(self) -> None:
        """Deliver until nothing in scope is pending or in flight, then report finished broadcasts."""
        await self._load_open()
        while True:
            step = await self._step()
            if step.idle:
                break
            if step.wait > 0:
                await self._pause(step.wait)
        await self._report_due(self._clock.now(), finished_only=True)

    async def _run(self) -> None:
        while not self._stopping:
            try:
                step = await self._step()
            except Exception:
                log.exception("broadcast.step_failed")
                step = _Step(wait=5.0)
            if self._stopping:
                break
            if step.wait > 0:
                await self._pause(step.wait if not step.idle else self._idle_wait())

    def _idle_wait(self) -> float:
        wait = self._progress_interval if self._open else 3600.0
        return min(wait, self._idle_poll) if self._idle_poll is not None else wait

    async def _pause(self, seconds: float) -> None:
        await self._clock.wait(self._wake, seconds)
        if self._wake.is_set():
            self._wake.clear()
            if not self._stopping:
                await self._load_open()

    async def _load_open(self) -> None:
        now = self._clock.now()
        for news_id in await self._news_items.open_ids():
            self._open.setdefault(news_id, now)

    # --- one step --------------------------------------------------------------

    async def _step(self) -> _Step:
        now = self._clock.now()
        await self._report_due(now)
        wait = self._pacer.global_wait(now)
        if wait == math.inf:  # Telegram's second is full of sends still on their way
            if self._in_flight:
                await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
                return _Step(0)
            return _Step(1.0)
        if wait > 0:
            return _Step(wait)
        if len(self._in_flight) >= self._max_in_flight:
            await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
            return _Step(0)
        if not self._queue:
            self._queue.extend(await self._outbox.ready(now, self._batch_size, self._chats))
        chat_limited: list[float] = []
        while self._queue:
            row = self._queue.popleft()
            chat_wait = self._pacer.chat_wait(row.chat_id, now)
            if chat_wait > 0:
                # Passed over for now; read again from the outbox on a later step.
                chat_limited.append(chat_wait)
                continue
            if not await self._outbox.claim(row.id):
                continue  # unfollowed or forgotten since it was read
            self._pacer.take(row.chat_id, now)
            if self._max_in_flight == 1:
                await self._deliver(row)
            else:
                task = asyncio.create_task(self._deliver(row))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
            return _Step(0)
        if chat_limited:
            return _Step(min(chat_limited))
        if self._in_flight:
            await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
            return _Step(0)
        due = await self._outbox.next_due(self._chats)
        if due is None:
            await self._report_due(now, finished_only=True)  # the final report need not wait
            return _Step(math.inf, idle=True)
        return _Step(max(due - now, 0.001))

    async def _deliver(self, row: Delivery) -> None:
        attempt = row.attempts + 1
        outcome = "sent"
        try:
            try:
                await self._send(row)
            finally:  # answered or not, Telegram has seen it (or never will) by now
                self._pacer.answered(row.chat_id, self._clock.now())
        except RetryAfter as exc:
            # Telegram's flood control is per bot: every send waits, not just this one.
            self._pacer.pause(self._clock.now() + exc.seconds)
            outcome = "retry_after"
            await self._outbox.retry_later(row.id, 0.0, "retry after", count=False)
        except Blocked:
            outcome = "blocked"
            await self._follows.blocked(row.id, row.chat_id, self._utc())
        except ChatNotFound:
            outcome = "chat_not_found"
            await self._outbox.failed(row.id, "chat not found", self._utc())
        except Rejected as exc:
            outcome = "rejected"
            await self._outbox.failed(row.id, f"rejected: {str(exc)[:120]}", self._utc())
        except ChatMigrated as exc:
            outcome = "migrated"
            if row.migrated:
                await self._outbox.failed(row.id, "migrated twice", self._utc())
            else:
                await self._follows.migrated(row.id, row.chat_id, exc.new_chat_id)
        except Exception as exc:  # Transient, or anything unforeseen: retry, within limits
            outcome = "transient"
            reason = str(exc)[:120] if isinstance(exc, Transient) else type(exc).__name__
            if not isinstance(exc, Transient):
                log.exception("broadcast.send_crashed", delivery=row.id)
            if attempt >= self._max_attempts:
                await self._outbox.failed(row.id, f"gave up: {reason}", self._utc())
            else:
                delay = min(self._backoff_cap, self._backoff_base ** (attempt - 1))
                await self._outbox.retry_later(row.id, self._clock.now() + delay, reason, count=True)
        else:
            self.sent_count += 1
            await self._outbox.sent(row.id, self._utc())
        if outcome != "sent":
            log.info("broadcast.not_sent", delivery=row.id, news=row.news_id, outcome=outcome)

    # --- progress --------------------------------------------------------------

    async def _report_due(self, now: float, *, finished_only: bool = False) -> None:
        for news_id, last in list(self._open.items()):
            if not finished_only and now - last < self._progress_interval:
                continue
            counts = await self._outbox.counts(news_id)
            final = counts.open == 0
            if finished_only and not final:
                continue
            if finished_only and now - last < self._pacer.per_chat_interval:
                # The admin's chat too gets at most one message a second.
                await self._clock.wait(asyncio.Event(), self._pacer.per_chat_interval - (now - last))
                now = self._clock.now()
            self._open[news_id] = now
            failures = await self._outbox.failure_reasons(news_id) if final else {}
            if self._report is not None:
                try:
                    await self._report(Progress(news_id, counts, final, failures))
                except RetryAfter as exc:
                    self._pacer.pause(self._clock.now() + exc.seconds)
                    continue  # report again after the pause
                except Exception:
                    log.exception("broadcast.report_failed", news=news_id)
            if final:
                await self._news_items.complete(news_id, self._utc())
                del self._open[news_id]
                log.info("broadcast.done", news=news_id, sent=counts.sent, failed=counts.failed)

    def _utc(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._clock.now(), dt.UTC)
