"""Validated case texts on disk, read when a screen needs them.

A Khamroev-sized case is some 80 KB of text in three languages; a thousand of
them held in memory would cost hundreds of megabytes for screens most readers
never open. So once a case folder has passed the loader's checks, each
written locale's texts go into a small SQLite file as JSON (pydantic writes and
reads it in native code, far faster than TOML is parsed) under a key naming the
case and the exact files they came from, and :class:`~bot.cases.models.Case`
keeps only its facts and a way back to them (the file itself is
``bot/storage/text_cache.py``: SQL lives on the storage floor). A few recently shown cases stay in
memory; derived locales (uz-Cyrl) are made from their source when first read.

The store lives beside the database (``<database>.cases-cache/texts.sqlite3``):
one file rather than a file per case and locale, because creating three
thousand files was most of what a /reload of a thousand changed cases spent on
storing them. Rows are never rewritten, only added under new keys, so a
catalogue still in force during /reload never loses the texts it points to;
keys no catalogue uses are removed at the next start-up. It is a cache: lost
or damaged, the case files are read again.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from cachetools import LRUCache

from bot.cases.models import LOCALES, CaseTexts
from bot.locales import DERIVED
from bot.storage.text_cache import TextCacheFile

# Reads a case's texts in a locale; for a derived locale, ``make`` makes them from the source.
TextReader = Callable[[str, Callable[[], CaseTexts] | None], CaseTexts]

# (case, locale) texts kept in memory: rendered screens are memoised (bot/ui/screens.py), so
# texts are read only to render one; 32 Khamroev-sized ones are a couple of megabytes.
RECENT = 32


class TextStore:
    def __init__(self, path: Path, capacity: int = RECENT) -> None:
        self._file = TextCacheFile(path)
        self._recent: LRUCache[tuple[str, str], CaseTexts] = LRUCache(capacity)
        self._lock = threading.Lock()  # the event loop and worker threads share the recent ones

    @staticmethod
    def key(slug: str, signature: object) -> str:
        """The name of one version of a case's texts: its slug and its files' sizes and times."""
        digest = hashlib.sha256(repr(signature).encode()).hexdigest()[:16]
        return f"{slug}-{digest}"

    def has(self, key: str) -> bool:
        return key in self.complete()

    def complete(self) -> set[str]:
        """Every key whose written locales are all here (an unreadable store has none)."""
        return self._file.keys_with(len(LOCALES))

    def put(self, key: str, texts: dict[str, CaseTexts]) -> None:
        """The written locales' texts; derived ones (uz-Cyrl) are made when read (:meth:`read`).
        Raises OSError when the store cannot be written."""
        self._file.put(key, self.bodies(texts))

    def put_bodies(self, bodies: dict[str, dict[str, bytes]]) -> None:
        """Several cases' texts as :meth:`bodies` made them (key → locale → body), at once."""
        self._file.put_many(bodies)

    @staticmethod
    def bodies(texts: dict[str, CaseTexts]) -> dict[str, bytes]:
        """The written locales' texts as the store keeps them."""
        return {loc: text.model_dump_json().encode() for loc, text in texts.items() if loc in LOCALES}

    @staticmethod
    def texts(bodies: dict[str, bytes]) -> dict[str, CaseTexts]:
        return {loc: CaseTexts.model_validate_json(body) for loc, body in bodies.items()}

    def reader(self, key: str) -> TextReader:
        return lambda locale, make=None: self.read(key, locale, make)

    def read(self, key: str, locale: str, make: Callable[[], CaseTexts] | None = None) -> CaseTexts:
        """A written locale's texts from the store; a derived one's from ``make()``
        (transliterated from its source, read here too): either way kept among the recent ones."""
        entry = (key, locale)
        with self._lock:
            held = self._recent.get(entry)
            if held is not None:
                return held
        if locale in DERIVED:
            if make is None:
                raise KeyError(locale)
            text = make()
        else:
            body = self._file.get(key, locale)
            if body is None:
                raise KeyError(f"{key}: no {locale} texts in {self._file.path}")
            text = CaseTexts.model_validate_json(body)
        with self._lock:
            self._recent[entry] = text
        return text

    def prune(self, keep: Iterable[str]) -> None:
        """Remove every version no key in ``keep`` names (at start-up: nothing else reads them)."""
        self._file.prune(keep)
