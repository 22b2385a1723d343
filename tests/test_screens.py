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
