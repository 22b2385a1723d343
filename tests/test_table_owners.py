"""One owner per table: a repository writes only its own tables, and a change that
concerns two (a chat unfollows, is forgotten, blocks the bot, moves) is composed by
:class:`FollowService` from the owners' calls, committed together."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

from bot.domain.follow import FollowService
from bot.domain.records import NewsRecord
from bot.storage.db import Database
from bot.storage.repositories import FollowRepository, OutboxRepository, Transaction
from tests.news_tools import publisher

REPOSITORIES = Path(__file__).resolve().parents[1] / "bot" / "storage" / "repositories.py"
WRITE = re.compile(r"\b(?:INSERT INTO|(?<!DO )(?<!FOR )UPDATE|DELETE FROM)\s+(\w+)")  # not ON CONFLICT DO UPDATE, FOR UPDATE
READ = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)")


def _sql_of(class_name: str) -> str:
    tree = ast.parse(REPOSITORIES.read_text())
    [cls] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    return " ".join(
        n.value for n in ast.walk(cls) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


def test_follows_and_outbox_write_only_their_own_tables() -> None:
    follows = _sql_of("FollowRepository")
    assert set(WRITE.findall(follows)) == {"follows"}
    assert set(READ.findall(follows)) == {"follows"}  # the signature count is the petitions' own
    outbox = _sql_of("OutboxRepository")
    assert set(WRITE.findall(outbox)) == {"deliveries"}
    # Publishing composes the news items' owner and the outbox's (NewsService.publish_item).
    assert set(WRITE.findall(_sql_of("NewsRepository"))) == {"case_updates"}


async def _rig(tmp_path: Path) -> tuple[Database, FollowService, int]:
    db = await Database.open(tmp_path / "owners.sqlite3")
    follows = FollowService(FollowRepository(db), OutboxRepository(db), Transaction(db))
    for chat in (1, 2):
        await follows.follow(chat, "alpha", "en")
    published = await publisher(db).publish_item(
        NewsRecord(
            slug="alpha",
            kind="news",
            texts={"en": "News."},
            fallback="en",
            stage=None,
            stage_date=None,
            announced=True,
            author_id=9,
            author_locale="en",
            draft_key="k",
            at=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
        )
    )
    return db, follows, published.news_id


async def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in await db.conn.execute_fetchall(sql)]


async def test_unfollow_and_forget_take_the_news_on_its_way_along(tmp_path: Path) -> None:
    db, follows, _ = await _rig(tmp_path)
    assert await follows.unfollow(1, "alpha")
    assert await _rows(db, "SELECT chat_id FROM deliveries") == [(2,)]
    assert await follows.forget(2) == 1
    assert await _rows(db, "SELECT * FROM deliveries") == []
    assert await _rows(db, "SELECT * FROM follows") == []
    await db.close()


async def test_a_refusal_changes_the_row_and_the_follows_in_one_commit(tmp_path: Path) -> None:
    db, follows, _ = await _rig(tmp_path)
    [(first,), (second,)] = await _rows(db, "SELECT id FROM deliveries ORDER BY chat_id")
    commits: list[str] = []
    await db.conn.set_trace_callback(lambda sql: commits.append(sql) if sql.startswith("COMMIT") else None)
    await follows.blocked(first, 1, dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    await follows.migrated(second, 2, -1002)
    await db.conn.set_trace_callback(None)
    assert len(commits) == 2  # one per refusal, both tables in it
    assert await _rows(db, "SELECT chat_id, inactive_at IS NOT NULL FROM follows ORDER BY chat_id") == [
        (-1002, 0),
        (1, 1),
    ]
    assert await _rows(db, "SELECT chat_id, status FROM deliveries ORDER BY chat_id") == [
        (-1002, "pending"),
        (1, "failed"),
    ]
    await db.close()
