"""`make console` with `--lang uz-Cyrl`: every screen in Cyrillic Uzbek, in a real process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import REAL_CASES
from tests.test_cli import _run
from tests.test_uzbek_cyrillic import latin_left

# Each walk is one console session: the flood gate allows a burst, not a whole tour.
WALKS = [
    # the card, the why screen and its first argument, the full story
    "/start khamroev\n2\n1\n/start khamroev\n3\n",
    # the timeline, the news, following
    "/start khamroev\n4\n/start khamroev\n5\n/following\n",
    # help, about, the list, questions typed in Cyrillic (one on a Russian keyboard)
    "/help\n/about\n/cases\nнега у қамалган\nкачон тинтув булган\n",
    # the petition: sign anonymously, then the card with the count; language menu
    "/sign khamroev\n2\n/start khamroev\n/language\n",
]


def _screens(out: str) -> list[str]:
    """What the bot showed: everything but the reader's own lines and the banner."""
    lines = out.splitlines()[1:]
    return [line for line in lines if not line.startswith("you> ") and not line.startswith("── bot")]


@pytest.mark.parametrize("number", range(len(WALKS)))
def test_console_walks_every_screen_in_cyrillic_uzbek(tmp_path: Path, number: int) -> None:
    result = _run(
        ["console", "--lang", "uz-Cyrl", "--user-id", "9"], tmp_path, WALKS[number], CASES_DIR=str(REAL_CASES)
    )
    assert result.returncode == 0, result.stderr
    screens = _screens(result.stdout)
    assert len(screens) > 5
    assert not any("(no button" in line or "жуда тез" in line for line in screens), result.stdout
    # Cited sources keep their publishers' names; the organisation is the settings' own;
    # /language names each language in itself; a case's slug is part of its commands.
    allowed = {"casebot", "O", "zbekcha", "English", "khamroev"}
    leftovers = {
        line: left
        for line in screens
        if not line.startswith("Манбалар:") and (left := set(latin_left(line)) - allowed)
    }
    assert not leftovers, leftovers
    if number == 2:
        assert "Баҳром Ҳамроев" in result.stdout
        assert "2022-йил 24-февраль" in result.stdout  # the answer about the search
    if number == 3:
        # Signed, and counted as an Ўзбекча signature.
        with sqlite3.connect(tmp_path / "console.sqlite3") as db:
            assert db.execute("SELECT locale FROM signatures").fetchall() == [("uz-Cyrl",)]
