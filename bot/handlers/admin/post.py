"""/post: news of a case in each language, previewed as each reader gets it, then sent to
the case's followers. Its steps after the case is chosen are ``compose``'s."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.cases.catalog import Catalog
from bot.domain.news import NEWS
from bot.handlers.admin.compose import begin
from bot.ui.catalogue_memory import FoundResults
from bot.ui.i18n import Translator


async def post_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translator,
    catalog: Catalog,
    found: FoundResults,
) -> None:
    await begin(message, command.args or "", state, t, catalog, NEWS, found)


def create_router() -> Router:
    router = Router(name="admin-post")
    router.message.register(post_command, Command("post"))
    return router
