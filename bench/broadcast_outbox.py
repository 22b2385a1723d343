"""How much the outbox costs per send, and whether it grows with the audience.

    .venv/bin/python bench/broadcast_outbox.py [followers ...]

Sends go to a no-op callable, with pacing effectively off, so what is timed is
the worker's own bookkeeping: claim a row, settle it (two one-row UPDATEs, each
committed with synchronous=FULL). Telegram allows ~30 messages a second; the
bookkeeping must stay well under 1/30 s per send at any audience size.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from bot.domain.broadcast import BroadcastWorker
from bot.domain.follow import FollowService
from bot.domain.news import NewsService
from bot.domain.records import Delivery, NewsRecord
from bot.storage.db import Database
from bot.storage.repositories import FollowRepository, NewsRepository, OutboxRepository, Transaction


async def measure(followers: int, folder: Path) -> tuple[float, float, float]:
    db = await Database.open(folder / f"bench-{followers}.sqlite3")
    async with db.write() as conn:
        await conn.executemany(
            "INSERT INTO follows (chat_id, slug, locale, followed_at) VALUES (?, 'case', 'en', '2026-01-01')",
            [(chat,) for chat in range(1, followers + 1)],
        )
    news_items = NewsRepository(db)
    outbox = OutboxRepository(db)
    now = lambda: dt.datetime.now(dt.UTC)  # noqa: E731
    news = NewsService(news_items, FollowRepository(db), outbox, Transaction(db), now)
    started = time.perf_counter()
    await news.publish_item(
        NewsRecord(
            slug="case",
            kind="news",
            texts={"en": "news"},
            fallback="en",
            stage=None,
            stage_date=None,
            announced=True,
            author_id=1,
            author_locale="en",
            draft_key="bench",
            at=dt.datetime.now(dt.UTC),
        )
    )
    enqueue = time.perf_counter() - started
    statements: list[str] = []
    for connection in (db.conn, db.reader):  # writes, and reads on their own connection
        await connection.set_trace_callback(statements.append)

    async def send(row: Delivery) -> None:
        return None

    follows = FollowService(FollowRepository(db), outbox, Transaction(db))
    worker = BroadcastWorker(outbox, news_items, send, follows=follows, rate=1e9, per_chat_interval=0)
    started = time.perf_counter()
    await worker.run_until_idle()
    elapsed = time.perf_counter() - started
    for connection in (db.conn, db.reader):
        await connection.set_trace_callback(None)
    await db.close()
    return enqueue, elapsed / followers * 1000, len(statements) / followers


async def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        print("followers  enqueue_s  ms_per_send  sql_statements_per_send")
        for size in sizes:
            enqueue, per_send, statements = await measure(size, Path(folder))
            print(f"{size:>9}  {enqueue:>9.3f}  {per_send:>11.2f}  {statements:>23.2f}")


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or [1_000, 10_000]))
