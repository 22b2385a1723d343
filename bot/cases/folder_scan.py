"""Which case folders there are and what their files hold, by size, time and contents.

Standard library only: /reload runs :func:`scan_job` in a bare interpreter of its own
(bot/domain/catalogue_reload.py), because here, in the bot's process, each of the
thousands of stat and read calls gives the interpreter away and waits for it again
behind the readers' updates.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping
from pathlib import Path

# A folder's files as the loader last read them, by content: (name, size, digest) each.
# Copying the files again, or `git checkout`, leaves them as they were: nothing to parse.
Signature = tuple[tuple[str, int, str], ...]
# The same files by size and time (name, mtime in ns, size): while these stay, the
# contents are not read again to know that they did.
Stat = tuple[tuple[str, int, int], ...]


def folder_stat(folder: Path) -> Stat:
    entries = []
    with os.scandir(folder) as found:
        for entry in found:
            if entry.is_file():
                stat = entry.stat()
                entries.append((entry.name, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))


def folder_signature(folder: Path, stat: Stat | None = None) -> Signature:
    """The contents of the files ``stat`` lists (a file gone meanwhile: an empty one)."""
    entries = []
    for name, _, _ in stat if stat is not None else folder_stat(folder):
        try:
            body = (folder / name).read_bytes()
        except OSError:
            body = b""
        entries.append((name, len(body), hashlib.blake2b(body, digest_size=16).hexdigest()))
    return tuple(entries)


def scan(cases_dir: Path, known: Mapping[str, tuple[Stat, Signature]]) -> list[tuple[str, Stat, Signature]]:
    """Every case folder by name (hidden and ``_`` ones left out), with its files' sizes and
    times and their contents' signature, taken from ``known`` while the sizes and times match."""
    with os.scandir(cases_dir) as found:
        names = sorted(e.name for e in found if e.is_dir() and not e.name.startswith((".", "_")))
    listing = []
    for name in names:
        folder = cases_dir / name
        stat = folder_stat(folder)
        seen = known.get(name)
        same = seen is not None and seen[0] == stat
        listing.append((name, stat, seen[1] if seen is not None and same else folder_signature(folder, stat)))
    return listing


def scan_job(job: dict[str, object]) -> bytes:
    """:func:`scan` for a reading process: ``cases_dir`` and ``known`` in, the listing pickled."""
    cases_dir, known = job["cases_dir"], job["known"]
    assert isinstance(cases_dir, Path) and isinstance(known, dict)
    return pickle.dumps(scan(cases_dir, known), protocol=pickle.HIGHEST_PROTOCOL)
