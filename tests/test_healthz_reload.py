"""/healthz counts the cases in force: after /reload, not as they were at start-up."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.transport.intake import Intake
from bot.transport.web import WebServer
from tests.conftest import FIXTURE_CASES, make_settings, open_harness
from tests.tools import Harness

ADMIN = 1


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    h = await open_harness(make_settings(tmp_path, admin_ids=frozenset({ADMIN}), cases_dir=cases))
    yield h
    await h.app.close()


async def test_healthz_counts_the_cases_in_force_after_reload(harness: Harness) -> None:
    server = WebServer(harness.app, Intake(harness.app.dp, harness.app.bot))
    async with TestClient(TestServer(server.application(), host="127.0.0.1")) as client:
        before = await (await client.get("/healthz")).json()
        assert before["cases"] == 2
        shutil.rmtree(harness.app.settings.cases_dir / "alpha")
        [done] = await harness.user(ADMIN, "en").send("/reload")
        assert done.text.startswith("Case files reloaded: one case.")
        after = await (await client.get("/healthz")).json()
    assert after["cases"] == 1
