"""``python -m bot import-cases FILE.csv|FILE.json [--dry-run]``: many short cases at once.

One row per case, the columns documented in data/cases/README.md ("Importing
cases"). Every problem in the file is reported at once as ``row N, column X:
reason`` and nothing is written unless every row is good: the new folders are
written beside the catalogue under a hidden name, checked by the case loader
itself, and only then moved into place. An imported case is a *short* case —
name, charges, stage, summary, sources — until someone writes more.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.cases.catalog import FACTS_FILE, CaseFileError, load_case
from bot.cases.figures import unheld_figures
from bot.cases.models import LOCALES, CaseFacts, CaseTexts, CriminalCode, Stage
from bot.cases.toml_writer import dumps

REQUIRED = (
    "slug",
    "sex",
    "articles",
    "stage",
    "stage_date",
    "sources",
    *tuple(f"{kind}_{loc}" for kind in ("name", "summary") for loc in LOCALES),
)
OPTIONAL = ("aliases", "born", "category", *tuple(f"region_{loc}" for loc in LOCALES))
COLUMNS = REQUIRED + OPTIONAL
LIST_SEPARATOR = ";"
_ARTICLE = re.compile(
    r"^(?:(?P<code>[a-z-]+):)?(?P<article>\d{1,4}(?:\.\d{1,2})?)(?:\((?P<part>\d{1,2})\))?$"
)
_URL = re.compile(r"\s+(https?://\S+)$")


class ImportProblems(Exception):
    """The file cannot be imported; ``problems`` has one ``row N, column X: reason`` line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Plan:
    """What an import would write: a folder of files per new case."""

    cases: dict[str, dict[str, str]] = field(default_factory=dict)  # slug → file name → TOML text


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The rows with the number a reader sees: a spreadsheet's (the header is row 1) or a JSON list's."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportProblems([f"{path}: no such file"]) from None
    except UnicodeDecodeError as exc:
        raise ImportProblems([f"{path}: not UTF-8 text ({exc.reason})"]) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportProblems([f"{path}: not valid JSON: {exc}"]) from None
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise ImportProblems([f"{path}: expected a JSON list of objects, one per case"])
        return [(number, row) for number, row in enumerate(data, start=1)]
    if path.suffix.lower() != ".csv":
        raise ImportProblems([f"{path}: expected a .csv or .json file"])
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    problems = [f"row 1, column {c}: missing (a required column)" for c in REQUIRED if c not in header]
    problems += [f"row 1, column {c}: unknown column" for c in header if c not in COLUMNS]
    if problems:
        raise ImportProblems(problems)
    return [(number, dict(row)) for number, row in enumerate(reader, start=2)]


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _sources(value: Any, problems: list[str], where: str) -> list[dict[str, str]]:
    sources = []
    for item in _items(value):
        spaced = " " + item
        found = _URL.search(spaced)
        publisher = spaced[: found.start()].strip() if found else item
        if not publisher:
            problems.append(f"{where}: {item!r}: a source needs a publisher before its URL")
            continue
        sources.append({"publisher": publisher, **({"url": found.group(1)} if found else {})})
    return sources


# Where a model's field comes from, so a validation error names the column.
_FIELD_COLUMNS = {
    "slug": "slug",
    "sex": "sex",
    "aliases": "aliases",
    "birth_date": "born",
    "category": "category",
    "charges": "articles",
    "timeline": "stage_date",
    "sources": "sources",
    "stage": "stage",
    "date": "stage_date",
}


def _column(loc: tuple[Any, ...], locale: str | None = None) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("name", "region") and len(parts) > 1:
        return f"{parts[0]}_{parts[1]}"
    if parts and parts[0] == "summary" and locale:
        return f"summary_{locale}"
    for part in reversed(parts):
        if part in _FIELD_COLUMNS:
            return _FIELD_COLUMNS[part]
    return parts[0] if parts else "(row)"


def _case_of(number: int, row: Mapping[str, Any], problems: list[str]) -> dict[str, str] | None:
    """One row as the files of a case folder, or None with its problems added."""
    found: list[str] = []
    for column in row:
        if column not in COLUMNS:
            found.append(f"row {number}, column {column}: unknown column")
    for column in REQUIRED:
        if not _text(row, column) and not _items(row.get(column)):
            found.append(f"row {number}, column {column}: required, and empty")
    charges = []
    for index, item in enumerate(_items(row.get("articles"))):
        match = _ARTICLE.match(item.replace(" ", ""))
        if match is None:
            found.append(
                f"row {number}, column articles: {item!r}: expected an article like 205.2 or 205.2(2) "
                "(part in brackets), several separated by ';'"
            )
            continue
        code = match.group("code") or CriminalCode.uk_rf.value
        if code not in CriminalCode.__members__.values():
            found.append(f"row {number}, column articles: {item!r}: unknown code {code!r} (known: uk-rf)")
            continue
        part = match.group("part")
        charges.append(
            {
                "id": f"c{index + 1}",
                "code": code,
                "article": match.group("article"),
                **({"part": int(part)} if part else {}),
            }
        )
    stage = _text(row, "stage")
    if stage and stage not in Stage.__members__.values():
        found.append(
            f"row {number}, column stage: {stage!r}: expected one of " + ", ".join(s.value for s in Stage)
        )
    sources = _sources(row.get("sources"), found, f"row {number}, column sources")
    regions = {loc: _text(row, f"region_{loc}") for loc in LOCALES}
    if any(regions.values()) and not all(regions.values()):
        missing = [f"region_{loc}" for loc, v in regions.items() if not v]
        found += [f"row {number}, column {c}: needed when another region_ column is given" for c in missing]
    facts: dict[str, Any] = {
        "slug": _text(row, "slug"),
        "sex": _text(row, "sex"),
        "name": {loc: _text(row, f"name_{loc}") for loc in LOCALES},
        "aliases": _items(row.get("aliases")) or None,
        "birth_date": _text(row, "born") or None,
        "category": _text(row, "category") or None,
        "region": regions if all(regions.values()) else None,
        "charges": charges,
        "timeline": [
            {"id": "imported", "date": _text(row, "stage_date"), "stage": stage, "sources": sources}
        ],
    }
    facts = {k: v for k, v in facts.items() if v is not None}
    validated: CaseFacts | None = None
    try:
        validated = CaseFacts.model_validate(facts)
    except ValidationError as exc:
        # Every problem at once, each column once: what the checks above said stands.
        named = {line.split(", column ", 1)[1].split(":", 1)[0] for line in found}
        for error in exc.errors():
            column = _column(error["loc"])
            if column not in named:
                named.add(column)
                found.append(f"row {number}, column {column}: {error['msg'].removeprefix('Value error, ')}")
    for locale in LOCALES:
        try:
            texts = CaseTexts.model_validate({"summary": _text(row, f"summary_{locale}")})
        except ValidationError as exc:
            if not any(f"column summary_{locale}:" in line for line in found):
                found.append(f"row {number}, column summary_{locale}: {exc.errors()[0]['msg']}")
            continue
        if validated is not None:
            # The loader's number guard (bot/cases/figures.py), reported as the row's problem.
            for _, figure in unheld_figures(validated, texts):
                found.append(
                    f"row {number}, column summary_{locale}: the figure {figure} is not among the case's "
                    "facts (born, articles, stage_date); a short case's summary may only repeat those"
                )
    if found or validated is None:
        problems += found
        return None
    files = {FACTS_FILE: dumps(_facts_for_file(validated))}
    for locale in LOCALES:
        files[f"{locale}.toml"] = dumps({"summary": _text(row, f"summary_{locale}")})
    return files


def _facts_for_file(facts: CaseFacts) -> dict[str, Any]:
    data = facts.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data["slug"] = facts.slug
    data["sex"] = facts.sex.value
    for charge in data.get("charges", []):
        charge.setdefault("code", CriminalCode.uk_rf.value)
    # TOML dates, not strings: the loader reads them as dates.
    if facts.birth_date:
        data["birth_date"] = facts.birth_date
    for event, model in zip(data["timeline"], facts.timeline, strict=True):
        event["date"] = model.date
    return data


def plan(rows: Iterable[tuple[int, Mapping[str, Any]]], cases_dir: Path) -> Plan:
    """Every row checked; raises :class:`ImportProblems` with every problem, or returns what to write."""
    problems: list[str] = []
    result = Plan()
    first_row: dict[str, int] = {}
    existing = {p.name for p in cases_dir.iterdir()} if cases_dir.is_dir() else set()
    for number, row in rows:
        slug = _text(row, "slug")
        if slug in first_row:
            problems.append(f"row {number}, column slug: {slug!r} is also row {first_row[slug]}")
        elif slug:
            first_row[slug] = number
        if slug in existing:
            problems.append(
                f"row {number}, column slug: {slug!r}: a case with this slug exists already "
                "(an import adds new cases; edit an existing one in its folder)"
            )
        files = _case_of(number, row, problems)
        if files is not None:
            result.cases[slug] = files
    if not first_row and not problems:
        problems.append("(file): no rows to import")
    if problems:
        raise ImportProblems(problems)
    return result


def apply(result: Plan, cases_dir: Path) -> list[str]:
    """Write the planned folders, all or none; returns the slugs written."""
    cases_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=cases_dir))  # hidden from the loader
    moved: list[Path] = []
    try:
        problems: list[str] = []
        for slug, files in result.cases.items():
            folder = staging / slug
            folder.mkdir()
            for name, text in files.items():
                (folder / name).write_text(text, encoding="utf-8")
            try:
                load_case(folder)  # the loader's own checks, on exactly what will be read
            except CaseFileError as exc:
                problems += exc.problems
        if problems:
            raise ImportProblems(problems)
        for slug in result.cases:
            target = cases_dir / slug
            (staging / slug).rename(target)
            moved.append(target)
    except BaseException:
        for target in moved:  # all or nothing
            shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return list(result.cases)


def import_cases(path: Path, cases_dir: Path, *, dry_run: bool = False) -> list[str]:
    """Check ``path`` and, unless ``dry_run``, write its cases; the slugs (to be) added."""
    result = plan(read_rows(path), cases_dir)
    if dry_run:
        return list(result.cases)
    return apply(result, cases_dir)
