"""The parts that keep a 1,000-case catalogue fast and small: search ids shared by equal
results, the text store's one-listing check, and the C heap's arenas capped."""

from __future__ import annotations

from pathlib import Path

from bot.cases.models import CaseTexts
from bot.cases.text_store import TextStore
from bot.catalogue_memory import FoundResults
from bot.malloc import limit_arenas


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


def test_the_text_store_knows_complete_versions_from_one_listing(tmp_path: Path) -> None:
    store = TextStore(tmp_path / "texts")
    assert store.complete() == set()  # no folder yet
    text = CaseTexts(summary="A summary.")
    whole = {locale: text for locale in ("en", "ru", "uz", "uz-Cyrl")}
    store.put("alpha-1", whole)
    store.put("beta-1", {"en": text, "ru": text})  # a version cut short: not to be used
    assert store.complete() == {"alpha-1"} and store.has("alpha-1") and not store.has("beta-1")
    store.prune(["beta-1"])
    assert store.complete() == set() and sorted(p.name for p in (tmp_path / "texts").iterdir()) == [
        "beta-1.en.json",
        "beta-1.ru.json",
    ]


def test_the_arenas_are_capped_on_glibc_and_nothing_breaks_elsewhere() -> None:
    assert isinstance(limit_arenas(), bool)
    assert bytearray(10_000_000)  # allocation still works after the cap
