"""/reload: the case files read again, and the new catalogue made whole before it is used.

The catalogue in force keeps serving readers until the new one and its question index
are ready, then :class:`~bot.cases.catalog.CatalogHolder` swaps them in one step; a
broken file stops the reload before that, so readers never see half a catalogue.

What costs: parsing and checking the folders whose files changed, storing their texts,
and reading their questions for the question index (a thousand changed cases are some
four seconds of CPU). A folder whose files are as the catalogue in force read them is
not read again, nor are its index entries made again. When many folders changed, they
are read in other processes (:data:`CHILD_FROM`): in the bot's own process that work
would get the interpreter only between readers' updates, and readers' updates would
wait behind it. The processes are started for the one reload and end with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import structlog

from bot.cases.catalog import Catalog, CatalogHolder, FolderRead, load_catalog, read_folders
from bot.cases.folder_scan import Signature, Stat, scan
from bot.domain.answers import CaseEntries, QuestionIndex, QuestionIndexes

log = structlog.get_logger("casebot.catalogue")

# Changed folders from which they are read in other processes: fewer are read in a
# worker thread (a process takes ~0.3 s of CPU to start; a folder ~3 ms to read).
CHILD_FROM = 40
# Folders a reading process is given at least.
CHUNK = 50


def read_job(job: dict[str, object]) -> bytes:
    """In a reading process: :func:`read_folders` and the question index's reading of the
    valid cases (``names``: the catalogue's name words, see :class:`CaseEntries`), pickled."""
    folders, names = job["folders"], job["names"]
    assert isinstance(folders, list) and isinstance(names, frozenset)
    entries: dict[str, CaseEntries] = {}
    reads = _read_folders_and_questions(folders, names, entries)
    return pickle.dumps((reads, entries), protocol=pickle.HIGHEST_PROTOCOL)


def _read_folders_and_questions(
    folders: list[tuple[Path, Signature]], names: frozenset[str], entries: dict[str, CaseEntries]
) -> dict[str, FolderRead]:
    """:func:`read_folders` with texts as bodies (one writer stores them), the question index's
    reading of the valid cases added to ``entries`` while their texts are in memory."""
    return read_folders(
        folders, None, lambda cases: entries.update(QuestionIndex.read_cases(cases, names)), bodies=True
    )


class CatalogueReloader:
    """Reads the case files again into a new catalogue and swaps it in (see the module doc)."""

    def __init__(
        self,
        cases_dir: Path,
        cache: Path | None,
        catalogs: CatalogHolder,
        indexes: QuestionIndexes,
        *,
        processes: int | None = None,
        child_from: int = CHILD_FROM,
    ) -> None:
        self._cases_dir = cases_dir
        self._cache = cache
        self._catalogs = catalogs
        self._indexes = indexes
        self._processes = processes or max(1, min(4, os.cpu_count() or 1))
        self._child_from = child_from
        self._lock = asyncio.Lock()  # two /reloads at once: one after the other
        self.read_in_processes = 0  # folders read elsewhere (tests, figures)

    async def reload(self) -> tuple[Catalog, Catalog]:
        """The new catalogue, swapped in: (previous, fresh). Raises CaseFileError, changing nothing."""
        async with self._lock:
            with _collector_paused():
                current = self._catalogs.current
                entries: dict[str, CaseEntries] = {}
                fresh = await asyncio.to_thread(
                    partial(
                        load_catalog,
                        cache=self._cache,
                        read=partial(self._read, current, entries),
                        scan_folders=_scan_elsewhere,
                    ),
                    self._cases_dir,
                    current,
                )
                await self._indexes.prepare(fresh, entries)
                return self._catalogs.swap(fresh), fresh

    def _read(
        self,
        current: Catalog,
        entries: dict[str, CaseEntries],
        folders: list[tuple[Path, Signature]],
    ) -> dict[str, FolderRead]:
        """The changed folders read (in the loader's worker thread, or in processes it waits for)."""
        names = frozenset(QuestionIndex.name_words(current))
        if len(folders) < self._child_from:
            return _read_folders_and_questions(folders, names, entries)
        processes = min(self._processes, -(-len(folders) // CHUNK))
        share = -(-len(folders) // processes)
        jobs = [{"folders": folders[i : i + share], "names": names} for i in range(0, len(folders), share)]
        reads: dict[str, FolderRead] = {}
        try:
            for blob in _in_children("bot.domain.catalogue_reload:read_job", jobs):
                got, read_entries = pickle.loads(blob)
                reads.update(got)
                entries.update(read_entries)
        except ChildFailed as exc:
            # Read here then: slower, and whatever made the child fail shows itself here.
            log.warning("catalogue_reload.child_failed", error=str(exc))
            return _read_folders_and_questions(folders, names, entries)
        self.read_in_processes += len(folders)
        return reads


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection for the few seconds of a reload: a thousand new cases
    are millions of new objects, and each full collection meanwhile walks them all again
    (a fifth of the reload's CPU here). Collected as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ChildFailed(Exception):
    """A reading process ended before it had sent every folder it was given."""


def _scan_elsewhere(
    cases_dir: Path, known: dict[str, tuple[Stat, Signature]]
) -> list[tuple[str, Stat, Signature]]:
    """The case folders listed and hashed (bot/cases/folder_scan.py) in a process of its own."""
    try:
        [blob] = _in_children("bot.cases.folder_scan:scan_job", [{"cases_dir": cases_dir, "known": known}])
    except ChildFailed as exc:
        log.warning("catalogue_reload.child_failed", error=str(exc))
        return scan(cases_dir, known)
    listing: list[tuple[str, Stat, Signature]] = pickle.loads(blob)
    return listing


# A reading process: a bare interpreter given its job on stdin, which writes the pickled
# result to a file. Not multiprocessing's spawn, which imports the parent's __main__ again
# in each child (`python -m bench...` imports aiogram: seconds of CPU before any work);
# not a pipe back, whose many small reads would each give the interpreter away here and
# wait for it again behind the readers' updates (one read of a file is one wait).
_CHILD = (
    "import sys, pickle, importlib; job = pickle.load(sys.stdin.buffer); sys.path[:0] = job['path']; "
    "import gc; gc.disable(); "  # a short life of allocations: the collector would walk them for nothing
    "module, name = job['entry'].split(':'); "
    "result = getattr(importlib.import_module(module), name)(job['job']); "
    "import pathlib; pathlib.Path(job['out']).write_bytes(result)"
)


def _in_children(entry: str, jobs: list[dict[str, object]]) -> list[bytes]:
    """Each job given to ``entry`` ("module:function", which returns bytes) in a process of
    its own, all at once; their results in the jobs' order. Raises ChildFailed."""
    with tempfile.TemporaryDirectory(prefix="casebot-reload-") as scratch:
        children = []
        try:
            for number, job in enumerate(jobs):
                out = Path(scratch) / f"{number}.pickle"
                child = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE)
                children.append((child, out))
                assert child.stdin is not None
                with child.stdin:
                    pickle.dump({"path": sys.path, "entry": entry, "job": job, "out": str(out)}, child.stdin)
            results = []
            for child, out in children:
                if child.wait() != 0 or not out.is_file():
                    raise ChildFailed(f"{entry}: exit status {child.returncode}")
                results.append(out.read_bytes())
            return results
        except OSError as exc:
            raise ChildFailed(f"{entry}: {exc}") from exc
        finally:
            for child, _ in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
