"""In-memory copies of rows that only this process writes, and how they stay true.

casebot runs one bot process per database, so a copy kept in memory and
changed only after its own write succeeded cannot drift — except when the
write's transaction is rolled back later (an exception leaves the handler
after the write, or the group COMMIT fails): then memory holds what the
database no longer does. So every change to a copy registers a hook with
:meth:`bot.storage.db.Database.on_rollback`, called after exactly that
rollback, which throws the copy away; the next read loads it again. A failed
update that wrote nothing here costs nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Generic, TypeVar

from cachetools import LRUCache

if TYPE_CHECKING:
    import aiosqlite

    from bot.storage.db import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
OnRollback = Callable[[Callable[[], None]], None]


class TableMirror(Generic[K, V]):
    """The rows of one table in memory, loaded at first use, for a table only this process writes.

    A write wraps its SQL in :meth:`writing` and, once that succeeded, changes the
    copy with :meth:`put` or :meth:`drop`; a write that failed throws the copy
    away (a load may have seen its row before the rollback). A load during which
    a write finished is done again, since it may have missed it; a write still
    under way when a load ends changes the new copy when it finishes. A load
    never waits for writers: a writer may be waiting for the transaction of the
    very update that is loading.
    """

    def __init__(self, load: Callable[[], Awaitable[dict[K, V]]], on_rollback: OnRollback) -> None:
        self._load_rows = load
        self._on_rollback = on_rollback
        self._rows: dict[K, V] | None = None
        self._finished_writes = 0
        self._loading = asyncio.Lock()

    async def rows(self) -> dict[K, V]:
        rows = self._rows
        if rows is None:
            async with self._loading:
                if self._rows is None:
                    await self._load()
            rows = self._rows
            assert rows is not None
        return rows

    async def _load(self) -> None:
        while True:
            seen = self._finished_writes
            rows = await self._load_rows()
            if seen == self._finished_writes:
                break
        self._rows = rows

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        try:
            yield
        except BaseException:
            self._rows = None
            self._finished_writes += 1
            raise

    def put(self, key: K, value: V) -> None:
        self._finished_writes += 1
        if self._rows is not None:
            self._rows[key] = value
        self._on_rollback(self.forget)

    def drop(self, key: K) -> None:
        self._finished_writes += 1
        if self._rows is not None:
            self._rows.pop(key, None)
        self._on_rollback(self.forget)

    def forget(self) -> None:
        """Throw the copy away: the next read loads the table again."""
        self._rows = None
        self._finished_writes += 1


class CommittedReads(Generic[K, V]):
    """Values read from committed rows, kept until a COMMIT that may have changed them.

    For reads asked on every tap of a button (is this reader following the case?
    how many have signed?) whose rows change far less often than they are read.
    A value is kept only when it was read on the reader connection — committed
    data, not an update's own uncommitted writes — and no COMMIT that changed it
    finished while it was being read. A write calls :meth:`changed` inside its
    write block; its COMMIT empties the cache (until then everyone else still
    reads the committed value, which is what the cache holds). With several
    workers (``db.shared``) another process commits too: nothing is kept.
    """

    def __init__(self, db: Database, maxsize: int) -> None:
        self._db = db
        self._values: LRUCache[K, V] = LRUCache(maxsize)
        self._epoch = 0  # bumped whenever the values are thrown away

    async def read(self, key: K, load: Callable[[aiosqlite.Connection], Awaitable[V]]) -> V:
        conn, db = self._db.reads, self._db
        committed = conn is db.reader and db.reader is not db.conn and not db.shared
        if committed:
            try:
                return self._values[key]
            except KeyError:
                pass
        epoch = self._epoch
        value = await load(conn)
        if committed and epoch == self._epoch:
            self._values[key] = value
        return value

    def changed(self) -> None:
        """Inside a write block that may change the values: forget them once it is committed."""
        self._db.on_commit(self.forget)

    def forget(self) -> None:
        self._epoch += 1
        self._values.clear()
