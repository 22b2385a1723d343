"""Screens that many readers see alike, rendered once and then served from memory.

A case card costs a couple of milliseconds of Fluent and Babel formatting, for a
text that changes a few times a day. Each screen here is memoised under
everything that goes into it — the case, the reader's locale, the date it is
rendered for, the stage in force, the count, the follow state, the bot's name —
so a change to any of them renders anew and nothing needs invalidating by hand.
/reload makes new :class:`Case` objects: entries are keyed by the object's
identity and keep it alive (so its id is never reused while they live), so the
old catalogue's screens are never served again and age out of the cache.

The keyboards returned are shared between replies. aiogram serialises a markup
without changing it and no handler edits one it was given; a handler that wants
a different keyboard must build its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from aiogram.types import InlineKeyboardMarkup
from cachetools import LRUCache

from bot.cases.catalog import Catalog
from bot.cases.models import Argument, Case
from bot.cases.search import PAGE_SIZE
from bot.domain.news import CurrentStatus
from bot.domain.petition import percent, progress_bar
from bot.ui import keyboards, views
from bot.ui.i18n import NUMBER_MARK, Translator

T = TypeVar("T")

# Cards × 3 locales × a few stages and days, plus counts: a few hundred entries
# of a few kilobytes each cover a busy day; the least recently used go first.
DEFAULT_SIZE = 1024
LINES_SIZE = 4096  # every case of a 1,000-case catalogue in a few languages
PAGES_SIZE = 512  # catalogue pages (text and keyboard, ~10 KB each): the ones being read now


class RenderedScreenCache:
    def __init__(self, size: int = DEFAULT_SIZE, lines: int = LINES_SIZE, pages: int = PAGES_SIZE) -> None:
        self._entries: LRUCache[Hashable, tuple[object, Any]] = LRUCache(size)
        # A catalogue page's lines, apart: a thousand cases must not push the cards out.
        self._lines: LRUCache[Hashable, tuple[object, str]] = LRUCache(lines)
        self._pages: LRUCache[Hashable, tuple[object, tuple[str, InlineKeyboardMarkup]]] = LRUCache(pages)
        self.hits = 0
        self.misses = 0

    def catalogue_line(
        self, case: Case, t: Translator, current: CurrentStatus | None, render: Callable[[], str]
    ) -> str:
        """A case's line on a catalogue page (name, articles, status): a dozen Fluent calls, once."""
        key = (id(case), t.locale, current)
        entry = self._lines.get(key)
        if entry is not None and entry[0] is case:
            return entry[1]
        line = render()
        self._lines[key] = (case, line)
        return line

    def catalogue_page(
        self, catalog: Catalog, key: Hashable, render: Callable[[], tuple[str, InlineKeyboardMarkup]]
    ) -> tuple[str, InlineKeyboardMarkup]:
        """A page of the catalogue (browse, search results, a filter's matches), whole.

        ``key`` holds everything the page shows besides the catalogue: the locale, the
        title, the cases listed and the status each card shows, the page's own callback
        data (and so its Previous/Next) and the extra buttons. A /reload (a new
        catalogue) or a /status (another status) renders it anew.
        """
        full = (id(catalog), key)
        entry = self._pages.get(full)
        if entry is not None and entry[0] is catalog:
            return entry[1]
        value = render()
        self._pages[full] = (catalog, value)
        return value

    def _memo(self, key: Hashable, owner: object, render: Callable[[], T]) -> T:
        """``render()`` once per ``key``; ``owner`` (a case or catalogue) is kept with the entry."""
        entry = self._entries.get(key)
        if entry is not None and entry[0] is owner:
            self.hits += 1
            value: T = entry[1]
            return value
        self.misses += 1
        value = render()
        self._entries[key] = (owner, value)
        return value

    def case_card(
        self,
        case: Case,
        t: Translator,
        today: dt.date,
        signatures: int | None,
        current: CurrentStatus | None,
    ) -> str:
        """:func:`bot.ui.views.case_card`, in two parts: the count changes with every signature."""
        body = self._memo(
            ("card", id(case), t.locale, today, current),
            case,
            lambda: views.case_card_body(case, t, today, current),
        )
        petition = case.facts.petition
        if signatures is None or petition is None:
            return body
        line = self._memo(
            ("card-count", t.locale, signatures, petition.goal),
            None,
            lambda: views.card_signatures(t, signatures, petition.goal),
        )
        return f"{body}\n\n{line}"

    def case_card_keyboard(
        self, case: Case, t: Translator, bot_username: str, *, following: bool
    ) -> InlineKeyboardMarkup:
        return self._memo(
            ("card-kb", id(case), t.locale, bot_username, following),
            case,
            lambda: keyboards.case_card(case, t, bot_username, following=following),
        )

    def petition_signed_keyboard(
        self, case: Case, t: Translator, bot_username: str, *, offer_follow: bool
    ) -> InlineKeyboardMarkup:
        """Under every thank-you: the share link, *Follow* unless followed, the card."""
        return self._memo(
            ("signed-kb", id(case), t.locale, bot_username, offer_follow),
            case,
            lambda: keyboards.petition_signed(case, t, bot_username, offer_follow=offer_follow),
        )

    def petition_thanks(self, case: Case, t: Translator, number: int) -> str:
        """:func:`bot.ui.views.petition_thanks`: a signer's number is new every time, so the text
        is kept per everything else it shows (the number's plural category, the bar and the
        percentage) and the number written in."""
        petition = case.facts.petition
        assert petition is not None
        goal = petition.goal
        shown = (t.plural(number), progress_bar(number, goal), percent(number, goal))
        key = ("thanks", id(case), t.locale, shown)
        return self._numbered(key, case, t, number, lambda n: views.petition_thanks(case, t, n))

    def petition_withdrawn(self, t: Translator, count: int) -> str:
        """:func:`bot.ui.views.petition_withdrawn`, kept per the count's plural category."""
        return self._numbered(
            ("withdrawn", t.locale, t.plural(count)), None, t, count, lambda n: views.petition_withdrawn(t, n)
        )

    def _numbered(
        self, key: Hashable, owner: object, t: Translator, number: int, render: Callable[[int], str]
    ) -> str:
        """``render(number)`` from a text kept under ``key`` with the number left out and written
        in (bot/ui/i18n.py, NumberSlot); ``key`` holds all the text shows but the number itself."""
        entry = self._entries.get(key)
        if entry is not None and entry[0] is owner:
            self.hits += 1
            template: str | None = entry[1]
            return render(number) if template is None else template.replace(NUMBER_MARK, t.number(number))
        self.misses += 1
        text, template = t.with_number(number, render)
        self._entries[key] = (owner, template)  # None: a text to render every time
        return text

    def back_to_case(self, case: Case, t: Translator) -> InlineKeyboardMarkup:
        return self._memo(("back-kb", id(case), t.locale), case, lambda: keyboards.back_to_case(case, t))

    def why(self, case: Case, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
        return self._memo(
            ("why", id(case), t.locale),
            case,
            lambda: (views.why_screen(case, t), keyboards.why(case, t)),
        )

    def argument(
        self, case: Case, argument: Argument, t: Translator
    ) -> tuple[list[str], InlineKeyboardMarkup]:
        return self._memo(
            ("argument", id(case), argument.id, t.locale),
            case,
            lambda: (views.argument_screen(case, argument, t), keyboards.argument(case, t)),
        )

    def question_answer(
        self, case: Case, question_id: str, t: Translator, sign_url: str | None
    ) -> tuple[list[str], InlineKeyboardMarkup]:
        """A stored answer and its buttons (*Sign* only while signing is open: ``sign_url``)."""
        return self._memo(
            ("answer", id(case), question_id, t.locale, sign_url),
            case,
            lambda: (
                views.question_answer(case, question_id, t),
                keyboards.question_answer(case, question_id, t, sign_url),
            ),
        )

    def greeting(self, catalog: Catalog, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
        """/start without a payload: the greeting and the way into the cases."""
        return self._memo(
            ("greeting", id(catalog), t.locale),
            catalog,
            lambda: (
                t("start-greeting") + "\n\n" + _way_in(catalog, t),
                keyboards.cases_menu(catalog, t),
            ),
        )

    def catalogue_home(self, catalog: Catalog, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
        """/cases, and *Menu* in the catalogue: the greeting's way in, without the greeting."""
        return self._memo(
            ("catalogue-home", id(catalog), t.locale),
            catalog,
            lambda: (_way_in(catalog, t), keyboards.cases_menu(catalog, t)),
        )


def _way_in(catalog: Catalog, t: Translator) -> str:
    # A catalogue of more than a page is searched and browsed, not listed.
    return views.cases_list(len(catalog), t) if len(catalog) <= PAGE_SIZE else t("catalogue-home-hint")
