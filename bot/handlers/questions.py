"""Free-text questions: any text that is not a command and not part of a dialogue.

The handler hands the text to :class:`bot.domain.answers.QuestionIndex` and renders the
outcome; nothing here reads the text further. It is never logged and never shown
back: every reply quotes the case files only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.cases.catalog import Catalog
from bot.cases.models import Case, PointerKind
from bot.cases.search import looks_like_name
from bot.domain.answers import Outcome, OutcomeKind, QuestionIndexes, RecentCases
from bot.domain.follow import FollowService
from bot.domain.news import NewsService
from bot.domain.petition import PetitionService, PetitionState
from bot.handlers.cases import card_view
from bot.handlers.catalogue import reply_not_found, reply_several_named, reply_to_name
from bot.handlers.replies import case_or_alert, send_chunks, show
from bot.ui import keyboards, views
from bot.ui.catalogue_memory import FoundResults, Trails
from bot.ui.i18n import L10n, Translator
from bot.ui.keyboards import MoreCb, QuestionCb, QuestionsCb
from bot.ui.screens import RenderedScreenCache


async def _sign_url(bot: Bot, case: Case, petitions: PetitionService) -> str | None:
    """The *Sign the demand* link, only while signing is open."""
    if await petitions.state(case) is not PetitionState.open:
        return None
    me = await bot.me()
    return keyboards.sign_link(me.username or "", case.slug)


async def _answer_parts(
    bot: Bot,
    case: Case,
    question_id: str,
    t: Translator,
    petitions: PetitionService,
    screens: RenderedScreenCache,
) -> tuple[list[str], InlineKeyboardMarkup]:
    return screens.question_answer(case, question_id, t, await _sign_url(bot, case, petitions))


# More cases than this share a name a question gives: offer them as a list.
QUESTION_CASE_CHOICES = 8


async def ask(
    message: Message,
    bot: Bot,
    t: Translator,
    l10n: L10n,
    catalog: Catalog,
    question_indexes: QuestionIndexes,
    recent_cases: RecentCases,
    petitions: PetitionService,
    screens: RenderedScreenCache,
    clock: Callable[[], dt.datetime],
    follows: FollowService,
    news: NewsService,
    trails: Trails,
    found: FoundResults,
) -> None:
    if message.from_user is None or message.text is None:
        return
    user_id = message.from_user.id
    text = message.text
    # Which case? A name typed alone is a search (bot/cases/search.py); a question
    # naming a person goes to that case; one naming none, to the card last opened.
    name_like = looks_like_name(text)
    if name_like and await reply_to_name(
        message, text, bot, t, catalog, clock, follows, petitions, news, screens, recent_cases, trails, found
    ):
        return
    last = recent_cases.get(user_id)
    named = catalog.index.named_in(text)
    large = len(catalog) > keyboards.PAGE_SIZE
    if large and len(named) > QUESTION_CASE_CHOICES:
        # A first name many people share: which of them? (The question is not kept.)
        await reply_several_named(message, named, t, catalog, news, trails, found, screens)
        return
    if large and not named and last is None and not name_like:
        await message.answer(t("catalogue-which-case"), reply_markup=keyboards.cases_menu(catalog, t))
        return
    answers = await question_indexes.get(catalog)
    outcome = answers.respond(
        text, user_locale=t.locale, last_slug=last, named=named[0] if len(named) == 1 else None
    )
    # Reads as a name, names no case, and is no question the open case answers.
    unanswered = outcome.kind in (OutcomeKind.menu, OutcomeKind.about, OutcomeKind.which_case)
    if name_like and unanswered and await reply_not_found(message, text, t, catalog):
        return
    # The question's language, when it is clearly another of ours; else the reader's.
    lt = l10n.translator(outcome.locale) if outcome.locale in l10n.locales else t
    case = catalog.get(outcome.slug) if outcome.slug else None
    if case is not None:
        recent_cases.remember(user_id, case.slug)
    await _reply(message, bot, outcome, case, lt, catalog, petitions, screens)


async def _reply(
    message: Message,
    bot: Bot,
    outcome: Outcome,
    case: Case | None,
    t: Translator,
    catalog: Catalog,
    petitions: PetitionService,
    screens: RenderedScreenCache,
) -> None:
    if outcome.kind is OutcomeKind.which_case:
        await message.answer(
            t("questions-which-case"), reply_markup=keyboards.which_case(catalog, outcome.cases, t)
        )
        return
    if case is None:
        await message.answer(t("questions-offtopic-no-case"), reply_markup=keyboards.cases_menu(catalog, t))
        return
    if not case.facts.questions:
        await message.answer(
            views.case_heading(case, t, "questions-none"),
            reply_markup=keyboards.back_to_case(case, t),
        )
        return
    if outcome.kind is OutcomeKind.answer and outcome.question is not None:
        chunks, markup = await _answer_parts(bot, case, outcome.question, t, petitions, screens)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await message.answer(chunk, reply_markup=markup if last else None)
    elif outcome.kind is OutcomeKind.suggest:
        await message.answer(
            views.case_heading(case, t, "questions-suggest"),
            reply_markup=keyboards.question_choice(case, list(outcome.suggestions), t),
        )
    else:
        msg_id = "questions-menu" if outcome.kind is OutcomeKind.about else "questions-offtopic"
        await message.answer(
            views.case_heading(case, t, msg_id), reply_markup=keyboards.questions_menu(case, t)
        )


async def _checked(
    query: CallbackQuery, slug: str, lang: str, t: Translator, l10n: L10n, catalog: Catalog
) -> tuple[Case, Translator] | None:
    """The case and language a button names, or a polite pop-up when either is gone."""
    case = await case_or_alert(query, catalog, slug, t)
    if case is None:
        return None
    if lang not in l10n.locales:
        await query.answer(t("button-stale"), show_alert=True)
        return None
    return case, l10n.translator(lang)


async def question_button(
    query: CallbackQuery,
    callback_data: QuestionCb,
    bot: Bot,
    t: Translator,
    l10n: L10n,
    catalog: Catalog,
    recent_cases: RecentCases,
    petitions: PetitionService,
    screens: RenderedScreenCache,
) -> None:
    checked = await _checked(query, callback_data.slug, callback_data.lang, t, l10n, catalog)
    if checked is None:
        return
    case, lt = checked
    if case.question(callback_data.q) is None:
        await query.answer(t("button-stale"), show_alert=True)
        return
    recent_cases.remember(query.from_user.id, case.slug)
    chunks, markup = await _answer_parts(bot, case, callback_data.q, lt, petitions, screens)
    if len(chunks) == 1:
        await show(query, chunks[0], markup)
    else:
        await send_chunks(query, chunks, markup)


async def all_questions(
    query: CallbackQuery,
    callback_data: QuestionsCb,
    t: Translator,
    l10n: L10n,
    catalog: Catalog,
    recent_cases: RecentCases,
) -> None:
    checked = await _checked(query, callback_data.slug, callback_data.lang, t, l10n, catalog)
    if checked is None:
        return
    case, lt = checked
    recent_cases.remember(query.from_user.id, case.slug)
    if not case.facts.questions:
        await show(query, views.case_heading(case, lt, "questions-none"), keyboards.back_to_case(case, lt))
        return
    await show(query, views.case_heading(case, lt, "questions-all"), keyboards.all_questions(case, lt))


async def more(
    query: CallbackQuery,
    callback_data: MoreCb,
    bot: Bot,
    t: Translator,
    l10n: L10n,
    catalog: Catalog,
    clock: Callable[[], dt.datetime],
    petitions: PetitionService,
    follows: FollowService,
    news: NewsService,
    screens: RenderedScreenCache,
) -> None:
    """*More on this*: the screen the question points to, in the answer's language."""
    checked = await _checked(query, callback_data.slug, callback_data.lang, t, l10n, catalog)
    if checked is None:
        return
    case, lt = checked
    facts = case.question(callback_data.q)
    if facts is None or facts.pointer_kind is PointerKind.sign:
        await query.answer(t("button-stale"), show_alert=True)
        return
    kind, ref = facts.pointer_kind, facts.pointer_ref
    argument = next((a for a in case.facts.arguments if a.id == ref), None)
    if kind is PointerKind.argument and argument is not None:
        await send_chunks(query, *screens.argument(case, argument, lt))
    elif kind in (PointerKind.event, PointerKind.timeline):
        await send_chunks(query, views.timeline(case, lt), keyboards.back_to_case(case, lt))
    elif kind is PointerKind.charges:
        text, markup = await card_view(
            case, query.from_user.id, bot, lt, clock().date(), follows, petitions, news, screens
        )
        await send_chunks(query, [text], markup)
    elif kind in (PointerKind.disclaimer, PointerKind.why):
        text, markup = screens.why(case, lt)
        await send_chunks(query, [text], markup)
    else:  # the full story: where an entry without a pointer leads
        await send_chunks(query, views.story(case, lt), keyboards.back_to_case(case, lt))


async def _free_text_in_private(message: Message) -> bool:
    """Text that is not a command, in a private chat: one test instead of three magic filters,
    each resolved attribute by attribute on every name and question typed."""
    text = message.text
    return bool(text) and not text.startswith("/") and message.chat.type == ChatType.PRIVATE


def create_router() -> Router:
    router = Router(name="questions")
    # Not a command and not inside a dialogue (no FSM state), in a private chat:
    # in a group the bot must not take every message for a question.
    router.message.register(ask, _free_text_in_private, StateFilter(None))
    router.callback_query.register(question_button, QuestionCb.filter())
    router.callback_query.register(all_questions, QuestionsCb.filter())
    router.callback_query.register(more, MoreCb.filter())
    return router
