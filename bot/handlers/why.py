"""Why is this person a political prisoner: the recognition's arguments, one button each."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery

from bot.cases.catalog import Catalog
from bot.handlers.replies import case_or_alert, send_chunks, show
from bot.ui.i18n import Translator
from bot.ui.keyboards import ArgumentCb, CaseCb, CaseView
from bot.ui.screens import RenderedScreenCache


async def why(
    query: CallbackQuery, callback_data: CaseCb, t: Translator, catalog: Catalog, screens: RenderedScreenCache
) -> None:
    case = await case_or_alert(query, catalog, callback_data.slug, t)
    if case is None:
        return
    if case.facts.recognition is None:  # a forged button: a short case has no such screen
        await query.answer(t("button-stale"), show_alert=True)
        return
    await show(query, *screens.why(case, t))


async def argument(
    query: CallbackQuery,
    callback_data: ArgumentCb,
    t: Translator,
    catalog: Catalog,
    screens: RenderedScreenCache,
) -> None:
    case = await case_or_alert(query, catalog, callback_data.slug, t)
    if case is None:
        return
    found = next((a for a in case.facts.arguments if a.id == callback_data.arg), None)
    if found is None:
        await query.answer(t("button-stale"), show_alert=True)
        return
    chunks, markup = screens.argument(case, found, t)
    if len(chunks) == 1:
        await show(query, chunks[0], markup)
    else:
        await send_chunks(query, chunks, markup)


def create_router() -> Router:
    router = Router(name="why")
    router.callback_query.register(why, CaseCb.filter(F.view == CaseView.why))
    router.callback_query.register(argument, ArgumentCb.filter())
    return router
