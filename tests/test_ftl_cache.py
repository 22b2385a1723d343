"""The parsed locale files kept between start-ups: used when they are what the files make,
never when a file has changed, and a damaged or foreign cache is parsed afresh."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from fluent.syntax import parse
from fluent.syntax.ast import BaseNode, Message

from bot.locales import LOCALES as READER_LOCALES
from bot.ui import ftl_cache
from bot.ui.i18n import L10n
from tests.conftest import LOCALES

ARGS = {"day": 24, "month": 2, "year": "2022", "count": 3, "name": "Ali", "total": 5}


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    folder = tmp_path / "locales"
    shutil.copytree(LOCALES, folder)
    return folder


def _message_ids() -> list[str]:
    return [
        entry.id.name
        for path in sorted((Path(LOCALES) / "en").glob("*.ftl"))
        for entry in parse(path.read_text(encoding="utf-8")).body
        if isinstance(entry, Message) and entry.value is not None
    ]


def _all_texts(l10n: L10n) -> dict[tuple[str, str], str]:
    # Not strict: a message whose variables ARGS lacks is compared as Fluent renders it.
    return {(loc, mid): l10n.format(loc, mid, ARGS) for loc in l10n.locales for mid in _message_ids()}


def _spy_on_parsing(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    parses: list[int] = []
    real = ftl_cache.parse_ftl

    def counting(source: str) -> object:
        parses.append(1)
        return real(source)

    monkeypatch.setattr(ftl_cache, "parse_ftl", counting)
    return parses


def test_a_cached_load_formats_every_message_as_a_parse_does(tmp_path: Path) -> None:
    parsed = L10n.load(Path(LOCALES))
    cache = tmp_path / "cache"
    L10n.load(Path(LOCALES), cache=cache)
    assert (cache / ftl_cache.CACHE_FILE).is_file()
    cached = L10n.load(Path(LOCALES), cache=cache)
    assert cached.locales == parsed.locales == READER_LOCALES
    assert _all_texts(cached) == _all_texts(parsed)  # uz-Cyrl included, made from uz


def test_the_cache_spares_the_parse_and_never_hides_an_edit(
    locales: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    parses = _spy_on_parsing(monkeypatch)
    L10n.load(locales, cache=cache)
    assert parses, "the first load parses"
    parses.clear()
    L10n.load(locales, cache=cache)
    assert not parses, "an unchanged set of files is read from the cache"

    # An edit of the same length, its file's time put back: only the contents tell.
    path = locales / "en" / "main.ftl"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("bot-short-description = "))
    edited = line[: len("bot-short-description = ")] + "X" * (len(line) - len("bot-short-description = "))
    path.write_text(text.replace(line, edited), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    fresh = L10n.load(locales, cache=cache)
    assert parses, "a changed file is parsed again"
    assert fresh.format("en", "bot-short-description").startswith("XXXX")


def test_uz_cyrl_follows_an_edit_of_the_uz_files(locales: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = L10n.load(locales, cache=cache).format("uz-Cyrl", "bot-short-description")
    path = locales / "uz" / "main.ftl"
    text = path.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("bot-short-description = "))
    path.write_text(text.replace(line, "bot-short-description = Salom dunyo"), encoding="utf-8")
    after = L10n.load(locales, cache=cache).format("uz-Cyrl", "bot-short-description")
    assert after != before
    assert after == "Салом дунё"


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"\x00not json"),
        lambda p: p.write_text(json.dumps({"key": "other", "locales": {}})),
        # Cut short: the head promises resources the file no longer has.
        lambda p: p.write_text("\n".join(p.read_text().splitlines()[:5])),
        # A node that is not a Fluent AST class is refused, not called.
        lambda p: p.write_text(
            "\n".join([p.read_text().splitlines()[0], json.dumps({"type": "from_json", "value": 1})])
        ),
    ],
    ids=["garbage", "another key", "cut short", "foreign node"],
)
def test_a_damaged_cache_is_parsed_afresh(locales: Path, tmp_path: Path, damage: object) -> None:
    cache = tmp_path / "cache"
    reference = _all_texts(L10n.load(locales))
    L10n.load(locales, cache=cache)
    damage(cache / ftl_cache.CACHE_FILE)  # type: ignore[operator]
    assert _all_texts(L10n.load(locales, cache=cache)) == reference
    # ... and the cache is whole again.
    assert _all_texts(L10n.load(locales, cache=cache)) == reference


def test_a_cache_that_cannot_be_written_costs_only_the_parse(locales: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert L10n.load(locales, cache=blocked).format("en", "bot-short-description")


def test_a_missing_locale_folder_still_fails_with_its_name(locales: Path, tmp_path: Path) -> None:
    shutil.rmtree(locales / "ru")
    with pytest.raises(FileNotFoundError, match=r"ru: no \.ftl files"):
        L10n.load(locales, cache=tmp_path / "cache")


def test_a_parsed_load_keeps_no_spans() -> None:
    # Where each node stood in its file is never formatted; kept, it was half the nodes.
    l10n = L10n.load(Path(LOCALES))
    seen: list[object] = []

    def walk(value: object) -> None:
        if isinstance(value, BaseNode):
            seen.append(value)
            assert getattr(value, "span", None) is None, type(value).__name__
            for child in vars(value).values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    for locale in l10n.locales:
        bundle = l10n._bundles[locale]
        for message_id in _message_ids():
            walk(bundle.get_message(message_id))
    assert len(seen) > 1000
