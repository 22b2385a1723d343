"""All SQL of casebot, behind small repositories with explicit methods."""

from __future__ import annotations

import datetime as dt

from bot.storage.db import Database


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class UserSettingsRepository:
    """A reader's stored language choice.

    Read on every update, so it is cached in memory: the process is the only
    writer, and the cache is updated on every write, so it cannot go stale.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[int, str | None] = {}

    async def get_locale(self, user_id: int) -> str | None:
        if user_id in self._cache:
            return self._cache[user_id]
        async with self._db.conn.execute(
            "SELECT locale FROM user_settings WHERE user_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        locale = str(row[0]) if row else None
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[user_id] = locale
        return locale

    async def set_locale(self, user_id: int, locale: str) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO user_settings (user_id, locale, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale, "
                "updated_at = excluded.updated_at",
                (user_id, locale, _now()),
            )
        self._cache[user_id] = locale

    async def forget(self, user_id: int) -> bool:
        async with self._db.write() as conn:
            cur = await conn.execute("DELETE FROM user_settings WHERE user_id = ?", (user_id,))
            deleted = cur.rowcount > 0
        self._cache.pop(user_id, None)
        return deleted
