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
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from cachetools import LRUCache

from bot.cases.models import LOCALES, CaseTexts
from bot.locales import DERIVED

RECENT = 96  # (case, locale) texts kept in memory: the cards being read right now


class TextStore:
    def __init__(self, folder: Path, capacity: int = RECENT) -> None:
        self._folder = folder
        self._recent: LRUCache[tuple[str, str], CaseTexts] = LRUCache(capacity)
        self._lock = threading.Lock()

    @staticmethod
    def key(slug: str, signature: object) -> str:
        """The name of one version of a case's texts: its slug and its files' sizes and times."""
        digest = hashlib.sha256(repr(signature).encode()).hexdigest()[:16]
        return f"{slug}-{digest}"

    def _path(self, key: str, locale: str) -> Path:
        return self._folder / f"{key}.{locale}.json"

    def has(self, key: str) -> bool:
        return all(self._path(key, locale).is_file() for locale in (*LOCALES, *DERIVED))

    def put(self, key: str, texts: dict[str, CaseTexts]) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        for locale, text in texts.items():
            path = self._path(key, locale)
            partial = path.with_name(path.name + ".partial")
            partial.write_bytes(text.model_dump_json().encode())
            partial.replace(path)

    def reader(self, key: str) -> Callable[[str], CaseTexts]:
        return lambda locale: self.read(key, locale)

    def read(self, key: str, locale: str) -> CaseTexts:
        entry = (key, locale)
        # The event loop and a /reload's worker thread (building the question index)
        # may read at once.
        with self._lock:
            held = self._recent.get(entry)
            if held is not None:
                return held
        text = CaseTexts.model_validate_json(self._path(key, locale).read_bytes())
        with self._lock:
            self._recent[entry] = text
        return text

    def prune(self, keep: Iterable[str]) -> None:
        """Remove every version no key in ``keep`` names (at start-up: nothing else reads them)."""
        kept = set(keep)
        if not self._folder.is_dir():
            return
        for path in self._folder.iterdir():
            if path.name.split(".", 1)[0] not in kept:
                with contextlib.suppress(OSError):
                    path.unlink()
