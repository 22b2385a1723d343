"""Load ``data/cases/`` into a validated, read-only catalogue.

Every problem in every file is collected before failing, so an admin fixing a
case sees the whole list at once, each line naming the file, the field and the
reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.cases.figures import held_figures, unheld_figures
from bot.cases.folder_scan import Signature, Stat, scan
from bot.cases.models import (
    LOCALES,
    POINTERS_WITH_TEXT,
    Case,
    CaseFacts,
    CaseTexts,
    Localized,
    PointerKind,
    stored_once,
    transformed,
)
from bot.cases.search import CatalogueIndex
from bot.cases.text_store import TextStore
from bot.locales import DERIVED
from bot.storage.files import replacing
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


def _parse_toml(text: str) -> dict[str, object]:
    """TOML parsed by rtoml (native code: tomllib's pure Python was a third of a /reload of
    a thousand cases); a file it refuses is parsed again by tomllib, whose message names the
    line and column the way the rest of our reports do.

    Imported here: a start from the cache beside the database parses no TOML, and
    rtoml's native library would stay mapped for nothing."""
    import rtoml

    try:
        parsed: dict[str, object] = rtoml.loads(text)
    except ValueError:  # rtoml.TomlParsingError
        return tomllib.loads(text)  # raises the error to report (or, should they differ, parses)
    return parsed


def _read_toml(path: Path, problems: list[str]) -> dict[str, object] | None:
    try:
        return _parse_toml(path.read_text(encoding="utf-8"))
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


def load_case(folder: Path, *, derive_texts: bool = True) -> Case:
    """One case folder, checked whole. ``derive_texts=False``: the uz-Cyrl texts are left to
    be made when first shown (the catalogue's text store does), the facts get theirs now."""
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
    held = held_figures(facts) if facts is not None else set()  # what the number guard allows
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
            problems += [
                f"{path}: {field}: figure {figure} is in no date, charge, sentence or "
                f"[[figures]] entry of {FACTS_FILE}: correct the text or add it there with its source"
                for field, figure in unheld_figures(facts, text, held)
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
    for locale, source in DERIVED.items() if derive_texts else ():
        texts[locale] = transformed(texts[source], transliterate)
    case = Case(facts=_with_derived(facts, transliterate), texts=texts)
    case._transliterator = transliterate
    return case


def _with_derived(value: _T, transform: Callable[[str], str]) -> _T:
    """Facts with every :class:`Localized` given its derived locales (uz-Cyrl from uz).

    Filled in place: the facts were just validated and nobody reads them yet (as
    :func:`~bot.cases.models.stored_once` does with them next); copying each model on the
    way (pydantic's model_copy) was most of the cost of this walk."""
    if isinstance(value, Localized):
        value.derived.update({loc: transform(value.get(src)) for loc, src in DERIVED.items()})
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            if not isinstance(item, _PLAIN):
                _with_derived(item, transform)
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, _PLAIN):
                _with_derived(item, transform)
    return value


# What no Localized can be inside: not walked into.
_PLAIN = (str, int, float, bool, dt.date, type(None))
_T = TypeVar("_T")


@dataclass(slots=True)
class FolderRead:
    """What a catalogue needs of one changed folder, read by :func:`read_folders`: the case
    (its texts in the store under ``key``, or in memory without a store) with its name
    index entry; or the problems that keep it out."""

    problems: list[str]
    case: Case | None = None
    key: str | None = None
    bodies: dict[str, bytes] | None = None  # its texts for the store, not yet in it
    rules: dict[str, str] = field(default_factory=dict)  # its own uz-Cyrl exceptions
    named: tuple[object, frozenset[str]] | None = None  # CatalogueIndex's entry for it


# Reads changed folders (with their signatures) for load_catalog: read_folders itself, or
# something running it elsewhere (another process) with ``bodies=True``.
FolderReader = Callable[[list[tuple[Path, Signature]]], dict[str, FolderRead]]
# Lists the case folders for load_catalog: folder_scan.scan itself, or the same elsewhere.
FolderScanner = Callable[[Path, dict[str, tuple[Stat, Signature]]], list[tuple[str, Stat, Signature]]]


def read_folders(
    folders: list[tuple[Path, Signature]],
    store: TextStore | None = None,
    with_texts: Callable[[list[Case]], None] | None = None,
    *,
    bodies: bool = False,
) -> dict[str, FolderRead]:
    """Each folder parsed, validated and its texts stored (see :func:`load_catalog`).
    Plain data out, so it can run in another process: cases without their transliterator
    (``rules`` makes it again), and with ``bodies`` their texts as the store keeps them,
    for the catalogue to store (one writer, one transaction). ``with_texts`` sees the
    valid cases while their texts are still in memory (the question index reads them)."""
    reads: dict[str, FolderRead] = {}
    whole: list[Case] = []
    memo: dict[str, str] = {}
    for folder, signature in folders:
        try:
            # With a store, a case's uz-Cyrl texts are made when first shown: a fifth of
            # the cost of reading a changed folder, for texts few readers ask for.
            case = load_case(folder, derive_texts=store is None and not bodies)
        except CaseFileError as exc:
            reads[folder.name] = FolderRead(exc.problems)
            continue
        whole.append(case)
        read = FolderRead([], case, rules=read_exceptions(folder / EXCEPTIONS_FILE))
        if bodies:
            read.bodies = TextStore.bodies(case.texts)
            read.case = Case.model_construct(facts=case.facts, texts={})
        elif store is not None:
            key = store.key(case.slug, signature)
            try:
                store.put(key, case.texts)
                read.case = case.reading_texts_from(store.reader(key))
                read.case._read_texts = None  # the catalogue's own store reads them
                read.key = key
            except OSError:
                # A folder the bot cannot write: texts stay in memory, and whatever else
                # needs that folder (the database) says what is wrong with it.
                store = None
        read.case._transliterator = None
        read.named = CatalogueIndex.read_case(case, memo)
        reads[folder.name] = read
    if with_texts is not None:
        with_texts(whole)
    return reads


class Catalog:
    """The cases the bot knows, in a stable order (by slug)."""

    def __init__(
        self,
        cases: list[Case],
        signatures: dict[str, Signature] | None = None,
        previous: Catalog | None = None,
        *,
        named: dict[str, tuple[object, frozenset[str]]] | None = None,
    ) -> None:
        self._cases = sorted(cases, key=lambda c: c.slug)
        self._by_slug = {c.slug: c for c in self._cases}
        # What each case was read from: /reload parses again only the folders that changed.
        self.signatures = signatures or {}
        self.stats: dict[str, Stat] = {}
        # The catalogue this one replaces, until the index has taken what it can from it;
        # and name index entries read with the changed folders.
        self._previous = previous
        self._named = named or {}

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
        previous, self._previous = self._previous, None  # no chain of old catalogues kept
        earlier = previous.__dict__.get("index") if previous is not None else None
        named, self._named = self._named, {}
        return CatalogueIndex(self._cases, earlier, named)


class CatalogHolder:
    """The catalogue in force. /reload replaces it whole: an update sees the old
    catalogue or the new one, never a mix, and a failed reload changes nothing."""

    def __init__(self, catalog: Catalog) -> None:
        self.current = catalog

    def swap(self, catalog: Catalog) -> Catalog:
        previous, self.current = self.current, catalog
        return previous


def cache_beside(database_path: Path) -> Path:
    """Where the bot keeps what it has read of the case files: beside its database."""
    return database_path.with_name(database_path.name + ".cases-cache")


def load_catalog(
    cases_dir: Path,
    previous: Catalog | None = None,
    *,
    cache: Path | None = None,
    read: FolderReader | None = None,
    scan_folders: FolderScanner | None = None,
) -> Catalog:
    """Every case folder, validated; a folder whose files are as ``previous`` (or ``cache``)
    read them is taken from there without parsing again (TOML parsing is most of the cost).

    ``cache`` (a folder, :func:`cache_beside` the database): the cases' texts go there once
    validated and are read back when shown (bot/cases/text_store.py), so the catalogue in
    memory holds facts only; and a start-up with a thousand unchanged cases reads their
    facts from one file instead of parsing four thousand.

    ``read``: how the changed folders are read (:data:`FolderReader`; /reload reads many in
    another process), :func:`read_folders` here by default; ``scan_folders``: how they are
    listed and known changed (:data:`FolderScanner`), ``folder_scan.scan`` here by default.
    """
    if not cases_dir.is_dir():
        raise CaseFileError([f"{cases_dir}: (folder): no such folder of cases"])
    store = TextStore(cache / TEXTS_FILE) if cache is not None else None
    known: dict[str, tuple[Signature, Case, Stat | None]] = {}
    if previous is not None:
        known = {
            slug: (sig, c, previous.stats.get(slug))
            for slug, sig in previous.signatures.items()
            if (c := previous.get(slug))
        }
    elif cache is not None and store is not None:
        known = _read_cache(cache, store)
    cases: dict[str, Case] = {}
    signatures: dict[str, Signature] = {}
    stats: dict[str, Stat] = {}
    reused: set[str] = set()  # folders whose case (and its facts) is the previous catalogue's
    changed: list[tuple[Path, Signature]] = []
    seen_by_stat = {name: (stat, sig) for name, (sig, _, stat) in known.items() if stat is not None}
    for name, stat, signature in (scan_folders or scan)(cases_dir, seen_by_stat):
        folder = cases_dir / name
        seen = known.get(name)
        signatures[folder.name], stats[folder.name] = signature, stat
        if seen is not None and seen[0] == signature:
            if seen[1]._transliterator is None:  # read back from the cache: the case's own rules
                rules = read_exceptions(folder / EXCEPTIONS_FILE)
                seen[1]._transliterator = shared_transliterator().with_exceptions(rules)
            cases[folder.name] = seen[1]
            if previous is not None:
                reused.add(folder.name)
        else:
            changed.append((folder, signature))
    reads: dict[str, FolderRead] = {}
    if changed:
        # Here each case's texts go to the store as it is read, so only one case's texts are
        # in memory at a time; a reading process (``read``, /reload) cannot write the store
        # and hands them back as bodies, stored below in one transaction.
        reads = read(changed) if read is not None else read_folders(changed, store)
    problems: list[str] = []
    named: dict[str, tuple[object, frozenset[str]]] = {}
    to_store = {
        store.key(folder.name, signature): got.bodies
        for folder, signature in changed
        if (got := reads[folder.name]).bodies is not None and store is not None
    }
    if to_store and store is not None:
        try:
            store.put_bodies(to_store)
        except OSError:
            store = None  # as read_folders does: texts in memory, no cache file
    for folder, signature in changed:
        got = reads[folder.name]
        if got.problems or got.case is None:
            problems += got.problems
            continue
        case = got.case
        if got.bodies is not None:
            got.key = store.key(case.slug, signature) if store is not None else None
            if got.key is None:
                case.texts.update(TextStore.texts(got.bodies))
        if got.key is not None and store is not None:
            case._read_texts = store.reader(got.key)
        elif store is not None:
            store = None  # the store could not be written: texts in memory, no cache file
        case._transliterator = shared_transliterator().with_exceptions(got.rules)
        cases[folder.name] = case
        if got.named is not None:
            named[case.slug] = got.named
    if problems:
        raise CaseFileError(problems)
    if not cases:
        raise CaseFileError([f"{cases_dir}: (folder): holds no cases"])
    # Equal parts of the facts (a court, a publisher, an article, a sentence) kept once:
    # the cases already in force first, so none of theirs is replaced under a reader.
    kept: dict[object, Any] = {}
    for case in sorted(cases.values(), key=lambda c: c.slug not in reused):
        case.__dict__["facts"] = stored_once(case.facts, kept)
    signatures = {name: signatures[name] for name in cases}
    catalog = Catalog(list(cases.values()), signatures, previous, named=named)
    catalog.stats = {name: stats[name] for name in cases}
    catalog.index  # noqa: B018 - built here, before the catalogue is in force
    if cache is not None and store is not None:
        if changed or len(known) != len(cases):
            _write_cache(cache, catalog)
        if previous is None:  # at start-up nothing else reads older versions of the texts
            store.prune(store.key(slug, sig) for slug, sig in signatures.items())
            shutil.rmtree(cache / "texts", ignore_errors=True)  # the store's earlier layout
    return catalog


CACHE_FILE = "catalogue.json"
TEXTS_FILE = "texts.sqlite3"


def _fingerprint() -> str:
    """What the cache depends on: the models', the loader's and the store's code, pydantic, Python."""
    import pydantic

    from bot import uzbek_cyrillic
    from bot.cases import models, text_store

    # uz-Cyrl texts are stored made: the rules and the shared exceptions list count too.
    modules = (models, text_store, uzbek_cyrillic)
    source = b"".join(Path(m.__file__).read_bytes() for m in modules) + Path(__file__).read_bytes()
    source += Path(uzbek_cyrillic.__file__).with_name(uzbek_cyrillic.EXCEPTIONS_FILE).read_bytes()
    return hashlib.sha256(source + pydantic.VERSION.encode() + sys.version.encode()).hexdigest()


def cache_is_current(cache: Path) -> bool:
    """Whether ``cache`` holds a catalogue written by this code: a look at the file's first
    bytes (the fingerprint is written first), not a read of the thousand cases after it."""
    try:
        with (cache / CACHE_FILE).open("rb") as file:
            head = file.read(128)
    except OSError:
        return False
    return head.startswith(b'{"fingerprint": "' + _fingerprint().encode() + b'"')


def _read_cache(cache: Path, store: TextStore) -> dict[str, tuple[Signature, Case, Stat | None]]:
    # Anything unreadable, from other code, or whose texts are gone is simply parsed afresh.
    try:
        data = json.loads((cache / CACHE_FILE).read_bytes())
        if data.get("fingerprint") != _fingerprint():
            return {}
        known: dict[str, tuple[Signature, Case, Stat | None]] = {}
        stored = store.complete()
        for slug, entry in data["cases"].items():
            signature: Signature = tuple((str(n), int(z), str(d)) for n, z, d in entry["signature"])
            stat: Stat = tuple((str(n), int(m), int(z)) for n, m, z in entry["stat"])
            key = store.key(slug, signature)
            if key not in stored:
                continue
            facts = CaseFacts.model_validate(entry["facts"], context={"derived": True})
            case = Case.model_construct(facts=facts, texts={})
            known[slug] = (signature, case.reading_texts_from(store.reader(key)), stat)
        return known
    except Exception:
        return {}


def _write_cache(cache: Path, catalog: Catalog) -> None:
    data = {
        "fingerprint": _fingerprint(),  # first: cache_is_current reads only the head of the file
        "cases": {
            c.slug: {
                "signature": catalog.signatures[c.slug],
                "stat": catalog.stats.get(c.slug, ()),
                "facts": c.facts.model_dump(mode="json"),
            }
            for c in catalog
            if c.slug in catalog.signatures
        },
    }
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with replacing(cache / CACHE_FILE) as partial:
            partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # a read-only disk costs the next start-up a full parse, nothing more
