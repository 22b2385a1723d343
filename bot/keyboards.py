"""Inline keyboards and the CallbackData factories behind their buttons.

Callback data is at most 64 bytes and can be forged by any client, so every
factory has short prefixes and typed fields; handlers still check that the
slug or id it names exists (a stale button is answered politely).
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.cases.catalog import Catalog
from bot.cases.models import Case
from bot.i18n import LANGUAGE_NAMES, Translator


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


def case_link(bot_username: str, slug: str) -> str:
    return f"https://t.me/{bot_username}?start={slug}"


def share_url(link: str, text: str) -> str:
    # t.me/share opens Telegram's "send to…" picker with the link and a line of text.
    return f"https://t.me/share/url?url={quote(link, safe='')}&text={quote(text, safe='')}"


def cases_menu(catalog: Catalog, t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for case in catalog:
        kb.button(text=case.name(t.locale), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.button(text=t("btn-language"), callback_data=MenuCb(target=MenuTarget.language))
    kb.button(text=t("btn-help"), callback_data=MenuCb(target=MenuTarget.help))
    kb.adjust(*([1] * len(catalog)), 2)
    return kb.as_markup()


def case_card(case: Case, t: Translator, bot_username: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    sex = case.facts.sex.value
    if case.facts.petition is not None:
        kb.button(text=t("btn-sign"), callback_data=PetitionCb(action=PetitionAction.open, slug=case.slug))
    kb.button(text=t("btn-why", sex=sex), callback_data=CaseCb(view=CaseView.why, slug=case.slug))
    kb.button(text=t("btn-story"), callback_data=CaseCb(view=CaseView.story, slug=case.slug))
    kb.button(text=t("btn-timeline"), callback_data=CaseCb(view=CaseView.timeline, slug=case.slug))
    link = case_link(bot_username, case.slug)
    kb.button(text=t("btn-share"), url=share_url(link, t("share-text", name=case.name(t.locale), sex=sex)))
    kb.button(text=t("btn-back"), callback_data=MenuCb(target=MenuTarget.cases))
    kb.adjust(*([1] if case.facts.petition is not None else []), 1, 2, 2)
    return kb.as_markup()


def why(case: Case, t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
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
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn-arguments"), callback_data=CaseCb(view=CaseView.why, slug=case.slug))
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def back_to_case(case: Case, t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    return kb.as_markup()


def languages() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code, label in LANGUAGE_NAMES.items():
        kb.button(text=label, callback_data=LanguageCb(code=code))
    kb.adjust(3)
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
    kb = InlineKeyboardBuilder()
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
    kb = InlineKeyboardBuilder()
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
    kb = InlineKeyboardBuilder()
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
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("btn-withdraw"),
        callback_data=PetitionCb(action=PetitionAction.withdraw, slug=case.slug),
    )
    kb.button(text=t("btn-case"), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.adjust(1)
    return kb.as_markup()


def withdraw_confirm(case: Case, t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("btn-withdraw-yes"),
        callback_data=PetitionCb(action=PetitionAction.withdraw_yes, slug=case.slug),
    )
    kb.button(text=t("btn-keep"), callback_data=PetitionCb(action=PetitionAction.keep, slug=case.slug))
    kb.adjust(2)
    return kb.as_markup()


def forget_confirm(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn-forget-yes"), callback_data=ForgetCb(confirm=True))
    kb.button(text=t("btn-cancel"), callback_data=ForgetCb(confirm=False))
    kb.adjust(1)
    return kb.as_markup()


def sign_only(case: Case, t: Translator, bot_username: str) -> InlineKeyboardMarkup:
    """Under an inline-mode card in someone else's chat: opens the bot on the petition."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn-sign"), url=sign_link(bot_username, case.slug))
    return kb.as_markup()
