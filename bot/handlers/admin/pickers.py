"""The cases an admin names or chooses: by slug or by a name in any spelling, else a
paged list to choose from (a search's results are kept in :class:`FoundResults`)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.cases.catalog import Catalog
from bot.cases.models import Case
from bot.handlers.replies import show
from bot.ui import catalogue_screens
from bot.ui.catalogue_callbacks import AdminPickCb, PickPurpose
from bot.ui.catalogue_memory import FoundResults
from bot.ui.i18n import Translator


def has_petition(catalog: Catalog, slug: str) -> bool:
    case = catalog.get(slug)
    return case is not None and case.facts.petition is not None


def find_case(catalog: Catalog, typed: str, locale: str) -> tuple[Case | None, tuple[str, ...]]:
    """The case an admin named (its slug, or a name in any spelling), else the cases that match."""
    typed = typed.strip()
    if not typed:
        return None, ()
    case = catalog.named(typed)
    if case is not None:
        return case, (case.slug,)
    found = catalog.index.search(typed, locale).slugs
    if len(found) == 1:
        return catalog.get(found[0]), found
    return None, found


async def pick_list(
    message: Message,
    catalog: Catalog,
    t: Translator,
    matches: tuple[str, ...],
    purpose: PickPurpose,
    found: FoundResults,
    lead: str = "",
) -> None:
    """The cases matching what the admin typed, else every case; paged, a name narrows it."""
    slugs = matches or catalog.index.browse(t.locale)
    key = found.keep(tuple(slugs)) if matches else ""
    text, markup = catalogue_screens.admin_pick(catalog, t, slugs, 0, purpose, key, lead=lead)
    await message.answer(text, reply_markup=markup)


async def page(
    query: CallbackQuery, callback_data: AdminPickCb, t: Translator, catalog: Catalog, found: FoundResults
) -> None:
    """Another page of an admin's list of cases."""
    slugs = found.get(callback_data.id) if callback_data.id else catalog.index.browse(t.locale)
    if slugs is None:
        await query.answer(t("catalogue-search-expired"), show_alert=True)
        return
    picker = catalogue_screens.admin_pick(
        catalog, t, slugs, callback_data.p, callback_data.purpose, callback_data.id
    )
    await show(query, *picker)


class ChosenCase(Filter):
    """A case chosen from a list made for ``purpose``, still in the catalogue, on a message the
    bot can answer under: injected as ``case`` and ``message`` (else the button is stale)."""

    def __init__(self, purpose: PickPurpose) -> None:
        self._button = AdminPickCb.filter((F.purpose == purpose) & (F.slug != ""))

    async def __call__(self, query: CallbackQuery, catalog: Catalog) -> bool | dict[str, Any]:
        chosen = await self._button(query)
        if not chosen or not isinstance(query.message, Message):
            return False
        case = catalog.get(chosen["callback_data"].slug)
        return {"case": case, "message": query.message} if case is not None else False


def create_router() -> Router:
    router = Router(name="admin-pickers")
    router.callback_query.register(page, AdminPickCb.filter(F.slug == ""))
    return router
