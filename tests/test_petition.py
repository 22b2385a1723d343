"""The petition domain without aiogram: names, the key, counting, export, privacy."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import sqlite3
import stat
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cases.catalog import load_catalog
from bot.cases.models import Case
from bot.domain.petition import (
    NameRejected,
    Outcome,
    PetitionService,
    clean_name,
    export_csv,
    export_json,
    load_signature_key,
    milestone_thresholds,
)
from bot.storage.db import Database
from bot.storage.repositories import SignatureRepository
from tests.conftest import FIXTURE_CASES, NOW
from tests.scaleout_fixtures import open_engine
from tests.servers import postgres_bin


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Иван   Петров ", "Иван Петров"),
        ("Oʻktam Gʻulomov", "Oʻktam Gʻulomov"),
        ("O'Brien", "O'Brien"),
        ("D’Artagnan", "D’Artagnan"),
        ("Jean-Luc P.", "Jean-Luc P."),
        ("Jo", "Jo"),
        ("Zoë", "Zoë"),
    ],
)
def test_good_names_are_kept(typed: str, stored: str) -> None:
    assert clean_name(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("A", "short"),
        ("x" * 101, "long"),
        ("a" * 500, "long"),
        ("<b>Ivan</b>", "html"),
        ("Ivan & Co", "html"),
        ("Ivan\u200bPetrov", "invisible"),
        ("\u202eIvan", "invisible"),
        ("Ivan\x00", "invisible"),
        ("Ivan\nPetrov", "lines"),
        ("see https://x.org", "link"),
        ("@ivan", "link"),
        ("t.me/ivan", "link"),
        ("Ivan 1984", "characters"),
        ("Ivan 🙂", "characters"),
        ("'; DROP TABLE--", "characters"),
        ("=HYPERLINK(1)", "characters"),
        ("...", "characters"),
    ],
)
def test_bad_names_are_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(NameRejected) as info:
        clean_name(typed)
    assert info.value.reason == reason


def test_key_file_is_created_once_with_mode_0600_and_reused(tmp_path: Path) -> None:
    db_path = tmp_path / "var" / "bot.sqlite3"
    first = load_signature_key(None, db_path)
    key_file = tmp_path / "var" / "signature.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_signature_key(None, db_path) == first
    assert len(first) == 64
    assert load_signature_key("x" * 40, db_path) == b"x" * 40  # SIGNATURE_KEY wins


def test_milestones_are_quarters_and_round_numbers() -> None:
    thresholds = milestone_thresholds(1000)
    assert {250, 500, 750, 1000, 100, 5000} <= set(thresholds)


@pytest.fixture
async def db(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """Both engines: the embedded SQLite file and PostgreSQL."""
    database = await open_engine(engine, tmp_path, request, "petition.sqlite3")
    yield database
    await database.close()


@pytest.fixture
def alpha() -> Case:
    case = load_catalog(FIXTURE_CASES).get("alpha")
    assert case is not None
    return case


def _service(db: Database, now: dt.datetime = NOW) -> PetitionService:
    return PetitionService(SignatureRepository(db), b"k" * 32, lambda: now)


async def test_concurrent_burst_with_duplicates_and_withdrawals_counts_exactly(
    db: Database, alpha: Case
) -> None:
    service = _service(db)
    signers = range(1, 1001)
    # 1,000 distinct signers, 200 of them delivered twice, all at once.
    results = await asyncio.gather(
        *[service.sign(alpha, uid, locale="en") for uid in signers],
        *[service.sign(alpha, uid, locale="ru", name="Twice Signer") for uid in range(1, 201)],
    )
    assert sum(r.outcome is Outcome.signed for r in results) == 1000
    assert sum(r.outcome is Outcome.already_signed for r in results) == 200
    # 100 withdrawals racing 100 more duplicates.
    await asyncio.gather(
        *[service.withdraw(alpha, uid) for uid in range(901, 1001)],
        *[service.sign(alpha, uid, locale="en") for uid in range(1, 101)],
    )
    repo = SignatureRepository(db)
    kept, rows = await repo.reconcile("alpha")
    assert kept == rows == 900
    assert await service.count(alpha) == 900
    milestones = [m for m, _ in await repo.milestones("alpha")]
    assert milestones[:4] == [25, 50, 75, 100]  # goal 100: recorded once each


async def test_closed_petition_refuses_and_keeps_the_final_count(db: Database, alpha: Case) -> None:
    service = _service(db)
    await service.sign(alpha, 1, locale="en")
    await service.close(alpha)
    result = await service.sign(alpha, 2, locale="en")
    assert result.outcome is Outcome.closed and result.count == 1
    assert await service.count(alpha) == 1


async def test_not_yet_open(db: Database, alpha: Case) -> None:
    early = _service(db, dt.datetime(2021, 2, 1, tzinfo=dt.UTC))
    assert (await early.sign(alpha, 1, locale="en")).outcome is Outcome.not_yet_open


def _read_database_files(folder: Path) -> tuple[bytes, str]:
    raw = b"".join(p.read_bytes() for p in folder.glob("petition.sqlite3*"))
    return raw, "\n".join(sqlite3.connect(folder / "petition.sqlite3").iterdump())


async def test_database_dump_does_not_reveal_who_signed(db: Database, alpha: Case, tmp_path: Path) -> None:
    service = _service(db)
    user_ids = [987654321, 123456789012, 555000111]
    for uid in user_ids:
        await service.sign(alpha, uid, locale="en", name="Some Name")
    if db.dialect == "postgresql":  # what `python -m bot backup` tells admins to run: pg_dump
        dump = subprocess.run(  # noqa: ASYNC221 - a test, once
            [str(postgres_bin() / "pg_dump"), "--inserts", db.url], capture_output=True, text=True, check=True
        ).stdout
        raw = dump.encode()
    else:
        await db.conn.execute("PRAGMA wal_checkpoint(FULL)")
        raw, dump = _read_database_files(tmp_path)
    for uid in user_ids:
        assert str(uid).encode() not in raw
        assert str(uid) not in dump
        assert uid.to_bytes(8, "big").lstrip(b"\0") not in raw
    assert "Some Name" in dump  # the name the signer chose is there, by design


async def test_forget_removes_every_signature_of_the_user(db: Database, alpha: Case) -> None:
    service = _service(db)
    await service.sign(alpha, 1, locale="en")
    await service.sign(alpha, 2, locale="en")
    assert await service.forget(1) == 1
    assert await service.count(alpha) == 1
    assert await service.signature(alpha, 1) is None


async def test_csv_export_has_a_bom_and_neutralises_formulas(db: Database, alpha: Case) -> None:
    service = _service(db)
    repo = SignatureRepository(db)
    await service.sign(alpha, 1, locale="ru", name="Иван Петров", city="Москва")
    await service.sign(alpha, 2, locale="uz")
    # Rows written by an older version or by hand must still export safely.
    for n, evil in enumerate(["=cmd()", "+1", "-2", "@SUM", "\tx", "\rx"], start=10):
        await db.conn.execute(
            "INSERT INTO signatures (petition, signer, display_name, locale, signed_at) VALUES (?, ?, ?, ?, ?)",
            ("alpha", bytes([n]) * 32, evil + "name", "en", NOW.isoformat()),
        )
    content = export_csv(await repo.all_of("alpha"))
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == {"name": "Иван Петров", "city": "Москва", "date": "2026-11-29", "locale": "ru"}
    assert rows[1]["name"] == "Anonymous"
    for row in rows[2:]:
        assert row["name"].startswith("'"), row


async def test_json_export_carries_the_demand_and_the_count(db: Database, alpha: Case) -> None:
    service = _service(db)
    await service.sign(alpha, 1, locale="en", name="Ann Lee")
    document = json.loads(export_json(alpha, await SignatureRepository(db).all_of("alpha")))
    assert document["count"] == 1
    assert document["demand"]["ru"] == "Освободите Анну Альфу."
    assert document["addressee"]["en"] == "The Test Prosecutor"
    assert document["signatures"][0]["name"] == "Ann Lee"
