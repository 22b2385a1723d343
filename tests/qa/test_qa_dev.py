"""The development sets (tests/qa/dev*/): real entries, and no answer from a wrong one.

Their hit rates are reported by ``python -m tests.qa.evaluate --tuned-only --dev``
(README: "Fourth round"); the last set was scored once and left as it was, so no
floor is set on hits. What must hold on them is what must hold everywhere: a
question answered outright is answered from the entry it asks about.
"""

from __future__ import annotations

import pytest

from bot.cases.catalog import load_catalog
from bot.cases.models import LOCALES
from bot.domain.answers import QuestionIndex
from tests.qa.evaluate import DEV, REAL_CASES, evaluate, load_set


@pytest.fixture(scope="module")
def index() -> QuestionIndex:
    return QuestionIndex(load_catalog(REAL_CASES))


@pytest.mark.parametrize("which", DEV)
@pytest.mark.parametrize("locale", LOCALES)
def test_a_development_set_names_real_entries_and_gets_no_wrong_answer(
    index: QuestionIndex, which: str, locale: str
) -> None:
    data = load_set(locale, which)
    case = load_catalog(REAL_CASES).get(str(data["case"]))
    assert case is not None
    assert {q["id"] for q in data["questions"]} <= {q.id for q in case.facts.questions}  # type: ignore[union-attr]
    report = evaluate(index, locale, which)
    assert report.wrong == []
