"""Saying again what a re-delivered update's lost reply said.

A crash between an update's COMMIT and its reply leaves the effect stored and
the user without a word; Telegram then delivers the update again, and the
idempotency middleware finds it handled. Its processed mark carries a note of
what the effect was (bot/storage/repositories.py ``ReplyNote``, written in the
same transaction, so no extra fsync), and this answers the copy as a second
tap would, without doing anything again:

- a signature: "You signed this demand on …";
- a withdrawal: "You have not signed this demand" (the confirm card is replaced);
- following or unfollowing: the follow state, in a message (the tap's pop-up
  has long expired), and the card's or the list's buttons redrawn;
- /forget: the erasure report as a second "Yes, erase" shows it (nothing left);
- a step of the name dialogue: the prompt of the step the user is on now (a
  name typed again would otherwise be taken as the city);
- a language chosen: its confirmation, in the language now stored.

A note whose state no longer holds (signed again since a withdrawal, and so on)
is not said: a later update changed it and had its own reply. Only in the
user's private chat, like everything about signing and erasure.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.cases.catalog import CatalogHolder
from bot.domain.follow import FollowService
from bot.domain.petition import PetitionService
from bot.handlers.common import language_set_view
from bot.handlers.follow import following_view
from bot.handlers.petition import SignFlow, city_prompt, name_prompt
from bot.handlers.replies import show
from bot.storage.repositories import ReplyNote, UserSettingsRepository
from bot.ui import keyboards
from bot.ui.i18n import L10n, Translator, resolve_locale
from bot.ui.keyboards import FollowCb, FollowOrigin
from bot.ui.screens import RenderedScreenCache


class _Copy:
    """The re-delivered update, as far as a replay needs it."""

    def __init__(self, update: Update, bot: Bot, user: User, chat: Chat, t: Translator) -> None:
        self.bot = bot
        self.user = user
        self.chat = chat
        self.t = t
        query = update.callback_query
        self.query = query.as_(bot) if query is not None else None

    async def say(self, text: str, markup: keyboards.InlineKeyboardMarkup | None = None) -> None:
        """A new message: a pop-up or an answer to the tap would be lost by now."""
        if self.query is not None:
            await self.query.answer()  # long expired, most likely: absorbed quietly
        await self.bot.send_message(self.chat.id, text, reply_markup=markup)

    async def show(self, text: str, markup: keyboards.InlineKeyboardMarkup | None = None) -> None:
        """What the tap's own handler does: replace the message the button was on."""
        if self.query is not None:
            await show(self.query, text, markup)
        else:
            await self.say(text, markup)


class Replayer:
    def __init__(
        self,
        l10n: L10n,
        users: UserSettingsRepository,
        catalogs: CatalogHolder,
        petitions: PetitionService,
        follows: FollowService,
        screens: RenderedScreenCache,
        dialogues: BaseStorage,
        default_locale: str,
    ) -> None:
        self._l10n = l10n
        self._users = users
        self._catalogs = catalogs
        self._petitions = petitions
        self._follows = follows
        self._screens = screens
        self._dialogues = dialogues
        self._default = default_locale
        self._by_kind: dict[str, Callable[[_Copy, str], Awaitable[None]]] = {
            ReplyNote.signed: self._signed,
            ReplyNote.withdrew: self._withdrew,
            ReplyNote.followed: self._followed,
            ReplyNote.unfollowed: self._unfollowed,
            ReplyNote.forgot: self._forgot,
            ReplyNote.step: self._step,
            ReplyNote.language: self._language,
        }

    async def __call__(self, note: str, update: Update, bot: Bot) -> None:
        kind, _, slug = note.partition(":")
        replay = self._by_kind.get(kind)
        query, message = update.callback_query, update.message
        chat = query.message.chat if query is not None and query.message is not None else None
        if message is not None:
            chat = message.chat
        user = query.from_user if query is not None else message.from_user if message is not None else None
        if replay is None or user is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        locale = resolve_locale(await self._users.get_locale(user.id), user.language_code, self._default)
        await replay(_Copy(update, bot, user, chat, self._l10n.translator(locale)), slug)

    async def _signed(self, copy: _Copy, slug: str) -> None:
        case = self._catalogs.current.get(slug)
        if case is None or case.facts.petition is None:
            return
        signature = await self._petitions.signature(case, copy.user.id)
        if signature is None:  # withdrawn since: there is nothing to confirm
            return
        t = copy.t
        await copy.say(
            t("petition-already", date=t.date(signature.signed_at.date())),
            keyboards.already_signed(case, t),
        )

    async def _withdrew(self, copy: _Copy, slug: str) -> None:
        case = self._catalogs.current.get(slug)
        if case is None or case.facts.petition is None:
            return
        if await self._petitions.signature(case, copy.user.id) is not None:
            return  # signed again since
        await copy.show(copy.t("petition-not-signed"), keyboards.back_to_case(case, copy.t))

    async def _followed(self, copy: _Copy, slug: str) -> None:
        await self._follow_state(copy, slug, following=True)

    async def _unfollowed(self, copy: _Copy, slug: str) -> None:
        await self._follow_state(copy, slug, following=False)

    async def _follow_state(self, copy: _Copy, slug: str, *, following: bool) -> None:
        if await self._follows.is_following(copy.user.id, slug) is not following:
            return  # changed back since
        t, case = copy.t, self._catalogs.current.get(slug)
        button = _follow_button(copy.query)
        if button is not None and button.origin is FollowOrigin.list:
            await copy.show(*await following_view(copy.user.id, t, self._catalogs.current, self._follows))
            return
        if button is None and case is not None:  # the thank-you's "Follow its news"
            await copy.say(t("follow-done", name=case.name(t.locale)))
            return
        await copy.say(t("follow-card-done" if following else "unfollow-done"))
        card = copy.query.message if copy.query is not None else None
        on_card = button is not None and button.origin is FollowOrigin.card
        if on_card and isinstance(card, Message) and case is not None:
            me = await copy.bot.me()
            markup = self._screens.case_card_keyboard(case, t, me.username or "", following=following)
            with contextlib.suppress(TelegramBadRequest):  # already showing that button
                await card.edit_reply_markup(reply_markup=markup)

    async def _forgot(self, copy: _Copy, slug: str) -> None:
        user_id = copy.user.id
        holds = (
            await self._petitions.signed_any(user_id)
            or bool(await self._follows.followed_by(user_id))
            or await self._users.get_locale(user_id) is not None
        )
        if holds:
            return  # something was stored again since; a replay erases nothing
        await copy.show(copy.t("forget-done", signatures=0, follows=0, language="no"))

    async def _step(self, copy: _Copy, _: str) -> None:
        key = StorageKey(bot_id=copy.bot.id, chat_id=copy.chat.id, user_id=copy.user.id)
        step = await self._dialogues.get_state(key)
        if step not in (SignFlow.name.state, SignFlow.city.state):
            return  # signed, cancelled or left since (or not the signing dialogue)
        slug = (await self._dialogues.get_data(key)).get("slug")
        case = self._catalogs.current.get(str(slug))
        if case is None or case.facts.petition is None:
            return
        if step == SignFlow.name.state:
            await copy.show(*name_prompt(copy.user, case, copy.t))
        else:
            await copy.show(*city_prompt(case, copy.t))

    async def _language(self, copy: _Copy, _: str) -> None:
        if await self._users.get_locale(copy.user.id) is None:
            return  # erased since
        await copy.show(*language_set_view(self._catalogs.current, copy.t))


def _follow_button(query: CallbackQuery | None) -> FollowCb | None:
    if query is None or query.data is None:
        return None
    try:
        return FollowCb.unpack(query.data)
    except (TypeError, ValueError):
        return None
