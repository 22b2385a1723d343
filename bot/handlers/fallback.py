"""The last router: whatever nothing else took gets an answer, never silence."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.cases.catalog import Catalog
from bot.ui import keyboards
from bot.ui.i18n import Translator


async def unknown_input(message: Message, t: Translator, catalog: Catalog) -> None:
    # Private chats only: in a group the bot must not answer every message.
    if message.chat.type == "private":
        await message.answer(t("menu-hint"), reply_markup=keyboards.cases_menu(catalog, t))


async def stale_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("button-stale"), show_alert=True)


def create_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_input)
    router.callback_query.register(stale_button)
    return router
