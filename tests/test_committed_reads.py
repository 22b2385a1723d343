"""The card's figures (follow state, signature count) come from memory until a COMMIT changes them.

Each test counts the statements the reader connection runs, so "from memory" is
checked, not assumed; and every value read is the committed one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiosqlite
import pytest

from bot.storage.db import Database
from bot.storage.repositories import FollowRepository, SignatureRepository

AT = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "reads.sqlite3")
    yield database
    await database.close()


async def _reader_statements(db: Database) -> list[str]:
    seen: list[str] = []
    await db.reader.set_trace_callback(seen.append)
    return seen


async def _sign(signatures: SignatureRepository, signer: bytes) -> None:
    await signatures.add("alpha", signer, display_name=None, city=None, locale="en", signed_at=AT, source=None)


async def test_the_count_is_read_once_and_again_after_a_signature_is_committed(db: Database) -> None:
    signatures = SignatureRepository(db)
    await _sign(signatures, b"a" * 32)
    seen = await _reader_statements(db)
    assert await signatures.count("alpha") == 1
    assert await signatures.count("alpha") == 1
    assert len(seen) == 1
    await _sign(signatures, b"b" * 32)
    assert await signatures.count("alpha") == 2
    assert await signatures.remove("alpha", b"a" * 32)
    assert await signatures.count("alpha") == 1
    assert len(seen) == 3


async def test_the_follow_state_is_read_once_and_again_after_a_follow_or_unfollow(db: Database) -> None:
    follows = FollowRepository(db)
    seen = await _reader_statements(db)
    assert not await follows.is_following(1, "alpha")
    assert not await follows.is_following(1, "alpha")
    assert not await follows.is_following(1, "beta")  # the chat's follows were read at once
    assert len(seen) == 1
    await follows.follow(1, "alpha", "en")
    assert await follows.is_following(1, "alpha")
    await follows.move_chat(1, 2)
    assert not await follows.is_following(1, "alpha")
    assert await follows.is_following(2, "alpha")
    await follows.forget(2)
    assert not await follows.is_following(2, "alpha")


async def test_an_update_reads_its_own_uncommitted_follow_and_others_the_committed_state(db: Database) -> None:
    follows = FollowRepository(db)
    assert not await follows.is_following(1, "alpha")  # kept: False
    inside = asyncio.Event()
    release = asyncio.Event()
    own_view: list[bool] = []

    async def finalize(conn: aiosqlite.Connection) -> None:
        pass

    async def update() -> None:
        async with db.unit_of_work(finalize):
            await follows.follow(1, "alpha", "en")
            own_view.append(await follows.is_following(1, "alpha"))
            inside.set()
            await release.wait()

    task = asyncio.create_task(update())
    await inside.wait()
    assert own_view == [True]  # its own write, on the writer connection
    assert not await follows.is_following(1, "alpha")  # not committed yet: nobody else sees it
    release.set()
    await task
    assert await follows.is_following(1, "alpha")


async def test_a_value_read_while_a_change_is_committed_is_not_kept(db: Database) -> None:
    follows = FollowRepository(db)
    gate = asyncio.Event()
    reading = asyncio.Event()

    async def slow_load(conn: aiosqlite.Connection) -> frozenset[str]:
        reading.set()
        await gate.wait()  # read the old state; the follow commits meanwhile
        return frozenset()

    # The race is between a load and a COMMIT: the repository's own cache, with a load that waits.
    read: Callable[[], Awaitable[frozenset[str]]] = lambda: follows._followed.read(1, slow_load)  # noqa: E731
    task = asyncio.create_task(read())
    await reading.wait()
    await follows.follow(1, "alpha", "en")
    gate.set()
    assert await task == frozenset()  # what that read saw…
    assert await follows.is_following(1, "alpha")  # …was not kept


async def test_a_rolled_back_change_leaves_the_committed_value(db: Database) -> None:
    signatures = SignatureRepository(db)
    await _sign(signatures, b"a" * 32)
    assert await signatures.count("alpha") == 1

    async def finalize(conn: aiosqlite.Connection) -> None:
        pass

    with pytest.raises(RuntimeError):
        async with db.unit_of_work(finalize):
            await _sign(signatures, b"b" * 32)
            raise RuntimeError("the handler failed after signing")
    assert await signatures.count("alpha") == 1
    rows = await db.reader.execute_fetchall("SELECT COUNT(*) FROM signatures")
    assert list(rows[0]) == [1]
