"""Load ``data/cases/`` into a validated, read-only catalogue.

Every problem in every file is collected before failing, so an admin fixing a
case sees the whole list at once, each line naming the file, the field and the
reason.
"""

from __future__ import annotations

import os
import pickle
import sys
import tomllib
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from bot.cases.models import (
    LOCALES,
    POINTERS_WITH_TEXT,
    Case,
    CaseFacts,
    CaseTexts,
    PointerKind,
)
from bot.cases.search import CatalogueIndex

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
            # Charge titles and event texts may be left out whole (a short case), never in part.
            if text.charges or "charges" in raw:
                problems += _same_ids(path, "charges", [c.id for c in facts.charges], set(text.charges))
            problems += _same_ids(path, "arguments", [a.id for a in facts.arguments], set(text.arguments))
            if text.events or "events" in raw:
                problems += _same_ids(path, "events", [e.id for e in facts.timeline], set(text.events))
            if facts.petition is not None and text.demand is None:
                problems.append(
                    f"{path}: demand: missing; {FACTS_FILE} has a [petition], so its text is required"
                )
            problems += _same_ids(path, "questions", [q.id for q in facts.questions], set(text.questions))
    if facts is not None:
        problems += _question_answers(folder, facts, texts)
    if problems or facts is None:
        raise CaseFileError(problems)
    return Case(facts=facts, texts=texts)


# A folder's files as the loader last read them: (name, mtime in ns, size) each.
Signature = tuple[tuple[str, int, int], ...]


def folder_signature(folder: Path) -> Signature:
    entries = []
    with os.scandir(folder) as found:
        for entry in found:
            if entry.is_file():
                stat = entry.stat()
                entries.append((entry.name, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))


class Catalog:
    """The cases the bot knows, in a stable order (by slug)."""

    def __init__(self, cases: list[Case], signatures: dict[str, Signature] | None = None) -> None:
        self._cases = sorted(cases, key=lambda c: c.slug)
        self._by_slug = {c.slug: c for c in self._cases}
        # What each case was read from: /reload parses again only the folders that changed.
        self.signatures = signatures or {}

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

    @cached_property
    def index(self) -> CatalogueIndex:
        """Names, orders and filters (bot/cases/search.py): built with the catalogue, so
        /reload swaps them together."""
        return CatalogueIndex(self._cases)


class CatalogHolder:
    """The catalogue in force. /reload replaces it whole: an update sees the old
    catalogue or the new one, never a mix, and a failed reload changes nothing."""

    def __init__(self, catalog: Catalog) -> None:
        self.current = catalog

    def swap(self, catalog: Catalog) -> Catalog:
        previous, self.current = self.current, catalog
        return previous


def load_catalog(cases_dir: Path, previous: Catalog | None = None, *, cache: Path | None = None) -> Catalog:
    """Every case folder, validated; a folder whose files are as ``previous`` (or ``cache``)
    read them is taken from there without parsing again (TOML parsing is most of the cost).

    ``cache``: a file keeping the parsed catalogue between runs, so that a start-up
    with a thousand unchanged cases does not parse four thousand files.
    """
    if not cases_dir.is_dir():
        raise CaseFileError([f"{cases_dir}: (folder): no such folder of cases"])
    known: dict[str, tuple[Signature, Case]] = {}
    if previous is not None:
        known = {slug: (sig, c) for slug, sig in previous.signatures.items() if (c := previous.get(slug))}
    elif cache is not None:
        known = _read_cache(cache)
    problems: list[str] = []
    cases: list[Case] = []
    signatures: dict[str, Signature] = {}
    parsed = 0
    for folder in sorted(p for p in cases_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        signature = folder_signature(folder)
        seen = known.get(folder.name)
        if seen is not None and seen[0] == signature:
            cases.append(seen[1])
            signatures[folder.name] = signature
            continue
        try:
            cases.append(load_case(folder))
            signatures[folder.name] = signature
            parsed += 1
        except CaseFileError as exc:
            problems += exc.problems
    if problems:
        raise CaseFileError(problems)
    if not cases:
        raise CaseFileError([f"{cases_dir}: (folder): holds no cases"])
    catalog = Catalog(cases, signatures)
    catalog.index  # noqa: B018 - built here, before the catalogue is in force
    if cache is not None and (parsed or len(known) != len(cases)):
        _write_cache(cache, catalog)
    return catalog


def _fingerprint() -> str:
    """What the cached objects depend on: the models' and the loader's code, pydantic, Python."""
    import hashlib

    import pydantic

    from bot.cases import models

    # The loader's own checks too: a file that passed old checks is read again under new ones.
    source = Path(models.__file__).read_bytes() + Path(__file__).read_bytes()
    return hashlib.sha256(source + pydantic.VERSION.encode() + sys.version.encode()).hexdigest()


def _read_cache(path: Path) -> dict[str, tuple[Signature, Case]]:
    # The cache is the bot's own file beside its database, written below; anything
    # unreadable or from other code is ignored and the folders are parsed afresh.
    try:
        with path.open("rb") as stream:
            fingerprint, entries = pickle.load(stream)
    except Exception:
        return {}
    return entries if fingerprint == _fingerprint() and isinstance(entries, dict) else {}


def _write_cache(path: Path, catalog: Catalog) -> None:
    entries = {c.slug: (catalog.signatures[c.slug], c) for c in catalog if c.slug in catalog.signatures}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as stream:
            pickle.dump((_fingerprint(), entries), stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except OSError:
        pass  # a read-only disk costs the next start-up a full parse, nothing more
