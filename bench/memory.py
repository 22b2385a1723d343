"""Peak RSS of casebot beside E, quickly: ``python -m bench.memory [--cases 50] [--n 1500]``.

The figure ``make bench`` reports as "peak RSS, 100,000 signatures and 20,000
followers", without its ten minutes: the fake Bot API, casebot and the bare echo
bot E as processes (as ``bench/__main__.py`` starts them), casebot's database
seeded with 100,000 signatures and 20,000 followers. Printed, in MB, for both
processes: at the first getUpdates, after every user path (``--n`` updates each
with 100 in flight, E given the same number of echoes and button answers), after
a signing burst of ``--burst`` new users, and after a broadcast to every follower.

The broadcast is the one difference from ``make bench``: there the main process
sends at 25/s and has sent a few thousand by the end; here every follower is
sent to, at ``--rate`` a second, through ``bench.broadcast_bot`` (the same
``_serve_telegram`` as ``python -m bot run``, only the rate replaced), so the outbox and
the worker's batches are walked to the end. ``--rate 25`` runs ``python -m bot
run`` itself and watches the broadcast for ``--broadcast-seconds``.

Each figure is VmHWM (the peak resident set, what the bench reports), VmRSS,
and RssAnon/RssFile (the heap against mapped files: shared libraries, SQLite's
mmap). ``--json`` prints the figures as one JSON line at the end too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bench.broadcast import Broadcast
from bench.config import OUT, ROOT, Config
from bench.paths import SLUG, echo_callback_path, echo_path, user_paths
from bench.processes import Processes, Server, bot_env, start_server
from bench.setup_data import generate_cases, outbox_counts, seed_database

TOKENS = {
    "casebot": "6100011:bench-memory-casebot-token",
    "echo": "6100012:bench-memory-echo-token",
}
FIELDS = ("VmHWM", "VmRSS", "RssAnon", "RssFile")


def status(pid: int) -> dict[str, float]:
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":", 1)[0]
        if key in FIELDS:
            found[key] = round(int(line.split()[1]) / 1024, 1)
    return found


class Memory(Broadcast):
    def snapshot(self, stage: str, figures: dict[str, Any]) -> None:
        bot = status(self.procs.named["casebot"].pid)
        echo = status(self.procs.named["echo"].pid)
        figures[stage] = {"casebot": bot, "echo": echo, "diff_hwm": round(bot["VmHWM"] - echo["VmHWM"], 1)}
        print(
            f"{stage:<12} casebot HWM {bot['VmHWM']:6.1f} RSS {bot['VmRSS']:6.1f} "
            f"(anon {bot['RssAnon']:6.1f} file {bot['RssFile']:5.1f})   "
            f"E HWM {echo['VmHWM']:6.1f} RSS {echo['VmRSS']:6.1f} "
            f"(anon {echo['RssAnon']:6.1f} file {echo['RssFile']:5.1f})   "
            f"casebot − E {figures[stage]['diff_hwm']:+.1f} MB",
            flush=True,
        )

    def paths(self, n: int) -> None:
        pool = list(range(1_000, 2_000))
        readers = [pool[i % len(pool)] for i in range(n)]
        signers = [30_000_000 + i for i in range(n)]
        for path in [echo_path(), echo_callback_path()]:
            self.closed_loop(
                "echo", path.name, self.updates(path, readers), 100, path.calls_per_update, 0, timeout=60
            )
        for path in user_paths():
            users = {"pool": readers, "fresh": signers, "signed": signers}[path.users]
            # Also one at a time for a few, as the bench's sequential runs.
            calls = path.calls_per_update
            seq, flight = self.updates(path, users[:50]), self.updates(path, users[50:])
            self.closed_loop("casebot", f"{path.name}/seq", seq, 1, calls, 0, timeout=60)
            self.closed_loop("casebot", path.name, flight, 100, calls, 0, timeout=60)

    def signing_burst(self, users: int) -> None:
        path = next(p for p in user_paths() if p.name == "sign")
        signers = [40_000_000 + i for i in range(users)]
        signers += signers[:: max(1, users // 100)]  # some tap twice
        self.closed_loop(
            "casebot", "burst", self.updates(path, signers), 100, path.calls_per_update, 0, timeout=120
        )

    def full_broadcast(self, followers: int, database: Path, limit: float) -> None:
        key = self._compose_news("casebot")
        if key is None:
            return
        # Limits far above the rate: the server counts deliveries only under limits.
        limits = {"token": self.tokens["casebot"], "global_rate": 1e6, "per_chat_interval": 0.0}
        self.server.call("/_bench/limits", limits)
        self._publish("casebot", key)
        deadline = time.monotonic() + limit
        token = self.tokens["casebot"]
        while time.monotonic() < deadline:
            summary = self.server.call(f"/_bench/deliveries?token={token}")["result"]
            if summary["delivered_chats"] >= followers + 1 and outbox_counts(database)["completed"]:
                return
            time.sleep(0.25)
        print(f"(broadcast watched for {limit:.0f} s: {summary['delivered_chats'] - 1} followers sent to)")


def _take_trace(pid: int, folder: Path, number: int) -> None:
    """Ask the traced casebot (bench.broadcast_bot) for a snapshot and wait until it is written."""
    import os
    import signal

    path = folder / f"snapshot-{number}.pickle"
    os.kill(pid, signal.SIGUSR2)
    deadline = time.monotonic() + 120
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no tracemalloc snapshot at {path}")
        time.sleep(0.2)


def _print_growth(before: Path, after: Path, top: int = 20) -> None:
    """What Python allocated and still held, by source line and by module, between two snapshots."""
    import tracemalloc

    old, new = tracemalloc.Snapshot.load(str(before)), tracemalloc.Snapshot.load(str(after))
    for key in ("filename", "lineno"):
        stats = new.compare_to(old, key)
        grown = sum(s.size_diff for s in stats)
        print(f"Python allocations held, first poll → after the paths: {grown / 1e6:+.1f} MB; by {key}:")
        for stat in stats[:top]:
            frame = stat.traceback[0]
            where = frame.filename.split("site-packages/")[-1].split("/work/main/")[-1]
            line = f":{frame.lineno}" if key == "lineno" else ""
            print(f"  {stat.size_diff / 1e6:+7.2f} MB {stat.count_diff:+8d} blocks  {where}{line}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument(
        "--cases", type=int, default=50, help="the Khamroev case and copies of it (0: data/cases)"
    )
    parser.add_argument("--n", type=int, default=1500, help="updates per path with 100 in flight")
    parser.add_argument("--burst", type=int, default=3000, help="new signers in the burst")
    parser.add_argument("--signatures", type=int, default=100_000)
    parser.add_argument("--followers", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=1000.0, help="broadcast sends a second")
    parser.add_argument("--broadcast-seconds", type=float, default=120.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="trace casebot's Python allocations and list what grew from the first poll to after"
        " the paths (slower, and its RSS figures include tracemalloc's own)",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "memory.sqlite3"
    seed_database(database, SLUG, args.signatures, args.followers)
    cases_dir = ROOT / "data" / "cases"
    if args.cases:
        # Copies under other slugs, and the case itself, which the paths open.
        cases_dir = generate_cases(ROOT / "data" / "cases" / SLUG, OUT / "memory-cases", args.cases - 1)
        shutil.copytree(ROOT / "data" / "cases" / SLUG, cases_dir / SLUG)
    config = Config(
        reps=1, seq_n=0, flight_n=0, warmup=0, burst_users=0, burst_concurrent_dupes=0,
        burst_late_dupes=0, seed_signatures=args.signatures, seed_followers=args.followers,
        startup_cases=args.cases, dispatch_n=0, seq_seconds=0, flight_seconds=0,
        measure_startup=False, measure_dispatch=False, broadcast_followers=args.followers,
        broadcast_seconds=0,
    )  # fmt: skip
    procs = Processes()
    figures: dict[str, Any] = {"args": vars(args)}
    try:
        server: Server = start_server(procs)
        env = bot_env(server.url, TOKENS["casebot"], database, cases_dir)
        traces = OUT / "memory-traces"
        if args.trace:
            shutil.rmtree(traces, ignore_errors=True)
            traces.mkdir()
            env["BENCH_TRACEMALLOC"] = str(traces)
            args.rate = max(args.rate, 31.0)  # the wrapper that can trace: bench.broadcast_bot
        if args.rate <= 30:
            argv = [sys.executable, "-m", "bot", "run"]
            env["BROADCAST_RATE"] = f"{args.rate:g}"
        else:
            argv = [sys.executable, "-m", "bench.broadcast_bot", f"{args.rate:g}"]
        bot = procs.start("casebot", argv, env)
        echo = procs.start("echo", [sys.executable, "-m", "bench.echo_bot", server.url, TOKENS["echo"]])
        server.wait_first_poll(TOKENS["casebot"], bot)
        server.wait_first_poll(TOKENS["echo"], echo)
        time.sleep(0.5)  # a quiet moment after the first poll, for both alike
        bench = Memory(config, procs, server, dict(TOKENS))
        bench.snapshot("first poll", figures)
        if args.trace:
            _take_trace(bot.pid, traces, 0)
        bench.paths(args.n)
        bench.snapshot("paths", figures)
        if args.trace:
            _take_trace(bot.pid, traces, 1)
            _print_growth(traces / "snapshot-0.pickle", traces / "snapshot-1.pickle")
        bench.signing_burst(args.burst)
        bench.snapshot("burst", figures)
        bench.full_broadcast(args.followers, database, args.broadcast_seconds)
        bench.snapshot("broadcast", figures)
        for check in bench.checks:
            print("CHECK:", check)
    finally:
        procs.stop_all()
    if args.json:
        print(json.dumps(figures))
    return 1 if bench.checks else 0


if __name__ == "__main__":
    sys.exit(main())
