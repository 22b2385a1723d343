"""A consistent copy of the live database through SQLite's online backup API.

Safe while the bot runs: the copy is taken in one step inside a read
transaction, so it is a snapshot of one moment, and WAL mode lets the bot keep
writing meanwhile. The copy is written beside the target, checked with
``PRAGMA integrity_check``, switched to a self-contained rollback journal (no
``-wal`` file to forget) and only then renamed into place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    bytes: int
    signatures: int


def backup_database(source: Path, target: Path, now: dt.datetime | None = None) -> BackupReport:
    if not source.exists():
        raise BackupError(f"{source}: no database there")
    if target.is_dir():
        stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
        target = target / f"casebot-{stamp}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # Owner-only from the first byte: the copy holds names of people who may be at risk.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # pages=-1: the whole database in one step, one snapshot
            dst.execute("PRAGMA journal_mode=DELETE")
            result = dst.execute("PRAGMA integrity_check").fetchone()
            if result is None or result[0] != "ok":
                raise BackupError(f"the copy failed its integrity check: {result}")
            row = dst.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'signatures'"
            ).fetchone()
            signatures = dst.execute("SELECT COUNT(*) FROM signatures").fetchone()[0] if row[0] else 0
        finally:
            dst.close()
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    finally:
        src.close()
    os.replace(partial, target)
    return BackupReport(path=target, bytes=target.stat().st_size, signatures=int(signatures))
