"""Every locale has every message, parses cleanly, uses the same variables, and plurals agree."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fluent.syntax import parse
from fluent.syntax.ast import Junk, Message, Term, VariableReference
from fluent.syntax.visitor import Visitor

from bot.ui.i18n import L10n, months_between, resolve_locale
from bot.ui.views import duration
from tests.conftest import LOCALES

LOCALE_CODES = ("en", "ru", "uz")


class _Variables(Visitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_VariableReference(self, node: VariableReference) -> None:
        self.names.add(node.id.name)
        self.generic_visit(node)


def _entries(locale: str) -> dict[str, Message | Term]:
    entries: dict[str, Message | Term] = {}
    for path in sorted((LOCALES / locale).glob("*.ftl")):
        resource = parse(path.read_text(encoding="utf-8"))
        junk = [e for e in resource.body if isinstance(e, Junk)]
        assert not junk, f"{path}: {[a.message for j in junk for a in j.annotations]}"
        for entry in resource.body:
            if isinstance(entry, Message | Term):
                key = ("-" if isinstance(entry, Term) else "") + entry.id.name
                assert key not in entries, f"{path}: {key} defined twice"
                entries[key] = entry
    return entries


def _variables(entry: Message | Term) -> set[str]:
    visitor = _Variables()
    visitor.visit(entry)
    return visitor.names


def test_every_message_exists_in_every_locale() -> None:
    ids = {loc: set(_entries(loc)) for loc in LOCALE_CODES}
    for loc in LOCALE_CODES:
        assert ids[loc] == ids["en"], (
            f"{loc}: missing {sorted(ids['en'] - ids[loc])}, extra {sorted(ids[loc] - ids['en'])}"
        )


@pytest.mark.parametrize("locale", ["ru", "uz"])
def test_translations_use_the_variables_english_uses(locale: str) -> None:
    english = _entries("en")
    translated = _entries(locale)
    for key, entry in english.items():
        # A translation may use more (e.g. $sex for agreement), never fewer.
        missing = _variables(entry) - _variables(translated[key])
        assert not missing, f"{locale}: {key} lacks ${', $'.join(sorted(missing))}"


def test_uzbek_uses_the_modifier_letter_turned_comma() -> None:
    wrong = re.compile(r"[oOgG][\u2018\u2019'`]")
    for path in (LOCALES / "uz").glob("*.ftl"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not wrong.search(line), f"{path}:{number}: write oʻ/gʻ with ʻ (U+02BB): {line}"


@pytest.fixture(scope="module")
def l10n() -> L10n:
    return L10n.load(Path(LOCALES), strict=True)


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 год"), (2, "2 года"), (5, "5 лет"), (11, "11 лет"), (21, "21 год"), (22, "22 года")],
)
def test_russian_year_plurals(l10n: L10n, count: int, expected: str) -> None:
    assert l10n.format("ru", "years", {"count": count}) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 месяц"),
        (2, "2 месяца"),
        (5, "5 месяцев"),
        (11, "11 месяцев"),
        (21, "21 месяц"),
        (22, "22 месяца"),
    ],
)
def test_russian_month_plurals(l10n: L10n, count: int, expected: str) -> None:
    assert l10n.format("ru", "months", {"count": count}) == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "1 year"), (2, "2 years"), (21, "21 years")])
def test_english_plurals(l10n: L10n, count: int, expected: str) -> None:
    assert l10n.format("en", "years", {"count": count}) == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "1 yil"), (5, "5 yil"), (21, "21 yil")])
def test_uzbek_numerals_take_the_singular(l10n: L10n, count: int, expected: str) -> None:
    assert l10n.format("uz", "years", {"count": count}) == expected


def test_case_list_title_counts_read_naturally(l10n: L10n) -> None:
    # A count in brackets needs no plural forms: no «Одно дело:», no «21 дел:».
    for count in (1, 2, 5, 21):
        assert l10n.format("ru", "cases-list-title", {"count": count}) == f"Дела ({count}):"
    assert l10n.format("en", "cases-list-title", {"count": 1}) == "One case:"


def test_russian_dates_carry_goda(l10n: L10n) -> None:
    assert l10n.translator("ru").date(dt.date(2026, 11, 30)) == "30 ноября 2026 года"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "24 February 2022"), ("ru", "24 февраля 2022"), ("uz", "2022-yil 24-fevral")],
)
def test_dates(l10n: L10n, locale: str, expected: str) -> None:
    assert l10n.translator(locale).date(dt.date(2022, 2, 24)).startswith(expected)


def test_durations(l10n: L10n) -> None:
    ru = l10n.translator("ru")
    assert duration(ru, *months_between(dt.date(2022, 2, 24), dt.date(2026, 11, 29))) == "4 года 9 месяцев"
    assert duration(ru, *months_between(dt.date(2022, 2, 24), dt.date(2023, 3, 23))) == "1 год"
    assert duration(l10n.translator("en"), 0, 0) == l10n.format("en", "less-than-a-month")


@pytest.mark.parametrize(
    ("stored", "code", "expected"),
    [
        ("uz", "ru", "uz"),
        (None, "ru-RU", "ru"),
        (None, "uz", "uz"),
        (None, "kk", "ru"),
        (None, "uk", "ru"),
        (None, "be", "ru"),
        (None, "ky", "ru"),
        (None, "tg", "ru"),
        (None, "de", "en"),
        (None, None, "en"),
        ("xx", "en", "en"),
    ],
)
def test_locale_resolution(stored: str | None, code: str | None, expected: str) -> None:
    assert resolve_locale(stored, code, "en") == expected


def test_the_kept_plural_categories_are_the_rules_own() -> None:
    from fluent.runtime import FluentBundle
    from fluent.runtime.types import FluentFloat, FluentInt

    from bot.ui.i18n import CachedPlural

    for locale in ("ru", "uz", "en"):
        rule = FluentBundle([locale])._plural_form
        kept = CachedPlural(rule)
        numbers = [*range(0, 1200), 1_000_001, 21, 111, 1_000_021]
        for _ in range(2):  # the second time from what was kept
            for n in numbers:
                assert kept(n) == rule(n), (locale, n)
                assert kept(FluentInt(n)) == rule(FluentInt(n)), (locale, n)
        for value in (1.0, 1.5, 2.0, 21.0):  # fractions: the rule's, never a whole number's
            assert kept(FluentFloat(value)) == rule(FluentFloat(value)), (locale, value)


def test_a_signers_number_is_pluralised_as_before(l10n: L10n) -> None:
    ru = l10n.translator("ru")
    assert ru("signatures", count=1) == "1 подпись"
    assert ru("signatures", count=3) == "3 подписи"
    assert ru("signatures", count=11) == "11 подписей"
    assert ru("signatures", count=21) == "21 подпись"
    assert ru("signatures", count=21) == "21 подпись"  # kept
