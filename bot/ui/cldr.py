"""Keep of the Unicode CLDR data only what formatting our messages reads.

fluent.runtime asks babel for each bundle's locale, and babel loads the whole of
CLDR for it — the names of every language, territory, currency, unit and time
zone, calendars, date patterns — merged over its root: 8 MB resident for ru, uz
and en, kept for the life of the process (a quarter of everything casebot holds
beyond a bare aiogram bot). A bundle reads two things of it: the plural rule
(once, when it is made) and how numbers are written (symbols and patterns, when a
message shows a number). Each bundle's locale is given a copy of those entries,
resolved, and babel's caches are emptied, so the rest is freed; any other user of
babel in the process loads its data afresh, whole.

This reaches into fluent.runtime's and babel's internals; if either changes them,
nothing is slimmed and nothing breaks (tests/test_cldr.py says so loudly).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import babel
import babel.localedata
from fluent.runtime import FluentBundle

# What fluent.runtime's number formatting and plural rules read (babel.numbers,
# babel.plural), with the other number styles a message may ask for (NUMBER(…,
# style: "percent")). Dates and names are not here: no message formats a date
# through babel (dates are Fluent messages of their own, see Translator.date).
FORMATTING_KEYS = frozenset(
    {
        "plural_form",
        "ordinal_form",
        "number_symbols",
        "default_numbering_system",
        "decimal_formats",
        "percent_formats",
        "scientific_formats",
        "currency_formats",
        "currency_symbols",
        "currency_unit_patterns",
    }
)


def _resolved(value: Any) -> Any:
    # babel's LocaleDataDict resolves aliases into the whole locale's data on access:
    # a plain copy, resolved, needs none of it.
    if isinstance(value, Mapping):
        return {key: _resolved(value[key]) for key in value}
    return value


def slim_locale_data(
    bundles: Iterable[FluentBundle], kept: dict[str, babel.localedata.LocaleDataDict] | None = None
) -> bool:
    """Give each bundle's locale only :data:`FORMATTING_KEYS`; False when the libraries
    are not shaped as expected (then nothing is changed).

    Called for each bundle as soon as it is made, only one locale's CLDR is ever loaded
    at a time (3 MB at most, not 8, at the resident set's high-water mark); ``kept``
    carries the slim copies from one call to the next (uz-Cyrl reads uz's).
    """
    kept = {} if kept is None else kept
    locales = [getattr(bundle, "_babel_locale", None) for bundle in bundles]
    if not all(isinstance(locale, babel.Locale) and hasattr(locale, "_Locale__data") for locale in locales):
        return False
    caches = [getattr(babel.localedata, name, None) for name in ("_cache", "_dict_cache")]
    for locale in locales:
        name = str(locale)
        if name not in kept:
            try:
                data = locale._data
                slim = {key: _resolved(data[key]) for key in FORMATTING_KEYS if key in data}
            except Exception:
                return False
            kept[name] = babel.localedata.LocaleDataDict(slim)
    for locale in locales:
        locale._Locale__data = kept[str(locale)]  # type: ignore[union-attr]
    for cache in caches:
        if isinstance(cache, dict):
            cache.clear()
    return True


def release_global_data() -> None:
    """Let go of babel's global CLDR table (likely subtags, currencies, time zone aliases:
    2 MB resident), read when a locale is parsed. The bundles' locales are parsed by then
    and formatting never reads it; whoever parses a locale later has it loaded afresh."""
    import babel.core

    if getattr(babel.core, "_global_data", None) is not None:
        babel.core._global_data = None
