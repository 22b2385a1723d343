"""Reading a catalogue again: only the folders whose files changed are parsed, and the
cache between runs never hides a change or a broken file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cases.catalog import CaseFileError, load_catalog
from bot.cases.models import Case
from bot.cases.search import CatalogueIndex
from bot.domain.answers import CaseEntries, QuestionIndex
from tests.tools import edit_text


def test_reload_reuses_unchanged_cases_and_reads_changed_ones(cases: Path) -> None:
    first = load_catalog(cases)
    edit_text(cases / "beta" / "en.toml", 'summary = "', 'summary = "Edited. ', count=-1)
    second = load_catalog(cases, first)
    assert second.get("alpha") is first.get("alpha")  # not parsed again
    assert second.get("beta").text("en").summary.startswith("Edited. ")


def test_the_cache_between_runs_is_used_and_never_hides_a_change(cases: Path, tmp_path: Path) -> None:
    cache = tmp_path / "db.sqlite3.cases-cache"
    full = load_catalog(cases)
    first = load_catalog(cases, cache=cache)
    assert (cache / "catalogue.json").exists()
    again = load_catalog(cases, cache=cache)
    assert [c.slug for c in again] == [c.slug for c in first]
    assert again.get("alpha").facts == full.get("alpha").facts
    edit_text(cases / "alpha" / "case.toml", "goal = ", "goal = 1", count=-1)
    changed = load_catalog(cases, cache=cache)
    assert changed.get("alpha").facts.petition.goal != first.get("alpha").facts.petition.goal
    edit_text(cases / "alpha" / "case.toml", 'slug = "alpha"', 'slug = "Alpha!"', count=-1)
    with pytest.raises(CaseFileError):
        load_catalog(cases, cache=cache)  # a broken file is reported, cache or not


def test_texts_stay_on_disk_until_shown(cases: Path, tmp_path: Path) -> None:
    full = load_catalog(cases)
    for light in (load_catalog(cases, cache=tmp_path / "c"), load_catalog(cases, cache=tmp_path / "c")):
        for case in light:
            assert case.texts == {}  # nothing held in memory but the facts
            for locale in ("en", "ru", "uz", "uz-Cyrl"):  # uz-Cyrl made when first asked for
                assert case.text(locale) == full.get(case.slug).text(locale)
            assert case.is_short == full.get(case.slug).is_short


def test_a_damaged_cache_is_ignored(cases: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_catalog(cases, cache=cache)
    (cache / "catalogue.json").write_bytes(b"not json")
    (cache / "texts.sqlite3").write_bytes(b"not a database")
    for suffix in ("-wal", "-shm"):
        (cache / f"texts.sqlite3{suffix}").unlink(missing_ok=True)
    catalog = load_catalog(cases, cache=cache)
    assert len(catalog) == 2 and catalog.get("alpha").text("ru").summary
    assert catalog.get("alpha").texts == {}  # the damaged store was begun afresh, texts on disk
    (cache / "texts.sqlite3").unlink()  # the texts gone, the facts still cached: read the files again
    catalog = load_catalog(cases, cache=cache)
    assert catalog.get("beta").text("en").summary


def test_a_cache_folder_that_cannot_be_written_keeps_texts_in_memory(cases: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")  # the cache's parent is a file: nothing can be created under it
    catalog = load_catalog(cases, cache=blocked / "cache")
    assert catalog.get("alpha").texts and catalog.get("alpha").text("ru").summary


def _index_state(index: QuestionIndex) -> dict[str, object]:
    """What a question index answers from, comparable between two builds."""
    names = ("_postings", "_weights", "_phrasing_weight", "_in_phrasings", "_standalone", "_focus")
    names += ("_entry_terms", "_lexicon", "_proper", "_bare", "_person_entries", "_vocabulary", "_names")

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items() if item or not isinstance(item, dict)}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value

    return {name: plain(getattr(index, name)) for name in names}


def _reads(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> list[str]:
    """The slugs ``owner.name(case, ...)`` is called for from now on."""
    read: list[str] = []
    original = getattr(owner, name)

    def counting(*args: object, **kwargs: object) -> object:
        case = next(a for a in args if isinstance(a, Case))
        read.append(case.slug)
        return original(*args, **kwargs)

    wrapped = staticmethod(counting) if isinstance(owner.__dict__[name], staticmethod) else counting
    monkeypatch.setattr(owner, name, wrapped)
    return read


def test_reload_reads_only_the_changed_case_into_the_indexes(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "db.sqlite3.cases-cache"
    first = load_catalog(cases, cache=cache)
    questions = QuestionIndex(first)
    edit_text(cases / "beta" / "en.toml", 'summary = "', 'summary = "Edited. ', count=-1)
    names_read = _reads(monkeypatch, CatalogueIndex, "read_case")
    questions_read = _reads(monkeypatch, QuestionIndex, "_read_case")
    second = load_catalog(cases, first, cache=cache)
    again = QuestionIndex(second, questions)
    assert names_read == ["beta"]
    assert questions_read == ["beta"]
    # And what it answers from is what a build from nothing makes.
    assert _index_state(again) == _index_state(QuestionIndex(second))
    assert second.index.search("beta", "en").slugs == CatalogueIndex(list(second)).search("beta", "en").slugs


def test_a_case_read_against_other_names_is_read_again() -> None:
    entries = CaseEntries("alpha", names_met=frozenset({"memorial"}), lexicon={"en": ("court",), "ru": ("суд",)})
    assert entries.fits(frozenset({"memorial", "zarvid"}))
    assert not entries.fits(frozenset())  # "memorial" is no longer a name: it is a word of the question
    assert not entries.fits(frozenset({"memorial", "court"}))  # a new case named Court


def test_a_removed_case_leaves_the_index_as_a_build_from_nothing(cases: Path) -> None:
    first = load_catalog(cases)
    questions = QuestionIndex(first)
    shutil.rmtree(cases / "beta")  # its names are no longer names: alpha's words may read otherwise
    second = load_catalog(cases, first)
    assert _index_state(QuestionIndex(second, questions)) == _index_state(QuestionIndex(second))


def test_cases_read_alike_share_their_values_with_each_other_and_the_index(cases: Path) -> None:
    """What the index keeps of each case for the next /reload goes through its table of equal
    values: with a thousand cases asked alike, a copy per case was most of the index's memory."""
    shutil.copytree(cases / "alpha", cases / "alpha-copy")
    edit_text(cases / "alpha-copy" / "case.toml", 'slug = "alpha"', 'slug = "alpha-copy"')
    catalog = load_catalog(cases)
    index = QuestionIndex(catalog)
    one, other = index._read["alpha"][1], index._read["alpha-copy"][1]
    fields = ("names_met", "lexicon", "proper", "phrasings", "entry_terms", "pointerless", "focus", "postings")
    assert one.phrasings and one.pointerless and one.focus and one.postings
    for name in fields:
        assert getattr(one, name) is getattr(other, name), name
    # The index answers from the very same objects.
    for term, factors in one.postings.items():
        assert index._postings[term]["alpha"] is factors
    for entry_id, terms in one.entry_terms.items():
        assert index._entry_terms["alpha", entry_id] is terms
    assert index._focus["alpha"] is one.focus
    for entry_id, standalone in index._standalone["alpha"].items():
        for terms, _ in standalone:
            assert any(terms is stored for stored in one.phrasings[entry_id])
    # And so does the next index, which takes the records of unchanged cases.
    again = QuestionIndex(load_catalog(cases, catalog), index)
    assert again._read["alpha"][1] is one
    for term, factors in one.postings.items():
        assert again._postings[term]["alpha-copy"] is factors
