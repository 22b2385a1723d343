"""The bot as a real process, long-polling a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.process import bot_env, start_bot, stop_bot
from tests.fake_telegram import FakeTelegram


async def test_a_user_starts_the_bot_and_gets_a_reply_in_their_language(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    log_file = tmp_path / "bot.log"
    process = await start_bot(bot_env(telegram.url, tmp_path / "bot.sqlite3"), tmp_path, log_file)
    try:
        # The profile is published in every language, beside polling.
        for code in ("ru", "uz", "en"):
            call = await telegram.wait_for(
                lambda c, code=code: c.method == "setMyCommands" and c.params.get("language_code") == code
            )
            assert call.params["commands"][0]["command"] == "start"
        await telegram.wait_for(lambda c: c.method == "setMyShortDescription")

        await telegram.push_message(777, "/start", language_code="ru")
        reply = await telegram.wait_for(
            lambda c: c.method == "sendMessage" and str(c.params.get("chat_id")) == "777"
        )
        assert "политзаключ" in reply.params["text"].lower()
        buttons = [b["text"] for row in reply.params["reply_markup"]["inline_keyboard"] for b in row]
        assert "Анна Альфа" in buttons

        await telegram.push_message(777, "/start alpha", language_code="ru")
        card = await telegram.wait_for(
            lambda c: c.method == "sendMessage" and "ч. 2 ст. 207.3 УК РФ" in c.params.get("text", "")
        )
        assert card.params["parse_mode"] == "HTML"
    finally:
        returncode = await stop_bot(process)
    log = log_file.read_text(encoding="utf-8")
    assert returncode == 0, log[-2000:]
    assert '"event": "update"' in log and '"handler": "start.start"' in log
    # The log has ids and timings, never what the user wrote or the token.
    assert "/start alpha" not in log and "TEST-token" not in log
