"""The bot's CPU per update on some paths, polled: ``python -m bench.polled_cpu card why_argument``.

The same processes as ``make bench`` (the fake Bot API, ``python -m bot run``, the
echo ceiling) and the same closed loop, on the paths named only, with no
start-up, burst or broadcast measurements around them: for judging a change to
a path by the figure least moved by other work on a shared machine, the bot
process's CPU milliseconds per update. ``--tree`` runs the bot (and seeds its
database) from another checkout, e.g. a ``git worktree`` of an older commit, for
a before/after on one server and one load; ``--profile FILE`` runs the bot under
cProfile (slower, but it shows where a polled update's time goes, HTTP included).
``--webhook`` serves the updates by webhook instead (the bot with ``WEBHOOK_URL``,
the echo paths on bench/echo_webhook_bot.py, E_wh), as bench/webhook.py does;
``--open`` also offers each path half its throughput on a Poisson clock and
prints that open loop's p50 and p99 (bench/path_runs.py's open loop, one run).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

from bench.catalogue_paths import catalogue_paths
from bench.config import OUT, ROOT, Config
from bench.loop import BenchCore
from bench.paths import SLUG, echo_callback_path, echo_path, user_paths
from bench.processes import Processes, bot_env, start_server

TOKENS = {"casebot": "6100001:bench-casebot-token", "echo": "6100002:bench-echo-token"}
SECRET = "bench-webhook-Secret_1"


def wait_healthy(port: int, process: subprocess.Popen[str], limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"a bot on port {port} exited; see bench/out/")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the bot on port {port} was not healthy within {limit} s")


def seed(tree: Path, database: Path, signatures: int, followers: int) -> None:
    """The database seeded by the tree's own code, so its schema is that tree's."""
    code = (
        "import sys; from pathlib import Path; from bench.setup_data import seed_database; "
        f"seed_database(Path({str(database)!r}), {SLUG!r}, {signatures}, {followers})"
    )
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    names = ["echo", "echo_callback"] + [p.name for p in user_paths()]
    catalogue = [p.name for p in catalogue_paths()]
    parser = argparse.ArgumentParser(prog="python -m bench.polled_cpu", description=__doc__)
    parser.add_argument(
        "paths",
        nargs="*",
        help="default: every path (" + ", ".join(names) + "); or of the 1,001-case catalogue, served "
        "then instead of data/cases: " + ", ".join(catalogue),
    )
    parser.add_argument("--n", type=int, default=3000, help="updates per path with 100 in flight")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1, help="runs per path; the lowest CPU is kept")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose bot runs")
    parser.add_argument("--profile", type=Path, help="write the bot's cProfile stats here")
    parser.add_argument("--signatures", type=int, default=100_000)
    parser.add_argument("--followers", type=int, default=20_000)
    parser.add_argument("--webhook", action="store_true", help="updates by webhook (E_wh ceilings)")
    parser.add_argument("--open", action="store_true", help="also an open loop at half the throughput")
    parser.add_argument("--open-seconds", type=float, default=3.0)
    args = parser.parse_args()
    tree = args.tree.resolve()
    wanted = args.paths or names
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "polled.sqlite3"
    seed(tree, database, args.signatures, args.followers)
    config = Config(
        reps=1, seq_n=0, flight_n=args.n, warmup=100, burst_users=0, burst_concurrent_dupes=0,
        burst_late_dupes=0, seed_signatures=args.signatures, seed_followers=args.followers,
        startup_cases=0, dispatch_n=0, seq_seconds=0, flight_seconds=60, measure_startup=False,
        measure_dispatch=False, broadcast_followers=0, broadcast_seconds=0,
        concurrency=args.concurrency,
    )  # fmt: skip
    procs = Processes()
    try:
        server = start_server(procs)
        cases = tree / "data" / "cases"
        if any(name in catalogue for name in wanted):
            cases = OUT / "cases1000"  # as bench/catalogue_paths.py
            if not cases.is_dir():
                from bench.setup_data import generate_catalogue

                generate_catalogue(cases)
        env = bot_env(server.url, TOKENS["casebot"], database, cases)
        env["LOCALES_DIR"] = str(tree / "locales")
        ports: dict[str, int] = {}
        if args.webhook:
            from tests.servers import free_port

            ports = {"casebot": free_port(), "echo": free_port()}
            env.update(
                WEBHOOK_URL="https://bench.example.org/hook",
                WEBHOOK_SECRET=SECRET,
                WEB_HOST="127.0.0.1",
                WEB_PORT=str(ports["casebot"]),
            )
        argv = [sys.executable, "-m", "bot", "run"]
        if args.profile:
            argv = [sys.executable, "-m", "cProfile", "-o", str(args.profile.resolve()), "-m", "bot", "run"]
        # Not Processes.start, which puts this checkout on PYTHONPATH: the bot imports the tree's.
        log = open(OUT / "casebot.log", "w")  # noqa: SIM115 — closed by stop_all
        procs.logs.append(log)
        bot_process = subprocess.Popen(
            argv, env={**env, "PYTHONPATH": str(tree)}, stderr=log, text=True, cwd=OUT
        )
        procs.named["casebot"] = bot_process
        echo = None
        if any(name.startswith("echo") for name in wanted):
            if args.webhook:
                echo_argv = ["bench.echo_webhook_bot", server.url, TOKENS["echo"], str(ports["echo"]), SECRET]
            else:
                echo_argv = ["bench.echo_bot", server.url, TOKENS["echo"]]
            echo = procs.start("echo", [sys.executable, "-m", *echo_argv])
        if args.webhook:
            wait_healthy(ports["casebot"], bot_process)
            if echo is not None:
                wait_healthy(ports["echo"], echo)
        else:
            server.wait_first_poll(TOKENS["casebot"], bot_process)
            if echo is not None:
                server.wait_first_poll(TOKENS["echo"], echo)
        core = BenchCore(config, procs, server, TOKENS)
        paths = {p.name: p for p in [echo_path(), echo_callback_path(), *user_paths(), *catalogue_paths()]}
        pool = list(range(1_000, 2_000))
        mode = "webhook" if args.webhook else "polled"
        print(
            f"{'path':<14} {'upd/s':>8} {'bot CPU ms/upd':>15}  "
            f"({tree}, {mode}, {args.concurrency} in flight)"
            + ("   open: upd/s p50 p99 ms (lag p99)" if args.open else "")
        )
        signers: list[int] = []
        for name in wanted:
            path = paths[name]
            bot_name = "echo" if name.startswith("echo") else "casebot"
            best = None
            for round_no in range(args.rounds):
                if path.users == "fresh":
                    base = 20_000_000 + round_no * 1_000_000
                    users = [base + i for i in range(args.n + config.warmup)]
                    signers = users
                elif path.users == "signed":
                    users = signers  # those the sign path signed in this run
                    if not users:
                        break
                else:
                    users = [pool[i % len(pool)] for i in range(args.n + config.warmup)]
                webhook = None
                if args.webhook:
                    webhook = {"url": f"http://127.0.0.1:{ports[bot_name]}/hook", "secret": SECRET}
                run = core.closed_loop(
                    bot_name, name, core.updates(path, users), args.concurrency,
                    path.calls_per_update, config.warmup, config.flight_seconds, webhook=webhook,
                )  # fmt: skip
                if best is None or run["bot_cpu_ms_per_update"] < best["bot_cpu_ms_per_update"]:
                    best = run
            if best is None:
                print(f"{name:<14} (needs the sign path first)")
                continue
            rate, cpu = best["updates_per_s"], best["bot_cpu_ms_per_update"]
            line = f"{name:<14} {rate:>8.0f} {cpu:>15.3f}"
            if args.open and path.users == "pool":  # fresh users would need a run of their own
                offered = round(config.open_share * rate, 1)
                count = int(offered * args.open_seconds) + config.open_warmup
                opened = core.open_loop(
                    bot_name, f"{name}/open", core.updates(path, [pool[i % len(pool)] for i in range(count)]),
                    offered, zlib.crc32(name.encode()), path.calls_per_update, config.open_warmup,
                    webhook=webhook,
                )  # fmt: skip
                line += (
                    f"   {offered:>6.0f} {opened['p50_ms']:>6.1f} {opened['p99_ms']:>6.1f}"
                    f" ({opened['release_lag_ms']['p99']:.1f})"
                )
            print(line, flush=True)
        for check in core.checks:
            print("CHECK:", check)
    finally:
        time.sleep(0.2)
        procs.stop_all()
    return 1 if core.checks else 0


if __name__ == "__main__":
    sys.exit(main())
