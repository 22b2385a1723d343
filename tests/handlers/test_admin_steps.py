"""An admin's own buttons reach only the step they belong to: one pressed at another step
(left over in the chat, or forged) gets a polite "out of date" and changes nothing."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ui.catalogue_callbacks import AdminPickCb, PickPurpose
from bot.ui.keyboards import AdminAction, AdminCb
from tests.conftest import FIXTURE_CASES, make_settings, on_chosen_engine, open_harness
from tests.tools import Harness

ADMIN = 1
STALE = "This button is out of date. Please open the case again."

OUT_OF_STEP = [
    AdminCb(action=AdminAction.pick, value="alpha"),
    AdminCb(action=AdminAction.fallback, value="ru"),
    AdminCb(action=AdminAction.stage, value="released"),
    AdminCb(action=AdminAction.today),
    AdminCb(action=AdminAction.publish, key="0123456789ab"),
    AdminCb(action=AdminAction.quiet, key="0123456789ab"),
    AdminCb(action=AdminAction.edit),
    AdminCb(action=AdminAction.edit_lang, value="en"),
    AdminPickCb(purpose=PickPurpose.post, slug="alpha"),
]


@pytest.fixture
async def harness(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    settings = make_settings(tmp_path, admin_ids=frozenset({ADMIN}), cases_dir=cases)
    h = await open_harness(on_chosen_engine(settings, request))
    yield h
    await h.app.close()


async def test_a_button_of_another_step_is_out_of_date(harness: Harness) -> None:
    admin = harness.user(ADMIN, "en")
    await admin.send("/post alpha")  # asks for the Russian text
    states = "SELECT state, data FROM fsm_states"
    before = [tuple(r) for r in await harness.app.db.conn.execute_fetchall(states)]
    for button in OUT_OF_STEP:
        shown = await admin.press_data(button.pack())
        assert [(s.kind, s.text) for s in shown] == [("popup", STALE)], button
    assert [tuple(r) for r in await harness.app.db.conn.execute_fetchall(states)] == before
    # The dialogue goes on where it was.
    [prompt] = await admin.send("Новость")
    assert "who read <b>Uzbek</b>" in prompt.text


async def test_a_dialogue_whose_case_is_gone_ends_at_the_next_button(
    harness: Harness, tmp_path: Path
) -> None:
    admin = harness.user(ADMIN, "en")
    await admin.send("/status alpha")
    shutil.rmtree(tmp_path / "cases" / "alpha")
    [reloaded] = await admin.send("/reload")
    assert reloaded.text.endswith("No longer listed: alpha")
    shown = await admin.press("released")
    assert [(s.kind, s.text) for s in shown] == [("popup", STALE)]
    assert await harness.app.db.conn.execute_fetchall("SELECT * FROM fsm_states") == []
