"""Reads see one committed snapshot: never half of a write, never another update's uncommitted one.

The interleavings are forced, not hoped for: a multi-row read is stopped after
its first row while another update writes and commits, and a read runs while
another update holds writes it has not committed yet.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.storage.db import Database
from bot.storage.repositories import SignatureRepository

AT = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "casebot.sqlite3")
    yield database
    await database.close()


async def _sign(signatures: SignatureRepository, n: int) -> None:
    await signatures.add(
        "alpha",
        n.to_bytes(32, "big", signed=True),
        display_name=None,
        city=None,
        locale="en",
        signed_at=AT,
        source=None,
    )


async def _no_mark(conn: Any) -> None:
    return None


async def test_a_multi_row_read_keeps_its_snapshot_while_others_write(db: Database) -> None:
    signatures = SignatureRepository(db)
    for n in range(10):
        await _sign(signatures, n)
    async with db.reads.execute("SELECT id FROM signatures WHERE petition = 'alpha' ORDER BY id") as cur:
        first = await cur.fetchone()
        # Another update signs five times and commits while this read is half done.
        for n in range(10, 15):
            await _sign(signatures, n)
        rest = await cur.fetchall()
    assert first is not None
    assert len(rest) + 1 == 10  # the snapshot it began with: not 15, not anything in between
    assert await signatures.count("alpha") == 15  # the next read sees the commits


async def test_a_multi_row_read_never_takes_in_rows_written_meanwhile_and_not_committed(db: Database) -> None:
    signatures = SignatureRepository(db)
    for n in range(10):
        await _sign(signatures, n)
    wrote = asyncio.Event()
    may_commit = asyncio.Event()

    async def writer() -> None:
        async with db.unit_of_work(_no_mark):
            for n in range(10, 15):
                await _sign(signatures, n)
            wrote.set()
            await may_commit.wait()

    async with db.reads.execute("SELECT id FROM signatures WHERE petition = 'alpha' ORDER BY id") as cur:
        first = await cur.fetchone()
        writing = asyncio.ensure_future(writer())
        await wrote.wait()
        rest = await cur.fetchall()
    may_commit.set()
    await writing
    assert first is not None and len(rest) + 1 == 10
    assert await signatures.count("alpha") == 15


async def test_many_reads_racing_writers_always_add_up(db: Database) -> None:
    signatures = SignatureRepository(db)
    consistent: list[bool] = []

    async def read() -> None:
        async with db.reads.execute(
            "SELECT signature_count, (SELECT COUNT(*) FROM signatures WHERE petition = 'alpha') "
            "FROM petitions WHERE slug = 'alpha'"
        ) as cur:
            row = await cur.fetchone()
        if row is not None:
            consistent.append(row[0] == row[1])
        per_locale = await signatures.per_locale("alpha")
        counted = await signatures.count("alpha")
        # Two statements, two snapshots, and writers only add: never fewer rows later.
        consistent.append(sum(per_locale.values()) <= counted)

    await _sign(signatures, -1)
    await asyncio.gather(*(task for n in range(200) for task in (_sign(signatures, n), read())))
    assert consistent and all(consistent)
    assert await signatures.count("alpha") == 201


async def test_another_updates_uncommitted_write_is_never_visible(db: Database) -> None:
    signatures = SignatureRepository(db)
    wrote = asyncio.Event()
    may_commit = asyncio.Event()
    seen_by_writer: list[int] = []

    async def writer() -> None:
        async with db.unit_of_work(_no_mark):
            await _sign(signatures, 1)
            seen_by_writer.append(await signatures.count("alpha"))  # its own write: visible
            wrote.set()
            await may_commit.wait()

    writing = asyncio.ensure_future(writer())
    await wrote.wait()
    # Another update reads while the first holds its write, uncommitted.
    assert await signatures.count("alpha") == 0
    assert await signatures.get("alpha", (1).to_bytes(32, "big", signed=True)) is None
    assert await signatures.all_of("alpha") == []
    may_commit.set()
    await writing
    assert seen_by_writer == [1]
    assert await signatures.count("alpha") == 1


async def test_an_update_reads_its_own_withdrawal_before_it_commits(db: Database) -> None:
    signatures = SignatureRepository(db)
    await _sign(signatures, 1)
    await _sign(signatures, 2)
    async with db.unit_of_work(_no_mark):
        assert await signatures.remove("alpha", (1).to_bytes(32, "big", signed=True))
        assert await signatures.count("alpha") == 1  # the count shown right after a withdrawal
    assert await signatures.count("alpha") == 1


async def test_the_reader_cannot_write(db: Database) -> None:
    import sqlite3

    with pytest.raises(sqlite3.OperationalError):
        await db.reader.execute("DELETE FROM signatures")


async def test_a_closing_is_seen_by_others_only_once_committed_and_then_at_once(db: Database) -> None:
    signatures = SignatureRepository(db)
    await _sign(signatures, 1)
    closed = asyncio.Event()
    may_commit = asyncio.Event()
    seen_by_closer: list[dt.datetime | None] = []

    async def closer() -> None:
        async with db.unit_of_work(_no_mark):
            await signatures.close("alpha", AT)
            seen_by_closer.append(await signatures.closed_at("alpha"))
            closed.set()
            await may_commit.wait()

    closing = asyncio.ensure_future(closer())
    await closed.wait()
    assert await signatures.closed_at("alpha") is None  # not committed: open, for everyone else
    may_commit.set()
    await closing
    assert seen_by_closer == [AT]
    assert await signatures.closed_at("alpha") == AT  # no stale "open" kept in the cache


async def test_a_closing_rolled_back_is_never_seen(db: Database) -> None:
    signatures = SignatureRepository(db)
    await _sign(signatures, 1)
    with pytest.raises(RuntimeError):
        async with db.unit_of_work(_no_mark):
            await signatures.close("alpha", AT)
            assert await signatures.closed_at("alpha") == AT
            raise RuntimeError("the handler failed after closing")
    assert await signatures.closed_at("alpha") is None
