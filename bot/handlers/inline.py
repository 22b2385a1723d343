"""Inline mode: ``@<bot> name`` in any chat offers the cases it finds as cards with a sign button."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import InlineQuery, InlineQueryResultArticle, InputTextMessageContent

from bot.cases.catalog import Catalog
from bot.domain.news import NewsService
from bot.domain.petition import PetitionService
from bot.ui import keyboards, views
from bot.ui.i18n import Translator

MAX_QUERY = 64
# Telegram takes at most 50 results an answer; the rest come with next_offset.
RESULTS_PER_ANSWER = 20


async def inline_cases(
    query: InlineQuery,
    bot: Bot,
    t: Translator,
    catalog: Catalog,
    petitions: PetitionService,
    news: NewsService,
) -> None:
    """The whole catalogue, searched with the same matcher as a typed name; paged by offset."""
    wanted = query.query[:MAX_QUERY].strip()
    index = catalog.index
    slugs = index.search(wanted, t.locale).slugs if wanted else index.browse(t.locale)
    start = int(query.offset) if query.offset.isdigit() else 0
    shown = slugs[start : start + RESULTS_PER_ANSWER]
    me = await bot.me()
    results = []
    for slug in shown:
        case = catalog.get(slug)
        if case is None:
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
    following = start + RESULTS_PER_ANSWER
    # Personal: the card is in the asker's language and shows a live count.
    await query.answer(
        results,
        cache_time=30,
        is_personal=True,
        next_offset=str(following) if following < len(slugs) else "",
    )


def create_router() -> Router:
    router = Router(name="inline")
    router.inline_query.register(inline_cases)
    return router
