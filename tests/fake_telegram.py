"""A small fake Telegram Bot API server (aiohttp, 127.0.0.1) for end-to-end tests.

It serves ``/bot<token>/<method>`` as Telegram does: ``getMe``, long-polling
``getUpdates`` fed from :meth:`FakeTelegram.push_update`, the send/edit methods
(answered with plausible messages) and anything else with ``true``. Every call
is recorded so a test can wait for the reply a user would get.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]


class FakeTelegram:
    def __init__(self, bot_username: str = "fake_casebot") -> None:
        self.bot_username = bot_username
        self.calls: list[ApiCall] = []
        self.updates: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def push_update(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        async with self._changed:
            self.updates.append({"update_id": update_id, **update})
            self._changed.notify_all()
        return update_id

    async def push_message(self, user_id: int, text: str, language_code: str = "en") -> int:
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": "User",
            "language_code": language_code,
        }
        return await self.push_update(
            {
                "message": {
                    "message_id": next(self._message_ids),
                    "date": int(time.time()),
                    "chat": {"id": user_id, "type": "private"},
                    "from": user,
                    "text": text,
                }
            }
        )

    async def wait_for(self, predicate: Callable[[ApiCall], bool], timeout: float = 20) -> ApiCall:
        async def _wait() -> ApiCall:
            async with self._changed:
                while True:
                    for call in self.calls:
                        if predicate(call):
                            return call
                    await self._changed.wait()

        return await asyncio.wait_for(_wait(), timeout)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str):
                try:
                    params[key] = json.loads(value) if value[:1] in "[{" else value
                except json.JSONDecodeError:
                    params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if method.lower() == "getupdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        async with self._changed:
            self.calls.append(ApiCall(method, params))
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 5.0)
        async with self._changed:
            # Confirmed updates (below the offset) are gone, as at Telegram.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if not self.updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)
            return list(self.updates)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        name = method.lower()
        if name == "getme":
            return {
                "id": 4242,
                "is_bot": True,
                "first_name": "casebot",
                "username": self.bot_username,
            }
        if name.startswith("send") or name.startswith("edit"):
            chat_id = int(params.get("chat_id") or 0)
            return {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        return True
