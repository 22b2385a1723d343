"""A scale-out deployment as processes: N workers behind Caddy, on the suite's PostgreSQL and Redis.

The same topology as compose.scaleout.yaml, without a container engine:
Caddy (the Debian package; ``.ci/run`` installs it) balances the webhook
round-robin over the workers and checks their /healthz; each worker is
``python -m bot run`` in webhook mode against the fake Bot API. ``Telegram``
plays Telegram's side of the webhook: it posts updates, up to ``in_flight`` at
once, and sends an update again until a 200 acknowledges it.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tests.conftest import FIXTURE_CASES
from tests.e2e.process import bot_env, free_port, start_bot, stop_bot
from tests.fake_telegram import ApiCall, FakeTelegram

SECRET = "scaleout_Secret-7"
HOOK = "/telegram/webhook"
ADMIN = 77


def caddy_binary() -> str:
    found = shutil.which("caddy")
    if found is None:
        raise AssertionError(
            "caddy is not installed: .ci/run installs it (apt-get install caddy); elsewhere see README, 'Scaling out'"
        )
    return found


@dataclass
class Deployment:
    telegram: FakeTelegram
    pg_url: str
    redis_url: str
    base: Path
    workers: int = 3
    extra_env: dict[str, str] = field(default_factory=dict)
    ports: list[int] = field(default_factory=list)
    processes: list[asyncio.subprocess.Process | None] = field(default_factory=list)
    caddy: asyncio.subprocess.Process | None = None
    caddy_port: int = 0
    cases: Path = field(init=False)

    def __post_init__(self) -> None:
        self.cases = self.base / "cases"
        shutil.copytree(FIXTURE_CASES, self.cases)

    def env(self, port: int) -> dict[str, str]:
        return bot_env(
            self.telegram.url,
            self.base / "unused.sqlite3",
            DATABASE_URL=self.pg_url,
            REDIS_URL=self.redis_url,
            WEBHOOK_URL=f"https://bot.example.org{HOOK}",
            WEBHOOK_SECRET=SECRET,
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(port),
            CASES_DIR=str(self.cases),
            ADMIN_IDS=str(ADMIN),
            FLOOD_BURST="1000",
            FLOOD_RATE="1000",
            **self.extra_env,
        )

    def log(self, index: int) -> Path:
        return self.base / f"worker-{index}.log"

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self.stop()  # no worker left behind by a failed start
            raise

    async def _start(self) -> None:
        self.ports = [free_port() for _ in range(self.workers)]
        self.processes = list(
            await asyncio.gather(
                *(start_bot(self.env(port), self.base, self.log(i)) for i, port in enumerate(self.ports))
            )
        )
        await asyncio.gather(*(self.wait_healthy(i) for i in range(self.workers)))
        await self._start_caddy()

    async def wait_healthy(self, index: int, timeout: float = 90) -> None:
        url = f"http://127.0.0.1:{self.ports[index]}/healthz"
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while True:
                process = self.processes[index]
                if process is not None and process.returncode is not None:
                    raise AssertionError(f"worker {index} exited: {self.log(index).read_text()[-2000:]}")
                try:
                    async with http.get(url) as response:
                        if response.status == 200:
                            body = await response.json()
                            assert body["redis"] is True and body["database"] is True
                            return
                except aiohttp.ClientError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"worker {index} never healthy: {self.log(index).read_text()[-2000:]}")
                await asyncio.sleep(0.1)

    async def _start_caddy(self) -> None:
        self.caddy_port = free_port()
        upstreams = " ".join(f"127.0.0.1:{p}" for p in self.ports)
        config = self.base / "Caddyfile"
        config.write_text(
            "{\n\tadmin off\n\tauto_https off\n}\n"
            f"http://127.0.0.1:{self.caddy_port} {{\n"
            f"\thandle {HOOK} {{\n"
            f"\t\treverse_proxy {upstreams} {{\n"
            "\t\t\tlb_policy round_robin\n"
            "\t\t\tlb_try_duration 5s\n"
            "\t\t\tlb_try_interval 50ms\n"
            "\t\t\tfail_duration 5s\n"
            "\t\t\thealth_uri /healthz\n"
            "\t\t\thealth_interval 1s\n"
            "\t\t\thealth_timeout 2s\n"
            "\t\t}\n\t}\n\trespond 404\n}\n"
        )
        home = self.base / "caddy-home"
        home.mkdir()
        env = {"HOME": str(home), "XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home), "PATH": "/usr/bin:/bin"}
        with open(self.base / "caddy.log", "ab") as out:  # noqa: ASYNC230 - a local file, once
            self.caddy = await asyncio.create_subprocess_exec(
                caddy_binary(), "run", "--config", str(config), "--adapter", "caddyfile",
                env=env, stdout=out, stderr=out,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.caddy_port)
                writer.close()
                return
            except OSError:
                if self.caddy.returncode is not None or time.monotonic() > deadline:
                    log = (self.base / "caddy.log").read_text()[-2000:]
                    raise AssertionError(f"caddy did not start: {log}") from None
                await asyncio.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.caddy_port}{HOOK}"

    def worker_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index]}{HOOK}"

    async def kill(self, index: int) -> None:
        process = self.processes[index]
        assert process is not None
        process.send_signal(signal.SIGKILL)
        await process.wait()
        self.processes[index] = None

    def leader(self) -> int | None:
        """Which live worker holds the broadcast lock (a leader here only loses it by dying)."""
        for index, process in enumerate(self.processes):
            if process is not None and '"leadership.won"' in self.log(index).read_text(errors="replace"):
                return index
        return None

    async def stop(self) -> list[int]:
        codes = []
        for process in self.processes:
            if process is not None:
                codes.append(await stop_bot(process))
        if self.caddy is not None and self.caddy.returncode is None:
            self.caddy.terminate()
            await self.caddy.wait()
        return codes


_update_ids = itertools.count(1_000_000)


def user(user_id: int, lang: str = "en") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "W", "language_code": lang}


def message(user_id: int, text: str, lang: str = "en") -> dict[str, Any]:
    update_id = next(_update_ids)
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"}, "from": user(user_id, lang), "text": text,
        },
    }


def callback(user_id: int, data: str, message_id: int = 1, lang: str = "en") -> dict[str, Any]:
    update_id = next(_update_ids)
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"q{update_id}", "from": user(user_id, lang), "chat_instance": str(user_id), "data": data,
            "message": {
                "message_id": message_id, "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
                "from": {"id": 4242, "is_bot": True, "first_name": "casebot"}, "text": "…",
            },
        },
    }


class Telegram:
    """Telegram's side of the webhook: post, and post again until acknowledged with a 200."""

    def __init__(self, in_flight: int = 100) -> None:
        self._slots = asyncio.Semaphore(in_flight)
        self.acknowledged: set[int] = set()
        self.retries = 0
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Telegram:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._http is not None
        await self._http.close()

    async def deliver(self, url: str, update: dict[str, Any], give_up: float = 90) -> None:
        assert self._http is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        deadline = time.monotonic() + give_up
        async with self._slots:
            while True:
                try:
                    async with self._http.post(url, json=update, headers=headers) as response:
                        if response.status == 200:
                            self.acknowledged.add(update["update_id"])
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass
                self.retries += 1
                if time.monotonic() > deadline:
                    raise AssertionError(f"update {update['update_id']} never acknowledged")
                await asyncio.sleep(0.2)

    async def once(self, url: str, update: dict[str, Any]) -> int:
        """One delivery attempt, its status (the same update sent to two workers at once)."""
        assert self._http is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with self._http.post(url, json=update, headers=headers) as response:
            if response.status == 200:
                self.acknowledged.add(update["update_id"])
            return response.status


def sent_to(calls: list[ApiCall], chat_id: int) -> list[ApiCall]:
    return [c for c in calls if c.method == "sendMessage" and int(c.params.get("chat_id", 0)) == chat_id]


def buttons(call: ApiCall) -> dict[str, str]:
    markup = call.params.get("reply_markup") or {}
    return {
        b["text"]: b.get("callback_data", "")
        for row in markup.get("inline_keyboard", [])
        for b in row
    }
