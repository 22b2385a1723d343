"""The SQLite connections: PRAGMAs, numbered migrations, write transactions, reads.

One writer connection serialises every write: SQLite allows one writer anyway,
and a single connection in WAL mode never sees "database is locked" from its own process. Reads go to a
second, read-only connection (see :class:`Database`): in WAL mode each
statement there sees one committed snapshot, however long its rows take to
fetch, and never what another update has written but not yet committed.

**Group commit.** ``synchronous=FULL`` makes every COMMIT wait for the disk,
and a signer must not be thanked before that. Concurrent writers therefore
share one transaction: each writes inside its own savepoint while it holds the
write lock (a *span*), releases the lock when its writes are done, and waits
for the COMMIT that follows. The first writer to finish starts that COMMIT; it
takes the lock after everyone already queued for it, so all of them are
committed by one fsync. A span that fails is rolled back to its savepoint
alone; a COMMIT that fails fails every writer of the group, none of which has
replied yet.

A :class:`UnitOfWork` makes the writes of one update a single span together
with the mark that the update was handled (see
``bot.pipeline.middlewares.IdempotencyMiddleware``): ``write()`` blocks inside it become
savepoints within its span, and it is committed before the update's first
reply leaves (:meth:`Database.flush`, called by a Bot API session middleware)
or when the update is done. So a reply never announces an effect that a crash
could still undo, and a re-delivered update finds its mark beside its effects.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TypeVar

import aiosqlite
import structlog

log = structlog.get_logger(__name__)

# The reader connection's page cache, in KiB (see Database.open).
READER_CACHE_KB = 512
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


# A finalizer writes the update's mark itself, or returns it as one statement (SQL and
# parameters) to run with the span's RELEASE in one hand-off to the writer's thread.
Statement = tuple[str, tuple[object, ...]]
Finalizer = Callable[[aiosqlite.Connection], Awaitable[Statement | None]]
RollbackHook = Callable[[], None]
T = TypeVar("T")
# Work for the writer's thread: plain sqlite3 calls, run there in one hand-off.
WriterWork = Callable[[sqlite3.Connection], T]


async def on_writer_thread(conn: aiosqlite.Connection, work: WriterWork[T]) -> T:
    """``work(raw connection)`` on ``conn``'s own thread, as one hand-off.

    Each aiosqlite call is a hand-off to that thread and back (a queue put, a
    thread woken, the event loop woken: 25–120 µs of CPU, more than a small
    statement); several statements that need no Python between them run here
    together. aiosqlite has no public call for it: ``_execute`` is the one its
    own methods use (present since its first releases; tests/test_unit_of_work.py
    checks it is still there).
    """
    return await conn._execute(work, conn._conn)


class CommitFailed(Exception):
    """The database refused a commit (disk full, I/O error): nothing of the update was kept."""


class DatabaseUnusable(Exception):
    """The database cannot be opened for reading and writing; the message is one line with the path."""

    def __init__(self, path: Path, cause: str) -> None:
        super().__init__(f"database {path} is unusable: {cause}")
        self.path = path
        self.cause = cause


# SQLite's primary result codes that mean the storage itself is failing, not the SQL.
_STORAGE_FAILURES = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_NOTADB,
}


def storage_failure(exc: BaseException) -> bool:
    """A write that failed because the database cannot store anything now (disk full, I/O error…)."""
    if isinstance(exc, CommitFailed):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.Error) and code is not None and code & 0xFF in _STORAGE_FAILURES


class _Span:
    """One writer's stretch of the shared transaction: a savepoint held under the write lock."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.name = f"span_{next(db._span_numbers)}"
        self.generation = -1
        self.hooks: list[RollbackHook] = []
        self.commit_hooks: list[RollbackHook] = []
        self.task = asyncio.current_task()

    async def begin(self, work: WriterWork[T] | None = None) -> tuple[T | None, BaseException | None]:
        """Take the write lock and open the span (BEGIN if need be, SAVEPOINT) in one hand-off,
        with ``work``, the span's first write block, in the same one: its result, or the
        error it raised (the span stays open; undoing the block is the caller's)."""
        db = self._db
        await db._acquire_write()
        name = self.name

        def opening(raw: sqlite3.Connection) -> tuple[bool, T | None, BaseException | None]:
            began = not raw.in_transaction
            if began:
                raw.execute("BEGIN IMMEDIATE")
            try:
                raw.execute(f"SAVEPOINT {name}")
            except BaseException:
                if began and raw.in_transaction:  # nothing else is in it yet
                    raw.execute("ROLLBACK")
                raise
            if work is None:
                return began, None, None
            try:
                return began, work(raw), None
            except Exception as exc:  # the block's own failure, handed back with the span open
                return began, None, exc

        try:
            if db._in_transaction and not db.conn.in_transaction:
                # SQLite rolled the group's transaction back on its own (disk full, I/O
                # error): what the sealed spans wrote is gone, and their COMMIT must fail.
                db._transaction_lost = True
            began, result, failed = await on_writer_thread(db.conn, opening)
        except BaseException:
            db._write_lock.release()
            raise
        if began:
            db._in_transaction = True
        self.generation = db._generation
        db._span = self
        return result, failed

    async def seal(self, last: Statement | None = None) -> None:
        """Keep the span's writes in the group transaction, let the next writer in, wait for the COMMIT.

        ``last`` (the update's mark) is written first, in the same hand-off as the RELEASE;
        if it fails the span is undone and :class:`CommitFailed` raised."""
        db = self._db
        name = self.name

        def releasing(raw: sqlite3.Connection) -> sqlite3.Error | None:
            if last is not None:
                try:
                    raw.execute(*last)
                except sqlite3.Error as exc:
                    return exc
            raw.execute(f"RELEASE {name}")
            return None

        if db._alone():
            await self._seal_alone(last)
            return
        try:
            refused = await on_writer_thread(db.conn, releasing)
        except BaseException:
            await self.undo()
            raise
        if refused is not None:
            await self.undo()
            db._refuse(1, _describe(refused))
            raise CommitFailed(str(refused)) from refused
        self._join_group()
        db._write_lock.release()
        await db._commit(self.generation)

    def _join_group(self) -> None:
        db = self._db
        db._pending_hooks.extend(self.hooks)
        db._pending_commit_hooks.extend(self.commit_hooks)
        db._group_size += 1
        db._span = None

    async def _seal_alone(self, last: Statement | None) -> None:
        """No other writer waits and none is sealed into this transaction: the mark, the
        RELEASE and the COMMIT in one hand-off, as the group's COMMIT would have done
        the moment this span let go of the lock (one writer at a time, one tap at a time)."""
        db = self._db
        name = self.name

        def committing(raw: sqlite3.Connection) -> tuple[sqlite3.Error | None, bool]:
            if last is not None:
                try:
                    raw.execute(*last)
                except sqlite3.Error as exc:
                    return exc, False
            raw.execute(f"RELEASE {name}")
            try:
                raw.execute("COMMIT")
            except sqlite3.Error as exc:
                return exc, True
            return None, True

        try:
            failed, sealed = await on_writer_thread(db.conn, committing)
        except BaseException:
            await self.undo()
            raise
        if not sealed:
            assert failed is not None
            await self.undo()
            db._refuse(1, _describe(failed))
            raise CommitFailed(str(failed)) from failed
        self._join_group()
        try:
            await db._end_group(failed)
        finally:
            db._write_lock.release()

    async def undo(self) -> None:
        """Roll back this span alone; the group's other writes stay."""
        db = self._db
        try:
            await db.conn.execute(f"ROLLBACK TO {self.name}")
            await db.conn.execute(f"RELEASE {self.name}")
        except sqlite3.Error as exc:  # the whole transaction is already gone (disk full, I/O error)
            log.warning("db.span_rollback_failed", error=type(exc).__name__)
        finally:
            db._span = None
            db._write_lock.release()
            self.commit_hooks.clear()
            _run_hooks(self.hooks)


async def no_mark(conn: object) -> None:
    """The finalizer of a unit with no processed mark to write: one not tied to an update,
    or one closed (its update's mark is written, or never will be)."""


def _run_hooks(hooks: list[RollbackHook]) -> None:
    for hook in reversed(hooks):
        hook()
    hooks.clear()


class UnitOfWork:
    """The writes of one update, as one span begun lazily at its first write.

    ``finalize`` (the update's processed mark) runs inside the span just before
    it is sealed and committed. An update that writes nothing writes nothing
    here: its mark is the idempotency middleware's business.
    """

    def __init__(self, db: Database, finalize: Finalizer) -> None:
        self._db = db
        self._finalize = finalize
        self._task = asyncio.current_task()
        self._lock = asyncio.Lock()
        self._depth = 0
        self._savepoints = 0
        self._span: _Span | None = None  # open: this unit holds the write lock
        self.finalized = False  # the mark has been committed
        self.closed = False
        self.refused: str | None = None  # why a write of this unit was refused (``_refuse``)
        # What the update's reply says, in a word, stored with its mark (``note_reply``).
        self.reply: str | None = None
        # Writes begun after a reply has left: committed on their own, after the
        # mark, so a crash between the two would lose them. Handlers write first.
        self.writes_after_flush = 0

    @property
    def open(self) -> bool:
        return self._span is not None

    def joinable(self) -> bool:
        return not self.closed and asyncio.current_task() is self._task

    def on_rollback(self, hook: RollbackHook) -> None:
        if self._span is not None:
            self._span.hooks.append(hook)

    def on_commit(self, hook: RollbackHook) -> None:
        if self._span is not None:
            self._span.commit_hooks.append(hook)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[aiosqlite.Connection]:
        conn = self._db.conn
        async with self._lock:
            fresh = self._span is None
            if self._span is None:
                if self.finalized:
                    self.writes_after_flush += 1
                    log.warning("db.write_after_reply")
                span = _Span(self._db)
                await span.begin()
                self._span = span
            span = self._span
            if not fresh:
                self._db.check_transaction()
        self._depth += 1
        try:
            if fresh:
                # The span's own savepoint is empty so far: undoing the block is undoing
                # to it, and a savepoint of its own would cost two more round trips.
                try:
                    yield conn
                except BaseException as exc:
                    await self._undo_block(conn, span.name, exc, release=False)
                    raise
                return
            name = f"{span.name}_{self._savepoints}"
            self._savepoints += 1
            await conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException as exc:
                await self._undo_block(conn, name, exc, release=True)
                raise
            else:
                await conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    async def run(self, work: WriterWork[T]) -> T:
        """``work`` as one write block of the unit, in one hand-off to the writer's thread:
        the first one together with opening the span (BEGIN, SAVEPOINT), a later one
        together with a savepoint of its own and its RELEASE."""
        async with self._lock:
            span = self._span
            if span is None:
                if self.finalized:
                    self.writes_after_flush += 1
                    log.warning("db.write_after_reply")
                span = _Span(self._db)
                result, failed = await span.begin(work)
                self._span = span
                if failed is not None:
                    await self._undo_block(self._db.conn, span.name, failed, release=False)
                    raise failed
                return result  # type: ignore[return-value]
            self._db.check_transaction()
            name = f"{span.name}_{self._savepoints}"
            self._savepoints += 1

        def nested(raw: sqlite3.Connection) -> tuple[T | None, BaseException | None]:
            raw.execute(f"SAVEPOINT {name}")
            try:
                result = work(raw)
            except Exception as exc:
                return None, exc
            raw.execute(f"RELEASE {name}")
            return result, None

        self._depth += 1
        try:
            result, failed = await on_writer_thread(self._db.conn, nested)
            if failed is not None:
                await self._undo_block(self._db.conn, name, failed, release=True)
                raise failed
            return result  # type: ignore[return-value]
        finally:
            self._depth -= 1

    async def _undo_block(
        self, conn: aiosqlite.Connection, name: str, exc: BaseException, *, release: bool
    ) -> None:
        """Undo one write block; a storage failure becomes :class:`CommitFailed` for the whole update."""
        try:
            await conn.execute(f"ROLLBACK TO {name}")
            if release:
                await conn.execute(f"RELEASE {name}")
        except sqlite3.Error as undo_failed:
            if not storage_failure(exc):
                raise CommitFailed(self._refuse(_describe(undo_failed))) from exc
        if storage_failure(exc) and not isinstance(exc, CommitFailed):
            raise CommitFailed(self._refuse(_describe(exc))) from exc

    def _refuse(self, reason: str) -> str:
        """Count a refused write and remember it: this unit's earlier writes are gone, so every
        later flush refuses too, or a later write (and the mark) would be kept without them."""
        self._db._refuse(1, reason)
        self.refused = reason
        return reason

    async def flush(self) -> None:
        """Seal what is open, with the mark if it is not committed yet, and wait for its COMMIT."""
        async with self._lock:
            span = self._span
            if self.refused is not None:
                if span is not None and not self._depth:
                    self._span = None
                    await span.undo()
                raise CommitFailed(self.refused)
            if span is None or self._depth:
                return
            last: Statement | None = None
            try:
                self._db.check_transaction()
                if not self.finalized:
                    last = await self._finalize(self._db.conn)
            except (sqlite3.Error, CommitFailed) as exc:
                self._span = None
                await span.undo()
                self._refuse(_describe(exc))
                if isinstance(exc, CommitFailed):
                    raise
                raise CommitFailed(str(exc)) from exc
            except BaseException:
                self._span = None
                await span.undo()
                raise
            self._span = None
            try:
                await span.seal(last)
            except (sqlite3.Error, CommitFailed) as exc:
                self.refused = _describe(exc)
                raise
            self.finalized = True

    async def complete(self) -> None:
        """The update is done: commit what it wrote, if anything."""
        await self.flush()

    async def abort(self) -> None:
        async with self._lock:
            span, self._span = self._span, None
            if span is not None:
                await span.undo()

    def close(self) -> None:
        """The update is over: drop what the unit refers to.

        A task started during the update (aiohttp's keep-alive connections, a background
        flush) copies its context, and with it this unit, and may outlive it by minutes:
        the finalizer's closure (the update, its middleware data) must not live that long.
        """
        self.closed = True
        self._finalize = no_mark
        self._task = None


def migration_problems() -> list[str]:
    """Why the bundled migrations could not be applied (gaps, duplicate numbers), or nothing."""
    try:
        _migrations()
    except RuntimeError as exc:
        return [str(exc)]
    return []


class Database:
    """The writer connection (``conn``) and the reader connection (``reader``).

    Reads go to :attr:`reads`: the reader, a connection of its own in WAL mode,
    so each statement sees one committed snapshot from its first row to its
    last, however long it is stepped, and never another update's uncommitted
    writes. Only an update that holds the write lock with writes of its own not
    yet committed reads on the writer, to see them: nothing else writes there
    meanwhile, and what other spans of its group wrote is committed or refused
    together with its own, before any reply.
    """

    dialect = "sqlite"
    shared = False  # this process is the database's only writer (see bot/storage/mirror.py)

    def __init__(
        self, conn: aiosqlite.Connection, path: Path, reader: aiosqlite.Connection | None = None
    ) -> None:
        self.conn = conn
        self.reader = reader or conn
        self.path = path
        # Why the last COMMIT was refused, until one succeeds again (/healthz).
        self.failing: str | None = None
        self.refused = 0  # writes refused by a failing database, for the metric
        self._refused_listeners: list[Callable[[int], None]] = []
        self._group_size = 0  # spans sealed into the open group transaction
        self._write_lock = asyncio.Lock()
        self._wanting = 0  # tasks waiting for the write lock (see _alone)
        self._in_transaction = False
        self._transaction_lost = False
        self._generation = 0  # which group transaction is open; bumped by each COMMIT
        self._commits: dict[int, asyncio.Task[None]] = {}
        self._span: _Span | None = None
        self._span_numbers = itertools.count()
        self._pending_hooks: list[RollbackHook] = []  # of sealed spans not yet committed
        self._pending_commit_hooks: list[RollbackHook] = []
        self.commits = 0  # group COMMITs so far, for tests and the benchmark
        # Per instance, not per module: two databases in one process (tests) never share a unit.
        self._unit: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar(
            f"casebot_unit_{id(self)}", default=None
        )

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open, migrate and prove writable, or :class:`DatabaseUnusable` with everything opened closed.

        A bot that cannot write must not start: it would take taps it cannot keep.
        """
        _check_access(path)
        opened: list[aiosqlite.Connection] = []
        try:
            conn = await _connect(path, opened)
            # WAL lets the reader, a backup or the export command read while the bot
            # writes; synchronous=FULL because a signer told "thank you" must stay
            # signed after a power cut.
            async with conn.execute("PRAGMA journal_mode=WAL") as cur:
                mode = await cur.fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                raise DatabaseUnusable(
                    path, "SQLite could not switch it to WAL mode (is the folder writable?)"
                )
            await conn.execute("PRAGMA synchronous=FULL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            reader = await _connect(path, opened)
            await reader.execute("PRAGMA query_only=ON")  # reads only, whatever a bug may try
            await reader.execute("PRAGMA busy_timeout=5000")
            # In WAL mode a connection's page cache is emptied whenever another one has
            # committed since its last read, so with every signature the reader starts
            # cold anyway; a quarter of SQLite's default (2 MB) holds what one read needs.
            await reader.execute(f"PRAGMA cache_size=-{READER_CACHE_KB}")
            db = cls(conn, path, reader)
            await db.migrate()
            await db._prove_writable()
            db.commits = 0  # the proof is not one of the bot's commits
        except BaseException as exc:
            for connection in reversed(opened):
                await _close_quietly(connection)
            if isinstance(exc, DatabaseUnusable):
                raise
            if isinstance(exc, sqlite3.Error | OSError | CommitFailed):
                raise DatabaseUnusable(path, _describe(exc)) from exc
            raise
        return db

    async def _prove_writable(self) -> None:
        # A real write and COMMIT: a read-only file opens and reads without complaint.
        async with self.write() as conn:
            await _rewrite_version(conn)

    async def migrate(self) -> None:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        current = int(row[0]) if row else 0
        known = _migrations()
        if current > len(known):
            raise DatabaseUnusable(
                self.path, f"it is at migration {current}, newer than this casebot knows ({len(known)})"
            )
        for number, name, sql in known:
            if number <= current:
                continue
            async with self._write_lock:
                try:
                    await self.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version={number};\nCOMMIT;"
                    )
                except sqlite3.Error as exc:
                    if self.conn.in_transaction:
                        await self._rollback_quietly()
                    raise DatabaseUnusable(self.path, f"migration {name} failed: {_describe(exc)}") from exc
            log.info("db.migrated", migration=name)

    @property
    def reads(self) -> aiosqlite.Connection:
        """The connection a read should use now (see the class's docstring)."""
        unit = self._unit.get()
        if unit is not None and unit.open and unit.joinable():
            return self.conn
        span = self._span
        if span is not None and span.task is asyncio.current_task():
            return self.conn  # inside a write block of this task's own
        return self.reader

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One atomic write, durable when the block is left; rolled back on error.

        Inside a :meth:`unit_of_work` (in the task that opened it) the block is a
        savepoint of the unit's span instead, committed with it.
        """
        unit = self._unit.get()
        if unit is not None and unit.joinable():
            async with unit.savepoint() as conn:
                yield conn
            return
        span = _Span(self)
        try:
            await span.begin()
        except sqlite3.Error as exc:
            if storage_failure(exc):
                self._refuse(1, _describe(exc))
                raise CommitFailed(_describe(exc)) from exc
            raise
        try:
            yield self.conn
        except BaseException as exc:
            await span.undo()
            if storage_failure(exc) and not isinstance(exc, CommitFailed):
                self._refuse(1, _describe(exc))
                raise CommitFailed(_describe(exc)) from exc
            raise
        await span.seal()

    async def write_call(self, work: WriterWork[T]) -> T:
        """``work`` (plain sqlite3 calls on the writer) as one atomic write block, as :meth:`write`
        but in one hand-off to the writer's thread instead of one per statement: inside a
        unit of work a savepoint of its span (the span opened in the same hand-off), else
        a write of its own, durable when this returns."""
        unit = self._unit.get()
        if unit is not None and unit.joinable():
            return await unit.run(work)
        async with self.write() as conn:
            return await on_writer_thread(conn, work)

    def check_transaction(self) -> None:
        """Refuse to go on writing in a transaction SQLite has rolled back on its own.

        Outside a transaction each statement would commit alone: a processed mark
        without the effects it vouches for.
        """
        if self._in_transaction and not self.conn.in_transaction:
            self._transaction_lost = True
            raise CommitFailed("SQLite rolled the transaction back (disk full or I/O error)")

    def on_commit(self, hook: RollbackHook) -> None:
        """Call ``hook`` once the write in progress is committed (a cache of committed data forgets).

        Outside a write block there is nothing pending: the hook runs at once.
        """
        unit = self._unit.get()
        if unit is not None and unit.joinable() and unit.open:
            unit.on_commit(hook)
        elif self._span is not None and self._span.task is asyncio.current_task():
            self._span.commit_hooks.append(hook)
        else:
            hook()

    def unit_memo(self) -> dict[tuple[str, str], object] | None:
        """None: one process mirrors what PostgreSQL's workers keep per transaction (pg.py)."""
        return None

    def note_reply(self, note: str) -> None:
        """Keep ``note`` with the current update's processed mark (a re-delivered copy says it again)."""
        unit = self._unit.get()
        if unit is not None and unit.joinable() and not unit.finalized:
            unit.reply = note

    def current_reply(self) -> str | None:
        unit = self._unit.get()
        return unit.reply if unit is not None else None

    def on_rollback(self, hook: RollbackHook) -> None:
        """Call ``hook`` if the write in progress is rolled back (an in-memory mirror undoes itself).

        Only meaningful inside a write block; the hook runs when that block's
        span is undone or its group's COMMIT fails, and is dropped once committed.
        """
        unit = self._unit.get()
        if unit is not None and unit.joinable() and unit.open:
            unit.on_rollback(hook)
        elif self._span is not None:
            self._span.hooks.append(hook)

    async def _commit(self, generation: int) -> None:
        task = self._commits.get(generation)
        if task is None:
            task = self._commits[generation] = asyncio.ensure_future(self._commit_group(generation))
        # Shielded: a writer cancelled while waiting must not cancel the others' COMMIT.
        await asyncio.shield(task)

    async def _commit_group(self, generation: int) -> None:
        # Taken after every writer already queued for the lock: they join this group.
        await self._acquire_write()
        try:
            del self._commits[generation]
            if not self._in_transaction:
                await self._end_group(None)
                return
            lost = self._transaction_lost
            if lost or not self.conn.in_transaction:
                if self.conn.in_transaction:
                    await self._rollback_quietly()
                self._in_transaction = False
                await self._end_group(None, lost="SQLite rolled the transaction back before its COMMIT")
                return
            failed: sqlite3.Error | None = None
            try:
                await self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                failed = exc
            await self._end_group(failed)
        finally:
            self._write_lock.release()

    async def _acquire_write(self) -> None:
        self._wanting += 1
        try:
            await self._write_lock.acquire()
        finally:
            self._wanting -= 1

    def _alone(self) -> bool:
        """The span holding the lock is the only writer around: none waits for the lock, none
        is sealed into the open transaction, no COMMIT is due, and that transaction is whole."""
        return (
            self._wanting == 0
            and self._group_size == 0
            and not self._commits
            and self._in_transaction
            and not self._transaction_lost
            and self.conn.in_transaction
        )

    async def _end_group(self, failed: sqlite3.Error | None, lost: str | None = None) -> None:
        """Under the write lock, after the group's COMMIT was tried (``failed``: it was refused;
        ``lost``: there was nothing left to commit): its writers' hooks, and the next group."""
        self._generation += 1
        hooks, self._pending_hooks = self._pending_hooks, []
        committed, self._pending_commit_hooks = self._pending_commit_hooks, []
        writers, self._group_size = self._group_size, 0
        if not self._in_transaction and lost is None:
            _run_hooks(committed)
            return
        self._in_transaction = False
        self._transaction_lost = False
        if lost is not None:
            _run_hooks(hooks)
            self._refuse(writers, lost)
            raise CommitFailed(lost)
        if failed is not None:
            await self._rollback_quietly()
            _run_hooks(hooks)
            self._refuse(writers, _describe(failed))
            raise CommitFailed(str(failed)) from failed
        self.commits += 1
        _run_hooks(committed)
        if self.failing is not None:
            log.info("db.commits_accepted_again", after=self.failing)
            self.failing = None

    async def _rollback_quietly(self) -> None:
        try:
            await self.conn.execute("ROLLBACK")
        except sqlite3.Error as exc:  # a failed COMMIT may already have rolled back
            log.warning("db.rollback_failed", error=type(exc).__name__)

    @asynccontextmanager
    async def unit_of_work(self, finalize: Finalizer) -> AsyncIterator[UnitOfWork]:
        """Everything written inside is one span with ``finalize``; see :class:`UnitOfWork`."""
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
            unit.close()
            self._unit.reset(token)

    async def flush(self) -> None:
        """Commit the current unit of work, if any: called before a reply leaves."""
        unit = self._unit.get()
        if unit is not None and not unit.closed:
            await unit.flush()

    async def ping(self) -> bool:
        async with self.reader.execute("SELECT 1") as cur:
            return (await cur.fetchone()) is not None

    async def healthy(self) -> bool:
        """Reads work and commits are accepted.

        After a refused COMMIT, a read that still works is not health: a small
        real write is tried instead, and only its COMMIT clears the failure.
        """
        if self.failing is None:
            return await self.ping()
        try:
            async with self.write() as conn:
                await _rewrite_version(conn)
        except (CommitFailed, sqlite3.Error):
            return False
        return self.failing is None

    def on_refused(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(n)`` when ``n`` writes are refused by a failing database (a metric)."""
        self._refused_listeners.append(listener)

    def _refuse(self, writers: int, reason: str) -> None:
        self.failing = reason
        self.refused += writers
        log.error("db.commit_refused", writers=writers, reason=reason)
        for listener in self._refused_listeners:
            listener(writers)

    async def close(self) -> None:
        if self.reader is not self.conn:
            await _close_quietly(self.reader)
        await self.conn.close()


async def _rewrite_version(conn: aiosqlite.Connection) -> None:
    """The smallest real write: the schema version in the header, set to what it is."""
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    await conn.execute(f"PRAGMA user_version={int(row[0]) if row else 0}")


def _check_access(path: Path) -> None:
    """The plain reasons first, named as such: SQLite's own words for them are vague."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnusable(path, f"its folder cannot be created ({exc.strerror})") from exc
    if not os.access(folder, os.W_OK | os.X_OK, effective_ids=True):
        raise DatabaseUnusable(
            path, "its folder is not writable (SQLite keeps its -wal and -shm files beside the database)"
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK, effective_ids=True):
        raise DatabaseUnusable(path, "the file is not readable and writable by this user")


async def _connect(path: Path, opened: list[aiosqlite.Connection]) -> aiosqlite.Connection:
    connection = aiosqlite.connect(path, isolation_level=None)
    # Its worker thread runs from here on; it is closed even when connecting fails.
    opened.append(connection)
    await connection
    connection.row_factory = aiosqlite.Row
    return connection


async def _close_quietly(connection: aiosqlite.Connection) -> None:
    try:
        await connection.close()
    except Exception as exc:  # a connection that never opened: its thread is stopped anyway
        log.debug("db.close_failed", error=type(exc).__name__)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text
