"""A reader's choice of language: kept for the reader, and for every case they follow,
so the news they receive from then on is in the language they chose."""

from __future__ import annotations

from bot.domain.follow import FollowService
from bot.storage.repositories import Transaction, UserSettingsRepository


class LanguageService:
    def __init__(
        self, users: UserSettingsRepository, follows: FollowService, transaction: Transaction
    ) -> None:
        self._users = users
        self._follows = follows
        self._transaction = transaction

    async def choose(self, user_id: int, locale: str) -> None:
        async with self._transaction():
            await self._users.set_locale(user_id, locale)
            await self._follows.set_locale(user_id, locale)
