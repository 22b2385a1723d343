"""The fictional catalogue: valid cases, half short, and the bot shows only the screens a case has."""

from __future__ import annotations

from pathlib import Path

from bot.cases.catalog import load_catalog
from tests.catalogue_gen import generate
from tests.conftest import make_settings, open_harness


def test_generated_cases_load_and_half_are_short(tmp_path: Path) -> None:
    generate(tmp_path / "cases", 40)
    catalog = load_catalog(tmp_path / "cases")
    assert len(catalog) == 40
    short = [c for c in catalog if c.is_short]
    assert len(short) == 20
    assert all(c.slug.startswith("fict-") for c in catalog)
    assert len({c.name("en") for c in catalog}) == 40


async def test_a_short_case_shows_no_empty_screen(tmp_path: Path) -> None:
    generate(tmp_path / "cases", 4)
    harness = await open_harness(make_settings(tmp_path, cases_dir=tmp_path / "cases"))
    try:
        user = harness.user(language_code="ru")
        await user.send("/start fict-0001")  # odd numbers are short
        card = user.last
        assert "вымышленный человек" in card.text
        assert "212" in card.text or "205" in card.text or "28" in card.text or "27" in card.text
        labels = card.labels
        assert not any("почему" in label.lower() for label in labels), labels
        assert not any("истори" in label.lower() for label in labels), labels
        await user.press("Хронология")
        assert "Хронология" in user.last.text or "хронология" in user.last.text.lower()
        # A forged "story" button for a short case: a polite pop-up, not an empty screen.
        await user.press_data("c:story:fict-0001")
        assert user.seen[-1].kind == "popup"
        await user.send("/start fict-0000")  # a full case has them all
        assert any("истори" in label.lower() for label in user.last.labels)
    finally:
        await harness.app.close()
