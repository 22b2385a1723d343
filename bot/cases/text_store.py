"""Validated case texts on disk, read when a screen needs them.

A Khamroev-sized case is some 80 KB of text in three languages; a thousand of
them held in memory would cost hundreds of megabytes for screens most readers
never open. So once a case folder has passed the loader's checks, each
locale's texts are written here as JSON (pydantic writes and reads it in
native code, far faster than TOML is parsed) under a key naming the case and
the exact files they came from, and :class:`~bot.cases.models.Case` keeps only
its facts and a way back to them. A few recently shown cases stay in memory.

The store lives beside the database (``<database>.cases-cache/texts``). Files
are never rewritten, only added under new keys, so a catalogue still in force
during /reload never loses the texts it points to; keys no catalogue uses are
removed at the next start-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.cases.models import LOCALES, CaseTexts
from bot.locales import DERIVED

# Reads a case's texts in a locale; for a derived locale, ``make`` makes them from the source.
TextReader = Callable[[str, Callable[[], CaseTexts] | None], CaseTexts]

RECENT = 96  # (case, locale) texts kept in memory: the cards being read right now


class TextStore:
    def __init__(self, folder: Path, capacity: int = RECENT) -> None:
        self._folder = folder
        self._capacity = capacity
        self._recent: OrderedDict[tuple[str, str], CaseTexts] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(slug: str, signature: object) -> str:
        """The name of one version of a case's texts: its slug and its files' sizes and times."""
        digest = hashlib.sha256(repr(signature).encode()).hexdigest()[:16]
        return f"{slug}-{digest}"

    def _path(self, key: str, locale: str) -> Path:
        return self._folder / f"{key}.{locale}.json"

    def has(self, key: str) -> bool:
        return all(self._path(key, locale).is_file() for locale in LOCALES)

    def complete(self) -> set[str]:
        """Every key whose texts are all here: one listing of the folder, not a look per file."""
        wanted = {f".{locale}.json" for locale in LOCALES}
        found: dict[str, int] = {}
        try:
            with os.scandir(self._folder) as entries:
                for entry in entries:
                    key, dot, rest = entry.name.partition(".")
                    if dot and f".{rest}" in wanted:
                        found[key] = found.get(key, 0) + 1
        except OSError:
            return set()
        return {key for key, count in found.items() if count == len(wanted)}

    def put(self, key: str, texts: dict[str, CaseTexts]) -> None:
        """The written locales' texts; derived ones (uz-Cyrl) are made when read (:meth:`read`)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        for locale, text in texts.items():
            if locale in DERIVED:
                continue
            path = self._path(key, locale)
            partial = path.with_name(path.name + ".partial")
            partial.write_bytes(text.model_dump_json().encode())
            partial.replace(path)

    def reader(self, key: str) -> TextReader:
        return lambda locale, make=None: self.read(key, locale, make)

    def read(self, key: str, locale: str, make: Callable[[], CaseTexts] | None = None) -> CaseTexts:
        """A written locale's texts from disk; a derived one's from ``make()`` (transliterated
        from its source, which is read here too): either way kept among the recent ones."""
        entry = (key, locale)
        # The event loop and a /reload's worker thread (building the question index)
        # may read at once.
        with self._lock:
            held = self._recent.get(entry)
            if held is not None:
                self._recent.move_to_end(entry)
                return held
        if locale in DERIVED:
            if make is None:
                raise KeyError(locale)
            text = make()
        else:
            text = CaseTexts.model_validate_json(self._path(key, locale).read_bytes())
        with self._lock:
            self._recent[entry] = text
            if len(self._recent) > self._capacity:
                self._recent.popitem(last=False)
        return text

    def prune(self, keep: Iterable[str]) -> None:
        """Remove every version no key in ``keep`` names (at start-up: nothing else reads them)."""
        kept = set(keep)
        try:
            with os.scandir(self._folder) as entries:
                stale = [entry.path for entry in entries if entry.name.split(".", 1)[0] not in kept]
        except OSError:
            return
        for path in stale:
            with contextlib.suppress(OSError):
                os.unlink(path)
