"""Update-level middlewares: the reader's locale, one log event per update,
the catalogue in force,
idempotency, flood control and input bounds; and the Bot API session
middlewares that commit an update's writes before its reply leaves.

Order on ``dp.update`` (outermost first, after aiogram's own errors, user
context and FSM middlewares): update log → idempotency →
catalogue → locale → flood control → input bounds → handlers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, AnswerInlineQuery, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import TelegramObject, Update, User

from bot.cases.catalog import CatalogHolder
from bot.pipeline.flood import FloodGate
from bot.pipeline.metrics import Metrics
from bot.storage.db import Database
from bot.storage.repositories import ProcessedUpdateRepository, UserSettingsRepository
from bot.text import MESSAGE_LIMIT
from bot.ui.delivery import PACED_CALL
from bot.ui.i18n import L10n, Translator, resolve_locale

log = structlog.get_logger("casebot.updates")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
# Answers a re-delivered update from the note kept with its mark (bot/handlers/replay.py).
Replay = Callable[[str, Update, Bot], Awaitable[None]]


@dataclass(slots=True)
class UpdateTrace:
    """Filled in while an update is handled; logged once when it is done."""

    handler: str = "-"
    # Set by a middleware that answered the update itself: duplicate, throttled, too_large.
    outcome: str | None = None


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
    """One structured event per update: id, kind, handler, locale, milliseconds, outcome.

    Deliberately nothing from the update's content: no names, no text. The same
    figures feed the Prometheus counters and latency histogram.
    """

    def __init__(self, metrics: Metrics | None = None) -> None:
        self._metrics = metrics

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        trace = UpdateTrace()
        data["trace"] = trace
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = trace.outcome or ("unhandled" if trace.handler == "-" else "ok")
            return result
        finally:
            seconds = time.perf_counter() - started
            kind = update_kind(event)
            log.info(
                "update",
                update_id=event.update_id,
                kind=kind,
                handler=trace.handler,
                locale=data.get("locale", "-"),
                ms=round(seconds * 1000, 2),
                outcome=outcome,
            )
            if self._metrics is not None:
                self._metrics.observe_update(kind, outcome, seconds)


def update_kind(update: Update) -> str:
    try:
        return update.event_type
    except Exception:  # an update kind newer than this aiogram
        return "unknown"


class HandlerTraceMiddleware(BaseMiddleware):
    """Inner middleware: records which handler took the event, for the update log."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        trace: UpdateTrace | None = data.get("trace")
        handler_object = data.get("handler")
        if trace is not None and handler_object is not None:
            callback = handler_object.callback
            trace.handler = f"{callback.__module__.rsplit('.', 1)[-1]}.{callback.__name__}"
        return await handler(event, data)


# Telegram re-delivers for 24 hours at most; three days leaves room for a long outage.
KEEP_PROCESSED = dt.timedelta(days=3)
PRUNE_EVERY = dt.timedelta(hours=1)


class MarkPruner:
    """Processed marks older than ``keep`` are deleted at most once an hour, by whichever update
    comes along: one worker or many, the same rule."""

    def __init__(self, processed: ProcessedUpdateRepository, keep: dt.timedelta = KEEP_PROCESSED) -> None:
        self._processed = processed
        self._keep = keep
        self._pruned_at: dt.datetime | None = None

    async def __call__(self, now: dt.datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        removed = await self._processed.prune(now - self._keep)
        if removed:
            log.info("processed_updates.pruned", rows=removed)


# Updates remembered as answered in full (a copy arrives seconds to minutes later).
ANSWERED_KEPT = 10_000


class AnsweredUpdates:
    """The last ``kept`` updates answered in full: a first-in, first-out set of (bot id, update id).

    Update ids as plain ints in a dict per bot, their order in a deque: ~0.8 MB at
    10,000, where cachetools' FIFOCache of tuples took 2.5 MB (a tuple per key, and
    a size and an order entry beside it) — and every busy process holds it full.
    """

    __slots__ = ("_ids", "_kept", "_order")

    def __init__(self, kept: int = ANSWERED_KEPT) -> None:
        self._kept = kept
        self._ids: dict[int, dict[int, None]] = {}
        self._order: deque[int] = deque()  # bot id, update id, bot id, update id, …

    def __contains__(self, key: tuple[int, int]) -> bool:
        ids = self._ids.get(key[0])
        return ids is not None and key[1] in ids

    def __len__(self) -> int:
        return len(self._order) // 2

    def add(self, key: tuple[int, int]) -> None:
        bot_id, update_id = key
        ids = self._ids.setdefault(bot_id, {})
        if update_id in ids:
            return
        ids[update_id] = None
        self._order.extend(key)
        if len(self._order) > 2 * self._kept:
            oldest_bot, oldest = self._order.popleft(), self._order.popleft()
            del self._ids[oldest_bot][oldest]


# How long the mark of an update that wrote nothing may wait to be written with others.
MARK_FLUSH_DELAY = 0.2  # seconds
MARK_FLUSH_BATCH = 500


class IdempotencyMiddleware(BaseMiddleware):
    """An update handled once is never handled again: no second effect.

    Nor a second reply, unless the first may have been lost: a copy found
    handled in the database that this process did not answer in full (it
    crashed between the COMMIT and the reply) is answered again from the note
    its mark carries (``replay``; see bot/handlers/replay.py) — at least once.

    The update's database writes and its processed mark form one unit of work
    (:meth:`Database.unit_of_work`), committed before its first reply leaves.
    A copy arriving while the first is still being handled waits for it, then
    finds the mark. An update whose handler failed before committing leaves no
    mark, so a re-delivery tries again.

    Reading must not cost a write: an update that changed nothing (a card, an
    answer) has its mark kept in memory and written with others in one
    transaction at most ``flush_delay`` later. A copy arriving meanwhile finds
    it in memory; only a crash inside that fraction of a second could let a
    re-delivered read get a second reply — never a second effect. Nor does a
    new update cost a read: update ids only grow, so an id above every mark
    this process has seen or written cannot have been handled; only lower ids
    (re-deliveries, or ids restarted by Telegram) are looked up.
    """

    def __init__(
        self,
        db: Database,
        processed: ProcessedUpdateRepository,
        clock: Callable[[], dt.datetime],
        keep: dt.timedelta = KEEP_PROCESSED,
        flush_delay: float = MARK_FLUSH_DELAY,
        replay: Replay | None = None,
    ) -> None:
        self._db = db
        self._replay = replay
        self._processed = processed
        self._clock = clock
        self._keep = keep
        self._flush_delay = flush_delay
        self._in_flight: dict[tuple[int, int], asyncio.Event] = {}
        # Updates this process handled to the end, replies and all: a copy of one is
        # not answered again. After a restart the set is empty, and a copy is.
        self._answered = AnsweredUpdates(ANSWERED_KEPT)
        self._prune = MarkPruner(processed, keep)
        self._high_water: dict[int, int] = {}  # bot id → highest update id known to be handled
        self._pending: dict[tuple[int, int], dt.datetime] = {}  # marks not written yet
        self._flush_timer: asyncio.TimerHandle | None = None
        self._flush_task: asyncio.Task[None] | None = None
        self._flush_lock = asyncio.Lock()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        bot: Bot = data["bot"]
        key = (bot.id, event.update_id)
        now = self._clock()
        await self._prune(now)
        while (running := self._in_flight.get(key)) is not None:
            await running.wait()
        # Claimed before the next await, so a concurrent copy waits above.
        done = self._in_flight[key] = asyncio.Event()

        async def mark(conn: Any) -> tuple[str, tuple[object, ...]]:
            # Returned, not run: the unit of work writes it with its RELEASE, in one hand-off.
            return self._processed.mark_statement(
                bot.id, event.update_id, self._clock(), self._db.current_reply()
            )

        try:
            if await self._seen(key, now):
                trace: UpdateTrace | None = data.get("trace")
                if trace is not None:
                    trace.outcome = "duplicate"
                await self._say_again(key, event, bot)
                return None
            async with self._db.unit_of_work(mark) as unit:
                result = await handler(event, data)
            if not unit.finalized:  # nothing written: the mark waits for company
                self._remember(key)
            self._note_answered(key)
            return result
        finally:
            del self._in_flight[key]
            done.set()

    async def _say_again(self, key: tuple[int, int], update: Update, bot: Bot) -> None:
        """A committed copy whose reply may have been lost to a crash gets it again (at least once).

        Only updates whose mark says what their reply was (a new signature);
        marks kept in memory belong to updates that wrote nothing.
        """
        if self._replay is None or key in self._pending or key in self._answered:
            return  # this process saw the first copy through to its last reply
        note = await self._processed.reply_of(*key)
        if note is not None:
            await self._replay(note, update, bot)
        self._note_answered(key)

    def _note_answered(self, key: tuple[int, int]) -> None:
        self._answered.add(key)

    async def _seen(self, key: tuple[int, int], now: dt.datetime) -> bool:
        bot_id, update_id = key
        if key in self._pending:
            return True
        high = self._high_water.get(bot_id)
        if high is None:
            high = await self._processed.highest(bot_id, now - self._keep) or 0
            high = max(high, self._high_water.get(bot_id, 0))
        # Raised before any await, so the next update in a batch skips the lookup too.
        self._high_water[bot_id] = max(high, update_id)
        if update_id > high:
            return False
        return await self._processed.seen(bot_id, update_id, now - self._keep)

    def _remember(self, key: tuple[int, int]) -> None:
        self._pending[key] = self._clock()
        if self._flush_task is not None:
            return  # the flush under way looks again when it is done
        if len(self._pending) >= MARK_FLUSH_BATCH:
            self._start_flush()
        elif self._flush_timer is None:
            loop = asyncio.get_running_loop()
            self._flush_timer = loop.call_later(self._flush_delay, self._start_flush)

    def _start_flush(self) -> None:
        # One flush at a time: while it waits for the write lock, marks pile up
        # for the next one instead of each update starting a flush of its own.
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if self._flush_task is None:
            self._flush_task = asyncio.ensure_future(self._flush_in_background())

    async def _flush_in_background(self) -> None:
        try:
            await self.flush_marks()
        finally:
            self._flush_task = None
        if self._pending and self._flush_timer is None:
            loop = asyncio.get_running_loop()
            self._flush_timer = loop.call_later(self._flush_delay, self._start_flush)

    async def flush_marks(self) -> None:
        """Write the marks kept in memory (also at shut-down)."""
        async with self._flush_lock:
            if not self._pending:
                return
            batch = dict(self._pending)
            try:
                await self._processed.mark_many([(b, u, at) for (b, u), at in batch.items()])
            except Exception as exc:  # kept in memory; the next flush tries again
                log.warning("processed_updates.flush_failed", error=type(exc).__name__)
                return
            for key, at in batch.items():
                if self._pending.get(key) == at:
                    del self._pending[key]

    async def close(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if self._flush_task is not None:
            await asyncio.gather(self._flush_task, return_exceptions=True)
        await self.flush_marks()


# An update's flood verdict when it was asked for ahead of FloodControlMiddleware (with other reads).
FLOOD_VERDICT = "flood_verdict"


class FloodControlMiddleware(BaseMiddleware):
    """A token bucket per user; what comes too fast is dropped, with one notice a minute.

    Admins are exempt, and so are membership changes (a block must always be recorded).
    """

    def __init__(self, gate: FloodGate, admin_ids: frozenset[int], metrics: Metrics | None = None) -> None:
        self.gate = gate
        self._admins = admin_ids
        self._metrics = metrics

    def checks(self, event: Update, user: User | None) -> bool:
        """Whether this update takes a token from its user's bucket."""
        return user is not None and user.id not in self._admins and event.my_chat_member is None

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        if user is None or not self.checks(event, user):
            return await handler(event, data)
        # Taken already, with the reader's keys in Redis (SharedRecentCasesMiddleware), or now.
        verdict = data.pop(FLOOD_VERDICT, None)
        if verdict if verdict is not None else await _maybe_await(self.gate.allow(user.id)):
            return await handler(event, data)
        trace: UpdateTrace | None = data.get("trace")
        if trace is not None:
            trace.outcome = "throttled"
        if self._metrics is not None:
            self._metrics.flood_dropped.labels(kind=update_kind(event)).inc()
        if await _maybe_await(self.gate.should_notify(user.id)):
            await _tell(event, data, "flood-notice")
        return None


async def _maybe_await(value: Any) -> Any:
    # The in-process gate answers at once; the deployment-wide one (bot/pipeline/scaleout.py) asks Redis.
    return await value if inspect.isawaitable(value) else value


# Telegram's own limits; anything larger was not sent by a Telegram client.
CALLBACK_DATA_LIMIT = 64  # bytes
INLINE_QUERY_LIMIT = 256  # characters


class InputBoundsMiddleware(BaseMiddleware):
    """Oversized input is answered with a clear word and goes no further (nothing is stored)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        problem = _oversized(event)
        if problem is None:
            return await handler(event, data)
        trace: UpdateTrace | None = data.get("trace")
        if trace is not None:
            trace.outcome = "too_large"
        if problem == "inline":
            assert event.inline_query is not None
            await event.inline_query.answer([], cache_time=5, is_personal=True)
        else:
            await _tell(event, data, "input-too-long" if problem == "text" else "button-stale")
        return None


def _oversized(update: Update) -> str | None:
    for message in (update.message, update.edited_message, update.business_message):
        if message is not None and len(message.text or message.caption or "") > MESSAGE_LIMIT:
            return "text"
    query = update.callback_query
    if query is not None and query.data and len(query.data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        return "callback"
    if update.inline_query is not None and len(update.inline_query.query) > INLINE_QUERY_LIMIT:
        return "inline"
    return None


async def _tell(update: Update, data: dict[str, Any], msg_id: str) -> None:
    """A short notice where the user will see it: a pop-up for a button, a message in a private chat."""
    t: Translator | None = data.get("t")
    bot: Bot = data["bot"]
    if t is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(t(msg_id), show_alert=True)
    elif update.message is not None and update.message.chat.type == "private":
        await bot.send_message(update.message.chat.id, t(msg_id, limit=str(MESSAGE_LIMIT)))


# --- Bot API session middlewares --------------------------------------------------


class CommitBeforeReplyMiddleware(BaseRequestMiddleware):
    """Before any Bot API call, commit the current update's writes and processed mark.

    So whatever a user is told ("thank you, you are signer No. 57") is already
    on disk: a crash after the reply cannot take the effect back.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        await self._db.flush()
        return await make_request(bot, method)


_TOO_OLD = ("query is too old", "query id is invalid")
MAX_RETRY_WAIT = 5.0


class QuietRepliesMiddleware(BaseRequestMiddleware):
    """Harmless Bot API refusals do not abort a handler.

    A callback query answered too late (after a restart, or a slow moment) is
    refused by Telegram; the rest of the handler — the message with the result —
    must still go out. A short 429 is waited out once instead of failing the reply;
    not for the broadcast's paced calls (``PACED_CALL``), whose worker pauses instead.
    """

    def __init__(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if isinstance(method, AnswerCallbackQuery | AnswerInlineQuery) and any(
                s in exc.message.lower() for s in _TOO_OLD
            ):
                log.info("reply.too_late", method=type(method).__name__)
                return True  # type: ignore[return-value]
            raise
        except TelegramRetryAfter as exc:
            if exc.retry_after > MAX_RETRY_WAIT or PACED_CALL.get():
                raise  # a paced call's 429 is the broadcast worker's to wait out, for every send
            log.warning("reply.retry_after", seconds=exc.retry_after, method=type(method).__name__)
            await self._sleep(exc.retry_after)
            return await make_request(bot, method)
