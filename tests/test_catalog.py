from __future__ import annotations

from pathlib import Path

import pytest

from bot.cases.catalog import CaseFileError, load_catalog
from tests.conftest import FIXTURE_CASES, REAL_CASES
from tests.tools import edit_text


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


def _problems(cases: Path) -> list[str]:
    with pytest.raises(CaseFileError) as info:
        load_catalog(cases)
    return info.value.problems


def test_missing_translation_of_an_argument_is_named(cases: Path) -> None:
    edit_text(cases / "alpha" / "uz.toml", "[arguments.trial]", "[arguments.trial-renamed]")
    problems = _problems(cases)
    assert any(
        p.endswith("alpha/uz.toml: arguments.trial: missing text for this locale (case.toml declares it)")
        for p in problems
    )
    assert any("alpha/uz.toml: arguments.trial-renamed: case.toml declares no such id" in p for p in problems)


def test_bad_date_names_file_and_field(cases: Path) -> None:
    edit_text(cases / "beta" / "case.toml", "date = 2021-05-05", 'date = "5 May"')
    problems = _problems(cases)
    assert any("beta/case.toml: timeline.1.date:" in p for p in problems), problems


def test_unknown_key_is_an_error_not_ignored(cases: Path) -> None:
    edit_text(cases / "beta" / "en.toml", "summary =", "sumary =")
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
    edit_text(cases / "beta" / "case.toml", 'slug = "beta"', 'slug = "gamma"')
    assert any(
        "beta/case.toml: slug: 'gamma' differs from the folder name 'beta'" in p for p in _problems(cases)
    )


def test_timeline_out_of_order(cases: Path) -> None:
    edit_text(cases / "beta" / "case.toml", "date = 2021-05-05", "date = 2019-05-05")
    assert any(
        "beta/case.toml: (file): timeline: events must be in date order" in p for p in _problems(cases)
    )


def test_unknown_pace_ground_and_bad_slug(cases: Path) -> None:
    edit_text(cases / "beta" / "case.toml", 'grounds = ["a"]', 'grounds = ["z"]')
    problems = _problems(cases)
    assert any(
        "beta/case.toml: arguments.0.grounds.0: Input should be 'a', 'b', 'c', 'd' or 'e'" in p
        for p in problems
    )


def test_every_problem_in_every_case_is_reported_at_once(cases: Path) -> None:
    edit_text(cases / "alpha" / "en.toml", "summary =", "sumary =")
    edit_text(cases / "beta" / "case.toml", 'grounds = ["a"]', "grounds = []")
    problems = _problems(cases)
    assert any("alpha/en.toml" in p for p in problems)
    assert any("beta/case.toml: arguments.0.grounds" in p for p in problems)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    assert "holds no cases" in _problems(tmp_path)[0]


def test_fixture_questions_load_with_their_pointers() -> None:
    alpha = load_catalog(FIXTURE_CASES).get("alpha")
    assert alpha is not None
    assert [q.id for q in alpha.facts.questions] == ["why", "charges", "trial", "views", "help"]
    trial = alpha.question("trial")
    assert trial is not None and trial.pointer_kind == "argument" and trial.pointer_ref == "trial"
    assert alpha.text("uz").questions["charges"].label == "U nimada ayblanmoqda?"
    assert alpha.text("en").questions["charges"].answer is None  # the charges list answers it


def test_missing_translation_of_a_question_is_named(cases: Path) -> None:
    edit_text(cases / "alpha" / "ru.toml", "[questions.trial]", "[questions.trail]")
    problems = _problems(cases)
    assert any(
        p.endswith("alpha/ru.toml: questions.trial: missing text for this locale (case.toml declares it)")
        for p in problems
    ), problems
    assert any("alpha/ru.toml: questions.trail: case.toml declares no such id" in p for p in problems)


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        (
            '"argument:nosuch"',
            "questions: trial: pointer 'argument:nosuch': no such id in arguments",
        ),
        ('"event:nosuch"', "questions: trial: pointer 'event:nosuch': no such id in timeline"),
        ('"verdict"', "questions.2.pointer: unknown pointer 'verdict'"),
        ('"argument"', "questions.2.pointer: pointer 'argument' needs an id"),
        ('"charges:fakes"', "questions.2.pointer: pointer 'charges:fakes': charges takes no id"),
    ],
)
def test_bad_pointer_is_named(cases: Path, pointer: str, expected: str) -> None:
    edit_text(cases / "alpha" / "case.toml", 'pointer = "argument:trial"', f"pointer = {pointer}")
    problems = _problems(cases)
    assert any(expected in p and "alpha/case.toml" in p for p in problems), problems


def test_screen_pointer_without_an_answer_text_is_an_error(cases: Path) -> None:
    edit_text(cases / "alpha" / "case.toml", 'pointer = "argument:trial"', 'pointer = "story"')
    problems = _problems(cases)
    for locale in ("en", "ru", "uz"):
        assert any(
            f"alpha/{locale}.toml: questions.trial.answer: missing: pointer 'story' is a screen" in p
            for p in problems
        ), problems


def test_an_answer_in_one_locale_needs_one_in_every_locale(cases: Path) -> None:
    edit_text(
        cases / "alpha" / "en.toml",
        '"Was it an unfair trial?"]',
        '"Was it an unfair trial?"]\nanswer = "No."',
    )
    problems = _problems(cases)
    assert any(
        "alpha/ru.toml: questions.trial.answer: missing text for this locale (en.toml has one)" in p
        for p in problems
    ), problems


def test_entry_without_pointer_needs_an_answer(cases: Path) -> None:
    edit_text(cases / "beta" / "uz.toml", 'answer = "For a peaceful protest (uz)."', "")
    problems = _problems(cases)
    assert any(
        "beta/uz.toml: questions.why.answer: missing text for this locale (en.toml has one)" in p
        for p in problems
    ), problems


def test_sign_pointer_needs_a_petition(cases: Path) -> None:
    edit_text(cases / "beta" / "case.toml", 'id = "why"', 'id = "why"\npointer = "sign"')
    problems = _problems(cases)
    assert any(
        "beta/case.toml: (file): questions: why: pointer 'sign' needs a [petition] section" in p
        for p in problems
    ), problems


def test_phrasings_are_checked(cases: Path) -> None:
    long_label = "Why " + "very " * 15 + "long?"
    edit_text(cases / "beta" / "en.toml", '"Why was he jailed (en)?"', f'"{long_label}"')
    edit_text(cases / "beta" / "ru.toml", ', "Why is Boris Betov a political prisoner (ru)?"', "")
    problems = _problems(cases)
    assert any(
        "beta/en.toml: questions.why: phrasings: the first phrasing is the button label" in p
        for p in problems
    ), problems
    assert any("beta/ru.toml: questions.why.phrasings: List should have at least 2" in p for p in problems), (
        problems
    )


def test_a_case_named_after_a_command_is_found_whatever_its_case_and_spaces() -> None:
    catalog = load_catalog(FIXTURE_CASES)
    assert catalog.named(" Alpha ") is catalog.get("alpha")
    assert catalog.named("ALPHA") is catalog.get("alpha")
    assert catalog.named("gamma") is None
    assert catalog.named(None) is None and catalog.named("  ") is None
