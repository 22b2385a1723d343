"""Localisation through Project Fluent: every user-visible string comes from ``locales/``.

``L10n`` loads each locale's ``.ftl`` files once; a :class:`Translator` is the
L10n bound to one reader's locale, which is what handlers receive as ``t``.
Dates and durations are formatted by Fluent messages too (``date-full``,
``duration``), because word order and month forms differ per language
(«24 февраля 2022», "2022-yil 24-fevral").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import structlog
from fluent.runtime import FluentBundle
from fluent.runtime.resolver import CurrentEnvironment, ResolverEnvironment
from fluent.runtime.types import FluentInt, FluentNumber
from fluent.runtime.utils import native_to_fluent

from bot.locales import DERIVED, LANGUAGE_NAMES, LOCALES, canonical
from bot.ui.cldr import release_global_data, slim_locale_data
from bot.ui.ftl_cache import parsed_resources
from bot.uzbek_cyrillic import shared_transliterator

log = structlog.get_logger(__name__)

# Telegram's language_code for readers of neighbouring languages who are far more
# likely to read Russian than English.
RUSSIAN_READERS = frozenset({"ru", "be", "uk", "kk", "ky", "tg"})

__all__ = ["LANGUAGE_NAMES", "L10n", "MissingMessageError", "Translator", "resolve_locale"]


class MissingMessageError(KeyError):
    pass


def resolve_locale(stored: str | None, language_code: str | None, default: str) -> str:
    """Stored choice, then Telegram's language_code, then the configured default.

    Telegram's ``uz`` means Oʻzbekcha (Latin); Ўзбекча is only ever a reader's choice.
    """
    if stored in LOCALES:
        return stored
    # A full tag naming a locale (the console's --lang uz-Cyrl); Telegram's uz stays Latin.
    if exact := canonical(language_code):
        return exact
    if language_code:
        primary = language_code.lower().replace("_", "-").split("-")[0]
        if primary in LOCALES:
            return primary
        if primary in RUSSIAN_READERS:
            return "ru"
    return default


# Whole numbers whose plural category each locale keeps (a signer's number, a count).
# A signer's number is new with every signature, so what is kept pays only for the
# rule's repeated calls within one message and for counts shown again and again:
# a thousand serve both. At 20,000 each locale kept ~1.4 MB of numbers seen once.
PLURALS_KEPT = 1_000


class CachedPlural:
    """A bundle's plural rule, its answer kept per whole number.

    babel evaluates the CLDR rule anew on every call, and Fluent calls it for each
    variant it tries — three times for a Russian "[one] … [few] … [many]" — so a
    signer's thank-you spent more on plurals than on the rest of its text. A whole
    number's category depends on its value alone; anything else (1.0 is "other"
    where 1 is "one") goes to the rule every time.
    """

    __slots__ = ("_known", "_rule")

    def __init__(self, rule: Callable[[Any], str]) -> None:
        self._rule = rule
        self._known: dict[int, str] = {}

    def __call__(self, number: Any) -> str:
        if not isinstance(number, int) or isinstance(number, bool):
            return self._rule(number)
        value = int(number)
        category = self._known.get(value)
        if category is None:
            if len(self._known) >= PLURALS_KEPT:
                self._known.clear()
            category = self._known[value] = self._rule(number)
        return category


class KeptInt(FluentInt):
    """A whole number given to a message, its text in the bundle's locale kept per value.

    Fluent formats every number anew through babel (a copy of the locale's pattern,
    then the pattern applied: tens of microseconds); a signer's thank-you has four
    (the number, the count, the goal, the percentage), mostly the same few values.
    Only numbers with Fluent's default options are kept (a message's own ``NUMBER()``
    with options makes a plain number): the text then depends on the value alone.
    """

    kept: dict[int, str]

    def format(self, locale: Any) -> str:
        if self.options is not FluentNumber.default_number_format_options:
            return super().format(locale)
        value = int(self)
        text = self.kept.get(value)
        if text is None:
            if len(self.kept) >= PLURALS_KEPT:
                self.kept.clear()
            text = self.kept[value] = super().format(locale)
        return text


# Where a :class:`NumberSlot` stands in a kept text (a private-use character: no message has it).
NUMBER_MARK = "\ue000"


class NumberSlot(KeptInt):
    """A whole number written as :data:`NUMBER_MARK`, for a text kept and reused with other
    numbers of the same plural category (a signer's number is new every time, its category
    is one of a few).

    A message sees of it only its plural category (the bundle's rule reads the value) and
    the mark. Anything more — a variant for this exact number (``[0]``), ``NUMBER()`` with
    options, which copies the number and its options — sets ``exact``: that text holds more
    of the number than the mark, and must not be kept.
    """

    exact: bool = False

    @property  # type: ignore[override]
    def options(self) -> Any:
        # Read only by a copy (fluent_number) or a formatting this class does not do.
        self.exact = True
        return FluentNumber.default_number_format_options

    @options.setter
    def options(self, value: Any) -> None:
        pass  # always Fluent's defaults (see the getter)

    def format(self, locale: Any) -> str:
        return NUMBER_MARK

    def __eq__(self, other: object) -> bool:
        self.exact = True
        return int(self) == other

    __hash__ = int.__hash__


def _format(
    bundle: FluentBundle, pattern: Any, args: Mapping[str, object], kept: dict[int, str]
) -> tuple[str, list[Exception]]:
    """``bundle.format_pattern``, whose arguments are converted as it converts them except
    whole numbers, which become :class:`KeptInt` (it would make them plain numbers again)."""
    values: dict[str, object] = {}
    for name, value in args.items():
        if type(value) is int:  # not bool, not a number already Fluent's
            number = KeptInt(value)
            number.kept = kept
            values[name] = number
        elif type(value) is NumberSlot:  # as it is: native_to_fluent would copy it
            values[name] = value
        else:
            values[name] = native_to_fluent(value)
    errors: list[Exception] = []
    env = ResolverEnvironment(context=bundle, current=CurrentEnvironment(args=values), errors=errors)
    try:
        text = pattern(env)
    except ValueError as exc:  # as format_pattern does
        errors.append(exc)
        text = "{???}"
    return text, errors


class L10n:
    def __init__(self, bundles: Mapping[str, FluentBundle], *, strict: bool = False) -> None:
        self._bundles = dict(bundles)
        self._numbers: dict[str, dict[int, str]] = {loc: {} for loc in self._bundles}
        self._strict = strict
        self._translators = {loc: Translator(self, loc) for loc in self._bundles}

    @classmethod
    def load(
        cls,
        locales_dir: Path,
        locales: Iterable[str] = LOCALES,
        *,
        strict: bool = False,
        cache: Path | None = None,
    ) -> L10n:
        """``cache``: a folder where the parsed files are kept between start-ups (bot/ui/ftl_cache.py)."""
        locales = tuple(locales)
        bundles: dict[str, FluentBundle] = {}
        cldr: dict[str, Any] = {}
        for locale in locales:
            # use_isolating=False: Telegram clients render the FSI/PDI marks Fluent
            # would wrap around every variable as visible boxes on some phones.
            # Plural rules come from the language (uz-Cyrl counts like uz).
            bundles[locale] = FluentBundle([DERIVED.get(locale, locale)], use_isolating=False)
            slim_locale_data([bundles[locale]], cldr)  # 8 MB of CLDR the messages never read
            # fluent.runtime's resolver asks the bundle's plural rule once per variant tried.
            bundles[locale]._plural_form = CachedPlural(bundles[locale]._plural_form)
        release_global_data()  # and 2 MB more, read only while the locales were parsed
        # Parsed after: what babel's full data took is reused for the messages.
        resources = parsed_resources(locales_dir, locales, cache)
        for locale, bundle in bundles.items():
            for resource in resources[locale]:
                bundle.add_resource(resource)
        return cls(bundles, strict=strict)

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self._bundles)

    def translator(self, locale: str) -> Translator:
        return self._translators[locale]

    def plural(self, locale: str, number: int) -> str:
        """The plural category of a whole number in the locale's language."""
        rule: Callable[[Any], str] = self._bundles[locale]._plural_form
        return rule(number)

    def number(self, locale: str, number: int) -> str:
        """A whole number as a message shows it (Fluent's default number format)."""
        value = KeptInt(number)
        value.kept = self._numbers[locale]
        return value.format(self._bundles[locale]._babel_locale)

    def format(self, locale: str, msg_id: str, args: Mapping[str, object] | None = None) -> str:
        bundle = self._bundles[locale]
        if not bundle.has_message(msg_id):
            if self._strict:
                raise MissingMessageError(f"{locale}: no message {msg_id!r}")
            log.error("l10n.missing", locale=locale, msg_id=msg_id)
            return msg_id
        message = bundle.get_message(msg_id)
        text, errors = _format(bundle, message.value, args or {}, self._numbers[locale])
        if locale in DERIVED:
            text = shared_transliterator().join_suffixes(text)
        if errors:
            if self._strict:
                raise MissingMessageError(f"{locale}: {msg_id}: {errors[0]}")
            log.error("l10n.format", locale=locale, msg_id=msg_id, errors=[str(e) for e in errors])
        return text


class Translator:
    """The localisation of one locale; call it with a message id and variables."""

    __slots__ = ("_l10n", "locale")

    def __init__(self, l10n: L10n, locale: str) -> None:
        self._l10n = l10n
        self.locale = locale

    def __call__(self, msg_id: str, **args: object) -> str:
        return self._l10n.format(self.locale, msg_id, args)

    def with_number(self, number: int, render: Callable[[int], str]) -> tuple[str, str | None]:
        """``render(number)``, and the same text with the number as :data:`NUMBER_MARK`, to keep
        and fill in for another number of the same plural category; None instead of that
        when the text holds more of the number than its category (see :class:`NumberSlot`)."""
        text = render(number)
        slot = NumberSlot(number)
        slot.exact = False  # FluentNumber's constructor reads the options once itself
        template = render(slot)
        if slot.exact or template.replace(NUMBER_MARK, self.number(number)) != text:
            return text, None
        return text, template

    def plural(self, number: int) -> str:
        return self._l10n.plural(self.locale, number)

    def number(self, number: int) -> str:
        return self._l10n.number(self.locale, number)

    def date(self, value: dt.date) -> str:
        # The year goes in as text: Fluent would group a number's digits ("2,022").
        return self("date-full", day=value.day, month=value.month, year=str(value.year))

    def partial_date(self, value: str) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the source gives it."""
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            return self.date(dt.date(*parts))
        if len(parts) == 2:
            return self("date-month-year", month=parts[1], year=str(parts[0]))
        return self("date-year", year=str(parts[0]))


def months_between(start: dt.date, end: dt.date) -> tuple[int, int]:
    """Whole years and months from ``start`` to ``end`` (0, 0 if end is earlier)."""
    total = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        total -= 1
    total = max(total, 0)
    return divmod(total, 12)
