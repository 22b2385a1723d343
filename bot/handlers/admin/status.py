"""/status: a case's stage (detained, convicted, released …) and the date it took effect,
with a note per language; saved quietly onto the card and timeline, or announced to the
followers too. The note, the preview and publishing are ``compose``'s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.cases.catalog import Catalog
from bot.cases.models import Case, Stage
from bot.domain.news import COMPOSE_ORDER, STATUS, Draft, parse_stage_date
from bot.handlers.admin.compose import ComposeFlow, DraftOnHand, ask_text, begin, publish, save, step
from bot.ui import keyboards
from bot.ui.catalogue_memory import FoundResults
from bot.ui.i18n import Translator
from bot.ui.keyboards import AdminAction, AdminCb

STAGES = frozenset(s.value for s in Stage)


async def status_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translator,
    catalog: Catalog,
    found: FoundResults,
) -> None:
    await begin(message, command.args or "", state, t, catalog, STATUS, found)


async def stage_chosen(
    query: CallbackQuery,
    callback_data: AdminCb,
    message: Message,
    draft: Draft,
    state: FSMContext,
    t: Translator,
) -> None:
    if callback_data.value not in STAGES:
        await query.answer(t("button-stale"), show_alert=True)
        return
    await query.answer()
    draft.stage = callback_data.value
    await state.set_state(ComposeFlow.date)
    await save(state, draft)
    await message.answer(
        t("admin-compose-ask-date", stage=t("stage-name", stage=draft.stage)),
        reply_markup=keyboards.admin_date(t),
    )


async def today(
    query: CallbackQuery,
    message: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
    clock: Callable[[], dt.datetime],
) -> None:
    await query.answer()
    draft.stage_date = clock().date().isoformat()
    await ask_text(message, draft, case, state, t, COMPOSE_ORDER[0])


async def typed_date(
    message: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
    clock: Callable[[], dt.datetime],
) -> None:
    date = parse_stage_date(message.text or "", clock().date())
    if date is None:
        await message.answer(t("admin-compose-bad-date"), reply_markup=keyboards.admin_date(t))
        return
    draft.stage_date = date.isoformat()
    await ask_text(message, draft, case, state, t, COMPOSE_ORDER[0])


async def draft_lost(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.answer(t("admin-cancelled"))


def create_router() -> Router:
    router = Router(name="admin-status")
    router.message.register(status_command, Command("status"))
    dating = (StateFilter(ComposeFlow.date), F.text, ~F.text.startswith("/"))
    router.message.register(typed_date, *dating, DraftOnHand())
    router.message.register(draft_lost, *dating)
    router.callback_query.register(stage_chosen, *step(AdminAction.stage, ComposeFlow.stage))
    router.callback_query.register(today, *step(AdminAction.today, ComposeFlow.date))
    router.callback_query.register(publish, *step(AdminAction.quiet, ComposeFlow.preview))
    return router
