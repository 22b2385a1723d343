"""The locales' Fluent files, parsed once and kept beside the database between start-ups.

Parsing the ``.ftl`` files (fluent.syntax is pure Python) and transliterating uz
into uz-Cyrl took a quarter of a second of every start-up — as long as all of
casebot's other start-up work together. What the parser made is stored as JSON
under a key of everything it depends on: the files' *contents* (not their times:
a file edited within the same second, or copied with its old time, is read
again), the parser's version and the transliteration's code and exceptions list.
Any change to one of them, or a cache that cannot be read, means parsing afresh;
so a stale cache cannot serve old text.

The file holds one resource a line, read one line at a time: decoding the whole
document at once made 6 MB of dicts that died at once but stayed resident.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from fluent.syntax import FluentParser
from fluent.syntax import ast as fluent_ast

from bot.locales import DERIVED
from bot.storage.files import replacing
from bot.uzbek_cyrillic import EXCEPTIONS_FILE, shared_transliterator, transliterate_fluent

CACHE_FILE = "locales.jsonl"

# What a cached node may be: the Fluent AST's own classes and nothing else.
_NODES: dict[str, type[fluent_ast.BaseNode]] = {
    name: value
    for name, value in vars(fluent_ast).items()
    if isinstance(value, type) and issubclass(value, fluent_ast.BaseNode)
}


def locale_files(locales_dir: Path, locales: Iterable[str]) -> dict[str, list[Path]]:
    """Each locale's .ftl files in load order; a derived locale reads its source's."""
    files: dict[str, list[Path]] = {}
    for locale in locales:
        folder = locales_dir / DERIVED.get(locale, locale)
        found = sorted(folder.glob("*.ftl"))
        if not found:
            raise FileNotFoundError(f"{folder}: no .ftl files")
        files[locale] = found
    return files


def parse_ftl(source: str) -> fluent_ast.Resource:
    """One file's AST without spans (where each node stood in its file): nothing formats
    with them, and they were half the nodes the bundles kept, 2 MB of a start without the cache."""
    return FluentParser(with_spans=False).parse(source)


def parsed_resources(
    locales_dir: Path, locales: Iterable[str], cache: Path | None = None
) -> dict[str, list[fluent_ast.Resource]]:
    """Each locale's resources, in its files' order: from ``cache`` (a folder) when they are
    what these files, this parser and these rules make, else parsed (and the cache rewritten)."""
    files = locale_files(locales_dir, locales)
    sources = {path: path.read_bytes() for paths in files.values() for path in paths}
    key = _key(files, sources)
    if cache is not None:
        stored = _read(cache / CACHE_FILE, key)
        if stored is not None and stored.keys() == files.keys():
            return stored
    parsed: dict[Path, fluent_ast.Resource] = {}
    resources: dict[str, list[fluent_ast.Resource]] = {}
    for locale, paths in files.items():
        resources[locale] = []
        for path in paths:
            if path not in parsed:
                parsed[path] = parse_ftl(sources[path].decode("utf-8"))
            resource = parsed[path]
            if locale in DERIVED:
                resource = transliterate_fluent(resource.clone(), shared_transliterator())
            resources[locale].append(resource)
    if cache is not None:
        _write(cache / CACHE_FILE, key, resources)
    return resources


def _key(files: dict[str, list[Path]], sources: dict[Path, bytes]) -> str:
    import bot.uzbek_cyrillic as rules

    digest = hashlib.sha256()
    rules_file = Path(rules.__file__)
    for part in (
        metadata.version("fluent.syntax").encode(),
        Path(__file__).read_bytes(),
        rules_file.read_bytes(),
        rules_file.with_name(EXCEPTIONS_FILE).read_bytes(),
    ):
        digest.update(len(part).to_bytes(8, "big") + part)
    for locale, paths in files.items():
        for path in paths:
            name = f"{locale}/{path.name}".encode()
            digest.update(len(name).to_bytes(8, "big") + name)
            digest.update(len(sources[path]).to_bytes(8, "big") + sources[path])
    return digest.hexdigest()


def _node(value: Any) -> Any:
    if isinstance(value, dict):
        kind = _NODES[value["type"]]  # anything else: KeyError, the cache is not used
        return kind(**{name: _node(item) for name, item in value.items() if name != "type"})
    if isinstance(value, list):
        return [_node(item) for item in value]
    return value


def _without_spans(node: dict[str, Any]) -> dict[str, Any]:
    # Where each node stood in its file: nothing formats with it, and it is half the JSON.
    node.pop("span", None)
    return node


def _read(path: Path, key: str) -> dict[str, list[fluent_ast.Resource]] | None:
    try:
        with path.open(encoding="utf-8") as lines:
            head = json.loads(next(lines))
            if head.get("key") != key:
                return None
            resources: dict[str, list[fluent_ast.Resource]] = {}
            for locale, count in head["locales"].items():
                resources[locale] = [_node(json.loads(next(lines))) for _ in range(count)]
            return resources
    except Exception:  # missing, damaged, cut short or from other code: parsed afresh
        return None


def _write(path: Path, key: str, resources: dict[str, list[fluent_ast.Resource]]) -> None:
    head = {"key": key, "locales": {locale: len(items) for locale, items in resources.items()}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as partial, partial.open("w", encoding="utf-8") as out:
            out.write(json.dumps(head) + "\n")
            for items in resources.values():
                for resource in items:
                    out.write(json.dumps(resource.to_json(_without_spans), ensure_ascii=False) + "\n")
    except OSError:
        pass  # a read-only disk costs the next start-up a parse, nothing more
