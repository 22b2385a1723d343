"""Inline mode: ``@<bot> name`` in any chat offers each case as a card with a sign button."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import InlineQuery, InlineQueryResultArticle, InputTextMessageContent

from bot import keyboards, views
from bot.cases.catalog import Catalog
from bot.i18n import Translator
from bot.news import NewsService
from bot.petition import PetitionService
from bot.text import fold

MAX_QUERY = 64


async def inline_cases(
    query: InlineQuery,
    bot: Bot,
    t: Translator,
    catalog: Catalog,
    petitions: PetitionService,
    news: NewsService,
) -> None:
    wanted = fold(query.query[:MAX_QUERY]).strip()
    me = await bot.me()
    results = []
    for case in catalog:
        if wanted and not any(wanted in fold(n) for n in case.search_names):
            continue
        count = await petitions.count(case) if case.facts.petition else None
        status = views.status(case, t, await news.current_status(case))
        description = (
            t("inline-description", status=status, count=t("signatures", count=count))
            if count is not None
            else status
        )
        results.append(
            InlineQueryResultArticle(
                id=case.slug,
                title=case.name(t.locale),
                description=description,
                input_message_content=InputTextMessageContent(
                    message_text=views.inline_card(case, t, count, status)
                ),
                reply_markup=keyboards.sign_only(case, t, me.username or "") if case.facts.petition else None,
            )
        )
    # Personal: the card is in the asker's language and shows a live count.
    await query.answer(results[:50], cache_time=30, is_personal=True)


def create_router() -> Router:
    router = Router(name="inline")
    router.inline_query.register(inline_cases)
    return router
