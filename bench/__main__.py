"""``python -m bench [--quick]``: run every measurement, print the table, write the results.

Processes: this orchestrator (no aiogram: it only builds updates and reads
/proc), the fake Bot API server, the casebot process exactly as production
runs it (``python -m bot run`` with ``TELEGRAM_API_URL`` pointing at the fake
server), the ceiling echo bot, the dispatch-only worker, and the time-scaled
broadcast's own casebot (``bench.broadcast_bot``). Repetitions are the outer
loop; every ratio is taken within one repetition and the median of those is
reported. ``--only broadcast`` runs the broadcast measurement alone; ``--only catalogue``
start-up with 50 and 1,000 cases beside E and bench/catalogue.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from bench import catalogue_paths, report
from bench.paths import (
    PENDING_PATHS,
    SLUG,
    UserPath,
    callback,
    echo_callback_path,
    echo_path,
    message,
    user_paths,
)
from bench.setup_data import (
    generate_cases,
    generate_catalogue,
    outbox_counts,
    petition_counts,
    seed_database,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SIGNATURE_KEY = "bench-signature-key-" + "7" * 32
NOISE_LIMIT = 0.20  # cores other processes may use before a repetition is flagged
BROADCAST_RATE = 25.0  # production's default BROADCAST_RATE, what the real-rate run is held to
SCALED_TOKEN = "6100003:bench-broadcast-scaled-token"
BROADCAST_ADMIN = 777_000_001  # the admin who publishes; never a follower
NEWS_TEXTS = {
    "ru": "Апелляционный суд назначил рассмотрение жалобы на <b>5 марта</b>.",
    "uz": "Apellyatsiya sudi shikoyatni koʻrib chiqishni <b>5-mart</b>ga belgiladi.",
    "en": "The appeal court has set the hearing of the appeal for <b>5 March</b>.",
}
WORKER_IN_FLIGHT = 8  # BroadcastWorker's max_in_flight: sends under way at any moment
STEADY_AFTER = 5.0  # seconds: the real-rate run's rate is also given without its first seconds


@dataclass(frozen=True)
class Config:
    reps: int
    seq_n: int
    flight_n: int
    warmup: int
    burst_users: int
    burst_concurrent_dupes: int  # users who tap twice at once
    burst_late_dupes: int  # users who come back after signing
    seed_signatures: int
    seed_followers: int
    startup_cases: int
    dispatch_n: int
    # A path's run stops releasing updates after this long (a slow path on a busy
    # machine must not push `make bench` past 10 minutes); the burst has no limit.
    seq_seconds: float
    flight_seconds: float
    # Each costs an aiogram import (~6 s of CPU here); the quick run does without.
    measure_startup: bool
    measure_dispatch: bool
    # Broadcast: the time-scaled run's followers (in a database of its own; the
    # real-rate run uses the seed_followers of the main one) and how long the
    # real-rate run (BROADCAST_RATE=25 against Telegram's limits) is watched.
    broadcast_followers: int
    broadcast_seconds: float
    # At today's ~100 signatures/s a 10,000-user burst takes ~2 minutes, so a full
    # run makes it once (in the last repetition) to stay under 10 minutes.
    burst_reps: int = 1
    # The broadcast runs take over a minute (the 60-s window, the time-scaled run
    # inside it and a little after): once per run, in the last repetition, likewise.
    broadcast_reps: int = 1
    # Telegram's flood limits: sends a second overall, seconds between sends to one chat.
    broadcast_limits: tuple[float, float] = (30.0, 1.0)
    scaled_rate: float = 1000.0
    scaled_limits: tuple[float, float] = (1200.0, 0.0)
    scaled_block: int = 1000  # sends per block timed for the O(1) check
    concurrency: int = 100


FULL = Config(
    reps=3,
    seq_n=800,
    flight_n=4000,
    warmup=100,
    burst_users=10_000,
    burst_concurrent_dupes=1_000,
    burst_late_dupes=500,
    seed_signatures=100_000,
    seed_followers=20_000,
    startup_cases=50,
    dispatch_n=200,
    seq_seconds=2.0,
    flight_seconds=4.0,
    measure_startup=True,
    measure_dispatch=True,
    broadcast_followers=20_000,
    broadcast_seconds=60.0,
)
QUICK = Config(
    reps=1,
    seq_n=300,
    flight_n=1000,
    warmup=40,
    burst_users=200,
    burst_concurrent_dupes=20,
    burst_late_dupes=10,
    seed_signatures=100_000,
    seed_followers=20_000,
    startup_cases=50,
    dispatch_n=100,
    seq_seconds=1.0,
    flight_seconds=2.0,
    measure_startup=False,
    measure_dispatch=False,
    broadcast_followers=1_000,
    broadcast_seconds=5.0,
    scaled_block=100,
)


# --- processes and /proc ---------------------------------------------------------


def _stat(pid: str) -> tuple[str, int, float, int] | None:
    """(command name, parent pid, user + system CPU seconds, start time), threads included."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw.rsplit(")", 1)[1].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK, int(fields[19])


def cpu_seconds(pid: int) -> float:
    stat = _stat(str(pid))
    return stat[2] if stat else 0.0


def machine_busy_seconds() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / CLK_TCK


def all_processes() -> dict[int, tuple[str, int, float, int]]:
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _stat(entry.name)
            if stat is not None:
                found[int(entry.name)] = stat
    return found


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    """VmHWM: the peak resident set; VmRSS: resident now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


class Processes:
    def __init__(self) -> None:
        self.named: dict[str, subprocess.Popen[str]] = {}
        self.logs: list[IO[str]] = []

    def start(
        self, name: str, argv: list[str], env: dict[str, str] | None = None, **kw: Any
    ) -> subprocess.Popen[str]:
        log = open(OUT / f"{name}.log", "w")  # noqa: SIM115 — lives as long as the process
        self.logs.append(log)
        # The working directory is bench/out (no developer's .env is read), so the
        # bench package is found through PYTHONPATH.
        env = {**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(argv, env=env, stderr=log, text=True, cwd=OUT, **kw)
        self.named[name] = process
        return process

    def cpu(self) -> dict[str, Any]:
        return {
            "ours": {name: cpu_seconds(p.pid) for name, p in self.named.items()},
            "orchestrator": time.process_time(),
            "all": all_processes(),
            "machine": machine_busy_seconds(),
            "pids": [p.pid for p in self.named.values()],
        }

    def stop(self, name: str, timeout: float = 30) -> int:
        process = self.named.pop(name)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def stop_all(self) -> None:
        for name in list(self.named):
            self.stop(name)
        for log in self.logs:
            log.close()


def cpu_delta(before: dict[str, Any], after: dict[str, Any], wall: float) -> dict[str, Any]:
    """Cores used during ``wall`` seconds: each of our processes, the kernel, and other processes.

    "kernel" is kernel threads (softirq work for the loopback traffic, journal
    commits and writeback for our fsyncs); "other" is every other process on the
    machine — what makes a measurement noisy.
    """
    used = {name: (after["ours"][name] - before["ours"].get(name, 0.0)) / wall for name in after["ours"]}
    used["orchestrator"] = (after["orchestrator"] - before["orchestrator"]) / wall
    ours = set(after["pids"]) | set(before["pids"])
    others: dict[str, float] = {}
    kernel = 0.0
    kernel_names: dict[str, float] = {}
    for pid, (name, ppid, cpu, started) in after["all"].items():
        if pid in ours or pid == os.getpid():
            continue
        previous = before["all"].get(pid)
        # A kworker renames itself after the work it runs; the start time tells a reused pid.
        delta = cpu - (previous[2] if previous and previous[3] == started else 0.0)
        if delta <= 0:
            continue
        if ppid == 2 or pid == 2:
            kernel += delta
            kernel_names[name.split("/")[0]] = kernel_names.get(name.split("/")[0], 0.0) + delta
        else:
            others[name] = others.get(name, 0.0) + delta
    accounted = sum(used.values()) + kernel / wall + sum(others.values()) / wall
    machine = (after["machine"] - before["machine"]) / wall
    used["kernel"] = kernel / wall
    # Interrupt time, and processes that started and ended between the snapshots.
    used["unattributed"] = max(0.0, machine - accounted)
    used["other"] = sum(others.values()) / wall
    top = sorted(others.items(), key=lambda kv: -kv[1])[:3]
    result: dict[str, Any] = {k: round(v, 3) for k, v in used.items()}
    result["other_top"] = {name: round(v / wall, 3) for name, v in top if v / wall >= 0.01}
    result["kernel_top"] = {
        name: round(v / wall, 3)
        for name, v in sorted(kernel_names.items(), key=lambda kv: -kv[1])[:3]
        if v / wall >= 0.01
    }
    return result


# --- the fake server's control API ------------------------------------------------


class Server:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(
        self, path: str, body: dict[str, Any] | None = None, timeout: float = 600, data: bytes | None = None
    ) -> Any:
        if body is not None:
            data = json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def first_poll(self, token: str) -> float | None:
        return self.call(f"/_bench/first_poll?token={token}").get("result")

    def wait_first_poll(self, token: str, process: subprocess.Popen[str], limit: float = 120) -> float:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            seen = self.first_poll(token)
            if seen is not None:
                return seen
            if process.poll() is not None:
                raise RuntimeError(f"a bot process exited with {process.returncode} before polling")
            time.sleep(0.01)
        raise RuntimeError("a bot process did not poll within {limit} s")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Bench:
    def __init__(self, config: Config, procs: Processes, server: Server, tokens: dict[str, str]) -> None:
        self.config = config
        self.procs = procs
        self.server = server
        self.tokens = tokens
        self.seq = 0  # message ids / callback ids, unique over the run
        self.checks: list[str] = []  # anything that makes a figure untrustworthy

    def updates(self, path: UserPath, users: list[int]) -> list[dict[str, Any]]:
        built = []
        for user_id in users:
            self.seq += 1
            built.append(path.build(user_id, self.seq))
        return built

    def closed_loop(
        self,
        bot: str,
        label: str,
        updates: list[dict[str, Any]],
        concurrency: int,
        calls_per_update: int,
        warmup: int,
        max_seconds: float = 1e9,
    ) -> dict[str, Any]:
        body = {
            "token": self.tokens[bot],
            "updates": updates,
            "concurrency": concurrency,
            "calls_per_update": calls_per_update,
            "warmup": warmup,
            "max_seconds": max_seconds,
            "timeout": 600,
        }
        data = json.dumps(body).encode()  # before the clock starts: the load's cost is not the bot's
        before, t0 = self.procs.cpu(), time.monotonic()
        result = self.server.call("/_bench/run", data=data)
        wall = time.monotonic() - t0
        cpu = cpu_delta(before, self.procs.cpu(), wall)
        latencies = result.pop("latencies_ms")
        result.update(
            label=label,
            concurrency=concurrency,
            updates_per_s=round(result["measured"] / result["seconds"], 1) if result["seconds"] else 0.0,
            p50_ms=round(percentile(latencies, 0.50), 2),
            p99_ms=round(percentile(latencies, 0.99), 2),
            max_ms=round(max(latencies, default=float("nan")), 2),
            cpu=cpu,
            # The bot's own CPU per update: robust where throughput is not, on a
            # machine that other work shares.
            bot_cpu_ms_per_update=round(cpu[bot] * wall / max(1, result["released"]) * 1000, 3),
            wall_s=round(wall, 2),
            noisy=cpu["other"] > NOISE_LIMIT,
        )
        expected_calls = calls_per_update * result["released"]
        if result["incomplete"] or result["extra_calls"] or sum(result["calls"].values()) != expected_calls:
            self.checks.append(
                f"{label}: {result['incomplete']} incomplete, {result['extra_calls']} extra calls, "
                f"calls {result['calls']} (expected {expected_calls})"
            )
        return result

    # --- measurements, one function each -------------------------------------------

    def path_runs(
        self, path: UserPath, bot: str, seq_users: list[int], flight_users: list[int]
    ) -> dict[str, Any]:
        c = self.config
        half = c.warmup // 2
        seq = self.closed_loop(
            bot,
            f"{path.name}/seq",
            self.updates(path, seq_users),
            1,
            path.calls_per_update,
            half,
            c.seq_seconds,
        )
        flight = self.closed_loop(
            bot,
            f"{path.name}/{c.concurrency}",
            self.updates(path, flight_users),
            c.concurrency,
            path.calls_per_update,
            c.warmup,
            c.flight_seconds,
        )
        return {"seq": seq, "flight": flight}

    def burst(self, rep: int) -> dict[str, Any]:
        """Distinct users signing with 100 in flight, some tapping twice at once, some coming back."""
        c = self.config
        path = next(p for p in user_paths() if p.name == "sign")
        base = 50_000_000 + rep * 1_000_000
        users: list[int] = []
        for i in range(c.burst_users):
            users.append(base + i)
            if i % max(1, c.burst_users // c.burst_concurrent_dupes) == 0:
                users.append(base + i)  # the double tap: both in flight together
        users += [base + i for i in range(0, c.burst_late_dupes)]
        before = petition_counts(OUT / "main.sqlite3", SLUG)
        result = self.closed_loop(
            "casebot", "burst", self.updates(path, users), c.concurrency, path.calls_per_update, 0
        )
        after = petition_counts(OUT / "main.sqlite3", SLUG)
        result.update(
            users=c.burst_users,
            updates=len(users),
            duplicates=len(users) - c.burst_users,
            count_before=before,
            count_after=after,
            exact=after[0] == after[1] == before[0] + c.burst_users,
        )
        if not result["exact"]:
            self.checks.append(f"burst: count {before} → {after}, expected +{c.burst_users}")
        return result

    def broadcast(self, rep: int) -> dict[str, Any]:
        """The broadcast worker against Telegram's flood limits, as production runs it.

        In both runs an admin publishes a news update through the /post dialogue
        and the worker, woken by that handler, delivers it. The real-rate run is
        the main casebot process (``python -m bot run``, BROADCAST_RATE=25, the
        followers seeded in its database), watched for ``broadcast_seconds`` from
        its first delivery; its broadcast goes on until the process is stopped at
        the end of the bench, so it comes last. The time-scaled run is a process
        of its own (``bench.broadcast_bot``: the same run path at 1,000/s) on a
        database of its own, stopped once every follower has it.

        The time-scaled run is published one second into the real-rate window and
        runs inside it: the 60-s window is the one stretch of the bench where the
        machine is nearly idle, and running the two one after the other would
        push ``make bench`` past 10 minutes. The bots share nothing but the fake
        server and the disk; each has its own flood limits (per token), its own
        database and its own CPU figure, and the real-rate worker paces from its
        schedule, so a late wake-up costs it no rate (see ``Pacer.take``).
        """
        c = self.config
        runs = {"real": "casebot", "scaled": "broadcast-scaled"}
        keys = {kind: self._compose_news(name) for kind, name in runs.items()}
        if None in keys.values():
            return {}  # the check says why
        for kind, name in runs.items():
            global_rate, per_chat = c.broadcast_limits if kind == "real" else c.scaled_limits
            self.server.call(
                "/_bench/limits",
                {"token": self.tokens[name], "global_rate": global_rate, "per_chat_interval": per_chat},
            )
        real_token = self.tokens["casebot"]
        before_real = self.procs.cpu()
        real_published = self._publish("casebot", keys["real"])
        first = self._first_delivery(real_token)
        if first is None:
            return {}  # the check says why
        time.sleep(max(0.0, first + 1.0 - time.monotonic()))

        before_scaled = self.procs.cpu()
        scaled_published = self._publish("broadcast-scaled", keys["scaled"])
        self._watch_scaled(c.broadcast_followers)
        scaled_wall = time.monotonic() - scaled_published
        scaled_cpu = cpu_delta(before_scaled, self.procs.cpu(), scaled_wall)
        # Its CPU up to the stop, for the real-rate window's figures (the process is gone by then).
        scaled_pid = self.procs.named["broadcast-scaled"].pid
        scaled_cpu_s = cpu_seconds(scaled_pid)
        # A graceful stop: the sends in flight finish and are marked, as on SIGTERM in production.
        scaled_exit = self.procs.stop("broadcast-scaled")
        scaled = self._figures("broadcast-scaled", False, c.broadcast_followers, c.scaled_rate)
        scaled.update(
            wall_s=round(scaled_wall, 2),
            cpu=scaled_cpu,
            noisy=scaled_cpu["other"] > NOISE_LIMIT,
            bot_cpu_ms_per_send=per_send_ms(
                scaled_cpu["broadcast-scaled"], scaled_wall, scaled["deliveries"]
            ),
        )
        if scaled_exit != 0:
            scaled["problems"].append(f"the process exited with {scaled_exit}")

        # A little past the window, so that its last send is in.
        time.sleep(max(0.0, first + c.broadcast_seconds + 0.5 - time.monotonic()))
        real_wall = time.monotonic() - real_published
        after_real = self.procs.cpu()
        after_real["ours"]["broadcast-scaled"] = scaled_cpu_s
        after_real["pids"].append(scaled_pid)
        real_cpu = cpu_delta(before_real, after_real, real_wall)
        real = self._figures("casebot", True, c.seed_followers, BROADCAST_RATE)
        real.update(
            wall_s=round(real_wall, 2),
            cpu=real_cpu,
            noisy=real_cpu["other"] > NOISE_LIMIT,
            bot_cpu_ms_per_send=per_send_ms(real_cpu["casebot"], real_wall, real["deliveries"]),
            # When, from the first follower's delivery, the time-scaled run was sending.
            scaled_from_s=round(scaled_published - first, 2),
            scaled_to_s=round(scaled_published + scaled_wall - first, 2),
        )
        for name, result in (("broadcast-scaled", scaled), ("casebot", real)):
            self.checks += [f"{name} broadcast: {problem}" for problem in result["problems"]]
        return {"real": real, "scaled": scaled}

    def _figures(self, name: str, real: bool, followers: int, rate: float) -> dict[str, Any]:
        c = self.config
        token = self.tokens[name]
        database = OUT / ("main.sqlite3" if real else "broadcast-scaled.sqlite3")
        # The outbox first, then the server: a row is marked sent only after the server
        # accepted it, so anything marked must be among the deliveries read after.
        outbox = outbox_counts(database)
        detail = self.server.call(f"/_bench/deliveries?token={token}&detail=1")["result"]
        global_rate, per_chat = c.broadcast_limits if real else c.scaled_limits
        figures = broadcast_figures(
            real=real,
            detail=detail,
            outbox=outbox,
            followers=followers,
            rate=rate,
            window=c.broadcast_seconds,
            block=c.scaled_block,
        )
        figures["limits"] = {"global_rate": global_rate, "per_chat_interval": per_chat}
        return figures

    def _compose_news(self, name: str) -> str | None:
        """The admin's /post dialogue up to the preview; the Publish button's draft key."""
        token = self.tokens[name]
        self.server.call("/_bench/limits", {"token": token, "global_rate": None})
        steps = [
            (f"/post {SLUG}", 1),  # asks for the Russian text
            (NEWS_TEXTS["ru"], 1),  # asks for the Uzbek text
            (NEWS_TEXTS["uz"], 1),  # asks for the English text
            (NEWS_TEXTS["en"], 7),  # the preview: a header and the message per language, then "ready"
        ]
        for text, calls in steps:
            self.seq += 1
            self.closed_loop(name, f"{name}/compose", [message(BROADCAST_ADMIN, self.seq, text)], 1, calls, 0)
        markup = self.server.call(f"/_bench/markup?token={token}&chat={BROADCAST_ADMIN}")["result"]
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = str(button.get("callback_data", ""))
                if data.startswith("ad:pub:"):
                    return data.rsplit(":", 1)[1]
        self.checks.append(f"{name}: no Publish button in the preview ({markup})")
        return None

    def _publish(self, name: str, key: str) -> float:
        """The admin presses Publish (the limits are on by then); when."""
        self.seq += 1
        at = time.monotonic()
        published = self.server.call(
            "/_bench/run",
            {
                "token": self.tokens[name],
                "updates": [callback(BROADCAST_ADMIN, self.seq, f"ad:pub::{key}")],
                "concurrency": 1,
                "calls_per_update": 2,  # answerCallbackQuery + "published to N followers"
                "warmup": 0,
                "timeout": 60,
                "settle": 0,
            },
        )
        if published["completed"] != 1:
            self.checks.append(f"{name}: the Publish button was not answered")
        return at

    def _first_delivery(self, token: str) -> float | None:
        """When the first follower got it (the admin's own "published" reply comes first)."""
        deadline = time.monotonic() + 30
        while self.server.call(f"/_bench/deliveries?token={token}")["result"]["deliveries"] < 2:
            if time.monotonic() > deadline:
                self.checks.append("casebot broadcast: no delivery within 30 s of publishing")
                return None
            time.sleep(0.02)
        detail = self.server.call(f"/_bench/deliveries?token={token}&detail=1")["result"]
        pairs = zip(detail["times"], detail["chats"], strict=True)
        return next(at for at, chat in pairs if chat != BROADCAST_ADMIN)

    def _watch_scaled(self, followers: int) -> None:
        """Until every follower has it and the broadcast is reported complete (or a time limit)."""
        process = self.procs.named["broadcast-scaled"]
        token = self.tokens["broadcast-scaled"]
        started = time.monotonic()
        deadline = started + max(60.0, followers / 50)  # 50/s: far below anything plausible
        while time.monotonic() < deadline and process.poll() is None:
            summary = self.server.call(f"/_bench/deliveries?token={token}")["result"]
            done = summary["delivered_chats"] >= followers + 1  # and the admin's own reply
            if done and outbox_counts(OUT / "broadcast-scaled.sqlite3")["completed"]:
                return
            time.sleep(0.25)
        self.checks.append(f"broadcast-scaled: not complete after {time.monotonic() - started:.0f} s")

    def limiter_selfcheck(self) -> dict[str, Any]:
        """The server's flood limits answer as Telegram does (needed by the broadcast measurement)."""
        token = "555000:bench-limiter-selfcheck"
        self.server.call("/_bench/limits", {"token": token, "global_rate": 30, "per_chat_interval": 1})
        outcomes: list[int] = []
        retry_after: set[int] = set()
        for chat in [*range(1, 41), 1]:
            request = urllib.request.Request(
                f"{self.server.url}/bot{token}/sendMessage",
                data=json.dumps({"chat_id": chat, "text": "x"}).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = json.loads(response.read())
            outcomes.append(200 if answer["ok"] else int(answer["error_code"]))
            if not answer["ok"]:
                retry_after.add(int(answer["parameters"]["retry_after"]))
        deliveries = self.server.call(f"/_bench/deliveries?token={token}")["result"]
        self.server.call("/_bench/limits", {"token": token, "global_rate": None})
        ok = outcomes[:30] == [200] * 30 and set(outcomes[30:]) == {429} and retry_after == {1}
        ok = ok and deliveries["deliveries"] == 30 and deliveries["duplicates"] == 0
        if not ok:
            self.checks.append(f"fake server flood limits misbehave: {outcomes}, {deliveries}")
        return {"ok": ok, "sent": len(outcomes), "accepted": outcomes.count(200), "429": outcomes.count(429)}

    def startup(self, rep: int, cases_dir: Path, big_dir: Path | None = None) -> dict[str, Any]:
        """Process start → first getUpdates: the echo bot, casebot with 50 cases, and casebot
        with 1,000 (``big_dir``) twice: cold (no parsed-cases cache yet) and warm (a restart)."""
        results: dict[str, Any] = {}
        kinds = ["echo", "casebot"] + (["casebot_1000_cold", "casebot_1000"] if big_dir else [])
        for number, kind in enumerate(kinds):
            token = f"{7_000_000 + rep * 10 + number}:bench-startup-token"
            if kind == "echo":
                argv = [sys.executable, "-m", "bench.echo_bot", self.server.url, token]
                env = dict(os.environ)
            else:
                big = kind.startswith("casebot_1000")
                database = OUT / f"startup-{rep}{'-1000' if big else ''}.sqlite3"
                if kind != "casebot_1000":  # the warm start reuses the cold one's files
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{database}{suffix}").unlink(missing_ok=True)
                    shutil.rmtree(f"{database}.cases-cache", ignore_errors=True)
                argv = [sys.executable, "-m", "bot", "run"]
                env = bot_env(self.server.url, token, database, big_dir if big and big_dir else cases_dir)
            name = f"startup-{kind}"
            before = self.procs.cpu()
            t0 = time.monotonic()
            process = self.procs.start(name, argv, env)
            polled = self.server.wait_first_poll(token, process)
            seconds = polled - t0
            cpu_self = cpu_seconds(process.pid)
            after = self.procs.cpu()
            peak = rss_mb(process.pid)
            self.procs.stop(name)
            wall = time.monotonic() - t0
            results[kind] = {
                "seconds": round(seconds, 3),
                "cpu_s": round(cpu_self, 3),
                "peak_rss_mb": round(peak, 1),
                "cpu": cpu_delta(before, after, wall),
            }
        results["noisy"] = any(
            r["cpu"]["other"] > NOISE_LIMIT for r in results.values() if isinstance(r, dict)
        )
        return results

    def catalogue(self) -> dict[str, Any]:
        """Name search, question routing, pages and /reload at 1,000 cases (bench/catalogue.py)."""
        argv = [sys.executable, "-m", "bench.catalogue", str(OUT / "cases1000")]
        if self.config.reps == 1 and not self.config.measure_startup:
            argv.append("--quick")
        before, t0 = self.procs.cpu(), time.monotonic()
        done = subprocess.run(argv, capture_output=True, text=True, timeout=600, cwd=ROOT)
        if done.returncode != 0:
            self.checks.append(f"bench.catalogue exited with {done.returncode}: {done.stderr[-500:]}")
            return {}
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        result["cpu"] = cpu_delta(before, self.procs.cpu(), time.monotonic() - t0)
        # Browse, search and questions through polling beside E; peak RSS with 100k signatures.
        result["polled"] = catalogue_paths.measure(self, OUT / "cases1000", OUT)
        return result

    def dispatch_only(self, rep: int) -> dict[str, Any]:
        worker = self.procs.named["dispatch"]
        assert worker.stdin is not None and worker.stdout is not None
        c = self.config
        before, t0 = self.procs.cpu(), time.monotonic()
        worker.stdin.write(
            json.dumps({"n": c.dispatch_n, "warmup": 50, "user_base": 30_000_000 + rep * 1_000_000}) + "\n"
        )
        worker.stdin.flush()
        result = json.loads(worker.stdout.readline())
        wall = time.monotonic() - t0
        result["cpu"] = cpu_delta(before, self.procs.cpu(), wall)
        return result

    def repetition(self, rep: int, cases_dir: Path) -> dict[str, Any]:
        c = self.config
        seq_n, flight_n = c.seq_n + c.warmup // 2, c.flight_n + c.warmup
        # Returning readers (their locale cached after the first visit), shared by
        # E and the reading paths; new signers per repetition, withdrawn again after.
        pool = list(range(1_000, 2_000))
        pooled = ([pool[i % len(pool)] for i in range(n)] for n in (seq_n, flight_n))
        reading = tuple(pooled)
        base = 10_000_000 + rep * 1_000_000
        signers = ([base + i for i in range(seq_n)], [base + 500_000 + i for i in range(flight_n)])
        users = {"pool": reading, "fresh": signers}

        record: dict[str, Any] = {"rep": rep}
        if c.measure_startup:
            record["startup"] = self.startup(rep, cases_dir, OUT / "cases1000")
        if rep == c.reps:
            record["catalogue"] = self.catalogue()
        if c.measure_dispatch:
            record["dispatch_only"] = self.dispatch_only(rep)
        record["paths"] = {
            "echo": self.path_runs(echo_path(), "echo", *reading),
            "echo_callback": self.path_runs(echo_callback_path(), "echo", *reading),
        }
        for path in user_paths():
            runs = self.path_runs(path, "casebot", *users[path.users])
            record["paths"][path.name] = runs
            if path.users == "fresh":
                # A run may stop at its time limit: only those who signed can withdraw.
                users["signed"] = (
                    signers[0][: runs["seq"]["released"]],
                    signers[1][: runs["flight"]["released"]],
                )
        if rep > c.reps - c.burst_reps:
            record["burst"] = self.burst(rep)
        if rep > c.reps - c.broadcast_reps:
            record["broadcast"] = self.broadcast(rep)
        runs = [run for runs in record["paths"].values() for run in runs.values()]
        runs += [run for run in record.get("broadcast", {}).values() if "noisy" in run]
        record["noisy"] = (
            any(run["noisy"] for run in runs)
            or record.get("burst", {}).get("noisy", False)
            or record.get("startup", {}).get("noisy", False)
        )
        return record


# --- broadcast figures -------------------------------------------------------------


def most_in_any_second(times: list[float]) -> int:
    """The most sends in any one-second window (what Telegram's limit is about)."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def per_send_ms(cores: float, wall: float, sends: int) -> float:
    return round(cores * wall / sends * 1000, 3) if sends else float("nan")


def paced_rate(times: list[float]) -> float:
    """N sends from the first to the last are N - 1 intervals."""
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return (len(times) - 1) / span if span > 0 else float("nan")


def broadcast_figures(
    *,
    real: bool,
    detail: dict[str, Any],
    outbox: dict[str, Any],
    followers: int,
    rate: float,
    window: float,
    block: int,
) -> dict[str, Any]:
    """What one broadcast run achieved, from the server's delivery records and the bot's outbox."""
    pairs = [
        (at, chat)
        for at, chat in zip(detail["times"], detail["chats"], strict=True)
        if chat != BROADCAST_ADMIN
    ]
    times = [at for at, _ in pairs]
    per_chat = Counter(chat for _, chat in pairs)
    marked_sent = set(outbox["sent_chats"])
    figures: dict[str, Any] = {
        "followers": followers,
        "rate": rate,
        "too_many_requests": detail["too_many_requests"],
        "deliveries": len(times),
        "delivered_chats": len(per_chat),
        "duplicates": sum(n - 1 for n in per_chat.values()),
        "outbox": outbox["status"],
        # The outbox and what Telegram accepted must agree: a row marked sent that never
        # arrived is someone missed; one that arrived unmarked is sent again on the next start.
        "marked_not_delivered": len(marked_sent - per_chat.keys()),
        "delivered_not_marked": len(per_chat.keys() - marked_sent),
        "most_in_one_second": most_in_any_second(times),
        "rate_all": round(paced_rate(times), 3),
        "seconds_all": round(times[-1] - times[0], 3) if times else float("nan"),
    }
    problems = []
    # The real-rate run is read while the bot goes on sending: the sends in flight at
    # that moment have arrived and are not marked yet. The time-scaled one is stopped first.
    unmarked_allowed = WORKER_IN_FLIGHT if real else 0
    if figures["marked_not_delivered"] or figures["delivered_not_marked"] > unmarked_allowed:
        problems.append(
            f"outbox and deliveries disagree: {figures['marked_not_delivered']} marked sent but not "
            f"delivered, {figures['delivered_not_marked']} delivered but not marked"
        )
    if not times:
        problems.append("nothing was delivered")
    elif real:
        first = times[0]
        inside = [at for at in times if at - first <= window]
        steady_after = min(STEADY_AFTER, window / 2)
        steady = [at for at in inside if at - first >= steady_after]
        per_second = Counter(int(at - first) for at in inside if at - first < int(window))
        achieved = paced_rate(inside)
        figures["window"] = {
            "seconds": window,
            "deliveries": len(inside),
            "span_s": round(inside[-1] - first, 3),
            "rate": round(achieved, 3),
            "off_by_percent": round(abs(achieved / rate - 1) * 100, 3),
            "steady_rate": round(paced_rate(steady), 3),
            "steady_after_s": steady_after,
            "per_second_min": min(per_second.get(s, 0) for s in range(int(window))),
            "per_second_max": max(per_second.values()),
        }
    else:
        blocks = [times[i + block - 1] - times[i] for i in range(0, len(times) - block + 1, block)]
        middle = statistics.median(blocks) if blocks else float("nan")
        figures.update(
            missed=followers - len(per_chat),
            completed=outbox["completed"] == outbox["updates"] == 1,
            block=block,
            per_block_s=[round(x, 3) for x in blocks],
            first_block_s=round(blocks[0], 3) if blocks else float("nan"),
            last_block_s=round(blocks[-1], 3) if blocks else float("nan"),
            median_block_s=round(middle, 3),
            max_over_median=round(max(blocks) / middle, 3) if blocks else float("nan"),
            last_over_first=round(blocks[-1] / blocks[0], 3) if blocks else float("nan"),
        )
        left = {k: v for k, v in outbox["status"].items() if k != "sent" and v}
        if left or not figures["completed"]:
            problems.append(
                f"the broadcast did not finish: rows {outbox['status']}, "
                f"{outbox['completed']} of {outbox['updates']} update(s) reported complete"
            )
    figures["problems"] = problems
    return figures


def bot_env(api_url: str, token: str, database: Path, cases_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "DATABASE_"))}
    env.update(
        BOT_TOKEN=token,
        TELEGRAM_API_URL=api_url,
        DATABASE_PATH=str(database),
        CASES_DIR=str(cases_dir),
        LOCALES_DIR=str(ROOT / "locales"),
        SIGNATURE_KEY=SIGNATURE_KEY,
        # The admin who publishes the broadcast's news; BROADCAST_RATE as production's default.
        ADMIN_IDS=str(BROADCAST_ADMIN),
        BROADCAST_RATE=f"{BROADCAST_RATE:g}",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    )
    return env


def check_update_log(log: Path, records: list[dict[str, Any]]) -> list[str]:
    """Every measured update reached the handler its path names, without an error."""
    by_id: dict[int, tuple[str, str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        if '"event": "update"' in line:
            event = json.loads(line)
            by_id[int(event["update_id"])] = (event["handler"], event["outcome"])
    problems = []
    handlers = {p.name: p.handler for p in user_paths()}
    for record in records:
        runs = [(name, mode, run) for name, runs in record["paths"].items() for mode, run in runs.items()]
        if "burst" in record:
            runs.append(("sign", "burst", record["burst"]))
        for name, mode, run in runs:
            if name.startswith("echo"):
                continue
            seen = [
                by_id.get(i, ("missing", "missing"))
                for i in range(run["first_update_id"], run["last_update_id"] + 1)
            ]
            wrong = sum(1 for handler, _ in seen if handler != handlers[name])
            errors = sum(1 for _, outcome in seen if outcome != "ok")
            run["handler_mismatches"], run["errors"] = wrong, errors
            if wrong or errors:
                problems.append(f"rep {record['rep']} {name}/{mode}: {wrong} wrong handler, {errors} errors")
    return problems


def fsync_latency(folder: Path, count: int = 100) -> dict[str, float]:
    """What one durable commit costs at least on this disk (synchronous=FULL fsyncs per commit)."""
    probe = folder / "fsync-probe.tmp"
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    times = []
    try:
        for _ in range(count):
            os.write(fd, b"\0" * 4096)
            t0 = time.perf_counter()
            os.fsync(fd)
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        os.close(fd)
        probe.unlink()
    return {"p50": round(percentile(times, 0.5), 3), "p99": round(percentile(times, 0.99), 3)}


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    # Package metadata, not imports: importing aiogram here would cost seconds.
    versions = [metadata.version(name) for name in ("aiogram", "aiohttp", "pydantic")]
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {cpu}",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "aiogram": versions[0],
        "aiohttp": versions[1],
        "pydantic": versions[2],
        "sqlite": sqlite3.sqlite_version,
        "fsync_ms": fsync_latency(OUT),
    }


def start_server(procs: Processes) -> Server:
    server_process = procs.start(
        "server", [sys.executable, "-m", "bench.fake_server"], stdout=subprocess.PIPE
    )
    assert server_process.stdout is not None
    ready = server_process.stdout.readline().split()
    if not ready or ready[0] != "READY":
        raise RuntimeError("the fake server did not start; see bench/out/server.log")
    return Server(f"http://127.0.0.1:{ready[1]}")


def start_scaled_broadcast(config: Config, procs: Processes, server: Server) -> subprocess.Popen[str]:
    """The time-scaled broadcast's own casebot process.

    Started with the others, so its start-up adds no wall time of its own; it
    idles (one long poll every 30 s) until its run in the last repetition.
    """
    database = OUT / "broadcast-scaled.sqlite3"
    seed_database(database, SLUG, 0, config.broadcast_followers)
    env = bot_env(server.url, SCALED_TOKEN, database, ROOT / "data" / "cases")
    argv = [sys.executable, "-m", "bench.broadcast_bot", str(config.scaled_rate)]
    return procs.start("broadcast-scaled", argv, env)


def broadcast_only(config: Config) -> int:
    """``--only broadcast``: the two broadcast runs alone, for working on the worker."""
    started = time.monotonic()
    seed_database(OUT / "main.sqlite3", SLUG, 0, config.seed_followers)
    procs = Processes()
    tokens = {"casebot": "6100001:bench-casebot-token", "broadcast-scaled": SCALED_TOKEN}
    try:
        server = start_server(procs)
        bot = procs.start(
            "casebot",
            [sys.executable, "-m", "bot", "run"],
            bot_env(server.url, tokens["casebot"], OUT / "main.sqlite3", ROOT / "data" / "cases"),
        )
        scaled = start_scaled_broadcast(config, procs, server)
        server.wait_first_poll(tokens["casebot"], bot)
        server.wait_first_poll(SCALED_TOKEN, scaled)
        bench = Bench(config, procs, server, tokens)
        selfcheck = bench.limiter_selfcheck()
        print(f"bench: broadcast only, processes up after {time.monotonic() - started:.0f} s", flush=True)
        record = {"rep": 1, "broadcast": bench.broadcast(1)}
        exit_code = procs.stop("casebot")
    finally:
        procs.stop_all()
    if exit_code != 0:
        bench.checks.append(f"casebot exited with {exit_code}")
    summary = report.broadcast_summary([record])
    lines = report.broadcast_lines(summary)
    lines += ["", "| target | measured | met? |", "|---|--:|---|"]
    lines += [report.target_row(t) for t in report.broadcast_targets(summary)]
    lines += ["", f"Limiter self-check: {selfcheck}", *[f"CHECK: {c}" for c in bench.checks]]
    lines.append(f"({time.monotonic() - started:.0f} s)")
    print("\n".join(lines))
    (OUT / "broadcast.json").write_text(json.dumps({"summary": summary, "raw": record}, indent=1) + "\n")
    return 1 if bench.checks else 0


def catalogue_only(config: Config) -> int:
    """``--only catalogue``: start-up with 50 and with 1,000 cases beside E, and the in-process
    catalogue figures (bench/catalogue.py), without the paths, the burst and the broadcast."""
    started = time.monotonic()
    cases_dir = generate_cases(ROOT / "data" / "cases" / SLUG, OUT / "cases50", config.startup_cases)
    generate_catalogue(OUT / "cases1000")
    procs = Processes()
    try:
        server = start_server(procs)
        bench = Bench(config, procs, server, {})
        records = []
        for rep in range(1, config.reps + 1):
            record: dict[str, Any] = {"rep": rep, "startup": bench.startup(rep, cases_dir, OUT / "cases1000")}
            if rep == config.reps:
                record["catalogue"] = bench.catalogue()
            records.append(record)
    finally:
        procs.stop_all()
    started_runs = [r["startup"] for r in records]
    startup: dict[str, Any] = {
        kind: {"seconds": statistics.median(s[kind]["seconds"] for s in started_runs)}
        for kind in ("echo", "casebot", "casebot_1000_cold", "casebot_1000")
    }
    for kind in ("casebot", "casebot_1000_cold", "casebot_1000"):
        startup[f"{kind}_minus_echo_s"] = round(startup[kind]["seconds"] - startup["echo"]["seconds"], 3)
    startup["casebot_1000_peak_rss_mb"] = statistics.median(
        s["casebot_1000"]["peak_rss_mb"] for s in started_runs
    )
    startup["echo_peak_rss_mb"] = statistics.median(s["echo"]["peak_rss_mb"] for s in started_runs)
    catalogue = records[-1].get("catalogue", {})
    lines = report.catalogue_lines(catalogue, startup)
    lines += ["| target | measured | met? |", "|---|--:|---|"]
    lines += [report.target_row(t) for t in report.catalogue_targets(catalogue, startup)]
    lines += [*[f"CHECK: {c}" for c in bench.checks], f"({time.monotonic() - started:.0f} s)"]
    print("\n".join(lines))
    (OUT / "catalogue.json").write_text(
        json.dumps({"startup": startup, "catalogue": catalogue, "raw": records}, indent=1) + "\n"
    )
    return 1 if bench.checks else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one small repetition (< 1 minute)")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; quick: 1)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.* alone")
    parser.add_argument(
        "--only",
        choices=("broadcast", "catalogue"),
        help="run one measurement alone, print it and write bench/out/<name>.json (never results.*)",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="rewrite results.md from results.json (after editing analysis.md)",
    )
    args = parser.parse_args()
    if args.render:
        results = json.loads((ROOT / "bench" / "results.json").read_text())
        (ROOT / "bench" / "results.md").write_text(report.markdown(results))
        return 0
    config = QUICK if args.quick else FULL
    if args.reps:
        config = Config(**{**config.__dict__, "reps": args.reps})
    OUT.mkdir(parents=True, exist_ok=True)
    if args.only == "broadcast":
        return broadcast_only(config)
    if args.only == "catalogue":
        return catalogue_only(config)
    started = time.monotonic()

    procs = Processes()
    try:
        server = start_server(procs)
        # First, so that its start-up (an aiogram import, seconds of CPU) overlaps the seeding.
        scaled = start_scaled_broadcast(config, procs, server)
        print(
            f"bench: seeding {config.seed_signatures:,} signatures and {config.seed_followers:,} followers",
            flush=True,
        )
        seed_database(OUT / "main.sqlite3", SLUG, config.seed_signatures, config.seed_followers)
        cases_dir = generate_cases(ROOT / "data" / "cases" / SLUG, OUT / "cases50", config.startup_cases)
        generate_catalogue(OUT / "cases1000")
        tokens = {
            "casebot": "6100001:bench-casebot-token",
            "echo": "6100002:bench-echo-token",
            "broadcast-scaled": SCALED_TOKEN,
        }
        bot = procs.start(
            "casebot",
            [sys.executable, "-m", "bot", "run"],
            bot_env(server.url, tokens["casebot"], OUT / "main.sqlite3", ROOT / "data" / "cases"),
        )
        echo = procs.start("echo", [sys.executable, "-m", "bench.echo_bot", server.url, tokens["echo"]])
        worker = None
        if config.measure_dispatch:
            worker = procs.start(
                "dispatch",
                [sys.executable, "-m", "bench.dispatch_only"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        server.wait_first_poll(tokens["casebot"], bot)
        server.wait_first_poll(tokens["echo"], echo)
        server.wait_first_poll(SCALED_TOKEN, scaled)
        if worker is not None:
            assert worker.stdout is not None
            if worker.stdout.readline().strip() != "READY":
                raise RuntimeError("the dispatch worker did not start; see bench/out/dispatch.log")

        print(f"bench: processes up after {time.monotonic() - started:.0f} s", flush=True)
        bench = Bench(config, procs, server, tokens)
        selfcheck = bench.limiter_selfcheck()
        records = []
        for rep in range(1, config.reps + 1):
            print(f"bench: repetition {rep}/{config.reps} at {time.monotonic() - started:.0f} s", flush=True)
            records.append(bench.repetition(rep, cases_dir))
        memory = {
            "casebot_peak_rss_mb": rss_mb(bot.pid),
            "casebot_rss_mb": rss_mb(bot.pid, "VmRSS"),
            "echo_peak_rss_mb": rss_mb(echo.pid),
            "echo_rss_mb": rss_mb(echo.pid, "VmRSS"),
        }
        final_counts = petition_counts(OUT / "main.sqlite3", SLUG)
        exit_codes = {}
        if worker is not None:
            assert worker.stdin is not None
            worker.stdin.close()  # the worker's loop ends on end of input and it closes the app
            exit_codes["dispatch"] = worker.wait(60)
            procs.named.pop("dispatch")
        exit_codes |= {name: procs.stop(name) for name in ("casebot", "echo")}
    finally:
        procs.stop_all()
    checks = bench.checks + check_update_log(OUT / "casebot.log", records)
    if final_counts[0] != final_counts[1]:
        checks.append(f"petition counter {final_counts[0]} differs from its rows {final_counts[1]}")
    checks += [f"{name} exited with {code}" for name, code in exit_codes.items() if code != 0]
    results = report.summarise(
        meta={**machine_info(), "mode": "quick" if args.quick else "full", "config": config.__dict__},
        records=records,
        memory=memory,
        selfcheck=selfcheck,
        checks=checks,
        pending=dict(PENDING_PATHS),
        seconds=time.monotonic() - started,
    )
    table = report.markdown(results)
    print(table)
    if not args.no_write:
        (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        (ROOT / "bench" / "results.md").write_text(table)
    return 1 if checks else 0


if __name__ == "__main__":
    sys.exit(main())
