"""The catalogue's memory between taps, shared by every worker (scale-out mode, Redis).

With one process, a search's results and each reader's *Back* trail live in its
memory (bot/ui/catalogue_memory.py). With several workers a reader's next tap
may reach another one, which would know neither: *Next* on a search would say
it expired, *Back* would lead to the start. This middleware gives each update a
view of both as Redis holds them — read before the handler in one round trip,
written after it — so the handlers are the same in both modes.

What is stored is what memory holds: page addresses (callback data) under a
keyed hash of the reader, and the slugs a search found under its random id;
never the words typed. Both expire after a day, as the reader's open case does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.pipeline.scaleout import READ_ALONG, user_key
from bot.ui.catalogue_callbacks import AdminPickCb, FoundCb
from bot.ui.catalogue_memory import FoundResults

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
TTL = 86_400


def _found_id(packed: str | None) -> str | None:
    """The search id a button's callback data (or a trail) names, if any."""
    if not packed:
        return None
    prefix = packed.partition(":")[0]
    with contextlib.suppress(ValueError, TypeError):
        if prefix == FoundCb.__prefix__:
            return FoundCb.unpack(packed).id or None
        if prefix == AdminPickCb.__prefix__:
            return AdminPickCb.unpack(packed).id or None
    return None


class _ReadersTrail:
    """One reader's *Back* trail for one update, with :class:`Trails`' interface."""

    def __init__(self, user_id: int, packed: str | None) -> None:
        self._user_id = user_id
        self._packed = packed
        self.changed = False

    def remember(self, user_id: int, packed: str | None) -> None:
        if user_id == self._user_id:
            self._packed, self.changed = packed, True

    def get(self, user_id: int) -> str | None:
        return self._packed if user_id == self._user_id else None


class _SharedFound:
    """Search results for one update: those Redis holds for the ids it names, and new ones."""

    def __init__(self, local: FoundResults, known: dict[str, tuple[str, ...]]) -> None:
        self._local = local
        self._known = known
        self.kept: dict[str, tuple[str, ...]] = {}

    def keep(self, slugs: tuple[str, ...]) -> str:
        key = self._local.keep(slugs)
        self.kept[key] = self._known[key] = slugs
        return key

    def get(self, key: str) -> tuple[str, ...] | None:
        return self._known.get(key) or self._local.get(key)


class SharedCatalogueMemoryMiddleware(BaseMiddleware):
    def __init__(self, redis: Any, secret: bytes, ttl: int = TTL) -> None:
        self._redis = redis
        self._secret = secret
        self._ttl = ttl

    def _trail_key(self, user_id: int) -> str:
        return f"casebot:trail:{user_key(self._secret, user_id)}"

    @staticmethod
    def _found_key(found_id: str) -> str:
        return f"casebot:found:{found_id}"

    async def _results(self, ids: list[str]) -> dict[str, tuple[str, ...]]:
        if not ids:
            return {}
        values = await self._redis.mget([self._found_key(i) for i in ids])
        return {i: tuple(v.decode().split(",")) for i, v in zip(ids, values, strict=True) if v}

    def keys_for(self, event: Update, user_id: int) -> list[str]:
        """What an update reads: the reader's trail, and the search its button names."""
        pressed = _found_id(event.callback_query.data if event.callback_query else None)
        return [self._trail_key(user_id)] + ([self._found_key(pressed)] if pressed else [])

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user = data.get("event_from_user")
        local = data.get("found")
        if (
            user is None
            or not isinstance(local, FoundResults)
            or (event.message is None and event.callback_query is None)
        ):
            return await handler(event, data)
        keys = self.keys_for(event, user.id)
        trail_key, pressed = keys[0], _found_id(event.callback_query.data if event.callback_query else None)
        # Read along with the reader's open case when SharedRecentCasesMiddleware asked for them.
        along: dict[str, bytes | None] = data.get(READ_ALONG) or {}
        if all(k in along for k in keys):
            values = [along[k] for k in keys]
        else:
            values = await self._redis.mget(keys)
        packed = values[0].decode() if values[0] else None
        known = {pressed: tuple(values[1].decode().split(","))} if pressed and values[1] else {}
        behind = _found_id(packed)  # *Back* to a search: its results too
        if behind and behind not in known:
            known |= await self._results([behind])
        trail = _ReadersTrail(user.id, packed)
        found = _SharedFound(local, known)
        data["trails"], data["found"] = trail, found
        try:
            return await handler(event, data)
        finally:
            if trail.changed or found.kept:
                async with self._redis.pipeline(transaction=False) as pipe:
                    if trail.changed:
                        if trail.get(user.id) is None:
                            pipe.delete(trail_key)
                        else:
                            pipe.set(trail_key, (trail.get(user.id) or "").encode(), ex=self._ttl)
                    for found_id, slugs in found.kept.items():
                        pipe.set(self._found_key(found_id), ",".join(slugs).encode(), ex=self._ttl)
                    await pipe.execute()
