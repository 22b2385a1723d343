"""The catalogue: the entry points, paged browsing, search results and filters.

Every page is the same message edited (``show``); *Back* on a card returns to
the last page the reader saw (:class:`~bot.ui.catalogue_memory.Trails`). Finding
cases is bot/cases/search.py's job; this module only turns taps into pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.cases.catalog import Catalog
from bot.cases.search import Facet, page, reads_as_full_name
from bot.domain.answers import RecentCases
from bot.domain.follow import FollowService
from bot.domain.news import CurrentStatus, NewsService
from bot.domain.petition import PetitionService
from bot.handlers.cases import card_view
from bot.handlers.replies import show
from bot.ui import catalogue_screens
from bot.ui.catalogue_callbacks import (
    BrowseCb,
    BrowseOrder,
    CatalogueAction,
    CatalogueCb,
    FilterCb,
    FilterView,
    FoundCb,
)
from bot.ui.catalogue_memory import FoundResults, Trails
from bot.ui.i18n import Translator
from bot.ui.keyboards import MenuCb, MenuTarget
from bot.ui.screens import RenderedScreenCache


async def _statuses(
    catalog: Catalog, slugs: tuple[str, ...], news: NewsService
) -> dict[str, CurrentStatus | None]:
    """The status each listed case's card shows (an admin's /status wins over the file)."""
    found: dict[str, CurrentStatus | None] = {}
    for slug in slugs:
        case = catalog.get(slug)
        if case is not None:
            found[slug] = await news.current_status(case)
    return found


# A page's title: a Fluent id and its arguments, formatted only when the page is not memoised.
Title = tuple[str, dict[str, Any]]


async def _page(
    title: Title,
    slugs: Sequence[str],
    number: int,
    turn: Callable[[int], CallbackData],
    catalog: Catalog,
    t: Translator,
    news: NewsService,
    screens: RenderedScreenCache,
    extra: list[tuple[str, CallbackData]] | None = None,
) -> tuple[str, str, InlineKeyboardMarkup]:
    """Page ``number`` of ``slugs``: its own callback data (for *Back*), text and keyboard,
    rendered once for all who read the same page in the same language (RenderedScreenCache)."""
    title_id, title_args = title
    shown = page(slugs, number)
    statuses = await _statuses(catalog, shown.items, news)
    here = turn(shown.number).pack()
    key = (
        t.locale,
        title_id,
        tuple(sorted(title_args.items())),
        shown.items,
        shown.count,
        tuple(statuses.get(slug) for slug in shown.items),
        here,  # names the pages before and after it too
        tuple((text, data.pack()) for text, data in extra or ()),
    )
    text, markup = screens.catalogue_page(
        catalog,
        key,
        lambda: catalogue_screens.listing(
            t(title_id, **title_args), shown, catalog, t, statuses, turn, extra, screens
        ),
    )
    return here, text, markup


async def _listing(
    query: CallbackQuery,
    title: Title,
    slugs: Sequence[str],
    number: int,
    turn: Callable[[int], CallbackData],
    catalog: Catalog,
    t: Translator,
    news: NewsService,
    trails: Trails,
    screens: RenderedScreenCache,
    extra: list[tuple[str, CallbackData]] | None = None,
) -> None:
    here, text, markup = await _page(title, slugs, number, turn, catalog, t, news, screens, extra)
    trails.remember(query.from_user.id, here)
    await show(query, text, markup)


# --- the entry points --------------------------------------------------------------


async def cases_command(
    message: Message, t: Translator, catalog: Catalog, screens: RenderedScreenCache
) -> None:
    text, markup = screens.catalogue_home(catalog, t)
    await message.answer(text, reply_markup=markup)


async def home(
    query: CallbackQuery, t: Translator, catalog: Catalog, screens: RenderedScreenCache, trails: Trails
) -> None:
    trails.remember(query.from_user.id, None)
    await show(query, *screens.catalogue_home(catalog, t))


async def search_prompt(query: CallbackQuery, t: Translator) -> None:
    await show(query, *catalogue_screens.search_prompt(t))


async def back(
    query: CallbackQuery,
    t: Translator,
    catalog: Catalog,
    screens: RenderedScreenCache,
    news: NewsService,
    trails: Trails,
    found: FoundResults,
) -> None:
    """*Back* from a card: to the page, search or filter the reader came from, else the start."""
    packed = trails.get(query.from_user.id)
    if packed is not None:
        prefix = packed.partition(":")[0]
        if prefix == BrowseCb.__prefix__:
            await browse(query, BrowseCb.unpack(packed), t, catalog, news, trails, screens)
            return
        if prefix == FoundCb.__prefix__:
            await found_page(query, FoundCb.unpack(packed), t, catalog, news, trails, screens, found)
            return
        if prefix == FilterCb.__prefix__:
            await filters(query, FilterCb.unpack(packed), t, catalog, news, trails, screens)
            return
    await show(query, *screens.catalogue_home(catalog, t))


# --- pages --------------------------------------------------------------------------


async def browse(
    query: CallbackQuery,
    callback_data: BrowseCb,
    t: Translator,
    catalog: Catalog,
    news: NewsService,
    trails: Trails,
    screens: RenderedScreenCache,
) -> None:
    index = catalog.index
    order = callback_data.order
    if order is BrowseOrder.recent:
        _, updated = await news.catalogue_overrides(catalog)  # admins' news and /status count too
        slugs, title = index.recent(updated), ("catalogue-recent-title", {"count": len(index)})
    else:
        slugs, title = index.browse(t.locale), ("catalogue-browse-title", {"count": len(index)})
    await _listing(
        query,
        title,
        slugs,
        callback_data.p,
        lambda number: BrowseCb(order=order, p=number),
        catalog,
        t,
        news,
        trails,
        screens,
    )


async def found_page(
    query: CallbackQuery,
    callback_data: FoundCb,
    t: Translator,
    catalog: Catalog,
    news: NewsService,
    trails: Trails,
    screens: RenderedScreenCache,
    found: FoundResults,
) -> None:
    slugs = found.get(callback_data.id)
    if slugs is None:  # the bot restarted, or the search is long forgotten
        await query.answer(t("catalogue-search-expired"), show_alert=True)
        return
    key = callback_data.id
    await _listing(
        query,
        ("catalogue-found-title", {"count": len(slugs)}),
        slugs,
        callback_data.p,
        lambda number: FoundCb(id=key, p=number),
        catalog,
        t,
        news,
        trails,
        screens,
        extra=[(t("btn-catalogue-search"), CatalogueCb(action=CatalogueAction.search))],
    )


async def filters(
    query: CallbackQuery,
    callback_data: FilterCb,
    t: Translator,
    catalog: Catalog,
    news: NewsService,
    trails: Trails,
    screens: RenderedScreenCache,
) -> None:
    chosen = catalogue_screens.filters_of(callback_data)
    view = callback_data.v
    stages, _ = await news.catalogue_overrides(catalog)  # the stage as each card shows it
    if view is FilterView.results:
        slugs = catalog.index.filter(chosen, t.locale, stages)
        shown = catalogue_screens.active_filters(catalog, chosen, t) or t("catalogue-filter-none")
        title = ("catalogue-filtered-title", {"count": len(slugs), "filters": shown})
        await _listing(
            query,
            title,
            slugs,
            callback_data.p,
            lambda number: catalogue_screens.filter_data(chosen, FilterView.results, number),
            catalog,
            t,
            news,
            trails,
            screens,
            extra=[(t("btn-catalogue-filters"), catalogue_screens.filter_data(chosen))],
        )
        return
    if view in catalogue_screens.VIEW_FACET:
        facet: Facet = catalogue_screens.VIEW_FACET[view]
        await show(query, *catalogue_screens.facet_choice(catalog, chosen, facet, callback_data.p, t, stages))
        return
    await show(query, *catalogue_screens.filter_summary(catalog, chosen, t, stages))


# --- a name typed ---------------------------------------------------------------------


async def reply_to_name(
    message: Message,
    text: str,
    bot: Bot,
    t: Translator,
    catalog: Catalog,
    clock: Callable[[], dt.datetime],
    follows: FollowService,
    petitions: PetitionService,
    news: NewsService,
    screens: RenderedScreenCache,
    recent_cases: RecentCases,
    trails: Trails,
    found: FoundResults,
) -> bool:
    """A name typed: one case → its card; several → a page of them. False when none matches."""
    if message.from_user is None:
        return False
    user_id = message.from_user.id
    result = catalog.index.search(text, t.locale)
    if not result.slugs:
        return False
    if len(result.slugs) == 1:
        case = catalog.get(result.slugs[0])
        if case is None:
            return False
        recent_cases.remember(user_id, case.slug)
        trails.remember(user_id, None)  # Back from this card: the start
        card, markup = await card_view(
            case, user_id, bot, t, clock().date(), follows, petitions, news, screens
        )
        await message.answer(card, reply_markup=markup)
        return True
    key = found.keep(result.slugs)
    here, listing, markup = await _page(
        ("catalogue-found-title", {"count": len(result.slugs)}),
        result.slugs,
        0,
        lambda number: FoundCb(id=key, p=number),
        catalog,
        t,
        news,
        screens,
        extra=[(t("btn-catalogue-search"), CatalogueCb(action=CatalogueAction.search))],
    )
    trails.remember(user_id, here)
    await message.answer(listing, reply_markup=markup)
    return True


async def reply_several_named(
    message: Message,
    slugs: tuple[str, ...],
    t: Translator,
    catalog: Catalog,
    news: NewsService,
    trails: Trails,
    found: FoundResults,
    screens: RenderedScreenCache,
) -> None:
    """A question naming a name many people share: a page of them to choose from."""
    key = found.keep(slugs)
    here, listing, markup = await _page(
        ("catalogue-several-named", {}),
        slugs,
        0,
        lambda number: FoundCb(id=key, p=number),
        catalog,
        t,
        news,
        screens,
    )
    if message.from_user is not None:
        trails.remember(message.from_user.id, here)
    await message.answer(listing, reply_markup=markup)


async def reply_not_found(message: Message, text: str, t: Translator, catalog: Catalog) -> bool:
    """Reads as a name and matches none: say so with the nearest names. False when nothing
    is near and the text is not clearly a name ("hello"): other replies fit it better."""
    nearest = catalog.index.nearest(text, t.locale)
    if not nearest and not reads_as_full_name(text):
        return False
    reply, markup = catalogue_screens.not_found(catalog, nearest, t)
    await message.answer(reply, reply_markup=markup)
    return True


def create_router() -> Router:
    router = Router(name="catalogue")
    router.message.register(cases_command, Command("cases"))
    router.callback_query.register(home, CatalogueCb.filter(F.action == CatalogueAction.home))
    router.callback_query.register(search_prompt, CatalogueCb.filter(F.action == CatalogueAction.search))
    router.callback_query.register(back, MenuCb.filter(F.target == MenuTarget.cases))
    router.callback_query.register(browse, BrowseCb.filter())
    router.callback_query.register(found_page, FoundCb.filter())
    router.callback_query.register(filters, FilterCb.filter())
    return router
