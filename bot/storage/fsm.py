"""aiogram FSM storage in SQLite, so a dialogue (an admin's half-written post)
survives a restart.

A row exists only while a dialogue is under way: when its state and data are
both empty (``state.clear()``), the row is deleted, and rows left untouched
longer than ``max_idle`` are purged at start and hourly after — what a signer typed into an
abandoned dialogue does not linger on disk.

aiogram asks for the state of every update, so the rows are mirrored in memory
(loaded once; this process is their only writer) and reads never reach SQLite.
Writes go to SQLite first, inside the update's unit of work, and reach the
mirror only once their write block succeeded; if the unit is rolled back after
that, the rollback throws the mirror away and the next read loads it again.
Only dialogues under way are held: a cleared key leaves the mirror as its row
leaves the table.

With several workers (PostgreSQL) there is no mirror: a dialogue begun on one
worker continues on another, so every read asks the database, inside the
update's own transaction, and every step still joins that transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.storage.mirror import TableMirror
from bot.storage.repositories import FsmRepository

DEFAULT_MAX_IDLE = dt.timedelta(days=2)
_PURGE_EVERY = dt.timedelta(hours=1)

# A dialogue as stored: its state and its data as JSON text (parsed anew on every
# read, so a caller that changes the dict it got cannot change the mirror).
Dialogue = tuple[str | None, str]


def storage_key(key: StorageKey) -> str:
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id, key.business_connection_id, key.destiny)
    return ":".join("" if part is None else str(part) for part in parts)


class SqliteStorage(BaseStorage):
    def __init__(
        self, rows: FsmRepository, max_idle: dt.timedelta = DEFAULT_MAX_IDLE, *, shared: bool = False
    ) -> None:
        self._rows = rows
        self._shared = shared
        self._max_idle = max_idle
        self._purged_at: dt.datetime | None = None
        self._dialogues: TableMirror[str, Dialogue] = TableMirror(rows.all, rows.on_rollback)

    async def purge_idle(self, now: dt.datetime) -> int:
        self._purged_at = now
        async with self._dialogues.writing():
            purged = await self._rows.purge(now - self._max_idle)
        for key in purged:
            self._dialogues.drop(key)
        return len(purged)

    async def prefetch(
        self, key: StorageKey, scalars: tuple[str, ...], params: tuple[object, ...]
    ) -> tuple[object, ...]:
        """With several workers, inside the update's transaction: the dialogue row, kept there
        for every read of it that follows, and other owners' scalar subqueries read in the
        same round trip (the reader's language, the cases followed); their values."""
        return await self._rows.get_along(storage_key(key), scalars, params)

    async def _read(self, key: StorageKey) -> Dialogue | None:
        if self._shared:
            return await self._rows.get(storage_key(key))
        return (await self._dialogues.rows()).get(storage_key(key))

    async def _exists(self, row_key: str) -> bool:
        if self._shared:
            return await self._rows.get(row_key) is not None
        return row_key in await self._dialogues.rows()

    async def _write(self, key: StorageKey, state: str | None, data: Mapping[str, Any]) -> None:
        row_key = storage_key(key)
        if state is None and not data and not await self._exists(row_key):
            return  # nothing under way and nothing to keep: no row to delete
        # A bot that runs for months must not keep abandoned dialogues for months.
        now = dt.datetime.now(dt.UTC)
        if self._purged_at is None or now - self._purged_at > _PURGE_EVERY:
            await self.purge_idle(now)
        if state is None and not data:
            async with self._dialogues.writing():
                await self._rows.delete(row_key)
            self._dialogues.drop(row_key)
        else:
            kept = (state, json.dumps(dict(data), ensure_ascii=False))
            async with self._dialogues.writing():
                await self._rows.put(row_key, *kept)
            self._dialogues.put(row_key, kept)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        row = await self._read(key)
        data = json.loads(row[1]) if row else {}
        await self._write(key, state.state if isinstance(state, State) else state, data)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read(key)
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        row = await self._read(key)
        await self._write(key, row[0] if row else None, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return json.loads(row[1]) if row else {}

    async def close(self) -> None:
        # The connection belongs to the Database, which the App closes.
        pass
