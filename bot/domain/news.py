"""Case news and stage changes: drafts an admin composes, publishing, the News
pages and the current status. No aiogram here.

A draft is a plain dict-able object because it lives in the FSM storage
between the admin's messages (and across a restart). Admin text is HTML the
admin wrote: it is checked against what Telegram accepts before it can be
published, never escaped.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.cases.catalog import Catalog
from bot.cases.models import LOCALES, Case, Stage
from bot.domain.records import NewsItem, NewsRecord, PublishedNews
from bot.locales import DERIVED, written_source
from bot.storage.repositories import FollowRepository, NewsRepository, OutboxRepository, Transaction
from bot.text import MESSAGE_LIMIT, telegram_html_error
from bot.uzbek_cyrillic import Transliterator, shared_transliterator

# The order an admin is asked for texts in (the project's readers: Russian first).
COMPOSE_ORDER: tuple[str, ...] = ("ru", "uz", "en")
# The versions a preview shows: each written one, and after Uzbek its Cyrillic form.
PREVIEW_ORDER: tuple[str, ...] = ("ru", "uz", "uz-Cyrl", "en")
# Room left in a 4096-character message for the header a follower's copy carries.
TEXT_LIMIT = 3800
NEWS = "news"
STATUS = "status"


def text_problem(text: str) -> str | None:
    """Why an admin's text cannot be sent as Telegram HTML, or None."""
    return telegram_html_error(text)


def message_problem(message: str) -> str | None:
    """Why a rendered message (header + admin text) would be refused, or None."""
    if len(message) > MESSAGE_LIMIT:
        return f"{len(message)} characters, Telegram allows {MESSAGE_LIMIT}"
    return telegram_html_error(message)


@dataclass
class Draft:
    """An update being composed: the case, the texts so far, and for a status the stage and date."""

    slug: str
    kind: str = NEWS
    texts: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)  # languages already answered (text or skip)
    fallback: str | None = None
    stage: str | None = None
    stage_date: str | None = None  # ISO date
    key: str = field(default_factory=lambda: secrets.token_hex(6))

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "kind": self.kind,
            "texts": dict(self.texts),
            "asked": list(self.asked),
            "fallback": self.fallback,
            "stage": self.stage,
            "stage_date": self.stage_date,
            "key": self.key,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft | None:
        """The draft stored in a dialogue's data, or None when there is none (or it is damaged)."""
        try:
            draft = cls(
                slug=str(data["slug"]),
                kind=str(data.get("kind", NEWS)),
                texts={str(k): str(v) for k, v in dict(data.get("texts") or {}).items() if k in LOCALES},
                asked=[str(x) for x in data.get("asked") or [] if x in LOCALES],
                fallback=data.get("fallback"),
                stage=data.get("stage"),
                stage_date=data.get("stage_date"),
                key=str(data["key"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if draft.kind not in (NEWS, STATUS):
            return None
        return draft

    @property
    def next_language(self) -> str | None:
        return next((loc for loc in COMPOSE_ORDER if loc not in self.asked), None)

    def answer(self, locale: str, text: str | None) -> None:
        """A text for ``locale``, or None to skip (and drop any earlier text)."""
        if text is None:
            self.texts.pop(locale, None)
        else:
            self.texts[locale] = text
        if locale not in self.asked:
            self.asked.append(locale)
        if self.fallback not in self.texts:
            self.fallback = None

    @property
    def missing(self) -> list[str]:
        return [loc for loc in COMPOSE_ORDER if loc not in self.texts]

    @property
    def fallback_choices(self) -> list[str]:
        return [loc for loc in COMPOSE_ORDER if loc in self.texts]

    def settle_fallback(self, author_locale: str) -> bool:
        """Pick the fallback when there is no real choice; False if the admin must choose."""
        choices = self.fallback_choices
        if self.fallback in choices:
            return True
        if not self.missing or len(choices) <= 1:
            self.fallback = choices[0] if choices else written_source(author_locale)
            return True
        return False

    def source_for(self, locale: str) -> str | None:
        """Whose text a follower reading ``locale`` gets: their own, the fallback's, or none."""
        if written_source(locale) in self.texts:
            return written_source(locale)
        return self.fallback if self.fallback in self.texts else None

    @property
    def date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.stage_date) if self.stage_date else None


def parse_stage_date(text: str, today: dt.date) -> dt.date | None:
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    if value > today or value.year < 1990:
        return None
    return value


def news_text(item: NewsItem, locale: str, transliterate: Transliterator | None = None) -> str | None:
    """The text a reader of ``locale`` sees: their language's, else the fallback's.

    Admins write Uzbek once, in Latin: a reader of Ўзбекча gets it transliterated
    (``transliterate``: the case's own rules, else the shared ones), its HTML tags,
    entities, links and the case's slug untouched.
    """
    source = written_source(locale)
    text = item.texts.get(source)
    if not text:
        source = item.fallback
        text = item.texts.get(source)
    if text and locale in DERIVED and DERIVED[locale] == source:
        return (transliterate or shared_transliterator())(text, keep={item.slug})
    return text


@dataclass(frozen=True, slots=True)
class CurrentStatus:
    """A stage an admin set with /status that is newer than the case file's latest."""

    stage: Stage
    date: dt.date


class NewsService:
    def __init__(
        self,
        news_items: NewsRepository,
        follows: FollowRepository,
        outbox: OutboxRepository,
        transaction: Transaction,
        now: Callable[[], dt.datetime],
    ) -> None:
        self._news_items = news_items
        self._follows = follows
        self._outbox = outbox
        self._transaction = transaction
        self._now = now

    async def publish(
        self, draft: Draft, *, author_id: int, author_locale: str, announce: bool = True
    ) -> PublishedNews:
        if draft.kind == NEWS and not draft.texts:
            raise ValueError("news needs a text in at least one language")
        for text in draft.texts.values():
            if problem := text_problem(text):
                raise ValueError(problem)
        return await self.publish_item(
            NewsRecord(
                slug=draft.slug,
                kind=draft.kind,
                texts=draft.texts,
                fallback=draft.fallback or next(iter(draft.texts), written_source(author_locale)),
                stage=draft.stage,
                stage_date=draft.date,
                announced=announce,
                author_id=author_id,
                # Stored news items name written locales only: an admin reading uz-Cyrl is uz there.
                author_locale=written_source(author_locale),
                draft_key=draft.key,
                at=self._now(),
            )
        )

    async def publish_item(self, item: NewsRecord) -> PublishedNews:
        """Store the item and, if announced, one pending delivery per active follower — atomically.

        The news items and the outbox have one owner each; this composes their calls in one
        transaction. A draft stored already (a second tap) is not stored or enqueued again."""
        async with self._transaction():
            news_id, created = await self._news_items.record(item)
            if not created:
                return PublishedNews(news_id, await self._outbox.count_for(news_id), created=False)
            recipients = await self._outbox.enqueue_followers(news_id, item.slug) if item.announced else 0
            if not recipients:
                await self._news_items.mark_completed(news_id, item.at)
        return PublishedNews(news_id, recipients, created=True)

    async def show_progress_in(self, news_id: int, chat_id: int, message_id: int) -> None:
        """The admin's message that the delivery's progress is written into."""
        await self._news_items.set_progress_message(news_id, chat_id, message_id)

    async def followers(self, slug: str) -> int:
        return sum((await self._follows.per_locale(slug)).values())

    async def news_count(self, slug: str) -> int:
        return await self._news_items.count_listed(slug)

    async def news_item(self, slug: str, position: int) -> NewsItem | None:
        """The ``position``-th listed update, 0 = the newest."""
        if position < 0:
            return None
        found = await self._news_items.listed(slug, position, 1)
        return found[0] if found else None

    async def statuses(self, slug: str) -> list[NewsItem]:
        return await self._news_items.statuses(slug)

    async def catalogue_overrides(self, catalog: Catalog) -> tuple[dict[str, str], dict[str, dt.date]]:
        """What admins changed since the files: each case's stage as its card shows it (where
        /status set a newer one) and the day of its latest published news item."""
        stages: dict[str, str] = {}
        updated: dict[str, dt.date] = {}
        for slug, (stage, date, created) in (await self._news_items.latest_per_case()).items():
            case = catalog.get(slug)
            if case is None:
                continue
            if stage is not None and date is not None and date >= case.status_event.date:
                stages[slug] = stage
            updated[slug] = created.date()
        return stages, updated

    async def current_status(self, case: Case) -> CurrentStatus | None:
        """The admin-set stage when it is at least as recent as the case file's latest one."""
        latest = await self._news_items.latest_stage(case.slug)
        if latest is None:
            return None
        stage, date = latest
        if date < case.status_event.date:
            return None  # the case file has moved on since (edited and reloaded)
        return CurrentStatus(Stage(stage), date)
