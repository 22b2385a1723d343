"""Signing never happens where others can read it.

A signer may be at risk for being seen to support a case, so nothing about a
person's signature — the confirm card, the name prompt, the thank-you, "you
signed on …", withdrawal, erasure — is ever written into a group, supergroup
or channel. This router comes before every other one: in any chat that is not
the user's private chat with the bot, /sign, /unsign, /forget, a
``/start sign_<slug>`` link and every petition or erasure button are answered
with a way into the private chat (``t.me/<bot>?start=sign_<slug>``), where the
flow continues. The petition and privacy routers also refuse non-private chats
themselves (``bot.handlers.replies.IN_PRIVATE_*``), should this router ever be left out.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.cases.catalog import Catalog
from bot.handlers.petition import command_case
from bot.handlers.replies import IN_PRIVATE_MESSAGE, IN_PRIVATE_QUERY
from bot.ui.i18n import Translator
from bot.ui.keyboards import ForgetCb, PetitionCb, sign_link

SIGN_PAYLOAD = "sign_"


def private_link(bot_username: str, slug: str | None) -> str:
    return sign_link(bot_username, slug) if slug else f"https://t.me/{bot_username}"


async def _username(bot: Bot) -> str:
    return (await bot.me()).username or ""


async def signing_command(
    message: Message, command: CommandObject, bot: Bot, t: Translator, catalog: Catalog
) -> None:
    """/sign or /unsign typed in a group: a neutral pointer to the private chat."""
    case = command_case(command.args, catalog)
    link = private_link(await _username(bot), case.slug if case is not None else None)
    await message.answer(t("faults-private-only"), reply_markup=_open_private(link, t))


async def signing_link(
    message: Message, command: CommandObject, bot: Bot, t: Translator, catalog: Catalog
) -> None:
    """``/start sign_<slug>`` in a group (a link pasted into one)."""
    case = catalog.get((command.args or "").removeprefix(SIGN_PAYLOAD))
    link = private_link(await _username(bot), case.slug if case is not None else None)
    await message.answer(t("faults-private-only"), reply_markup=_open_private(link, t))


async def forget_command(message: Message, bot: Bot, t: Translator) -> None:
    link = private_link(await _username(bot), None)
    await message.answer(t("faults-forget-private"), reply_markup=_open_private(link, t))


async def petition_button(query: CallbackQuery, callback_data: PetitionCb, bot: Bot, t: Translator) -> None:
    """A pop-up, and Telegram opens the private chat at the case's petition."""
    await query.answer(t("faults-private-popup"), url=private_link(await _username(bot), callback_data.slug))


async def forget_button(query: CallbackQuery, bot: Bot, t: Translator) -> None:
    await query.answer(t("faults-forget-popup"), url=private_link(await _username(bot), None))


def _open_private(link: str, t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t("btn-open-private"), url=link)]]
    )


def create_router() -> Router:
    router = Router(name="groups")
    not_private = ~IN_PRIVATE_MESSAGE
    router.message.register(signing_command, Command("sign", "unsign"), not_private)
    router.message.register(
        signing_link, CommandStart(deep_link=True, magic=F.args.startswith(SIGN_PAYLOAD)), not_private
    )
    router.message.register(forget_command, Command("forget"), not_private)
    not_private_query = ~IN_PRIVATE_QUERY
    router.callback_query.register(petition_button, PetitionCb.filter(), not_private_query)
    router.callback_query.register(forget_button, ForgetCb.filter(), not_private_query)
    return router
