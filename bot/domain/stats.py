"""Numbers for admins: signatures, followers, deliveries, and signatures per day. No aiogram."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.cases.models import Case
from bot.domain.records import DeliveryCounts
from bot.storage.repositories import (
    FollowRepository,
    OutboxRepository,
    SignatureRepository,
    UserSettingsRepository,
)

CHART_DAYS = 30


@dataclass(frozen=True, slots=True)
class CaseStats:
    slug: str
    has_petition: bool
    signatures: int
    last_day: int
    per_locale: dict[str, int]  # signatures, by the locale each signer read (uz and uz-Cyrl apart)
    milestones: list[int]
    followers: int
    inactive: int
    deliveries: DeliveryCounts
    followers_per_locale: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TotalStats:
    followers: int  # distinct chats
    inactive: int
    deliveries: DeliveryCounts
    readers_per_locale: dict[str, int] = field(default_factory=dict)  # each reader's chosen locale


class StatsService:
    def __init__(
        self,
        signatures: SignatureRepository,
        follows: FollowRepository,
        outbox: OutboxRepository,
        now: Callable[[], dt.datetime],
        users: UserSettingsRepository | None = None,
    ) -> None:
        self._users = users
        self._signatures = signatures
        self._follows = follows
        self._outbox = outbox
        self._now = now

    async def case(self, case: Case) -> CaseStats:
        slug = case.slug
        has_petition = case.facts.petition is not None
        followers, inactive = await self._follows.counts(slug)
        return CaseStats(
            slug=slug,
            has_petition=has_petition,
            signatures=await self._signatures.count(slug) if has_petition else 0,
            last_day=await self._signatures.count_since(slug, self._now() - dt.timedelta(hours=24)),
            per_locale=await self._signatures.per_locale(slug),
            milestones=[m for m, _ in await self._signatures.milestones(slug)],
            followers=followers,
            inactive=inactive,
            deliveries=await self._outbox.counts_for_case(slug),
            followers_per_locale=await self._follows.per_locale(slug),
        )

    async def total(self) -> TotalStats:
        followers, inactive = await self._follows.counts()
        readers = await self._users.per_locale() if self._users is not None else {}
        return TotalStats(followers, inactive, await self._outbox.counts_for_case(), readers)

    async def per_day(self, cases: Iterable[Case], days: int = CHART_DAYS) -> list[tuple[dt.date, int]]:
        """Signatures per UTC day over the last ``days`` days, zeros included, oldest first."""
        today = self._now().astimezone(dt.UTC).date()
        first = today - dt.timedelta(days=days - 1)
        counted = await self._signatures.per_day([c.slug for c in cases if c.facts.petition], first)
        return [
            (first + dt.timedelta(days=i), counted.get(first + dt.timedelta(days=i), 0)) for i in range(days)
        ]
