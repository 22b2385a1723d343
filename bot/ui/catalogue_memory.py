"""What the catalogue's screens remember between a reader's taps, in memory only.

A search is paged by an id of its results, not by the text typed (which is
neither stored nor fits 64-byte callback data); *Back* on a card returns to the
page the reader came from. Both are conveniences, bounded and lost on a
restart (a stale page asks to search again), so no trail of reading is stored.
"""

from __future__ import annotations

import secrets
from typing import Generic, TypeVar

from cachetools import LRUCache

K = TypeVar("K")
V = TypeVar("V")


class _Bounded(Generic[K, V]):
    def __init__(self, capacity: int) -> None:
        self._items: LRUCache[K, V] = LRUCache(capacity)

    def _put(self, key: K, value: V) -> None:
        self._items[key] = value

    def _get(self, key: K) -> V | None:
        return self._items.get(key)

    def __len__(self) -> int:
        return len(self._items)


class FoundResults(_Bounded[str, tuple[str, ...]]):
    """Search results by a short random id: the slugs found, never the words typed.

    The same results get the same id while they are kept, so the pages of a popular
    search are rendered once for all who typed it (RenderedScreenCache.catalogue_page).
    """

    def __init__(self, capacity: int = 5_000) -> None:
        super().__init__(capacity)
        self._ids: dict[tuple[str, ...], str] = {}

    def keep(self, slugs: tuple[str, ...]) -> str:
        key = self._ids.get(slugs)
        if key is not None and self._get(key) == slugs:
            return key
        key = secrets.token_urlsafe(6)
        self._put(key, slugs)
        self._ids[slugs] = key
        return key

    def _put(self, key: str, value: tuple[str, ...]) -> None:
        # Evict here rather than inside the cache, so the reverse map forgets what goes.
        while key not in self._items and len(self._items) >= self._items.maxsize:
            _, dropped = self._items.popitem()  # the least recently used
            if self._ids.get(dropped) not in self._items:
                self._ids.pop(dropped, None)
        self._items[key] = value

    def get(self, key: str) -> tuple[str, ...] | None:
        return self._get(key)


class Trails(_Bounded[int, str]):
    """The packed callback data of the list each reader last saw, for *Back* on a card."""

    def __init__(self, capacity: int = 50_000) -> None:
        super().__init__(capacity)

    def remember(self, user_id: int, packed: str | None) -> None:
        if packed is None:
            self._items.pop(user_id, None)
        else:
            self._put(user_id, packed)

    def get(self, user_id: int) -> str | None:
        return self._get(user_id)
