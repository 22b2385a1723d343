"""The number guard: a figure in digits that case.toml does not hold fails the load and `check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cases.catalog import CaseFileError, load_catalog
from bot.cases.figures import figures_in, held_figures
from tests.conftest import REAL_CASES
from tests.test_cli import _run
from tests.tools import edit_text


@pytest.fixture
def real_cases(tmp_path: Path) -> Path:
    target = tmp_path / "cases"
    shutil.copytree(REAL_CASES, target)
    return target


def test_figures_are_read_as_written() -> None:
    assert figures_in("Article 205.2, part 2, on 24 February 2022.") == ["205.2", "2", "24", "2022"]
    assert figures_in("2022-yil 24-fevral; RF JK 282.2-moddasi 2-qismi") == ["2022", "24", "282.2", "2"]
    assert figures_in("1 000 signatures, 1,000 or 1\u00a0000") == ["1000", "1000", "1000"]
    assert figures_in("six posts, «шести», no digits") == []
    # A figure starts after no letter, digit or underscore: none in a word, a group's tail may be one.
    assert figures_in("a12 б34 5_ _6 x1 000, 7") == ["5", "000", "7"]


def test_the_real_case_holds_every_figure_its_texts_write() -> None:
    khamroev = load_catalog(REAL_CASES).get("khamroev")
    assert khamroev is not None
    held = held_figures(khamroev.facts)
    # Dates, articles and parts, terms, and the listed figures with their sources.
    assert {"1963", "24", "25", "2022", "205.2", "282.2", "14", "13", "9", "21", "1992"} <= held
    assert "22" not in held


@pytest.mark.parametrize(
    ("locale", "old", "new", "figure"),
    [
        ("ru", "Прокурор просил 21 год.", "Прокурор просил 22 года.", "22"),
        ("en", "until 1992", "until 1993", "1993"),
        ("uz", "13 yil 9 oyga", "13 yil 8 oyga", "8"),
    ],
)
def test_a_figure_the_facts_do_not_hold_fails_the_load(
    real_cases: Path, locale: str, old: str, new: str, figure: str
) -> None:
    edit_text(real_cases / "khamroev" / f"{locale}.toml", old, new)
    with pytest.raises(CaseFileError) as info:
        load_catalog(real_cases)
    [problem] = info.value.problems
    assert f"khamroev/{locale}.toml: " in problem
    assert f"figure {figure} is in no date, charge, sentence or [[figures]] entry" in problem


def test_a_listed_figure_with_its_source_passes(real_cases: Path) -> None:
    for locale in ("en", "ru", "uz"):
        path = real_cases / "khamroev" / f"{locale}.toml"
        path.write_text(path.read_text(encoding="utf-8").replace("1992", "1993"), encoding="utf-8")
    edit_text(real_cases / "khamroev" / "case.toml", 'value = "1992"', 'value = "1993"')
    assert load_catalog(real_cases).get("khamroev") is not None


def test_check_fails_on_an_unheld_figure(real_cases: Path, tmp_path: Path) -> None:
    edit_text(real_cases / "khamroev" / "ru.toml", "Прокурор просил 21 год.", "Прокурор просил 22 года.")
    result = _run(["check"], tmp_path, CASES_DIR=str(real_cases))
    assert result.returncode != 0
    assert "figure 22" in result.stderr
