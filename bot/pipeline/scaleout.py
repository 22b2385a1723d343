"""What several workers must share, and how: PostgreSQL for facts, Redis for the rest.

In the embedded mode one process holds all state and none of this is used.
With ``DATABASE_URL`` and ``REDIS_URL`` any number of identical workers run
behind a load balancer, and:

- an update is applied once: :class:`SharedIdempotencyMiddleware` makes its
  processed mark the first statement of its transaction, so a copy reaching
  another worker waits for the first one's outcome (one effect, one reply);
- flood control is one token bucket per user for the whole deployment
  (:class:`RedisFloodGate`), keyed by a keyed hash of the user id;
- ``/reload`` on one worker reloads every worker (:class:`ReloadBus`, Redis pub/sub);
- one worker at a time sends broadcasts (:class:`Leadership`, a PostgreSQL
  advisory lock held on its own connection: a dead worker's session ends and
  another takes the lock within ``retry`` seconds; a live worker whose session
  ends or stops answering stops sending), so BROADCAST_RATE holds for the
  deployment;
- a second long-polling worker refuses to start (:func:`claim_polling`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update

from bot.pipeline.middlewares import (
    FLOOD_VERDICT,
    KEEP_PROCESSED,
    FloodControlMiddleware,
    MarkPruner,
    Replay,
)
from bot.storage.repositories import FollowRepository, ProcessedUpdateRepository, UserSettingsRepository

if TYPE_CHECKING:
    import asyncpg
    from aiogram.fsm.middleware import FSMContextMiddleware

    from bot.storage.fsm import SqliteStorage
    from bot.storage.pg import PgDatabase

log = structlog.get_logger(__name__)

BROADCAST_LOCK = 0x0CA5EB01
POLLING_LOCK = 0x0CA5EB02
RELOAD_CHANNEL = "casebot:reload"
# Values SharedRecentCasesMiddleware read for the middlewares after it, by key (one round trip).
READ_ALONG = "redis_read_along"

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class SharedIdempotencyMiddleware(BaseMiddleware):
    """Each update applied once across workers: the mark is claimed first, by constraint.

    The unit of work opens its transaction with the INSERT of the mark; the
    primary key of ``processed_updates`` makes a second worker's INSERT wait
    for the first transaction, then find its row (it committed: duplicate,
    nothing done) or take over (it rolled back: handled now). The mark is
    committed with the update's effects, before its first reply leaves.
    """

    def __init__(
        self,
        db: PgDatabase,
        processed: ProcessedUpdateRepository,
        clock: Callable[[], dt.datetime],
        keep: dt.timedelta = KEEP_PROCESSED,
        replay: Replay | None = None,
    ) -> None:
        self._db = db
        self._processed = processed
        self._clock = clock
        self._keep = keep
        self._prune = MarkPruner(processed, keep)
        self._replay = replay

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        bot: Bot = data["bot"]
        now = self._clock()
        await self._prune(now)

        async def keep_reply(conn: Any) -> str | None:
            # What the reply said, with the mark (migration 0005); the mark itself came first.
            # Sent with the COMMIT, in its round trip, when the note can be written in.
            note = self._db.current_reply()
            if note is None:
                return None
            statement = self._processed.reply_statement(bot.id, event.update_id, note)
            if statement is None:
                await conn.execute(
                    "UPDATE processed_updates SET reply = ? WHERE bot_id = ? AND update_id = ?",
                    (note, bot.id, event.update_id),
                )
            return statement

        async with self._db.unit_of_work(keep_reply) as unit:
            # BEGIN and the claim in one round trip.
            status = await unit.begin_with(self._processed.claim_statement(
                bot.id, event.update_id, now, now - self._keep, self._db.worker
            ))
            claimed = status.endswith(" 1")
            if claimed:
                return await handler(event, data)
            trace = data.get("trace")
            if trace is not None:
                trace.outcome = "duplicate"
        await self._say_again(event, bot)
        return None

    async def _say_again(self, update: Update, bot: Bot) -> None:
        """A copy of an update another worker handled, whose reply may have been lost.

        Said again only when that worker is gone (no session of it left): it may
        have died between its COMMIT and its reply. A worker still there has
        sent its reply or is about to (a copy waits only for the first one's
        COMMIT, not for its reply), and this worker's own updates are answered
        by this worker. So a copy is never a second reply while the first worker
        lives; a worker on a machine that vanished counts as there until
        PostgreSQL drops its sessions, and its lost reply is not said again.
        """
        if self._replay is None:
            return
        note, worker = await self._processed.handled_by(bot.id, update.update_id)
        if note is None or worker is None or worker == self._db.worker:
            return
        if await self._db.worker_alive(worker):
            return
        await self._replay(note, update, bot)


    async def flush_marks(self) -> None:
        return None  # every mark is written with its update

    async def close(self) -> None:
        return None


# A token bucket in one Redis hash per user: the same arithmetic as bot.pipeline.flood.FloodGate.
_BUCKET = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local b = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(b[1])
local updated = tonumber(b[2])
if tokens == nil then
  tokens = burst
else
  tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return allowed
"""
# The same bucket (KEYS[1]), and the values of the other keys read in the same call: the
# middleware that reads the reader's keys asks for the update's token with them.
_BUCKET_AND_READ = _BUCKET.replace(
    "return allowed", "return {allowed, unpack(redis.call('MGET', unpack(KEYS, 2)))}"
)


def user_key(secret: bytes, user_id: int) -> str:
    """What Redis is told about a user: a keyed hash, never the Telegram id."""
    return hmac.new(secret, b"flood:%d" % user_id, hashlib.sha256).hexdigest()[:32]


class RedisFloodGate:
    """FLOOD_BURST updates at once, then FLOOD_RATE per second, per user over all workers.

    ``clock`` (seconds) is for tests; by default Redis's own clock is used, so
    workers on different machines agree.
    """

    def __init__(
        self,
        redis: Any,
        secret: bytes,
        burst: int,
        rate: float,
        clock: Callable[[], float] | None = None,
        notice_interval: float = 60.0,
    ) -> None:
        if burst < 1 or rate <= 0:
            raise ValueError("burst must be at least 1 and rate positive")
        self._redis = redis
        self._secret = secret
        self._burst = burst
        self._rate = rate
        self._clock = clock
        self._notice_ms = int(notice_interval * 1000)
        # Past this a bucket is full again and indistinguishable from none.
        self._ttl_ms = int((burst / rate + 1) * 1000)
        self._script = redis.register_script(_BUCKET)
        self._script_reading = redis.register_script(_BUCKET_AND_READ)

    def _args(self) -> list[float]:
        return [self._burst, self._rate, self._clock() if self._clock is not None else -1, self._ttl_ms]

    def _key(self, user_id: int) -> str:
        return f"casebot:flood:{user_key(self._secret, user_id)}"

    async def allow(self, user_id: int) -> bool:
        return bool(await self._script(keys=[self._key(user_id)], args=self._args()))

    async def allow_and_read(self, user_id: int, keys: list[str]) -> tuple[bool, list[bytes | None]]:
        """:meth:`allow`, and the values of ``keys`` (at least one), in one round trip."""
        allowed, *values = await self._script_reading(keys=[self._key(user_id), *keys], args=self._args())
        return bool(allowed), values

    async def should_notify(self, user_id: int) -> bool:
        key = f"casebot:flood-notice:{user_key(self._secret, user_id)}"
        return bool(await self._redis.set(key, b"1", nx=True, px=self._notice_ms))


class ReloadBus:
    """``/reload`` on one worker reloads every worker: a Redis pub/sub message.

    The worker that reloaded announces; every worker (itself included, which
    finds nothing new) loads the catalogue and swaps it in. A worker that was
    not subscribed at that moment (starting, or Redis away) loads the files at
    its own start anyway, and compares a version kept in Redis every
    ``check_every`` seconds as a fallback.
    """

    VERSION_KEY = "casebot:catalogue-version"

    def __init__(self, redis: Any, reload: Callable[[], Awaitable[None]], check_every: float = 5.0) -> None:
        self._redis = redis
        self._reload = reload
        self._check_every = check_every
        self._task: asyncio.Task[None] | None = None
        self._version: bytes | None = None
        self.reloads = 0

    async def announce(self) -> None:
        version = await self._redis.incr(self.VERSION_KEY)
        self._version = str(version).encode()
        await self._redis.publish(RELOAD_CHANNEL, self._version)

    async def start(self) -> None:
        self._version = await self._redis.get(self.VERSION_KEY)
        ready = asyncio.Event()
        self._task = asyncio.create_task(self._listen(ready), name="reload-bus")
        await ready.wait()

    async def _listen(self, ready: asyncio.Event) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(RELOAD_CHANNEL)
                    ready.set()
                    while True:
                        message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                           timeout=self._check_every)
                        if message is not None:
                            await self._apply(message["data"])
                        else:
                            await self._apply(await self._redis.get(self.VERSION_KEY))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis away: try again, the version check catches up
                ready.set()
                log.warning("reload_bus.lost", error=type(exc).__name__)
                await asyncio.sleep(1.0)

    async def _apply(self, version: bytes | None) -> None:
        if version is None or version == self._version:
            return
        self._version = version
        try:
            await self._reload()
            self.reloads += 1
        except Exception:
            log.exception("reload_bus.reload_failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class Leadership:
    """One worker at a time runs ``start``/``stop`` (the broadcast sender): a PostgreSQL advisory lock.

    The lock lives with a session of its own; when the holder dies its session
    ends and the lock is free. The others try every ``retry`` seconds.

    The holder watches that session, since losing it frees the lock for another
    worker while this one would go on sending (two senders, twice the rate): a
    session the server ends (``pg_terminate_backend``, a restart) stops the sender
    at once, through asyncpg's termination listener; a link that died silently
    answers no ``SELECT 1`` within ``check_timeout``, asked every ``check``
    seconds. Then it stops sending and campaigns again at once.
    """

    def __init__(
        self,
        url: str,
        key: int,
        start: Callable[[], Awaitable[None]],
        stop: Callable[[], Awaitable[None]],
        retry: float = 2.0,
        check: float = 2.0,
        check_timeout: float = 3.0,
    ) -> None:
        self._url = url
        self._key = key
        self._start = start
        self._stop = stop
        self._retry = retry
        self._check = check
        self._check_timeout = check_timeout
        self._task: asyncio.Task[None] | None = None
        self.leading = False

    async def begin(self) -> None:
        self._task = asyncio.create_task(self._campaign(), name="leadership")

    async def _campaign(self) -> None:
        import asyncpg  # scale-out only (bot/storage/pg.py says why it is imported late)

        while True:
            conn: asyncpg.Connection | None = None
            led = False
            try:
                conn = await asyncpg.connect(self._url, timeout=self._check_timeout)
                ended = asyncio.Event()
                conn.add_termination_listener(lambda _conn, ended=ended: ended.set())
                while not await conn.fetchval(  # noqa: ASYNC110
                    "SELECT pg_try_advisory_lock($1)", self._key, timeout=self._check_timeout
                ):
                    await asyncio.sleep(self._retry)  # a lock, not an event: polled across machines
                self.leading = led = True
                log.info("leadership.won", key=self._key)
                await self._start()
                await self._hold(conn, ended)
                log.warning("leadership.lost", error="session ended")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("leadership.lost" if led else "leadership.failed", error=type(exc).__name__)
            finally:
                if self.leading:
                    self.leading = False
                    with contextlib.suppress(Exception):
                        await self._stop()
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=self._check_timeout)  # terminates a dead link
            if not led:  # the database refused or is away: not at once again
                await asyncio.sleep(self._retry)

    async def _hold(self, conn: asyncpg.Connection, ended: asyncio.Event) -> None:
        """Return when the session holding the lock is gone; raise if it stops answering."""
        while not ended.is_set() and not conn.is_closed():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ended.wait(), self._check)
            if ended.is_set() or conn.is_closed():
                return
            await conn.fetchval("SELECT 1", timeout=self._check_timeout)

    async def end(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class PollingRefused(RuntimeError):
    pass


async def claim_polling(url: str) -> asyncpg.Connection:
    """Long polling needs one poller per bot: the connection that holds the claim, or a refusal."""
    import asyncpg

    conn = await asyncpg.connect(url)
    if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", POLLING_LOCK):
        await conn.close()
        raise PollingRefused(
            "another worker is already long-polling this bot; with several workers use "
            "webhooks (set WEBHOOK_URL)"
        )
    return conn


class ReaderPrefetchMiddleware(BaseMiddleware):
    """With several workers, after the claim: the update's dialogue row, its reader's
    language and the cases the reader's private chat follows in one statement of its
    transaction, where aiogram's FSM middleware,
    :class:`~bot.pipeline.middlewares.LocaleMiddleware` and a card's or a signature's
    "follow?" then find them (one round trip, not three)."""

    def __init__(
        self,
        fsm: FSMContextMiddleware,
        storage: SqliteStorage,
        users: UserSettingsRepository,
        follows: FollowRepository,
    ) -> None:
        self._fsm = fsm
        self._storage = storage
        self._users = users
        self._follows = follows
        self._scalars = (users.LOCALE_OF, follows.FOLLOWED_OF)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        context = self._fsm.resolve_event_context(data["bot"], data) if user is not None else None
        if user is not None and context is not None:
            locale, followed = await self._storage.prefetch(context.key, self._scalars, (user.id, user.id))
            self._users.read_along(user.id, None if locale is None else str(locale))
            self._follows.read_along(user.id, followed)  # type: ignore[arg-type]
        return await handler(event, data)


class _OneReadersRecentCase:
    """The update's view of RecentCases for its one reader, loaded from Redis."""

    def __init__(self, slug: str | None) -> None:
        self._slug = slug
        self.changed: str | None = None
        self.forgotten = False

    def get(self, user_id: int) -> str | None:
        return self._slug

    def remember(self, user_id: int, slug: str) -> None:
        self._slug = self.changed = slug

    def forget(self, user_id: int) -> None:
        self._slug = self.changed = None
        self.forgotten = True


class SharedRecentCasesMiddleware(BaseMiddleware):
    """The case a reader last opened, shared by every worker (Redis, keyed hash, expires).

    A question on worker 2 about the case opened on worker 1 needs no name. As
    in memory, it is a convenience that expires, not a record: a day at most.
    """

    def __init__(
        self,
        redis: Any,
        secret: bytes,
        ttl: int = 86_400,
        along: Callable[[Update, int], list[str]] | None = None,
        flood: FloodControlMiddleware | None = None,
    ) -> None:
        """``along``: the keys a later middleware will read for an update and its reader
        (the catalogue's memory), read here in the same round trip (``data[READ_ALONG]``).
        ``flood``: the flood control after it, on a :class:`RedisFloodGate`; an update it
        checks takes its token in that round trip too (``data[FLOOD_VERDICT]``), the
        middlewares between never stopping one."""
        self._redis = redis
        self._secret = secret
        self._ttl = ttl
        self._along = along
        self._flood = flood
        self._gate = flood.gate if flood is not None and isinstance(flood.gate, RedisFloodGate) else None

    def _key(self, user_id: int) -> str:
        return f"casebot:recent:{user_key(self._secret, user_id)}"

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user = data.get("event_from_user")
        if user is None or (event.message is None and event.callback_query is None):
            return await handler(event, data)
        keys = [self._key(user.id), *(self._along(event, user.id) if self._along is not None else ())]
        if self._gate is not None and self._flood is not None and self._flood.checks(event, user):
            data[FLOOD_VERDICT], (stored, *others) = await self._gate.allow_and_read(user.id, keys)
        elif self._along is None:
            stored, others = await self._redis.get(keys[0]), []
        else:
            stored, *others = await self._redis.mget(keys)
        if self._along is not None:
            data[READ_ALONG] = dict(zip(keys[1:], others, strict=True))
        recent = _OneReadersRecentCase(stored.decode() if stored else None)
        data["recent_cases"] = recent
        try:
            return await handler(event, data)
        finally:
            if recent.forgotten:  # /forget
                await self._redis.delete(self._key(user.id))
            elif recent.changed is not None:
                await self._redis.set(self._key(user.id), recent.changed.encode(), ex=self._ttl)
