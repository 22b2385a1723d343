"""The catalogue's screens: a page of cases, the filters, a search that found nothing.

Texts are HTML built from Fluent messages (``locales/*/catalogue.ftl``) and
escaped case data; keyboards stay within Telegram's limits (at most 8 cases a
page plus a few controls; callback data in bot/ui/catalogue_callbacks.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.cases.catalog import Catalog
from bot.cases.models import Case, Stage
from bot.cases.search import PAGE_SIZE, Facet, Filters, Page, page
from bot.domain.news import CurrentStatus
from bot.text import escape
from bot.ui import views
from bot.ui.catalogue_callbacks import (
    AdminPickCb,
    CatalogueAction,
    CatalogueCb,
    FilterCb,
    FilterView,
    PickPurpose,
)
from bot.ui.i18n import Translator
from bot.ui.keyboards import AdminAction, AdminCb, CaseCb, CaseView, Keyboard
from bot.ui.screens import RenderedScreenCache


def articles(case: Case, t: Translator) -> str:
    """The articles of the charges, short: «ст. 205.2 ч. 2, ст. 282.2»."""
    parts = []
    for charge in case.facts.charges:
        if charge.part is None:
            parts.append(t("catalogue-article", article=charge.article))
        else:
            parts.append(t("catalogue-article-part", article=charge.article, part=charge.part))
    return ", ".join(parts)


def _line(case: Case, t: Translator, current: CurrentStatus | None) -> str:
    """Name, articles, status; the page puts the number before it."""
    return t(
        "catalogue-line",
        name=escape(case.name(t.locale)),
        articles=escape(articles(case, t)),
        status=views.status(case, t, current),
    )


def listing(
    title: str,
    shown: Page[str],
    catalog: Catalog,
    t: Translator,
    statuses: Mapping[str, CurrentStatus | None],
    turn: Callable[[int], CallbackData],
    extra: list[tuple[str, CallbackData]] | None = None,
    screens: RenderedScreenCache | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of cases: a line each (name, articles, status), a button each, Previous/Next."""
    lines = [title, t("catalogue-page", number=shown.number + 1, count=shown.count)]
    kb = Keyboard()
    first = shown.number * PAGE_SIZE
    cases = [case for slug in shown.items if (case := catalog.get(slug)) is not None]
    for offset, case in enumerate(cases):
        current = statuses.get(case.slug)
        line = (
            screens.catalogue_line(case, t, current, lambda case=case, c=current: _line(case, t, c))
            if screens is not None
            else _line(case, t, current)
        )
        lines.append(f"{first + offset + 1}. {line}")
        kb.button(text=case.name(t.locale), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    rows = [1] * len(cases)
    nav = 0
    if shown.has_previous:
        kb.button(text=t("btn-catalogue-previous"), callback_data=turn(shown.number - 1))
        nav += 1
    if shown.has_next:
        kb.button(text=t("btn-catalogue-next"), callback_data=turn(shown.number + 1))
        nav += 1
    if nav:
        rows.append(nav)
    controls = [*(extra or []), (t("btn-catalogue-home"), CatalogueCb(action=CatalogueAction.home))]
    for text, data in controls:
        kb.button(text=text, callback_data=data)
    kb.adjust(*rows, len(controls))
    return "\n\n".join(lines), kb.as_markup()


# --- filters ----------------------------------------------------------------------


def filter_data(filters: Filters, view: FilterView = FilterView.summary, p: int = 0) -> FilterCb:
    return FilterCb(
        a=filters.article or "",
        s=filters.stage or "",
        r=filters.region or "",
        c=filters.category or "",
        v=view,
        p=p,
    )


def filters_of(data: FilterCb) -> Filters:
    return Filters(
        article=data.a or None, stage=data.s or None, region=data.r or None, category=data.c or None
    )


_FACET_VIEW = {
    Facet.article: FilterView.article,
    Facet.stage: FilterView.stage,
    Facet.region: FilterView.region,
    Facet.category: FilterView.category,
}
VIEW_FACET = {view: facet for facet, view in _FACET_VIEW.items()}


def value_label(facet: Facet, value: str, catalog: Catalog, t: Translator) -> str:
    if facet is Facet.article:
        code, _, article = value.partition("/")
        return views.charge_ref(t, code, article, None)
    if facet is Facet.stage:
        return t("stage-name", stage=value) if value in Stage.__members__.values() else value
    if facet is Facet.region:
        names = catalog.index.region_names.get(value)
        return names.get(t.locale, names.get("en", value)) if names else value
    return t("catalogue-category", category=value)


def filter_summary(
    catalog: Catalog, filters: Filters, t: Translator, stages: Mapping[str, str]
) -> tuple[str, InlineKeyboardMarkup]:
    """The filters in force, the count, a button per filter; an empty result offers to drop one."""
    count = len(catalog.index.filter(filters, t.locale, stages))
    lines = [t("catalogue-filters-title")]
    kb = Keyboard()
    rows: list[int] = []
    for facet in Facet:
        value = filters.get(facet)
        shown = escape(value_label(facet, value, catalog, t)) if value else t("catalogue-filter-any")
        lines.append(t("catalogue-filter-line", facet=facet.name, value=shown))
        kb.button(
            text=t("btn-catalogue-facet", facet=facet.name, chosen=1 if value else 0),
            callback_data=filter_data(filters, _FACET_VIEW[facet]),
        )
    rows += [2, 2]
    lines.append("")
    if count:
        lines.append(t("catalogue-filter-count", count=count))
        kb.button(
            text=t("btn-catalogue-show", count=count), callback_data=filter_data(filters, FilterView.results)
        )
        rows.append(1)
    else:
        lines.append(t("catalogue-filter-empty"))
        for facet in filters.active:
            kb.button(
                text=t("btn-catalogue-drop", facet=facet.name),
                callback_data=filter_data(filters.with_value(facet, None)),
            )
            rows.append(1)
    if filters.active:
        kb.button(text=t("btn-catalogue-clear"), callback_data=FilterCb())
    kb.button(text=t("btn-catalogue-home"), callback_data=CatalogueCb(action=CatalogueAction.home))
    rows.append(2 if filters.active else 1)
    kb.adjust(*rows)
    return "\n".join(lines), kb.as_markup()


def facet_choice(
    catalog: Catalog, filters: Filters, facet: Facet, number: int, t: Translator, stages: Mapping[str, str]
) -> tuple[str, InlineKeyboardMarkup]:
    """The values of one filter, each with how many cases it leaves; paged."""
    values = catalog.index.facet_values(filters, facet, stages)
    if facet is Facet.region:
        values.sort(key=lambda item: value_label(facet, item[0], catalog, t))
    shown = page(values, number)
    kb = Keyboard()
    for value, count in shown.items:
        label = t("btn-catalogue-value", label=value_label(facet, value, catalog, t), count=count)
        kb.button(text=label, callback_data=filter_data(filters.with_value(facet, value)))
    rows = [1] * len(shown.items)
    nav = 0
    view = _FACET_VIEW[facet]
    if shown.has_previous:
        kb.button(
            text=t("btn-catalogue-previous"), callback_data=filter_data(filters, view, shown.number - 1)
        )
        nav += 1
    if shown.has_next:
        kb.button(text=t("btn-catalogue-next"), callback_data=filter_data(filters, view, shown.number + 1))
        nav += 1
    if nav:
        rows.append(nav)
    kb.button(
        text=t("btn-catalogue-any", facet=facet.name),
        callback_data=filter_data(filters.with_value(facet, None)),
    )
    kb.button(text=t("btn-catalogue-filters"), callback_data=filter_data(filters))
    rows.append(2)
    kb.adjust(*rows)
    text = t("catalogue-choose", facet=facet.name)
    if shown.count > 1:
        text += "\n" + t("catalogue-page", number=shown.number + 1, count=shown.count)
    return text, kb.as_markup()


def active_filters(catalog: Catalog, filters: Filters, t: Translator) -> str:
    return "; ".join(escape(value_label(f, filters.get(f) or "", catalog, t)) for f in filters.active)


# --- search -----------------------------------------------------------------------


def search_prompt(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    kb = Keyboard()
    kb.button(text=t("btn-catalogue-home"), callback_data=CatalogueCb(action=CatalogueAction.home))
    return t("catalogue-search-prompt"), kb.as_markup()


def not_found(catalog: Catalog, nearest: tuple[str, ...], t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """No case by that name: the closest names, if any, as buttons."""
    kb = Keyboard()
    cases = [case for slug in nearest if (case := catalog.get(slug)) is not None]
    for case in cases:
        kb.button(text=case.name(t.locale), callback_data=CaseCb(view=CaseView.card, slug=case.slug))
    kb.button(text=t("btn-catalogue-home"), callback_data=CatalogueCb(action=CatalogueAction.home))
    kb.adjust(*([1] * len(cases)), 1)
    return t("catalogue-not-found", nearest=1 if cases else 0), kb.as_markup()


# --- admins choosing a case ---------------------------------------------------------


def admin_pick(
    catalog: Catalog,
    t: Translator,
    slugs: Sequence[str],
    number: int,
    purpose: PickPurpose,
    key: str = "",
    lead: str = "",
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of cases for /post, /status, /stats or /export; a name typed narrows it."""
    shown = page(slugs, number)
    kb = Keyboard()
    cases = [case for slug in shown.items if (case := catalog.get(slug)) is not None]
    for case in cases:
        data: CallbackData = (
            AdminCb(action=AdminAction.pick, value=case.slug)
            if purpose in (PickPurpose.post, PickPurpose.status)
            else AdminPickCb(purpose=purpose, slug=case.slug)
        )
        kb.button(text=case.name(t.locale), callback_data=data)
    rows = [1] * len(cases)
    nav = 0
    if shown.has_previous:
        kb.button(
            text=t("btn-catalogue-previous"),
            callback_data=AdminPickCb(purpose=purpose, id=key, p=shown.number - 1),
        )
        nav += 1
    if shown.has_next:
        kb.button(
            text=t("btn-catalogue-next"),
            callback_data=AdminPickCb(purpose=purpose, id=key, p=shown.number + 1),
        )
        nav += 1
    if nav:
        rows.append(nav)
    if purpose in (PickPurpose.post, PickPurpose.status):
        kb.button(text=t("btn-cancel"), callback_data=AdminCb(action=AdminAction.cancel))
        rows.append(1)
    kb.adjust(*rows)
    lines = [lead] if lead else []
    lines.append(t("admin-pick-title", count=shown.total))
    if shown.count > 1:
        lines.append(t("catalogue-page", number=shown.number + 1, count=shown.count))
    return "\n\n".join(lines), kb.as_markup()
