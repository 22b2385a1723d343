"""The fake Telegram Bot API (aiohttp, 127.0.0.1): one server for the tests and the bench.

Bot side: ``/bot<token>/<method>`` as Telegram serves it — ``getMe``,
long-polling ``getUpdates``, plausible messages for the send/edit methods and
``true`` for the rest. A call Telegram would refuse (tests/telegram_limits.py,
with HTML judged by tests/telegram_html.py rather than the bot's own checker)
is answered with 400 as Telegram does.

Webhook mode: :meth:`FakeTelegram.deliver` (and a bench run given a
``webhook``) posts updates to the bot as Telegram does, and executes the one
method a 200 response may carry, as Telegram does — recorded and counted like
a call, with ``via="webhook"`` — its result going nowhere.

The tests run it in their own event loop (``FakeTelegram``, the ``telegram``
fixture): every call is recorded so a test can wait for the reply a user would
get, and so is every ``getUpdates`` offset (what the bot confirmed, and when);
:meth:`FakeTelegram.hold` keeps matching calls waiting for an answer, as a slow
Telegram would. All tokens share one update queue there.

The bench runs it as a process (``python -m bench.fake_server`` prints ``READY
<port>`` and serves until SIGTERM), with a queue per token, so the casebot
process, the ceiling echo bot and start-up probes share one server without
seeing each other's updates, and without recording calls (the server must stay
cheaper than the bot). Its load side, ``/_bench/...`` (JSON, used by
:mod:`bench.__main__`):

- ``POST /_bench/run``: a closed loop. The server keeps ``concurrency`` updates
  outstanding for one token, until the list or ``max_seconds`` runs out. An
  update is done when the bot has made ``calls_per_update`` API calls for its
  chat (``answerCallbackQuery`` is tied to the chat by the callback id,
  ``<chat>-<n>``), and the next update is released at that moment: what a busy
  bot sees when polling. The answer holds the latencies (enqueue → last call)
  after a warm-up, the throughput and the calls made, so the load generator's
  own cost stays in this process.
- ``POST /_bench/open``: an open loop. The same updates arrive at a fixed
  offered ``rate`` (Poisson: exponential gaps from a seeded generator) whether
  or not the bot has finished the ones before; latency runs from the scheduled
  arrival to the update's last expected call (:func:`poisson_arrivals`,
  :func:`release_on_clock`). Given a ``webhook``, as a run, it posts them there.
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
import json
import math
import random
import re
import signal
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

import aiohttp
from aiohttp import web

from tests.telegram_limits import problem

TEST_POLL_TIMEOUT = 5.0  # the tests' pollers and processes stop quickly
BENCH_POLL_TIMEOUT = 30.0


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)  # when it arrived (broadcast rates)
    via: str = "call"  # or "webhook": carried by the bot's answer to a webhook request


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
    webhook: Webhook | None = None  # posted to the bot instead of queued for getUpdates


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str


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
    """What the server keeps for one bot token (or, in the tests, for all of them)."""

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


class FakeTelegram:
    def __init__(
        self,
        bot_username: str = "fake_casebot",
        *,
        shared: bool = True,
        record: bool = True,
        max_poll_timeout: float = TEST_POLL_TIMEOUT,
    ) -> None:
        self.bot_user = {"id": 4242, "is_bot": True, "first_name": "casebot", "username": bot_username}
        self.bot_username = bot_username
        self._shared = BotState() if shared else None
        self._record = record
        self._max_poll_timeout = max_poll_timeout
        self.bots: dict[str, BotState] = {}
        self.calls: list[ApiCall] = []
        self.offsets: list[int] = []  # the offset of every getUpdates, in order
        self.last_update_id = 0
        self._changed = asyncio.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._holds: list[tuple[Callable[[ApiCall], bool], asyncio.Event]] = []
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None  # the client that plays Telegram's side of webhooks
        self._pushes: set[asyncio.Task[None]] = set()
        self.url = ""

    def bot(self, token: str) -> BotState:
        if self._shared is not None:
            return self._shared
        state = self.bots.get(token)
        if state is None:
            state = self.bots[token] = BotState()
        return state

    # --- running it ----------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_post("/_bench/run", self.start_run)
        app.router.add_post("/_bench/open", self.start_open_run)
        app.router.add_post("/_bench/limits", self.set_limits)
        app.router.add_get("/_bench/deliveries", self.deliveries)
        app.router.add_get("/_bench/first_poll", self.first_poll)
        app.router.add_get("/_bench/markup", self.markup)
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        return app

    async def start(self, port: int = 0) -> str:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{bound}"
        return self.url

    async def stop(self) -> None:
        # A long poll left open by a bot that has gone would hold the shutdown: answer them all.
        for state in [*self.bots.values(), *([self._shared] if self._shared else [])]:
            state.wake()
        for push in list(self._pushes):
            push.cancel()
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what the tests say and wait for -------------------------------------------

    async def push_update(self, update: dict[str, Any], token: str = "") -> int:
        update_id = self.last_update_id = next(self._update_ids)
        state = self.bot(token)
        async with self._changed:
            state.updates.append({"update_id": update_id, **update})
            self._changed.notify_all()
        state.wake()
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

    # --- Telegram's side of a webhook -------------------------------------------------

    async def deliver(self, url: str, update: dict[str, Any], secret: str, token: str = "") -> int:
        """Post one update to a bot's webhook, as Telegram does; the response's status.

        A method carried by a 200 response is executed (and recorded) before this returns.
        """
        return await self._post_update(self.bot(token), Webhook(url, secret), update)

    async def _post_update(self, state: BotState, hook: Webhook, update: dict[str, Any]) -> int:
        if self._http is None:
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=120)
            )
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret}
        async with self._http.post(hook.url, json=update, headers=headers) as response:
            if response.status != 200:
                return response.status
            carried = await _carried_method(response)
        if carried is not None:
            method, params = carried
            await self._execute(state, method, params, via="webhook")  # its answer goes nowhere
        return 200

    def _push(self, state: BotState, hook: Webhook, update: dict[str, Any]) -> None:
        """A bench run's update, posted until the bot takes it (a 200), as Telegram retries."""

        async def push() -> None:
            for _ in itertools.count():
                with contextlib.suppress(aiohttp.ClientError):
                    if await self._post_update(state, hook, update) == 200:
                        return
                await asyncio.sleep(0.05)  # the bot was busy (503) or failing (500)

        task = asyncio.ensure_future(push())
        self._pushes.add(task)
        task.add_done_callback(self._pushes.discard)

    # --- the Bot API ----------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        state = self.bot(token)
        params = await _params(request)
        name = method.lower()
        if name == "getupdates":
            return _ok(await self._get_updates(state, params))
        if name == "getme":
            return _ok(self.bot_user)
        return await self._execute(state, method, params)

    async def _execute(
        self, state: BotState, method: str, params: dict[str, Any], via: str = "call"
    ) -> web.Response:
        name = method.lower()
        if self._record:
            call = ApiCall(method, _decoded(params), via=via)
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
        chat_id = _chat_of(params)
        if state.limits is not None and name.startswith("send") and chat_id is not None:
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
        return _ok(self._result(name, params, chat_id))

    async def _get_updates(self, state: BotState, params: dict[str, Any]) -> list[dict[str, Any]]:
        if state.first_poll is None:
            state.first_poll = time.monotonic()
        offset = int(params.get("offset") or 0)
        self.offsets.append(offset)
        if self._record:
            async with self._changed:
                self._changed.notify_all()
        # Confirmed updates (below the offset) are gone, as at Telegram.
        updates = state.updates
        while updates and updates[0]["update_id"] < offset:
            updates.popleft()
        timeout = min(float(params.get("timeout") or 0), self._max_poll_timeout)
        if not updates and timeout:
            state.poller = asyncio.get_running_loop().create_future()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.poller, timeout)
            state.poller = None
        limit = int(params.get("limit") or 100)
        return list(itertools.islice(updates, limit))

    def _result(self, name: str, params: dict[str, Any], chat_id: int | None) -> Any:
        if name.startswith("send") or name.startswith("edit"):
            return {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()),
                "chat": {"id": chat_id or 0, "type": "private"},
                "from": self.bot_user,
                "text": params.get("text", ""),
            }
        return True

    # --- the closed loop (bench) ----------------------------------------------------

    def _release(self, state: BotState, run: Run, now: float) -> None:
        if now > run.deadline and run.released > run.warmup:
            # Time is up: what is in flight finishes, nothing new starts.
            run.pending.clear()
            run.total = run.released
        released = False
        while run.pending and run.inflight_count < run.concurrency:
            released |= self._enqueue(state, run, run.pending.popleft(), now)
        if released:
            state.wake()

    def _enqueue(self, state: BotState, run: Run, update: dict[str, Any], started: float) -> bool:
        """One update to the bot, its latency counted from ``started``: True when queued for getUpdates."""
        update_id = next(self._update_ids)
        update["update_id"] = update_id
        run.released += 1
        run.first_update_id = run.first_update_id or update_id
        run.last_update_id = update_id
        chat_id = _update_chat(update)
        measured = run.released > run.warmup
        run.inflight.setdefault(chat_id, deque()).append(Outstanding(started, run.calls_per_update, measured))
        run.inflight_count += 1
        if run.webhook is not None:
            self._push(state, run.webhook, update)
            return False
        state.updates.append(update)
        return True

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
            webhook=Webhook(**body["webhook"]) if body.get("webhook") else None,
        )
        state.stray_calls = 0
        state.run = run
        if warmup == 0:
            run.measured_from = started
        self._release(state, run, started)
        return web.json_response(await self._finish_run(state, run, started, body))

    async def _finish_run(
        self, state: BotState, run: Run, started: float, body: dict[str, Any]
    ) -> dict[str, Any]:
        """Waits for the run's last update, then what it measured."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(run.done.wait(), float(body.get("timeout", 120)))
        # Calls that arrive after the last update completed are extra replies: a bug
        # in the path definition or in the bot, never to be silently ignored.
        await asyncio.sleep(float(body.get("settle", 0.05)))
        state.run = None
        state.updates.clear()
        measured_from = run.measured_from or started
        measured_to = run.measured_to or time.monotonic()
        return (
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

    async def start_open_run(self, request: web.Request) -> web.Response:
        """``POST /_bench/open``: an open loop. Updates arrive at Poisson times of ``rate``
        a second (seeded), whether or not the bot has finished the ones before — as
        readers do — and each latency runs from its scheduled arrival to the last call
        expected for it, so a late release counts against the latency, not for it."""
        body = await request.json()
        state = self.bot(body["token"])
        updates = body["updates"]
        warmup = min(int(body.get("warmup", 0)), max(0, len(updates) - 1))
        arrivals = poisson_arrivals(float(body["rate"]), len(updates), int(body.get("seed", 0)))
        # concurrency 0: a completion releases nothing; only the clock does.
        run = Run(
            deque(), 0, int(body["calls_per_update"]), warmup, len(updates), math.inf,
            webhook=Webhook(**body["webhook"]) if body.get("webhook") else None,
        )  # fmt: skip
        state.stray_calls = 0
        state.run = run
        started = time.monotonic()
        if warmup == 0:
            run.measured_from = started

        def release(index: int, at: float) -> None:
            self._enqueue(state, run, updates[index], at)
            state.wake()

        lags = await release_on_clock(arrivals, release, time.monotonic, asyncio.sleep)
        result = await self._finish_run(state, run, started, body)
        lags.sort()
        result["offered_rate"] = float(body["rate"])
        result["arrivals_s"] = round(arrivals[-1], 3) if arrivals else 0.0
        # How far behind its schedule the server released an update: large values mean
        # the load generator itself was starved of CPU, not the bot.
        result["release_lag_ms"] = {
            "p99": round(1000 * lags[min(len(lags) - 1, int(0.99 * len(lags)))], 3) if lags else 0.0,
            "max": round(1000 * lags[-1], 3) if lags else 0.0,
        }
        return web.json_response(result)

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


def poisson_arrivals(rate: float, count: int, seed: int) -> list[float]:
    """``count`` arrival times (seconds from the start) of a Poisson process of ``rate``
    a second: exponential gaps from a seeded generator, so a run can be repeated."""
    rng = random.Random(seed)
    at, times = 0.0, []
    for _ in range(count):
        at += rng.expovariate(rate)
        times.append(at)
    return times


async def release_on_clock(
    arrivals: list[float],
    release: Callable[[int, float], None],
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[object]],
) -> list[float]:
    """``release(i, at)`` for every arrival once ``clock`` has reached it, every one already
    due at once, never waiting for an earlier update to finish (an open loop). Returns
    each release's lag behind its scheduled time."""
    start = clock()
    lags: list[float] = []
    index = 0
    while index < len(arrivals):
        now = clock()
        due = start + arrivals[index]
        if now < due:
            await sleep(due - now)
            continue
        while index < len(arrivals) and start + arrivals[index] <= now:
            at = start + arrivals[index]
            release(index, at)
            lags.append(now - at)
            index += 1
    return lags


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return dict(await request.json())
    if request.content_type == "application/x-www-form-urlencoded":
        # aiogram sends flat form fields; parsing them by hand is a fraction of
        # request.post()'s cost, and the server must stay cheaper than the bot.
        return _form((await request.read()).decode())
    if request.can_read_body:
        return {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    return dict(request.query)


def _form(body: str) -> dict[str, Any]:
    """``parse_qsl(body, keep_blank_values=True)`` as a dict, each value decoded once per text.

    A bench sends the same keyboard (some 300 escapes) with every reply, and the
    standard library's unquoting, pure Python, cost a fifth of the server's CPU.
    """
    fields: dict[str, Any] = {}
    for pair in body.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        fields[_unquoted(name)] = _unquoted(value)
    return fields


@lru_cache(maxsize=4096)
def _unquoted(raw: str) -> str:
    return unquote_plus(raw) if "%" in raw or "+" in raw else raw


async def _carried_method(response: aiohttp.ClientResponse) -> tuple[str, dict[str, Any]] | None:
    """The method a webhook response carries (JSON or a form, as Telegram reads them), if any."""
    if response.content_type == "multipart/form-data":
        fields = _form_fields(await response.read(), response.headers["Content-Type"])
    elif response.content_type == "application/json":
        fields = dict(await response.json())
    elif response.content_type == "application/x-www-form-urlencoded":
        fields = dict(parse_qsl((await response.read()).decode(), keep_blank_values=True))
    else:
        return None
    method = fields.pop("method", None)
    return (str(method), fields) if method else None


def _form_fields(body: bytes, content_type: str) -> dict[str, Any]:
    """The text fields of a multipart/form-data body (what aiogram's webhook answers are).

    By hand, as ``_params`` parses forms: aiohttp's MultipartReader costs more than the
    bot's own work on an update, and the server must stay cheaper than the bot.
    """
    found = re.search(r'boundary="?([^";]+)', content_type)
    if found is None:
        return {}
    fields: dict[str, Any] = {}
    for part in body.split(b"--" + found.group(1).encode())[1:]:
        if part.startswith(b"--"):  # the closing delimiter
            break
        head, _, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        if name is not None:
            fields[name.group(1).decode()] = value.removesuffix(b"\r\n").decode()
    return fields


def _decoded(params: dict[str, Any]) -> dict[str, Any]:
    """Form fields that carry JSON (a keyboard, inline results) as the objects they are."""
    decoded: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                decoded[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        decoded[key] = value
    return decoded


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
    """The bench's server: a queue per token, no recording."""
    api = FakeTelegram("bench_casebot", shared=False, record=False, max_poll_timeout=BENCH_POLL_TIMEOUT)
    await api.start(port)
    print(f"READY {api.url.rsplit(':', 1)[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await api.stop()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fake_server")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(serve(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
