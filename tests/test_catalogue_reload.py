"""/reload through CatalogueReloader: what changed is read (here or in reading processes),
what did not is kept, and a broken file keeps the catalogue in force."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cases.catalog import CaseFileError, CatalogHolder, load_catalog
from bot.domain import catalogue_reload
from bot.domain.answers import QuestionIndex, QuestionIndexes
from bot.domain.catalogue_reload import CatalogueReloader
from tests.tools import edit_text


def _reloader(cases: Path, cache: Path, *, child_from: int) -> tuple[CatalogueReloader, CatalogHolder]:
    catalog = load_catalog(cases, cache=cache)
    holder = CatalogHolder(catalog)
    return CatalogueReloader(cases, cache, holder, QuestionIndexes(catalog), child_from=child_from), holder


@pytest.mark.parametrize("child_from", [1, 1000], ids=["in reading processes", "in this process"])
async def test_a_changed_folder_is_read_and_the_rest_kept(cases: Path, tmp_path: Path, child_from: int) -> None:
    reloader, holder = _reloader(cases, tmp_path / "db.cases-cache", child_from=child_from)
    before = holder.current
    edit_text(cases / "beta" / "en.toml", 'summary = "', 'summary = "Edited. ', count=-1)
    previous, fresh = await reloader.reload()
    assert previous is before and holder.current is fresh
    assert fresh.get("alpha") is before.get("alpha")  # not read again
    assert fresh.get("beta").text("en").summary.startswith("Edited. ")
    assert fresh.get("beta").text("uz-Cyrl").summary  # made from uz when shown, as ever
    assert reloader.read_in_processes == (1 if child_from == 1 else 0)
    # The question index built from what was read is the one a build from nothing makes.
    index = await reloader._indexes.get(fresh)
    full = QuestionIndex(fresh)
    assert index._postings == full._postings and index._phrasing_weight == full._phrasing_weight


async def test_files_copied_again_unchanged_are_not_read(cases: Path, tmp_path: Path) -> None:
    reloader, holder = _reloader(cases, tmp_path / "db.cases-cache", child_from=1000)
    before = holder.current
    for path in (cases / "alpha").iterdir():
        path.write_bytes(path.read_bytes())  # newer, the same contents
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    _, fresh = await reloader.reload()
    assert fresh.get("alpha") is before.get("alpha")


@pytest.mark.parametrize("child_from", [1, 1000], ids=["in reading processes", "in this process"])
async def test_a_broken_file_blocks_the_swap_with_the_same_report(
    cases: Path, tmp_path: Path, child_from: int
) -> None:
    reloader, holder = _reloader(cases, tmp_path / "db.cases-cache", child_from=child_from)
    before = holder.current
    alpha_en = cases / "alpha" / "en.toml"
    edit_text(alpha_en, "[charges.", "[charges_typo.", count=-1)
    edit_text(cases / "beta" / "ru.toml", 'summary = "', 'summary = "Правка. ', count=-1)
    with pytest.raises(CaseFileError) as caught:
        await reloader.reload()
    with pytest.raises(CaseFileError) as direct:
        load_catalog(cases)
    assert caught.value.problems == direct.value.problems  # file, field, reason: as ever
    assert any(str(alpha_en) in line for line in caught.value.problems)
    assert holder.current is before


async def test_a_reading_process_that_dies_leaves_the_work_to_this_one(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reloader, _ = _reloader(cases, tmp_path / "db.cases-cache", child_from=1)
    monkeypatch.setattr(catalogue_reload, "_CHILD", "import sys; sys.exit(3)")
    edit_text(cases / "beta" / "en.toml", 'summary = "', 'summary = "Edited. ', count=-1)
    _, fresh = await reloader.reload()
    assert fresh.get("beta").text("en").summary.startswith("Edited. ")
    assert reloader.read_in_processes == 0
