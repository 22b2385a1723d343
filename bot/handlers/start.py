"""/start, with or without a deep-link payload (``t.me/<bot>?start=<slug>``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from bot import keyboards, views
from bot.answers import RecentCases
from bot.cases.catalog import Catalog
from bot.i18n import Translator

# What Telegram itself allows in a start payload.
DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


async def start(
    message: Message,
    command: CommandObject,
    bot: Bot,
    t: Translator,
    catalog: Catalog,
    clock: Callable[[], dt.date],
    recent_cases: RecentCases,
) -> None:
    payload = command.args
    if payload is None:
        greeting = t("start-greeting") + "\n\n" + views.cases_list(len(catalog), t)
        await message.answer(greeting, reply_markup=keyboards.cases_menu(catalog, t))
        return
    case = catalog.get(payload) if DEEP_LINK_PAYLOAD.fullmatch(payload) else None
    if case is None:
        await message.answer(t("case-not-found"), reply_markup=keyboards.cases_menu(catalog, t))
        return
    if message.from_user is not None:
        recent_cases.remember(message.from_user.id, case.slug)  # a shared link opens a case too
    me = await bot.me()
    await message.answer(
        views.case_card(case, t, clock()),
        reply_markup=keyboards.case_card(case, t, me.username or ""),
    )


def create_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    return router
