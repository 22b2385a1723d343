"""A small fake Telegram Bot API server (aiohttp, 127.0.0.1) for end-to-end tests.

It serves ``/bot<token>/<method>`` as Telegram does: ``getMe``, long-polling
``getUpdates`` fed from :meth:`FakeTelegram.push_update`, the send/edit methods
(answered with plausible messages) and anything else with ``true``. Every call
is recorded so a test can wait for the reply a user would get, and so is every
``getUpdates`` offset (what the bot confirmed, and when). :meth:`FakeTelegram.hold`
keeps matching calls waiting for an answer, as a slow Telegram would.
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

from tests.telegram_limits import problem


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
        self.offsets: list[int] = []  # the offset of every getUpdates, in order
        self.last_update_id = 0
        self._holds: list[tuple[Callable[[ApiCall], bool], asyncio.Event]] = []

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
        update_id = self.last_update_id = next(self._update_ids)
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

    async def push_callback(
        self, user_id: int, data: str, message_id: int = 1, language_code: str = "en"
    ) -> int:
        """A button press under the bot's message ``message_id`` in the user's private chat."""
        user = {"id": user_id, "is_bot": False, "first_name": "User", "language_code": language_code}
        return await self.push_update(
            {
                "callback_query": {
                    "id": f"cq{user_id}-{next(self._message_ids)}",
                    "from": user,
                    "chat_instance": str(user_id),
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": {"id": user_id, "type": "private"},
                        "from": {"id": 4242, "is_bot": True, "first_name": "casebot"},
                        "text": "…",
                    },
                }
            }
        )

    def hold(self, predicate: Callable[[ApiCall], bool]) -> asyncio.Event:
        """Matching calls are recorded at once but answered only when the returned event is set."""
        gate = asyncio.Event()
        self._holds.append((predicate, gate))
        return gate

    def release_all(self) -> None:
        for _, gate in self._holds:
            gate.set()

    async def wait_for_offset(self, at_least: int, timeout: float = 30) -> None:
        """Until the bot has confirmed every update below ``at_least``."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: any(o >= at_least for o in self.offsets)), timeout
            )

    async def wait_count(
        self, predicate: Callable[[ApiCall], bool], count: int, timeout: float = 30
    ) -> list[ApiCall]:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: sum(1 for c in self.calls if predicate(c)) >= count), timeout
            )
            return [c for c in self.calls if predicate(c)]

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
        call = ApiCall(method, params)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        for predicate, gate in self._holds:
            if predicate(call):
                await gate.wait()
        refused = problem(method, params)
        if refused is not None:  # what Telegram itself would refuse
            return web.json_response(
                {"ok": False, "error_code": 400, "description": f"Bad Request: {refused}"}, status=400
            )
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), 5.0)
        async with self._changed:
            self.offsets.append(offset)
            self._changed.notify_all()
            # Confirmed updates (below the offset) are gone, as at Telegram.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if not self.updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)
            return list(self.updates[:limit])

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
