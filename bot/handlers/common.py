"""Help, about and the language switch."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BotCommand, BotCommandScopeChat, CallbackQuery, InlineKeyboardMarkup, Message

from bot.cases.catalog import Catalog
from bot.config import Settings
from bot.domain.language import LanguageService
from bot.handlers.replies import show
from bot.locales import DERIVED
from bot.text import escape
from bot.ui import keyboards, views
from bot.ui.i18n import L10n, Translator
from bot.ui.keyboards import LanguageCb, MenuCb, MenuTarget


def _help(t: Translator) -> str:
    return t("help") + "\n\n" + t("help-questions")


async def help_command(message: Message, t: Translator) -> None:
    await message.answer(_help(t))


async def help_button(query: CallbackQuery, t: Translator) -> None:
    await show(query, _help(t))


async def about(message: Message, t: Translator, settings: Settings) -> None:
    contact = escape(settings.org_contact) if settings.org_contact else None
    if settings.org_name is None:
        text = t("about-unnamed", contact=contact) if contact else t("about-unnamed-no-contact")
    else:
        org = escape(settings.org_name)
        text = t("about", org=org, contact=contact) if contact else t("about-no-contact", org=org)
    await message.answer(text)


async def language(message: Message, t: Translator) -> None:
    await message.answer(t("language-choose"), reply_markup=keyboards.languages())


async def language_button(query: CallbackQuery, t: Translator) -> None:
    await show(query, t("language-choose"), keyboards.languages())


COMMANDS = ("start", "cases", "sign", "unsign", "following", "language", "forget", "help", "about")


def command_menu(t: Translator) -> list[BotCommand]:
    return [BotCommand(command=c, description=t(f"cmd-{c}")) for c in COMMANDS]


async def _chat_menu(bot: Bot, chat_id: int, old: Translator, new: Translator) -> None:
    """Telegram keys command menus by two-letter language: a derived locale's reader
    (Ўзбекча) gets theirs per chat, and leaving it restores the language's own."""
    scope = BotCommandScopeChat(chat_id=chat_id)
    if new.locale in DERIVED:
        await bot.set_my_commands(command_menu(new), scope=scope)
    elif old.locale in DERIVED:
        await bot.delete_my_commands(scope=scope)


async def choose_language(
    query: CallbackQuery,
    callback_data: LanguageCb,
    t: Translator,
    l10n: L10n,
    catalog: Catalog,
    language: LanguageService,
) -> None:
    if callback_data.code not in l10n.locales:
        await query.answer(t("button-stale"), show_alert=True)
        return
    await language.choose(query.from_user.id, callback_data.code)
    old, t = t, l10n.translator(callback_data.code)
    if query.message is not None and query.bot is not None:
        await _chat_menu(query.bot, query.message.chat.id, old, t)
    await show(query, *language_set_view(catalog, t))


def language_set_view(catalog: Catalog, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The confirmation of a language choice, in that language, with the cases to go on to."""
    return t("language-set") + "\n\n" + views.cases_list(len(catalog), t), keyboards.cases_menu(catalog, t)


def create_router() -> Router:
    router = Router(name="common")
    router.message.register(help_command, Command("help"))
    router.callback_query.register(help_button, MenuCb.filter(F.target == MenuTarget.help))
    router.message.register(about, Command("about"))
    router.message.register(language, Command("language"))
    router.callback_query.register(language_button, MenuCb.filter(F.target == MenuTarget.language))
    router.callback_query.register(choose_language, LanguageCb.filter())
    return router
