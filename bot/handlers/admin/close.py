"""/closepetition: no more signatures for a case; those given are kept."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.cases.catalog import Catalog
from bot.domain.petition import PetitionService
from bot.ui.i18n import Translator


async def close_petition(
    message: Message,
    command: CommandObject,
    t: Translator,
    catalog: Catalog,
    petitions: PetitionService,
) -> None:
    case = catalog.named(command.args)
    if case is None or case.facts.petition is None:
        await message.answer(t("admin-close-usage"))
        return
    await petitions.close(case)
    count = await petitions.count(case)
    await message.answer(t("admin-closed", name=case.name(t.locale), count=t("signatures", count=count)))


def create_router() -> Router:
    router = Router(name="admin-close")
    router.message.register(close_petition, Command("closepetition"))
    return router
