"""Names in scripts that need a zero-width non-joiner, and the invisible characters still refused."""

from __future__ import annotations

import pytest

from bot.domain.petition import NameRejected, clean_name


@pytest.mark.parametrize(
    "typed",
    [
        "\u0645\u06cc\u200c\u0631\u0648\u0645",  # Persian "mī‌ravam": ZWNJ between two letters
        "\u0632\u0647\u0631\u0627 \u0646\u0638\u0631\u06cc\u200c\u0641\u0631",  # a given name and a family name
    ],
)
def test_a_zero_width_non_joiner_inside_a_word_is_kept(typed: str) -> None:
    assert clean_name(typed) == typed


@pytest.mark.parametrize(
    "typed",
    [
        "\u200cIvan",  # at the start: it joins nothing
        "Ivan\u200c",  # at the end
        "Ivan \u200cPetrov",  # beside a space: invisible padding
        "Ivan\u200c\u200cPetrov",  # twice in a row
        "Ivan\u200bPetrov",  # zero-width space
        "Ivan\u200dPetrov",  # zero-width joiner
        "Ivan\u2066Petrov",  # left-to-right isolate
        "\u202eIvan",  # right-to-left override
        "Iv\u061can",  # Arabic letter mark
    ],
)
def test_other_invisible_and_direction_characters_are_still_refused(typed: str) -> None:
    with pytest.raises(NameRejected) as info:
        clean_name(typed)
    assert info.value.reason == "invisible"
