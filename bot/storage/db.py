"""The one SQLite connection: PRAGMAs, numbered migrations, write transactions.

Like datasette, casebot keeps a single connection and serialises writes through
it: SQLite allows one writer anyway, and a single connection in WAL mode never
sees "database is locked" from its own process. Readers share the same
connection; aiosqlite runs every statement on one worker thread in order.

A :class:`UnitOfWork` makes the writes of one update a single transaction
together with the mark that the update was handled (see
``bot.middlewares.IdempotencyMiddleware``): ``write()`` blocks inside it join
its transaction as savepoints, and it is committed before the update's first
reply leaves (:meth:`Database.flush`, called by a Bot API session middleware)
or when the update is done. So a reply never announces an effect that a crash
could still undo, and a re-delivered update finds its mark beside its effects.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite
import structlog

log = structlog.get_logger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("bot.storage").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, … without gaps: {numbers}")
    return found


Finalizer = Callable[[aiosqlite.Connection], Awaitable[None]]


class CommitFailed(Exception):
    """The database refused a commit (disk full, I/O error): nothing of the update was kept."""


class UnitOfWork:
    """The writes of one update, as one transaction begun lazily at its first write.

    ``finalize`` (the update's processed mark) runs inside that transaction just
    before it commits; an update that writes nothing gets ``finalize`` alone, in a
    transaction of its own, when it is done.
    """

    def __init__(self, db: Database, finalize: Finalizer) -> None:
        self._db = db
        self._finalize = finalize
        self._task = asyncio.current_task()
        self._lock = asyncio.Lock()
        self._depth = 0
        self._savepoints = 0
        self.open = False  # a transaction of this unit is open and holds the write lock
        self.finalized = False  # the mark has been committed
        self.closed = False
        # Writes begun after a reply has left: committed on their own, after the
        # mark, so a crash between the two would lose them. Handlers write first.
        self.writes_after_flush = 0
        self._relaxed = False  # this transaction commits without waiting for the disk

    def joinable(self) -> bool:
        return not self.closed and asyncio.current_task() is self._task

    async def _begin(self, *, durable: bool = True) -> None:
        await self._db._write_lock.acquire()
        try:
            if not durable:
                await self._db.conn.execute("PRAGMA synchronous=NORMAL")
                self._relaxed = True
            await self._db.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            await self._restore_durability()
            self._db._write_lock.release()
            raise
        self.open = True

    async def _restore_durability(self) -> None:
        if self._relaxed:
            self._relaxed = False
            await self._db.conn.execute("PRAGMA synchronous=FULL")

    async def _release(self) -> None:
        try:
            await self._restore_durability()
        finally:
            self.open = False
            self._db._write_lock.release()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[aiosqlite.Connection]:
        conn = self._db.conn
        async with self._lock:
            if not self.open:
                if self.finalized:
                    self.writes_after_flush += 1
                    log.warning("db.write_after_reply")
                await self._begin()
        name = f"unit_{self._savepoints}"
        self._savepoints += 1
        self._depth += 1
        await conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            await conn.execute(f"ROLLBACK TO {name}")
            await conn.execute(f"RELEASE {name}")
            raise
        else:
            await conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    async def flush(self) -> None:
        """Commit what is open, with the mark if it is not committed yet."""
        async with self._lock:
            if not self.open or self._depth:
                return
            conn = self._db.conn
            try:
                if not self.finalized:
                    await self._finalize(conn)
                await conn.execute("COMMIT")
            except sqlite3.Error as exc:
                await self._rollback_quietly()
                raise CommitFailed(str(exc)) from exc
            except BaseException:
                await self._rollback_quietly()
                raise
            self.finalized = True
            await self._release()

    async def complete(self) -> None:
        """The update is done: commit its writes, or its mark alone.

        A mark alone (the update changed nothing) is committed without waiting for
        the disk: it only spares a second reply to a re-delivered read-only update,
        and an fsync per card view would make every reader wait on the disk. A
        power cut can lose it; then the worst case is that second reply.
        """
        if not self.finalized and not self.open:
            async with self._lock:
                await self._begin(durable=False)
        await self.flush()

    async def abort(self) -> None:
        async with self._lock:
            if self.open:
                await self._rollback_quietly()

    async def _rollback_quietly(self) -> None:
        try:
            await self._db.conn.execute("ROLLBACK")
        except sqlite3.Error as exc:  # a failed COMMIT may already have rolled back
            log.warning("db.rollback_failed", error=type(exc).__name__)
        finally:
            await self._release()


def migration_problems() -> list[str]:
    """Why the bundled migrations could not be applied (gaps, duplicate numbers), or nothing."""
    try:
        _migrations()
    except RuntimeError as exc:
        return [str(exc)]
    return []


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        # Per instance, not per module: two databases in one process (tests) never share a unit.
        self._unit: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar(
            f"casebot_unit_{id(self)}", default=None
        )

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        # WAL lets a backup or the export command read while the bot writes;
        # synchronous=FULL because a signer told "thank you" must stay signed
        # after a power cut.
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=FULL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        db = cls(conn, path)
        await db.migrate()
        return db

    async def migrate(self) -> None:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        current = int(row[0]) if row else 0
        for number, name, sql in _migrations():
            if number <= current:
                continue
            async with self._write_lock:
                await self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version={number};\nCOMMIT;"
                )
            log.info("db.migrated", migration=name)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One atomic write transaction: committed on success, rolled back on error.

        Inside a :meth:`unit_of_work` (in the task that opened it) the block is a
        savepoint of the unit's transaction instead, committed with it.
        """
        unit = self._unit.get()
        if unit is not None and unit.joinable():
            async with unit.savepoint() as conn:
                yield conn
            return
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    @asynccontextmanager
    async def unit_of_work(self, finalize: Finalizer) -> AsyncIterator[UnitOfWork]:
        """Everything written inside is one transaction with ``finalize``; see :class:`UnitOfWork`."""
        unit = UnitOfWork(self, finalize)
        token = self._unit.set(unit)
        try:
            yield unit
        except BaseException:
            await unit.abort()
            raise
        else:
            await unit.complete()
        finally:
            unit.closed = True
            self._unit.reset(token)

    async def flush(self) -> None:
        """Commit the current unit of work, if any: called before a reply leaves."""
        unit = self._unit.get()
        if unit is not None and not unit.closed:
            await unit.flush()

    async def ping(self) -> bool:
        async with self.conn.execute("SELECT 1") as cur:
            return (await cur.fetchone()) is not None

    async def close(self) -> None:
        await self.conn.close()
