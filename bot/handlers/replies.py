"""Small reply helpers shared by the routers (no domain logic here)."""

from __future__ import annotations

from aiogram import F
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.cases.catalog import Catalog
from bot.cases.models import Case
from bot.ui.i18n import Translator

# The user's own chat with the bot. A button on an inline message (no ``message``)
# may sit in anyone's chat, so it does not count as private.
IN_PRIVATE_MESSAGE = F.chat.type == ChatType.PRIVATE
IN_PRIVATE_QUERY = F.message.chat.type == ChatType.PRIVATE


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the message the button was on; send a new one when it cannot be edited."""
    await query.answer()
    message = query.message
    if isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return
            # Too old to edit, or deleted: fall through to a fresh message.
    if query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def send_chunks(
    query: CallbackQuery, chunks: list[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send a long text as several messages, the keyboard under the last one."""
    await query.answer()
    if query.bot is None:
        return
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        await query.bot.send_message(query.from_user.id, chunk, reply_markup=markup if last else None)


async def case_or_alert(query: CallbackQuery, catalog: Catalog, slug: str, t: Translator) -> Case | None:
    """The case a button names, or a polite pop-up when it no longer exists."""
    case = catalog.get(slug)
    if case is None:
        await query.answer(t("case-unavailable"), show_alert=True)
    return case
