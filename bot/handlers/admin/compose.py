"""What the /post and /status dialogues share: the draft, a text per language, the
fallback for languages left out, the preview, publishing (``post`` and ``status``
hold what is their own).

The dialogue lives in the persistent FSM storage, so an admin's half-written post
survives a restart; its data is a :class:`Draft`. Each step is one handler, chosen
by aiogram from the button's :class:`AdminCb` action and the dialogue's state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import structlog
from aiogram import F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, User

from bot.cases.catalog import Catalog
from bot.cases.models import LOCALES, Case, Stage
from bot.domain.broadcast import BroadcastWorker
from bot.domain.news import (
    COMPOSE_ORDER,
    NEWS,
    PREVIEW_ORDER,
    STATUS,
    TEXT_LIMIT,
    Draft,
    NewsService,
    message_problem,
    text_problem,
)
from bot.domain.records import NewsItem
from bot.handlers.admin.pickers import find_case, pick_list
from bot.locales import DERIVED, written_source
from bot.text import escape
from bot.ui import keyboards, views
from bot.ui.catalogue_callbacks import PickPurpose
from bot.ui.catalogue_memory import FoundResults
from bot.ui.i18n import L10n, Translator
from bot.ui.keyboards import AdminAction, AdminCb

log = structlog.get_logger("casebot.admin")


class ComposeFlow(StatesGroup):
    case = State()  # choosing the case
    stage = State()  # /status: choosing the stage
    date = State()  # /status: the date it took effect
    text = State()  # a text for data["lang"]
    fallback = State()  # the language skipped languages get
    preview = State()
    edit = State()  # choosing the language to rewrite


async def load_draft(state: FSMContext) -> Draft | None:
    data = await state.get_data()
    return Draft.from_dict(data["draft"]) if isinstance(data.get("draft"), dict) else None


async def save(state: FSMContext, draft: Draft, **extra: object) -> None:
    await state.update_data(draft=draft.to_dict(), **extra)


async def end_if_draft_lost(state: FSMContext, catalog: Catalog) -> bool:
    """A dialogue whose draft or case is gone cannot go on: it ends. True when it did."""
    current = await state.get_state()
    if (
        current is None
        or not current.startswith(ComposeFlow.__full_group_name__)
        or current == ComposeFlow.case.state
    ):
        return False
    draft = await load_draft(state)
    if draft is not None and catalog.get(draft.slug) is not None:
        return False
    await state.clear()
    return True


class OnMessage(Filter):
    """The button is on a message the bot can answer under: injected as ``message``."""

    async def __call__(self, query: CallbackQuery) -> bool | dict[str, Any]:
        return {"message": query.message} if isinstance(query.message, Message) else False


class DraftOnHand(Filter):
    """The dialogue's draft and its case, injected as ``draft`` and ``case``; a dialogue
    whose draft or case is gone ends here (the button then counts as stale)."""

    async def __call__(self, event: object, state: FSMContext, catalog: Catalog) -> bool | dict[str, Any]:
        draft = await load_draft(state)
        case = catalog.get(draft.slug) if draft else None
        if draft is None or case is None:
            await state.clear()
            return False
        return {"draft": draft, "case": case}


def step(action: AdminAction, state: State) -> tuple[Filter, ...]:
    """The filters of one button step of the dialogue, in the order they are cheapest."""
    return (AdminCb.filter(F.action == action), StateFilter(state), OnMessage(), DraftOnHand())


# --- beginning: the case ---------------------------------------------------------------


async def begin(
    message: Message,
    typed: str,
    state: FSMContext,
    t: Translator,
    catalog: Catalog,
    kind: str,
    found: FoundResults,
) -> None:
    await state.clear()
    case, matches = find_case(catalog, typed, t.locale)
    if case is None:
        await state.set_state(ComposeFlow.case)
        await state.update_data(kind=kind)
        usage = t("admin-post-usage" if kind == NEWS else "admin-status-usage")
        await pick_list(
            message,
            catalog,
            t,
            matches,
            PickPurpose.post if kind == NEWS else PickPurpose.status,
            found,
            lead=usage + "\n\n" + t("admin-choose-case"),
        )
        return
    await start_draft(message, Draft(slug=case.slug, kind=kind), case, state, t)


async def _kind(state: FSMContext) -> str:
    data = await state.get_data()
    return STATUS if data.get("kind") == STATUS else NEWS


async def picking_text(
    message: Message, state: FSMContext, t: Translator, catalog: Catalog, found: FoundResults
) -> None:
    """A name typed while choosing the case for /post or /status."""
    kind = await _kind(state)
    case, matches = find_case(catalog, message.text or "", t.locale)
    if case is not None:
        await start_draft(message, Draft(slug=case.slug, kind=kind), case, state, t)
        return
    purpose = PickPurpose.post if kind == NEWS else PickPurpose.status
    await pick_list(
        message, catalog, t, matches, purpose, found, lead="" if matches else t("admin-pick-none")
    )


async def picked(
    query: CallbackQuery,
    callback_data: AdminCb,
    message: Message,
    state: FSMContext,
    t: Translator,
    catalog: Catalog,
) -> None:
    """The case chosen from the list."""
    case = catalog.get(callback_data.value)
    if case is None:
        await query.answer(t("case-unavailable"), show_alert=True)
        return
    await query.answer()
    await start_draft(message, Draft(slug=case.slug, kind=await _kind(state)), case, state, t)


async def start_draft(target: Message, draft: Draft, case: Case, state: FSMContext, t: Translator) -> None:
    if draft.kind == STATUS:
        await state.set_state(ComposeFlow.stage)
        await save(state, draft)
        await target.answer(
            t("admin-compose-ask-stage", name=escape(case.name(t.locale))),
            reply_markup=keyboards.admin_stages([s.value for s in Stage], t),
        )
        return
    await ask_text(target, draft, case, state, t, COMPOSE_ORDER[0])


# --- the texts, the fallback, the preview ----------------------------------------------


async def ask_text(
    target: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
    locale: str,
    *,
    editing: bool = False,
) -> None:
    await state.set_state(ComposeFlow.text)
    await save(state, draft, lang=locale, editing=editing)
    prompt = "admin-compose-ask-text" if draft.kind == NEWS else "admin-compose-ask-note"
    await target.answer(
        t(prompt, lang=locale, name=escape(case.name(t.locale))), reply_markup=keyboards.admin_text_step(t)
    )


async def _after_text(
    target: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
    l10n: L10n,
    news: NewsService,
    author: User,
    now: dt.datetime,
    *,
    editing: bool,
) -> None:
    following = None if editing else draft.next_language
    if following is not None:
        await ask_text(target, draft, case, state, t, following)
        return
    if draft.kind == NEWS and not draft.texts:
        draft.asked.clear()
        await target.answer(t("admin-compose-need-text"))
        await ask_text(target, draft, case, state, t, COMPOSE_ORDER[0])
        return
    if not draft.settle_fallback(t.locale):
        await state.set_state(ComposeFlow.fallback)
        await save(state, draft)
        await target.answer(
            t("admin-compose-ask-fallback"), reply_markup=keyboards.admin_fallback(draft.fallback_choices, t)
        )
        return
    await _preview(target, draft, case, state, t, l10n, news, author, now)


def _as_news_item(draft: Draft, author: User, author_locale: str, now: dt.datetime) -> NewsItem:
    """The draft as it will be stored, so the preview renders through the same code as delivery."""
    return NewsItem(
        id=0,
        slug=draft.slug,
        kind=draft.kind,
        texts=dict(draft.texts),
        fallback=draft.fallback or written_source(author_locale),
        stage=draft.stage,
        stage_date=draft.date,
        announced=True,
        author_id=author.id,
        author_locale=author_locale,
        created_at=now,
        progress_chat_id=None,
        progress_message_id=None,
        completed_at=None,
    )


async def _preview(
    target: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
    l10n: L10n,
    news: NewsService,
    author: User,
    now: dt.datetime,
) -> None:
    await state.set_state(ComposeFlow.preview)
    await save(state, draft)
    item = _as_news_item(draft, author, t.locale, now)
    problems: list[str] = []
    for locale in PREVIEW_ORDER:
        reader = l10n.translator(locale)
        rendered = views.news_message(case, case.slug, item, reader)
        source = draft.source_for(locale)
        if locale in DERIVED:
            # Ўзбекча: the Uzbek text (or the fallback) as its readers get it.
            await target.answer(t("admin-preview-header-uz-cyrl", source=source or "own"))
        else:
            own = "own" if source in (locale, None) else source
            await target.answer(t("admin-preview-header", lang=locale, source=own))
        own_text = draft.texts.get(source) if source else None
        problem = (text_problem(own_text) if own_text else None) or message_problem(rendered)
        if problem:
            lang = written_source(locale)
            problems.append(t("admin-preview-problem", lang=lang, problem=escape(problem)))
            continue
        await target.answer(rendered, reply_markup=keyboards.delivered_news(case.slug, reader))
    if problems:
        await target.answer(
            t("admin-preview-refused", problems="\n".join(problems)),
            reply_markup=keyboards.admin_preview(
                t, draft.key, status=draft.kind == STATUS, publishable=False
            ),
        )
        return
    followers = await news.followers(case.slug)
    if draft.kind == STATUS:
        assert draft.stage is not None and draft.date is not None
        status_line = views.stage_status(case, t, Stage(draft.stage), draft.date)
        ready = t("admin-status-preview-ready", status=status_line, followers=followers)
    else:
        ready = t("admin-preview-ready", followers=followers)
    await target.answer(
        ready,
        reply_markup=keyboards.admin_preview(t, draft.key, status=draft.kind == STATUS, publishable=True),
    )


# What Telegram's own editor adds (bold, a link on words, a quote …); links, mentions and
# hashtags Telegram finds by itself in plain text are not formatting and change nothing.
FORMATTING = frozenset(
    {
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "blockquote",
        "expandable_blockquote",
    }
)


def admin_html(message: Message) -> str:
    """The admin's text as HTML: formatting made in Telegram's editor is kept as its HTML;
    without any, the text is the HTML the admin typed. Either way it is checked at preview."""
    if any(entity.type in FORMATTING for entity in message.entities or ()):
        return message.html_text
    return message.text or ""


async def typed_text(
    message: Message,
    state: FSMContext,
    t: Translator,
    l10n: L10n,
    catalog: Catalog,
    news: NewsService,
    clock: Callable[[], dt.datetime],
) -> None:
    draft = await load_draft(state)
    data = await state.get_data()
    case = catalog.get(draft.slug) if draft else None
    locale = data.get("lang")
    if draft is None or case is None or locale not in LOCALES or message.from_user is None:
        await state.clear()
        await message.answer(t("admin-cancelled"))
        return
    if not message.text:
        await message.answer(t("admin-compose-not-text"), reply_markup=keyboards.admin_text_step(t))
        return
    text = admin_html(message).strip()
    if len(text) > TEXT_LIMIT:
        await message.answer(
            t("admin-compose-too-long", length=len(text), limit=TEXT_LIMIT),
            reply_markup=keyboards.admin_text_step(t),
        )
        return
    # Not checked as HTML here: the preview shows each language exactly as it
    # would go out, or, instead of it, why Telegram would refuse it.
    draft.answer(str(locale), text)
    await _after_text(
        message,
        draft,
        case,
        state,
        t,
        l10n,
        news,
        message.from_user,
        clock(),
        editing=bool(data.get("editing")),
    )


async def skipped(
    query: CallbackQuery,
    message: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
    l10n: L10n,
    news: NewsService,
    clock: Callable[[], dt.datetime],
) -> None:
    """No text in the language asked for."""
    data = await state.get_data()
    locale = data.get("lang")
    if locale not in LOCALES:
        await query.answer(t("button-stale"), show_alert=True)
        return
    await query.answer()
    draft.answer(str(locale), None)
    await _after_text(
        message,
        draft,
        case,
        state,
        t,
        l10n,
        news,
        query.from_user,
        clock(),
        editing=bool(data.get("editing")),
    )


async def fallback_chosen(
    query: CallbackQuery,
    callback_data: AdminCb,
    message: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
    l10n: L10n,
    news: NewsService,
    clock: Callable[[], dt.datetime],
) -> None:
    """The language whose text readers of the skipped languages get."""
    if callback_data.value not in draft.fallback_choices:
        await query.answer(t("button-stale"), show_alert=True)
        return
    await query.answer()
    draft.fallback = callback_data.value
    await _preview(message, draft, case, state, t, l10n, news, query.from_user, clock())


async def edit(query: CallbackQuery, message: Message, state: FSMContext, t: Translator) -> None:
    await query.answer()
    await state.set_state(ComposeFlow.edit)
    await message.answer(
        t("admin-edit-choose"), reply_markup=keyboards.admin_edit_languages(COMPOSE_ORDER, t)
    )


async def edit_language(
    query: CallbackQuery,
    callback_data: AdminCb,
    message: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
) -> None:
    if callback_data.value not in LOCALES:
        await query.answer(t("button-stale"), show_alert=True)
        return
    await query.answer()
    await ask_text(message, draft, case, state, t, callback_data.value, editing=True)


# --- publishing ----------------------------------------------------------------------


async def publish(
    query: CallbackQuery,
    callback_data: AdminCb,
    message: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
    l10n: L10n,
    news: NewsService,
    clock: Callable[[], dt.datetime],
    broadcast: BroadcastWorker | None = None,
) -> None:
    """Publish (and announce) the draft previewed; /status's "save without announcing" too."""
    announce = callback_data.action is AdminAction.publish
    if callback_data.key != draft.key or (not announce and draft.kind != STATUS):
        await query.answer(t("button-stale"), show_alert=True)
        return
    item = _as_news_item(draft, query.from_user, t.locale, clock())
    for locale in PREVIEW_ORDER:
        if message_problem(views.news_message(case, case.slug, item, l10n.translator(locale))):
            await query.answer(t("button-stale"), show_alert=True)
            return
    published = await news.publish(
        draft, author_id=query.from_user.id, author_locale=t.locale, announce=announce
    )
    await state.clear()
    await query.answer()
    if not published.created:
        return  # a second tap on the same preview: already published
    log.info("admin.published", news=published.news_id, kind=draft.kind, recipients=published.recipients)
    if draft.kind == STATUS and not announce:
        assert draft.stage is not None and draft.date is not None
        status_line = views.stage_status(case, t, Stage(draft.stage), draft.date)
        await message.answer(t("admin-status-saved", status=status_line))
        return
    progress = await message.answer(t("admin-published", followers=published.recipients))
    if published.recipients:
        await news.show_progress_in(published.news_id, progress.chat.id, progress.message_id)
        if broadcast is not None:
            broadcast.wake()


# --- leaving -------------------------------------------------------------------------


async def cancel_command(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.answer(t("admin-cancelled"))


async def cancel_button(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(t("admin-cancelled"))


def create_router() -> Router:
    router = Router(name="admin-compose")
    router.message.register(cancel_command, Command("cancel"), StateFilter(ComposeFlow))
    not_a_command = ~F.text.startswith("/")
    router.message.register(typed_text, StateFilter(ComposeFlow.text), not_a_command)
    router.message.register(picking_text, StateFilter(ComposeFlow.case), F.text, not_a_command)
    buttons = router.callback_query
    buttons.register(cancel_button, AdminCb.filter(F.action == AdminAction.cancel))
    buttons.register(
        picked, AdminCb.filter(F.action == AdminAction.pick), StateFilter(ComposeFlow.case), OnMessage()
    )
    buttons.register(skipped, *step(AdminAction.skip, ComposeFlow.text))
    buttons.register(fallback_chosen, *step(AdminAction.fallback, ComposeFlow.fallback))
    buttons.register(edit, *step(AdminAction.edit, ComposeFlow.preview))
    buttons.register(edit_language, *step(AdminAction.edit_lang, ComposeFlow.edit))
    buttons.register(publish, *step(AdminAction.publish, ComposeFlow.preview))
    return router
