"""The records storage returns and the rest of the bot reads: plain data, no behaviour
beyond a sum. They live here, beside the rules, but import nothing of bot/, so the
storage floor below may build them (tests/test_layers.py gives this module floor 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredSignature:
    petition: str
    display_name: str | None
    city: str | None
    locale: str
    signed_at: dt.datetime
    source: str | None


@dataclass(frozen=True, slots=True)
class NewsItem:
    id: int
    slug: str
    kind: str  # "news" or "status"
    texts: dict[str, str]  # only the languages the admin wrote
    fallback: str
    stage: str | None
    stage_date: dt.date | None
    announced: bool
    author_id: int
    author_locale: str
    created_at: dt.datetime
    progress_chat_id: int | None
    progress_message_id: int | None
    completed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class NewsRecord:
    """A news item as it is stored: what the admin wrote, and who published which draft when."""

    slug: str
    kind: str  # "news" or "status"
    texts: dict[str, str]  # only the languages the admin wrote
    fallback: str
    stage: str | None
    stage_date: dt.date | None
    announced: bool
    author_id: int
    author_locale: str
    draft_key: str  # a second tap on Publish finds the item this draft made
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class PublishedNews:
    news_id: int
    recipients: int  # outbox rows enqueued for it
    created: bool  # False: this draft had been published already (a second tap)


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    news_id: int  # the deliveries.update_id column
    chat_id: int
    locale: str
    attempts: int  # including the one being made, once claimed
    migrated: bool


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sending + self.sent + self.failed

    @property
    def open(self) -> int:
        return self.pending + self.sending
