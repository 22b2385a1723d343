"""The case card is served from memory (bot/ui/screens.py, cached stages): whatever
changes what it shows must show on the next view."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from tests.conftest import FIXTURE_CASES, NOW, make_settings, on_chosen_engine, open_harness
from tests.tools import Harness

ADMIN = 1


@pytest.fixture
def admin_settings(tmp_path: Path) -> Settings:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    return make_settings(tmp_path, admin_ids=frozenset({ADMIN}), cases_dir=cases)


class MovableClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def harness(
    admin_settings: Settings, clock: MovableClock, request: pytest.FixtureRequest
) -> AsyncIterator[Harness]:
    h = await open_harness(on_chosen_engine(admin_settings, request), clock=clock)
    yield h
    await h.app.close()


async def test_a_new_status_shows_on_the_next_card(harness: Harness) -> None:
    reader = harness.user(21, "en")
    [before] = await reader.send("/start alpha")
    assert "sentenced on 1 June 2022" in before.text
    admin = harness.user(ADMIN, "en")
    await admin.send("/status alpha")
    await admin.press("appeal")
    await admin.send("2026-11-20")
    await admin.press("Skip")
    await admin.press("Skip")
    await admin.press("Skip")
    await admin.press("Save without announcing")
    [after] = await reader.send("/start alpha")
    assert "appealing the verdict since 20 November 2026" in after.text
    assert "sentenced on 1 June 2022" not in after.text


async def test_a_signature_changes_the_count_on_the_next_card(harness: Harness) -> None:
    reader = harness.user(21, "en")
    [before] = await reader.send("/start alpha")
    assert "Demand for release:</b> 0 signatures of 100" in before.text
    signer = harness.user(22, "en")
    await signer.send("/sign alpha")
    await signer.press("Sign anonymously")
    [after] = await reader.send("/start alpha")
    assert "Demand for release:</b> 1 signature of 100" in after.text
    assert after.text.replace("1 signature of", "0 signatures of") == before.text


async def test_following_flips_the_button_on_this_card_and_the_next(harness: Harness) -> None:
    reader = harness.user(21, "en")
    [card] = await reader.send("/start alpha")
    assert "🔔 Follow" in " ".join(card.labels) and "Unfollow" not in " ".join(card.labels)
    await reader.press("Follow")
    [again] = await reader.send("/start alpha")
    assert any("Unfollow" in label for label in again.labels)
    other = harness.user(22, "en")  # the same card, not followed, for someone else
    [theirs] = await other.send("/start alpha")
    assert not any("Unfollow" in label for label in theirs.labels)


async def test_reload_shows_the_edited_case_file(harness: Harness, admin_settings: Settings) -> None:
    reader = harness.user(21, "en")
    [before] = await reader.send("/start alpha")
    assert "a teacher, was jailed" in before.text
    [why] = await reader.press("Why a political prisoner")
    assert "does not mean agreement with her views" in why.text
    [argument] = await reader.press("Punished for words")
    assert "called for nothing violent" in argument.text
    alpha_en = admin_settings.cases_dir / "alpha" / "en.toml"
    edited = (
        alpha_en.read_text(encoding="utf-8")
        .replace("a teacher,", "a schoolteacher,")
        .replace("agreement with her views", "agreement with her opinions")
        .replace("called for nothing violent", "called for no violence")
    )
    alpha_en.write_text(edited, encoding="utf-8")
    await harness.user(ADMIN, "en").send("/reload")
    [after] = await reader.send("/start alpha")
    assert "a schoolteacher, was jailed" in after.text
    [why] = await reader.press("Why a political prisoner")
    assert "does not mean agreement with her opinions" in why.text
    [argument] = await reader.press("Punished for words")
    assert "called for no violence" in argument.text


async def test_the_time_in_custody_follows_the_day(harness: Harness, clock: MovableClock) -> None:
    reader = harness.user(21, "en")
    [today] = await reader.send("/start alpha")
    assert "In custody since</b> 10 January 2021 (5 years 10 months)" in today.text
    clock.now = NOW + dt.timedelta(days=45)
    [later] = await reader.send("/start alpha")
    assert "In custody since</b> 10 January 2021 (6 years)" in later.text
