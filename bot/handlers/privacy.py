"""/forget: erase everything the bot holds about the user, after confirmation."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, CallbackQuery, Message

from bot.domain.answers import RecentCases
from bot.domain.privacy import PrivacyService
from bot.handlers.replies import IN_PRIVATE_MESSAGE, IN_PRIVATE_QUERY, show
from bot.locales import DERIVED
from bot.ui import keyboards
from bot.ui.i18n import L10n, Translator
from bot.ui.keyboards import ForgetCb


async def forget(message: Message, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await message.answer(t("forget-confirm"), reply_markup=keyboards.forget_confirm(t))


async def forget_answer(
    query: CallbackQuery,
    callback_data: ForgetCb,
    t: Translator,
    l10n: L10n,
    state: FSMContext,
    privacy: PrivacyService,
    recent_cases: RecentCases,
) -> None:
    if not callback_data.confirm:
        await show(query, t("forget-cancelled"))
        return
    user_id = query.from_user.id
    await state.clear()
    # The case last opened is forgotten too, in memory or (several workers) in Redis.
    erased = await privacy.forget(user_id, recent_cases)
    if t.locale in DERIVED and query.bot is not None and query.message is not None:
        # The chat's own Ўзбекча command menu was part of that choice.
        await query.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=query.message.chat.id))
    # The report is in the language the user read the question in, though the
    # stored choice itself is now gone.
    await show(
        query,
        t(
            "forget-done",
            signatures=erased.signatures,
            follows=erased.follows,
            language="yes" if erased.language else "no",
        ),
    )


def create_router() -> Router:
    router = Router(name="privacy")
    # Erasure is answered in the private chat only (bot/handlers/groups.py).
    router.message.filter(IN_PRIVATE_MESSAGE)
    router.callback_query.filter(IN_PRIVATE_QUERY)
    router.message.register(forget, Command("forget"))
    router.callback_query.register(forget_answer, ForgetCb.filter())
    return router
