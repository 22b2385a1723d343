"""The catalogue's paths as readers take them, at 1,000 cases: through polling, beside E.

A casebot process of its own (``python -m bot run``) serves the generated catalogue
of 1,000 fictional cases plus the Khamroev case, from a database holding 100,000
signatures, through the fake Bot API server — as the other paths in
``bench/__main__.py`` are measured. Each path runs one at a time and with 100
updates in flight, and so does the ceiling E (the bare echo bot, the same
process the other paths are compared with, or one started here for
``--only catalogue``) in the same run:

- a browse page: a *Next* tap (``answerCallbackQuery`` + ``editMessageText``),
  against E(cb), the bare answer and edit;
- a search reply: a name typed, answered with the card or a page of matches
  (one ``sendMessage``), against E;
- a question naming a person, routed to that case's answer, against E.

Afterwards the peak resident set (VmHWM) of that casebot, its question index
built and the paths run, is read beside E's: the "peak RSS with 1,000 cases and
100,000 signatures" figure.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.config import FULL, OUT, QUICK
from bench.loop import BenchCore
from bench.path_runs import PathRuns
from bench.paths import SLUG, UserPath, callback, echo_callback_path, echo_path, message
from bench.processes import Processes, bot_env, rss_mb, start_server
from bench.setup_data import generate_catalogue, seed_database

TOKEN = "6100004:bench-catalogue-token"
ECHO_TOKEN = "6100002:bench-echo-token"  # the full run's echo bot; started here when absent
SIGNATURES = 100_000
PAGES = 126  # 1,001 cases at 8 a page
# Surnames and spellings from the catalogue: one case (its card) or several (a page of them).
NAMES = ("Хамроев", "Zarvid", "Khamrov", "Hamroyev", "Tuniniov", "Bakhrom Khamroev", "Xamroyev")
QUESTIONS = (
    "Why is Khamroev a political prisoner?",
    "В чём обвиняют Хамроева?",
    "Xamroyev nima uchun qamalgan?",
)


def catalogue_paths() -> list[UserPath]:
    return [
        UserPath(
            "catalogue_browse",
            "a browse page (Next, 1,001 cases)",
            lambda u, s: callback(u, s, f"br:a:{s % PAGES}"),
            2,  # answerCallbackQuery + editMessageText
            "catalogue.browse",
        ),
        UserPath(
            "catalogue_search",
            "a name typed (search reply, 1,001 cases)",
            lambda u, s: message(u, s, NAMES[s % len(NAMES)]),
            1,  # sendMessage: the card, or a page of matches
            "questions.ask",
        ),
        UserPath(
            "catalogue_question",
            "a question naming a person (1,001 cases)",
            lambda u, s: message(u, s, QUESTIONS[s % len(QUESTIONS)]),
            1,
            "questions.ask",
        ),
    ]


def _handlers_seen(log: Path, first: int, last: int) -> dict[str, int]:
    seen: dict[str, int] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        if '"event": "update"' not in line:
            continue
        event = json.loads(line)
        if first <= int(event["update_id"]) <= last:
            key = f"{event['handler']}/{event['outcome']}"
            seen[key] = seen.get(key, 0) + 1
    return seen


def measure(bench: BenchCore, cases_dir: Path, out: Path) -> dict[str, Any]:
    """The paths above and the peak RSS; ``bench`` is the orchestrator's (its server and processes)."""
    procs, server, config = bench.procs, bench.server, bench.config
    database = out / "catalogue.sqlite3"
    seed_database(database, SLUG, SIGNATURES, 0)
    bench.tokens.setdefault("echo", ECHO_TOKEN)
    started_echo = "echo" not in procs.named
    if started_echo:
        echo = procs.start("echo", [sys.executable, "-m", "bench.echo_bot", server.url, bench.tokens["echo"]])
        server.wait_first_poll(bench.tokens["echo"], echo)
    bench.tokens["catalogue"] = TOKEN
    bot = procs.start(
        "catalogue", [sys.executable, "-m", "bot", "run"], bot_env(server.url, TOKEN, database, cases_dir)
    )
    t0 = time.monotonic()
    server.wait_first_poll(TOKEN, bot, limit=300)
    result: dict[str, Any] = {
        "cases": sum(1 for p in cases_dir.iterdir() if p.is_dir()),
        "signatures": SIGNATURES,
    }
    result["first_poll_s"] = round(time.monotonic() - t0, 2)
    pool = list(range(1_000, 2_000))
    seq_users = [pool[i % len(pool)] for i in range(config.seq_n + config.warmup // 2)]
    flight_users = [pool[i % len(pool)] for i in range(config.flight_n + config.warmup)]
    open_users = [pool[i % len(pool)] for i in range(5_000)]
    runner = PathRuns(config, procs, server, bench.tokens)  # --only catalogue's core runs no paths
    runner.seq = bench.seq + 10_000_000  # message ids unique over the run
    try:
        runs: dict[str, Any] = {
            "echo": runner.path_runs(echo_path(), "echo", seq_users, flight_users),
            "echo_callback": runner.path_runs(echo_callback_path(), "echo", seq_users, flight_users),
        }
        for path in catalogue_paths():
            runs[path.name] = runner.path_runs(path, "catalogue", seq_users, flight_users, open_users)
        result["peak_rss_mb"] = rss_mb(bot.pid)
        result["echo_peak_rss_mb"] = rss_mb(procs.named["echo"].pid)
        result["rss_mb"] = rss_mb(bot.pid, "VmRSS")
    finally:
        bench.seq = runner.seq
        bench.checks += runner.checks
        result["exit_code"] = procs.stop("catalogue")
        if started_echo:
            procs.stop("echo")
    log = out / "catalogue.log"
    for path in catalogue_paths():
        for mode, run in runs[path.name].items():
            if mode == "open_ceiling":  # the echo bot's run
                continue
            seen = _handlers_seen(log, run["first_update_id"], run["last_update_id"])
            run["handlers"] = seen
            wanted = f"{path.handler}/ok"
            if seen.get(wanted, 0) != run["last_update_id"] - run["first_update_id"] + 1:
                bench.checks.append(f"catalogue {path.name}/{mode}: handlers {seen}, expected only {wanted}")
    summary: dict[str, Any] = {}
    for path in catalogue_paths():
        ceiling = "echo_callback" if path.name == "catalogue_browse" else "echo"
        summary[path.name] = {
            mode: {
                "updates_per_s": runs[path.name][mode]["updates_per_s"],
                "e_per_s": runs[ceiling][mode]["updates_per_s"],
                "ratio_to_e": round(
                    runs[path.name][mode]["updates_per_s"] / runs[ceiling][mode]["updates_per_s"], 3
                ),
                "p99_ms": runs[path.name][mode]["p99_ms"],
                "bot_cpu_ms_per_update": runs[path.name][mode]["bot_cpu_ms_per_update"],
                "e_cpu_ms_per_update": runs[ceiling][mode]["bot_cpu_ms_per_update"],
                "noisy": runs[path.name][mode]["noisy"] or runs[ceiling][mode]["noisy"],
            }
            for mode in ("seq", "flight")
        }
    for path in catalogue_paths():
        own, ceiling_run = runs[path.name].get("open"), runs[path.name].get("open_ceiling")
        if own and ceiling_run:
            summary[path.name]["open"] = open_summary(own, ceiling_run)
    result["paths"] = summary
    result["peak_rss_minus_echo_mb"] = round(result["peak_rss_mb"] - result["echo_peak_rss_mb"], 1)
    result["raw"] = runs
    return result


def open_summary(own: dict[str, Any], ceiling: dict[str, Any]) -> dict[str, Any]:
    """An open-loop run beside its ceiling's at the same offered rate."""
    return {
        "rate": own["offered_rate"],
        "measured": own["measured"],
        "p50_ms": own["p50_ms"],
        "p99_ms": own["p99_ms"],
        "ceiling": ceiling["ceiling"],
        "ceiling_p50_ms": ceiling["p50_ms"],
        "ceiling_p99_ms": ceiling["p99_ms"],
        "release_lag_p99_ms": max(own["release_lag_ms"]["p99"], ceiling["release_lag_ms"]["p99"]),
        "noisy": own["noisy"] or ceiling["noisy"],
    }


def main() -> int:
    """``python -m bench.catalogue_paths [--quick]``: these paths alone (the catalogue as last generated)."""
    config = QUICK if "--quick" in sys.argv[1:] else FULL
    OUT.mkdir(parents=True, exist_ok=True)
    if not (OUT / "cases1000").is_dir():
        generate_catalogue(OUT / "cases1000")
    procs = Processes()
    try:
        bench = BenchCore(config, procs, start_server(procs), {})
        result = measure(bench, OUT / "cases1000", OUT)
    finally:
        procs.stop_all()
    result.pop("raw")
    print(json.dumps(result, indent=1))
    print("\n".join(f"CHECK: {c}" for c in bench.checks))
    return 1 if bench.checks else 0


if __name__ == "__main__":
    sys.exit(main())
