"""The SQLite FSM storage: what a dialogue keeps, and that it keeps nothing once it ends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.storage.db import Database
from bot.storage.fsm import SqliteStorage
from bot.storage.repositories import FsmRepository

KEY = StorageKey(bot_id=1000, chat_id=5, user_id=5)


async def test_state_and_data_survive_a_reopen_and_clear_deletes_the_row(tmp_path: Path) -> None:
    path = tmp_path / "fsm.sqlite3"
    db = await Database.open(path)
    storage = SqliteStorage(FsmRepository(db))
    await storage.set_state(KEY, "SignFlow:name")
    await storage.update_data(KEY, {"slug": "alpha", "name": "Oʻktam"})
    await db.close()

    db = await Database.open(path)
    storage = SqliteStorage(FsmRepository(db))
    assert await storage.get_state(KEY) == "SignFlow:name"
    assert await storage.get_data(KEY) == {"slug": "alpha", "name": "Oʻktam"}
    assert await storage.get_state(StorageKey(bot_id=1000, chat_id=6, user_id=6)) is None
    await storage.set_state(KEY, None)
    await storage.set_data(KEY, {})
    assert await db.conn.execute_fetchall("SELECT * FROM fsm_states") == []
    await db.close()


async def test_abandoned_dialogues_are_purged(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fsm.sqlite3")
    storage = SqliteStorage(FsmRepository(db))
    await storage.set_data(KEY, {"name": "left behind"})
    assert await storage.purge_idle(dt.datetime.now(dt.UTC)) == 0
    assert await storage.purge_idle(dt.datetime.now(dt.UTC) + dt.timedelta(days=3)) == 1
    assert await storage.get_data(KEY) == {}
    await db.close()


async def test_reads_come_from_memory_and_empty_writes_are_skipped(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fsm.sqlite3")
    storage = SqliteStorage(FsmRepository(db))
    await storage.set_state(KEY, "SignFlow:name")
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    other = StorageKey(bot_id=1000, chat_id=6, user_id=6)
    assert await storage.get_state(KEY) == "SignFlow:name"
    assert await storage.get_data(other) == {}
    await storage.set_data(other, {})  # a reader with no dialogue: /start clears it
    await storage.set_state(other, None)
    await db.conn.set_trace_callback(None)
    assert statements == []
    await db.close()


async def test_data_handed_out_is_a_copy(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fsm.sqlite3")
    storage = SqliteStorage(FsmRepository(db))
    await storage.set_data(KEY, {"asked": ["ru"]})
    (await storage.get_data(KEY))["asked"].append("uz")
    assert await storage.get_data(KEY) == {"asked": ["ru"]}
    await db.close()


async def test_a_rolled_back_unit_leaves_the_mirror_as_the_database(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fsm.sqlite3")
    storage = SqliteStorage(FsmRepository(db))
    await storage.set_state(KEY, "SignFlow:name")

    async def no_mark(conn: object) -> None:
        pass

    with pytest.raises(RuntimeError):
        async with db.unit_of_work(no_mark):
            await storage.set_state(KEY, "SignFlow:city")
            await storage.set_state(StorageKey(bot_id=1000, chat_id=6, user_id=6), "SignFlow:name")
            raise RuntimeError("the handler failed after the writes")
    # No re-read asked for: the rollback itself threw the copy away.
    assert await storage.get_state(KEY) == "SignFlow:name"
    assert await storage.get_state(StorageKey(bot_id=1000, chat_id=6, user_id=6)) is None
    assert await SqliteStorage(FsmRepository(db)).get_state(KEY) == "SignFlow:name"
    await db.close()
