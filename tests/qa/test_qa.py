"""Matching quality on questions written apart from the stored phrasings (tests/qa/*.toml).

``make eval-qa`` prints the same measures with every miss.
"""

from __future__ import annotations

import pytest

from bot.answers import OutcomeKind, QuestionIndex, words
from bot.cases.catalog import load_catalog
from bot.locales import LOCALES  # uz-Cyrl too: Uzbek questions typed in Cyrillic
from tests.qa.evaluate import REAL_CASES, LanguageReport, evaluate, load_set


@pytest.fixture(scope="module")
def index() -> QuestionIndex:
    return QuestionIndex(load_catalog(REAL_CASES))


@pytest.fixture(scope="module")
def reports(index: QuestionIndex) -> dict[str, LanguageReport]:
    return {locale: evaluate(index, locale) for locale in LOCALES}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_evaluation_set_is_big_enough_and_names_real_entries(locale: str) -> None:
    data = load_set(locale)
    case = load_catalog(REAL_CASES).get(str(data["case"]))
    assert case is not None
    ids = {q.id for q in case.facts.questions}
    questions = data["questions"]
    assert len(questions) >= 20  # type: ignore[arg-type]
    assert len(data["offtopic"]) >= 10  # type: ignore[arg-type]
    assert {q["id"] for q in questions} <= ids  # type: ignore[union-attr]


@pytest.mark.parametrize("locale", LOCALES)
def test_no_evaluation_question_is_a_stored_phrasing(locale: str) -> None:
    # Otherwise the set would measure recall of the case file, not understanding.
    data = load_set(locale)
    case = load_catalog(REAL_CASES).get(str(data["case"]))
    assert case is not None
    stored = {
        tuple(words(phrasing))
        for loc in LOCALES
        for entry in case.text(loc).questions.values()
        for phrasing in entry.phrasings
    }
    copied = [q["text"] for q in data["questions"] if tuple(words(q["text"])) in stored]  # type: ignore[union-attr]
    assert not copied


@pytest.mark.parametrize("locale", LOCALES)
def test_top1_accuracy_is_at_least_90_percent(reports: dict[str, LanguageReport], locale: str) -> None:
    report = reports[locale]
    assert report.accuracy >= 0.9, "\n".join(report.misses)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_off_topic_question_gets_a_case_answer(reports: dict[str, LanguageReport], locale: str) -> None:
    assert reports[locale].offtopic_answered == []


@pytest.mark.parametrize("locale", LOCALES)
def test_an_answer_given_outright_is_the_right_one(reports: dict[str, LanguageReport], locale: str) -> None:
    # When unsure the bot offers a list; it must not state the wrong answer.
    assert reports[locale].answered_wrong == 0


@pytest.mark.parametrize("locale", LOCALES)
def test_the_question_language_is_recognised_whatever_the_readers_locale(
    reports: dict[str, LanguageReport], locale: str
) -> None:
    report = reports[locale]
    assert report.language_right / report.total >= 0.9


def test_off_topic_in_any_language_gets_no_answer_even_with_a_case_open(
    index: QuestionIndex,
) -> None:
    for locale in LOCALES:
        for text in load_set(locale)["offtopic"]:  # type: ignore[union-attr]
            outcome = index.respond(text, user_locale="en", last_slug="khamroev")
            assert outcome.kind is not OutcomeKind.answer, text
