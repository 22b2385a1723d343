"""/start, with or without a deep-link payload (``t.me/<bot>?start=<slug>``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.cases.catalog import Catalog
from bot.domain.answers import RecentCases
from bot.domain.follow import FollowService
from bot.domain.news import NewsService
from bot.domain.petition import PetitionService
from bot.handlers.cases import card_view
from bot.handlers.petition import open_petition
from bot.ui import keyboards
from bot.ui.i18n import Translator
from bot.ui.links import SiteLinks
from bot.ui.screens import RenderedScreenCache

# What Telegram itself allows in a start payload.
DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
SIGN_PREFIX = "sign_"


async def start(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Translator,
    catalog: Catalog,
    clock: Callable[[], dt.datetime],
    petitions: PetitionService,
    state: FSMContext,
    recent_cases: RecentCases,
    follows: FollowService,
    news: NewsService,
    screens: RenderedScreenCache,
    site_links: SiteLinks | None = None,
) -> None:
    await state.clear()  # /start always leaves a half-finished dialogue
    payload = command.args
    if payload is None:
        greeting, menu = screens.greeting(catalog, t)
        await message.answer(greeting, reply_markup=menu)
        return
    wants_to_sign = payload.startswith(SIGN_PREFIX)
    slug = payload.removeprefix(SIGN_PREFIX)
    case = catalog.get(slug) if DEEP_LINK_PAYLOAD.fullmatch(payload) else None
    if case is None or message.from_user is None:
        await message.answer(t("case-not-found"), reply_markup=keyboards.cases_menu(catalog, t))
        return
    recent_cases.remember(message.from_user.id, case.slug)  # a shared link opens a case too
    if wants_to_sign:
        await open_petition(
            message, message.from_user.id, case, t, petitions, via="link", site_links=site_links
        )
        return
    private = message.chat.type == "private"
    text, markup = await card_view(
        case,
        message.from_user.id,
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
    await message.answer(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    return router
