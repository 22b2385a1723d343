"""The Cyrillic Uzbek evaluation set (tests/qa/uz-Cyrl.toml), written by hand, never tuned on.

That each Cyrillic question fares exactly as its Latin form does is
tests/test_uzbek_cyrillic.py's; here: how the set itself fares.
"""

from __future__ import annotations

import pytest

from bot.cases.catalog import load_catalog
from bot.domain.answers import QuestionIndex, words
from bot.locales import LOCALES
from tests.qa.evaluate import CYRILLIC, REAL_CASES, LanguageReport, evaluate, load_set

# The target for every language: the Cyrillic set scores 97 % (37 of 38) now.
FLOOR = 0.95


@pytest.fixture(scope="module")
def report() -> LanguageReport:
    return evaluate(QuestionIndex(load_catalog(REAL_CASES)), CYRILLIC)


def test_the_set_is_big_enough_and_names_real_entries() -> None:
    data = load_set(CYRILLIC)
    case = load_catalog(REAL_CASES).get(str(data["case"]))
    assert case is not None
    assert len(data["questions"]) >= 30  # type: ignore[arg-type]
    assert len(data["offtopic"]) >= 10  # type: ignore[arg-type]
    assert {q["id"] for q in data["questions"]} <= {q.id for q in case.facts.questions}  # type: ignore[union-attr]


def test_no_question_is_a_stored_phrasing_in_any_script() -> None:
    data = load_set(CYRILLIC)
    case = load_catalog(REAL_CASES).get(str(data["case"]))
    assert case is not None
    stored = {
        tuple(words(phrasing))
        for loc in LOCALES
        for entry in case.text(loc).questions.values()
        for phrasing in entry.phrasings
    }
    assert [q["text"] for q in data["questions"] if tuple(words(q["text"])) in stored] == []  # type: ignore[union-attr]


def test_hits_no_wrong_entry_no_off_topic_answer_and_the_language_known(report: LanguageReport) -> None:
    assert report.hit_rate >= FLOOR, "\n".join(report.wrong + report.listed)
    assert report.wrong == []
    assert report.offtopic_answered == []
    assert report.language_right / report.total >= 0.9
