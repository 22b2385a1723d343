"""``python -m bench [--quick]``: run every measurement, print the table, write the results.

Processes: this orchestrator (no aiogram: it only builds updates and reads
/proc), the fake Bot API server, the casebot process exactly as production
runs it (``python -m bot run`` with ``TELEGRAM_API_URL`` pointing at the fake
server), the ceiling echo bot, the dispatch-only worker, and the time-scaled
broadcast's own casebot (``bench.broadcast_bot``). Repetitions are the outer
loop; every ratio is taken within one repetition and the median of those is
reported. ``--only broadcast`` runs the broadcast measurement alone; ``--only catalogue``
start-up with 50 and 1,000 cases beside E and bench/catalogue.py.

One module per measurement: :mod:`bench.path_runs` (every user path and the
dispatch-only ceiling), :mod:`bench.burst`, :mod:`bench.broadcast`,
:mod:`bench.startup` (start-up and memory), :mod:`bench.report` (the table);
under them :mod:`bench.loop` (the closed loop), :mod:`bench.processes` (/proc and
the fake server's control API) and :mod:`bench.config`. This module runs them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import report
from bench import webhook as webhook_mode
from bench.broadcast import Broadcast, broadcast_only, start_scaled_broadcast
from bench.burst import Burst
from bench.config import FULL, OUT, QUICK, ROOT, SCALED_TOKEN, Config
from bench.path_runs import PathRuns, check_update_log
from bench.paths import PENDING_PATHS, SLUG, echo_callback_path, echo_path, user_paths
from bench.processes import Processes, bot_env, machine_info, rss_mb, start_server
from bench.scaleout_paths import TOKEN as PG_TOKEN
from bench.scaleout_paths import ScaleOutServers, scaleout_records
from bench.scaleout_paths import petition_counts as scaleout_counts
from bench.setup_data import generate_cases, generate_catalogue, petition_counts, seed_database
from bench.startup import Startup, catalogue_only


class Bench(PathRuns, Burst, Broadcast, Startup):
    """Every measurement (one module each), and one repetition of them all."""

    scaleout: ScaleOutServers | None = None  # PostgreSQL + Redis, when the run measures them

    def repetition(self, rep: int, cases_dir: Path) -> dict[str, Any]:
        c = self.config
        seq_n, flight_n = c.seq_n + c.warmup // 2, c.flight_n + c.warmup
        open_n = 5_000  # more than any open loop takes (half a path's throughput for open_seconds)
        # Returning readers (their locale cached after the first visit), shared by
        # E and the reading paths; new signers per repetition, withdrawn again after.
        pool = list(range(1_000, 2_000))
        pooled = ([pool[i % len(pool)] for i in range(n)] for n in (seq_n, flight_n, open_n))
        reading = tuple(pooled)
        base = 10_000_000 + rep * 1_000_000
        signers = (
            [base + i for i in range(seq_n)],
            [base + 300_000 + i for i in range(flight_n)],
            [base + 600_000 + i for i in range(open_n)],
        )
        users = {"pool": reading, "fresh": signers}

        record: dict[str, Any] = {"rep": rep}
        if c.measure_startup:
            others = {}
            if self.scaleout is not None:
                servers = self.scaleout
                others["casebot_pg"] = lambda token: servers.env(
                    self.server.url, token, cases_dir, servers.fresh()
                )
            record["startup"] = self.startup(rep, cases_dir, OUT / "cases1000", others)
        if rep == c.reps:
            record["catalogue"] = self.catalogue()
        if c.measure_dispatch:
            record["dispatch_only"] = self.dispatch_only(rep)
        record["paths"] = {
            "echo": self.path_runs(echo_path(), "echo", *reading[:2]),
            "echo_callback": self.path_runs(echo_callback_path(), "echo", *reading[:2]),
        }
        for path in user_paths():
            runs = self.path_runs(path, "casebot", *users[path.users])
            record["paths"][path.name] = runs
            if path.users == "fresh":
                # A run may stop at its time limit: only those who signed can withdraw.
                users["signed"] = (
                    signers[0][: runs["seq"]["released"]],
                    signers[1][: runs["flight"]["released"]],
                    signers[2][: runs["open"]["released"]] if "open" in runs else [],
                )
        if self.scaleout is not None:
            record["paths_pg"] = self.scaleout_paths(rep, reading)
        if rep > c.reps - c.burst_reps:
            record["burst"] = self.burst(rep)
        if rep > c.reps - c.broadcast_reps:
            record["broadcast"] = self.broadcast(rep)
        runs = [run for runs in record["paths"].values() for run in runs.values()]
        runs += [run for runs in record.get("paths_pg", {}).values() for run in runs.values()]
        runs += [run for run in record.get("broadcast", {}).values() if "noisy" in run]
        record["noisy"] = (
            any(run["noisy"] for run in runs)
            or record.get("burst", {}).get("noisy", False)
            or record.get("startup", {}).get("noisy", False)
        )
        return record

    def scaleout_paths(self, rep: int, reading: tuple[list[int], ...]) -> dict[str, Any]:
        """Every user path on the scale-out worker (PostgreSQL + Redis), its own signers."""
        base = 50_000_000 + rep * 1_000_000
        sizes = [len(users) for users in reading]
        signers = tuple([base + 300_000 * k + i for i in range(n)] for k, n in enumerate(sizes))
        users: dict[str, tuple[list[int], ...]] = {"pool": reading, "fresh": signers}
        paths: dict[str, Any] = {}
        for path in user_paths():
            runs = self.path_runs(path, "casebot_pg", *users[path.users])
            paths[path.name] = runs
            if path.users == "fresh":
                users["signed"] = tuple(
                    signers[k][: runs[mode]["released"]] if mode in runs else []
                    for k, mode in enumerate(("seq", "flight", "open"))
                )
        return paths


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one small repetition (< 1 minute)")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; quick: 1)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.* alone")
    parser.add_argument(
        "--engines",
        help="sqlite, or sqlite,postgresql: scale-out mode's table beside SQLite's "
        "(default: both; --quick: sqlite)",
    )
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
    engines = (args.engines or ("sqlite" if args.quick else "sqlite,postgresql")).split(",")
    scaleout = None

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
        bot_pg = None
        if "postgresql" in engines:
            print("bench: PostgreSQL and Redis, the same rows seeded", flush=True)
            scaleout = ScaleOutServers()  # assigned first: stopped in `finally` even if half started
            scaleout.start()
            pg_url = scaleout.seeded(SLUG, config.seed_signatures, config.seed_followers)
            tokens["casebot_pg"] = PG_TOKEN
            bot_pg = procs.start(
                "casebot_pg",
                [sys.executable, "-m", "bot", "run"],
                scaleout.env(server.url, PG_TOKEN, ROOT / "data" / "cases", pg_url),
            )
        server.wait_first_poll(tokens["casebot"], bot)
        if bot_pg is not None:
            server.wait_first_poll(PG_TOKEN, bot_pg)
        server.wait_first_poll(tokens["echo"], echo)
        server.wait_first_poll(SCALED_TOKEN, scaled)
        if worker is not None:
            assert worker.stdout is not None
            if worker.stdout.readline().strip() != "READY":
                raise RuntimeError("the dispatch worker did not start; see bench/out/dispatch.log")

        print(f"bench: processes up after {time.monotonic() - started:.0f} s", flush=True)
        bench = Bench(config, procs, server, tokens)
        bench.scaleout = scaleout
        selfcheck = bench.limiter_selfcheck()
        records = []
        for rep in range(1, config.reps + 1):
            print(f"bench: repetition {rep}/{config.reps} at {time.monotonic() - started:.0f} s", flush=True)
            records.append(bench.repetition(rep, cases_dir))
        # Webhook mode last, on a snapshot of the main database; the polling bots idle meanwhile.
        webhook = webhook_mode.run(config, procs, server, OUT / "main.sqlite3", ROOT / "data" / "cases")
        memory = {
            "casebot_peak_rss_mb": rss_mb(bot.pid),
            "casebot_rss_mb": rss_mb(bot.pid, "VmRSS"),
            "echo_peak_rss_mb": rss_mb(echo.pid),
            "echo_rss_mb": rss_mb(echo.pid, "VmRSS"),
        }
        if bot_pg is not None and scaleout is not None:
            memory["casebot_pg_peak_rss_mb"] = rss_mb(bot_pg.pid)
            memory["casebot_pg_rss_mb"] = rss_mb(bot_pg.pid, "VmRSS")
            pg_counts = scaleout_counts(scaleout.url, SLUG)
        final_counts = petition_counts(OUT / "main.sqlite3", SLUG)
        exit_codes = {}
        if worker is not None:
            assert worker.stdin is not None
            worker.stdin.close()  # the worker's loop ends on end of input and it closes the app
            exit_codes["dispatch"] = worker.wait(60)
            procs.named.pop("dispatch")
        exit_codes |= {name: procs.stop(name) for name in ("casebot", "echo")}
        if bot_pg is not None:
            exit_codes["casebot_pg"] = procs.stop("casebot_pg")
    finally:
        procs.stop_all()
        if scaleout is not None:
            scaleout.stop()
    checks = bench.checks + check_update_log(OUT / "casebot.log", records)
    if bot_pg is not None:
        pg_log = check_update_log(OUT / "casebot_pg.log", scaleout_records(records))
        checks += [f"PostgreSQL: {c}" for c in pg_log]
        if pg_counts[0] != pg_counts[1]:
            checks.append(f"PostgreSQL: petition counter {pg_counts[0]} differs from its rows {pg_counts[1]}")
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
    results["webhook"] = webhook
    results["targets"] += report.webhook_targets(webhook)
    results["checks"] += webhook["checks"]
    table = report.markdown(results)
    print(table)
    if not args.no_write:
        (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        (ROOT / "bench" / "results.md").write_text(table)
    return 1 if checks else 0


if __name__ == "__main__":
    sys.exit(main())
