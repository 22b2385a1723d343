"""In-memory copies of rows that only this process writes, and how they stay true.

casebot runs one bot process per database, so a copy kept in memory and
changed only after its own write succeeded cannot drift — except when the
update's unit of work is rolled back later (an exception leaves the handler,
or the commit itself fails): then memory holds what the database no longer
does. Each copy registers here how to re-read the truth, and
:class:`bot.middlewares.MirrorResyncMiddleware`, outside the unit of work,
runs them all after an update ended in an exception, when the rollback is done.
Failures are rare and the copies small, so re-reading everything is simpler
and surer than undoing one update's changes (which may in part be committed).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

import structlog

log = structlog.get_logger(__name__)

Resync = Callable[[], Awaitable[None]]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Mirrors:
    def __init__(self) -> None:
        self._resyncs: list[tuple[str, Resync]] = []

    def register(self, name: str, resync: Resync) -> None:
        self._resyncs.append((name, resync))

    async def resync(self) -> None:
        for name, resync in self._resyncs:
            try:
                await resync()
            except Exception as exc:  # the update's own exception matters more
                log.error("mirror.resync_failed", mirror=name, error=type(exc).__name__)


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

    def __init__(self, load: Callable[[], Awaitable[dict[K, V]]]) -> None:
        self._load_rows = load
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

    async def resync(self) -> None:
        self._rows = None
        async with self._loading:
            await self._load()

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

    def drop(self, key: K) -> None:
        self._finished_writes += 1
        if self._rows is not None:
            self._rows.pop(key, None)
