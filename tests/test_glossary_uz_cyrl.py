"""The project glossary's Ўзбекча column is what the bot shows for each Uzbek term."""

from __future__ import annotations

from pathlib import Path

from bot.uzbek_cyrillic import shared_transliterator

GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"


def _rows() -> tuple[list[str], list[list[str]]]:
    table = [line for line in GLOSSARY.read_text("utf-8").splitlines() if line.startswith("|")]
    header = [c.strip() for c in table[0].strip().strip("|").split("|")]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table[2:]]
    return header, rows


def test_the_glossary_has_an_uzbek_cyrillic_column_that_matches_the_transliteration() -> None:
    header, rows = _rows()
    assert "Uzbek" in header and "Ўзбекча" in header
    uz, cyrillic = header.index("Uzbek"), header.index("Ўзбекча")
    assert len(rows) >= 20
    transliterate = shared_transliterator()
    wrong = [
        f"{row[uz]!r}: the column says {row[cyrillic]!r}, the bot writes {transliterate(row[uz])!r}"
        for row in rows
        if row[cyrillic] != transliterate(row[uz])
    ]
    assert not wrong, "\n".join(wrong)
