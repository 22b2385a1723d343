"""Admin commands and dialogues. One filter on the router guards every handler in it:
for anyone else these commands do not exist, and the update falls through to the
ordinary "unknown command" answer; a forged admin button gets "not available".

/post and /status are FSM dialogues kept in the persistent storage, so an admin's
half-written post survives a restart. The dialogue's data is a :class:`Draft`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from functools import partial

import structlog
from aiogram import F, Router
from aiogram.filters import Command, CommandObject, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message, TelegramObject, User

from bot.cases.catalog import CaseFileError, Catalog, CatalogHolder, cache_beside, load_catalog
from bot.cases.models import LOCALES, Case, Stage
from bot.cases.search import PAGE_SIZE
from bot.config import Settings
from bot.domain.answers import QuestionIndexes
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
    parse_stage_date,
    text_problem,
)
from bot.domain.petition import PetitionService, export_csv, export_json
from bot.domain.stats import CHART_DAYS, StatsService
from bot.handlers.replies import show
from bot.locales import DERIVED, UZ_CYRL, written_source
from bot.pipeline.scaleout import ReloadBus
from bot.storage.repositories import SignatureRepository, StoredUpdate, UpdateRepository
from bot.text import escape, split_message
from bot.ui import catalogue_screens, keyboards, views
from bot.ui.catalogue_callbacks import AdminPickCb, PickPurpose
from bot.ui.catalogue_memory import FoundResults
from bot.ui.charts import signatures_chart
from bot.ui.i18n import L10n, Translator
from bot.ui.keyboards import AdminAction, AdminCb

log = structlog.get_logger("casebot.admin")


class IsAdmin(Filter):
    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


class ComposeFlow(StatesGroup):
    case = State()  # choosing the case
    stage = State()  # /status: choosing the stage
    date = State()  # /status: the date it took effect
    text = State()  # a text for data["lang"]
    fallback = State()  # the language skipped languages get
    preview = State()
    edit = State()  # choosing the language to rewrite


# --- exports (petition) ------------------------------------------------------------


def _has_petition(catalog: Catalog, slug: str) -> bool:
    case = catalog.get(slug)
    return case is not None and case.facts.petition is not None


def _find_case(catalog: Catalog, typed: str, locale: str) -> tuple[Case | None, tuple[str, ...]]:
    """The case an admin named (its slug, or a name in any spelling), else the cases that match."""
    typed = typed.strip()
    if not typed:
        return None, ()
    case = catalog.named(typed)
    if case is not None:
        return case, (case.slug,)
    found = catalog.index.search(typed, locale).slugs
    if len(found) == 1:
        return catalog.get(found[0]), found
    return None, found


async def export(
    message: Message,
    command: CommandObject,
    t: Translator,
    catalog: Catalog,
    signatures: SignatureRepository,
    found: FoundResults,
) -> None:
    words = (command.args or "").split()
    fmt = words.pop().lower() if words and words[-1].lower() in ("csv", "json") else "csv"
    case, matches = _find_case(catalog, " ".join(words), t.locale)
    if case is None or case.facts.petition is None:
        # A name many share, or none: the cases with a petition, to choose from.
        with_petition = [s for s in (matches or catalog.index.browse(t.locale)) if _has_petition(catalog, s)]
        key = found.keep(tuple(with_petition))
        text, markup = catalogue_screens.admin_pick(
            catalog, t, with_petition, 0, PickPurpose.export, key, lead=t("admin-export-usage")
        )
        await message.answer(text, reply_markup=markup)
        return
    await _send_export(message, case, fmt, t, signatures)


async def _send_export(
    message: Message, case: Case, fmt: str, t: Translator, signatures: SignatureRepository
) -> None:
    rows = await signatures.all_of(case.slug)
    content = export_csv(rows) if fmt == "csv" else export_json(case, rows)
    await message.answer_document(
        BufferedInputFile(content, filename=f"{case.slug}-signatures.{fmt}"),
        caption=t("admin-export-done", count=t("signatures", count=len(rows))),
    )


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


# --- the /post and /status dialogues -----------------------------------------------


async def _draft(state: FSMContext) -> Draft | None:
    data = await state.get_data()
    return Draft.from_dict(data["draft"]) if isinstance(data.get("draft"), dict) else None


async def _save(state: FSMContext, draft: Draft, **extra: object) -> None:
    await state.update_data(draft=draft.to_dict(), **extra)


async def _begin(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translator,
    catalog: Catalog,
    kind: str,
    found: FoundResults,
) -> None:
    await state.clear()
    case, matches = _find_case(catalog, command.args or "", t.locale)
    if case is None:
        await state.set_state(ComposeFlow.case)
        await state.update_data(kind=kind)
        usage = t("admin-post-usage" if kind == NEWS else "admin-status-usage")
        await _pick_list(
            message,
            catalog,
            t,
            matches,
            PickPurpose.post if kind == NEWS else PickPurpose.status,
            found,
            lead=usage + "\n\n" + t("admin-choose-case"),
        )
        return
    await _start_draft(message, Draft(slug=case.slug, kind=kind), case, state, t)


async def _pick_list(
    message: Message,
    catalog: Catalog,
    t: Translator,
    matches: tuple[str, ...],
    purpose: PickPurpose,
    found: FoundResults,
    lead: str = "",
) -> None:
    """The cases matching what the admin typed, else every case; paged, a name narrows it."""
    slugs = matches or catalog.index.browse(t.locale)
    key = found.keep(tuple(slugs)) if matches else ""
    text, markup = catalogue_screens.admin_pick(catalog, t, slugs, 0, purpose, key, lead=lead)
    await message.answer(text, reply_markup=markup)


async def picking_text(
    message: Message, state: FSMContext, t: Translator, catalog: Catalog, found: FoundResults
) -> None:
    """A name typed while choosing the case for /post or /status."""
    data = await state.get_data()
    kind = STATUS if data.get("kind") == STATUS else NEWS
    case, matches = _find_case(catalog, message.text or "", t.locale)
    if case is not None:
        await _start_draft(message, Draft(slug=case.slug, kind=kind), case, state, t)
        return
    purpose = PickPurpose.post if kind == NEWS else PickPurpose.status
    await _pick_list(
        message, catalog, t, matches, purpose, found, lead="" if matches else t("admin-pick-none")
    )


async def pick_button(
    query: CallbackQuery,
    callback_data: AdminPickCb,
    t: Translator,
    catalog: Catalog,
    found: FoundResults,
    signatures: SignatureRepository,
    stats: StatsService,
) -> None:
    """A page of an admin's list of cases, or the case chosen for /stats or /export."""
    purpose = callback_data.purpose
    message = query.message if isinstance(query.message, Message) else None
    if callback_data.slug:
        case = catalog.get(callback_data.slug)
        if case is None or message is None or purpose not in (PickPurpose.stats, PickPurpose.export):
            await query.answer(t("button-stale"), show_alert=True)
            return
        await query.answer()
        if purpose is PickPurpose.export:
            if case.facts.petition is None:
                await message.answer(t("admin-export-usage"))
                return
            await _send_export(message, case, "csv", t, signatures)
        else:
            await _send_stats(message, [case], case, t, stats)
        return
    slugs = found.get(callback_data.id) if callback_data.id else catalog.index.browse(t.locale)
    if slugs is None:
        await query.answer(t("catalogue-search-expired"), show_alert=True)
        return
    picker = catalogue_screens.admin_pick(catalog, t, slugs, callback_data.p, purpose, callback_data.id)
    await show(query, *picker)


async def post_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translator,
    catalog: Catalog,
    found: FoundResults,
) -> None:
    await _begin(message, command, state, t, catalog, NEWS, found)


async def status_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    t: Translator,
    catalog: Catalog,
    found: FoundResults,
) -> None:
    await _begin(message, command, state, t, catalog, STATUS, found)


async def _start_draft(target: Message, draft: Draft, case: Case, state: FSMContext, t: Translator) -> None:
    if draft.kind == STATUS:
        await state.set_state(ComposeFlow.stage)
        await _save(state, draft)
        await target.answer(
            t("admin-compose-ask-stage", name=escape(case.name(t.locale))),
            reply_markup=keyboards.admin_stages([s.value for s in Stage], t),
        )
        return
    await _ask_text(target, draft, case, state, t, COMPOSE_ORDER[0])


async def _ask_text(
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
    await _save(state, draft, lang=locale, editing=editing)
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
        await _ask_text(target, draft, case, state, t, following)
        return
    if draft.kind == NEWS and not draft.texts:
        draft.asked.clear()
        await target.answer(t("admin-compose-need-text"))
        await _ask_text(target, draft, case, state, t, COMPOSE_ORDER[0])
        return
    if not draft.settle_fallback(t.locale):
        await state.set_state(ComposeFlow.fallback)
        await _save(state, draft)
        await target.answer(
            t("admin-compose-ask-fallback"), reply_markup=keyboards.admin_fallback(draft.fallback_choices, t)
        )
        return
    await _preview(target, draft, case, state, t, l10n, news, author, now)


def _as_update(draft: Draft, author: User, author_locale: str, now: dt.datetime) -> StoredUpdate:
    """The draft as it will be stored, so the preview renders through the same code as delivery."""
    return StoredUpdate(
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
    await _save(state, draft)
    update = _as_update(draft, author, t.locale, now)
    problems: list[str] = []
    for locale in PREVIEW_ORDER:
        reader = l10n.translator(locale)
        rendered = views.news_message(case, case.slug, update, reader)
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
        await target.answer(rendered, reply_markup=keyboards.delivered_update(case.slug, reader))
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


async def typed_text(
    message: Message,
    state: FSMContext,
    t: Translator,
    l10n: L10n,
    catalog: Catalog,
    news: NewsService,
    clock: Callable[[], dt.datetime],
) -> None:
    draft = await _draft(state)
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


async def typed_date(
    message: Message,
    state: FSMContext,
    t: Translator,
    catalog: Catalog,
    clock: Callable[[], dt.datetime],
) -> None:
    draft = await _draft(state)
    case = catalog.get(draft.slug) if draft else None
    if draft is None or case is None:
        await state.clear()
        await message.answer(t("admin-cancelled"))
        return
    date = parse_stage_date(message.text or "", clock().date())
    if date is None:
        await message.answer(t("admin-compose-bad-date"), reply_markup=keyboards.admin_date(t))
        return
    draft.stage_date = date.isoformat()
    await _ask_text(message, draft, case, state, t, COMPOSE_ORDER[0])


async def cancel_command(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.answer(t("admin-cancelled"))


async def admin_button(
    query: CallbackQuery,
    callback_data: AdminCb,
    state: FSMContext,
    t: Translator,
    l10n: L10n,
    catalog: Catalog,
    news: NewsService,
    updates: UpdateRepository,
    clock: Callable[[], dt.datetime],
    broadcast: BroadcastWorker | None = None,
) -> None:
    action = callback_data.action
    message = query.message if isinstance(query.message, Message) else None
    current = await state.get_state()
    if action is AdminAction.cancel:
        await state.clear()
        await query.answer()
        if message:
            await message.answer(t("admin-cancelled"))
        return
    if message is None or current is None or not current.startswith(ComposeFlow.__full_group_name__):
        await query.answer(t("button-stale"), show_alert=True)
        return
    if action is AdminAction.pick and current == ComposeFlow.case.state:
        case = catalog.get(callback_data.value)
        data = await state.get_data()
        if case is None:
            await query.answer(t("case-unavailable"), show_alert=True)
            return
        await query.answer()
        kind = STATUS if data.get("kind") == STATUS else NEWS
        await _start_draft(message, Draft(slug=case.slug, kind=kind), case, state, t)
        return
    draft = await _draft(state)
    case = catalog.get(draft.slug) if draft else None
    if draft is None or case is None:
        await state.clear()
        await query.answer(t("button-stale"), show_alert=True)
        return
    author = query.from_user
    now = clock()
    if action is AdminAction.stage and current == ComposeFlow.stage.state:
        if callback_data.value not in {s.value for s in Stage}:
            await query.answer(t("button-stale"), show_alert=True)
            return
        await query.answer()
        draft.stage = callback_data.value
        await state.set_state(ComposeFlow.date)
        await _save(state, draft)
        await message.answer(
            t("admin-compose-ask-date", stage=t("stage-name", stage=draft.stage)),
            reply_markup=keyboards.admin_date(t),
        )
    elif action is AdminAction.today and current == ComposeFlow.date.state:
        await query.answer()
        draft.stage_date = now.date().isoformat()
        await _ask_text(message, draft, case, state, t, COMPOSE_ORDER[0])
    elif action is AdminAction.skip and current == ComposeFlow.text.state:
        data = await state.get_data()
        locale = data.get("lang")
        if locale not in LOCALES:
            await query.answer(t("button-stale"), show_alert=True)
            return
        await query.answer()
        draft.answer(str(locale), None)
        await _after_text(
            message, draft, case, state, t, l10n, news, author, now, editing=bool(data.get("editing"))
        )
    elif action is AdminAction.fallback and current == ComposeFlow.fallback.state:
        if callback_data.value not in draft.fallback_choices:
            await query.answer(t("button-stale"), show_alert=True)
            return
        await query.answer()
        draft.fallback = callback_data.value
        await _preview(message, draft, case, state, t, l10n, news, author, now)
    elif action is AdminAction.edit and current == ComposeFlow.preview.state:
        await query.answer()
        await state.set_state(ComposeFlow.edit)
        await message.answer(
            t("admin-edit-choose"), reply_markup=keyboards.admin_edit_languages(COMPOSE_ORDER, t)
        )
    elif action is AdminAction.edit_lang and current == ComposeFlow.edit.state:
        if callback_data.value not in LOCALES:
            await query.answer(t("button-stale"), show_alert=True)
            return
        await query.answer()
        await _ask_text(message, draft, case, state, t, callback_data.value, editing=True)
    elif action in (AdminAction.publish, AdminAction.quiet) and current == ComposeFlow.preview.state:
        if callback_data.key != draft.key or (action is AdminAction.quiet and draft.kind != STATUS):
            await query.answer(t("button-stale"), show_alert=True)
            return
        await _publish(query, message, draft, case, state, t, l10n, news, updates, now, broadcast, action)
    else:
        await query.answer(t("button-stale"), show_alert=True)


async def _publish(
    query: CallbackQuery,
    message: Message,
    draft: Draft,
    case: Case,
    state: FSMContext,
    t: Translator,
    l10n: L10n,
    news: NewsService,
    updates: UpdateRepository,
    now: dt.datetime,
    broadcast: BroadcastWorker | None,
    action: AdminAction,
) -> None:
    update = _as_update(draft, query.from_user, t.locale, now)
    for locale in PREVIEW_ORDER:
        if message_problem(views.news_message(case, case.slug, update, l10n.translator(locale))):
            await query.answer(t("button-stale"), show_alert=True)
            return
    announce = action is AdminAction.publish
    published = await news.publish(
        draft, author_id=query.from_user.id, author_locale=t.locale, announce=announce
    )
    await state.clear()
    await query.answer()
    if not published.created:
        return  # a second tap on the same preview: already published
    log.info("admin.published", update=published.update_id, kind=draft.kind, recipients=published.recipients)
    if draft.kind == STATUS and not announce:
        assert draft.stage is not None and draft.date is not None
        status_line = views.stage_status(case, t, Stage(draft.stage), draft.date)
        await message.answer(t("admin-status-saved", status=status_line))
        return
    progress = await message.answer(t("admin-published", followers=published.recipients))
    if published.recipients:
        await updates.set_progress_message(published.update_id, progress.chat.id, progress.message_id)
        if broadcast is not None:
            broadcast.wake()


# --- /reload and /stats --------------------------------------------------------------


async def reload_catalog(
    message: Message,
    t: Translator,
    settings: Settings,
    catalogs: CatalogHolder,
    question_indexes: QuestionIndexes,
    reload_bus: ReloadBus | None = None,
) -> None:
    try:
        # Only the folders whose files changed are parsed again.
        fresh = await asyncio.to_thread(
            partial(load_catalog, cache=cache_beside(settings.database_path)),
            settings.cases_dir,
            catalogs.current,
        )
    except CaseFileError as exc:
        report = t("admin-reload-failed") + "\n\n" + "\n".join(escape(p) for p in exc.problems)
        for chunk in split_message(report):
            await message.answer(chunk)
        log.warning("admin.reload_failed", problems=len(exc.problems))
        return
    await question_indexes.prepare(fresh)
    previous = catalogs.swap(fresh)
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


async def stats_command(
    message: Message,
    command: CommandObject,
    t: Translator,
    catalog: Catalog,
    stats: StatsService,
    found: FoundResults,
) -> None:
    named = (command.args or "").strip()
    chosen, matches = _find_case(catalog, named, t.locale)
    if named and chosen is None:
        lead = t("admin-stats-usage") + ("" if matches else "\n\n" + t("admin-pick-none"))
        await _pick_list(message, catalog, t, matches, PickPurpose.stats, found, lead=lead)
        return
    if chosen is None and len(catalog) > PAGE_SIZE:
        # A thousand cases are not one report: the totals, and a case to choose.
        await _send_stats(message, [], None, t, stats)
        await _pick_list(message, catalog, t, (), PickPurpose.stats, found)
        return
    await _send_stats(message, [chosen] if chosen else list(catalog), chosen, t, stats)


async def _send_stats(
    message: Message, cases: list[Case], chosen: Case | None, t: Translator, stats: StatsService
) -> None:
    blocks = []
    for case in cases:
        numbers = await stats.case(case)
        common = {
            "name": escape(case.name(t.locale)),
            "followers": numbers.followers,
            "inactive": numbers.inactive,
            "pending": numbers.deliveries.open,
            "sent": numbers.deliveries.sent,
            "failed": numbers.deliveries.failed,
        }
        if not numbers.has_petition:
            blocks.append(t("admin-stats-no-petition", **common))
            continue
        milestones = ", ".join(str(m) for m in numbers.milestones) or t("admin-stats-no-milestones")
        blocks.append(
            t(
                "admin-stats-case",
                total=numbers.signatures,
                day=numbers.last_day,
                milestones=milestones,
                **{loc: numbers.per_locale.get(loc, 0) for loc in LOCALES},
                **common,
            )
        )
        blocks[-1] += "\n" + t(
            "admin-stats-uz-cyrl",
            signatures=numbers.per_locale.get(UZ_CYRL, 0),
            followers=numbers.followers_per_locale.get(UZ_CYRL, 0),
        )
    if chosen is None:
        total = await stats.total()
        blocks.append(
            t(
                "admin-stats-total",
                followers=total.followers,
                inactive=total.inactive,
                pending=total.deliveries.open,
                sent=total.deliveries.sent,
                failed=total.deliveries.failed,
            )
            + "\n"
            + t("admin-stats-uz-cyrl-readers", readers=total.readers_per_locale.get(UZ_CYRL, 0))
        )
    for chunk in split_message("\n\n".join(blocks)):
        await message.answer(chunk)
    if not cases:
        return
    series = await stats.per_day(cases, CHART_DAYS)
    # matplotlib blocks for tens of milliseconds: never on the event loop.
    png = await asyncio.to_thread(signatures_chart, series, t("admin-stats-chart-title", days=CHART_DAYS))
    await message.answer_photo(
        BufferedInputFile(png, filename=f"signatures-{chosen.slug if chosen else 'all'}.png"),
        caption=t("admin-stats-chart-caption", days=CHART_DAYS),
    )


async def not_available(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("admin-not-available"), show_alert=True)


def create_router() -> Router:
    gated = Router(name="admin")
    gated.message.filter(IsAdmin())
    gated.callback_query.filter(IsAdmin())
    gated.message.register(export, Command("export"))
    gated.message.register(close_petition, Command("closepetition"))
    gated.message.register(post_command, Command("post"))
    gated.message.register(status_command, Command("status"))
    gated.message.register(reload_catalog, Command("reload"))
    gated.message.register(stats_command, Command("stats"))
    gated.message.register(cancel_command, Command("cancel"), StateFilter(ComposeFlow))
    not_a_command = ~F.text.startswith("/")
    gated.message.register(typed_date, StateFilter(ComposeFlow.date), F.text, not_a_command)
    gated.message.register(typed_text, StateFilter(ComposeFlow.text), not_a_command)
    gated.message.register(picking_text, StateFilter(ComposeFlow.case), F.text, not_a_command)
    gated.callback_query.register(pick_button, AdminPickCb.filter())
    gated.callback_query.register(admin_button, AdminCb.filter())
    # Outside the gate: anyone else's admin button (forged or left over) gets a polite no.
    denied = Router(name="admin-denied")
    denied.callback_query.register(not_available, AdminCb.filter())
    denied.callback_query.register(not_available, AdminPickCb.filter())
    outer = Router(name="admin-outer")
    outer.include_routers(gated, denied)
    return outer
