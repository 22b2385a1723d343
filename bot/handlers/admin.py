"""Admin commands. One filter on the router guards every handler in it: for anyone
else these commands do not exist, and the update falls through to the ordinary
"unknown command" answer."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import BufferedInputFile, Message, TelegramObject, User

from bot import keyboards
from bot.cases.catalog import Catalog
from bot.config import Settings
from bot.i18n import Translator
from bot.petition import PetitionService, export_csv, export_json
from bot.storage.repositories import SignatureRepository


class IsAdmin(Filter):
    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


async def export(
    message: Message,
    command: CommandObject,
    t: Translator,
    catalog: Catalog,
    signatures: SignatureRepository,
) -> None:
    slug, _, fmt = (command.args or "").strip().partition(" ")
    case = catalog.get(slug.lower())
    fmt = fmt.strip().lower() or "csv"
    if case is None or case.facts.petition is None or fmt not in ("csv", "json"):
        await message.answer(t("admin-export-usage"), reply_markup=keyboards.cases_menu(catalog, t))
        return
    rows = await signatures.all_of(case.slug)
    content = export_csv(rows) if fmt == "csv" else export_json(case, rows)
    await message.answer_document(
        BufferedInputFile(content, filename=f"{case.slug}-signatures.{fmt}"),
        caption=t("admin-export-done", count=t("signatures", count=len(rows))),
    )


async def close_petition(
    message: Message,
    command: CommandObject,
    t: Translator,
    catalog: Catalog,
    petitions: PetitionService,
) -> None:
    case = catalog.get((command.args or "").strip().lower())
    if case is None or case.facts.petition is None:
        await message.answer(t("admin-close-usage"))
        return
    await petitions.close(case)
    count = await petitions.count(case)
    await message.answer(t("admin-closed", name=case.name(t.locale), count=t("signatures", count=count)))


def create_router() -> Router:
    router = Router(name="admin")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(export, Command("export"))
    router.message.register(close_petition, Command("closepetition"))
    return router
