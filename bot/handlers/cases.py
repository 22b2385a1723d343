"""Reading a case: the card, the full story and the timeline (the list: ``catalogue``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.cases.catalog import Catalog
from bot.cases.models import Case
from bot.domain.answers import RecentCases
from bot.domain.follow import FollowService
from bot.domain.news import NewsService
from bot.domain.petition import PetitionService
from bot.handlers.replies import case_or_alert, send_chunks, show
from bot.ui import keyboards, views
from bot.ui.i18n import Translator
from bot.ui.keyboards import CaseCb, CaseView
from bot.ui.links import SiteLinks
from bot.ui.screens import RenderedScreenCache


async def card_view(
    case: Case,
    user_id: int,
    bot: Bot,
    t: Translator,
    today: dt.date,
    follows: FollowService,
    petitions: PetitionService,
    news: NewsService,
    screens: RenderedScreenCache,
    site_links: SiteLinks | None = None,
    *,
    private_chat: bool = True,
) -> tuple[str, InlineKeyboardMarkup]:
    """The card's text and buttons for this reader (status as set by /status, follow state, count)."""
    me = await bot.me()
    current = await news.current_status(case)
    following = await follows.is_following(user_id, case.slug)
    signatures = await petitions.count(case) if case.facts.petition else None
    markup = screens.case_card_keyboard(case, t, me.username or "", following=following)
    if site_links is not None:
        markup = site_links.with_mini_app(
            markup, case, t, private_chat=private_chat, bot_username=me.username or ""
        )
    return screens.case_card(case, t, today, signatures, current), markup


async def card(
    query: CallbackQuery,
    callback_data: CaseCb,
    bot: Bot,
    t: Translator,
    catalog: Catalog,
    clock: Callable[[], dt.datetime],
    follows: FollowService,
    petitions: PetitionService,
    news: NewsService,
    screens: RenderedScreenCache,
    recent_cases: RecentCases,
    site_links: SiteLinks | None = None,
) -> None:
    case = await case_or_alert(query, catalog, callback_data.slug, t)
    if case is None:
        return
    recent_cases.remember(query.from_user.id, case.slug)  # "when was he detained?" next
    private = isinstance(query.message, Message) and query.message.chat.type == "private"
    text, markup = await card_view(
        case,
        query.from_user.id,
        bot,
        t,
        clock().date(),
        follows,
        petitions,
        news,
        screens,
        site_links,
        private_chat=private,
    )
    await show(query, text, markup)


async def story(query: CallbackQuery, callback_data: CaseCb, t: Translator, catalog: Catalog) -> None:
    case = await case_or_alert(query, catalog, callback_data.slug, t)
    if case is None:
        return
    if case.text(t.locale).story is None:  # a short case has no story screen
        await query.answer(t("button-stale"), show_alert=True)
        return
    await send_chunks(query, views.story(case, t), keyboards.back_to_case(case, t))


async def timeline(
    query: CallbackQuery, callback_data: CaseCb, t: Translator, catalog: Catalog, news: NewsService
) -> None:
    case = await case_or_alert(query, catalog, callback_data.slug, t)
    if case is not None:
        statuses = await news.statuses(case.slug)
        await send_chunks(query, views.timeline(case, t, statuses), keyboards.back_to_case(case, t))


def create_router() -> Router:
    router = Router(name="cases")
    router.callback_query.register(card, CaseCb.filter(F.view == CaseView.card))
    router.callback_query.register(story, CaseCb.filter(F.view == CaseView.story))
    router.callback_query.register(timeline, CaseCb.filter(F.view == CaseView.timeline))
    return router
