from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cases.catalog import CaseFileError, load_catalog
from tests.conftest import FIXTURE_CASES, REAL_CASES


def test_fixture_cases_load_in_slug_order() -> None:
    catalog = load_catalog(FIXTURE_CASES)
    assert catalog.slugs == ["alpha", "beta"]
    alpha = catalog.get("alpha")
    assert alpha is not None
    assert alpha.status_event.id == "verdict"  # the later "letter" event sets no stage
    assert alpha.latest_sentence is not None and alpha.latest_sentence.years == 5


def test_real_cases_load() -> None:
    catalog = load_catalog(REAL_CASES)
    khamroev = catalog.get("khamroev")
    assert khamroev is not None
    assert khamroev.name("ru").startswith("Бахром")
    assert [c.article for c in khamroev.facts.charges][:2] == ["205.2", "205.5"]


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    target = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, target)
    return target


def _problems(cases: Path) -> list[str]:
    with pytest.raises(CaseFileError) as info:
        load_catalog(cases)
    return info.value.problems


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_translation_of_an_argument_is_named(cases: Path) -> None:
    _edit(cases / "alpha" / "uz.toml", "[arguments.trial]", "[arguments.trial-renamed]")
    problems = _problems(cases)
    assert any(
        p.endswith("alpha/uz.toml: arguments.trial: missing text for this locale (case.toml declares it)")
        for p in problems
    )
    assert any("alpha/uz.toml: arguments.trial-renamed: case.toml declares no such id" in p for p in problems)


def test_bad_date_names_file_and_field(cases: Path) -> None:
    _edit(cases / "beta" / "case.toml", "date = 2021-05-05", 'date = "5 May"')
    problems = _problems(cases)
    assert any("beta/case.toml: timeline.1.date:" in p for p in problems), problems


def test_unknown_key_is_an_error_not_ignored(cases: Path) -> None:
    _edit(cases / "beta" / "en.toml", "summary =", "sumary =")
    problems = _problems(cases)
    assert any("beta/en.toml: sumary: Extra inputs are not permitted" in p for p in problems), problems
    assert any("beta/en.toml: summary: Field required" in p for p in problems), problems


def test_invalid_toml_names_the_file(cases: Path) -> None:
    (cases / "beta" / "ru.toml").write_text('summary = "unterminated\n', encoding="utf-8")
    problems = _problems(cases)
    assert any("beta/ru.toml: (file): not valid TOML" in p for p in problems), problems


def test_missing_locale_file(cases: Path) -> None:
    (cases / "alpha" / "uz.toml").unlink()
    assert any("alpha/uz.toml: (file): missing" in p for p in _problems(cases))


def test_slug_must_match_folder(cases: Path) -> None:
    _edit(cases / "beta" / "case.toml", 'slug = "beta"', 'slug = "gamma"')
    assert any(
        "beta/case.toml: slug: 'gamma' differs from the folder name 'beta'" in p for p in _problems(cases)
    )


def test_timeline_out_of_order(cases: Path) -> None:
    _edit(cases / "beta" / "case.toml", "date = 2021-05-05", "date = 2019-05-05")
    assert any(
        "beta/case.toml: (file): timeline: events must be in date order" in p for p in _problems(cases)
    )


def test_unknown_pace_ground_and_bad_slug(cases: Path) -> None:
    _edit(cases / "beta" / "case.toml", 'grounds = ["a"]', 'grounds = ["z"]')
    problems = _problems(cases)
    assert any(
        "beta/case.toml: arguments.0.grounds.0: Input should be 'a', 'b', 'c', 'd' or 'e'" in p
        for p in problems
    )


def test_every_problem_in_every_case_is_reported_at_once(cases: Path) -> None:
    _edit(cases / "alpha" / "en.toml", "summary =", "sumary =")
    _edit(cases / "beta" / "case.toml", 'grounds = ["a"]', "grounds = []")
    problems = _problems(cases)
    assert any("alpha/en.toml" in p for p in problems)
    assert any("beta/case.toml: arguments.0.grounds" in p for p in problems)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    assert "holds no cases" in _problems(tmp_path)[0]
