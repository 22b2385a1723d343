"""All SQL of casebot, behind small repositories with explicit methods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

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


@dataclass(frozen=True, slots=True)
class StoredSignature:
    petition: str
    display_name: str | None
    city: str | None
    locale: str
    signed_at: dt.datetime
    source: str | None


@dataclass(frozen=True, slots=True)
class AddResult:
    added: bool  # False: this signer had already signed
    count: int  # the petition's count after the call
    milestones: tuple[int, ...]  # thresholds reached by this signature


def _signature(row: aiosqlite.Row) -> StoredSignature:
    return StoredSignature(
        petition=row["petition"],
        display_name=row["display_name"],
        city=row["city"],
        locale=row["locale"],
        signed_at=dt.datetime.fromisoformat(row["signed_at"]),
        source=row["source"],
    )


class SignatureRepository:
    """Signatures and the per-petition counter kept beside them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        petition: str,
        signer: bytes,
        *,
        display_name: str | None,
        city: str | None,
        locale: str,
        signed_at: dt.datetime,
        source: str | None,
        thresholds: tuple[int, ...] = (),
    ) -> AddResult:
        """Insert and count in one transaction; a second signature by the same signer is a no-op.

        The UNIQUE (petition, signer) constraint decides, not a prior SELECT, so
        two concurrent taps cannot both get through.
        """
        async with self._db.write() as conn:
            await conn.execute("INSERT OR IGNORE INTO petitions (slug) VALUES (?)", (petition,))
            cur = await conn.execute(
                "INSERT INTO signatures (petition, signer, display_name, city, locale, signed_at, source) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (petition, signer) DO NOTHING",
                (petition, signer, display_name, city, locale, signed_at.isoformat(), source),
            )
            added = cur.rowcount == 1
            if added:
                await conn.execute(
                    "UPDATE petitions SET signature_count = signature_count + 1 WHERE slug = ?",
                    (petition,),
                )
            count = await self._count(conn, petition)
            reached: list[int] = []
            if added:
                for threshold in thresholds:
                    if threshold <= count:
                        cur = await conn.execute(
                            "INSERT OR IGNORE INTO petition_milestones (petition, threshold, reached_at) "
                            "VALUES (?, ?, ?)",
                            (petition, threshold, signed_at.isoformat()),
                        )
                        if cur.rowcount == 1:
                            reached.append(threshold)
        return AddResult(added=added, count=count, milestones=tuple(reached))

    async def remove(self, petition: str, signer: bytes) -> bool:
        async with self._db.write() as conn:
            cur = await conn.execute(
                "DELETE FROM signatures WHERE petition = ? AND signer = ?", (petition, signer)
            )
            removed = cur.rowcount == 1
            if removed:
                await conn.execute(
                    "UPDATE petitions SET signature_count = signature_count - 1 WHERE slug = ?",
                    (petition,),
                )
        return removed

    async def remove_all_of(self, signer: bytes) -> int:
        """Every signature of one signer, counters kept exact; returns how many."""
        async with self._db.write() as conn:
            async with conn.execute(
                "SELECT petition, COUNT(*) FROM signatures WHERE signer = ? GROUP BY petition",
                (signer,),
            ) as cur:
                per_petition = [(str(r[0]), int(r[1])) for r in await cur.fetchall()]
            await conn.execute("DELETE FROM signatures WHERE signer = ?", (signer,))
            for petition, removed in per_petition:
                await conn.execute(
                    "UPDATE petitions SET signature_count = signature_count - ? WHERE slug = ?",
                    (removed, petition),
                )
        return sum(n for _, n in per_petition)

    async def get(self, petition: str, signer: bytes) -> StoredSignature | None:
        async with self._db.conn.execute(
            "SELECT * FROM signatures WHERE petition = ? AND signer = ?", (petition, signer)
        ) as cur:
            row = await cur.fetchone()
        return _signature(row) if row else None

    @staticmethod
    async def _count(conn: aiosqlite.Connection, petition: str) -> int:
        async with conn.execute("SELECT signature_count FROM petitions WHERE slug = ?", (petition,)) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def count(self, petition: str) -> int:
        return await self._count(self._db.conn, petition)

    async def closed_at(self, petition: str) -> dt.datetime | None:
        async with self._db.conn.execute(
            "SELECT closed_at FROM petitions WHERE slug = ?", (petition,)
        ) as cur:
            row = await cur.fetchone()
        return dt.datetime.fromisoformat(row[0]) if row and row[0] else None

    async def close(self, petition: str, at: dt.datetime) -> None:
        async with self._db.write() as conn:
            await conn.execute("INSERT OR IGNORE INTO petitions (slug) VALUES (?)", (petition,))
            await conn.execute(
                "UPDATE petitions SET closed_at = COALESCE(closed_at, ?) WHERE slug = ?",
                (at.isoformat(), petition),
            )

    async def reconcile(self, petition: str) -> tuple[int, int]:
        """(kept counter, rows counted now); the counter is reset to the rows if they differ."""
        async with self._db.write() as conn:
            kept = await self._count(conn, petition)
            async with conn.execute("SELECT COUNT(*) FROM signatures WHERE petition = ?", (petition,)) as cur:
                row = await cur.fetchone()
            actual = int(row[0]) if row else 0
            if kept != actual:
                await conn.execute(
                    "UPDATE petitions SET signature_count = ? WHERE slug = ?", (actual, petition)
                )
        return kept, actual

    async def milestones(self, petition: str) -> list[tuple[int, dt.datetime]]:
        async with self._db.conn.execute(
            "SELECT threshold, reached_at FROM petition_milestones WHERE petition = ? ORDER BY threshold",
            (petition,),
        ) as cur:
            return [(int(r[0]), dt.datetime.fromisoformat(r[1])) for r in await cur.fetchall()]

    async def all_of(self, petition: str) -> list[StoredSignature]:
        """Every signature, oldest first, for delivery of the demand."""
        async with self._db.conn.execute(
            "SELECT * FROM signatures WHERE petition = ? ORDER BY id", (petition,)
        ) as cur:
            return [_signature(row) for row in await cur.fetchall()]


class FollowRepository:
    """Consent to receive a case's news (the news itself comes with broadcasts)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def follow(self, chat_id: int, slug: str, locale: str) -> bool:
        async with self._db.write() as conn:
            cur = await conn.execute(
                "INSERT INTO follows (chat_id, slug, locale, followed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (chat_id, slug) DO UPDATE SET locale = excluded.locale",
                (chat_id, slug, locale, _now()),
            )
            return cur.rowcount == 1

    async def is_following(self, chat_id: int, slug: str) -> bool:
        async with self._db.conn.execute(
            "SELECT 1 FROM follows WHERE chat_id = ? AND slug = ?", (chat_id, slug)
        ) as cur:
            return await cur.fetchone() is not None

    async def unfollow(self, chat_id: int, slug: str) -> bool:
        async with self._db.write() as conn:
            cur = await conn.execute("DELETE FROM follows WHERE chat_id = ? AND slug = ?", (chat_id, slug))
            return cur.rowcount == 1

    async def forget(self, chat_id: int) -> int:
        async with self._db.write() as conn:
            cur = await conn.execute("DELETE FROM follows WHERE chat_id = ?", (chat_id,))
            return cur.rowcount

    async def mark_unreachable(self, chat_id: int) -> int:
        """The chat blocked the bot: its follows should stop receiving news until it returns.

        Hook for the broadcast outbox (issue 4), which adds the "inactive" mark to
        ``follows`` with its 403 handling. Until that column exists there is nothing
        to record, the consent itself is kept, and this returns 0.
        """
        return 0

    async def mark_reachable(self, chat_id: int) -> int:
        """The chat unblocked the bot: the counterpart of :meth:`mark_unreachable`."""
        return 0


class ProcessedUpdateRepository:
    """Which updates were already handled, for at-most-once effects on re-delivery."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def seen(self, bot_id: int, update_id: int, since: dt.datetime) -> bool:
        # Marks older than `since` do not count: after a week without updates
        # Telegram restarts update ids at random, and an old mark must not swallow one.
        async with self._db.conn.execute(
            "SELECT 1 FROM processed_updates WHERE bot_id = ? AND update_id = ? AND processed_at >= ?",
            (bot_id, update_id, since.isoformat()),
        ) as cur:
            return await cur.fetchone() is not None

    @staticmethod
    async def mark(conn: aiosqlite.Connection, bot_id: int, update_id: int, at: dt.datetime) -> None:
        """Within the caller's transaction: the one that holds the update's effects."""
        await conn.execute(
            "INSERT INTO processed_updates (bot_id, update_id, processed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (bot_id, update_id) DO UPDATE SET processed_at = excluded.processed_at",
            (bot_id, update_id, at.isoformat()),
        )

    async def prune(self, before: dt.datetime) -> int:
        async with self._db.write() as conn:
            cur = await conn.execute(
                "DELETE FROM processed_updates WHERE processed_at < ?", (before.isoformat(),)
            )
            return cur.rowcount

    async def count(self) -> int:
        async with self._db.conn.execute("SELECT COUNT(*) FROM processed_updates") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0


class OperationsRepository:
    """Read-only figures for health checks and metrics; nothing about a person."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def signatures_per_petition(self) -> dict[str, int]:
        async with self._db.conn.execute("SELECT slug, signature_count FROM petitions") as cur:
            return {str(r[0]): int(r[1]) for r in await cur.fetchall()}

    async def followers_per_case(self) -> dict[str, int]:
        async with self._db.conn.execute("SELECT slug, COUNT(*) FROM follows GROUP BY slug") as cur:
            return {str(r[0]): int(r[1]) for r in await cur.fetchall()}

    async def counters_match_rows(self) -> bool:
        """Whether every petition's kept counter equals its signature rows."""
        async with self._db.conn.execute(
            "SELECT COUNT(*) FROM petitions p WHERE p.signature_count != "
            "(SELECT COUNT(*) FROM signatures s WHERE s.petition = p.slug)"
        ) as cur:
            row = await cur.fetchone()
        return row is not None and int(row[0]) == 0
