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

from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)

Resync = Callable[[], Awaitable[None]]


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
