"""Signing the release demand: the confirm card, the name dialogue, withdrawal, following.

The dialogue state (which case, the name typed so far) lives in the FSM storage
(SQLite, bot/storage/fsm.py) only while the dialogue lasts: every way out of it
clears the state, which deletes the row, and abandoned rows are purged after two
days. The signatures table gets nothing until the signature itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject, User

from bot.cases.catalog import Catalog
from bot.cases.models import Case
from bot.domain.follow import FollowService
from bot.domain.petition import NameRejected, Outcome, PetitionService, PetitionState, clean_name
from bot.handlers.replies import IN_PRIVATE_MESSAGE, IN_PRIVATE_QUERY, case_or_alert, show
from bot.text import escape
from bot.ui import keyboards, views
from bot.ui.i18n import Translator
from bot.ui.keyboards import PetitionAction, PetitionCb
from bot.ui.links import SiteLinks
from bot.ui.screens import RenderedScreenCache

SOURCE_LINK = "link"


class SignFlow(StatesGroup):
    name = State()
    city = State()


def telegram_name(user: User) -> str | None:
    """The Telegram first + last name, if it would pass as a signature name."""
    try:
        return clean_name(" ".join(p for p in (user.first_name, user.last_name) if p))
    except NameRejected:
        return None


def name_prompt(user: User, case: Case, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The dialogue's first step: the Telegram name proposed, or a name asked for."""
    proposed = telegram_name(user)
    if proposed:
        return t("petition-name-proposed", name=escape(proposed)), keyboards.petition_step(
            case, t, use_name=True
        )
    return t("petition-name-ask"), keyboards.petition_step(case, t)


def city_prompt(case: Case, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    return t("petition-city-ask"), keyboards.petition_step(case, t, skip_city=True)


def command_case(args: str | None, catalog: Catalog) -> Case | None:
    """The case a /sign or /unsign names; without a name, the only petition there is."""
    if args:
        return catalog.named(args)
    with_petition = [c for c in catalog if c.facts.petition is not None]
    return with_petition[0] if len(with_petition) == 1 else None


async def open_petition(
    target: Message,
    user_id: int,
    case: Case,
    t: Translator,
    petitions: PetitionService,
    via: str = "",
    site_links: SiteLinks | None = None,
) -> None:
    """The confirm card, or why the user cannot sign now. Also used by /start sign_<slug>."""
    state = await petitions.state(case)
    count = await petitions.count(case) if state is not None else 0
    if state is None:
        await target.answer(t("petition-none"), reply_markup=keyboards.back_to_case(case, t))
    elif state is PetitionState.closed:
        await target.answer(
            t("petition-closed", count=t("signatures", count=count)),
            reply_markup=keyboards.back_to_case(case, t),
        )
    elif state is PetitionState.not_yet_open:
        assert case.facts.petition is not None
        await target.answer(
            t("petition-not-open", date=t.date(case.facts.petition.opens)),
            reply_markup=keyboards.back_to_case(case, t),
        )
    elif existing := await petitions.signature(case, user_id):
        await target.answer(
            t("petition-already", date=t.date(existing.signed_at.date())),
            reply_markup=keyboards.already_signed(case, t),
        )
    else:
        markup = keyboards.petition_confirm(case, t, via)
        if site_links is not None:
            username = (await target.bot.me()).username or "" if target.bot is not None else ""
            private = target.chat.type == "private"
            markup = site_links.with_mini_app(markup, case, t, private_chat=private, bot_username=username)
        await target.answer(views.petition_confirm(case, t, count), reply_markup=markup)


async def _sign(
    query_or_message: CallbackQuery | Message,
    case: Case,
    t: Translator,
    petitions: PetitionService,
    follows: FollowService,
    bot: Bot,
    state: FSMContext,
    screens: RenderedScreenCache,
    *,
    name: str | None,
    city: str | None,
    via: object,
) -> None:
    """``via``: where signing began (the callback's or the dialogue's), for the source column."""
    await state.clear()  # whatever dialogue was under way ends with the signature
    user = query_or_message.from_user
    assert user is not None
    result = await petitions.sign(
        case,
        user.id,
        locale=t.locale,
        name=name,
        city=city,
        source=SOURCE_LINK if via == SOURCE_LINK else None,
        # The follow offer's read goes with the signature's write: one hand-off less.
        along=follows.following_check(user.id, case.slug),
    )
    message = query_or_message.message if isinstance(query_or_message, CallbackQuery) else query_or_message
    if isinstance(query_or_message, CallbackQuery):
        await query_or_message.answer()
    if not isinstance(message, Message):
        return
    if result.outcome is Outcome.signed:
        me = await bot.me()
        following = (
            result.along if isinstance(result.along, bool) else await follows.is_following(user.id, case.slug)
        )
        text = screens.petition_thanks(case, t, result.count)
        if not following:
            text += "\n\n" + t("petition-follow-offer")
        await message.answer(
            text,
            reply_markup=screens.petition_signed_keyboard(
                case, t, me.username or "", offer_follow=not following
            ),
        )
    elif result.outcome is Outcome.already_signed and result.signed_at is not None:
        await message.answer(
            t("petition-already", date=t.date(result.signed_at.date())),
            reply_markup=keyboards.already_signed(case, t),
        )
    else:
        await open_petition(message, user.id, case, t, petitions)


async def sign_command(
    message: Message,
    command: CommandObject,
    t: Translator,
    catalog: Catalog,
    petitions: PetitionService,
    state: FSMContext,
    site_links: SiteLinks | None = None,
) -> None:
    await state.clear()
    case = command_case(command.args, catalog)
    if case is None or message.from_user is None:
        await message.answer(t("case-not-found"), reply_markup=keyboards.cases_menu(catalog, t))
        return
    await open_petition(message, message.from_user.id, case, t, petitions, site_links=site_links)


class PetitionButton(CallbackQueryFilter):
    """``PetitionCb.filter(F.action == action)``, with the action read from the data's text
    before anything is unpacked: the router tries its handlers in turn, and each unpacking
    builds a pydantic model (a withdrawal's was the eighth tried). The text says the same as
    the unpacked action: an action's value is matched exactly, between separators."""

    __slots__ = ("_head",)

    def __init__(self, action: PetitionAction) -> None:
        super().__init__(callback_data=PetitionCb, rule=F.action == action)
        sep = PetitionCb.__separator__
        self._head = f"{PetitionCb.__prefix__}{sep}{action.value}{sep}"

    async def __call__(self, query: CallbackQuery) -> Literal[False] | dict[str, Any]:
        if not isinstance(query, CallbackQuery) or not query.data or not query.data.startswith(self._head):
            return False
        return await super().__call__(query)


class PetitionCaseMiddleware(BaseMiddleware):
    """Every petition button names its case: the handler gets it as ``case`` and its
    petition as ``petition``, or is not called and the reader told the case or its
    petition is gone."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        button = data.get("callback_data")
        if not isinstance(event, CallbackQuery) or not isinstance(button, PetitionCb):
            return await handler(event, data)
        t: Translator = data["t"]
        case = await case_or_alert(event, data["catalog"], button.slug, t)
        if case is None:
            return None
        if case.facts.petition is None:
            await event.answer(t("petition-none"), show_alert=True)
            return None
        data["case"] = case
        data["petition"] = case.facts.petition
        return await handler(event, data)


async def open_button(
    query: CallbackQuery,
    callback_data: PetitionCb,
    case: Case,
    t: Translator,
    petitions: PetitionService,
    site_links: SiteLinks | None = None,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await open_petition(
            query.message,
            query.from_user.id,
            case,
            t,
            petitions,
            via=callback_data.via,
            site_links=site_links,
        )


async def sign_anonymously(
    query: CallbackQuery,
    callback_data: PetitionCb,
    case: Case,
    t: Translator,
    petitions: PetitionService,
    follows: FollowService,
    bot: Bot,
    state: FSMContext,
    screens: RenderedScreenCache,
) -> None:
    await _sign(
        query, case, t, petitions, follows, bot, state, screens, name=None, city=None, via=callback_data.via
    )


async def sign_with_name(
    query: CallbackQuery, callback_data: PetitionCb, case: Case, t: Translator, state: FSMContext
) -> None:
    await state.set_state(SignFlow.name)
    await state.update_data(slug=case.slug, via=callback_data.via)
    await show(query, *name_prompt(query.from_user, case, t))


async def use_telegram_name(query: CallbackQuery, case: Case, t: Translator, state: FSMContext) -> None:
    proposed = telegram_name(query.from_user)
    data = await state.get_data()
    if proposed is None or data.get("slug") != case.slug:
        await query.answer(t("button-stale"), show_alert=True)
        return
    await state.update_data(name=proposed)
    await state.set_state(SignFlow.city)
    await show(query, *city_prompt(case, t))


async def skip_city(
    query: CallbackQuery,
    case: Case,
    t: Translator,
    petitions: PetitionService,
    follows: FollowService,
    bot: Bot,
    state: FSMContext,
    screens: RenderedScreenCache,
) -> None:
    data = await state.get_data()
    if await state.get_state() != SignFlow.city.state or data.get("slug") != case.slug:
        await query.answer(t("button-stale"), show_alert=True)
        return
    await _sign(
        query, case, t, petitions, follows, bot, state, screens,
        name=data.get("name"), city=None, via=data.get("via"),
    )  # fmt: skip


async def cancel(query: CallbackQuery, case: Case, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await show(query, t("petition-cancelled"), keyboards.back_to_case(case, t))


async def withdraw_button(
    query: CallbackQuery, case: Case, t: Translator, petitions: PetitionService
) -> None:
    if await petitions.signature(case, query.from_user.id) is None:
        await show(query, t("petition-not-signed"), keyboards.back_to_case(case, t))
    else:
        text = t("petition-withdraw-confirm", name=escape(case.name(t.locale)))
        await show(query, text, keyboards.withdraw_confirm(case, t))


async def withdraw_confirmed(
    query: CallbackQuery, case: Case, t: Translator, petitions: PetitionService, screens: RenderedScreenCache
) -> None:
    removed, signatures = await petitions.withdraw_counted(case, query.from_user.id)
    text = screens.petition_withdrawn(t, signatures) if removed else t("petition-not-signed")
    await show(query, text, screens.back_to_case(case, t))


async def keep_signature(query: CallbackQuery, case: Case, t: Translator) -> None:
    await show(query, t("petition-withdraw-kept"), keyboards.back_to_case(case, t))


async def follow_button(query: CallbackQuery, case: Case, t: Translator, follows: FollowService) -> None:
    await follows.follow(query.from_user.id, case.slug, t.locale)
    await query.answer(t("follow-done", name=case.name(t.locale)), show_alert=True)


async def unsign_command(
    message: Message,
    command: CommandObject,
    t: Translator,
    catalog: Catalog,
    petitions: PetitionService,
) -> None:
    case = command_case(command.args, catalog)
    if case is None or message.from_user is None:
        await message.answer(t("case-not-found"), reply_markup=keyboards.cases_menu(catalog, t))
        return
    if await petitions.signature(case, message.from_user.id) is None:
        await message.answer(t("petition-not-signed"), reply_markup=keyboards.back_to_case(case, t))
        return
    await message.answer(
        t("petition-withdraw-confirm", name=escape(case.name(t.locale))),
        reply_markup=keyboards.withdraw_confirm(case, t),
    )


async def _flow_case(message: Message, state: FSMContext, catalog: Catalog) -> Case | None:
    data = await state.get_data()
    case = catalog.get(str(data.get("slug", "")))
    if case is None:
        await state.clear()
    return case


async def typed_name(message: Message, t: Translator, catalog: Catalog, state: FSMContext) -> None:
    case = await _flow_case(message, state, catalog)
    if case is None:
        return
    try:
        name = clean_name(message.text or "")
    except NameRejected as rejected:
        await message.answer(
            t(f"name-rejected-{rejected.reason}") + "\n\n" + t("petition-name-ask"),
            reply_markup=keyboards.petition_step(case, t),
        )
        return
    await state.update_data(name=name)
    await state.set_state(SignFlow.city)
    text, markup = city_prompt(case, t)
    await message.answer(text, reply_markup=markup)


async def typed_city(
    message: Message,
    t: Translator,
    catalog: Catalog,
    petitions: PetitionService,
    follows: FollowService,
    bot: Bot,
    state: FSMContext,
    screens: RenderedScreenCache,
) -> None:
    case = await _flow_case(message, state, catalog)
    if case is None:
        return
    try:
        city = clean_name(message.text or "")
    except NameRejected as rejected:
        await message.answer(
            t(f"name-rejected-{rejected.reason}") + "\n\n" + t("petition-city-ask"),
            reply_markup=keyboards.petition_step(case, t, skip_city=True),
        )
        return
    data = await state.get_data()
    await _sign(
        message,
        case,
        t,
        petitions,
        follows,
        bot,
        state,
        screens,
        name=data.get("name"),
        city=city,
        via=data.get("via"),
    )


def create_router() -> Router:
    router = Router(name="petition")
    # Nothing about a signature is ever written into a group (bot/handlers/groups.py).
    router.message.filter(IN_PRIVATE_MESSAGE)
    router.callback_query.filter(IN_PRIVATE_QUERY)
    router.callback_query.middleware(PetitionCaseMiddleware())
    router.message.register(sign_command, Command("sign"))
    router.message.register(unsign_command, Command("unsign"))
    for action, handler in (
        (PetitionAction.open, open_button),
        (PetitionAction.anonymous, sign_anonymously),
        (PetitionAction.named, sign_with_name),
        (PetitionAction.use_name, use_telegram_name),
        (PetitionAction.skip_city, skip_city),
        (PetitionAction.cancel, cancel),
        (PetitionAction.withdraw, withdraw_button),
        (PetitionAction.withdraw_yes, withdraw_confirmed),
        (PetitionAction.keep, keep_signature),
        (PetitionAction.follow, follow_button),
    ):
        router.callback_query.register(handler, PetitionButton(action))
    not_a_command = F.text & ~F.text.startswith("/")
    router.message.register(typed_name, StateFilter(SignFlow.name), not_a_command)
    router.message.register(typed_city, StateFilter(SignFlow.city), not_a_command)
    return router
