"""Webhook mode: casebot against bare aiogram webhook bots, on the same driver.

The fake Bot API plays Telegram's side of the webhook (``/_bench/run`` given a
``webhook``): it posts each update to the bot, keeps 100 in flight, and
executes the method a 200 response carries, counting it like a call — so a
button path is done after the same two Bot API methods in either mode, one of
them, in casebot's case, carried by the response.

Ceilings, in the same run: E_wh, aiogram's ``SimpleRequestHandler`` answering a
message with one ``sendMessage`` call, and E_wh(cb), answering a button with an
``answerCallbackQuery`` call and one edit (bench/echo_webhook_bot.py). casebot
runs as production does (``python -m bot run`` with ``WEBHOOK_URL``) on a
snapshot of the main run's database (100,000 signatures), so signing writes
with ``synchronous=FULL`` into a table of realistic size.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from statistics import median
from typing import Any

from bench.config import OUT, Config
from bench.loop import BenchCore
from bench.paths import UserPath, echo_callback_path, echo_path, user_paths
from bench.processes import Processes, Server, bot_env
from tests.servers import free_port

SECRET = "bench-webhook-Secret_1"
TOKENS = {"casebot_wh": "6100004:bench-casebot-webhook-token", "echo_wh": "6100005:bench-echo-webhook-token"}
# The paths with webhook targets (issue 16); withdraw and the browse page have none here.
PATHS = ("start", "card", "why_argument", "sign", "question")


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


class WebhookBench(BenchCore):
    def __init__(self, config: Config, procs: Processes, server: Server) -> None:
        super().__init__(config, procs, server, TOKENS)
        self.ports: dict[str, int] = {}
        self.seq = 9_000_000  # message and callback ids apart from the polled run's

    # --- processes ------------------------------------------------------------------

    def start(self, database: Path, cases_dir: Path) -> None:
        snapshot = OUT / "webhook.sqlite3"
        _remove_database(snapshot)
        source, target = sqlite3.connect(database), sqlite3.connect(snapshot)
        with target:
            source.backup(target)  # consistent while the main casebot may still write
            # The broadcast measurement's news still waiting for followers would be sent
            # from here too: calls no measured update asked for.
            target.execute("DELETE FROM deliveries WHERE status = 'pending'")
        source.close()
        target.close()
        self.ports = {"casebot_wh": free_port(), "echo_wh": free_port()}
        env = bot_env(self.server.url, TOKENS["casebot_wh"], snapshot, cases_dir)
        env.update(
            WEBHOOK_URL="https://bench.example.org/hook",
            WEBHOOK_SECRET=SECRET,
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(self.ports["casebot_wh"]),
        )
        self.procs.start("casebot_wh", [sys.executable, "-m", "bot", "run"], env)
        self.procs.start(
            "echo_wh",
            [
                sys.executable,
                "-m",
                "bench.echo_webhook_bot",
                self.server.url,
                TOKENS["echo_wh"],
                str(self.ports["echo_wh"]),
                SECRET,
            ],
        )
        for name in ("casebot_wh", "echo_wh"):
            self._wait_healthy(name)

    def _wait_healthy(self, name: str, limit: float = 120) -> None:
        deadline = time.monotonic() + limit
        url = f"http://127.0.0.1:{self.ports[name]}/healthz"
        while time.monotonic() < deadline:
            if self.procs.named[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see bench/out/{name}.log")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{name} was not healthy within {limit} s")

    def stop(self) -> dict[str, int]:
        return {name: self.procs.stop(name) for name in ("casebot_wh", "echo_wh") if name in self.procs.named}

    # --- measurement ----------------------------------------------------------------

    def repetition(self, rep: int) -> dict[str, Any]:
        c = self.config
        n = c.flight_n + c.warmup
        pool = [1_000 + i % 1_000 for i in range(n)]
        signers = [40_000_000 + rep * 1_000_000 + i for i in range(n)]
        runs = {
            "echo": self.loop("echo_wh", echo_path(), pool),
            "echo_callback": self.loop("echo_wh", echo_callback_path(), pool),
        }
        for path in user_paths():
            if path.name in PATHS:
                runs[path.name] = self.loop("casebot_wh", path, signers if path.users == "fresh" else pool)
        return runs

    def loop(self, bot: str, path: UserPath, users: list[int]) -> dict[str, Any]:
        c = self.config
        result = self.closed_loop(
            bot,
            f"webhook {path.name}",
            self.updates(path, users),
            c.concurrency,
            path.calls_per_update,
            c.warmup,
            c.flight_seconds,
            webhook={"url": f"http://127.0.0.1:{self.ports[bot]}/hook", "secret": SECRET},
        )
        result["bot"] = bot
        return result

    def check_log(self, records: list[dict[str, Any]]) -> None:
        """Every measured casebot update reached its path's handler with outcome ok."""
        seen: dict[int, tuple[str, str]] = {}
        for line in (OUT / "casebot_wh.log").read_text(encoding="utf-8").splitlines():
            if '"event": "update"' in line:
                event = json.loads(line)
                seen[int(event["update_id"])] = (event["handler"], event["outcome"])
        handlers = {p.name: p.handler for p in user_paths()}
        for rep, runs in enumerate(records, 1):
            for name, run in runs.items():
                if name.startswith("echo"):
                    continue
                ids = range(run["first_update_id"], run["last_update_id"] + 1)
                logged = [seen.get(i, ("missing", "missing")) for i in ids]
                wrong = sum(1 for handler, _ in logged if handler != handlers[name])
                errors = sum(1 for _, outcome in logged if outcome != "ok")
                if wrong or errors:
                    self.checks.append(f"rep {rep} webhook {name}: {wrong} wrong handler, {errors} errors")


def summarise(records: list[dict[str, Any]], checks: list[str]) -> dict[str, Any]:
    """Medians over the repetitions of each path's throughput, ratios and CPU per update."""
    paths: dict[str, Any] = {}
    for name in records[0]:
        runs = [r[name] for r in records]
        ceiling = "echo" if name in ("echo", "start", "question") else "echo_callback"
        paths[name] = {
            "updates_per_s": median(r["updates_per_s"] for r in runs),
            "ratio_to_e_wh": median(r[name]["updates_per_s"] / r["echo"]["updates_per_s"] for r in records),
            "ratio_to_e_wh_callback": median(
                r[name]["updates_per_s"] / r["echo_callback"]["updates_per_s"] for r in records
            ),
            "ceiling": ceiling,
            "p50_ms": median(r["p50_ms"] for r in runs),
            "p99_ms": median(r["p99_ms"] for r in runs),
            "bot_cpu_ms_per_update": median(r["bot_cpu_ms_per_update"] for r in runs),
            "cpu_ratio_to_ceiling": median(
                r[name]["bot_cpu_ms_per_update"] / r[ceiling]["bot_cpu_ms_per_update"] for r in records
            ),
            "calls": runs[-1]["calls"],
            "noisy": sum(1 for r in runs if r["noisy"]),
        }
    return {"repetitions": len(records), "paths": paths, "checks": checks, "raw": records}


def run(config: Config, procs: Processes, server: Server, database: Path, cases_dir: Path) -> dict[str, Any]:
    bench = WebhookBench(config, procs, server)
    print("bench: webhook mode", flush=True)
    try:
        bench.start(database, cases_dir)
        records = [bench.repetition(rep) for rep in range(1, config.reps + 1)]
    finally:
        codes = bench.stop() if bench.ports else {}
    bench.check_log(records)
    bench.checks += [f"{name} exited with {code}" for name, code in codes.items() if code != 0]
    return summarise(records, bench.checks)


def main() -> int:
    """``python -m bench.webhook [--quick]``: this measurement alone, printed (results.* untouched)."""
    import argparse

    from bench import report
    from bench.config import FULL, QUICK, ROOT
    from bench.processes import start_server
    from bench.setup_data import seed_database

    parser = argparse.ArgumentParser(prog="python -m bench.webhook")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reps", type=int)
    args = parser.parse_args()
    config = QUICK if args.quick else FULL
    if args.reps:
        config = Config(**{**config.__dict__, "reps": args.reps})
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "webhook-seed.sqlite3"
    _remove_database(database)
    seed_database(database, "khamroev", config.seed_signatures, config.seed_followers)
    procs = Processes()
    try:
        summary = run(config, procs, start_server(procs), database, ROOT / "data" / "cases")
    finally:
        procs.stop_all()
    print("\n".join(report.webhook_lines(summary)))
    print("\n".join(report.target_row(t) for t in report.webhook_targets(summary)))
    print("\n".join(f"- {c}" for c in summary["checks"]) or "checks: none failed")
    (OUT / "webhook.json").write_text(json.dumps(summary, indent=1) + "\n")
    return 1 if summary["checks"] else 0


if __name__ == "__main__":
    sys.exit(main())
