"""SIGTERM with a handler stuck on a slow Bot API call: the bot stops within SHUTDOWN_TIMEOUT, cleanly,
and does not confirm the update it could not finish."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.process import bot_env, start_bot, stop_bot
from tests.fake_telegram import FakeTelegram


async def test_sigterm_drains_in_bounded_time_and_leaves_the_unfinished_update_unconfirmed(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    finished = await telegram.push_message(31, "/help")
    stuck = await telegram.push_message(32, "/help")
    telegram.hold(lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == 32)
    log = tmp_path / "bot.log"
    process = await start_bot(
        bot_env(telegram.url, tmp_path / "bot.sqlite3", SHUTDOWN_TIMEOUT="1"), tmp_path, log
    )
    try:
        await telegram.wait_count(lambda c: c.method == "sendMessage", 2, timeout=60)
    finally:
        # stop_bot's own timeout (30 s) bounds the whole stop; SHUTDOWN_TIMEOUT=1 should take ~1 s of it.
        returncode = await stop_bot(process, timeout=30)
    assert returncode == 0
    assert finished < stuck
    assert all(offset <= stuck for offset in telegram.offsets), telegram.offsets
    events = [json.loads(line)["event"] for line in log.read_text().splitlines() if line.startswith("{")]
    assert "polling.draining" in events and "polling.abandoned_at_shutdown" in events
    assert events[-1] == "bot.stopped"
