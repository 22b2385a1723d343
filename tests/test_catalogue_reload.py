"""/reload through CatalogueReloader: what changed is read (here or in reading processes),
what did not is kept, and a broken file keeps the catalogue in force."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cases import catalog as catalog_module
from bot.cases.catalog import CaseFileError, CatalogHolder, cache_is_current, load_catalog
from bot.domain import catalogue_reload
from bot.domain.answers import QuestionIndex, QuestionIndexes
from bot.domain.catalogue_reload import CatalogueReloader
from bot.ui import ftl_cache
from tests.conftest import FIXTURE_CASES, LOCALES


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


def _reloader(cases: Path, cache: Path, *, child_from: int) -> tuple[CatalogueReloader, CatalogHolder]:
    catalog = load_catalog(cases, cache=cache)
    holder = CatalogHolder(catalog)
    return CatalogueReloader(cases, cache, holder, QuestionIndexes(catalog), child_from=child_from), holder


@pytest.mark.parametrize("child_from", [1, 1000], ids=["in reading processes", "in this process"])
async def test_a_changed_folder_is_read_and_the_rest_kept(cases: Path, tmp_path: Path, child_from: int) -> None:
    reloader, holder = _reloader(cases, tmp_path / "db.cases-cache", child_from=child_from)
    before = holder.current
    _edit(cases / "beta" / "en.toml", 'summary = "', 'summary = "Edited. ')
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
    _edit(alpha_en, "[charges.", "[charges_typo.")
    _edit(cases / "beta" / "ru.toml", 'summary = "', 'summary = "Правка. ')
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
    _edit(cases / "beta" / "en.toml", 'summary = "', 'summary = "Edited. ')
    _, fresh = await reloader.reload()
    assert fresh.get("beta").text("en").summary.startswith("Edited. ")
    assert reloader.read_in_processes == 0


def test_a_first_start_has_the_cache_written_by_another_process(cases: Path, tmp_path: Path) -> None:
    cache = tmp_path / "db.cases-cache"
    locales = ("bot.ui.ftl_cache:prepare_job", {"locales_dir": LOCALES, "cache": cache})
    preparing = catalogue_reload.CachePreparation(cases, cache, then=[locales])
    assert preparing.started
    preparing.wait()
    assert cache_is_current(cache)
    assert (cache / ftl_cache.CACHE_FILE).is_file()  # the locales parsed there too
    # The bot's own load then reads every case from the cache, parsing nothing.
    with _no_parsing():
        catalog = load_catalog(cases, cache=cache)
    direct = load_catalog(cases)
    assert catalog.slugs == direct.slugs
    for case in direct:
        assert catalog.get(case.slug).facts == case.facts
        assert catalog.get(case.slug).text("ru") == case.text("ru")
    # A restart finds the cache current: nothing to prepare.
    assert not catalogue_reload.CachePreparation(cases, cache).started


def test_a_broken_file_at_a_first_start_is_reported_whole_by_the_bot(cases: Path, tmp_path: Path) -> None:
    cache = tmp_path / "db.cases-cache"
    _edit(cases / "alpha" / "en.toml", "[charges.", "[charges_typo.")
    _edit(cases / "beta" / "ru.toml", 'summary = "', 'summary = 1\nx = "')
    preparing = catalogue_reload.CachePreparation(cases, cache)
    preparing.wait()  # the other process found the problems; nothing of them written
    assert not cache_is_current(cache)
    with pytest.raises(CaseFileError) as caught:
        load_catalog(cases, cache=cache)
    with pytest.raises(CaseFileError) as direct:
        load_catalog(cases)
    assert caught.value.problems == direct.value.problems
    assert any("alpha" in line for line in caught.value.problems)
    assert any("beta" in line for line in caught.value.problems)


@contextlib.contextmanager
def _no_parsing() -> Iterator[None]:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a case folder parsed again")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(catalog_module, "load_case", refuse)
        yield
