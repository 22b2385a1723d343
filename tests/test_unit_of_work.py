"""One update's writes and its processed mark are one transaction (bot.storage.db.UnitOfWork)."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiosqlite
import pytest

from bot.storage.db import READER_CACHE_KB, CommitFailed, Database
from bot.storage.repositories import ProcessedUpdateRepository, UserSettingsRepository
from tests.conftest import NOW
from tests.scaleout_fixtures import open_engine


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "unit.sqlite3")
    yield database
    await database.close()


def _committed(db: Database, sql: str) -> list[tuple[object, ...]]:
    """What another connection sees: only committed data."""
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _mark(update_id: int) -> Callable[[aiosqlite.Connection], Awaitable[None]]:
    async def finalize(conn: aiosqlite.Connection) -> None:
        await ProcessedUpdateRepository.mark(conn, 1, update_id, NOW)

    return finalize


async def test_writes_inside_a_unit_commit_together_with_the_mark(db: Database) -> None:
    users = UserSettingsRepository(db)
    async with db.unit_of_work(_mark(7)):
        await users.set_locale(1, "ru")
        await users.set_locale(2, "uz")
        # Not visible to anyone else yet: one transaction, still open.
        assert _committed(db, "SELECT COUNT(*) FROM user_settings") == [(0,)]
        assert _committed(db, "SELECT COUNT(*) FROM processed_updates") == [(0,)]
    assert _committed(db, "SELECT user_id FROM user_settings ORDER BY user_id") == [(1,), (2,)]
    assert _committed(db, "SELECT update_id FROM processed_updates") == [(7,)]


async def test_flush_commits_before_the_reply_and_later_writes_commit_on_their_own(db: Database) -> None:
    users = UserSettingsRepository(db)
    async with db.unit_of_work(_mark(8)) as unit:
        await users.set_locale(1, "ru")
        await db.flush()  # what the session middleware does before a Bot API call
        assert _committed(db, "SELECT COUNT(*) FROM user_settings") == [(1,)]
        assert _committed(db, "SELECT update_id FROM processed_updates") == [(8,)]
        await users.set_locale(2, "en")
    assert unit.writes_after_flush == 1
    assert _committed(db, "SELECT COUNT(*) FROM user_settings") == [(2,)]


async def test_an_error_rolls_back_every_write_and_leaves_no_mark(db: Database) -> None:
    users = UserSettingsRepository(db)
    with pytest.raises(RuntimeError):
        async with db.unit_of_work(_mark(9)):
            await users.set_locale(1, "ru")
            raise RuntimeError("handler failed")
    assert _committed(db, "SELECT COUNT(*) FROM user_settings") == [(0,)]
    assert _committed(db, "SELECT COUNT(*) FROM processed_updates") == [(0,)]
    # The write lock was released: an ordinary write goes through.
    await users.set_locale(3, "en")
    assert _committed(db, "SELECT user_id FROM user_settings") == [(3,)]


async def test_a_failed_block_inside_a_unit_is_undone_alone(db: Database) -> None:
    users = UserSettingsRepository(db)
    async with db.unit_of_work(_mark(10)):
        await users.set_locale(1, "ru")
        with pytest.raises(sqlite3.IntegrityError):
            async with db.write() as conn:
                await conn.execute("INSERT INTO user_settings VALUES (2, 'en', 'x')")
                await conn.execute("INSERT INTO user_settings VALUES (3, 'de', 'x')")  # CHECK fails
    assert _committed(db, "SELECT user_id FROM user_settings") == [(1,)]
    assert _committed(db, "SELECT update_id FROM processed_updates") == [(10,)]


async def test_an_update_without_writes_writes_nothing(db: Database) -> None:
    # Its mark is the idempotency middleware's, written later with others.
    async with db.unit_of_work(_mark(11)) as unit:
        pass
    assert not unit.finalized
    assert db.commits == 0
    assert _committed(db, "SELECT COUNT(*) FROM processed_updates") == [(0,)]


async def test_a_refused_commit_is_reported_and_nothing_is_kept(db: Database) -> None:
    async def broken_mark(conn: aiosqlite.Connection) -> None:
        await conn.execute("INSERT INTO no_such_table VALUES (1)")

    users = UserSettingsRepository(db)
    with pytest.raises(CommitFailed):
        async with db.unit_of_work(broken_mark):
            await users.set_locale(1, "ru")
            await db.flush()
    assert _committed(db, "SELECT COUNT(*) FROM user_settings") == [(0,)]
    await users.set_locale(2, "en")  # the lock is free again


async def test_processed_marks_expire_and_are_pruned(db: Database) -> None:
    processed = ProcessedUpdateRepository(db)
    await processed.mark_many([(1, 12, NOW), (1, 10, NOW - dt.timedelta(days=4))])
    assert await processed.highest(1, NOW - dt.timedelta(days=3)) == 12
    assert await processed.highest(1, NOW - dt.timedelta(days=5)) == 12
    assert await processed.highest(2, NOW - dt.timedelta(days=3)) is None
    assert not await processed.seen(1, 10, NOW - dt.timedelta(days=3))  # written, but too old
    assert await processed.prune(NOW - dt.timedelta(days=3)) == 1
    assert await processed.seen(1, 12, NOW - dt.timedelta(days=3))
    assert not await processed.seen(2, 12, NOW - dt.timedelta(days=3))  # another bot's sequence
    assert not await processed.seen(1, 12, NOW + dt.timedelta(seconds=1))  # too old to count
    assert await processed.prune(NOW + dt.timedelta(seconds=1)) == 1
    assert await processed.count() == 0


def test_check_reports_migrations_that_cannot_be_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.storage.db as storage

    assert storage.migration_problems() == []

    def duplicated() -> list[tuple[int, str, str]]:
        raise RuntimeError("migrations must be numbered 0001, 0002, … without gaps: [1, 2, 3, 3]")

    monkeypatch.setattr(storage, "_migrations", duplicated)
    assert storage.migration_problems() == [
        "migrations must be numbered 0001, 0002, … without gaps: [1, 2, 3, 3]"
    ]


async def _synchronous(db: Database) -> int:
    async with db.conn.execute("PRAGMA synchronous") as cur:
        row = await cur.fetchone()
    return int(row[0])


async def test_the_reader_keeps_a_small_page_cache_and_the_writer_sqlites_own(db: Database) -> None:
    # The reader's cache is emptied by every commit of the writer (WAL): kept small.
    async with db.reader.execute("PRAGMA cache_size") as cur:
        assert tuple(await cur.fetchone() or ()) == (-READER_CACHE_KB,)
    async with db.conn.execute("PRAGMA cache_size") as cur:
        assert tuple(await cur.fetchone() or ()) == (-2000,)  # SQLite's default: inserts touch a big index
    assert db.reader is not db.conn


async def test_concurrent_updates_share_one_durable_commit(db: Database) -> None:
    assert await _synchronous(db) == 2  # FULL: every COMMIT waits for the disk
    users = UserSettingsRepository(db)

    async def update(n: int) -> None:
        async with db.unit_of_work(_mark(100 + n)):
            await users.set_locale(n, "ru")

    await asyncio.gather(*(update(n) for n in range(20)))
    assert db.commits == 1  # twenty updates, one fsync
    assert _committed(db, "SELECT COUNT(*) FROM processed_updates") == [(20,)]
    assert _committed(db, "SELECT COUNT(*) FROM user_settings") == [(20,)]


async def test_a_failing_update_in_a_group_loses_only_its_own_writes(db: Database) -> None:
    users = UserSettingsRepository(db)
    order: list[str] = []

    async def succeeds() -> None:
        async with db.unit_of_work(_mark(201)):
            await users.set_locale(1, "ru")
            order.append("sealed")  # sealed on leaving; its COMMIT waits behind the failing one

    async def fails() -> None:
        with pytest.raises(RuntimeError):
            async with db.unit_of_work(_mark(202)):
                await users.set_locale(2, "uz")
                await users.set_locale(3, "uz")
                raise RuntimeError("the handler broke after writing")

    await asyncio.gather(succeeds(), fails())
    assert order == ["sealed"]
    assert db.commits == 1
    assert _committed(db, "SELECT user_id FROM user_settings") == [(1,)]
    assert _committed(db, "SELECT update_id FROM processed_updates") == [(201,)]


async def test_a_rolled_back_write_calls_its_rollback_hooks_and_a_committed_one_does_not(
    db: Database,
) -> None:
    users = UserSettingsRepository(db)
    undone: list[str] = []
    with pytest.raises(RuntimeError):
        async with db.unit_of_work(_mark(301)):
            async with db.write() as conn:
                await conn.execute(
                    "INSERT INTO user_settings (user_id, locale, updated_at) VALUES (9, 'en', 'x')"
                )
                db.on_rollback(lambda: undone.append("unit"))
            raise RuntimeError("later failure")
    async with db.write() as conn:
        await conn.execute("INSERT INTO user_settings (user_id, locale, updated_at) VALUES (10, 'en', 'x')")
        db.on_rollback(lambda: undone.append("committed"))
    with pytest.raises(ValueError):
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO user_settings (user_id, locale, updated_at) VALUES (11, 'en', 'x')"
            )
            db.on_rollback(lambda: undone.append("plain"))
            raise ValueError("inside the block")
    assert undone == ["unit", "plain"]
    assert await users.get_locale(10) == "en"
    assert _committed(db, "SELECT user_id FROM user_settings") == [(10,)]


async def test_a_transaction_sqlite_rolled_back_fails_its_group_and_leaves_no_mark(db: Database) -> None:
    users = UserSettingsRepository(db)
    outcomes: dict[str, str] = {}

    async def update(name: str, user_id: int, update_id: int, *, disk_full: bool = False) -> None:
        try:
            async with db.unit_of_work(_mark(update_id)):
                await users.set_locale(user_id, "ru")
                if disk_full:
                    # What SQLite may do by itself on SQLITE_FULL or SQLITE_IOERR.
                    await db.conn.execute("ROLLBACK")
            outcomes[name] = "committed"
        except CommitFailed:
            outcomes[name] = "failed"

    # The first seals and waits for the COMMIT queued behind the second, whose
    # statement makes SQLite drop the shared transaction.
    await asyncio.gather(update("sealed", 1, 501), update("broken", 2, 502, disk_full=True))
    assert outcomes == {"sealed": "failed", "broken": "failed"}
    assert _committed(db, "SELECT COUNT(*) FROM processed_updates") == [(0,)]  # no mark without its effect
    assert _committed(db, "SELECT COUNT(*) FROM user_settings") == [(0,)]
    async with db.unit_of_work(_mark(503)):  # and the next update commits as usual
        await users.set_locale(3, "uz")
    assert _committed(db, "SELECT update_id FROM processed_updates") == [(503,)]


async def test_a_lone_signature_is_two_hand_offs_to_the_writer_and_durable_when_done(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each aiosqlite call is a hand-off to the writer's thread (bot/storage/db.py,
    on_writer_thread, which uses aiosqlite's ``_execute``): a signature's statements go
    in one with the span's BEGIN and SAVEPOINT; its mark, RELEASE and COMMIT in another."""
    from bot.storage.repositories import SignatureRepository

    handed: list[object] = []
    real = db.conn._execute

    async def counted(fn: Callable[..., object], *args: object, **kwargs: object) -> object:
        handed.append(fn)
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(db.conn, "_execute", counted)

    async def mark(conn: aiosqlite.Connection) -> tuple[str, tuple[object, ...]]:
        return ProcessedUpdateRepository.mark_statement(1, 77, NOW, db.current_reply())

    signatures = SignatureRepository(db)
    async with db.unit_of_work(mark):
        result = await signatures.add(
            "alpha", b"s" * 32, display_name=None, city=None, locale="en", signed_at=NOW, source=None
        )
    assert result.added and result.count == 1
    assert len(handed) == 2
    assert _committed(db, "SELECT COUNT(*) FROM signatures") == [(1,)]
    assert _committed(db, "SELECT update_id, reply FROM processed_updates") == [(77, "signed:alpha")]


async def test_after_a_refused_commit_every_later_flush_of_the_update_refuses_too(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A handler that carries on after its COMMIT was refused (its writes are gone) must not
    get a later write committed, with the update's mark, as if the update had been kept."""
    database = await open_engine(engine, tmp_path, request, "refused.sqlite3")

    async def write(sql: str) -> None:
        async with database.write() as conn:
            await conn.execute(sql)

    async def count(table: str) -> int:
        rows = await database.conn.execute_fetchall(f"SELECT COUNT(*) FROM {table}")
        return int(rows[0][0])

    try:
        await write("CREATE TABLE t_parent (id INTEGER PRIMARY KEY)")
        # Checked only at COMMIT, on both engines: a COMMIT the database refuses.
        await write(
            "CREATE TABLE t_child (id INTEGER PRIMARY KEY,"
            " parent INTEGER REFERENCES t_parent (id) DEFERRABLE INITIALLY DEFERRED)"
        )
        refusals = 0
        with pytest.raises(CommitFailed):
            async with database.unit_of_work(_mark(601)):
                await write("INSERT INTO t_child VALUES (1, 99)")
                try:
                    await database.flush()
                except CommitFailed:
                    refusals += 1
                await write("INSERT INTO t_parent VALUES (5)")
                await database.flush()  # refused: the first write is not there
        assert refusals == 1
        assert await count("t_child") == 0
        assert await count("t_parent") == 0
        assert await count("processed_updates") == 0
        async with database.unit_of_work(_mark(602)):  # the next update commits as usual
            await write("INSERT INTO t_parent VALUES (6)")
        assert await count("t_parent") == 1
        assert await count("processed_updates") == 1
    finally:
        await database.close()


async def test_a_task_started_during_an_update_does_not_keep_what_its_unit_held(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A task started during an update copies its context, and with it the update's unit: the
    bot's pooled keep-alive connections live on for minutes, a hundred of them. The unit must
    not keep its update alive that long (its finalizer's closure, the update's own task)."""
    database = await open_engine(engine, tmp_path, request, "outlived.sqlite3")

    class Update:
        """What the update's finalizer and its task refer to."""

    released = asyncio.Event()
    outliving: list[asyncio.Task[None]] = []

    async def update() -> Update:
        event = Update()

        async def mark(conn: object) -> None:
            assert event is not None  # the finalizer closes over the update, as the real one does

        async with database.unit_of_work(mark):
            async with database.write() as conn:
                await conn.execute("INSERT INTO t VALUES (1)")
            outliving.append(asyncio.create_task(released.wait()))  # e.g. a connection opened here
        return event  # the update's task keeps its result

    try:
        async with database.write() as conn:
            await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        task = asyncio.create_task(update())
        held = weakref.ref(await task)
        del task
        await asyncio.sleep(0)  # the loop's handle that woke this test holds the finished task
        gc.collect()
        assert not outliving[0].done()
        assert held() is None
    finally:
        released.set()
        await asyncio.gather(*outliving)
        await database.close()
