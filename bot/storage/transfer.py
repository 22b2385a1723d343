"""``python -m bot migrate-to-postgres``: the embedded SQLite file copied into PostgreSQL.

Every table the migrations create, row for row, into a PostgreSQL that has
the same tables and no rows yet; identity sequences moved past the copied ids;
then every table counted on both sides. One transaction: a copy that fails
or does not add up leaves PostgreSQL empty.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import asyncpg

from bot.storage.db import Database
from bot.storage.pg import PgDatabase, _init_connection
from bot.storage.repositories import COUNT_PER_PETITION

# Parents before children (foreign keys).
TABLES = (
    "user_settings",
    "petitions",
    "petition_count_slots",
    "signatures",
    "petition_milestones",
    "follows",
    "processed_updates",
    "case_updates",
    "deliveries",
    "fsm_states",
)
IDENTITY = {"signatures": "id", "case_updates": "id", "deliveries": "id"}


class TransferError(Exception):
    pass


async def copy_sqlite_to_postgres(sqlite_path: Path, url: str) -> dict[str, int]:
    if not sqlite_path.exists():  # noqa: ASYNC240 - once, before anything starts
        raise TransferError(f"{sqlite_path}: no such SQLite file")
    lite = await Database.open(sqlite_path)  # brings an older file up to the last migration
    await lite.close()
    target = await PgDatabase.open(url)  # creates the tables, under the migration lock
    await target.close()
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    conn = await asyncpg.connect(url, server_settings={"TimeZone": "UTC"})
    await _init_connection(conn)
    counts: dict[str, int] = {}
    try:
        async with conn.transaction():
            for table in TABLES:
                if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
                    raise TransferError(f"PostgreSQL table {table} already has rows; copy into an empty one")
            for table in TABLES:
                cursor = source.execute(f"SELECT * FROM {table}")
                columns = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                if rows:
                    marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
                    await conn.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                    )
                copied = await conn.fetchval(f"SELECT COUNT(*) FROM {table}")
                if copied != len(rows):
                    raise TransferError(f"{table}: {len(rows)} rows in SQLite, {copied} in PostgreSQL")
                counts[table] = int(copied)
                if table in IDENTITY:
                    column = IDENTITY[table]
                    await conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                        f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
                    )
            kept = await conn.fetchval(
                f"SELECT COUNT(*) FROM petitions p WHERE {COUNT_PER_PETITION} <> "
                "(SELECT COUNT(*) FROM signatures s WHERE s.petition = p.slug)"
            )
            if kept:
                raise TransferError(f"{kept} petition counter(s) do not match their signatures")
    finally:
        source.close()
        await conn.close()
    return counts
