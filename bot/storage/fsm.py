"""aiogram FSM storage in SQLite, so a dialogue (an admin's half-written post)
survives a restart.

A row exists only while a dialogue is under way: when its state and data are
both empty (``state.clear()``), the row is deleted, and rows left untouched
longer than ``max_idle`` are purged at start and hourly after — what a signer typed into an
abandoned dialogue does not linger on disk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.storage.repositories import FsmRepository

DEFAULT_MAX_IDLE = dt.timedelta(days=2)
_PURGE_EVERY = dt.timedelta(hours=1)


def storage_key(key: StorageKey) -> str:
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id, key.business_connection_id, key.destiny)
    return ":".join("" if part is None else str(part) for part in parts)


class SqliteStorage(BaseStorage):
    def __init__(self, rows: FsmRepository, max_idle: dt.timedelta = DEFAULT_MAX_IDLE) -> None:
        self._rows = rows
        self._max_idle = max_idle
        self._purged_at: dt.datetime | None = None

    async def purge_idle(self, now: dt.datetime) -> int:
        self._purged_at = now
        return await self._rows.purge(now - self._max_idle)

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        row = await self._rows.get(storage_key(key))
        if row is None:
            return None, {}
        state, data = row
        return state, json.loads(data)

    async def _write(self, key: StorageKey, state: str | None, data: Mapping[str, Any]) -> None:
        # A bot that runs for months must not keep abandoned dialogues for months.
        now = dt.datetime.now(dt.UTC)
        if self._purged_at is None or now - self._purged_at > _PURGE_EVERY:
            await self.purge_idle(now)
        if state is None and not data:
            await self._rows.delete(storage_key(key))
        else:
            await self._rows.put(storage_key(key), state, json.dumps(dict(data), ensure_ascii=False))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        _, data = await self._read(key)
        await self._write(key, state.state if isinstance(state, State) else state, data)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._read(key)
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
        state, _ = await self._read(key)
        await self._write(key, state, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._read(key)
        return data

    async def close(self) -> None:
        # The connection belongs to the Database, which the App closes.
        pass
