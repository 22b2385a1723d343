"""The webhook endpoint, /healthz and /metrics, served on 127.0.0.1 around the real Dispatcher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import SendMessage
from aiohttp.test_utils import TestClient, TestServer

from bot.transport.intake import Intake
from bot.transport.web import MAX_BODY, SECRET_HEADER, WebServer
from bot.ui.keyboards import PetitionAction, PetitionCb
from tests.tools import Harness

SECRET = "s3cret_Token-1"
PATH = "/tg/hook"


def _server(harness: Harness, **kwargs: Any) -> WebServer:
    return WebServer(
        harness.app, Intake(harness.app.dp, harness.app.bot), webhook_path=PATH, secret=SECRET, **kwargs
    )


def _client(harness: Harness, server: WebServer | None = None) -> TestClient:
    server = server or _server(harness)
    return TestClient(TestServer(server.application(), host="127.0.0.1"))


@pytest.fixture
async def client(harness: Harness) -> AsyncIterator[TestClient]:
    async with _client(harness) as test_client:
        yield test_client


def _message(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "W", "language_code": "en"},
            "text": text,
        },
    }


def _sign(update_id: int, user_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"q{update_id}",
            "from": {"id": user_id, "is_bot": False, "first_name": "W", "language_code": "en"},
            "chat_instance": "x",
            "data": PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack(),
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": user_id, "type": "private"},
                "text": "…",
            },
        },
    }


def _sent(harness: Harness, user_id: int) -> list[str]:
    return [c.text for c in harness.session.calls if isinstance(c, SendMessage) and int(c.chat_id) == user_id]


async def test_the_right_secret_is_handled_before_the_answer(client: TestClient, harness: Harness) -> None:
    response = await client.post(PATH, json=_message(1, 11, "/help"), headers={SECRET_HEADER: SECRET})
    assert response.status == 200
    # 200 came after the handler: the reply is already there.
    assert any("How to use this bot" in t for t in _sent(harness, 11))


@pytest.mark.parametrize(
    "headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}, {SECRET_HEADER: "ключ"}]
)
async def test_a_wrong_or_missing_secret_is_refused_unread(
    client: TestClient, harness: Harness, headers: dict[str, str]
) -> None:
    response = await client.post(PATH, json=_message(2, 12, "/help"), headers=headers)
    assert response.status == 401
    assert _sent(harness, 12) == []
    assert 'outcome="ok"' not in harness.app.metrics.render().decode()


async def test_the_same_update_twice_is_one_effect_and_one_reply(
    client: TestClient, harness: Harness
) -> None:
    for _ in range(2):
        response = await client.post(PATH, json=_sign(3, 13), headers={SECRET_HEADER: SECRET})
        assert response.status == 200
    assert sum("signer No. 1" in t for t in _sent(harness, 13)) == 1
    assert len(_sent(harness, 13)) == 1
    async with harness.app.db.conn.execute("SELECT COUNT(*) FROM signatures") as cur:
        assert (await cur.fetchone())[0] == 1
    metrics = harness.app.metrics.render().decode()
    assert 'casebot_updates_total{kind="callback_query",outcome="duplicate"} 1.0' in metrics


async def test_oversized_and_malformed_bodies_are_refused(client: TestClient, harness: Harness) -> None:
    headers = {SECRET_HEADER: SECRET}
    too_big = await client.post(PATH, data=b"{" + b" " * MAX_BODY + b"}", headers=headers)
    assert too_big.status == 413
    not_json = await client.post(PATH, data=b"<html>", headers=headers)
    assert not_json.status == 400
    not_an_update = await client.post(PATH, json={"hello": 1}, headers=headers)
    assert not_an_update.status == 400
    assert harness.session.calls == []


async def test_a_slow_update_gets_503_and_its_redelivery_waits_for_it(harness: Harness) -> None:
    """Ordered by events, not by the clock: the handler cannot finish before ``release``,
    so the short handle_timeout is missed however fast or slow the machine is."""
    release = asyncio.Event()
    entered = asyncio.Event()
    entries: list[int] = []

    async def slow_help(*_: Any) -> None:
        entries.append(1)
        entered.set()
        await release.wait()

    from aiogram.filters import Command

    harness.app.dp.message.register(slow_help, Command("slow"))
    headers = {SECRET_HEADER: SECRET}
    hasty = _server(harness, handle_timeout=0.05)
    async with _client(harness, hasty) as client:
        # Bounds against a hang only (a broken timeout would wait for ever), not timing.
        first = await asyncio.wait_for(client.post(PATH, json=_message(4, 14, "/slow"), headers=headers), 60)
        assert first.status == 503  # Telegram will send it again
        await asyncio.wait_for(entered.wait(), 60)
        # The first copy is still being handled: the redelivery waits for it, and is not handled again.
        redelivery = await asyncio.wait_for(
            client.post(PATH, json=_message(4, 14, "/slow"), headers=headers), 60
        )
        assert redelivery.status == 503
        assert len(entries) == 1
        release.set()
        await hasty.drain(timeout=60)
    assert len(entries) == 1
    metrics = harness.app.metrics.render().decode()
    assert 'casebot_updates_total{kind="message",outcome="ok"} 1.0' in metrics
    assert 'casebot_updates_total{kind="message",outcome="duplicate"} 1.0' in metrics
    # A later copy, through a server with the usual patience, is acknowledged and not handled again.
    async with _client(harness) as client:
        final = await client.post(PATH, json=_message(4, 14, "/slow"), headers=headers)
        assert final.status == 200
    assert len(entries) == 1


async def test_healthz_and_metrics(client: TestClient, harness: Harness) -> None:
    await client.post(PATH, json=_sign(5, 15), headers={SECRET_HEADER: SECRET})
    health = await client.get("/healthz")
    assert health.status == 200
    assert await health.json() == {"status": "ok", "database": True, "cases": 2}
    metrics = await client.get("/metrics")
    assert metrics.status == 200
    assert metrics.headers["Content-Type"].startswith("text/plain")
    text = await metrics.text()
    assert 'casebot_signatures{case="alpha"} 1.0' in text
    assert 'casebot_updates_total{kind="callback_query",outcome="ok"} 1.0' in text
    assert 'casebot_update_handling_seconds_bucket{kind="callback_query",le="+Inf"} 1.0' in text
    assert "casebot_delivery_queue_depth 0.0" in text
    assert "casebot_followers" in text


async def test_healthz_is_503_when_the_database_does_not_answer(client: TestClient, harness: Harness) -> None:
    await harness.app.db.close()
    health = await client.get("/healthz")
    assert health.status == 503
    assert (await health.json())["database"] is False


async def test_waiting_for_an_update_never_cancels_it() -> None:
    """Neither the timeout nor the request being given up (Telegram hanging up) stops a handler
    midway: its update stays in flight until done, for the redelivery to find it processed."""
    release = asyncio.Event()

    async def handling() -> bool:
        await release.wait()
        return True

    task = asyncio.ensure_future(handling())
    assert await WebServer._finished_within(task, 0) is False
    assert not task.done()
    waiting = asyncio.ensure_future(WebServer._finished_within(task, 60))
    await asyncio.sleep(0)  # a turn of the loop for it to start waiting, not a delay
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert not task.done()
    release.set()
    assert await WebServer._finished_within(task, 60) is True
    assert task.result() is True
