"""A catalogue of 1,001 cases (1,000 fictional, generated; and the real Khamroev case),
read through the real Dispatcher in Russian, Uzbek and English.

The catalogue is generated and loaded once per session (tests/catalogue_gen.py);
each test gets its own database. Every call the bot makes is checked against
what Telegram accepts (tests/telegram_limits.py, via tests/tools.py).
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram.methods import AnswerInlineQuery
from aiogram.types import InlineQuery, Update

from bot import app as app_module
from bot.cases.catalog import Catalog, load_catalog
from bot.cases.models import Case
from bot.cases.search import Filters
from bot.ui.catalogue_callbacks import BrowseCb, BrowseOrder
from tests.catalogue_gen import generate
from tests.conftest import REAL_CASES, make_settings, open_harness
from tests.tools import ChatUser, Harness

COUNT = 1000
TOTAL = COUNT + 1
PAGES = -(-TOTAL // 8)


@pytest.fixture(scope="session")
def big_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("catalogue") / "cases"
    generate(folder, COUNT)
    shutil.copytree(REAL_CASES / "khamroev", folder / "khamroev")
    return folder


@pytest.fixture(scope="session")
def big_catalog(big_cases: Path) -> Catalog:
    return load_catalog(big_cases)


@pytest.fixture
def loaded_once(big_cases: Path, big_catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """create_app gets the session's catalogue instead of reading 4,000 files again."""
    real = app_module.load_catalog
    monkeypatch.setattr(
        app_module,
        "load_catalog",
        lambda path, *args, **kwargs: big_catalog if Path(path) == big_cases else real(path, *args, **kwargs),
    )
    yield


@pytest.fixture
async def big(tmp_path: Path, big_cases: Path, loaded_once: None) -> AsyncIterator[Harness]:
    harness = await open_harness(make_settings(tmp_path, cases_dir=big_cases, admin_ids="77"))
    yield harness
    await harness.app.close()


def _names(shown_text: str) -> list[str]:
    return re.findall(r"\d+\. <b>(.+?)</b>", shown_text)


@pytest.mark.parametrize(
    ("locale", "search", "browse", "page_one"),
    [
        ("en", "Search by name", "All cases, A–Z", f"Page 1 of {PAGES}"),
        ("ru", "Поиск по имени", "Все дела, А–Я", f"Страница 1 из {PAGES}"),
        ("uz", "Ism boʻyicha qidirish", "Barcha ishlar, A–Z", f"{PAGES} sahifadan 1-sahifa"),
    ],
)
async def test_start_offers_the_ways_in_never_a_button_per_case(
    big: Harness, locale: str, search: str, browse: str, page_one: str
) -> None:
    user = big.user(1, locale)
    [start] = await user.send("/start")
    assert len(start.buttons) <= 8
    assert search in start.button(search).text
    [first] = await user.press(browse)
    assert first.kind == "edit" and page_one in first.text
    assert len(_names(first.text)) == 8 and len(first.buttons) <= 12
    [cases] = await user.send("/cases")
    assert len(cases.buttons) <= 8


async def test_browse_pages_to_the_last_and_back_in_alphabetical_order(big: Harness) -> None:
    user = big.user(2, "en")
    await user.send("/start")
    [page] = await user.press("All cases, A–Z")
    seen = _names(page.text)
    for number in range(2, PAGES + 1):
        [page] = await user.press("Next")
        assert page.kind == "edit" and f"Page {number} of {PAGES}" in page.text
        seen += _names(page.text)
    assert not any("Next" in label for label in page.labels)
    assert len(seen) == TOTAL and len(set(seen)) == TOTAL
    surnames = [name.split()[-1].casefold() for name in seen]
    assert surnames == sorted(surnames)
    [back] = await user.press("Previous")
    assert f"Page {PAGES - 1} of {PAGES}" in back.text
    # The card's Back returns to that page.
    await user.press(_names(back.text)[0])
    [returned] = await user.press("Back")
    assert f"Page {PAGES - 1} of {PAGES}" in returned.text and returned.kind == "edit"


async def test_recently_updated_is_newest_first_and_russian_browse_follows_the_russian_alphabet(
    big: Harness,
) -> None:
    user = big.user(3, "ru")
    await user.send("/start")
    [recent] = await user.press("Недавно обновлённые")
    catalog = big.app.catalog
    dates = [catalog.get(s).facts.timeline[-1].date for s in catalog.index.recent()[:8]]
    assert dates == sorted(dates, reverse=True)
    assert _names(recent.text)[0] == catalog.get(catalog.index.recent()[0]).name("ru")
    await user.press("Меню")
    [alphabet] = await user.press("Все дела, А–Я")
    surnames = [n.split()[-1] for n in _names(alphabet.text)]
    assert surnames == sorted(surnames, key=lambda s: s.casefold().replace("ё", "е"))
    assert all(re.search("[А-Яа-я]", n) for n in _names(alphabet.text))
    [last] = await user.press_data(BrowseCb(order=BrowseOrder.alphabet, p=PAGES - 1).pack())
    assert f"Страница {PAGES} из {PAGES}" in last.text


@pytest.mark.parametrize(
    "spelling",
    [
        "Хамроев",
        "Khamroev",
        "Hamroyev",
        "Xamroyev",
        "хамраев",
        "ХАМРОЕВ",
        "Хамроеву",
        "Hamroyevning",
        "Khamrov",  # a typo
        "Bakhrom Khamroev",
        "Баҳром Ҳамроев",
        "Bahrom  Hamroyev",
    ],
)
@pytest.mark.parametrize("locale", ["ru", "uz", "en"])
async def test_every_spelling_opens_the_card(big: Harness, spelling: str, locale: str) -> None:
    [card] = await big.user(4, locale).send(spelling)
    name = {"ru": "Бахром Хамроев", "uz": "Bahrom Hamroyev", "en": "Bakhrom Khamroev"}[locale]
    assert card.text.startswith(f"<b>{name}</b>")


async def test_a_fictional_name_in_any_script_and_with_apostrophes(big: Harness) -> None:
    case = big.app.catalog.get("fict-0000")
    surname_en = case.name("en").split()[-1]
    surname_ru = case.name("ru").split()[-1]
    user = big.user(5, "en")
    for typed in (surname_en, surname_ru, surname_en.upper(), surname_ru.lower(), case.name("en")):
        [card] = await user.send(typed)
        assert card.text.startswith(f"<b>{case.name('en')}</b>"), typed


async def test_a_first_name_alone_gives_a_paged_list_and_back_returns_to_it(big: Harness) -> None:
    user = big.user(6, "uz")
    [found] = await user.send("Zarvid")
    assert "ta ish topildi" in found.text and "sahifadan 1-sahifa" in found.text
    assert all(name.startswith("Zarvid") for name in _names(found.text))
    # a line each: name, article, status
    assert re.search(r"\d+-modda", found.text)
    [second] = await user.press("Keyingi")
    assert "sahifadan 2-sahifa" in second.text and second.kind == "edit"
    await user.press(_names(second.text)[0])
    [back] = await user.press("Orqaga")
    assert back.kind == "edit" and "sahifadan 2-sahifa" in back.text


async def test_no_such_name_offers_the_nearest(big: Harness) -> None:
    user = big.user(7, "ru")
    [near] = await user.send("Хамидуллаев")
    assert near.text == "Дела с таким именем нет. Ближайшие имена:"
    assert "Бахром Хамроев" in near.labels
    [unknown] = await user.send("Tuninyaz Qwzx")
    assert unknown.text == "Дела с таким именем нет."


async def test_filters_combine_count_and_offer_to_drop_one_when_empty(big: Harness) -> None:
    user = big.user(8, "en")
    index = big.app.catalog.index
    await user.send("/start")
    [summary] = await user.press("Filters")
    assert f"{TOTAL:,} cases" in summary.text
    await user.press("Article")
    [chosen] = await user.press("Article 205.2 of the Russian Criminal Code")
    with_article = index.filter(Filters(article="uk-rf/205.2"), "en")
    assert f"{len(with_article)} cases" in chosen.text
    await user.press("Region")
    [both] = await user.press("Tatarstan")
    count = int(re.search(r"<b>(\d+) cases</b> match", both.text).group(1))
    assert 0 < count < len(with_article)
    [listing] = await user.press(f"Show {count} cases")
    assert "Tatarstan" in listing.text and f"<b>{count} cases</b>" in listing.text
    for name in _names(listing.text):
        slug = next(c.slug for c in big.app.catalog if c.name("en") == name)
        case = big.app.catalog.get(slug)
        assert case.facts.region.en == "Tatarstan"
        assert any(c.article == "205.2" for c in case.facts.charges)
    await user.press("Filters")
    await user.press("Stage")
    stages = [b for b in user.last.labels if "—" in b]
    assert stages
    # A category with no Tatarstan case under 205.2 may not exist; force an empty result.
    [empty] = await user.press_data("fl:uk-rf/205.2::tatarstan:nosuch::0")
    assert "No case" in empty.text
    [dropped] = await user.press("Drop the category")
    assert f"<b>{count} cases</b> match" in dropped.text


async def test_a_question_goes_to_the_named_case_the_open_card_or_asks_which(big: Harness) -> None:
    catalog = big.app.catalog
    named = catalog.get("fict-0000")  # a full case: it has questions
    other = catalog.get("fict-0002")
    user = big.user(9, "en")
    # No name, no card open: which case?
    [which] = await user.send("Why is he a political prisoner?")
    assert which.text.startswith("Which case is your question about?")
    # By name: that person's file, not the open one's nor a namesake's.
    await user.send(f"/start {other.slug}")
    [answer] = await user.send(f"Why is {named.name('en')} a political prisoner?")
    assert named.name("en") in answer.text and other.name("en") not in answer.text
    # By the open card.
    await user.send(f"/start {other.slug}")
    [by_card] = await user.send("Why is he a political prisoner?")
    assert other.name("en") in by_card.text
    # In Russian, with the name in an oblique case.
    ru = big.user(10, "ru")
    surname = named.name("ru").split()[-1]
    [ru_answer] = await ru.send(f"Почему {surname}а признали политзаключённым?")
    assert named.name("ru") in ru_answer.text


async def test_inline_mode_pages_the_whole_catalogue(big: Harness) -> None:
    user = big.user(11, "en")
    update_ids = iter(range(90_000, 90_500))

    async def ask(text: str, offset: str = "") -> AnswerInlineQuery:
        update = Update(
            update_id=next(update_ids),
            inline_query=InlineQuery(id="iq", from_user=user.user, query=text, offset=offset),
        )
        [answer] = [c for c in await big.feed(update) if isinstance(c, AnswerInlineQuery)]
        return answer

    seen: list[str] = []
    offset = ""
    while True:
        answer = await ask("", offset)
        assert len(answer.results) <= 50
        seen += [r.id for r in answer.results]
        if not answer.next_offset:
            break
        offset = answer.next_offset
    assert len(seen) == TOTAL and len(set(seen)) == TOTAL
    assert [r.id for r in (await ask("Xamroyev")).results] == ["khamroev"]
    zarvids = await ask("Zarvid")
    assert zarvids.next_offset and all(r.title.startswith("Zarvid") for r in zarvids.results)


async def test_reload_swaps_the_whole_catalogue_while_readers_read(big: Harness) -> None:
    admin = big.user(77, "en")
    readers = [big.user(100 + n, "ru") for n in range(20)]

    async def read(user: ChatUser) -> None:
        for _ in range(3):
            [card] = await user.send("Хамроев")
            assert card.text.startswith("<b>Бахром Хамроев</b>")

    before = big.app.catalog
    await asyncio.gather(admin.send("/reload"), *(read(u) for u in readers))
    assert big.app.catalog is not before and len(big.app.catalog) == TOTAL
    assert big.app.catalog.index is not before.index  # names and filters swapped with it
    assert "1,001" in admin.last.text


async def test_admin_screens_that_pick_a_case_page_and_search(big: Harness) -> None:
    admin = big.user(77, "en")
    [pick] = await admin.send("/post")
    assert f"{TOTAL:,} cases" in pick.text and f"Page 1 of {PAGES}" in pick.text
    assert len(pick.buttons) <= 11
    [second] = await admin.press("Next")
    assert second.kind == "edit" and f"Page 2 of {PAGES}" in second.text
    [several] = await admin.send("Zarvid")  # a name narrows the list
    assert "cases. Choose one" in several.text and all(b.startswith("Zarvid") for b in several.labels[:8])
    [asked] = await admin.send("Хамроев")
    assert asked.text.startswith("<b>Bakhrom Khamroev</b>: send the text")
    await admin.send("/cancel")
    [stage] = await admin.send("/status Xamroyev")
    assert stage.text == "<b>Bakhrom Khamroev</b>: choose the new stage."
    await admin.send("/cancel")
    # /stats: the totals, not a thousand reports, and a case to choose.
    shown = await admin.send("/stats")
    assert shown[0].text.startswith("<b>All cases</b>") and f"Page 1 of {PAGES}" in shown[1].text
    await admin.press(shown[1].labels[0])
    assert admin.last.text.startswith(f"<b>{shown[1].labels[0]}</b>")
    # /export by a name in any spelling.
    before = len(big.session.calls)
    await admin.send("/export Hamroyev json")
    assert [type(c).__name__ for c in big.session.calls[before:]] == ["SendDocument"]
    [choose] = await admin.send("/export")
    names = [label for label in choose.labels if "Next" not in label]
    assert "Usage: /export" in choose.text and len(names) == 8
    assert all(_case_named(big, name).facts.petition for name in names)


def _case_named(harness: Harness, name: str) -> Case:
    return next(c for c in harness.app.catalog if c.name("en") == name)


async def test_an_admins_status_moves_the_case_in_filters_and_recently_updated(big: Harness) -> None:
    admin = big.user(77, "en")
    await admin.send("/status Khamroev")
    await admin.press("released")
    await admin.send("2026-11-20")
    await admin.send("Освобождён.")
    await admin.press("Skip")
    await admin.press("Skip")
    await admin.press("Save without announcing")
    reader = big.user(12, "en")
    await reader.send("/start")
    [recent] = await reader.press("Recently updated")
    assert _names(recent.text)[0] == "Bakhrom Khamroev"  # the file's latest event is 2024
    assert "Bakhrom Khamroev" in await _filtered(reader, "uk-rf/205.2:released::")
    assert "Bakhrom Khamroev" not in await _filtered(reader, "uk-rf/205.2:serving::")


async def _filtered(reader: ChatUser, filters: str) -> list[str]:
    """Every name a filter lists, page by page."""
    [first] = await reader.press_data(f"fl:{filters}:l:0")
    count = int(re.search(r"<b>(\d+) cases?</b>", first.text.replace("One case", "1 case")).group(1))
    names = _names(first.text)
    for number in range(1, -(-count // 8)):
        names += _names((await reader.press_data(f"fl:{filters}:l:{number}"))[0].text)
    assert len(names) == count
    return names
