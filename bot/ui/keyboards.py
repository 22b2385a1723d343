"""Inline keyboards and the CallbackData factories behind their buttons.

Callback data is at most 64 bytes and can be forged by any client, so every
factory has short prefixes and typed fields; handlers still check that the
slug or id it names exists (a stale button is answered politely).
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.cases.catalog import Catalog
from bot.cases.models import Case, PointerKind
from bot.cases.search import PAGE_SIZE
from bot.locales import LANGUAGE_NAMES
from bot.ui.catalogue_callbacks import BrowseCb, BrowseOrder, CatalogueAction, CatalogueCb, FilterCb
from bot.ui.i18n import Translator


class CaseView(StrEnum):
    card = "card"
    why = "why"
    story = "story"
    timeline = "timeline"


class CaseCb(CallbackData, prefix="c"):
    view: CaseView
    slug: str


class ArgumentCb(CallbackData, prefix="a"):
    slug: str
    arg: str


class LanguageCb(CallbackData, prefix="l"):
    code: str


class MenuTarget(StrEnum):
    cases = "cases"
    language = "language"
    help = "help"


class MenuCb(CallbackData, prefix="m"):
    target: MenuTarget


# Questions carry the language of the answer: a reader whose Telegram is in Russian
# may ask in Uzbek, and the buttons under an Uzbek answer must go on in Uzbek.
# "q:<slug ≤32>:<id ≤24>:<lang>" stays within the 64 bytes Telegram allows.
class QuestionCb(CallbackData, prefix="q"):
    slug: str
    q: str
    lang: str


class MoreCb(CallbackData, prefix="qm"):
    """*More on this*: the screen an answered question points to."""

    slug: str
    q: str
    lang: str


class QuestionsCb(CallbackData, prefix="qa"):
    """*All questions* about a case."""

    slug: str
    lang: str


# The questions shown with the "I can answer questions about…" menu; the rest are
# one tap away under *All questions*.
MENU_QUESTIONS = 6


class Keyboard:
    """aiogram's InlineKeyboardBuilder as used here — buttons, then rows by :meth:`adjust` —
    without its copies: the builder deep-copies the whole markup on every ``button()``
    and again on ``as_markup()``, a third of a card view's CPU time (bench/). A
    keyboard here is local to one call, so there is nothing to protect.
    """

    MAX_WIDTH = 8  # Telegram's, and the builder's, widest row

    def __init__(self) -> None:
        self._buttons: list[InlineKeyboardButton] = []
        self._sizes: tuple[int, ...] = (self.MAX_WIDTH,)

    def button(self, *, text: str, callback_data: CallbackData | None = None, url: str | None = None) -> None:
        packed = callback_data.pack() if callback_data is not None else None
        self._buttons.append(InlineKeyboardButton(text=text, callback_data=packed, url=url))

    def adjust(self, *sizes: int) -> None:
        """Rows of ``sizes`` buttons in turn, the last size repeating, as the builder's adjust()."""
        if any(not 1 <= size <= self.MAX_WIDTH for size in sizes):
            raise ValueError(f"row sizes must be 1…{self.MAX_WIDTH}: {sizes}")
        self._sizes = sizes or (self.MAX_WIDTH,)

    def as_markup(self) -> InlineKeyboardMarkup:
        sizes = iter(self._sizes)
        size = next(sizes)
        rows: list[list[InlineKeyboardButton]] = []
        row: list[InlineKeyboardButton] = []
        for button in self._buttons:
            if len(row) >= size:
                rows.append(row)
                row = []
                size = next(sizes, size)
            row.append(button)
        if row:
            rows.append(row)
        return InlineKeyboardMarkup(inline_keyboard=rows)


def case_link(bot_username: str, slug: str) -> str:
    return f"https://t.me/{bot_username}?start={slug}"


def share_url(link: str, text: str) -> str:
    # t.me/share opens Telegram's "send to…" picker with the link and a line of text.
    return f"https://t.me/share/url?url={quote(link, safe='')}&text={quote(text, safe='')}"


def cases_menu(catalog: Catalog, t: Translator) -> InlineKeyboardMarkup:
    """The way into the cases: each case while they fit one page, else search, browse, filters."""
    kb = Keyboard()
    if len(catalog) <= PAGE_SIZE:
        for case in catalog:
            kb.button(text=case.name(t.locale), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
        rows = [1] * len(catalog)
    else:
        # Never a button per case: Telegram refuses about a hundred, and nobody reads them.
        kb.button(text=t("btn-catalogue-search"), callback_data=CatalogueCb(action=CatalogueAction.search))
        kb.button(text=t("btn-catalogue-browse"), callback_data=BrowseCb(order=BrowseOrder.alphabet))
        kb.button(text=t("btn-catalogue-recent"), callback_data=BrowseCb(order=BrowseOrder.recent))
        kb.button(text=t("btn-catalogue-filters"), callback_data=FilterCb())
        rows = [1, 2, 1]
    kb.button(text=t("btn-language"), callback_data=MenuCb(target=MenuTarget.language))
    kb.button(text=t("btn-help"), callback_data=MenuCb(target=MenuTarget.help))
    kb.adjust(*rows, 2)
    return kb.as_markup()


class FollowAction(StrEnum):
    follow = "follow"
    unfollow = "unfollow"


class FollowOrigin(StrEnum):
    card = "card"  # the case card: redraw it with the other button
    list = "list"  # /following: redraw the list
    news = "news"  # under a delivered update: answer with a pop-up only


class FollowCb(CallbackData, prefix="fo"):
    action: FollowAction
    slug: str
    origin: FollowOrigin = FollowOrigin.card


class NewsCb(CallbackData, prefix="n"):
    slug: str
    page: int = 0  # 0 = the newest update


def case_card(
    case: Case, t: Translator, bot_username: str, *, following: bool = False
) -> InlineKeyboardMarkup:
    slug = case.slug
    sex = case.facts.sex.value

    def button(text: str, data: CallbackData) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=text, callback_data=data.pack())

    follow = FollowCb(action=FollowAction.unfollow if following else FollowAction.follow, slug=slug)
    share = share_url(case_link(bot_username, slug), t("share-text", name=case.name(t.locale), sex=sex))
    # Only the screens this case has: a short case has no "why" and no story yet.
    reading = [button(t("btn-timeline"), CaseCb(view=CaseView.timeline, slug=slug))]
    if case.text(t.locale).story is not None:
        reading.insert(0, button(t("btn-story"), CaseCb(view=CaseView.story, slug=slug)))
    why = [[button(t("btn-why", sex=sex), CaseCb(view=CaseView.why, slug=slug))]]
    rows = [
        *(why if case.facts.recognition else []),
        reading,
        [
            button(t("btn-news"), NewsCb(slug=slug)),
            button(t("btn-unfollow" if following else "btn-follow-case"), follow),
        ],
        [
            InlineKeyboardButton(text=t("btn-share"), url=share),
            button(t("btn-back"), MenuCb(target=MenuTarget.cases)),
        ],
    ]
    if case.facts.petition is not None:
        rows.insert(0, [button(t("btn-sign"), PetitionCb(action=PetitionAction.open, slug=slug))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def news_nav(case: Case, t: Translator, position: int, total: int) -> InlineKeyboardMarkup:
    kb = Keyboard()
    row = 0
    if position + 1 < total:
        kb.button(text=t("btn-news-older"), callback_data=NewsCb(slug=case.slug, page=position + 1))
        row += 1
    if position > 0:
        kb.button(text=t("btn-news-newer"), callback_data=NewsCb(slug=case.slug, page=position - 1))
        row += 1
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(*([row] if row else []), 1)
    return kb.as_markup()


def following_list(cases: list[Case], t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for case in cases:
        kb.button(
            text=t("btn-unfollow-case", name=case.name(t.locale)),
            callback_data=FollowCb(action=FollowAction.unfollow, slug=case.slug, origin=FollowOrigin.list),
        )
    kb.adjust(1)
    return kb.as_markup()


def delivered_news(slug: str, t: Translator) -> InlineKeyboardMarkup:
    """Under an update a follower receives."""
    kb = Keyboard()
    kb.button(text=t("btn-open-case"), callback_data=CaseCb(view=CaseView.card, slug=slug))
    kb.button(
        text=t("btn-unfollow"),
        callback_data=FollowCb(action=FollowAction.unfollow, slug=slug, origin=FollowOrigin.news),
    )
    kb.adjust(2)
    return kb.as_markup()


def why(case: Case, t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    texts = case.text(t.locale)
    for argument in case.facts.arguments:
        kb.button(
            text=texts.arguments[argument.id].title,
            callback_data=ArgumentCb(slug=case.slug, arg=argument.id),
        )
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def argument(case: Case, t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=t("btn-arguments"), callback_data=CaseCb(view=CaseView.why, slug=case.slug))
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def empty_news(case: Case, t: Translator, *, following: bool) -> InlineKeyboardMarkup:
    """The News screen of a case with no news yet: it offers the Follow it speaks of."""
    kb = Keyboard()
    if not following:
        kb.button(
            text=t("btn-follow-case"),
            callback_data=FollowCb(action=FollowAction.follow, slug=case.slug, origin=FollowOrigin.news),
        )
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def back_to_case(case: Case, t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    return kb.as_markup()


def languages() -> InlineKeyboardMarkup:
    kb = Keyboard()
    for code, label in LANGUAGE_NAMES.items():
        kb.button(text=label, callback_data=LanguageCb(code=code))
    kb.adjust(2)
    return kb.as_markup()


class PetitionAction(StrEnum):
    open = "open"
    named = "named"
    anonymous = "anon"
    use_name = "usename"
    skip_city = "skipcity"
    cancel = "cancel"
    withdraw = "withdraw"
    withdraw_yes = "withdrawyes"
    keep = "keep"
    follow = "follow"


class PetitionCb(CallbackData, prefix="p"):
    action: PetitionAction
    slug: str
    # "link" when signing started from a shared t.me/<bot>?start=sign_<slug> link.
    via: str = ""


class ForgetCb(CallbackData, prefix="f"):
    confirm: bool


def sign_link(bot_username: str, slug: str) -> str:
    return f"https://t.me/{bot_username}?start=sign_{slug}"


def petition_confirm(case: Case, t: Translator, via: str) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(
        text=t("btn-sign-named"),
        callback_data=PetitionCb(action=PetitionAction.named, slug=case.slug, via=via),
    )
    kb.button(
        text=t("btn-sign-anonymous"),
        callback_data=PetitionCb(action=PetitionAction.anonymous, slug=case.slug, via=via),
    )
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def petition_step(
    case: Case, t: Translator, *, use_name: bool = False, skip_city: bool = False
) -> InlineKeyboardMarkup:
    kb = Keyboard()
    if use_name:
        kb.button(
            text=t("btn-use-name"),
            callback_data=PetitionCb(action=PetitionAction.use_name, slug=case.slug),
        )
    if skip_city:
        kb.button(
            text=t("btn-skip-city"),
            callback_data=PetitionCb(action=PetitionAction.skip_city, slug=case.slug),
        )
    kb.button(text=t("btn-cancel"), callback_data=PetitionCb(action=PetitionAction.cancel, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def petition_signed(
    case: Case, t: Translator, bot_username: str, *, offer_follow: bool
) -> InlineKeyboardMarkup:
    kb = Keyboard()
    link = sign_link(bot_username, case.slug)
    kb.button(
        text=t("btn-share-petition"),
        url=share_url(link, t("share-petition-text", name=case.name(t.locale))),
    )
    if offer_follow:
        kb.button(
            text=t("btn-follow"),
            callback_data=PetitionCb(action=PetitionAction.follow, slug=case.slug),
        )
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def already_signed(case: Case, t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(
        text=t("btn-withdraw"),
        callback_data=PetitionCb(action=PetitionAction.withdraw, slug=case.slug),
    )
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def withdraw_confirm(case: Case, t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(
        text=t("btn-withdraw-yes"),
        callback_data=PetitionCb(action=PetitionAction.withdraw_yes, slug=case.slug),
    )
    kb.button(text=t("btn-keep"), callback_data=PetitionCb(action=PetitionAction.keep, slug=case.slug))
    kb.adjust(2)
    return kb.as_markup()


def forget_confirm(t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=t("btn-forget-yes"), callback_data=ForgetCb(confirm=True))
    kb.button(text=t("btn-cancel"), callback_data=ForgetCb(confirm=False))
    kb.adjust(1)
    return kb.as_markup()


def sign_only(case: Case, t: Translator, bot_username: str) -> InlineKeyboardMarkup:
    """Under an inline-mode card in someone else's chat: opens the bot on the petition."""
    kb = Keyboard()
    kb.button(text=t("btn-sign"), url=sign_link(bot_username, case.slug))
    return kb.as_markup()


# --- admin dialogues (/post, /status) -----------------------------------------------


class AdminAction(StrEnum):
    pick = "pick"  # value: slug
    skip = "skip"  # leave the language asked for out
    fallback = "fb"  # value: locale
    stage = "stage"  # value: stage
    today = "today"
    publish = "pub"  # key: the draft's key
    quiet = "quiet"  # key: save a status without announcing it
    edit = "edit"
    edit_lang = "elang"  # value: locale
    cancel = "cancel"


class AdminCb(CallbackData, prefix="ad"):
    action: AdminAction
    value: str = ""
    key: str = ""


def admin_text_step(t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=t("btn-skip"), callback_data=AdminCb(action=AdminAction.skip))
    kb.button(text=t("btn-cancel"), callback_data=AdminCb(action=AdminAction.cancel))
    kb.adjust(2)
    return kb.as_markup()


def admin_fallback(choices: list[str], t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for locale in choices:
        kb.button(
            text=t(f"btn-lang-{locale}"), callback_data=AdminCb(action=AdminAction.fallback, value=locale)
        )
    kb.button(text=t("btn-cancel"), callback_data=AdminCb(action=AdminAction.cancel))
    kb.adjust(len(choices), 1)
    return kb.as_markup()


def admin_stages(stages: list[str], t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for stage in stages:
        kb.button(
            text=t("stage-name", stage=stage), callback_data=AdminCb(action=AdminAction.stage, value=stage)
        )
    kb.button(text=t("btn-cancel"), callback_data=AdminCb(action=AdminAction.cancel))
    kb.adjust(2)
    return kb.as_markup()


def admin_date(t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=t("btn-today"), callback_data=AdminCb(action=AdminAction.today))
    kb.button(text=t("btn-cancel"), callback_data=AdminCb(action=AdminAction.cancel))
    kb.adjust(2)
    return kb.as_markup()


def admin_preview(t: Translator, key: str, *, status: bool, publishable: bool) -> InlineKeyboardMarkup:
    kb = Keyboard()
    if publishable and status:
        kb.button(text=t("btn-save-announce"), callback_data=AdminCb(action=AdminAction.publish, key=key))
        kb.button(text=t("btn-save-quiet"), callback_data=AdminCb(action=AdminAction.quiet, key=key))
    elif publishable:
        kb.button(text=t("btn-publish"), callback_data=AdminCb(action=AdminAction.publish, key=key))
    kb.button(text=t("btn-edit"), callback_data=AdminCb(action=AdminAction.edit))
    kb.button(text=t("btn-cancel"), callback_data=AdminCb(action=AdminAction.cancel))
    kb.adjust(1)
    return kb.as_markup()


def admin_edit_languages(locales: tuple[str, ...], t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for locale in locales:
        kb.button(
            text=t(f"btn-lang-{locale}"), callback_data=AdminCb(action=AdminAction.edit_lang, value=locale)
        )
    kb.button(text=t("btn-cancel"), callback_data=AdminCb(action=AdminAction.cancel))
    kb.adjust(len(locales), 1)
    return kb.as_markup()


def _question_buttons(kb: Keyboard, case: Case, ids: list[str], t: Translator) -> None:
    texts = case.text(t.locale).questions
    for ident in ids:
        kb.button(
            text=texts[ident].label,
            callback_data=QuestionCb(slug=case.slug, q=ident, lang=t.locale),
        )


def question_answer(
    case: Case, question_id: str, t: Translator, sign_url: str | None
) -> InlineKeyboardMarkup:
    """Under an answer: *More on this*, *All questions* and, if signing is open, *Sign*."""
    kb = Keyboard()
    facts = case.question(question_id)
    if facts is not None and facts.pointer_kind is not PointerKind.sign:
        kb.button(
            text=t("btn-q-more"),
            callback_data=MoreCb(slug=case.slug, q=question_id, lang=t.locale),
        )
    kb.button(text=t("btn-q-all"), callback_data=QuestionsCb(slug=case.slug, lang=t.locale))
    if sign_url is not None:
        kb.button(text=t("btn-q-sign"), url=sign_url)
    kb.adjust(2, 1)
    return kb.as_markup()


def question_choice(case: Case, ids: list[str], t: Translator) -> InlineKeyboardMarkup:
    """Close questions (a weak match), then *All questions* and the case card."""
    kb = Keyboard()
    _question_buttons(kb, case, ids, t)
    kb.button(text=t("btn-q-all"), callback_data=QuestionsCb(slug=case.slug, lang=t.locale))
    kb.button(text=t("btn-q-open-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(*([1] * len(ids)), 2)
    return kb.as_markup()


def questions_menu(case: Case, t: Translator) -> InlineKeyboardMarkup:
    """The "I can answer questions about…" menu: the first questions, all, the case."""
    ids = [q.id for q in case.facts.questions]
    if len(ids) <= MENU_QUESTIONS:
        kb = Keyboard()
        _question_buttons(kb, case, ids, t)
        kb.button(text=t("btn-q-open-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
        kb.button(text=t("btn-cases"), callback_data=MenuCb(target=MenuTarget.cases))
        kb.adjust(*([1] * len(ids)), 2)
        return kb.as_markup()
    return question_choice(case, ids[:MENU_QUESTIONS], t)


def all_questions(case: Case, t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    ids = [q.id for q in case.facts.questions]
    _question_buttons(kb, case, ids, t)
    kb.button(text=t("btn-q-open-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def which_case(
    catalog: Catalog, options: tuple[tuple[str, str | None], ...], t: Translator
) -> InlineKeyboardMarkup:
    """One button per case; each opens that case's answer to the question (or its list)."""
    kb = Keyboard()
    shown = 0
    for slug, question_id in options:
        case = catalog.get(slug)
        if case is None:
            continue
        shown += 1
        data: CallbackData = (
            QuestionCb(slug=slug, q=question_id, lang=t.locale)
            if question_id is not None
            else QuestionsCb(slug=slug, lang=t.locale)
        )
        kb.button(text=case.name(t.locale), callback_data=data)
    kb.button(text=t("btn-cases"), callback_data=MenuCb(target=MenuTarget.cases))
    kb.adjust(*([1] * shown), 1)
    return kb.as_markup()
