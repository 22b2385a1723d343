"""Matching quality on questions written apart from the stored phrasings (tests/qa/).

``make eval-qa`` prints the same measures with every miss. A hit is an outright
answer from the expected entry; a "did you mean" list is a miss; an outright
answer from another entry is an error (see tests/qa/evaluate.py).
"""

from __future__ import annotations

import pytest

from bot.cases.catalog import load_catalog
from bot.cases.models import LOCALES
from bot.domain.answers import OutcomeKind, QuestionIndex, words
from tests.qa.evaluate import REAL_CASES, SETS, TARGET, TUNED, LanguageReport, evaluate, load_set

# Least sizes per language (questions, off-topic messages): the second set is the
# larger, as issue 11 asks, and so must any held-out set be.
SIZES = {"first": (20, 10)}
DEFAULT_SIZE = (40, 20)


@pytest.fixture(scope="module")
def index() -> QuestionIndex:
    return QuestionIndex(load_catalog(REAL_CASES))


@pytest.fixture(scope="module")
def reports(index: QuestionIndex) -> dict[tuple[str, str], LanguageReport]:
    return {(which, locale): evaluate(index, locale, which) for which in SETS for locale in LOCALES}


@pytest.mark.parametrize("which", SETS)
@pytest.mark.parametrize("locale", LOCALES)
def test_each_set_is_big_enough_and_names_real_entries(which: str, locale: str) -> None:
    data = load_set(locale, which)
    case = load_catalog(REAL_CASES).get(str(data["case"]))
    assert case is not None
    ids = {q.id for q in case.facts.questions}
    questions = data["questions"]
    least_questions, least_offtopic = SIZES.get(which, DEFAULT_SIZE)
    assert len(questions) >= least_questions  # type: ignore[arg-type]
    assert len(data["offtopic"]) >= least_offtopic  # type: ignore[arg-type]
    assert {q["id"] for q in questions} <= ids  # type: ignore[union-attr]


@pytest.mark.parametrize("which", SETS)
@pytest.mark.parametrize("locale", LOCALES)
def test_no_evaluation_question_is_a_stored_phrasing(which: str, locale: str) -> None:
    # Otherwise the set would measure recall of the case file, not understanding.
    data = load_set(locale, which)
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
def test_no_two_sets_share_a_question(locale: str) -> None:
    seen: dict[tuple[str, ...], str] = {}
    shared = []
    for which in SETS:
        for question in load_set(locale, which)["questions"]:  # type: ignore[union-attr]
            key = tuple(words(question["text"]))
            if seen.setdefault(key, which) != which:
                shared.append((seen[key], which, question["text"]))
    assert shared == []


# The targets hold on every set tuned on; a held-out set is measured by
# `make eval-qa`, and what it shows is a finding to act on, not a test to fit.
@pytest.mark.parametrize("which", TUNED)
@pytest.mark.parametrize("locale", LOCALES)
def test_tuned_sets_meet_the_hit_target(
    reports: dict[tuple[str, str], LanguageReport], which: str, locale: str
) -> None:
    report = reports[which, locale]
    assert report.hit_rate >= TARGET, "\n".join(report.wrong + report.listed)


@pytest.mark.parametrize("which", TUNED)
@pytest.mark.parametrize("locale", LOCALES)
def test_no_question_is_answered_from_the_wrong_entry(
    reports: dict[tuple[str, str], LanguageReport], which: str, locale: str
) -> None:
    # When unsure the bot offers a list; it must not state the wrong answer.
    assert reports[which, locale].wrong == []


@pytest.mark.parametrize("which", TUNED)
@pytest.mark.parametrize("locale", LOCALES)
def test_no_off_topic_message_gets_a_case_answer(
    reports: dict[tuple[str, str], LanguageReport], which: str, locale: str
) -> None:
    assert reports[which, locale].offtopic_answered == []


@pytest.mark.parametrize("which", SETS)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_question_language_is_recognised_whatever_the_readers_locale(
    reports: dict[tuple[str, str], LanguageReport], which: str, locale: str
) -> None:
    report = reports[which, locale]
    assert report.language_right / report.total >= 0.9


def test_off_topic_in_any_language_gets_no_answer_even_with_a_case_open(
    index: QuestionIndex,
) -> None:
    for which in TUNED:
        for locale in LOCALES:
            for text in load_set(locale, which)["offtopic"]:  # type: ignore[union-attr]
                outcome = index.respond(text, user_locale="en", last_slug="khamroev")
                assert outcome.kind is not OutcomeKind.answer, text


def test_questions_about_the_bot_or_someone_else_are_not_taken_for_the_case(index: QuestionIndex) -> None:
    # Only a question word, or words that meet an entry only in its answer text.
    for text in ("who are you", "ты кто", "sen kimsan", "how old is the president", "сколько лет президенту"):
        outcome = index.respond(text, user_locale="en", last_slug="khamroev")
        assert outcome.kind is not OutcomeKind.answer, text
    # The same words about him are answered.
    for text, entry in (("who is he", "who"), ("кто он", "who"), ("u kim", "who"), ("how old is he", "who")):
        outcome = index.respond(text, user_locale="en", last_slug="khamroev")
        assert (outcome.kind, outcome.question) == (OutcomeKind.answer, entry), text


def test_synonyms_and_spellings_meet_the_case_files_words(index: QuestionIndex) -> None:
    for text, entry in (
        ("when did they search the apartment", "detention"),
        ("когда обыскали жилье", "detention"),
        ("Ёрдам jamgʻarmasi nima", "yordam"),
        ("yordam jamg'armasi nima", "yordam"),
        ("yordam jamg‘armasi nima", "yordam"),
        ("в чем его обвинили", "charges"),
        ("с какой стати его признали политзаключенным", "why-political"),
    ):
        outcome = index.respond(text, user_locale="en", last_slug="khamroev")
        assert (outcome.kind, outcome.question) == (OutcomeKind.answer, entry), text
