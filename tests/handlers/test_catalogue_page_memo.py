"""Catalogue pages are rendered once for all readers of one language, and never served stale.

A page of the catalogue (browse, a search's matches) is memoised whole, text and
keyboard (bot/screens.py, ``Screens.catalogue_page``): the same page for the next
reader costs no Fluent formatting and no keyboard building. Whatever a page shows
is in its key, so an admin's /status or a /reload shows at once.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ui import catalogue_screens
from tests.catalogue_gen import generate
from tests.conftest import REAL_CASES, make_settings, open_harness
from tests.tools import Harness

COUNT = 200
PAGES = -(-(COUNT + 1) // 8)


@pytest.fixture
async def cases(tmp_path: Path) -> AsyncIterator[Harness]:
    folder = tmp_path / "cases"
    generate(folder, COUNT)
    shutil.copytree(REAL_CASES / "khamroev", folder / "khamroev")
    harness = await open_harness(make_settings(tmp_path, cases_dir=folder, admin_ids="77"))
    yield harness
    await harness.app.close()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the pages actually rendered (not served from memory)."""
    rendered: list[str] = []
    real = catalogue_screens.listing

    def counting(title: str, *args: object, **kwargs: object) -> object:
        rendered.append(title)
        return real(title, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue_screens, "listing", counting)
    return rendered


def _names(text: str) -> list[str]:
    return re.findall(r"\d+\. <b>(.+?)</b>", text)


async def test_a_page_is_rendered_once_per_language_and_served_alike(
    cases: Harness, renders: list[str]
) -> None:
    first, second, russian = cases.user(1, "en"), cases.user(2, "en"), cases.user(3, "ru")
    shown = []
    for user in (first, second):
        await user.send("/start")
        await user.press("All cases, A–Z")
        [page] = await user.press("Next")
        shown.append(page)
    assert shown[0].text == shown[1].text and shown[0].labels == shown[1].labels
    assert f"Page 2 of {PAGES}" in shown[1].text
    assert len(renders) == 2  # pages 1 and 2, once each
    await russian.send("/start")
    [page] = await russian.press("Все дела, А–Я")
    assert f"Страница 1 из {PAGES}" in page.text and len(renders) == 3  # another language, its own page
    # Back from a card still returns to the reader's own page.
    await second.press(_names(shown[1].text)[0])
    [back] = await second.press("Back")
    assert back.text == shown[1].text


async def test_the_same_search_is_one_set_of_pages_and_each_reader_pages_it(
    cases: Harness, renders: list[str]
) -> None:
    first, second = cases.user(4, "en"), cases.user(5, "en")
    [found] = await first.send("Zarvid")
    [again] = await second.send("Zarvid")
    assert found.text == again.text and "Page 1 of" in found.text
    assert len(renders) == 1
    assert found.button("Next").callback_data == again.button("Next").callback_data
    [second_page] = await second.press("Next")
    assert "Page 2 of" in second_page.text and set(_names(second_page.text)).isdisjoint(_names(found.text))


async def test_a_status_set_by_an_admin_shows_on_the_page_at_once(cases: Harness) -> None:
    reader = cases.user(6, "en")
    await reader.send("/start")
    await reader.press("All cases, A–Z")
    number, before = 0, ""
    while "Bakhrom Khamroev" not in before:  # the A–Z page that lists him
        [page] = await reader.press_data(f"br:a:{number}")
        number, before = number + 1, page.text
    admin = cases.user(77, "en")
    await admin.send("/status Khamroev")
    await admin.press("released")
    await admin.send("2026-11-20")
    await admin.send("Освобождён.")
    await admin.press("Skip")
    await admin.press("Skip")
    await admin.press("Save without announcing")
    [now] = await reader.press_data(f"br:a:{number - 1}")
    assert _names(now.text) == _names(before) and now.text != before
    line = next(line for line in now.text.split("\n\n") if "Bakhrom Khamroev" in line)
    assert "released" in line.lower(), line


async def test_a_reload_renders_the_pages_anew(cases: Harness, renders: list[str]) -> None:
    reader = cases.user(7, "en")
    await reader.send("/start")
    [page] = await reader.press("All cases, A–Z")
    assert len(renders) == 1
    await cases.user(77, "en").send("/reload")
    await reader.send("/start")
    [again] = await reader.press("All cases, A–Z")
    assert again.text == page.text and len(renders) == 2  # a new catalogue: not the old page
