"""The global error handler: log the failure, tell the user briefly, carry on.

Registered on ``dp.errors`` through this router. The log has the update id and
the traceback's frames, but not the exception's message, which can quote what a
user typed (pydantic puts the input into its errors). Bot API refusals that are
harmless — the user blocked the bot, a message not modified, a button pressed
long ago — are noted quietly and nobody is told "something went wrong".

A write the database refused (disk full, I/O error: :func:`storage_failure`)
is told to the user once, in their language: nothing was recorded, try again
in a few minutes — never a thank-you, which leaves only after a COMMIT. The
update is then acknowledged like any other: taking it again later would store
a tap behind the signer's back after telling them it was not, and retrying it
would hold up everyone else's updates while the disk is full.
"""

from __future__ import annotations

import traceback

import structlog
from aiogram import Bot, Router
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import ErrorEvent, User

from bot.config import Settings
from bot.domain.follow import FollowService
from bot.pipeline.metrics import Metrics
from bot.pipeline.middlewares import UpdateTrace, update_kind
from bot.storage.db import storage_failure
from bot.ui.i18n import L10n, Translator, resolve_locale

log = structlog.get_logger("casebot.errors")

# Handlers whose refused writes were a signature (or its withdrawal): the notice says so.
SIGNING_HANDLERS = ("petition.",)

_HARMLESS = (
    "message is not modified",
    "query is too old",
    "query id is invalid",
    "message to edit not found",
    "message can't be edited",
    "message to delete not found",
    "message can't be deleted",
)


async def on_error(
    event: ErrorEvent,
    bot: Bot,
    l10n: L10n,
    settings: Settings,
    follows: FollowService,
    metrics: Metrics | None = None,
    t: Translator | None = None,
    event_from_user: User | None = None,
    trace: UpdateTrace | None = None,
) -> None:
    exc = event.exception
    update = event.update
    kind = update_kind(update)
    if metrics is not None:
        metrics.errors.labels(error=type(exc).__name__).inc()
    if isinstance(exc, TelegramForbiddenError):
        # The user blocked the bot (or left): nobody to tell, and news should stop.
        log.info("update.user_unreachable", update_id=update.update_id, kind=kind)
        if event_from_user is not None:
            await follows.mark_unreachable(event_from_user.id)
        return
    if isinstance(exc, TelegramRetryAfter):
        # Telegram asked us to slow down for longer than a handler may wait: a notice would fail too.
        log.warning("update.flood_wait", update_id=update.update_id, kind=kind, seconds=exc.retry_after)
        return
    if isinstance(exc, TelegramBadRequest) and any(s in exc.message.lower() for s in _HARMLESS):
        log.info(
            "update.harmless_refusal", update_id=update.update_id, kind=kind, method=exc.method.__api_method__
        )
        return
    refused = storage_failure(exc)
    log.error(
        "update.not_saved" if refused else "update.error",
        update_id=update.update_id,
        kind=kind,
        handler=trace.handler if trace is not None else "-",
        error=type(exc).__name__,
        traceback="".join(traceback.format_tb(exc.__traceback__)),
    )
    if t is None:
        code = event_from_user.language_code if event_from_user else None
        t = l10n.translator(resolve_locale(None, code, settings.default_locale))
    notice = t("error-generic")
    if refused:
        signing = trace is not None and trace.handler.startswith(SIGNING_HANDLERS)
        notice = t("faults-not-saved-signature" if signing else "faults-not-saved")
    try:
        query = update.callback_query
        if query is not None:
            # The handler may have answered the button already, and a second answer is
            # refused silently; a message in the chat is seen either way.
            message = query.message
            if message is not None and message.chat.type == "private":
                await query.answer()
                await bot.send_message(message.chat.id, notice)
            else:
                await query.answer(notice[:200], show_alert=True)
        elif update.message is not None and update.message.chat.type == "private":
            await bot.send_message(update.message.chat.id, notice)
    except TelegramAPIError as reply_failed:
        log.warning(
            "update.error_reply_failed", update_id=update.update_id, error=type(reply_failed).__name__
        )


def create_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
