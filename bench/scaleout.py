"""Signing throughput on 1, 2 and 3 PostgreSQL workers vs one SQLite process, and the cores each part used.

Each run: fresh servers' state, N webhook workers (``python -m bot run``), the
fake Bot API, and a load generator posting "Sign anonymously" taps of distinct
users, 100 in flight, spread round-robin over the workers (what the reverse
proxy does; the proxy itself is left out so its cost does not blur the
workers'). PostgreSQL runs with fsync on, as SQLite runs with synchronous=FULL.
CPU seconds per component come from /proc: the workers, PostgreSQL (postmaster
and every backend), Redis, and this process (fake Bot API + load).

    python -m bench.scaleout [--signers 1000] [--repeat 3] [--runs sqlite:1,postgresql:2] [--no-write]

On a machine shared with other work the signatures per second follow the
share of the cores the runs get; the CPU milliseconds per signature of each
component change much less, and say what a machine with more cores would do.
PostgreSQL runs also sample pg_stat_activity every 50 ms (``waits``: where
casebot's sessions wait), in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from bench.webhook_post import WebhookPoster, request_bytes
from bot.storage.repositories import COUNT_PER_PETITION
from bot.ui.keyboards import PetitionAction, PetitionCb
from tests.e2e.deployment import SECRET, Deployment, callback
from tests.fake_telegram import FakeTelegram
from tests.scaleout_fixtures import fresh_database
from tests.servers import PostgresServer, RedisServer

HERE = Path(__file__).resolve().parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
SIGN = PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack()
IN_FLIGHT = 100
SAMPLE_EVERY = 0.05  # seconds
COUNT_ALPHA = f"SELECT {COUNT_PER_PETITION} FROM petitions p WHERE p.slug = 'alpha'"


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime, stime, cutime, cstime (children that exited, e.g. PostgreSQL backends)
    return sum(int(x) for x in fields[11:15]) / CLK_TCK


def tree(root: int) -> list[int]:
    """root and every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def self_cpu() -> float:
    times = os.times()
    return times.user + times.system


async def _load(urls: list[str], users: range) -> float:
    """Each user's tap posted to the workers in turn, ``IN_FLIGHT`` at once, until each is
    acknowledged (200); the seconds that took. The requests are built before the clock
    starts and posted as bytes (bench/webhook_post.py): the load's CPU is not the bot's."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    posters = [WebhookPoster(url) for url in urls]
    taps = [
        (posters[n % len(urls)], request_bytes(urls[n % len(urls)], callback(user, SIGN), headers))
        for n, user in enumerate(users)
    ]
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def one(poster: WebhookPoster, request: bytes) -> None:
        async with slots:
            while True:
                with contextlib.suppress(OSError):
                    if await poster.post(request) == 200:
                        return
                await asyncio.sleep(0.05)

    try:
        started = time.perf_counter()
        await asyncio.gather(*(one(poster, request) for poster, request in taps))
        return time.perf_counter() - started
    finally:
        for poster in posters:
            poster.close()


async def run(workers: int, engine: str, signers: int, pg: PostgresServer, redis: RedisServer,
              base: Path) -> dict[str, Any]:
    # Not recording calls: nothing here reads them, and the server must stay cheaper than the bot.
    telegram = FakeTelegram(record=False)
    await telegram.start()
    folder = base / f"{engine}-{workers}"
    folder.mkdir(parents=True)
    pg_url = await fresh_database(pg) if engine == "postgresql" else ""
    dep = Deployment(telegram, pg_url, redis.url, folder, workers=workers)
    if engine == "sqlite":
        dep.env = _sqlite_env(dep)  # type: ignore[method-assign]
    dep.ports = []
    try:
        from tests.e2e.process import free_port, start_bot

        dep.ports = [free_port() for _ in range(workers)]
        dep.processes = list(await asyncio.gather(
            *(start_bot(dep.env(p), folder, dep.log(i)) for i, p in enumerate(dep.ports))
        ))
        await asyncio.gather(*(_healthy(dep, i) for i in range(workers)))
        # Warm-up: connections, statement caches, first renders.
        await _load([dep.worker_url(i) for i in range(workers)], range(1, 1 + 50 * workers))
        parts = {
            "workers": lambda: sum(cpu_seconds(p.pid) for p in dep.processes if p),
            "postgresql": lambda: sum(cpu_seconds(pid) for pid in tree(pg.proc.pid)) if pg.proc else 0.0,
            "redis": lambda: cpu_seconds(redis.proc.pid) if redis.proc else 0.0,
            "fake Bot API + load": self_cpu,
        }
        before = {name: read() for name, read in parts.items()}
        sampling = asyncio.create_task(_sample_waits(pg_url)) if engine == "postgresql" else None
        seconds = await _load([dep.worker_url(i) for i in range(workers)],
                              range(100_000, 100_000 + signers))
        waits = await _stop_sampling(sampling)
        used = {name: round((read() - before[name]) / seconds, 2) for name, read in parts.items()}
        if engine == "postgresql":
            conn = await asyncpg.connect(pg_url)
            count = await conn.fetchval(COUNT_ALPHA)
            await conn.close()
        else:
            import sqlite3

            lite = sqlite3.connect(folder / "bot.sqlite3")
            count = lite.execute(COUNT_ALPHA).fetchone()[0]
            lite.close()
        # Taps answered "something went wrong, try again" (e.g. no pooled connection within
        # 30 s): acknowledged, not signed. Counted, never hidden.
        failed = signers + 50 * workers - int(count)
        return {
            "engine": engine,
            "workers": workers,
            "signers": signers,
            "seconds": round(seconds, 2),
            "per_second": round((signers - failed) / seconds, 1),
            "failed": failed,
            "cores": used,
            # CPU time per signature, per component: what the machine's load does not change
            # much, so what a machine with more cores would need per signature.
            "cpu_ms_per_signature": {
                name: round(1000 * cores * seconds / max(signers - failed, 1), 2)
                for name, cores in used.items()
            },
            **({"waits": waits} if waits else {}),
        }
    finally:
        await dep.stop()
        await telegram.stop()


async def _sample_waits(pg_url: str) -> dict[str, float]:
    """What casebot's PostgreSQL sessions are doing, sampled every 50 ms: the share of
    samples per state (``active: Lock/transactionid`` = waiting for another
    transaction's row lock; ``active: IO/WALSync`` = waiting for the commit's fsync;
    ``idle``-ish states = pooled and unused)."""
    conn = await asyncpg.connect(pg_url)
    seen: dict[str, int] = {}
    try:
        while True:
            # Counted by PostgreSQL: a handful of rows, not one per session, for this process
            # (whose CPU is the fake API's and the load's) to decode 20 times a second.
            rows = await conn.fetch(
                "SELECT state, wait_event_type, wait_event, COUNT(*) FROM pg_stat_activity "
                "WHERE application_name LIKE 'casebot/%' AND pid <> pg_backend_pid() GROUP BY 1, 2, 3"
            )
            for state, kind, event, count in rows:
                key = f"{state}: {kind}/{event}" if kind else f"{state}: running"
                seen[key] = seen.get(key, 0) + count
            # Its query costs PostgreSQL ~0.09 ms and this process ~0.06, both counted in the
            # run's CPU per signature: 20 samples a second of ~40 sessions are plenty.
            await asyncio.sleep(SAMPLE_EVERY)
    except asyncio.CancelledError:
        total = sum(seen.values()) or 1
        return {k: round(v / total, 3) for k, v in sorted(seen.items(), key=lambda kv: -kv[1])}
    finally:
        await conn.close()


async def _stop_sampling(task: asyncio.Task[dict[str, float]] | None) -> dict[str, float]:
    if task is None:
        return {}
    task.cancel()
    return await task


def _sqlite_env(dep: Deployment):  # type: ignore[no-untyped-def]
    original = Deployment.env

    def env(port: int) -> dict[str, str]:
        values = original(dep, port)
        values.pop("DATABASE_URL"), values.pop("REDIS_URL")
        values["DATABASE_PATH"] = str(dep.base / "bot.sqlite3")
        return values

    return env


async def _healthy(dep: Deployment, index: int) -> None:
    url = f"http://127.0.0.1:{dep.ports[index]}/healthz"
    deadline = time.monotonic() + 120
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(dep.log(index).read_text()[-2000:])
            await asyncio.sleep(0.1)


RUNS = (("sqlite", 1), ("postgresql", 1), ("postgresql", 2), ("postgresql", 3))


async def main(signers: int, write: bool, runs: tuple[tuple[str, int], ...] = RUNS, repeat: int = 1) -> None:
    """Every run ``repeat`` times, round-robin (so a change in the machine's load reaches
    every run alike); the ratios of each round, and their medians."""
    import statistics
    import tempfile

    load_before = os.getloadavg()[0]
    pg = PostgresServer(durable=os.environ.get("BENCH_PG_FSYNC", "1") == "1").start()
    redis = RedisServer().start()
    base = Path(tempfile.mkdtemp(prefix="casebot-bench-scaleout-"))
    results, rounds = [], []
    try:
        for round_number in range(repeat):
            by: dict[tuple[str, int], float] = {}
            for engine, workers in runs:
                result = await run(workers, engine, signers, pg, redis, base / f"round-{round_number}")
                result["round"] = round_number
                print(json.dumps(result), flush=True)
                results.append(result)
                by[engine, workers] = result["per_second"]
            if set(by) == set(RUNS):
                ratios = {
                    "two_over_one": round(by[("postgresql", 2)] / by[("postgresql", 1)], 2),
                    "three_over_one": round(by[("postgresql", 3)] / by[("postgresql", 1)], 2),
                    "pg_over_sqlite": round(by[("postgresql", 1)] / by[("sqlite", 1)], 2),
                    "load": round(os.getloadavg()[0], 2),
                }
                print(json.dumps(ratios), flush=True)
                rounds.append(ratios)
    finally:
        pg.stop()
        redis.stop()
    if not rounds:
        return

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 2)

    summary: dict[str, Any] = {
        name: median([r[name] for r in rounds])
        for name in ("two_over_one", "three_over_one", "pg_over_sqlite")
    }
    summary["per_second"] = {
        f"{engine} x{workers}": median([r["per_second"] for r in results
                                        if (r["engine"], r["workers"]) == (engine, workers)])
        for engine, workers in RUNS
    }
    summary["cpu_ms_per_signature"] = {
        f"{engine} x{workers}": {
            part: median([r["cpu_ms_per_signature"][part] for r in results
                          if (r["engine"], r["workers"]) == (engine, workers)])
            for part in results[0]["cpu_ms_per_signature"]
        }
        for engine, workers in RUNS
    }
    summary.update(rounds=len(rounds), cpus=os.cpu_count(), load_before=load_before,
                   load_after=os.getloadavg()[0])
    print(json.dumps(summary))
    if write:
        (HERE / "scaleout_results.json").write_text(
            json.dumps({"runs": results, "rounds": rounds, "summary": summary}, indent=2) + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--signers", type=int, default=1000)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--runs", help="e.g. sqlite:1,postgresql:2 (a partial set writes nothing)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the ratios are their medians")
    args = parser.parse_args()
    chosen = RUNS
    if args.runs:
        chosen = tuple((e, int(n)) for e, n in (r.split(":") for r in args.runs.split(",")))
    asyncio.run(main(args.signers, not args.no_write and chosen == RUNS, chosen, args.repeat))
