"""``python -m bot import-cases``: the README's sample imports; a broken file writes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cases.catalog import load_catalog
from bot.cases.importer import ImportProblems, import_cases
from tests.conftest import ROOT, make_settings, open_harness
from tests.test_cli import _run

README = ROOT / "data" / "cases" / "README.md"


def _sample(kind: str) -> str:
    found = re.search(rf"```{kind}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert found, f"no {kind} sample in data/cases/README.md"
    return found.group(1)


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_the_readme_sample_imports_as_short_cases_the_loader_accepts(tmp_path: Path, cases: Path) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_text(_sample("csv"), encoding="utf-8")
    before = _listing(cases)
    assert import_cases(sample, cases, dry_run=True) == ["sample-ivanova", "sample-petrov"]
    assert _listing(cases) == before  # a dry run writes nothing
    assert import_cases(sample, cases) == ["sample-ivanova", "sample-petrov"]
    catalog = load_catalog(cases)
    ivanova = catalog.get("sample-ivanova")
    assert ivanova is not None and ivanova.is_short
    assert ivanova.name("ru") == "Анна Иванова" and ivanova.facts.region.en == "Moscow"
    assert [(c.article, c.part) for c in ivanova.facts.charges] == [("207.3", 2)]
    assert ivanova.status_event.stage.value == "remanded"
    assert [s.publisher for s in ivanova.status_event.sources] == ["Example News", "Example Centre"]
    assert ivanova.text("uz").summary == "Post uchun qamoqqa olingan xayoliy oʻqituvchi."
    petrov = catalog.get("sample-petrov")
    assert [(c.article, c.part) for c in petrov.facts.charges] == [("280.3", None), ("282.2", 1)]
    assert not any(p.name.startswith(".import") for p in cases.iterdir())


def test_the_json_sample_imports(tmp_path: Path, cases: Path) -> None:
    sample = tmp_path / "sample.json"
    sample.write_text(_sample("json"), encoding="utf-8")
    assert json.loads(sample.read_text(encoding="utf-8"))
    assert import_cases(sample, cases) == ["sample-petrov"]
    assert load_catalog(cases).get("sample-petrov") is not None


def test_a_broken_file_reports_every_problem_and_writes_nothing(tmp_path: Path, cases: Path) -> None:
    broken = tmp_path / "broken.csv"
    header = _sample("csv").splitlines()[0]
    broken.write_text(
        "\n".join(
            [
                header,
                "Bad Slug,male,Anna,Анна,Anna,,1990-13-01,abc,jailed,2023-03-10,Moscow,,,anti-war,x,x,x,Example",
                "ok-one,female,,Б,B,,,205.2,serving,yesterday,,,,Bad!,x,x,x,",
                "ok-one,female,B,Б,B,,,205.2,serving,2024-01-01,,,,,x,x,x,https://example.org/nopublisher",
                "alpha,female,B,Б,B,,,205.2,serving,2024-01-01,,,,,x,x,x,Example",
                "good-one,female,B,Б,B,,,205.2,serving,2024-01-01,,,,,x,x,x,Example",
                "figures,female,B,Б,B,,,205.2,serving,2024-01-01,,,,,Held since 2024 under 205.2.,x,Sentenced to 7 years.,Example",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    before = _listing(cases)
    with pytest.raises(ImportProblems) as caught:
        import_cases(broken, cases)
    problems = caught.value.problems
    for expected in [
        "row 2, column articles: 'abc': expected an article",
        "row 2, column stage: 'jailed': expected one of",
        "row 2, column region_ru: needed when another region_ column is given",
        "row 2, column slug: String should match pattern",
        "row 2, column born: Input should be a valid date",
        "row 3, column name_en: required, and empty",
        "row 3, column sources: required, and empty",
        "row 3, column stage_date: Input should be a valid date",
        "row 3, column category: String should match pattern",
        "row 4, column slug: 'ok-one' is also row 3",
        "row 4, column sources: 'https://example.org/nopublisher': a source needs a publisher",
        "row 5, column slug: 'alpha': a case with this slug exists already",
    ]:
        assert any(p.startswith(expected) for p in problems), (expected, problems)
    assert not any(p.startswith("row 6") for p in problems)
    assert [p for p in problems if p.startswith("row 7")] == [
        "row 7, column summary_uz: the figure 7 is not among the case's facts (born, articles, stage_date); "
        "a short case's summary may only repeat those"
    ]
    assert _listing(cases) == before  # the good row is not written either


def test_unknown_and_missing_columns_are_named(tmp_path: Path, cases: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("slug,nmae_en\nx,y\n", encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        import_cases(wrong, cases)
    assert "row 1, column name_en: missing (a required column)" in caught.value.problems
    assert "row 1, column nmae_en: unknown column" in caught.value.problems


def test_the_command_line_imports_and_the_bot_finds_the_new_case(tmp_path: Path, cases: Path) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_text(_sample("csv"), encoding="utf-8")
    dry = _run(["import-cases", str(sample), "--dry-run"], tmp_path, CASES_DIR=str(cases))
    assert dry.returncode == 0, dry.stderr
    assert "would add 2 case(s)" in dry.stdout and not (cases / "sample-ivanova").exists()
    done = _run(["import-cases", str(sample)], tmp_path, CASES_DIR=str(cases))
    assert done.returncode == 0, done.stderr
    again = _run(["import-cases", str(sample)], tmp_path, CASES_DIR=str(cases))
    assert again.returncode == 1
    assert "row 2, column slug: 'sample-ivanova': a case with this slug exists already" in again.stderr


async def test_an_imported_case_is_found_and_shows_only_its_screens(tmp_path: Path, cases: Path) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_text(_sample("csv"), encoding="utf-8")
    import_cases(sample, cases)
    harness = await open_harness(make_settings(tmp_path, cases_dir=cases))
    try:
        user = harness.user(1, "ru")
        [card] = await user.send("Иванова")
        assert card.text.startswith("<b>Анна Иванова</b>")
        assert "ч. 2 ст. 207.3 УК РФ" in card.text and "Вымышленная учительница" in card.text
        assert not any("Почему" in label or "история" in label for label in card.labels)
    finally:
        await harness.app.close()
