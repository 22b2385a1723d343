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
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import structlog

from bot.cases.catalog import Catalog, CatalogHolder, FolderRead, Signature, load_catalog, read_folders
from bot.cases.models import Case
from bot.domain.answers import CaseEntries, QuestionIndex, QuestionIndexes

log = structlog.get_logger("casebot.catalogue")

# Changed folders from which they are read in other processes: fewer are read in a
# worker thread (a process takes ~0.2 s of CPU to start; a folder ~5 ms to read).
CHILD_FROM = 40
# Folders a reading process sends back at a time: this process takes them in while
# the rest are still being read.
CHUNK = 50


def read_elsewhere(folders: list[tuple[Path, Signature]], names: frozenset[str]) -> bytes:
    """:func:`read_folders` and the question index's reading of the valid cases, in a
    process of its own (``names``: the catalogue's name words, see :class:`CaseEntries`):
    (reads, entries) pickled here, so that the pool's one thread in the bot's process, which
    also hands out the next folders, only passes bytes along."""
    gc.disable()  # a short life of allocations only: the collector would walk them for nothing
    entries: dict[str, CaseEntries] = {}

    def read_questions(cases: list[Case]) -> None:
        entries.update(QuestionIndex.read_cases(cases, names))

    reads = read_folders(folders, None, read_questions, bodies=True)
    return pickle.dumps((reads, entries), protocol=pickle.HIGHEST_PROTOCOL)


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
                    partial(load_catalog, cache=self._cache, read=partial(self._read, current, entries)),
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
            return self._read_here(folders, names, entries)
        reads: dict[str, FolderRead] = {}
        processes = min(self._processes, -(-len(folders) // CHUNK))
        share = -(-len(folders) // processes)
        try:
            for got, read_entries in _read_in_processes(
                [folders[i : i + share] for i in range(0, len(folders), share)], names
            ):
                reads.update(got)
                entries.update(read_entries)
        except ChildFailed as exc:
            # Read here then: slower, and whatever made the child fail shows itself here.
            log.warning("catalogue_reload.child_failed", error=str(exc))
            missing = [(folder, sig) for folder, sig in folders if folder.name not in reads]
            reads.update(self._read_here(missing, names, entries))
            return reads
        self.read_in_processes += len(folders)
        return reads

    @staticmethod
    def _read_here(
        folders: list[tuple[Path, Signature]], names: frozenset[str], entries: dict[str, CaseEntries]
    ) -> dict[str, FolderRead]:
        return read_folders(
            folders, None, lambda cases: entries.update(QuestionIndex.read_cases(cases, names)), bodies=True
        )


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


# The reading process: a bare interpreter given its job on stdin. Not multiprocessing's
# spawn, which imports the parent's __main__ again in each child (`python -m bench...`
# imports aiogram: seconds of CPU before the first folder is read).
_CHILD = (
    "import sys, pickle; job = pickle.load(sys.stdin.buffer); sys.path[:0] = job['path']; "
    "from bot.domain.catalogue_reload import serve; serve(job)"
)


def serve(job: dict[str, object]) -> None:
    """In a reading process: each handful of folders read, sent back as soon as it is."""
    out = sys.stdout.buffer
    folders = job["folders"]
    names = job["names"]
    assert isinstance(folders, list) and isinstance(names, frozenset)
    for start in range(0, len(folders), CHUNK):
        blob = read_elsewhere(folders[start : start + CHUNK], names)
        out.write(len(blob).to_bytes(8, "big") + blob)
        out.flush()


def _read_in_processes(
    shares: list[list[tuple[Path, Signature]]], names: frozenset[str]
) -> Iterator[tuple[dict[str, FolderRead], dict[str, CaseEntries]]]:
    """Each share read in a process of its own; results as they come, whichever first."""
    arrived: queue.Queue[bytes | ChildFailed] = queue.Queue()
    children = [
        subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for _ in shares
    ]

    def collect(child: subprocess.Popen[bytes], share: list[tuple[Path, Signature]]) -> None:
        assert child.stdin is not None and child.stdout is not None
        try:
            pickle.dump({"path": sys.path, "folders": share, "names": names}, child.stdin)
            child.stdin.close()
            got = 0
            while got < len(share):
                size = child.stdout.read(8)
                if len(size) < 8:
                    raise ChildFailed(f"exit status {child.wait()}")
                arrived.put(child.stdout.read(int.from_bytes(size, "big")))
                got += min(CHUNK, len(share) - got)
            arrived.put(b"")
        except Exception as exc:  # the reading thread must say it ended, whatever ended it
            arrived.put(exc if isinstance(exc, ChildFailed) else ChildFailed(repr(exc)))
        finally:
            child.stdout.close()
            child.wait()

    readers = [
        threading.Thread(target=collect, args=(child, share), daemon=True)
        for child, share in zip(children, shares, strict=True)
    ]
    for reader in readers:
        reader.start()
    try:
        finished = 0
        while finished < len(readers):
            blob = arrived.get()
            if isinstance(blob, ChildFailed):
                raise blob
            if not blob:
                finished += 1
                continue
            yield pickle.loads(blob)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
        for reader in readers:
            reader.join()
