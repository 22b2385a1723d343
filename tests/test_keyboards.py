"""bot.ui.keyboards.Keyboard lays buttons out exactly as aiogram's builder would."""

from __future__ import annotations

import pytest
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ui.keyboards import CaseCb, CaseView, Keyboard


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(1, ()), (3, ()), (9, ()), (4, (1,)), (5, (2,)), (5, (2, 1)), (7, (1, 1, 3)), (3, (3, 1)), (6, (1, 2))],
)
def test_rows_match_aiograms_builder(count: int, sizes: tuple[int, ...]) -> None:
    ours, theirs = Keyboard(), InlineKeyboardBuilder()
    for n in range(count):
        data = CaseCb(view=CaseView.card, slug=f"case{n}")
        if n % 3 == 2:
            ours.button(text=f"b{n}", url=f"https://t.me/x?start={n}")
            theirs.button(text=f"b{n}", url=f"https://t.me/x?start={n}")
        else:
            ours.button(text=f"b{n}", callback_data=data)
            theirs.button(text=f"b{n}", callback_data=data)
    if sizes:
        ours.adjust(*sizes)
        theirs.adjust(*sizes)
    assert ours.as_markup() == theirs.as_markup()


def test_a_row_size_telegram_would_refuse_is_refused() -> None:
    with pytest.raises(ValueError):
        Keyboard().adjust(0)
    with pytest.raises(ValueError):
        Keyboard().adjust(9)
