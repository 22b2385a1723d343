"""bot/cases/search.py on its own: skeletons, what reads as a name, pages, orders, filters."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.cases.catalog import load_catalog
from bot.cases.search import Facet, Filters, looks_like_name, page, skeleton, sort_key
from tests.conftest import FIXTURE_CASES, REAL_CASES


@pytest.mark.parametrize(
    "spellings",
    [
        ["Хамроев", "Khamroev", "Hamroyev", "Xamroyev", "ХАМРОЕВ", "khamroev"],
        ["Бахром", "Bakhrom", "Bahrom", "Baxrom", "Баҳром"],
        ["Oʻktam", "O'ktam", "O‘ktam", "O’ktam", "O`ktam", "Ўктам"],
        ["Ёрдам", "Ердам"],
        ["Muhammad", "Mukhammad", "Muhamad"],
        ["Jamshid", "Джамшид", "Zhamshid"],
        ["Müller", "Muller"],
    ],
)
def test_spellings_of_one_name_share_a_skeleton(spellings: list[str]) -> None:
    assert len({skeleton(s) for s in spellings}) == 1, {s: skeleton(s) for s in spellings}


@pytest.mark.parametrize(
    ("text", "is_name"),
    [
        ("Хамроев", True),
        ("Bakhrom Khamroev", True),
        ("Бахром Мардонович Хамроев", True),
        ("Oʻktam Hamroyev", True),
        ("why is he in prison?", False),
        ("one two three four five", False),
        ("205.2", False),
        ("", False),
    ],
)
def test_what_reads_as_a_name(text: str, is_name: bool) -> None:
    assert looks_like_name(text) is is_name


def test_pages_are_clamped_and_counted() -> None:
    items = list(range(20))
    first = page(items, 0)
    assert first.items == tuple(range(8)) and first.count == 3 and not first.has_previous and first.has_next
    last = page(items, 99)
    assert last.number == 2 and last.items == (16, 17, 18, 19) and not last.has_next
    assert page(items, -5).number == 0
    assert page([], 0).count == 1 and page([], 0).items == ()


def test_uzbek_order_puts_o_with_apostrophe_and_sh_after_z() -> None:
    names = ["Oʻktam Shodiyev", "Zafar Zokirov", "Aziz Ahmedov", "Olim Odilov"]
    ordered = sorted(names, key=lambda n: sort_key(n, "uz"))
    assert ordered == ["Aziz Ahmedov", "Olim Odilov", "Zafar Zokirov", "Oʻktam Shodiyev"]


def test_search_ranks_exact_forms_above_typos_and_names_cases_in_questions() -> None:
    catalog = load_catalog(REAL_CASES)
    index = catalog.index
    assert index.search("Хамроеву", "ru").slugs == ("khamroev",)
    assert index.search("Khamrov", "en").exact is False
    assert index.search("Zzzqqq", "en").slugs == ()
    assert index.named_in("Почему Хамроева посадили?") == ("khamroev",)
    assert index.named_in("why was he jailed?") == ()


def test_filters_use_the_stage_the_card_shows_and_recent_counts_admins_updates() -> None:
    index = load_catalog(FIXTURE_CASES).index
    everyone = index.filter(Filters(), "en")
    assert sorted(everyone) == ["alpha", "beta"]
    stage_of_alpha = dict(index.facet_values(Filters(), Facet.stage))
    assert sum(stage_of_alpha.values()) == 2
    assert index.filter(Filters(stage="released"), "en", {"alpha": "released"}) == sorted(
        ["alpha", *index.filter(Filters(stage="released"), "en")]
    )
    last = index.recent()[-1]
    assert index.recent({last: dt.date(2100, 1, 1)})[0] == last
