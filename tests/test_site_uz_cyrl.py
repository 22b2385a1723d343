"""The public pages take ``lang=uz-Cyrl``: Ўзбекча, made from the Uzbek texts like the bot's."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_site import _open
from tests.test_uzbek_cyrillic import latin_left


async def test_a_case_page_in_uz_cyrl_reads_in_cyrillic(tmp_path: Path) -> None:
    harness, client, _ = await _open(tmp_path)
    try:
        html = await (await client.get("/c/alpha?lang=uz-Cyrl")).text()
        assert '<html lang="uz-Cyrl">' in html
        assert "<h1>Анна Алфа</h1>" in html
        assert "Ўзбекча" in html and "Oʻzbekcha" in html  # the language switcher offers both scripts
        case = harness.app.catalog.get("alpha")
        assert case is not None and case.text("uz-Cyrl").summary[:40] in html
        # What a reader sees: text between the tags, outside scripts and styles.
        body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html.split("<body", 1)[1])
        visible = " ".join(re.sub(r"<[^>]*>", " ", body).split())
        # Allowed: the other languages' names, the fixture's sources and the settings' own words.
        allowed = {"O", "zbekcha", "English", "Example", "News", "Court", "Reporter", "Alpha", "held"}
        allowed |= {"Test", "Org", "Co"}
        left = set(latin_left(visible)) - allowed
        assert not left, left
        # Asked by Accept-Language alone, uz stays Latin.
        latin = await (await client.get("/c/alpha", headers={"Accept-Language": "uz"})).text()
        assert '<html lang="uz">' in latin
    finally:
        await client.close()
        await harness.app.close()
