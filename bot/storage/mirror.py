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
from typing import Generic, TypeVar

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
