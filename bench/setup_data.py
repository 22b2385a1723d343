"""Bench set-up: a database at production scale and a catalogue of 50 cases.

The rows go in with plain SQL in one transaction: this is fixture data for a
measurement, not a path the bot takes (the bot's own writes are what the paths
measure). The schema comes from the bot's migrations, so the shape is the real one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.storage.db import Database

LOCALES = ("ru", "uz", "en")
ROOT = Path(__file__).resolve().parent.parent


def in_process_settings(name: str, **overrides: Any) -> Settings:
    """Settings for casebot run inside a bench process: no token (the recording
    session), the real cases and locales, a fresh database in a temporary folder."""
    workdir = Path(tempfile.mkdtemp(prefix=f"casebot-{name}-"))
    values: dict[str, Any] = {
        "bot_token": None,
        "database_path": workdir / f"{name}.sqlite3",
        "cases_dir": ROOT / "data" / "cases",
        "locales_dir": ROOT / "locales",
        "signature_key": "bench-" + "0" * 40,
    }
    return Settings(_env_file=None, **{**values, **overrides})  # type: ignore[call-arg]


async def _migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def seed_database(path: Path, slug: str, signatures: int, followers: int) -> None:
    """``signatures`` rows under ``slug`` (counter kept exact) and ``followers`` follows."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    asyncio.run(_migrate(path))
    signed_at = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO petitions (slug, signature_count) VALUES (?, ?)", (slug, signatures))
        conn.executemany(
            "INSERT INTO signatures (petition, signer, display_name, city, locale, signed_at, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    slug,
                    os.urandom(32),  # an HMAC under some key: opaque, as in production
                    f"Signer {i}" if i % 3 else None,
                    "Tashkent" if i % 5 == 0 else None,
                    LOCALES[i % 3],
                    (signed_at - dt.timedelta(seconds=i)).isoformat(),
                    "link" if i % 7 == 0 else None,
                )
                for i in range(signatures)
            ),
        )
        conn.executemany(
            "INSERT INTO follows (chat_id, slug, locale, followed_at) VALUES (?, ?, ?, ?)",
            ((90_000_000 + i, slug, LOCALES[i % 3], signed_at.isoformat()) for i in range(followers)),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def petition_counts(path: Path, slug: str) -> tuple[int, int]:
    """(the kept counter, the rows counted now), read beside the running bot (WAL)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        kept = conn.execute("SELECT signature_count FROM petitions WHERE slug = ?", (slug,)).fetchone()
        rows = conn.execute("SELECT COUNT(*) FROM signatures WHERE petition = ?", (slug,)).fetchone()
        return int(kept[0]) if kept else 0, int(rows[0])
    finally:
        conn.close()


def outbox_counts(path: Path) -> dict[str, Any]:
    """The outbox as the bot left it: rows per status, the chats marked sent, updates completed."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        statuses = dict(conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall())
        sent = [int(r[0]) for r in conn.execute("SELECT chat_id FROM deliveries WHERE status = 'sent'")]
        updates = conn.execute("SELECT COUNT(*), COUNT(completed_at) FROM case_updates").fetchone()
        return {"status": statuses, "sent_chats": sent, "updates": updates[0], "completed": updates[1]}
    finally:
        conn.close()


def generate_cases(source: Path, target: Path, count: int) -> Path:
    """``count`` copies of one real case under new slugs: a catalogue the loader fully validates."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    facts = (source / "case.toml").read_text(encoding="utf-8")
    old = f'slug = "{source.name}"'
    assert old in facts, f"{source}/case.toml has no {old!r}"
    for index in range(count):
        slug = f"case-{index:03d}"
        folder = target / slug
        folder.mkdir()
        (folder / "case.toml").write_text(facts.replace(old, f'slug = "{slug}"'), encoding="utf-8")
        for locale in LOCALES:
            shutil.copy(source / f"{locale}.toml", folder / f"{locale}.toml")
    return target


def generate_catalogue(target: Path, count: int = 1000) -> Path:
    """``count`` fictional cases (tests/catalogue_gen.py; half Khamroev-sized, half short)
    and the real Khamroev case beside them, for the 1,000-case figures."""
    from tests.catalogue_gen import generate

    shutil.rmtree(target, ignore_errors=True)
    generate(target, count, size="full")
    shutil.copytree(ROOT / "data" / "cases" / "khamroev", target / "khamroev")
    return target
