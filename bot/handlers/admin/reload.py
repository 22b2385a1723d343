"""/reload: the case files read again; a broken file keeps the catalogue in use as it was."""

from __future__ import annotations

import structlog
from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.cases.catalog import CaseFileError
from bot.domain.catalogue_reload import CatalogueReloader
from bot.pipeline.scaleout import ReloadBus
from bot.text import escape, split_message
from bot.ui.i18n import Translator

log = structlog.get_logger("casebot.admin")


async def reload_catalog(
    message: Message,
    t: Translator,
    catalogue_reload: CatalogueReloader,
    reload_bus: ReloadBus | None = None,
) -> None:
    try:
        # Only the folders whose files changed are read again; readers keep the old
        # catalogue until the new one is whole.
        previous, fresh = await catalogue_reload.reload()
    except CaseFileError as exc:
        report = t("admin-reload-failed") + "\n\n" + "\n".join(escape(p) for p in exc.problems)
        for chunk in split_message(report):
            await message.answer(chunk)
        log.warning("admin.reload_failed", problems=len(exc.problems))
        return
    added = sorted(set(fresh.slugs) - set(previous.slugs))
    removed = sorted(set(previous.slugs) - set(fresh.slugs))
    lines = [t("admin-reloaded", count=len(fresh))]
    if added:
        lines.append(t("admin-reload-added", slugs=escape(_some(added))))
    if removed:
        lines.append(t("admin-reload-removed", slugs=escape(_some(removed))))
    log.info("admin.reloaded", cases=len(fresh))
    if reload_bus is not None:  # every other worker loads the same files
        await reload_bus.announce()
    for chunk in split_message("\n".join(lines)):
        await message.answer(chunk)


def _some(slugs: list[str], shown: int = 30) -> str:
    """A list of slugs an admin can read: with a thousand new cases, the first few and a count."""
    more = len(slugs) - shown
    return ", ".join(slugs[:shown]) + (f", … (+{more})" if more > 0 else "")


def create_router() -> Router:
    router = Router(name="admin-reload")
    router.message.register(reload_catalog, Command("reload"))
    return router
