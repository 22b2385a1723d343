"""Saying again what a re-delivered update's lost reply said.

A crash between an update's COMMIT and its reply leaves the effect stored and
the signer without a word; Telegram then delivers the update again, and the
idempotency middleware finds it handled. Its processed mark carries a note of
what the reply was (``signed:<slug>``, written in the same transaction, so no
extra fsync), and this answers the copy as a second tap would: "You signed
this demand on …". Only in the signer's private chat, like all of signing.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.types import Update

from bot import keyboards
from bot.cases.catalog import CatalogHolder
from bot.i18n import L10n, resolve_locale
from bot.petition import PetitionService
from bot.storage.repositories import SIGNED_REPLY, UserSettingsRepository


class Replayer:
    def __init__(
        self,
        l10n: L10n,
        users: UserSettingsRepository,
        catalogs: CatalogHolder,
        petitions: PetitionService,
        default_locale: str,
    ) -> None:
        self._l10n = l10n
        self._users = users
        self._catalogs = catalogs
        self._petitions = petitions
        self._default = default_locale

    async def __call__(self, note: str, update: Update, bot: Bot) -> None:
        if not note.startswith(SIGNED_REPLY):
            return
        query, message = update.callback_query, update.message
        chat = query.message.chat if query is not None and query.message is not None else None
        if message is not None:
            chat = message.chat
        user = query.from_user if query is not None else message.from_user if message is not None else None
        if user is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        case = self._catalogs.current.get(note.removeprefix(SIGNED_REPLY))
        if case is None or case.facts.petition is None:
            return
        signature = await self._petitions.signature(case, user.id)
        if signature is None:  # withdrawn since: there is nothing to confirm
            return
        locale = resolve_locale(await self._users.get_locale(user.id), user.language_code, self._default)
        t = self._l10n.translator(locale)
        if query is not None:
            await bot.answer_callback_query(query.id)  # long expired, most likely: absorbed quietly
        await bot.send_message(
            chat.id,
            t("petition-already", date=t.date(signature.signed_at.date())),
            reply_markup=keyboards.already_signed(case, t),
        )
