"""A big catalogue's equal parts are held once: the facts' models and the question index's
values. Sharing must change nothing a reader can see, and must not stop working unnoticed
(it is what keeps 1,000 cases within the memory target, see README "Fast at 1,000 cases")."""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.cases.catalog import load_case, load_catalog
from bot.cases.models import Case
from bot.domain.answers import QuestionIndex, _EqualValues
from tests.catalogue_gen import generate
from tests.conftest import FIXTURE_CASES


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shared") / "cases"
    generate(folder, 12, size="compact")
    shutil.copytree(FIXTURE_CASES / "alpha", folder / "alpha")
    return folder


def _parts(value: object, found: dict[str, list[BaseModel]]) -> None:
    if isinstance(value, BaseModel):
        found[value.model_dump_json()].append(value)
        for name in type(value).model_fields:
            _parts(getattr(value, name), found)
    elif isinstance(value, list):
        for item in value:
            _parts(item, found)


def _equal_parts(catalog: list[Case]) -> dict[str, list[BaseModel]]:
    found: dict[str, list[BaseModel]] = defaultdict(list)
    for case in catalog:
        _parts(case.facts, found)
    return found


def test_equal_parts_of_the_facts_are_one_object_and_the_facts_unchanged(cases: Path, tmp_path: Path) -> None:
    catalog = load_catalog(cases, cache=tmp_path / "cache")
    found = _equal_parts(list(catalog))
    repeated = [models for models in found.values() if len(models) > 1]
    assert repeated, "the generated cases share courts, charges, publishers"
    for models in repeated:
        assert len({id(m) for m in models}) == 1, models[0]
    for case in catalog:  # what each case says is what its files say
        assert case.facts == load_case(cases / case.slug).facts
    again = load_catalog(cases, cache=tmp_path / "cache")  # the facts read back from the cache
    assert all(len({id(m) for m in models}) == 1 for models in _equal_parts(list(again)).values())


def test_a_reload_shares_with_the_cases_in_force_and_replaces_none_of_theirs(
    cases: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cases"
    shutil.copytree(cases, folder)
    first = load_catalog(folder, cache=tmp_path / "cache")
    before = {c.slug: (c.facts, dict(c.facts.__dict__)) for c in first}
    toml = folder / "alpha" / "case.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("goal = ", "goal = 1"), encoding="utf-8")
    os.utime(toml, ns=(toml.stat().st_atime_ns, toml.stat().st_mtime_ns + 1_000_000))
    second = load_catalog(folder, first, cache=tmp_path / "cache")
    for slug, (facts, fields) in before.items():
        if slug != "alpha":
            assert second.get(slug).facts is facts
        assert all(facts.__dict__[k] is v for k, v in fields.items())  # nothing swapped under a reader
    edited = second.get("alpha").facts
    assert edited.petition.goal != before["alpha"][0].petition.goal
    # The edited case's parts equal to the cases' in force are theirs.
    assert all(len({id(m) for m in models}) == 1 for models in _equal_parts(list(second)).values())


def test_the_question_index_shares_equal_values_and_answers_the_same(
    cases: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog(cases)
    shared = QuestionIndex(catalog)
    per_case = [entries for by_case in shared._postings.values() for entries in by_case.values()]
    assert len({id(e) for e in per_case}) < len(per_case) / 2
    # No table of equal values: every value the index and its cases' records hold is their own.
    monkeypatch.setattr(_EqualValues, "once", lambda self, value, key=None: value)
    plain = QuestionIndex(catalog)
    questions = [
        "Why is he a political prisoner?",
        "What is he charged with?",
        "В чём его обвиняют?",
        "Nega u siyosiy mahbus?",
        "how many years did he get",
        "what can I do to help",
    ]
    for case in catalog:
        for question in questions:
            assert shared.rank(question, case.slug) == plain.rank(question, case.slug)
    for question in questions:
        assert shared.respond(question, user_locale="en") == plain.respond(question, user_locale="en")
