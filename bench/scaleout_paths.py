"""Scale-out mode (PostgreSQL + Redis) for the main table: one worker, long polling, beside SQLite.

``python -m bot run`` with ``DATABASE_URL`` and ``REDIS_URL`` set and no
``WEBHOOK_URL`` polls (one poller per database: it takes the polling claim), so
one scale-out worker is measured exactly as the SQLite process is — the same
fake Bot API server, the same updates, the same E and E(cb) in the same
repetition. PostgreSQL and Redis are the suite's own (tests/servers.py), with
fsync on (``durable``), as SQLite runs with ``synchronous=FULL``; the database
holds the same 100,000 signatures and 20,000 followers.

Start-up is measured on an empty database of its own per probe (the running
worker holds the polling claim of the seeded one), migrations included, as the
SQLite probe starts on a fresh file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bench.config import OUT
from bench.processes import bot_env
from tests.servers import PostgresServer, RedisServer

TOKEN = "6100005:bench-casebot-pg-token"
LOCALES = ("ru", "uz", "en")


@dataclass
class ScaleOutServers:
    """PostgreSQL (fsync on) and Redis for the bench's scale-out worker and start-up probes."""

    pg: PostgresServer = field(default_factory=lambda: PostgresServer(durable=True))
    redis: RedisServer = field(default_factory=RedisServer)
    url: str = ""

    def start(self) -> ScaleOutServers:
        self.pg.start()
        self.redis.start()
        return self

    def stop(self) -> None:
        self.pg.stop()
        self.redis.stop()

    def env(self, api_url: str, token: str, cases_dir: Path, database_url: str) -> dict[str, str]:
        env = bot_env(api_url, token, OUT / "unused-pg.sqlite3", cases_dir)
        env.update(DATABASE_URL=database_url, REDIS_URL=self.redis.url)
        return env

    def fresh(self) -> str:
        from tests.scaleout_fixtures import fresh_database  # pytest's fixtures module: only when run

        return asyncio.run(fresh_database(self.pg))

    def seeded(self, slug: str, signatures: int, followers: int) -> str:
        """A database migrated by the bot's own migrations, holding the bench's rows."""
        url = self.fresh()
        asyncio.run(_seed(url, slug, signatures, followers))
        self.url = url
        return url


async def _seed(url: str, slug: str, signatures: int, followers: int) -> None:
    from bot.storage.pg import PgDatabase

    db = await PgDatabase.open(url)
    await db.pool.close()
    signed_at = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO petitions (slug, signature_count) VALUES ($1, $2)", slug, signatures
            )
            await conn.copy_records_to_table(
                "signatures",
                columns=["petition", "signer", "display_name", "city", "locale", "signed_at", "source"],
                records=[
                    (
                        slug,
                        os.urandom(32),
                        f"Signer {i}" if i % 3 else None,
                        "Tashkent" if i % 5 == 0 else None,
                        LOCALES[i % 3],
                        signed_at - dt.timedelta(seconds=i),
                        "link" if i % 7 == 0 else None,
                    )
                    for i in range(signatures)
                ],
            )
            await conn.copy_records_to_table(
                "follows",
                columns=["chat_id", "slug", "locale", "followed_at"],
                records=[(90_000_000 + i, slug, LOCALES[i % 3], signed_at) for i in range(followers)],
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def petition_counts(url: str, slug: str) -> tuple[int, int]:
    """(the kept counter with its slots, the rows counted now)."""
    from bot.storage.repositories import COUNT_PER_PETITION

    async def read() -> tuple[int, int]:
        conn = await asyncpg.connect(url)
        try:
            kept = await conn.fetchval(
                f"SELECT {COUNT_PER_PETITION} FROM petitions p WHERE p.slug = $1", slug
            )
            rows = await conn.fetchval("SELECT COUNT(*) FROM signatures WHERE petition = $1", slug)
            return int(kept or 0), int(rows)
        finally:
            await conn.close()

    return asyncio.run(read())


def scaleout_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The repetitions as the report reads them, the PostgreSQL worker's paths in place of
    SQLite's beside the same E and E(cb)."""
    return [
        {
            "rep": r["rep"],
            "noisy": r["noisy"],
            "paths": {
                "echo": r["paths"]["echo"],
                "echo_callback": r["paths"]["echo_callback"],
                **r["paths_pg"],
            },
            "startup": r.get("startup", {}),
        }
        for r in records
        if "paths_pg" in r
    ]
