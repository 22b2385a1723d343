"""TableMirror: rows in memory that never disagree with the table for long, and never wait on writers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.storage.mirror import TableMirror


class Table:
    def __init__(self) -> None:
        self.rows: dict[str, int] = {"a": 1}
        self.loads = 0
        self.during_load: asyncio.Event | None = None
        self.rollback_hooks: list[Callable[[], None]] = []

    def on_rollback(self, hook: Callable[[], None]) -> None:
        self.rollback_hooks.append(hook)

    async def load(self) -> dict[str, int]:
        self.loads += 1
        snapshot = dict(self.rows)
        if self.during_load is not None:
            await self.during_load.wait()
        return snapshot


async def test_a_load_does_not_wait_for_a_write_under_way() -> None:
    # The writer may be waiting for the very transaction of the update that loads.
    table = Table()
    mirror: TableMirror[str, int] = TableMirror(table.load, table.on_rollback)
    release = asyncio.Event()

    async def writer() -> None:
        async with mirror.writing():
            await release.wait()
            table.rows["b"] = 2
        mirror.put("b", 2)

    task = asyncio.create_task(writer())
    await asyncio.sleep(0)
    assert await asyncio.wait_for(mirror.rows(), 1) == {"a": 1}
    release.set()
    await task
    assert await mirror.rows() == {"a": 1, "b": 2}


async def test_a_load_that_missed_a_write_is_done_again() -> None:
    table = Table()
    mirror: TableMirror[str, int] = TableMirror(table.load, table.on_rollback)
    table.during_load = asyncio.Event()
    loading = asyncio.create_task(mirror.rows())
    await asyncio.sleep(0)  # the load has taken its snapshot
    table.rows["b"] = 2
    async with mirror.writing():
        pass
    mirror.put("b", 2)
    table.during_load.set()
    assert await loading == {"a": 1, "b": 2}
    assert table.loads == 2


async def test_a_failed_write_makes_the_next_read_load_again() -> None:
    table = Table()
    mirror: TableMirror[str, int] = TableMirror(table.load, table.on_rollback)
    assert await mirror.rows() == {"a": 1}
    with pytest.raises(RuntimeError):
        async with mirror.writing():
            raise RuntimeError("rolled back")
    table.rows["a"] = 5  # what the table holds after the rollback
    assert await mirror.rows() == {"a": 5}
    assert table.loads == 2


async def test_a_change_whose_transaction_is_rolled_back_later_is_forgotten() -> None:
    table = Table()
    mirror: TableMirror[str, int] = TableMirror(table.load, table.on_rollback)
    assert await mirror.rows() == {"a": 1}
    async with mirror.writing():
        table.rows["b"] = 2
    mirror.put("b", 2)
    assert await mirror.rows() == {"a": 1, "b": 2}
    del table.rows["b"]  # the update failed later: its transaction is rolled back...
    for hook in table.rollback_hooks:  # ...and the database calls the hooks
        hook()
    assert await mirror.rows() == {"a": 1}
    assert table.loads == 2
