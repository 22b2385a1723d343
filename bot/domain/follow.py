"""Following a case's news: a chat's consent per case, and the news on its way to it.

The follows and the outbox have one owner each (:class:`FollowRepository`,
:class:`OutboxRepository`); a change that concerns both — a chat stops following,
or is forgotten, or Telegram says it blocked the bot or moved — is written to both
in one transaction, so no news goes to a chat that has left and no follow is
lost with an outbox row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.storage.repositories import FollowRepository, OutboxRepository, Transaction


class FollowService:
    def __init__(self, follows: FollowRepository, outbox: OutboxRepository, transaction: Transaction) -> None:
        self._follows = follows
        self._outbox = outbox
        self._transaction = transaction

    async def follow(self, chat_id: int, slug: str, locale: str) -> bool:
        """Follow (or follow again: reactivates a chat that had blocked the bot)."""
        return await self._follows.follow(chat_id, slug, locale)

    async def unfollow(self, chat_id: int, slug: str) -> bool:
        """Stop following; news of that case not yet sent to the chat is dropped too."""
        async with self._transaction():
            followed = await self._follows.unfollow(chat_id, slug)
            await self._outbox.drop_pending(chat_id, slug)
        return followed

    async def forget(self, chat_id: int) -> int:
        """Every follow of the chat and every outbox row naming it; the number of follows."""
        async with self._transaction():
            followed = await self._follows.forget(chat_id)
            await self._outbox.forget(chat_id)
        return followed

    async def is_following(self, chat_id: int, slug: str) -> bool:
        return await self._follows.is_following(chat_id, slug)

    def following_check(self, chat_id: int, slug: str) -> Callable[[Any], bool] | None:
        """:meth:`is_following` as a read to run with another write (``PetitionService.sign``'s
        ``along``), or None where the storage has no such read."""
        return self._follows.following_check(chat_id, slug)

    async def followed_by(self, chat_id: int) -> list[str]:
        return await self._follows.followed_by(chat_id)

    async def set_locale(self, chat_id: int, locale: str) -> None:
        """A reader who switches language gets later news in the new one."""
        await self._follows.set_locale(chat_id, locale)

    async def mark_unreachable(self, chat_id: int) -> int:
        """The chat blocked the bot: no news until it comes back; the consent itself is kept."""
        return await self._follows.mark_unreachable(chat_id)

    async def reactivate(self, chat_id: int) -> int:
        """The chat is reachable again (it unblocked the bot, or wrote to it)."""
        return await self._follows.reactivate(chat_id)

    async def blocked(self, delivery_id: int, chat_id: int, at: dt.datetime) -> None:
        """A send was refused with 403: the row fails and the chat's follows go inactive."""
        async with self._transaction():
            await self._outbox.blocked(delivery_id, at)
            await self._follows.mark_unreachable(chat_id, at)

    async def migrated(self, delivery_id: int, old_chat_id: int, new_chat_id: int) -> bool:
        """A group became a supergroup: its follows and its news move to the new chat id.

        False when the new chat already had its own row for this news item.
        """
        async with self._transaction():
            await self._follows.move_chat(old_chat_id, new_chat_id)
            return await self._outbox.migrate(delivery_id, old_chat_id, new_chat_id)
