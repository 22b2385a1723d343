"""The question matcher on its own: normalising, names, languages, which case, what outcome."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.cases.catalog import Catalog, load_catalog
from bot.domain.answers import (
    MAX_CHARS,
    OutcomeKind,
    QuestionIndex,
    QuestionIndexes,
    RecentCases,
    fold,
    uzbek_stem,
    words,
)
from tests.conftest import FIXTURE_CASES, REAL_CASES


@pytest.fixture(scope="module")
def fixtures() -> QuestionIndex:
    return QuestionIndex(load_catalog(FIXTURE_CASES))


@pytest.fixture(scope="module")
def real() -> QuestionIndex:
    return QuestionIndex(load_catalog(REAL_CASES))


@pytest.mark.parametrize("apostrophe", ["ʻ", "ʼ", "‘", "’", "'", "`", ""])
def test_every_apostrophe_variant_reads_the_same(apostrophe: str) -> None:
    assert words(f"zo{apostrophe}ravonlikka da{apostrophe}vat") == ["zoravonlikka", "davat"]


def test_case_yo_punctuation_and_the_english_possessive_are_normalised() -> None:
    assert words("Чём ЁРДАМ?!") == ["чем", "ердам"]
    assert words("What's Khamroev's «Hizb ut-Tahrir»...") == [
        "what",
        "khamroev",
        "hizb",
        "ut",
        "tahrir",
    ]
    assert words("ст. 205,2 УК") == ["ст", "205.2", "ук"]
    assert fold("ＡＢＣ") == fold("ＡＢＣ".lower())


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("qamoqdami", "qamoq"),
        ("qamoqqa", "qamoq"),
        ("postlarida", "post"),
        ("fondi", "fond"),  # a possessive -i, not the past tense -di
        ("qamaldi", "qamal"),
        ("qoyilgan", "qoy"),  # passive and reciprocal voices meet
        ("qoyishgan", "qoy"),
        ("jamgarmasi", "jamgarma"),
        ("sud", "sud"),
        ("nega", "nega"),  # too short to lose -ga
    ],
)
def test_uzbek_suffixes(word: str, stem: str) -> None:
    assert uzbek_stem(word) == stem


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("nega u qamalgan?", "uz"),
        ("what is he accused of?", "en"),
        ("Hamroyev nima uchun qamoqda", "uz"),
        ("why is Hamroyev in prison", "en"),
        ("u qachon hibsga olingan", "uz"),
        ("when was he detained", "en"),
        ("postlarida zoʻravonlikka chaqiriq bormi", "uz"),
        ("did his posts call for violence", "en"),
        ("salom", "uz"),
        ("hello", "en"),
        ("почему его посадили?", "ru"),
        ("Khamroev почему сидит", "ru"),
        ("нега у қамалган", "uz"),  # Uzbek in Cyrillic
        ("Khamroev?", None),
        ("205.2", None),
    ],
)
def test_language_detection(real: QuestionIndex, text: str, language: str | None) -> None:
    assert real.detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "почему Хамроева посадили",
        "что с Хамроевым",
        "Бахрому Хамроеву грозит срок?",
        "what is Khamroev's sentence",
        "Hamroyevning ishi",
        "Hamroyevlarga nima boʻldi",
        "Ҳамроев",
        "khamroyev",
        "Khamrojev",  # a typo
        "Bahrom",
    ],
)
def test_a_case_is_named_in_any_script_form_and_ending(real: QuestionIndex, text: str) -> None:
    assert real.named_cases(text) == ["khamroev"]


@pytest.mark.parametrize("text", ["what is Memorial", "кто такой президент", "experts"])
def test_words_that_are_not_names_name_no_case(real: QuestionIndex, text: str) -> None:
    assert real.named_cases(text) == []


def test_a_named_case_wins_over_the_last_opened(fixtures: QuestionIndex) -> None:
    outcome = fixtures.respond("Why is Betov a political prisoner?", user_locale="en", last_slug="alpha")
    assert (outcome.kind, outcome.slug, outcome.question) == (OutcomeKind.answer, "beta", "why")


def test_else_the_last_opened_case(fixtures: QuestionIndex) -> None:
    outcome = fixtures.respond("what is she charged with?", user_locale="en", last_slug="alpha")
    assert (outcome.kind, outcome.slug, outcome.question) == (
        OutcomeKind.answer,
        "alpha",
        "charges",
    )


def test_else_the_only_case(real: QuestionIndex) -> None:
    outcome = real.respond("what is he charged with?", user_locale="en")
    assert (outcome.kind, outcome.slug, outcome.question) == (
        OutcomeKind.answer,
        "khamroev",
        "charges",
    )


def test_else_the_bot_asks_which_case_with_each_cases_own_match(fixtures: QuestionIndex) -> None:
    outcome = fixtures.respond("why is this person a political prisoner?", user_locale="en")
    assert outcome.kind is OutcomeKind.which_case
    assert dict(outcome.cases) == {"alpha": "why", "beta": "why"}


def test_a_forgotten_case_is_ignored(fixtures: QuestionIndex) -> None:
    outcome = fixtures.respond("what is she charged with?", user_locale="en", last_slug="gone")
    assert outcome.kind is OutcomeKind.which_case


def test_off_topic_gets_the_menu_never_an_answer(real: QuestionIndex) -> None:
    for text in ["what's the weather in Tashkent?", "рецепт плова", "kecha futbolda kim yutdi"]:
        outcome = real.respond(text, user_locale="ru")
        assert outcome.kind is OutcomeKind.menu, text
        assert outcome.slug == "khamroev" and outcome.question is None


def test_only_a_name_asks_what_to_know(real: QuestionIndex) -> None:
    assert real.respond("Хамроев", user_locale="ru").kind is OutcomeKind.about
    assert real.respond("🙂", user_locale="ru").kind is OutcomeKind.menu


def test_a_weak_match_offers_at_most_five_close_questions(real: QuestionIndex) -> None:
    # Two topics at once: neither answer is sure, both are offered.
    outcome = real.respond("court and experts?", user_locale="en")
    assert outcome.kind is OutcomeKind.suggest
    assert 1 < len(outcome.suggestions) <= 5
    assert {"court", "experts"} <= set(outcome.suggestions)


@pytest.mark.parametrize(
    ("text", "user_locale", "answer_locale"),
    [
        ("what is he accused of?", "ru", "en"),
        ("u nimada ayblanmoqda?", "en", "uz"),
        ("в чём его обвиняют?", "uz", "ru"),
        ("Khamroev 205.2?", "uz", "uz"),  # not clearly any language: the reader's
    ],
)
def test_the_answer_is_in_the_language_of_the_question(
    real: QuestionIndex, text: str, user_locale: str, answer_locale: str
) -> None:
    assert real.respond(text, user_locale=user_locale).locale == answer_locale


def test_a_very_long_message_is_read_only_in_part(real: QuestionIndex) -> None:
    text = "what is he accused of? " + "blah " * 2000
    assert len(text) > MAX_CHARS
    assert real.respond(text, user_locale="en").kind in (OutcomeKind.menu, OutcomeKind.suggest)


def test_a_case_without_questions_still_gets_a_menu() -> None:
    base = load_catalog(FIXTURE_CASES).get("beta")
    assert base is not None
    bare = base.model_copy(update={"facts": base.facts.model_copy(update={"questions": []})})
    index = QuestionIndex(Catalog([bare]))
    outcome = index.respond("why was he jailed?", user_locale="en")
    assert (outcome.kind, outcome.slug) == (OutcomeKind.menu, "beta")


def test_recent_cases_are_bounded_least_recently_used_first() -> None:
    recent = RecentCases(capacity=2)
    recent.remember(1, "alpha")
    recent.remember(2, "beta")
    recent.remember(1, "beta")  # user 1 is now the most recent
    recent.remember(3, "alpha")
    assert len(recent) == 2
    assert recent.get(2) is None
    assert (recent.get(1), recent.get(3)) == ("beta", "alpha")


def test_the_index_keeps_nothing_a_user_typed(real: QuestionIndex) -> None:
    before = len(real._stem_cache)
    real.respond("zqxjunkword почемушкин hamroyevxyz", user_locale="en")
    assert len(real._stem_cache) == before
    assert all("zqxjunk" not in word for _language, word in real._stem_cache)


async def test_the_index_is_built_once_off_the_loop_and_early_questions_wait_for_it() -> None:
    catalog = load_catalog(FIXTURE_CASES)
    indexes = QuestionIndexes(catalog, build_now=False)
    await indexes.start()  # the start-up hook: returns at once, the build runs in a thread
    first, second = await asyncio.gather(indexes.get(catalog), indexes.get(catalog))
    assert first is second
    outcome = first.respond("Why is Betov a political prisoner?", user_locale="en")
    assert outcome.slug == "beta"
    reloaded = load_catalog(FIXTURE_CASES)
    assert await indexes.get(reloaded) is not first  # a catalogue nothing prepared gets its own


async def test_at_start_up_the_index_is_built_after_a_moment_even_with_no_question(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(QuestionIndexes, "START_DELAY", 0.01)
    catalog = load_catalog(FIXTURE_CASES)
    indexes = QuestionIndexes(catalog, build_now=False)
    await indexes.start()
    assert indexes._index is None  # the first poll goes out first
    assert indexes._building is not None
    await indexes._building
    assert indexes._index is not None and await indexes.get(catalog) is indexes._index


def test_every_idiom_starts_where_the_idiom_search_looks() -> None:
    """The idiom pre-check tries its branches only at a word's first character
    (answers._IDIOM_START): an idiom that could start elsewhere would be skipped, so each
    branch must be ``\\b`` then a word character, or ``(?<![\\w'])`` then a word character
    or an apostrophe."""
    import re._constants as c
    import re._parser as sre_parse  # the standard library's own reading of a pattern

    from bot.domain.answers import _IDIOMS

    def char_ok(char: str, apostrophe: bool) -> bool:
        return bool(re.fullmatch(r"\w", char)) or (apostrophe and char == "'")

    def in_ok(members: list[tuple[object, object]], apostrophe: bool) -> bool:
        for op, arg in members:
            if op is c.LITERAL:
                ok = char_ok(chr(arg), apostrophe)  # type: ignore[arg-type]
            elif op is c.CATEGORY:
                ok = arg is c.CATEGORY_WORD
            elif op is c.RANGE:
                low, high = arg  # type: ignore[misc]
                ok = all(char_ok(chr(x), apostrophe) for x in range(low, high + 1))
            else:
                ok = False  # a negated class, or anything not thought of: refuse
            if not ok:
                return False
        return True

    def begins_right(items: object, apostrophe: bool) -> bool:
        """Whether every match of the sequence ``items`` begins with an allowed character."""
        for op, arg in items:  # type: ignore[attr-defined]
            if op is c.LITERAL:
                return char_ok(chr(arg), apostrophe)
            if op is c.IN:
                return in_ok(arg, apostrophe)
            if op is c.SUBPATTERN:
                return begins_right(arg[3], apostrophe)
            if op is c.BRANCH:
                return all(begins_right(b, apostrophe) for b in arg[1])
            if op in (c.MAX_REPEAT, c.MIN_REPEAT):
                low, _high, sub = arg
                if not begins_right(sub, apostrophe):
                    return False
                if low >= 1:
                    return True
                continue  # it may match nothing: what follows must begin right too
            return False
        return False  # it could match the empty string

    def starts(branch: object) -> bool:
        (op, arg), *rest = list(branch)  # type: ignore[call-overload]
        if op is c.AT and arg is c.AT_BOUNDARY:
            return begins_right(rest, apostrophe=False)
        if op is c.ASSERT_NOT and arg[0] == -1:  # a look-behind: (?<![\w'])
            behind = list(arg[1])
            word_or_apostrophe = [(c.IN, [(c.CATEGORY, c.CATEGORY_WORD), (c.LITERAL, ord("'"))])]
            return behind == word_or_apostrophe and begins_right(rest, apostrophe=True)
        return False

    for phrase, _meaning in _IDIOMS:
        parsed = sre_parse.parse(phrase.pattern)
        first_op, first_arg = next(iter(parsed))
        branches = first_arg[1] if first_op is c.BRANCH and len(parsed) == 1 else [parsed]
        assert all(starts(b) for b in branches), phrase.pattern
    assert not starts(sre_parse.parse(r"\b(?:\s|x)"))  # the check itself can say no
    assert not starts(sre_parse.parse(r"(?<!x)y"))


def test_the_idiom_search_finds_what_each_idiom_finds() -> None:
    from bot.domain.answers import _ANY_IDIOM, _IDIOMS

    samples = ["he's here", "'menga ayt", "ok, how come?", "qo'shilasizmi", "x wat y", "nothing at all"]
    for text in samples:
        assert bool(_ANY_IDIOM.search(text)) == any(p.search(text) for p, _ in _IDIOMS), text
