"""Admin commands and dialogues, one module per job:

- ``export``: /export, signatures as CSV or JSON;
- ``close``: /closepetition;
- ``compose``: what /post and /status share: the draft, the texts per language, the
  fallback, the preview, publishing; ``post`` and ``status`` are the two dialogues;
- ``reload``: /reload, the case files read again;
- ``stats``: /stats, figures and a chart;
- ``pickers``: the paged lists of cases an admin chooses from.

One filter on the gate guards every handler below it: for anyone else these
commands do not exist and the update falls through to the ordinary "unknown
command" answer; anyone else's admin button (forged or left over) gets "not
available", and an admin's stale button "no longer valid".
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, TelegramObject, User

from bot.cases.catalog import Catalog
from bot.config import Settings
from bot.handlers.admin import close, compose, export, pickers, post, reload, stats, status
from bot.ui.catalogue_callbacks import AdminPickCb
from bot.ui.i18n import Translator
from bot.ui.keyboards import AdminCb


class IsAdmin(Filter):
    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


async def stale(query: CallbackQuery, t: Translator, state: FSMContext, catalog: Catalog) -> None:
    """An admin's button no step takes now: pressed twice, or left from an ended dialogue."""
    await compose.end_if_draft_lost(state, catalog)
    await query.answer(t("button-stale"), show_alert=True)


async def not_available(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("admin-not-available"), show_alert=True)


def _stale_buttons() -> Router:
    router = Router(name="admin-stale")
    router.callback_query.register(stale, AdminCb.filter())
    router.callback_query.register(stale, AdminPickCb.filter())
    return router


def create_router() -> Router:
    gated = Router(name="admin")
    # A filter on the router is checked before any handler of it or of its sub-routers.
    gated.message.filter(IsAdmin())
    gated.callback_query.filter(IsAdmin())
    gated.include_routers(
        export.create_router(),
        close.create_router(),
        post.create_router(),
        status.create_router(),
        compose.create_router(),
        reload.create_router(),
        stats.create_router(),
        pickers.create_router(),
        _stale_buttons(),  # last: what no step above took
    )
    denied = Router(name="admin-denied")
    denied.callback_query.register(not_available, AdminCb.filter())
    denied.callback_query.register(not_available, AdminPickCb.filter())
    outer = Router(name="admin-outer")
    outer.include_routers(gated, denied)
    return outer
