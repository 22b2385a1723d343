"""A NewsService over one database, for tests that publish without the /post dialogue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain.news import NewsService
from bot.storage.repositories import FollowRepository, NewsRepository, OutboxRepository, Transaction


def publisher(db: Any) -> NewsService:
    return NewsService(
        NewsRepository(db),
        FollowRepository(db),
        OutboxRepository(db),
        Transaction(db),
        lambda: dt.datetime.now(dt.UTC),
    )
