"""/export: a petition's signatures as CSV or JSON, for the case named or chosen."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.cases.catalog import Catalog
from bot.cases.models import Case
from bot.domain.petition import PetitionService, export_csv, export_json
from bot.handlers.admin.pickers import ChosenCase, find_case, has_petition
from bot.ui import catalogue_screens
from bot.ui.catalogue_callbacks import PickPurpose
from bot.ui.catalogue_memory import FoundResults
from bot.ui.i18n import Translator


async def export(
    message: Message,
    command: CommandObject,
    t: Translator,
    catalog: Catalog,
    petitions: PetitionService,
    found: FoundResults,
) -> None:
    words = (command.args or "").split()
    fmt = words.pop().lower() if words and words[-1].lower() in ("csv", "json") else "csv"
    case, matches = find_case(catalog, " ".join(words), t.locale)
    if case is None or case.facts.petition is None:
        # A name many share, or none: the cases with a petition, to choose from.
        with_petition = [s for s in (matches or catalog.index.browse(t.locale)) if has_petition(catalog, s)]
        key = found.keep(tuple(with_petition))
        text, markup = catalogue_screens.admin_pick(
            catalog, t, with_petition, 0, PickPurpose.export, key, lead=t("admin-export-usage")
        )
        await message.answer(text, reply_markup=markup)
        return
    await send_export(message, case, fmt, t, petitions)


async def chosen(
    query: CallbackQuery, case: Case, message: Message, t: Translator, petitions: PetitionService
) -> None:
    """The case chosen from the list /export showed."""
    await query.answer()
    if case.facts.petition is None:
        await message.answer(t("admin-export-usage"))
        return
    await send_export(message, case, "csv", t, petitions)


async def send_export(
    message: Message, case: Case, fmt: str, t: Translator, petitions: PetitionService
) -> None:
    rows = await petitions.signatures(case)
    content = export_csv(rows) if fmt == "csv" else export_json(case, rows)
    await message.answer_document(
        BufferedInputFile(content, filename=f"{case.slug}-signatures.{fmt}"),
        caption=t("admin-export-done", count=t("signatures", count=len(rows))),
    )


def create_router() -> Router:
    router = Router(name="admin-export")
    router.message.register(export, Command("export"))
    router.callback_query.register(chosen, ChosenCase(PickPurpose.export))
    return router
