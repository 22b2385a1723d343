"""Load ``data/cases/`` into a validated, read-only catalogue.

Every problem in every file is collected before failing, so an admin fixing a
case sees the whole list at once, each line naming the file, the field and the
reason.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bot.cases.figures import unheld_figures
from bot.cases.models import (
    LOCALES,
    POINTERS_WITH_TEXT,
    Case,
    CaseFacts,
    CaseTexts,
    Localized,
    PointerKind,
    transformed,
)
from bot.locales import DERIVED
from bot.uzbek_cyrillic import EXCEPTIONS_FILE, ExceptionsError, read_exceptions, shared_transliterator

FACTS_FILE = "case.toml"


class CaseFileError(Exception):
    """One or more case files are invalid; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _describe(path: Path, error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(file)"
        lines.append(f"{path}: {field}: {item['msg'].removeprefix('Value error, ')}")
    return lines


def _read_toml(path: Path, problems: list[str]) -> dict[str, object] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path}: (file): missing")
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: (file): not UTF-8 text ({exc.reason})")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: (file): not valid TOML: {exc}")
    return None


def _same_ids(path: Path, kind: str, declared: list[str], given: set[str]) -> list[str]:
    lines = [
        f"{path}: {kind}.{ident}: missing text for this locale ({FACTS_FILE} declares it)"
        for ident in declared
        if ident not in given
    ]
    lines += [
        f"{path}: {kind}.{ident}: {FACTS_FILE} declares no such id" for ident in sorted(given - set(declared))
    ]
    return lines


def _question_answers(folder: Path, facts: CaseFacts, texts: dict[str, CaseTexts]) -> list[str]:
    """Every locale can answer every question: its own text, or what the pointer shows."""
    lines = []
    for question in facts.questions:
        given = [loc for loc, text in texts.items() if question.id in text.questions]
        with_answer = [loc for loc in given if texts[loc].questions[question.id].answer]
        kind = question.pointer_kind
        for locale in given:
            if texts[locale].questions[question.id].answer:
                continue
            path = folder / f"{locale}.toml"
            field = f"questions.{question.id}.answer"
            if with_answer:
                # Half-translated: readers of one language would get a different answer.
                lines.append(f"{path}: {field}: missing text for this locale ({with_answer[0]}.toml has one)")
            elif kind is None:
                lines.append(f"{path}: {field}: missing: the entry has no pointer to answer it")
            elif kind not in POINTERS_WITH_TEXT:
                lines.append(
                    f"{path}: {field}: missing: pointer {question.pointer!r} is a screen, "
                    "not a text that can stand as the answer"
                )
            elif kind is PointerKind.sign and texts[locale].demand is None:
                lines.append(
                    f"{path}: {field}: missing: pointer 'sign' answers with the demand, "
                    "and this file has no demand"
                )
    return lines


def load_case(folder: Path) -> Case:
    problems: list[str] = []
    facts_path = folder / FACTS_FILE
    raw_facts = _read_toml(facts_path, problems)
    facts: CaseFacts | None = None
    if raw_facts is not None:
        try:
            facts = CaseFacts.model_validate(raw_facts)
        except ValidationError as exc:
            problems += _describe(facts_path, exc)
    if facts is not None and facts.slug != folder.name:
        problems.append(f"{facts_path}: slug: {facts.slug!r} differs from the folder name {folder.name!r}")

    texts: dict[str, CaseTexts] = {}
    for locale in LOCALES:
        path = folder / f"{locale}.toml"
        raw = _read_toml(path, problems)
        if raw is None:
            continue
        try:
            text = CaseTexts.model_validate(raw)
        except ValidationError as exc:
            problems += _describe(path, exc)
            continue
        texts[locale] = text
        if facts is not None:
            problems += _same_ids(path, "charges", [c.id for c in facts.charges], set(text.charges))
            problems += _same_ids(path, "arguments", [a.id for a in facts.arguments], set(text.arguments))
            problems += _same_ids(path, "events", [e.id for e in facts.timeline], set(text.events))
            if facts.petition is not None and text.demand is None:
                problems.append(
                    f"{path}: demand: missing; {FACTS_FILE} has a [petition], so its text is required"
                )
            problems += _same_ids(path, "questions", [q.id for q in facts.questions], set(text.questions))
            problems += [
                f"{path}: {field}: figure {figure} is in no date, charge, sentence or "
                f"[[figures]] entry of {FACTS_FILE}: correct the text or add it there with its source"
                for field, figure in unheld_figures(facts, text)
            ]
    if facts is not None:
        problems += _question_answers(folder, facts, texts)
    try:
        transliterate = shared_transliterator().with_exceptions(read_exceptions(folder / EXCEPTIONS_FILE))
    except ExceptionsError as exc:
        problems.append(str(exc))
    if problems or facts is None:
        raise CaseFileError(problems)
    # Derived locales are made here, once, from the texts just checked: a reader of
    # Ўзбекча sees exactly what the uz files say, in Cyrillic.
    for locale, source in DERIVED.items():
        texts[locale] = transformed(texts[source], transliterate)
    case = Case(facts=_with_derived(facts, transliterate), texts=texts)
    case._transliterator = transliterate
    return case


def _with_derived(value: object, transform: Callable[[str], str]) -> object:
    """Facts with every :class:`Localized` given its derived locales (uz-Cyrl from uz)."""
    if isinstance(value, Localized):
        return value.model_copy(
            update={"derived": {loc: transform(value.get(src)) for loc, src in DERIVED.items()}}
        )
    if isinstance(value, BaseModel):
        changed = {}
        for name in type(value).model_fields:
            item = getattr(value, name)
            new = _with_derived(item, transform)
            if new is not item:
                changed[name] = new
        return value.model_copy(update=changed) if changed else value
    if isinstance(value, list):
        items = [_with_derived(item, transform) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value


class Catalog:
    """The cases the bot knows, in a stable order (by slug)."""

    def __init__(self, cases: list[Case]) -> None:
        self._cases = sorted(cases, key=lambda c: c.slug)
        self._by_slug = {c.slug: c for c in self._cases}

    def __iter__(self) -> Iterator[Case]:
        return iter(self._cases)

    def __len__(self) -> int:
        return len(self._cases)

    def get(self, slug: str) -> Case | None:
        return self._by_slug.get(slug)

    def named(self, text: str | None) -> Case | None:
        """The case a person typed after a command (``/sign Khamroev ``): its slug, any case."""
        return self._by_slug.get((text or "").strip().lower())

    @property
    def slugs(self) -> list[str]:
        return [c.slug for c in self._cases]


class CatalogHolder:
    """The catalogue in force. /reload replaces it whole: an update sees the old
    catalogue or the new one, never a mix, and a failed reload changes nothing."""

    def __init__(self, catalog: Catalog) -> None:
        self.current = catalog

    def swap(self, catalog: Catalog) -> Catalog:
        previous, self.current = self.current, catalog
        return previous


def load_catalog(cases_dir: Path) -> Catalog:
    if not cases_dir.is_dir():
        raise CaseFileError([f"{cases_dir}: (folder): no such folder of cases"])
    problems: list[str] = []
    cases: list[Case] = []
    for folder in sorted(p for p in cases_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        try:
            cases.append(load_case(folder))
        except CaseFileError as exc:
            problems += exc.problems
    if problems:
        raise CaseFileError(problems)
    if not cases:
        raise CaseFileError([f"{cases_dir}: (folder): holds no cases"])
    return Catalog(cases)
