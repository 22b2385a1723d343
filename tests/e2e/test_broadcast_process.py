"""The broadcast worker runs inside the polling process: it resumes the outbox on start and stops cleanly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.domain.records import NewsRecord
from bot.storage.db import Database
from bot.storage.repositories import FollowRepository
from tests.e2e.process import bot_env, start_bot, stop_bot
from tests.fake_telegram import FakeTelegram
from tests.news_tools import publisher


async def test_news_left_in_the_outbox_is_delivered_when_the_bot_starts(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    db = await Database.open(database)
    follows = FollowRepository(db)
    await follows.follow(501, "alpha", "ru")
    await follows.follow(502, "alpha", "en")
    await publisher(db).publish_item(
        NewsRecord(
            slug="alpha",
            kind="news",
            texts={"ru": "Новость из очереди", "en": "News from the outbox"},
            fallback="en",
            stage=None,
            stage_date=None,
            announced=True,
            author_id=1,
            author_locale="en",
            draft_key="e2e",
            at=dt.datetime.now(dt.UTC),
        )
    )
    # A previous process died mid-send: the row must be sent, not forgotten.
    await db.conn.execute("UPDATE deliveries SET status = 'sending' WHERE chat_id = 501")
    await db.close()

    log_file = tmp_path / "bot.log"
    process = await start_bot(bot_env(telegram.url, database), tmp_path, log_file)
    try:
        for chat, text in ((501, "Новость из очереди"), (502, "News from the outbox")):
            call = await telegram.wait_for(
                lambda c, chat=chat: c.method == "sendMessage" and str(c.params.get("chat_id")) == str(chat)
            )
            assert text in call.params["text"] and call.params["parse_mode"] == "HTML"
    finally:
        returncode = await stop_bot(process)
    log = log_file.read_text(encoding="utf-8")
    assert returncode == 0, log[-2000:]
    assert '"event": "broadcast.resumed"' in log and '"event": "broadcast.done"' in log
    assert "Новость из очереди" not in log and "News from the outbox" not in log
    db = await Database.open(database)
    rows = await db.conn.execute_fetchall("SELECT status FROM deliveries")
    await db.close()
    assert [r[0] for r in rows] == ["sent", "sent"]
