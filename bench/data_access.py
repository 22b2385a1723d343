"""Per-statement cost of the data-access shape, on PostgreSQL: why casebot has no SQLAlchemy.

The same query a card costs (a follow check and the count, one round trip) run
N times, one after another, on one connection:

- asyncpg itself (the floor),
- casebot's repository connection (``bot/storage/pg.py``: ``?`` placeholders
  translated once and cached, asyncpg's prepared-statement cache),
- SQLAlchemy Core over the same asyncpg driver (``text()`` with bound
  parameters, the lightest Core form), when SQLAlchemy is installed.

    python -m bench.data_access   (SQLAlchemy is not a dependency: pip install sqlalchemy to compare)
"""

from __future__ import annotations

import asyncio
import json
import time

import asyncpg

from bot.storage.pg import PgConnection, PgDatabase
from tests.scaleout_fixtures import fresh_database
from tests.servers import PostgresServer

N = 3000
CARD = (
    "SELECT EXISTS (SELECT 1 FROM follows WHERE chat_id = ? AND slug = ?), "
    "(SELECT signature_count FROM petitions WHERE slug = ?)"
)


async def main() -> None:
    server = PostgresServer().start()
    try:
        url = await fresh_database(server)
        db = await PgDatabase.open(url)
        await db.close()
        results: dict[str, float] = {}
        raw = await asyncpg.connect(url)
        query = CARD.replace("?", "$1", 1).replace("?", "$2", 1).replace("?", "$3", 1)
        for _ in range(200):
            await raw.fetchrow(query, 1, "alpha", "alpha")
        started = time.perf_counter()
        for n in range(N):
            await raw.fetchrow(query, n, "alpha", "alpha")
        results["asyncpg"] = (time.perf_counter() - started) / N * 1e6
        conn = PgConnection(raw)
        for _ in range(200):
            await conn.execute_fetchall(CARD, (1, "alpha", "alpha"))
        started = time.perf_counter()
        for n in range(N):
            await conn.execute_fetchall(CARD, (n, "alpha", "alpha"))
        results["casebot repository connection"] = (time.perf_counter() - started) / N * 1e6
        await raw.close()
        try:
            from sqlalchemy import text
            from sqlalchemy.ext.asyncio import create_async_engine
        except ImportError:
            results["sqlalchemy core"] = float("nan")
        else:
            engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://"))
            statement = text(CARD.replace("?", ":chat", 1).replace("?", ":slug", 1).replace("?", ":slug2", 1))
            async with engine.connect() as sa:
                for _ in range(200):
                    (await sa.execute(statement, {"chat": 1, "slug": "alpha", "slug2": "alpha"})).first()
                started = time.perf_counter()
                for n in range(N):
                    (await sa.execute(statement, {"chat": n, "slug": "alpha", "slug2": "alpha"})).first()
                results["sqlalchemy core"] = (time.perf_counter() - started) / N * 1e6
            await engine.dispose()
        print(json.dumps({k: round(v, 1) for k, v in results.items()} | {"unit": "µs per statement"}))
    finally:
        server.stop()


if __name__ == "__main__":
    asyncio.run(main())
