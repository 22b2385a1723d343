"""/forget: erase everything the bot holds about a person, in one go.

Signatures, follows with the news on its way, the language chosen and the case
last opened: each store erases its own, and the counts say what there was.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.answers import RecentCases
from bot.domain.follow import FollowService
from bot.domain.petition import PetitionService
from bot.storage.repositories import UserSettingsRepository


@dataclass(frozen=True, slots=True)
class Erased:
    signatures: int
    follows: int
    language: bool  # a language had been chosen


class PrivacyService:
    def __init__(
        self, petitions: PetitionService, follows: FollowService, users: UserSettingsRepository
    ) -> None:
        self._petitions = petitions
        self._follows = follows
        self._users = users

    async def forget(self, user_id: int, recent_cases: RecentCases) -> Erased:
        """``recent_cases``: the update's own view of them (with several workers it is loaded per update)."""
        erased = Erased(
            signatures=await self._petitions.forget(user_id),
            follows=await self._follows.forget(user_id),
            language=await self._users.forget(user_id),
        )
        recent_cases.forget(user_id)
        return erased
