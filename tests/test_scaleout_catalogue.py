"""The catalogue's memory between taps on two workers sharing Redis: a search paged and
*Back* from a card work whichever worker the reader's next tap reaches."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from tests.catalogue_gen import generate
from tests.conftest import REAL_CASES, make_settings, open_harness
from tests.scaleout_fixtures import scale_out_settings
from tests.tools import ChatUser, Harness


@pytest.fixture
async def workers(tmp_path: Path, pg_url: str, redis_url: str) -> AsyncIterator[tuple[Harness, Harness]]:
    cases = tmp_path / "cases"
    generate(cases, 200)
    shutil.copytree(REAL_CASES / "khamroev", cases / "khamroev")
    settings = scale_out_settings(make_settings(tmp_path, cases_dir=cases), pg_url, redis_url)
    first = await open_harness(settings)
    second = await open_harness(settings)
    yield first, second
    await first.app.close()
    await second.app.close()


def on(worker: Harness, user: ChatUser) -> ChatUser:
    user.harness = worker
    return user


async def test_a_search_pages_and_back_returns_to_it_across_workers(
    workers: tuple[Harness, Harness], redis_url: str
) -> None:
    w1, w2 = workers
    reader = w1.user(81, "en")
    [found] = await reader.send("Zarvid")
    assert "Page 1 of" in found.text
    on(w2, reader)
    [second] = await reader.press("Next")  # another worker: it never saw the search
    assert second.kind == "edit" and "Page 2 of" in second.text
    name = second.labels[0]
    on(w1, reader)
    await reader.press(name)
    on(w2, reader)
    [back] = await reader.press("Back")
    assert back.kind == "edit" and back.text == second.text
    client = Redis.from_url(redis_url)
    try:
        trails = await client.keys("casebot:trail:*")
        assert len(trails) == 1 and b"81" not in trails[0]  # a keyed hash, not the id
        results = [await client.get(key) for key in await client.keys("casebot:found:*")]
        assert results and all(b"fict-" in r and b"Zarvid" not in r for r in results)  # slugs only
    finally:
        await client.aclose()
