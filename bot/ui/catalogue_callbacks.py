"""Callback data of the catalogue's screens: browse, search results, filters.

Every packed value stays within Telegram's 64 bytes: a filter's values are short
keys (``uk-rf/205.2``, a stage, a region key of at most 12 characters, a
category of at most 16), and a search is named by a short id of results held in
memory, never by the text typed (bot/handlers/catalogue.py).
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class CatalogueAction(StrEnum):
    home = "home"  # the greeting's entry points
    search = "search"  # "type a name"


class CatalogueCb(CallbackData, prefix="ct"):
    action: CatalogueAction


class BrowseOrder(StrEnum):
    alphabet = "a"  # by surname, in the reader's alphabet
    recent = "r"  # the latest event first


class BrowseCb(CallbackData, prefix="br"):
    order: BrowseOrder
    p: int = 0  # page, 0-based


class FoundCb(CallbackData, prefix="se"):
    """A page of search results kept in memory under ``id``."""

    id: str
    p: int = 0


class FilterView(StrEnum):
    summary = ""  # the filters in force and the count
    article = "a"  # choose a value of one filter…
    stage = "s"
    region = "r"
    category = "c"
    results = "l"  # the matching cases, paged


class FilterCb(CallbackData, prefix="fl"):
    a: str = ""  # article: <code>/<article>
    s: str = ""  # stage
    r: str = ""  # region key
    c: str = ""  # category
    v: FilterView = FilterView.summary
    p: int = 0


class PickPurpose(StrEnum):
    """What an admin is choosing a case for."""

    post = "post"
    status = "status"
    stats = "stats"
    export = "export"


class AdminPickCb(CallbackData, prefix="ap"):
    """An admin's list of cases: a page of it (``slug`` empty) or the case chosen."""

    purpose: PickPurpose
    slug: str = ""
    id: str = ""  # a search's results (FoundResults); empty: every case
    p: int = 0
