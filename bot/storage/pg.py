"""PostgreSQL for the scale-out mode: the same repositories, the same SQL, any number of workers.

The repositories (bot/storage/repositories.py) are written against the small
connection surface aiosqlite offers (``execute`` → cursor with ``rowcount`` and
``fetchone``/``fetchall``, ``execute_fetchall``, ``executemany``).
:class:`PgConnection` offers the same surface over asyncpg, rewriting ``?``
placeholders to ``$n`` and SQLite's ``INSERT OR IGNORE`` to ``ON CONFLICT DO
NOTHING``; the few statements that differ more are chosen per engine by
``db.dialect`` where they are written. Measured against SQLAlchemy Core, this
keeps a statement at asyncpg's own cost (see README, "Scaling out").

**Transactions.** An update's writes form one transaction on one pooled
connection (:class:`PgUnitOfWork`), begun at its first write (or eagerly, by
the idempotency claim) and committed before its first reply leaves, as in the
embedded mode; ``write()`` blocks inside it are savepoints. Reads made by the
update's own task go to that connection too, so an update reads its own
writes; every other read takes a pooled connection for one statement and sees
only committed rows. PostgreSQL's MVCC means no group commit is needed: each
worker's transactions commit independently.

**Timestamps** are ``timestamptz``; they travel as ISO-8601 text in both
directions (a text codec), so the repositories pass and parse the same strings
as with SQLite, and comparisons and ordering are PostgreSQL's own.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import structlog

from bot.storage.db import CommitFailed, no_mark

if TYPE_CHECKING:
    import asyncpg

# asyncpg is imported where a PostgreSQL is used, so the embedded (SQLite) bot, which
# imports this module with the engine choice, never loads it: 16 ms and 2.8 MB.

log = structlog.get_logger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES)\b|\bRETURNING\b", re.IGNORECASE)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
# Held while migrating, so workers started together migrate once (any number, same key).
MIGRATION_LOCK = 0x0CA5EB07
POOL_MAX = 40
ACQUIRE_TIMEOUT = 30.0

RollbackHook = Callable[[], None]
# Writes what the unit must add before its COMMIT; may instead return one statement with
# its values written in (no parameters), sent in the COMMIT's own round trip.
Finalizer = Callable[[Any], Awaitable[str | None]]


def pg_migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("bot.storage").joinpath("migrations_pg").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"PostgreSQL migrations must be numbered 0001, 0002, … without gaps: {numbers}")
    return found


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite-flavoured SQL as the repositories write it → PostgreSQL's."""
    if re.search(r"\bOR\s+IGNORE\b", sql, re.IGNORECASE) and not _OR_IGNORE.match(sql):
        raise ValueError("UPDATE OR IGNORE has no PostgreSQL form: branch on db.dialect")
    ignore = bool(_OR_IGNORE.match(sql))
    if ignore:
        sql = _OR_IGNORE.sub("INSERT INTO", sql, count=1)
    parts = sql.split("?")
    out = [parts[0]]
    for number, part in enumerate(parts[1:], start=1):
        out.append(f"${number}{part}")
    sql = "".join(out)
    if ignore:
        sql = sql.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return sql


def _rowcount(status: str) -> int:
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else -1


class PgCursor:
    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = None  # PostgreSQL says it with RETURNING id

    async def fetchone(self) -> asyncpg.Record | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[asyncpg.Record]:
        return self._rows

    async def __aenter__(self) -> PgCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class _Pending:
    """``conn.execute(...)``: awaited, or used as ``async with``, like aiosqlite's."""

    def __init__(self, run: Awaitable[PgCursor]) -> None:
        self._run = run

    def __await__(self):  # type: ignore[no-untyped-def]
        return self._run.__await__()

    async def __aenter__(self) -> PgCursor:
        return await self._run

    async def __aexit__(self, *exc: object) -> None:
        return None


@lru_cache(maxsize=512)
def _prepared(sql: str) -> tuple[str, bool]:
    """The statement in PostgreSQL's words, and whether it returns rows: worked out once per text."""
    query = translate(sql)
    return query, bool(_RETURNS_ROWS.search(query))


async def _run(conn: asyncpg.Connection, sql: str, params: Sequence[Any]) -> PgCursor:
    query, returns_rows = _prepared(sql)
    if returns_rows:
        rows = await conn.fetch(query, *params)
        return PgCursor(rows, len(rows))
    status = await conn.execute(query, *params)
    return PgCursor([], _rowcount(status))


class PgConnection:
    """One asyncpg connection behind the aiosqlite-like surface the repositories use."""

    dialect = "postgresql"

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Pending:
        return _Pending(_run(self.raw, sql, params))

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[asyncpg.Record]:
        return await (await _run(self.raw, sql, params)).fetchall()

    async def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> None:
        await self.raw.executemany(translate(sql), list(seq))


class _PooledReader:
    """``db.conn`` in PostgreSQL mode: the update's own connection inside its unit, else the pool."""

    dialect = "postgresql"

    def __init__(self, db: PgDatabase) -> None:
        self._db = db

    async def _execute(self, sql: str, params: Sequence[Any]) -> PgCursor:
        unit = self._db._unit.get()
        if unit is not None and unit.joinable() and unit.connection is not None:
            async with unit._lock:
                if unit.connection is not None:
                    return await _run(unit.connection.raw, sql, params)
        async with self._db.pool.acquire(timeout=ACQUIRE_TIMEOUT) as raw:
            return await _run(raw, sql, params)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Pending:
        return _Pending(self._execute(sql, params))

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[asyncpg.Record]:
        return await (await self._execute(sql, params)).fetchall()


class PgUnitOfWork:
    """The writes of one update: one transaction on one pooled connection, begun at its first write.

    BEGIN, COMMIT and savepoints are sent as plain statements (asyncpg's transaction
    objects send them alone), so the statement that must open the transaction (the
    idempotency claim, :meth:`begin_with`) and the one that must close it (what the
    finalizer returns) share its round trip: two round trips fewer per update.
    """

    def __init__(self, db: PgDatabase, finalize: Finalizer) -> None:
        self._db = db
        self._finalize = finalize
        self._task = asyncio.current_task()
        self._lock = asyncio.Lock()
        self._raw: asyncpg.pool.PoolConnectionProxy | None = None
        self.connection: PgConnection | None = None
        self._hooks: list[RollbackHook] = []
        self._commit_hooks: list[RollbackHook] = []
        self.reply: str | None = None  # what the reply said, kept with the mark (migration 0005)
        self._depth = 0
        self.finalized = False
        self.closed = False
        # Why a COMMIT of this unit was refused: its earlier writes are gone, so every later
        # flush refuses too, or a later write (and the mark) would be kept without them.
        self.refused: str | None = None
        self.writes_after_flush = 0
        self.memo: dict[tuple[str, str], object] = {}  # rows read in this transaction, see unit_memo

    @property
    def open(self) -> bool:
        return self.connection is not None

    def joinable(self) -> bool:
        return not self.closed and asyncio.current_task() is self._task

    def on_rollback(self, hook: RollbackHook) -> None:
        if self.connection is not None:
            self._hooks.append(hook)

    def on_commit(self, hook: RollbackHook) -> None:
        self._commit_hooks.append(hook)

    async def _begin(self, first: str | None = None) -> str:
        """BEGIN, and ``first`` (a statement without parameters) in the same round trip;
        ``first``'s status ("INSERT 0 1"), or BEGIN's."""
        if self.connection is not None:
            return "BEGIN" if first is None else await self.connection.raw.execute(first)
        if self.finalized:
            self.writes_after_flush += 1
            log.warning("db.write_after_reply")
        raw = await self._db.pool.acquire(timeout=ACQUIRE_TIMEOUT)
        try:
            status = await raw.execute("BEGIN" if first is None else f"BEGIN; {first}")
        except BaseException:
            await _end_transaction(raw)
            await self._db.pool.release(raw)
            raise
        self._raw = raw
        self.connection = PgConnection(raw)
        return status

    async def begin(self) -> PgConnection:
        """Open the transaction now."""
        async with self._lock:
            await self._begin()
            assert self.connection is not None
            return self.connection

    async def begin_with(self, first: str) -> str:
        """Open the transaction with ``first`` as its first statement (the idempotency claim),
        in one round trip; its status. ``first`` has its values written in: no parameters."""
        async with self._lock:
            return await self._begin(first)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[PgConnection]:
        async with self._lock:
            await self._begin()
        conn = self.connection
        assert conn is not None
        self._depth += 1
        name = f"casebot_{self._depth}"
        try:
            await conn.raw.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                if conn.raw.is_in_transaction() and not conn.raw.is_closed():
                    await conn.raw.execute(f"ROLLBACK TO SAVEPOINT {name}")
                raise
            await conn.raw.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            self._depth -= 1

    async def _release(self) -> None:
        self.memo.clear()
        raw, self._raw, self.connection = self._raw, None, None
        if raw is not None:
            await self._db.pool.release(raw)

    async def flush(self) -> None:
        """Commit what is open, with the mark if it is not committed yet."""
        import asyncpg

        async with self._lock:
            if self.refused is not None:
                if self.connection is not None and not self._depth:
                    await self._rollback()
                raise CommitFailed(self.refused)
            if self.connection is None or self._depth:
                return
            try:
                last = await self._finalize(self.connection) if not self.finalized else None
                await self.connection.raw.execute("COMMIT" if last is None else f"{last}; COMMIT")
            except asyncpg.PostgresError as exc:
                await self._rollback()
                self._db.refuse(1, type(exc).__name__)
                self.refused = str(exc)
                raise CommitFailed(str(exc)) from exc
            except BaseException:
                await self._rollback()
                raise
            self._hooks.clear()
            await self._release()
            self._db.commits += 1
            self._db.failing = None
            self.finalized = True
            hooks, self._commit_hooks = self._commit_hooks, []
            for hook in hooks:
                hook()

    async def _rollback(self) -> None:
        try:
            if self._raw is not None:
                await _end_transaction(self._raw)
        finally:
            hooks, self._hooks = self._hooks, []
            self._commit_hooks.clear()
            for hook in reversed(hooks):
                hook()
            await self._release()

    async def complete(self) -> None:
        await self.flush()

    async def abort(self) -> None:
        async with self._lock:
            if self.connection is not None:
                await self._rollback()

    def close(self) -> None:
        """The update is over: drop what the unit refers to (see ``UnitOfWork.close``)."""
        self.closed = True
        self._finalize = no_mark
        self._task = None
        self.memo.clear()


async def _end_transaction(raw: asyncpg.Connection) -> None:
    """Roll back what is open on ``raw`` (nothing, after a failed COMMIT: it ended it)."""
    import asyncpg

    try:
        if not raw.is_closed() and raw.is_in_transaction():
            await raw.execute("ROLLBACK")
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        log.warning("db.rollback_failed", error=type(exc).__name__)


async def _keep_session(raw: asyncpg.Connection) -> None:
    """A pooled connection back in the pool: nothing to undo on the server.

    asyncpg's default reset is a round trip per release (unlock advisory locks,
    close cursors, UNLISTEN, RESET ALL) — three per signing update. No pooled
    connection keeps session state (the advisory locks of the sender and the
    poller live on connections of their own; the migration lock is released
    explicitly), and asyncpg still rolls back a transaction left open.
    """
    return None


async def _init_connection(raw: asyncpg.Connection) -> None:
    # ISO text both ways, as the repositories read and write timestamps with SQLite.
    await raw.set_type_codec("timestamptz", encoder=str, decoder=str, schema="pg_catalog", format="text")


class PgDatabase:
    """The scale-out database: a pool of asyncpg connections to one PostgreSQL."""

    dialect = "postgresql"
    shared = True  # other workers write too: nothing may be mirrored in memory

    def __init__(self, pool: asyncpg.Pool, url: str, worker: str = "") -> None:
        self.pool = pool
        # This process among the workers: its sessions are named casebot/<worker>, so any
        # worker can tell from pg_stat_activity whether this one is still there.
        self.worker = worker
        self.url = url
        self.path = None
        self.conn = _PooledReader(self)
        self.reader = self.conn
        self.commits = 0
        self.failing: str | None = None  # why the last COMMIT was refused, until one succeeds (/healthz)
        self.refused = 0
        self._refused_listeners: list[Callable[[int], None]] = []
        self._unit: contextvars.ContextVar[PgUnitOfWork | None] = contextvars.ContextVar(
            f"casebot_pg_unit_{id(self)}", default=None
        )

    @classmethod
    async def open(cls, url: str, *, pool_max: int = POOL_MAX, migrate: bool = True) -> PgDatabase:
        import asyncpg

        worker = secrets.token_hex(6)
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=pool_max,
            # Never down to no session while the process lives: see worker_alive.
            max_inactive_connection_lifetime=0,
            init=_init_connection,
            reset=_keep_session,
            server_settings={"TimeZone": "UTC", "application_name": f"casebot/{worker}"},
        )
        db = cls(pool, url, worker)
        if migrate:
            try:
                await db.migrate()
            except BaseException:
                await pool.close()
                raise
        return db

    async def migrate(self) -> None:
        """Apply what is missing, once, whichever of the workers starting together gets the lock."""
        async with self.pool.acquire() as raw:
            await raw.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await raw.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                )
                current = await raw.fetchval("SELECT COALESCE(MAX(number), 0) FROM schema_migrations")
                for number, name, sql in pg_migrations():
                    if number <= current:
                        continue
                    async with raw.transaction():
                        await raw.execute(sql)
                        await raw.execute(
                            "INSERT INTO schema_migrations (number, name) VALUES ($1, $2)", number, name
                        )
                    log.info("db.migrated", migration=name, engine="postgresql")
            finally:
                await raw.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)

    @asynccontextmanager
    async def write(self, *, standalone: bool = False) -> AsyncIterator[PgConnection]:
        """One atomic write; inside the task's unit of work a savepoint of its transaction,
        unless ``standalone`` (committed at once, on a connection of its own)."""
        unit = self._unit.get()
        if unit is not None and unit.joinable() and not standalone:
            async with unit.savepoint() as conn:
                yield conn
            return
        hooks: list[RollbackHook] = []
        token = self._standalone_hooks.set(hooks)
        try:
            async with self.pool.acquire(timeout=ACQUIRE_TIMEOUT) as raw:
                try:
                    async with raw.transaction():
                        yield PgConnection(raw)
                except BaseException:
                    for hook in reversed(hooks):
                        hook()
                    raise
        finally:
            self._standalone_hooks.reset(token)

    _standalone_hooks: contextvars.ContextVar[list[RollbackHook] | None] = contextvars.ContextVar(
        "casebot_pg_write_hooks", default=None
    )

    async def statement(self, sql: str, params: Sequence[Any] = ()) -> list[asyncpg.Record]:
        """One statement in the task's unit of work without a savepoint of its own (or alone).

        For the statement that takes a hot row's lock: a savepoint would cost a
        round trip more while the lock is held.
        """
        unit = self._unit.get()
        if unit is not None and unit.joinable():
            conn = await unit.begin()
            async with unit._lock:
                return await conn.execute_fetchall(sql, params)
        async with self.write() as conn:
            return await conn.execute_fetchall(sql, params)

    @property
    def reads(self) -> _PooledReader:
        """Where a read goes: the update's own transaction inside its unit, else a pooled connection."""
        return self.conn

    def check_transaction(self) -> None:
        return None

    def on_commit(self, hook: RollbackHook) -> None:
        unit = self._unit.get()
        if unit is not None and unit.joinable() and unit.open:
            unit.on_commit(hook)
        else:
            hook()

    def unit_memo(self) -> dict[tuple[str, str], object] | None:
        """Rows a repository may keep for the rest of the update's open transaction (its
        own reads, repeated), or None outside one. Emptied with the transaction."""
        unit = self._unit.get()
        if unit is not None and unit.joinable() and unit.connection is not None:
            return unit.memo
        return None

    def note_reply(self, note: str) -> None:
        unit = self._unit.get()
        if unit is not None and unit.joinable() and not unit.finalized:
            unit.reply = note

    def current_reply(self) -> str | None:
        unit = self._unit.get()
        return unit.reply if unit is not None else None

    def on_refused(self, listener: Callable[[int], None]) -> None:
        self._refused_listeners.append(listener)

    def refuse(self, writers: int, reason: str) -> None:
        self.failing = reason
        self.refused += writers
        log.error("db.commit_refused", writers=writers, reason=reason, engine="postgresql")
        for listener in self._refused_listeners:
            listener(writers)

    async def healthy(self) -> bool:
        """PostgreSQL answers (a refused COMMIT is cleared by the next one that succeeds)."""
        return await self.ping()

    def on_rollback(self, hook: RollbackHook) -> None:
        unit = self._unit.get()
        if unit is not None and unit.joinable() and unit.open:
            unit.on_rollback(hook)
            return
        hooks = self._standalone_hooks.get()
        if hooks is not None:
            hooks.append(hook)

    @asynccontextmanager
    async def unit_of_work(self, finalize: Finalizer) -> AsyncIterator[PgUnitOfWork]:
        unit = PgUnitOfWork(self, finalize)
        token = self._unit.set(unit)
        try:
            yield unit
        except BaseException:
            await unit.abort()
            raise
        else:
            await unit.complete()
        finally:
            unit.close()
            self._unit.reset(token)

    async def flush(self) -> None:
        unit = self._unit.get()
        if unit is not None and not unit.closed:
            await unit.flush()

    async def worker_alive(self, worker: str) -> bool:
        """Whether the worker has a session open: a killed process's sessions end with its
        sockets (a machine that vanished keeps them until TCP gives up on it)."""
        async with self.pool.acquire(timeout=ACQUIRE_TIMEOUT) as raw:
            return bool(await raw.fetchval(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = $1)",
                f"casebot/{worker}",
            ))

    async def ping(self) -> bool:
        async with self.pool.acquire(timeout=5) as raw:
            return await raw.fetchval("SELECT 1") == 1

    async def close(self) -> None:
        await self.pool.close()
