"""The catalogue (bot/cases/search.py) for readers of Ўзбекча: names typed in Cyrillic Uzbek, their order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cases.catalog import load_catalog
from bot.cases.search import skeleton
from tests.conftest import FIXTURE_CASES, REAL_CASES


@pytest.mark.parametrize(
    "spellings",
    [
        ["Ҳамроев", "Хамроев", "Hamroyev", "ҲАМРОЕВ"],
        ["Ғуломов", "Гуломов", "Gʻulomov", "G'ulomov"],  # г typed for ғ
        ["Қодиров", "Кодиров", "Qodirov"],  # к typed for қ
        ["Шодмонов", "Shodmonov"],
    ],
)
def test_cyrillic_uzbek_names_share_the_latin_skeleton(spellings: list[str]) -> None:
    assert len({skeleton(s) for s in spellings}) == 1, {s: skeleton(s) for s in spellings}


@pytest.mark.parametrize("typed", ["Ҳамроев", "Хамроев", "ҳамроевнинг", "Баҳром Ҳамроев"])
def test_the_real_case_is_found_by_its_cyrillic_uzbek_name(typed: str) -> None:
    index = load_catalog(REAL_CASES).index
    assert index.search(typed, "uz-Cyrl").slugs == ("khamroev",)


@pytest.fixture
def tukhtaev(tmp_path: Path) -> Path:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    facts = cases / "alpha" / "case.toml"
    text = facts.read_text("utf-8").replace('uz = "Anna Alfa"', 'uz = "Oʻktam Toʻxtayev"')
    facts.write_text(text.replace('en = "Anna Alpha"', 'en = "Oktam Tokhtaev"'), "utf-8")
    return cases


def test_a_name_with_o_typed_on_a_russian_keyboard_is_still_found(tukhtaev: Path) -> None:
    index = load_catalog(tukhtaev).index
    exact = index.search("Ўктам Тўхтаев", "uz-Cyrl")
    assert exact.slugs == ("alpha",) and exact.exact
    # у for ў: not the same letters, but the closest name, offered all the same.
    assert "alpha" in index.search("Тухтаев", "uz-Cyrl").slugs


def test_readers_of_uz_cyrl_browse_in_their_alphabet(tmp_path: Path) -> None:
    # In the Cyrillic alphabet ҳ comes last, so Юсупов precedes Ҳамидов; in Latin, Hamidov
    # precedes Yusupov.
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    for slug, old, new in (("alpha", "Anna Alfa", "Yusuf Yusupov"), ("beta", "Boris Betov", "Hamid Hamidov")):
        facts = cases / slug / "case.toml"
        facts.write_text(facts.read_text("utf-8").replace(f'uz = "{old}"', f'uz = "{new}"'), "utf-8")
    index = load_catalog(cases).index
    assert index.browse("uz-Cyrl") == ("alpha", "beta")
    assert index.browse("uz") == ("beta", "alpha")
