"""Following a case (its news comes to the chat), /following, and the card's News pages."""

from __future__ import annotations

import contextlib

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.cases.catalog import Catalog
from bot.domain.follow import FollowService
from bot.domain.news import NewsService
from bot.handlers.replies import case_or_alert, show
from bot.text import escape
from bot.ui import keyboards, views
from bot.ui.i18n import Translator
from bot.ui.keyboards import FollowAction, FollowCb, FollowOrigin, NewsCb
from bot.ui.screens import RenderedScreenCache

# Page numbers travel in callback data anyone can forge; no real case has this many news items.
MAX_PAGE = 10_000


def _following_text(names: list[str], t: Translator) -> str:
    if not names:
        return t("following-none")
    items = "\n".join(t("following-item", name=escape(name)) for name in names)
    return t("following-title", count=len(names)) + "\n" + items


async def following_view(
    user_id: int, t: Translator, catalog: Catalog, follows: FollowService
) -> tuple[str, keyboards.InlineKeyboardMarkup | None]:
    cases = [c for slug in await follows.followed_by(user_id) if (c := catalog.get(slug)) is not None]
    text = _following_text([c.name(t.locale) for c in cases], t)
    return text, keyboards.following_list(cases, t) if cases else None


async def following(message: Message, t: Translator, catalog: Catalog, follows: FollowService) -> None:
    if message.from_user is None:
        return
    # Someone who writes to the bot has not blocked it (any more): deliveries resume.
    await follows.reactivate(message.from_user.id)
    text, markup = await following_view(message.from_user.id, t, catalog, follows)
    await message.answer(text, reply_markup=markup)


async def follow_button(
    query: CallbackQuery,
    callback_data: FollowCb,
    bot: Bot,
    t: Translator,
    catalog: Catalog,
    follows: FollowService,
    screens: RenderedScreenCache,
) -> None:
    user_id = query.from_user.id
    slug = callback_data.slug
    if callback_data.action is FollowAction.follow:
        case = await case_or_alert(query, catalog, slug, t)
        if case is None:
            return
        await follows.follow(user_id, case.slug, t.locale)
        notice = t("follow-card-done")
    else:
        # Unfollowing must work even for a case no longer in the catalogue.
        await follows.unfollow(user_id, slug)
        notice = t("unfollow-done")
    message = query.message if isinstance(query.message, Message) else None
    if callback_data.origin is FollowOrigin.list:
        text, markup = await following_view(user_id, t, catalog, follows)
        await show(query, text, markup)
        return
    await query.answer(notice, show_alert=True)
    case = catalog.get(slug)
    if callback_data.origin is FollowOrigin.card and message is not None and case is not None:
        me = await bot.me()
        following_now = callback_data.action is FollowAction.follow
        with contextlib.suppress(TelegramBadRequest):  # already showing that button
            await message.edit_reply_markup(
                reply_markup=screens.case_card_keyboard(case, t, me.username or "", following=following_now)
            )


async def news_page(
    query: CallbackQuery,
    callback_data: NewsCb,
    t: Translator,
    catalog: Catalog,
    news: NewsService,
    follows: FollowService,
) -> None:
    case = await case_or_alert(query, catalog, callback_data.slug, t)
    if case is None:
        return
    total = await news.news_count(case.slug)
    if total == 0:
        following_now = case.slug in await follows.followed_by(query.from_user.id)
        text = t("news-none-following" if following_now else "news-none", name=escape(case.name(t.locale)))
        await show(query, text, keyboards.empty_news(case, t, following=following_now))
        return
    position = callback_data.page
    item = await news.news_item(case.slug, position) if 0 <= position <= MAX_PAGE else None
    if item is None:
        await query.answer(t("button-stale"), show_alert=True)
        return
    await show(
        query, views.news_page(case, item, t, position, total), keyboards.news_nav(case, t, position, total)
    )


def create_router() -> Router:
    router = Router(name="follow")
    router.message.register(following, Command("following"))
    router.callback_query.register(follow_button, FollowCb.filter())
    router.callback_query.register(news_page, NewsCb.filter())
    return router
