"""The parts that keep a 1,000-case catalogue fast and small: search ids shared by equal
results, the text store in one SQLite file, and the C heap's arenas capped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cases.models import CaseTexts
from bot.cases.text_store import TextStore
from bot.transport.malloc import limit_arenas
from bot.ui.catalogue_memory import FoundResults


def test_equal_results_share_one_id_while_kept_and_forgotten_ones_get_a_new_one() -> None:
    found = FoundResults(capacity=2)
    first = found.keep(("a", "b"))
    assert found.keep(("a", "b")) == first  # a popular search: one id, its pages rendered once
    other = found.keep(("c",))
    assert other != first and found.get(other) == ("c",)
    found.keep(("d",))  # ("a", "b") is the least recently used: dropped
    assert found.get(first) is None
    again = found.keep(("a", "b"))
    assert found.get(again) == ("a", "b") and len(found) == 2


def test_the_text_store_keeps_versions_whole_and_prunes_unused_ones(tmp_path: Path) -> None:
    store = TextStore(tmp_path / "cache" / "texts.sqlite3")
    assert store.complete() == set()  # nothing stored yet
    text = CaseTexts(summary="A summary.")
    whole = {locale: text for locale in ("en", "ru", "uz", "uz-Cyrl")}
    store.put("alpha-1", whole)
    store.put("beta-1", {"en": text, "ru": text})  # a version cut short: not to be used
    assert store.complete() == {"alpha-1"} and store.has("alpha-1") and not store.has("beta-1")
    assert store.read("alpha-1", "uz") == text
    made = CaseTexts(summary="Made.")
    assert store.read("alpha-1", "uz-Cyrl", lambda: made) is made  # derived: made, not stored
    again = TextStore(tmp_path / "cache" / "texts.sqlite3")  # a restart
    assert again.complete() == {"alpha-1"} and again.read("alpha-1", "en") == text
    again.prune(["beta-1"])
    assert again.complete() == set() and not again.has("alpha-1")


def test_a_store_that_cannot_be_written_says_so_as_an_os_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("x")
    store = TextStore(blocked / "texts.sqlite3")
    assert store.complete() == set()
    with pytest.raises(OSError):
        store.put("alpha-1", {"en": CaseTexts(summary="A summary.")})


def test_the_arenas_are_capped_on_glibc_and_nothing_breaks_elsewhere() -> None:
    assert isinstance(limit_arenas(), bool)
    assert bytearray(10_000_000)  # allocation still works after the cap
