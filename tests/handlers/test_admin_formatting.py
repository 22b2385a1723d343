"""Admin texts keep what Telegram's own editor made (bold, links on words, quotes …);
a text without such formatting is read as the HTML the admin typed."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.types import MessageEntity

from bot.config import Settings
from tests.conftest import FIXTURE_CASES, make_settings, on_chosen_engine, open_harness
from tests.tools import Harness

ADMIN = 1


@pytest.fixture
async def harness(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    settings: Settings = make_settings(tmp_path, admin_ids=frozenset({ADMIN}), cases_dir=cases)
    h = await open_harness(on_chosen_engine(settings, request))
    yield h
    await h.app.close()


async def stored_texts(harness: Harness) -> tuple[object, ...]:
    rows = await harness.app.db.conn.execute_fetchall("SELECT text_ru, text_uz, text_en FROM case_updates")
    [row] = rows
    return tuple(row)


async def post_in_russian(harness: Harness, text: str, entities: list[MessageEntity] | None) -> None:
    admin = harness.user(ADMIN, "en")
    await admin.send("/post alpha")
    await admin.send(text, entities)
    await admin.press("Skip")
    await admin.press("Skip")
    await admin.press("Publish")


async def test_formatting_from_telegrams_editor_is_kept(harness: Harness) -> None:
    # "Суд & <защита>" with "Суд" bold and "апелляцию" a link, as the Telegram app sends it.
    text = "Суд & <защита>: апелляцию назначили."
    entities = [
        MessageEntity(type="bold", offset=0, length=3),
        MessageEntity(type="text_link", offset=16, length=9, url="https://example.org/a"),
    ]
    await post_in_russian(harness, text, entities)
    assert await stored_texts(harness) == (
        '<b>Суд</b> &amp; &lt;защита&gt;: <a href="https://example.org/a">апелляцию</a> назначили.',
        None,
        None,
    )


async def test_text_without_formatting_is_the_html_typed(harness: Harness) -> None:
    # A link Telegram found by itself is not formatting: the typed tags still count.
    text = "Суд назначил <b>апелляцию</b>: https://example.org/a"
    entities = [MessageEntity(type="url", offset=31, length=21)]
    await post_in_russian(harness, text, entities)
    assert await stored_texts(harness) == (text, None, None)
