"""A fake Telegram Bot API server for benchmarks, run as its own process on 127.0.0.1.

``python -m bench.fake_server`` prints ``READY <port>`` and serves until SIGTERM.

Bot side: ``/bot<token>/<method>`` as Telegram serves it — long-polling
``getUpdates``, ``getMe``, plausible messages for send/edit methods, ``true``
for the rest. Each token is a separate bot, so the casebot process, the ceiling
echo bot and start-up probes share one server without seeing each other's updates.

Load side (``/_bench/...``, JSON, used by :mod:`bench.__main__`):

- ``POST /_bench/run``: a closed loop. The server keeps ``concurrency`` updates
  outstanding for one token, until the list or ``max_seconds`` runs out. An
  update is done when the bot has made ``calls_per_update`` API calls for its
  chat (``answerCallbackQuery`` is tied to the chat by the callback id,
  ``<chat>-<n>``), and the next update is released at that moment: what a busy
  bot sees when polling. The answer holds the latencies (enqueue → last call)
  after a warm-up, the throughput and the calls made, so the load generator's
  own cost stays in this process.
- ``POST /_bench/limits``: Telegram's flood limits for one token — ``global_rate``
  sends per second overall and ``per_chat_interval`` seconds between sends to one
  chat — answered with 429 and ``retry_after`` when exceeded, as Telegram does.
  Successful sends are recorded per chat for the broadcast checks (``GET
  /_bench/deliveries``; with ``detail=1`` every delivery's time and chat).
- ``GET /_bench/markup?token=&chat=``: the inline keyboard the bot last sent to
  a chat, so the load can press a button whose data the bot chose (the admin's
  "Publish" carries the draft's random key).
- ``GET /_bench/first_poll?token=``: when (``time.monotonic()``, system-wide on
  Linux) that token first called ``getUpdates``: the end of a start-up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import math
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "casebot", "username": "bench_casebot"}
MAX_POLL_TIMEOUT = 30.0


@dataclass
class Outstanding:
    started: float
    remaining: int
    measured: bool


@dataclass
class Run:
    """One closed-loop measurement for one token."""

    pending: deque[dict[str, Any]]
    concurrency: int
    calls_per_update: int
    warmup: int
    total: int
    deadline: float  # no update is released after this (time.monotonic())
    released: int = 0
    inflight: dict[int, deque[Outstanding]] = field(default_factory=dict)
    inflight_count: int = 0
    completed: int = 0
    latencies: list[float] = field(default_factory=list)
    measured_from: float | None = None
    measured_to: float | None = None
    calls: dict[str, int] = field(default_factory=dict)
    first_update_id: int = 0
    last_update_id: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Limits:
    global_rate: float
    per_chat_interval: float
    sent_at: deque[float] = field(default_factory=deque)
    chat_last: dict[int, float] = field(default_factory=dict)
    too_many: int = 0
    delivered: dict[int, int] = field(default_factory=dict)
    delivery_times: list[float] = field(default_factory=list)
    delivery_chats: list[int] = field(default_factory=list)

    def admit(self, chat_id: int, now: float) -> float:
        """0 when this send is allowed (and recorded); else the seconds to wait."""
        window = self.sent_at
        while window and now - window[0] >= 1.0:
            window.popleft()
        wait = 0.0
        if len(window) >= self.global_rate:
            wait = 1.0 - (now - window[0])
        last = self.chat_last.get(chat_id)
        if last is not None and now - last < self.per_chat_interval:
            wait = max(wait, self.per_chat_interval - (now - last))
        if wait > 0:
            self.too_many += 1
            return wait
        window.append(now)
        self.chat_last[chat_id] = now
        self.delivered[chat_id] = self.delivered.get(chat_id, 0) + 1
        self.delivery_times.append(now)
        self.delivery_chats.append(chat_id)
        return 0.0


class BotState:
    def __init__(self) -> None:
        self.updates: deque[dict[str, Any]] = deque()
        self.poller: asyncio.Future[None] | None = None
        self.first_poll: float | None = None
        self.run: Run | None = None
        self.limits: Limits | None = None
        self.stray_calls = 0
        self.markups: dict[int, str] = {}  # chat -> the reply_markup last sent there

    def wake(self) -> None:
        if self.poller is not None and not self.poller.done():
            self.poller.set_result(None)


class FakeBotApi:
    def __init__(self) -> None:
        self.bots: dict[str, BotState] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)

    def bot(self, token: str) -> BotState:
        state = self.bots.get(token)
        if state is None:
            state = self.bots[token] = BotState()
        return state

    # --- the Bot API --------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        state = self.bot(token)
        params = await _params(request)
        if method == "getUpdates":
            return _ok(await self._get_updates(state, params))
        if method == "getMe":
            return _ok(BOT_USER)
        chat_id = _chat_of(params)
        if state.limits is not None and method.startswith("send") and chat_id is not None:
            wait = state.limits.admit(chat_id, time.monotonic())
            if wait > 0:
                retry_after = max(1, math.ceil(wait))
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {retry_after}",
                        "parameters": {"retry_after": retry_after},
                    }
                )
        if chat_id is not None:
            markup = params.get("reply_markup")
            if markup:
                state.markups[chat_id] = markup
            self._account(state, method, chat_id)
        return _ok(self._result(method, params, chat_id))

    async def _get_updates(self, state: BotState, params: dict[str, Any]) -> list[dict[str, Any]]:
        if state.first_poll is None:
            state.first_poll = time.monotonic()
        offset = int(params.get("offset") or 0)
        updates = state.updates
        while updates and updates[0]["update_id"] < offset:
            updates.popleft()
        timeout = min(float(params.get("timeout") or 0), MAX_POLL_TIMEOUT)
        if not updates and timeout:
            state.poller = asyncio.get_running_loop().create_future()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.poller, timeout)
            state.poller = None
        limit = int(params.get("limit") or 100)
        return list(itertools.islice(updates, limit))

    def _result(self, method: str, params: dict[str, Any], chat_id: int | None) -> Any:
        if method.startswith("send") or method.startswith("edit"):
            return {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()),
                "chat": {"id": chat_id or 0, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        return True

    # --- the closed loop ----------------------------------------------------------

    def _release(self, state: BotState, run: Run, now: float) -> None:
        if now > run.deadline and run.released > run.warmup:
            # Time is up: what is in flight finishes, nothing new starts.
            run.pending.clear()
            run.total = run.released
        released = False
        while run.pending and run.inflight_count < run.concurrency:
            update = run.pending.popleft()
            update_id = next(self._update_ids)
            update["update_id"] = update_id
            run.released += 1
            run.first_update_id = run.first_update_id or update_id
            run.last_update_id = update_id
            chat_id = _update_chat(update)
            measured = run.released > run.warmup
            run.inflight.setdefault(chat_id, deque()).append(Outstanding(now, run.calls_per_update, measured))
            run.inflight_count += 1
            state.updates.append(update)
            released = True
        if released:
            state.wake()

    def _account(self, state: BotState, method: str, chat_id: int) -> None:
        run = state.run
        queue = run.inflight.get(chat_id) if run is not None else None
        if run is None or not queue:
            state.stray_calls += 1
            return
        run.calls[method] = run.calls.get(method, 0) + 1
        head = queue[0]
        head.remaining -= 1
        if head.remaining > 0:
            return
        now = time.monotonic()
        queue.popleft()
        if not queue:
            del run.inflight[chat_id]
        run.inflight_count -= 1
        run.completed += 1
        if run.completed == run.warmup:
            run.measured_from = now
        if head.measured:
            run.latencies.append(now - head.started)
            run.measured_to = now
        self._release(state, run, now)
        if run.completed == run.total:
            run.done.set()

    async def start_run(self, request: web.Request) -> web.Response:
        body = await request.json()
        state = self.bot(body["token"])
        updates = body["updates"]
        warmup = min(int(body.get("warmup", 0)), max(0, len(updates) - 1))
        started = time.monotonic()
        run = Run(
            pending=deque(updates),
            concurrency=int(body["concurrency"]),
            calls_per_update=int(body["calls_per_update"]),
            warmup=warmup,
            total=len(updates),
            deadline=started + float(body.get("max_seconds", 1e9)),
        )
        state.stray_calls = 0
        state.run = run
        if warmup == 0:
            run.measured_from = started
        self._release(state, run, started)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(run.done.wait(), float(body.get("timeout", 120)))
        # Calls that arrive after the last update completed are extra replies: a bug
        # in the path definition or in the bot, never to be silently ignored.
        await asyncio.sleep(float(body.get("settle", 0.05)))
        state.run = None
        state.updates.clear()
        measured_from = run.measured_from or started
        measured_to = run.measured_to or time.monotonic()
        return web.json_response(
            {
                "released": run.released,
                "completed": run.completed,
                "incomplete": run.total - run.completed,
                "measured": len(run.latencies),
                "seconds": measured_to - measured_from,
                "latencies_ms": [round(x * 1000, 3) for x in run.latencies],
                "calls": run.calls,
                "extra_calls": state.stray_calls,
                "first_update_id": run.first_update_id,
                "last_update_id": run.last_update_id,
            }
        )

    async def set_limits(self, request: web.Request) -> web.Response:
        body = await request.json()
        state = self.bot(body["token"])
        if body.get("global_rate") is None:
            state.limits = None
        else:
            state.limits = Limits(float(body["global_rate"]), float(body["per_chat_interval"]))
        return _ok(True)

    async def deliveries(self, request: web.Request) -> web.Response:
        limits = self.bot(request.query["token"]).limits
        if limits is None:
            return _ok(None)
        times = limits.delivery_times
        return _ok(
            {
                "too_many_requests": limits.too_many,
                "delivered_chats": len(limits.delivered),
                "deliveries": len(times),
                "duplicates": sum(n - 1 for n in limits.delivered.values() if n > 1),
                # Seconds each successive thousand sends took: flat means O(1) per send.
                "per_thousand_s": [
                    round(times[i + 999] - times[i], 4) for i in range(0, len(times) - 999, 1000)
                ],
                "first": times[0] if times else None,
                "last": times[-1] if times else None,
            }
            | ({"times": times, "chats": limits.delivery_chats} if request.query.get("detail") else {})
        )

    async def markup(self, request: web.Request) -> web.Response:
        markups = self.bot(request.query["token"]).markups
        return _ok(markups.get(int(request.query["chat"])))

    async def first_poll(self, request: web.Request) -> web.Response:
        return _ok(self.bot(request.query["token"]).first_poll)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_post("/_bench/run", self.start_run)
        app.router.add_post("/_bench/limits", self.set_limits)
        app.router.add_get("/_bench/deliveries", self.deliveries)
        app.router.add_get("/_bench/first_poll", self.first_poll)
        app.router.add_get("/_bench/markup", self.markup)
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        return app


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return dict(await request.json())
    if request.content_type == "application/x-www-form-urlencoded":
        # aiogram sends flat form fields; parsing them by hand is a fraction of
        # request.post()'s cost, and the server must stay cheaper than the bot.
        return dict(parse_qsl((await request.read()).decode(), keep_blank_values=True))
    if request.can_read_body:
        return dict(await request.post())
    return dict(request.query)


def _chat_of(params: dict[str, Any]) -> int | None:
    chat = params.get("chat_id")
    if chat is not None:
        try:
            return int(chat)
        except ValueError:
            return None
    query_id = params.get("callback_query_id")
    if query_id:
        head = str(query_id).split("-", 1)[0]
        if head.isdigit():
            return int(head)
    return None


def _update_chat(update: dict[str, Any]) -> int:
    if "message" in update:
        return int(update["message"]["chat"]["id"])
    return int(update["callback_query"]["from"]["id"])


async def serve(port: int) -> None:
    api = FakeBotApi()
    runner = web.AppRunner(api.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"READY {bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    # A long poll left open by a bot that has gone would hold the graceful shutdown
    # for up to its 30 s: answer them all now.
    for state in api.bots.values():
        state.wake()
    await runner.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fake_server")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(serve(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
