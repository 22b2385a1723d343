"""The bot as a real process in webhook mode: registers its webhook, answers only after handling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp

from bot.ui.keyboards import PetitionAction, PetitionCb
from tests.e2e.process import TOKEN, bot_env, free_port, start_bot, stop_bot
from tests.fake_telegram import ApiCall, FakeTelegram

SECRET = "webhook_Secret-42"


def _message(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "W", "language_code": "en"}
    chat = {"id": user_id, "type": "private"}
    return {
        "update_id": update_id,
        "message": {"message_id": update_id, "date": 1, "chat": chat, "from": user, "text": text},
    }


def _sign(update_id: int, user_id: int) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "W", "language_code": "en"}
    message = {"message_id": 1, "date": 1, "chat": {"id": user_id, "type": "private"}, "text": "…"}
    data = PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack()
    return {
        "update_id": update_id,
        "callback_query": {"id": "q", "from": user, "chat_instance": "x", "data": data, "message": message},
    }


def _to(user_id: int) -> Any:
    return lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == user_id


async def test_webhook_mode_end_to_end(telegram: FakeTelegram, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_env(
        telegram.url,
        tmp_path / "bot.sqlite3",
        WEBHOOK_URL="https://bot.example.org/tg/hook",
        WEBHOOK_SECRET=SECRET,
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
    )
    log = tmp_path / "bot.log"
    process = await start_bot(env, tmp_path, log)
    try:
        registered: ApiCall = await telegram.wait_for(lambda c: c.method == "setWebhook", timeout=60)
        assert registered.params["url"] == "https://bot.example.org/tg/hook"
        assert registered.params["secret_token"] == SECRET
        assert {"message", "callback_query", "inline_query", "my_chat_member"} <= set(
            registered.params["allowed_updates"]
        )
        hook = f"{base}/tg/hook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with aiohttp.ClientSession() as http:
            async with http.post(hook, json=_message(1, 21, "/help"), headers=headers) as response:
                assert response.status == 200
            # Answered after handling: the reply reached Telegram before the 200 did.
            assert [c for c in telegram.calls if _to(21)(c)]

            for wrong in ({}, {"X-Telegram-Bot-Api-Secret-Token": "nope"}):
                async with http.post(hook, json=_message(2, 22, "/help"), headers=wrong) as response:
                    assert response.status == 401
            for _ in range(2):  # as Telegram: the method a response carries is executed
                assert await telegram.deliver(hook, _sign(3, 23), SECRET) == 200
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200 and (await response.json())["status"] == "ok"
            async with http.get(f"{base}/metrics") as response:
                metrics = await response.text()
        assert not [c for c in telegram.calls if _to(22)(c)]
        assert len([c for c in telegram.calls if _to(23)(c)]) == 1
        # The button's answer rode in the response, once, and was never a call of its own.
        answers = [c for c in telegram.calls if c.method == "answerCallbackQuery"]
        assert [(c.via, c.params["callback_query_id"]) for c in answers] == [("webhook", "q")]
        assert 'casebot_signatures{case="alpha"} 1.0' in metrics
        assert 'casebot_updates_total{kind="callback_query",outcome="duplicate"} 1.0' in metrics
    finally:
        returncode = await stop_bot(process)
    assert returncode == 0
    text = log.read_text(encoding="utf-8")
    assert '"event": "webhook.registered"' in text and '"event": "shutdown.done"' in text
    assert TOKEN.split(":")[1] not in text and SECRET not in text
