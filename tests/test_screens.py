"""Memoised screens are the very screens views and keyboards render, and stay bounded."""

from __future__ import annotations

import datetime as dt

from bot.cases.catalog import load_catalog
from bot.cases.models import Stage
from bot.domain.news import CurrentStatus
from bot.ui import keyboards, views
from bot.ui.i18n import L10n
from bot.ui.screens import RenderedScreenCache
from tests.conftest import FIXTURE_CASES, LOCALES

TODAY = dt.date(2026, 11, 29)


def test_served_from_memory_as_rendered_afresh() -> None:
    catalog = load_catalog(FIXTURE_CASES)
    l10n = L10n.load(LOCALES, strict=True)
    screens = RenderedScreenCache()
    appeal = CurrentStatus(Stage.appeal, dt.date(2026, 11, 20))
    for _ in range(2):  # the second round comes from memory
        for case in catalog:
            for locale in l10n.locales:
                t = l10n.translator(locale)
                for count, current in ((None, None), (0, None), (7, appeal)):
                    assert screens.case_card(case, t, TODAY, count, current) == views.case_card(
                        case, t, TODAY, count, current
                    )
                for following in (False, True):
                    assert screens.case_card_keyboard(
                        case, t, "bot", following=following
                    ) == keyboards.case_card(case, t, "bot", following=following)
                assert screens.why(case, t) == (views.why_screen(case, t), keyboards.why(case, t))
                for argument in case.facts.arguments:
                    assert screens.argument(case, argument, t) == (
                        views.argument_screen(case, argument, t),
                        keyboards.argument(case, t),
                    )
                for question in case.facts.questions:
                    for sign_url in (None, "https://t.me/bot?start=sign_x"):
                        assert screens.question_answer(case, question.id, t, sign_url) == (
                            views.question_answer(case, question.id, t),
                            keyboards.question_answer(case, question.id, t, sign_url),
                        )
    assert screens.hits >= screens.misses


def test_bounded() -> None:
    catalog = load_catalog(FIXTURE_CASES)
    t = L10n.load(LOCALES).translator("en")
    case = next(iter(catalog))
    screens = RenderedScreenCache(size=8)
    for days in range(50):
        screens.case_card(case, t, TODAY + dt.timedelta(days=days), None, None)
    assert screens.misses == 50 and len(screens._entries) == 8


def test_thanks_and_withdrawals_are_kept_without_their_number_and_filled_in_as_rendered() -> None:
    """Every signer's number is new: the text is kept per plural category, bar and percentage,
    and each number written in must give what Fluent renders for it, in every locale."""
    catalog = load_catalog(FIXTURE_CASES)
    l10n = L10n.load(LOCALES, strict=True)
    screens = RenderedScreenCache()
    numbers = [*range(0, 260), 1_000, 1_001, 1_021, 1_111, 12_345, 100_000, 100_001, 1_234_567]
    for case in catalog:
        if case.facts.petition is None:
            continue
        for locale in l10n.locales:
            t = l10n.translator(locale)
            for number in numbers:
                assert screens.petition_thanks(case, t, number) == views.petition_thanks(case, t, number)
    for locale in l10n.locales:
        t = l10n.translator(locale)
        for number in numbers:
            assert screens.petition_withdrawn(t, number) == views.petition_withdrawn(t, number)
    # Past the goal (a full bar, 100 %) a text per locale and plural category, filled in after.
    screens = RenderedScreenCache()
    case = next(c for c in catalog if c.facts.petition is not None)
    for locale in l10n.locales:
        for number in range(5_000, 5_200):
            screens.petition_thanks(case, l10n.translator(locale), number)
    assert screens.misses <= 4 * len(l10n.locales)


def _l10n_of(ftl: str) -> L10n:
    from fluent.runtime import FluentBundle, FluentResource

    bundle = FluentBundle(["en"], use_isolating=False)
    bundle.add_resource(FluentResource(ftl))
    return L10n({"en": bundle}, strict=True)


def test_a_text_holding_more_of_the_number_than_its_category_is_not_kept() -> None:
    """A variant for one exact number, or NUMBER() with options, shows more than the plural
    category: such a text is rendered for every number, never filled in."""
    from bot.ui.i18n import NUMBER_MARK

    cases = {
        "exact": ("n = { $n ->\n    [0] none\n   *[other] { $n } of them\n}\n", 5, "5 of them"),
        "options": ("n = { NUMBER($n, minimumFractionDigits: 2) } done\n", 5, "5.00 done"),
        "plain": ("n = { $n ->\n    [one] { $n } item\n   *[other] { $n } items\n}\n", 5, "5 items"),
    }
    for name, (ftl, number, shown) in cases.items():
        t = _l10n_of(ftl).translator("en")
        text, template = t.with_number(number, lambda n, t=t: t("n", n=n))
        assert text == shown, name
        if name == "plain":
            assert template == f"{NUMBER_MARK} items"
        else:
            assert template is None, name
