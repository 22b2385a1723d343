"""The bundles keep only the CLDR data formatting reads, and format exactly as with all of it."""

from __future__ import annotations

from pathlib import Path

import babel
import pytest
from fluent.runtime import FluentBundle
from fluent.syntax import parse
from fluent.syntax.ast import Message, VariableReference
from fluent.syntax.visitor import Visitor

from bot.locales import DERIVED
from bot.ui.cldr import FORMATTING_KEYS, slim_locale_data
from bot.ui.ftl_cache import parsed_resources
from bot.ui.i18n import L10n
from tests.conftest import LOCALES

NUMBERS = (0, 1, 2, 3, 4, 5, 11, 12, 21, 22, 25, 101, 1000, 1234, 12345, 100000, 1234567, 1.5, 0.25)


class _Variables(Visitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_VariableReference(self, node: VariableReference) -> None:
        self.names.add(node.id.name)


def _messages() -> tuple[list[str], set[str]]:
    """Every message id, and every variable any message shows (numbers reach babel through them)."""
    ids, variables = [], _Variables()
    for path in sorted((Path(LOCALES) / "en").glob("*.ftl")):
        for entry in parse(path.read_text(encoding="utf-8")).body:
            if isinstance(entry, Message) and entry.value is not None:
                ids.append(entry.id.name)
                variables.visit(entry)
    return ids, variables.names


def _bundles(slim: bool) -> dict[str, FluentBundle]:
    bundles = {}
    for locale, resources in parsed_resources(Path(LOCALES), ("ru", "uz", "uz-Cyrl", "en")).items():
        bundle = FluentBundle([DERIVED.get(locale, locale)], use_isolating=False)
        for resource in resources:
            bundle.add_resource(resource)
        bundles[locale] = bundle
    if slim:
        assert slim_locale_data(bundles.values())
    return bundles


def _render(bundles: dict[str, FluentBundle]) -> dict[tuple[str, str, object], str]:
    ids, variables = _messages()
    out = {}
    for locale, bundle in bundles.items():
        for msg_id in ids:
            message = bundle.get_message(msg_id)
            for n in NUMBERS:
                # Every variable a number: plural selectors and number formatting both run.
                args = dict.fromkeys(variables, n)
                out[locale, msg_id, n] = bundle.format_pattern(message.value, args)[0]
    return out


def test_slimmed_bundles_write_numbers_and_plurals_as_full_ones_do() -> None:
    full = _render(_bundles(slim=False))
    slimmed = _render(_bundles(slim=True))
    assert slimmed == full
    # The comparison means something: numbers were written in each locale's own way.
    assert any("12 345" in text or "12\u00a0345" in text for (loc, _, n), text in full.items() if loc == "ru")
    assert any("12,345" in text for (loc, _, n), text in full.items() if loc == "en")


def test_the_loaded_l10n_keeps_only_the_formatting_entries() -> None:
    l10n = L10n.load(Path(LOCALES))
    for locale in l10n.locales:
        data = l10n._bundles[locale]._babel_locale._data
        # If fluent.runtime or babel change their insides, slimming stops: this says so.
        assert set(data._data) <= FORMATTING_KEYS, locale
        assert "plural_form" in data._data and "number_symbols" in data._data


def test_babels_global_table_is_let_go_and_formatting_never_reads_it_again() -> None:
    import babel.core

    l10n = L10n.load(Path(LOCALES))
    assert babel.core._global_data is None  # 2 MB resident otherwise
    for locale in l10n.locales:
        l10n.translator(locale)("petition-count", signatures=12345, goal=1000)
    assert babel.core._global_data is None


@pytest.mark.parametrize("name", ["ru", "uz", "en"])
def test_babel_itself_still_has_all_its_data_for_anyone_else(name: str) -> None:
    L10n.load(Path(LOCALES))
    assert babel.Locale.parse(name).languages["en"]  # loaded afresh, whole
    assert babel.Locale.parse(name).territories["UZ"]


def test_numbers_kept_per_value_are_written_as_fluent_writes_them() -> None:
    """L10n keeps a whole number's text per locale (bot/ui/i18n.py, KeptInt): every message
    with every whole number, asked twice (the second time from what was kept), reads as the
    plain bundle writes it, plural forms included."""
    ids, variables = _messages()
    plain = _bundles(slim=False)
    l10n = L10n.load(Path(LOCALES))
    whole = [n for n in NUMBERS if isinstance(n, int)]
    for locale in ("ru", "uz", "uz-Cyrl", "en"):
        t = l10n.translator(locale)
        for msg_id in ids:
            message = plain[locale].get_message(msg_id)
            for n in whole:
                args = dict.fromkeys(variables, n)
                expected = plain[locale].format_pattern(message.value, args)[0]
                if locale in DERIVED:
                    continue  # transliterated after formatting: compared through ru/uz/en
                assert t(msg_id, **args) == expected, (locale, msg_id, n)
                assert t(msg_id, **args) == expected, (locale, msg_id, n)
    assert l10n._numbers["ru"][12345] in ("12 345", "12\u00a0345")
