"""All SQL of casebot, behind small repositories with explicit methods."""

from __future__ import annotations

import datetime as dt
import random
import re
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum

import aiosqlite

from bot.domain.records import Delivery, DeliveryCounts, NewsItem, NewsRecord, StoredSignature
from bot.storage.db import Database, no_mark
from bot.storage.mirror import CommittedReads, TableMirror


class ReplyNote(StrEnum):
    """What an update's reply said, in a word, kept with its processed mark (migration 0005).

    Written by the repository that makes the effect, in the same transaction, so
    a copy re-delivered after a crash between the COMMIT and the reply is answered
    as a second tap would be (bot/handlers/replay.py). A note names a kind and at
    most a case slug: never a name, an id or anything the user typed.
    """

    signed = "signed"  # a new signature
    withdrew = "withdrew"  # a signature withdrawn
    followed = "followed"
    unfollowed = "unfollowed"
    forgot = "forgot"  # /forget erased what the bot held about the user
    # A dialogue moved to its next step (a name typed, then the city …): its
    # prompt is said again. The step is read back from the dialogue itself, so
    # the note holds nothing of what was typed.
    step = "step"
    language = "language"  # a language chosen: its confirmation, in that language

    def of(self, slug: str = "") -> str:
        return f"{self.value}:{slug}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# What may be written into a statement as a literal: ISO times, worker ids, reply notes
# (a kind and a case slug). Nothing a user typed ever matches, nor a quote or a backslash.
_LITERAL = re.compile(r"[A-Za-z0-9_:.+\-]*")


def _literal(value: str | None) -> str:
    if value is None:
        return "NULL"
    if not _LITERAL.fullmatch(value):
        raise ValueError("not a value to write into a statement")
    return f"'{value}'"


class Transaction:
    """Writes to the tables of several repositories, committed as one.

    Inside an update's unit of work they are part of it already (one COMMIT per
    update, with its processed mark); elsewhere (the broadcast worker) they get a
    unit of their own.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[None]:
        unit = self._db._unit.get()
        if unit is not None and unit.joinable():
            yield
            return
        async with self._db.unit_of_work(no_mark):
            yield


class UserSettingsRepository:
    """A reader's stored language choice.

    Read on every update, so all rows (only readers who chose a language have
    one) are mirrored in memory: the process is the only writer, a new reader
    costs no query, and a rolled-back write throws the copy away (bot/storage/mirror.py).
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._locales: TableMirror[int, str] = TableMirror(self._all, db.on_rollback)

    async def _all(self) -> dict[int, str]:
        # On the writer: a mirror must see writes already made and not yet committed,
        # or it would miss them for good (its rollback hooks cover the other way round).
        rows = await self._db.conn.execute_fetchall("SELECT user_id, locale FROM user_settings")
        # Three distinct values: one string object each, not one per reader.
        return {int(r[0]): sys.intern(str(r[1])) for r in rows}

    # The reader's language as a scalar subquery (one parameter: the user id), for a
    # statement that reads it along with the update's other rows (SqliteStorage.prefetch).
    LOCALE_OF = "(SELECT locale FROM user_settings WHERE user_id = ?)"

    def read_along(self, user_id: int, locale: str | None) -> None:
        """What :attr:`LOCALE_OF` read in the update's transaction, kept for the rest of it."""
        memo = self._db.unit_memo()
        if memo is not None:
            memo["locale", str(user_id)] = locale

    def _forget_read(self, user_id: int) -> None:
        memo = self._db.unit_memo()
        if memo is not None:
            memo.pop(("locale", str(user_id)), None)

    async def get_locale(self, user_id: int) -> str | None:
        if self._db.shared:  # other workers write it too: read what is committed, never a copy
            memo = self._db.unit_memo()
            if memo is not None and ("locale", str(user_id)) in memo:
                kept = memo["locale", str(user_id)]
                return sys.intern(str(kept)) if kept is not None else None
            rows = await self._db.reads.execute_fetchall(
                "SELECT locale FROM user_settings WHERE user_id = ?", (user_id,)
            )
            return sys.intern(str(rows[0][0])) if rows else None
        return (await self._locales.rows()).get(user_id)

    async def set_locale(self, user_id: int, locale: str) -> None:
        async with self._locales.writing(), self._db.write() as conn:
            await conn.execute(
                "INSERT INTO user_settings (user_id, locale, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale, "
                "updated_at = excluded.updated_at",
                (user_id, locale, _now()),
            )
            self._db.note_reply(ReplyNote.language.of())
            self._forget_read(user_id)
        self._locales.put(user_id, sys.intern(locale))

    async def per_locale(self) -> dict[str, int]:
        """Readers who chose each locale (answered from the mirror, no query)."""
        counts: dict[str, int] = {}
        for locale in (await self._locales.rows()).values():
            counts[locale] = counts.get(locale, 0) + 1
        return counts

    async def forget(self, user_id: int) -> bool:
        async with self._locales.writing(), self._db.write() as conn:
            cur = await conn.execute("DELETE FROM user_settings WHERE user_id = ?", (user_id,))
            self._db.note_reply(ReplyNote.forgot.of())
            self._forget_read(user_id)
            deleted = cur.rowcount > 0
        self._locales.drop(user_id)
        return deleted


@dataclass(frozen=True, slots=True)
class AddResult:
    added: bool  # False: this signer had already signed, or the petition is closed
    count: int  # the petition's count after the call
    milestones: tuple[int, ...]  # thresholds reached by this signature
    closed: bool = False  # the petition was closed (by an admin): nothing was added
    # What ``along`` read in the signature's own hand-off (None: not read, see ``add``).
    along: object = None


async def _first(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...]) -> aiosqlite.Row | None:
    """The query's first row in one trip to the database's thread (execute, fetchone and
    the cursor's close are three, each a hand-off costing more than a small query)."""
    rows = await conn.execute_fetchall(sql, params)
    return next(iter(rows), None)


def _count_now(conn: sqlite3.Connection, petition: str) -> int:
    """A petition's count as ``conn`` sees it (on the writer's thread: see Database.write_call)."""
    rows = conn.execute(f"SELECT {_COUNT_OF}", (petition, petition)).fetchall()
    return int(rows[0][0]) if rows else 0


def _signature(row: aiosqlite.Row) -> StoredSignature:
    return StoredSignature(
        petition=row["petition"],
        display_name=row["display_name"],
        city=row["city"],
        locale=row["locale"],
        signed_at=dt.datetime.fromisoformat(row["signed_at"]),
        source=row["source"],
    )


# A petition's count: the counter in `petitions` plus its slots (migration 0007). The
# embedded mode moves only the former; PostgreSQL, with several workers, only the latter.
_COUNT_OF = (
    "(COALESCE((SELECT signature_count FROM petitions WHERE slug = ?), 0) "
    "+ COALESCE((SELECT SUM(signatures) FROM petition_count_slots WHERE petition = ?), 0))"
)
COUNT_PER_PETITION = (
    "p.signature_count + COALESCE((SELECT SUM(c.signatures) FROM petition_count_slots c "
    "WHERE c.petition = p.slug), 0)"
)
# Slots per petition on PostgreSQL: more than the signing transactions open at once, so a
# signer nearly always finds one free. A read sums them (one index range).
COUNTER_SLOTS = 64
# Moves one slot of a petition by a number of signatures: the first slot no other
# transaction holds (starting at a random one), or, when all are held, a random one,
# waited for. An upsert, so a slot missing for any reason is made. Parameters: petition,
# petition, random start, random fallback, delta. `{source}`: the rows that make it move.
_MOVE_SLOT = (
    "INSERT INTO petition_count_slots (petition, slot, signatures) "
    "SELECT ?, COALESCE((SELECT slot FROM petition_count_slots WHERE petition = ? "
    f"ORDER BY (slot + ?) % {COUNTER_SLOTS} LIMIT 1 FOR UPDATE SKIP LOCKED), ?), ? "
    "FROM {source} "
    "ON CONFLICT (petition, slot) "
    "DO UPDATE SET signatures = petition_count_slots.signatures + EXCLUDED.signatures"
)
# Signing on PostgreSQL in one statement: the signature, the slot it moves, the count
# (this transaction's view: committed signatures and its own) and every threshold at or
# below it not yet recorded. Concurrent signers see counts taken at the same moment, so a
# threshold is recorded by the first signer who sees the count at or past it.
# A petition an admin closed takes no signature: checked here, not by a read of its own.
_ADD_SHARED = (
    "WITH closing AS (SELECT closed_at FROM petitions WHERE slug = ? AND closed_at IS NOT NULL), "
    "added AS (INSERT INTO signatures "
    "(petition, signer, display_name, city, locale, signed_at, source) "
    "SELECT ?::text, ?::bytea, ?::text, ?::text, ?::text, ?::timestamptz, ?::text "
    "WHERE NOT EXISTS (SELECT 1 FROM closing) "
    "ON CONFLICT (petition, signer) DO NOTHING RETURNING 1), "
    f"counted AS ({_MOVE_SLOT.format(source='added')} RETURNING 1), "
    f"total AS (SELECT {_COUNT_OF} + (SELECT COUNT(*) FROM counted) AS n), "
    "reached AS (INSERT INTO petition_milestones (petition, threshold, reached_at) "
    "SELECT ?, t, ? FROM unnest(?::int[]) AS t, total "
    "WHERE t <= total.n AND EXISTS (SELECT 1 FROM counted) ON CONFLICT DO NOTHING RETURNING threshold) "
    "SELECT (SELECT n FROM total), (SELECT COUNT(*) FROM added), "
    "ARRAY(SELECT threshold FROM reached ORDER BY threshold), EXISTS (SELECT 1 FROM closing)"
)
_MOVE_SLOT_ONCE = _MOVE_SLOT.format(source="(SELECT 1) AS once")
_MAKE_SLOTS = (
    "INSERT INTO petition_count_slots (petition, slot) "
    f"SELECT ?, s FROM generate_series(0, {COUNTER_SLOTS - 1}) AS s ON CONFLICT DO NOTHING"
)


def _slot_params(petition: str, delta: int) -> tuple[str, str, int, int, int]:
    # Not a secret, only a spread: where a slot search starts, and the slot waited for.
    start, fallback = random.randrange(COUNTER_SLOTS), random.randrange(COUNTER_SLOTS)
    return (petition, petition, start, fallback, delta)


class SignatureRepository:
    """Signatures and the per-petition counter kept beside them."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._closed_at: dict[str, dt.datetime | None] = {}
        self._known_petitions: set[str] = set()
        self._closed_epoch = 0  # bumped whenever the cache is emptied
        # Every card shows the count; it changes only with a COMMIT of a signature or withdrawal.
        self._counts: CommittedReads[str, int] = CommittedReads(db, maxsize=4096)

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
        along: Callable[[sqlite3.Connection], object] | None = None,
    ) -> AddResult:
        """Insert and count in one transaction; a second signature by the same signer is a no-op,
        and so is a signature of a petition an admin closed (``closed``).

        The UNIQUE (petition, signer) constraint decides, not a prior SELECT, so
        two concurrent taps cannot both get through.

        ``along``: a read another repository hands in for the reply to a new signature (the
        follow offer), run after the signature's statements in the same hand-off to the
        writer's thread, inside its transaction; its value comes back as ``along``. Not run
        with several workers, nor when nothing was added.
        """
        if self._db.shared:
            return await self._add_shared(
                petition, signer, display_name=display_name, city=city, locale=locale,
                signed_at=signed_at, source=source, thresholds=thresholds,
            )
        if await self.closed_at(petition) is not None:  # kept in memory: no query
            return AddResult(added=False, count=await self.count(petition), milestones=(), closed=True)
        known = petition in self._known_petitions
        row = (petition, signer, display_name, city, locale, signed_at.isoformat(), source)

        def signing(conn: sqlite3.Connection) -> AddResult:
            # Every statement of a signature in one hand-off to the writer's thread.
            if not known:
                # Its counter row, before the first signature; never deleted, so once
                # committed later signers skip the statement.
                conn.execute("INSERT OR IGNORE INTO petitions (slug) VALUES (?)", (petition,))
            cur = conn.execute(
                "INSERT INTO signatures (petition, signer, display_name, city, locale, signed_at, source) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (petition, signer) DO NOTHING",
                row,
            )
            if cur.rowcount != 1:
                return AddResult(added=False, count=_count_now(conn, petition), milestones=())
            counted = conn.execute(
                "UPDATE petitions SET signature_count = signature_count + 1 WHERE slug = ? "
                "RETURNING signature_count",
                (petition,),
            ).fetchall()
            count = next((int(r[0]) for r in counted), 0)
            # The counter moves by one per signature, so a threshold is reached exactly
            # when the count equals it; OR IGNORE keeps the first time if it dips and returns.
            reached: tuple[int, ...] = ()
            if count in thresholds:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO petition_milestones (petition, threshold, reached_at) "
                    "VALUES (?, ?, ?)",
                    (petition, count, signed_at.isoformat()),
                )
                if cur.rowcount == 1:
                    reached = (count,)
            # A reply's read one statement after the signature's, instead of its own hand-off.
            read = along(conn) if along is not None else None
            return AddResult(added=True, count=count, milestones=reached, along=read)

        result = await self._db.write_call(signing)
        if not known:
            self._db.on_commit(lambda: self._known_petitions.add(petition))
        if result.added:
            self._counts.changed()
            # Kept with the update's processed mark: a copy of it re-delivered after a
            # crash before the thank-you left is told it signed (bot/handlers/replay.py).
            self._db.note_reply(ReplyNote.signed.of(petition))
        return result

    async def _add_shared(
        self,
        petition: str,
        signer: bytes,
        *,
        display_name: str | None,
        city: str | None,
        locale: str,
        signed_at: dt.datetime,
        source: str | None,
        thresholds: tuple[int, ...],
    ) -> AddResult:
        """PostgreSQL, several workers: one statement, the counter spread over slots.

        A row lock is held from the UPDATE to the COMMIT (which waits for the
        disk), so one counter row per petition made every signer queue behind
        the one holding it. Each signer moves a slot no other one holds (see
        ``_MOVE_SLOT``); the count is their sum. The transaction is still
        committed with the update's first reply, so a handler that fails after
        signing rolls the signature back, as in the embedded mode.
        """
        if petition not in self._known_petitions:
            # The counter row and its slots, before any signature refers to them; known once
            # committed (never deleted), so later signers skip this and its conflict waits. In
            # the update's own transaction: a second connection per update could empty the pool.
            async with self._db.write() as conn:
                await conn.execute("INSERT OR IGNORE INTO petitions (slug) VALUES (?)", (petition,))
                await conn.execute(_MAKE_SLOTS, (petition,))
            self._db.on_commit(lambda: self._known_petitions.add(petition))
        at = signed_at.isoformat()
        params = (
            petition, petition, signer, display_name, city, locale, at, source,
            *_slot_params(petition, 1), petition, petition, petition, at, list(thresholds),
        )
        rows = await self._db.statement(_ADD_SHARED, params)
        if rows[0][1]:
            self._db.note_reply(ReplyNote.signed.of(petition))
        count, added, reached, closed = int(rows[0][0]), bool(rows[0][1]), rows[0][2], bool(rows[0][3])
        return AddResult(added=added, count=count, milestones=tuple(int(t) for t in reached), closed=closed)

    async def _move(self, conn: aiosqlite.Connection, petition: str, delta: int) -> None:
        """The counter moved by ``delta`` signatures: the one row (embedded) or a slot (PostgreSQL)."""
        self._counts.changed()
        if self._db.shared:
            await conn.execute(_MOVE_SLOT_ONCE, _slot_params(petition, delta))
        else:
            await conn.execute(
                "UPDATE petitions SET signature_count = signature_count + ? WHERE slug = ?", (delta, petition)
            )

    async def remove(self, petition: str, signer: bytes) -> bool:
        if self._db.shared:
            return await self._remove(petition, signer)
        return (await self.remove_counted(petition, signer))[0]

    async def remove_counted(self, petition: str, signer: bytes) -> tuple[bool, int]:
        """Withdraw one signature; whether there was one, and the count after (in the same
        transaction: what is committed with the withdrawal)."""
        if self._db.shared:
            removed = await self._remove(petition, signer)
            return removed, await self.count(petition)

        def withdrawing(conn: sqlite3.Connection) -> tuple[bool, int]:
            # Every statement of a withdrawal in one hand-off to the writer's thread.
            cur = conn.execute("DELETE FROM signatures WHERE petition = ? AND signer = ?", (petition, signer))
            removed = cur.rowcount == 1
            if removed:
                conn.execute(
                    "UPDATE petitions SET signature_count = signature_count - 1 WHERE slug = ?", (petition,)
                )
            return removed, _count_now(conn, petition)

        removed, count = await self._db.write_call(withdrawing)
        if removed:
            self._counts.changed()
            self._db.note_reply(ReplyNote.withdrew.of(petition))
        return removed, count

    async def _remove(self, petition: str, signer: bytes) -> bool:
        async with self._db.write() as conn:
            cur = await conn.execute(
                "DELETE FROM signatures WHERE petition = ? AND signer = ?", (petition, signer)
            )
            removed = cur.rowcount == 1
            if removed:
                await self._move(conn, petition, -1)
                self._db.note_reply(ReplyNote.withdrew.of(petition))
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
            self._db.note_reply(ReplyNote.forgot.of())
            for petition, removed in per_petition:
                await self._move(conn, petition, -removed)
        return sum(n for _, n in per_petition)

    async def signed_any(self, signer: bytes) -> bool:
        sql = "SELECT 1 FROM signatures WHERE signer = ? LIMIT 1"
        return await _first(self._db.reads, sql, (signer,)) is not None

    async def get(self, petition: str, signer: bytes) -> StoredSignature | None:
        sql = "SELECT * FROM signatures WHERE petition = ? AND signer = ?"
        row = await _first(self._db.reads, sql, (petition, signer))
        return _signature(row) if row else None

    @staticmethod
    async def _count(conn: aiosqlite.Connection, petition: str) -> int:
        row = await _first(conn, f"SELECT {_COUNT_OF}", (petition, petition))
        return int(row[0]) if row else 0

    async def count(self, petition: str) -> int:
        return await self._counts.read(petition, lambda conn: self._count(conn, petition))

    async def closed_at(self, petition: str) -> dt.datetime | None:
        # Asked on every question and signature; only close() changes it, so it is cached —
        # committed values only: not what an update read of its own uncommitted closing,
        # nor a value read before a closing whose COMMIT emptied the cache meanwhile.
        # With several workers (db.shared) another one may close it: never cached there.
        if petition in self._closed_at and not self._db.shared:
            return self._closed_at[petition]
        epoch, conn = self._closed_epoch, self._db.reads
        row = await _first(conn, "SELECT closed_at FROM petitions WHERE slug = ?", (petition,))
        closed = dt.datetime.fromisoformat(row[0]) if row and row[0] else None
        if conn is self._db.reader and epoch == self._closed_epoch:
            self._closed_at[petition] = closed
        return closed

    def _forget_closed(self) -> None:
        self._closed_epoch += 1
        self._closed_at.clear()

    async def close(self, petition: str, at: dt.datetime) -> None:
        try:
            async with self._db.write() as conn:
                await conn.execute("INSERT OR IGNORE INTO petitions (slug) VALUES (?)", (petition,))
                await conn.execute(
                    "UPDATE petitions SET closed_at = COALESCE(closed_at, ?) WHERE slug = ?",
                    (at.isoformat(), petition),
                )
        finally:
            self._forget_closed()
            # Others read the committed state until the COMMIT, then read again.
            self._db.on_commit(self._forget_closed)
            self._db.on_rollback(self._forget_closed)

    async def reconcile(self, petition: str) -> tuple[int, int]:
        """(kept counter, rows counted now); the counter is reset to the rows if they differ."""
        async with self._db.write() as conn:
            if self._db.shared:
                # Every slot held by this transaction first: a signer still counting waits, and
                # is counted after this (its signature is not among the rows counted below).
                await conn.execute("INSERT OR IGNORE INTO petitions (slug) VALUES (?)", (petition,))
                await conn.execute(_MAKE_SLOTS, (petition,))
                await conn.execute(
                    "SELECT slot FROM petition_count_slots WHERE petition = ? FOR UPDATE", (petition,)
                )
            kept = await self._count(conn, petition)
            async with conn.execute("SELECT COUNT(*) FROM signatures WHERE petition = ?", (petition,)) as cur:
                row = await cur.fetchone()
            actual = int(row[0]) if row else 0
            if kept != actual:
                self._counts.changed()
                await conn.execute(
                    "UPDATE petitions SET signature_count = ? WHERE slug = ?", (actual, petition)
                )
                await conn.execute(
                    "UPDATE petition_count_slots SET signatures = 0 WHERE petition = ?", (petition,)
                )
        return kept, actual

    async def milestones(self, petition: str) -> list[tuple[int, dt.datetime]]:
        async with self._db.reads.execute(
            "SELECT threshold, reached_at FROM petition_milestones WHERE petition = ? ORDER BY threshold",
            (petition,),
        ) as cur:
            return [(int(r[0]), dt.datetime.fromisoformat(r[1])) for r in await cur.fetchall()]

    async def all_of(self, petition: str) -> list[StoredSignature]:
        """Every signature, oldest first, for delivery of the demand."""
        async with self._db.reads.execute(
            "SELECT * FROM signatures WHERE petition = ? ORDER BY id", (petition,)
        ) as cur:
            return [_signature(row) for row in await cur.fetchall()]

    async def per_locale(self, petition: str) -> dict[str, int]:
        async with self._db.reads.execute(
            "SELECT locale, COUNT(*) FROM signatures WHERE petition = ? GROUP BY locale", (petition,)
        ) as cur:
            return {str(r[0]): int(r[1]) for r in await cur.fetchall()}

    async def count_since(self, petition: str, since: dt.datetime) -> int:
        # signed_at is stored as UTC ISO text, so text order is time order.
        async with self._db.reads.execute(
            "SELECT COUNT(*) FROM signatures WHERE petition = ? AND signed_at >= ?",
            (petition, since.astimezone(dt.UTC).isoformat()),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def per_day(self, petitions: list[str], since: dt.date) -> dict[dt.date, int]:
        """Signatures per UTC day from ``since`` on, summed over ``petitions``."""
        if not petitions:
            return {}
        day = (
            "to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            if self._db.dialect == "postgresql"
            else "substr(signed_at, 1, 10)"
        )
        async with self._db.reads.execute(
            f"SELECT {day} AS day, COUNT(*) FROM signatures "
            f"WHERE petition IN ({','.join('?' * len(petitions))}) AND signed_at >= ? GROUP BY day",
            (*petitions, since.isoformat()),
        ) as cur:
            return {dt.date.fromisoformat(r[0]): int(r[1]) for r in await cur.fetchall()}


_NONE_FOLLOWED: frozenset[str] = frozenset()


class FollowRepository:
    """Consent to receive a case's news: chat id and locale, kept apart from signatures."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # Every card asks; rows come and go only when someone follows, unfollows or is forgotten.
        # Kept per chat, the cases it follows (nearly always none): a reader opening one card
        # after another, or typing name after name, is read once, not once a card.
        self._followed: CommittedReads[int, frozenset[str]] = CommittedReads(db, maxsize=20_000)

    # The cases a chat follows as a scalar subquery (one parameter: the chat id; PostgreSQL's
    # array_agg), for the statement that reads the update's rows at its start
    # (ReaderPrefetchMiddleware): a signer's "follow?" offer then needs no round trip.
    FOLLOWED_OF = "(SELECT array_agg(slug) FROM follows WHERE chat_id = ?)"

    def following_check(self, chat_id: int, slug: str) -> Callable[[sqlite3.Connection], bool] | None:
        """Whether the chat follows the case, as a read for another write's hand-off to the
        writer's thread (``SignatureRepository.add``'s ``along``); None with several workers,
        which read it along at the update's start instead (:meth:`read_along`)."""
        if self._db.shared:
            return None

        def following(conn: sqlite3.Connection) -> bool:
            row = conn.execute("SELECT 1 FROM follows WHERE chat_id = ? AND slug = ?", (chat_id, slug))
            return row.fetchone() is not None

        return following

    def read_along(self, chat_id: int, slugs: Sequence[str] | None) -> None:
        """What :attr:`FOLLOWED_OF` read in the update's transaction, kept for the rest of it."""
        memo = self._db.unit_memo()
        if memo is not None:
            memo["follows", str(chat_id)] = frozenset(str(s) for s in slugs) if slugs else _NONE_FOLLOWED

    def _changed(self) -> None:
        """Inside a write block that may add or remove a chat's follows."""
        self._followed.changed()
        memo = self._db.unit_memo()
        if memo is not None:
            for kept in [k for k in memo if k[0] == "follows"]:
                del memo[kept]

    async def follow(self, chat_id: int, slug: str, locale: str) -> bool:
        """Follow (or follow again: reactivates a chat that had blocked the bot)."""
        async with self._db.write() as conn:
            self._changed()
            cur = await conn.execute(
                "INSERT INTO follows (chat_id, slug, locale, followed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (chat_id, slug) DO UPDATE SET locale = excluded.locale, inactive_at = NULL",
                (chat_id, slug, locale, _now()),
            )
            self._db.note_reply(ReplyNote.followed.of(slug))
            return cur.rowcount == 1

    async def is_following(self, chat_id: int, slug: str) -> bool:
        memo = self._db.unit_memo() if self._db.shared else None
        kept = memo.get(("follows", str(chat_id))) if memo is not None else None
        if isinstance(kept, frozenset):  # read along at the update's start (read_along)
            return slug in kept

        async def load(conn: aiosqlite.Connection) -> frozenset[str]:
            # One statement and one fetch: a single hand-off to the connection's thread.
            rows = await conn.execute_fetchall("SELECT slug FROM follows WHERE chat_id = ?", (chat_id,))
            return frozenset(str(r[0]) for r in rows) if rows else _NONE_FOLLOWED

        return slug in await self._followed.read(chat_id, load)

    async def followed_by(self, chat_id: int) -> list[str]:
        async with self._db.reads.execute(
            "SELECT slug FROM follows WHERE chat_id = ? ORDER BY slug", (chat_id,)
        ) as cur:
            return [str(r[0]) for r in await cur.fetchall()]

    async def unfollow(self, chat_id: int, slug: str) -> bool:
        async with self._db.write() as conn:
            self._changed()
            cur = await conn.execute("DELETE FROM follows WHERE chat_id = ? AND slug = ?", (chat_id, slug))
            self._db.note_reply(ReplyNote.unfollowed.of(slug))
            return cur.rowcount == 1

    async def forget(self, chat_id: int) -> int:
        """Every follow of the chat."""
        async with self._db.write() as conn:
            self._changed()
            cur = await conn.execute("DELETE FROM follows WHERE chat_id = ?", (chat_id,))
            self._db.note_reply(ReplyNote.forgot.of())
            return cur.rowcount

    async def set_locale(self, chat_id: int, locale: str) -> None:
        """A reader who switches language gets later news in the new one."""
        async with self._db.write() as conn:
            await conn.execute("UPDATE follows SET locale = ? WHERE chat_id = ?", (locale, chat_id))

    async def mark_unreachable(self, chat_id: int, at: dt.datetime | None = None) -> int:
        """The chat blocked the bot: its follows receive no news until it comes back.

        The consent itself is kept; /forget is what erases it.
        """
        async with self._db.write() as conn:
            cur = await conn.execute(
                "UPDATE follows SET inactive_at = ? WHERE chat_id = ? AND inactive_at IS NULL",
                (at.isoformat() if at else _now(), chat_id),
            )
            return cur.rowcount

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its follows go to the new chat id, unless it has its own."""
        async with self._db.write() as conn:
            self._changed()
            # "Unless the new chat has its own row already", written so both engines run it
            # (SQLite's UPDATE OR IGNORE has no PostgreSQL form).
            await conn.execute(
                "UPDATE follows SET chat_id = ? WHERE chat_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM follows f WHERE f.chat_id = ? AND f.slug = follows.slug)",
                (new_chat_id, old_chat_id, new_chat_id),
            )
            await conn.execute("DELETE FROM follows WHERE chat_id = ?", (old_chat_id,))

    async def reactivate(self, chat_id: int) -> int:
        """The chat is reachable again (it unblocked the bot, or wrote to it)."""
        async with self._db.write() as conn:
            cur = await conn.execute(
                "UPDATE follows SET inactive_at = NULL WHERE chat_id = ? AND inactive_at IS NOT NULL",
                (chat_id,),
            )
            return cur.rowcount

    async def counts(self, slug: str | None = None) -> tuple[int, int]:
        """(active, inactive) followers of a case, or of all cases (distinct chats)."""
        where, params = ("WHERE slug = ?", (slug,)) if slug else ("", ())
        async with self._db.reads.execute(
            "SELECT COUNT(DISTINCT CASE WHEN inactive_at IS NULL THEN chat_id END), "
            f"COUNT(DISTINCT CASE WHEN inactive_at IS NOT NULL THEN chat_id END) FROM follows {where}",
            params,
        ) as cur:
            row = await cur.fetchone()
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def per_locale(self, slug: str) -> dict[str, int]:
        async with self._db.reads.execute(
            "SELECT locale, COUNT(*) FROM follows WHERE slug = ? AND inactive_at IS NULL GROUP BY locale",
            (slug,),
        ) as cur:
            return {str(r[0]): int(r[1]) for r in await cur.fetchall()}


_TEXT_COLUMNS = {"en": "text_en", "ru": "text_ru", "uz": "text_uz"}


def _news_item(row: aiosqlite.Row) -> NewsItem:
    return NewsItem(
        id=int(row["id"]),
        slug=row["slug"],
        kind=row["kind"],
        texts={loc: row[col] for loc, col in _TEXT_COLUMNS.items() if row[col] is not None},
        fallback=row["fallback"],
        stage=row["stage"],
        stage_date=dt.date.fromisoformat(row["stage_date"]) if row["stage_date"] else None,
        announced=bool(row["announced"]),
        author_id=int(row["author_id"]),
        author_locale=row["author_locale"],
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        completed_at=dt.datetime.fromisoformat(row["completed_at"]) if row["completed_at"] else None,
    )


# What the News section lists: news, and stage changes the admin announced.
_LISTED = "(kind = 'news' OR announced = 1)"


class NewsRepository:
    """Published news items: news, and stage changes (the ``case_updates`` table).

    Every card shows its case's latest stage change, which only :meth:`publish`
    (in this process) can change: it is cached per case, dropped by a publish
    and again if the publish is rolled back.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._latest_stages: dict[str, tuple[str, dt.date] | None] = {}
        self._stages_epoch = 0  # bumped whenever the cache is emptied

    async def latest_stage(self, slug: str) -> tuple[str, dt.date] | None:
        """The stage and date of the case's latest stage change (as :meth:`statuses` orders them)."""
        if slug in self._latest_stages and not self._db.shared:
            return self._latest_stages[slug]
        # Cached until a stage change commits; committed values only (see
        # SignatureRepository.closed_at).
        epoch, conn = self._stages_epoch, self._db.reads
        async with conn.execute(
            "SELECT stage, stage_date FROM case_updates WHERE slug = ? AND kind = 'status' "
            "ORDER BY stage_date DESC, id DESC LIMIT 1",
            (slug,),
        ) as cur:
            row = await cur.fetchone()
        latest = (str(row[0]), dt.date.fromisoformat(row[1])) if row and row[0] and row[1] else None
        if conn is self._db.reader and epoch == self._stages_epoch:
            self._latest_stages[slug] = latest
        return latest

    async def latest_per_case(self) -> dict[str, tuple[str | None, dt.date | None, dt.datetime]]:
        """Every case with news: its latest stage change (stage, date) and its latest news item's time.

        For the catalogue's filters and *Recently updated*: one statement for all cases.
        """
        latest: dict[str, tuple[str | None, dt.date | None, dt.datetime]] = {}
        async with self._db.reads.execute(
            f"SELECT slug, kind, stage, stage_date, created_at FROM case_updates WHERE {_LISTED} "
            "OR kind = 'status' ORDER BY slug, id"
        ) as cur:
            for slug, kind, stage, stage_date, created_at in await cur.fetchall():
                stage_now, date_now, _ = latest.get(slug, (None, None, None))
                if kind == "status" and stage and stage_date:
                    date = dt.date.fromisoformat(stage_date)
                    if date_now is None or date >= date_now:
                        stage_now, date_now = stage, date
                latest[slug] = (stage_now, date_now, dt.datetime.fromisoformat(created_at))
        return latest

    def _forget_stages(self) -> None:
        self._stages_epoch += 1
        self._latest_stages.clear()

    async def record(self, item: NewsRecord) -> tuple[int, bool]:
        """Store the news item once per draft: its id, and False when the draft had been stored."""
        try:
            async with self._db.write() as conn:
                inserted = await conn.execute_fetchall(
                    "INSERT INTO case_updates (slug, kind, text_en, text_ru, text_uz, fallback, stage, "
                    "stage_date, announced, author_id, author_locale, created_at, draft_key) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (draft_key) DO NOTHING "
                    "RETURNING id",
                    (
                        item.slug,
                        item.kind,
                        item.texts.get("en"),
                        item.texts.get("ru"),
                        item.texts.get("uz"),
                        item.fallback,
                        item.stage,
                        item.stage_date.isoformat() if item.stage_date else None,
                        int(item.announced),
                        item.author_id,
                        item.author_locale,
                        item.at.isoformat(),
                        item.draft_key,
                    ),
                )
                if inserted:
                    return int(next(iter(inserted))[0]), True
                sql = "SELECT id FROM case_updates WHERE draft_key = ?"
                async with conn.execute(sql, (item.draft_key,)) as found:
                    row = await found.fetchone()
                assert row is not None
                return int(row[0]), False
        finally:
            # Also when it failed; and again when the update's transaction is
            # committed (others read the stage before it until then) or rolled back.
            self._forget_stages()
            self._db.on_commit(self._forget_stages)
            self._db.on_rollback(self._forget_stages)

    async def mark_completed(self, news_id: int, at: dt.datetime) -> None:
        """Nothing (more) to deliver for it."""
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE case_updates SET completed_at = ? WHERE id = ?", (at.isoformat(), news_id)
            )

    async def set_progress_message(self, news_id: int, chat_id: int, message_id: int) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE case_updates SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
                (chat_id, message_id, news_id),
            )

    async def get(self, news_id: int) -> NewsItem | None:
        async with self._db.reads.execute("SELECT * FROM case_updates WHERE id = ?", (news_id,)) as cur:
            row = await cur.fetchone()
        return _news_item(row) if row else None

    async def count_listed(self, slug: str) -> int:
        async with self._db.reads.execute(
            f"SELECT COUNT(*) FROM case_updates WHERE slug = ? AND {_LISTED}", (slug,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def listed(self, slug: str, offset: int, limit: int) -> list[NewsItem]:
        """Newest first."""
        async with self._db.reads.execute(
            f"SELECT * FROM case_updates WHERE slug = ? AND {_LISTED} ORDER BY id DESC LIMIT ? OFFSET ?",
            (slug, limit, offset),
        ) as cur:
            return [_news_item(r) for r in await cur.fetchall()]

    async def statuses(self, slug: str) -> list[NewsItem]:
        """Stage changes, oldest first (by the date they took effect)."""
        async with self._db.reads.execute(
            "SELECT * FROM case_updates WHERE slug = ? AND kind = 'status' ORDER BY stage_date, id",
            (slug,),
        ) as cur:
            return [_news_item(r) for r in await cur.fetchall()]

    async def open_ids(self) -> list[int]:
        """Updates whose broadcast has not been reported complete."""
        async with self._db.reads.execute(
            "SELECT id FROM case_updates WHERE completed_at IS NULL ORDER BY id"
        ) as cur:
            return [int(r[0]) for r in await cur.fetchall()]

    async def complete(self, news_id: int, at: dt.datetime) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE case_updates SET completed_at = COALESCE(completed_at, ?) WHERE id = ?",
                (at.isoformat(), news_id),
            )


def _delivery(row: aiosqlite.Row) -> Delivery:
    return Delivery(
        id=int(row["id"]),
        news_id=int(row["update_id"]),
        chat_id=int(row["chat_id"]),
        locale=row["locale"],
        attempts=int(row["attempts"]),
        migrated=row["migrated_from"] is not None,
    )


def _counts(rows: list[aiosqlite.Row]) -> DeliveryCounts:
    return DeliveryCounts(**{str(r[0]): int(r[1]) for r in rows})


class OutboxRepository:
    """The broadcast outbox. Every per-send method touches one row by its key."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue_followers(self, news_id: int, slug: str) -> int:
        """One pending delivery per active follower of the case, in the order they followed."""
        async with self._db.write() as conn:
            cur = await conn.execute(
                "INSERT INTO deliveries (update_id, chat_id, locale) "
                "SELECT ?, chat_id, locale FROM follows WHERE slug = ? AND inactive_at IS NULL "
                "ORDER BY followed_at, chat_id",
                (news_id, slug),
            )
            return cur.rowcount

    async def count_for(self, news_id: int) -> int:
        async with self._db.write() as conn, conn.execute(
            "SELECT COUNT(*) FROM deliveries WHERE update_id = ?", (news_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def resume(self) -> int:
        """Rows a stopped process left mid-send go back to pending: nobody is missed."""
        async with self._db.write() as conn:
            cur = await conn.execute("UPDATE deliveries SET status = 'pending' WHERE status = 'sending'")
            return cur.rowcount

    async def ready(self, now: float, limit: int, chats: frozenset[int] | None = None) -> list[Delivery]:
        """Pending rows due at ``now``, oldest first (optionally only for some chats)."""
        chat_filter = ""
        params: tuple[object, ...] = (now,)
        if chats is not None:
            chat_filter = f" AND chat_id IN ({','.join('?' * len(chats))})"
            params += tuple(sorted(chats))
        async with self._db.reads.execute(
            f"SELECT * FROM deliveries WHERE status = 'pending' AND not_before <= ?{chat_filter} "
            "ORDER BY id LIMIT ?",
            (*params, limit),
        ) as cur:
            return [_delivery(r) for r in await cur.fetchall()]

    async def next_due(self, chats: frozenset[int] | None = None) -> float | None:
        """When the earliest pending row becomes due; None when nothing is pending."""
        chat_filter, params = "", ()
        if chats is not None:
            chat_filter = f" AND chat_id IN ({','.join('?' * len(chats))})"
            params = tuple(sorted(chats))
        async with self._db.reads.execute(
            f"SELECT MIN(not_before) FROM deliveries WHERE status = 'pending'{chat_filter}", params
        ) as cur:
            row = await cur.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def claim(self, delivery_id: int) -> bool:
        """The row is this sender's to send (``sending``), or False: no longer pending, or
        (PostgreSQL) held by another transaction — an unfollow or /forget under way, or
        another sender — and skipped rather than waited for: read again on a later step."""
        held = (
            " AND id = (SELECT id FROM deliveries WHERE id = ? FOR UPDATE SKIP LOCKED)"
            if self._db.dialect == "postgresql" else ""
        )
        async with self._db.write() as conn:
            cur = await conn.execute(
                "UPDATE deliveries SET status = 'sending', attempts = attempts + 1 "
                f"WHERE id = ? AND status = 'pending'{held}",
                (delivery_id, delivery_id) if held else (delivery_id,),
            )
            return cur.rowcount == 1

    async def sent(self, delivery_id: int, at: dt.datetime) -> None:
        await self._settle(delivery_id, "sent", None, at)

    async def failed(self, delivery_id: int, reason: str, at: dt.datetime) -> None:
        await self._settle(delivery_id, "failed", reason, at)

    async def _settle(self, delivery_id: int, status: str, reason: str | None, at: dt.datetime) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE deliveries SET status = ?, reason = ?, settled_at = ? WHERE id = ?",
                (status, reason, at.isoformat(), delivery_id),
            )

    async def retry_later(self, delivery_id: int, not_before: float, reason: str, *, count: bool) -> None:
        """Back to pending until ``not_before``; a 429 (``count=False``) costs no attempt."""
        async with self._db.write() as conn:
            await conn.execute(
                "UPDATE deliveries SET status = 'pending', not_before = ?, reason = ?, "
                "attempts = attempts - ? WHERE id = ?",
                (not_before, reason, 0 if count else 1, delivery_id),
            )

    async def blocked(self, delivery_id: int, at: dt.datetime) -> None:
        """The chat refused us (403): this row fails, and is not retried."""
        await self._settle(delivery_id, "failed", "blocked", at)

    async def drop_pending(self, chat_id: int, slug: str) -> None:
        """News of a case not yet sent to a chat that stopped following it."""
        async with self._db.write() as conn:
            await conn.execute(
                "DELETE FROM deliveries WHERE chat_id = ? AND status = 'pending' "
                "AND update_id IN (SELECT id FROM case_updates WHERE slug = ?)",
                (chat_id, slug),
            )

    async def forget(self, chat_id: int) -> None:
        """Every row naming the chat (/forget)."""
        async with self._db.write() as conn:
            await conn.execute("DELETE FROM deliveries WHERE chat_id = ?", (chat_id,))

    async def migrate(self, delivery_id: int, old_chat_id: int, new_chat_id: int) -> bool:
        """The group became a supergroup: move the row, and the chat's other pending rows, to the new id.

        False when the new chat already has its own row for this update (it
        will get the update through that one).
        """
        async with self._db.write() as conn:
            # "Unless the new chat has its own row already", written so both engines run it
            # (SQLite's UPDATE OR IGNORE has no PostgreSQL form).
            cur = await conn.execute(
                "UPDATE deliveries SET chat_id = ?, migrated_from = ?, status = 'pending' "
                "WHERE id = ? AND NOT EXISTS (SELECT 1 FROM deliveries d "
                "WHERE d.chat_id = ? AND d.update_id = deliveries.update_id)",
                (new_chat_id, old_chat_id, delivery_id, new_chat_id),
            )
            moved = cur.rowcount == 1
            if not moved:
                await conn.execute(
                    "UPDATE deliveries SET status = 'failed', reason = 'migrated (duplicate)' WHERE id = ?",
                    (delivery_id,),
                )
            await conn.execute(
                "UPDATE deliveries SET chat_id = ? WHERE chat_id = ? AND status = 'pending' "
                "AND NOT EXISTS (SELECT 1 FROM deliveries d "
                "WHERE d.chat_id = ? AND d.update_id = deliveries.update_id)",
                (new_chat_id, old_chat_id, new_chat_id),
            )
            return moved

    async def counts(self, news_id: int) -> DeliveryCounts:
        async with self._db.reads.execute(
            "SELECT status, COUNT(*) FROM deliveries WHERE update_id = ? GROUP BY status", (news_id,)
        ) as cur:
            return _counts(list(await cur.fetchall()))

    async def failure_reasons(self, news_id: int) -> dict[str, int]:
        async with self._db.reads.execute(
            "SELECT reason, COUNT(*) FROM deliveries WHERE update_id = ? AND status = 'failed' "
            "GROUP BY reason",
            (news_id,),
        ) as cur:
            return {str(r[0]): int(r[1]) for r in await cur.fetchall()}

    async def counts_for_case(self, slug: str | None = None) -> DeliveryCounts:
        where, params = ("WHERE u.slug = ?", (slug,)) if slug else ("", ())
        async with self._db.reads.execute(
            "SELECT d.status, COUNT(*) FROM deliveries d JOIN case_updates u ON u.id = d.update_id "
            f"{where} GROUP BY d.status",
            params,
        ) as cur:
            return _counts(list(await cur.fetchall()))


class FsmRepository:
    """Rows of the persistent aiogram FSM storage (bot/storage/fsm.py)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def on_rollback(self, hook: Callable[[], None]) -> None:
        self._db.on_rollback(hook)

    def _forget_read(self, key: str | None = None) -> None:
        memo = self._db.unit_memo()
        if memo is not None:
            for k in [k for k in memo if k[0] == "fsm" and (key is None or k[1] == key)]:
                del memo[k]

    async def put(self, key: str, state: str | None, data: str) -> None:
        try:
            async with self._db.write() as conn:
                await conn.execute(
                    "INSERT INTO fsm_states (storage_key, state, data, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (storage_key) DO UPDATE SET state = excluded.state, data = excluded.data, "
                    "updated_at = excluded.updated_at",
                    (key, state, data, _now()),
                )
                self._db.note_reply(ReplyNote.step.of())
        finally:
            self._forget_read(key)

    async def delete(self, key: str) -> None:
        try:
            async with self._db.write() as conn:
                await conn.execute("DELETE FROM fsm_states WHERE storage_key = ?", (key,))
        finally:
            self._forget_read(key)

    async def get(self, key: str) -> tuple[str | None, str] | None:
        """One dialogue as committed (or as the update's own transaction left it).

        With several workers every read goes to PostgreSQL; aiogram asks for
        the same row several times per update (state, data, filters), so inside
        an update's transaction the row is read once and kept for the rest of it
        (dropped by this update's own writes)."""
        memo = self._db.unit_memo()
        if memo is not None and ("fsm", key) in memo:
            return memo["fsm", key]  # type: ignore[no-any-return]
        rows = await self._db.reads.execute_fetchall(
            "SELECT state, data FROM fsm_states WHERE storage_key = ?", (key,)
        )
        found = (rows[0][0], str(rows[0][1])) if rows else None
        if memo is not None:
            memo["fsm", key] = found
        return found

    async def get_along(
        self, key: str, scalars: tuple[str, ...], params: tuple[object, ...]
    ) -> tuple[object, ...]:
        """:meth:`get`'s row, kept as get() keeps it, and more values read in the same
        statement: ``scalars`` are other owners' scalar subqueries, ``params`` theirs in order."""
        rows = await self._db.reads.execute_fetchall(
            f"SELECT f.state, f.data, {', '.join(scalars)} FROM (SELECT 1) AS one "
            "LEFT JOIN fsm_states f ON f.storage_key = ?",
            (*params, key),
        )
        state, data, *values = rows[0]
        memo = self._db.unit_memo()
        if memo is not None:
            memo["fsm", key] = (state, str(data)) if data is not None else None
        return tuple(values)

    async def all(self) -> dict[str, tuple[str | None, str]]:
        """Every dialogue under way: key → (state, data)."""
        # On the writer, like every mirror's load (see UserSettingsRepository._all).
        async with self._db.conn.execute("SELECT storage_key, state, data FROM fsm_states") as cur:
            return {str(r[0]): (r[1], str(r[2])) for r in await cur.fetchall()}

    async def purge(self, untouched_since: dt.datetime) -> list[str]:
        """Delete dialogues idle since before ``untouched_since``; the keys deleted."""
        try:
            async with self._db.write() as conn:
                rows = await conn.execute_fetchall(
                    "DELETE FROM fsm_states WHERE updated_at < ? RETURNING storage_key",
                    (untouched_since.isoformat(timespec="seconds"),),
                )
        finally:
            self._forget_read()
        return [str(r[0]) for r in rows]


class ProcessedUpdateRepository:
    """Which updates were already handled, for at-most-once effects on re-delivery."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def seen(self, bot_id: int, update_id: int, since: dt.datetime) -> bool:
        # Marks older than `since` do not count: after a week without updates
        # Telegram restarts update ids at random, and an old mark must not swallow one.
        rows = await self._db.reads.execute_fetchall(
            "SELECT 1 FROM processed_updates WHERE bot_id = ? AND update_id = ? AND processed_at >= ?",
            (bot_id, update_id, since.isoformat()),
        )
        return bool(rows)

    async def highest(self, bot_id: int, since: dt.datetime) -> int | None:
        """The newest update id marked since ``since``: anything above it is new to the database."""
        rows = await self._db.reads.execute_fetchall(
            "SELECT MAX(update_id) FROM processed_updates WHERE bot_id = ? AND processed_at >= ?",
            (bot_id, since.isoformat()),
        )
        value = next(iter(rows))[0]
        return None if value is None else int(value)

    async def mark_many(self, marks: list[tuple[int, int, dt.datetime]]) -> None:
        """Marks of updates that wrote nothing, written together in one transaction."""
        async with self._db.write() as conn:
            await conn.executemany(
                "INSERT INTO processed_updates (bot_id, update_id, processed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (bot_id, update_id) DO UPDATE SET processed_at = excluded.processed_at",
                [(bot_id, update_id, at.isoformat()) for bot_id, update_id, at in marks],
            )

    @staticmethod
    async def mark(
        conn: aiosqlite.Connection, bot_id: int, update_id: int, at: dt.datetime, reply: str | None = None
    ) -> None:
        """Within the caller's transaction: the one that holds the update's effects (and what it said)."""
        await conn.execute(*ProcessedUpdateRepository.mark_statement(bot_id, update_id, at, reply))

    @staticmethod
    def mark_statement(
        bot_id: int, update_id: int, at: dt.datetime, reply: str | None = None
    ) -> tuple[str, tuple[object, ...]]:
        """:meth:`mark` as a statement and its parameters, for a unit of work to run with its
        span's RELEASE (bot/storage/db.py: one hand-off to the writer's thread, not two)."""
        return (
            "INSERT INTO processed_updates (bot_id, update_id, processed_at, reply) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (bot_id, update_id) DO UPDATE SET processed_at = excluded.processed_at, "
            "reply = excluded.reply",
            (bot_id, update_id, at.isoformat(), reply),
        )

    @staticmethod
    async def claim(conn: aiosqlite.Connection, bot_id: int, update_id: int, at: dt.datetime,
                    since: dt.datetime, worker: str | None = None) -> bool:
        """Mark the update as the first statement of its transaction; False: already handled.

        With several workers this is what makes an update applied once: a second
        worker's INSERT of the same key waits for the first one's transaction,
        then finds its row (committed) or takes over (rolled back). A mark older
        than ``since`` is an update id Telegram reused, and is taken over.
        """
        rows = await conn.execute_fetchall(
            "INSERT INTO processed_updates (bot_id, update_id, processed_at, worker) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (bot_id, update_id) DO UPDATE SET processed_at = excluded.processed_at, "
            "worker = excluded.worker, reply = NULL "
            "WHERE processed_updates.processed_at < ? RETURNING 1",
            (bot_id, update_id, at.isoformat(), worker, since.isoformat()),
        )
        return bool(rows)

    @staticmethod
    def claim_statement(bot_id: int, update_id: int, at: dt.datetime, since: dt.datetime,
                        worker: str | None = None) -> str:
        """:meth:`claim` as one statement with its values written in (PostgreSQL), for the
        BEGIN that opens the update's transaction to carry in its own round trip (a
        statement sent with another takes no parameters). Claimed when its status is
        ``INSERT 0 1``."""
        return (
            "INSERT INTO processed_updates (bot_id, update_id, processed_at, worker) "
            f"VALUES ({int(bot_id)}, {int(update_id)}, {_literal(at.isoformat())}, {_literal(worker)}) "
            "ON CONFLICT (bot_id, update_id) DO UPDATE SET processed_at = excluded.processed_at, "
            "worker = excluded.worker, reply = NULL "
            f"WHERE processed_updates.processed_at < {_literal(since.isoformat())}"
        )

    @staticmethod
    def reply_statement(bot_id: int, update_id: int, reply: str) -> str | None:
        """What the update's reply said, kept with its mark, as one statement with its
        values written in (sent with the COMMIT); None for a note that cannot be."""
        if not _LITERAL.fullmatch(reply):
            return None
        return (
            f"UPDATE processed_updates SET reply = {_literal(reply)} "
            f"WHERE bot_id = {int(bot_id)} AND update_id = {int(update_id)}"
        )

    async def handled_by(self, bot_id: int, update_id: int) -> tuple[str | None, str | None]:
        """(what its reply said, the worker that handled it) for a handled update."""
        rows = await self._db.reads.execute_fetchall(
            "SELECT reply, worker FROM processed_updates WHERE bot_id = ? AND update_id = ?",
            (bot_id, update_id),
        )
        return (rows[0][0], rows[0][1]) if rows else (None, None)

    async def reply_of(self, bot_id: int, update_id: int) -> str | None:
        """What a handled update's reply said (see migration 0005), if it is worth saying again."""
        rows = await self._db.reads.execute_fetchall(
            "SELECT reply FROM processed_updates WHERE bot_id = ? AND update_id = ?", (bot_id, update_id)
        )
        return next((str(r[0]) for r in rows if r[0] is not None), None)

    async def prune(self, before: dt.datetime) -> int:
        async with self._db.write() as conn:
            cur = await conn.execute(
                "DELETE FROM processed_updates WHERE processed_at < ?", (before.isoformat(),)
            )
            return cur.rowcount

    async def count(self) -> int:
        async with self._db.reads.execute("SELECT COUNT(*) FROM processed_updates") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0


class OperationsRepository:
    """Read-only figures for health checks and metrics; nothing about a person."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def signatures_per_petition(self) -> dict[str, int]:
        async with self._db.reads.execute(f"SELECT p.slug, {COUNT_PER_PETITION} FROM petitions p") as cur:
            return {str(r[0]): int(r[1]) for r in await cur.fetchall()}

    async def followers_per_case(self) -> dict[str, int]:
        async with self._db.reads.execute("SELECT slug, COUNT(*) FROM follows GROUP BY slug") as cur:
            return {str(r[0]): int(r[1]) for r in await cur.fetchall()}

    async def counters_match_rows(self) -> bool:
        """Whether every petition's kept counter equals its signature rows."""
        async with self._db.reads.execute(
            f"SELECT COUNT(*) FROM petitions p WHERE {COUNT_PER_PETITION} != "
            "(SELECT COUNT(*) FROM signatures s WHERE s.petition = p.slug)"
        ) as cur:
            row = await cur.fetchone()
        return row is not None and int(row[0]) == 0
