"""python -m bot backup: a consistent copy while the bot writes."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path

from bot.storage.backup import backup_database
from bot.storage.db import Database
from bot.storage.repositories import SignatureRepository
from tests.conftest import NOW
from tests.test_cli import _run


async def test_a_backup_taken_during_a_burst_of_signatures_is_consistent(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "live.sqlite3")
    signatures = SignatureRepository(db)
    stop = asyncio.Event()

    async def keep_signing() -> int:
        n = 0
        while not stop.is_set():
            n += 1
            await signatures.add(
                "alpha",
                n.to_bytes(32, "big"),
                display_name=None,
                city=None,
                locale="en",
                signed_at=NOW,
                source=None,
            )
        return n

    writer = asyncio.ensure_future(keep_signing())
    try:
        reports = [
            await asyncio.to_thread(backup_database, db.path, tmp_path / f"copy{i}.sqlite3") for i in range(3)
        ]
    finally:
        stop.set()
        written = await writer
        await db.close()
    for report in reports:
        conn = sqlite3.connect(report.path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
            rows = conn.execute("SELECT COUNT(*) FROM signatures").fetchone()[0]
            kept = conn.execute("SELECT signature_count FROM petitions WHERE slug = 'alpha'").fetchone()
            assert (kept[0] if kept else 0) == rows == report.signatures  # a snapshot of one moment
        finally:
            conn.close()
        assert stat.S_IMODE(os.stat(report.path).st_mode) == 0o600
        assert not report.path.with_name(report.path.name + ".partial").exists()
    assert reports[-1].signatures <= written


def test_backup_command_writes_a_dated_file_into_a_folder(tmp_path: Path) -> None:
    signed = _run(["console", "--lang", "en", "--user-id", "1"], tmp_path, "/sign alpha\n2\n")
    assert "signer No. 1" in signed.stdout, signed.stdout
    folder = tmp_path / "backups"
    folder.mkdir()
    result = _run(["backup", str(folder)], tmp_path)
    assert result.returncode == 0, result.stderr
    [copy] = list(folder.iterdir())
    assert copy.name.startswith("casebot-") and copy.suffix == ".sqlite3"
    assert "1 signature(s), integrity ok" in result.stdout
    assert "signature key is not in the backup" in result.stderr
    missing = _run(["backup", str(folder)], tmp_path, DATABASE_PATH=str(tmp_path / "nothing.sqlite3"))
    assert missing.returncode == 2 and "no database there" in missing.stderr


def test_backup_names_the_moment_in_utc(tmp_path: Path) -> None:
    source = tmp_path / "db.sqlite3"
    sqlite3.connect(source).close()
    report = backup_database(source, tmp_path, now=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    assert report.path.name == "casebot-20260102T030405Z.sqlite3"
    assert report.signatures == 0
