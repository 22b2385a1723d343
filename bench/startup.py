"""Start-up and memory: process start to first getUpdates with 50 and 1,000 cases; the catalogue at 1,000."""

from __future__ import annotations

import compileall
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import catalogue_paths, report
from bench.config import NOISE_LIMIT, OUT, ROOT, Config
from bench.loop import BenchCore
from bench.paths import SLUG
from bench.processes import Processes, bot_env, cpu_delta, cpu_seconds, rss_mb, start_server
from bench.setup_data import generate_cases, generate_catalogue


def compile_as_installed() -> None:
    """bot/'s bytecode, as the image's ``pip install .`` writes it (pip compiles what it installs).

    Here bot/ is an editable install, and with PYTHONDONTWRITEBYTECODE set (the Dockerfile
    sets it, and so may the machine) every start would compile casebot's sources again:
    0.1 s of CPU that no deployed start spends, while aiogram's are compiled in site-packages.
    """
    compileall.compile_dir(ROOT / "bot", quiet=1)


class Startup(BenchCore):
    def startup(
        self,
        rep: int,
        cases_dir: Path,
        big_dir: Path | None = None,
        others: dict[str, Callable[[str], dict[str, str]]] | None = None,
    ) -> dict[str, Any]:
        """Process start → first getUpdates: the echo bot, then casebot with 50 cases and with
        1,000 (``big_dir``), each twice: cold (a new database, no caches yet: every case file
        parsed, every locale file read) and on a restart (``casebot``, ``casebot_1000``: the
        caches beside the database, as a deployed bot restarts); then ``others``: casebot with
        the environment each builds for a token (scale-out)."""
        compile_as_installed()
        results: dict[str, Any] = {}
        others = others or {}
        kinds = ["echo", "casebot_cold", "casebot"]
        kinds += ["casebot_1000_cold", "casebot_1000"] if big_dir else []
        kinds += [*others]
        # Each casebot probe right after an E probe of its own, and compared with that one: the
        # machine's speed drifts within a repetition (E's start-up 4.3 to 4.9 s in one run), and
        # a difference to an E measured minutes earlier carried that drift.
        probes = [(kind, kind) for kind in kinds[:1]]
        for kind in kinds[1:]:
            probes += [("echo", f"echo_before_{kind}"), (kind, kind)]
        for number, (kind, label) in enumerate(probes):
            token = f"{7_000_000 + rep * 100 + number}:bench-startup-token"
            if kind in others:
                argv = [sys.executable, "-m", "bot", "run"]
                env = others[kind](token)
            elif kind == "echo":
                argv = [sys.executable, "-m", "bench.echo_bot", self.server.url, token]
                env = dict(os.environ)
            else:
                big = kind.startswith("casebot_1000")
                database = OUT / f"startup-{rep}{'-1000' if big else ''}.sqlite3"
                if kind.endswith("_cold"):  # the restart after it reuses its files
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{database}{suffix}").unlink(missing_ok=True)
                    shutil.rmtree(f"{database}.cases-cache", ignore_errors=True)
                argv = [sys.executable, "-m", "bot", "run"]
                env = bot_env(self.server.url, token, database, big_dir if big and big_dir else cases_dir)
            name = f"startup-{label}"
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
            results[label] = {
                "seconds": round(seconds, 3),
                "cpu_s": round(cpu_self, 3),
                "peak_rss_mb": round(peak, 1),
                "cpu": cpu_delta(before, after, wall),
            }
            if label == kind != "echo":  # a casebot probe: beside the E probe just before it
                results[kind]["echo_seconds"] = results[f"echo_before_{kind}"]["seconds"]
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


def catalogue_only(config: Config) -> int:
    """``--only catalogue``: start-up with 50 and with 1,000 cases beside E, and the in-process
    catalogue figures (bench/catalogue.py), without the paths, the burst and the broadcast."""
    started = time.monotonic()
    cases_dir = generate_cases(ROOT / "data" / "cases" / SLUG, OUT / "cases50", config.startup_cases)
    generate_catalogue(OUT / "cases1000")
    procs = Processes()
    try:
        server = start_server(procs)
        bench = Startup(config, procs, server, {})
        records = []
        for rep in range(1, config.reps + 1):
            record: dict[str, Any] = {"rep": rep, "startup": bench.startup(rep, cases_dir, OUT / "cases1000")}
            if rep == config.reps:
                record["catalogue"] = bench.catalogue()
            records.append(record)
    finally:
        procs.stop_all()
    startup = report.startup_summary([r["startup"] for r in records])
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
