"""Every user path, one at a time and with many in flight; the dispatch-only ceiling; the update log."""

from __future__ import annotations

import json
import time
import zlib
from pathlib import Path
from typing import Any

from bench.loop import BenchCore
from bench.paths import UserPath, echo_callback_path, echo_path, is_callback, user_paths
from bench.processes import cpu_delta


class PathRuns(BenchCore):
    def path_runs(
        self,
        path: UserPath,
        bot: str,
        seq_users: list[int],
        flight_users: list[int],
        open_users: list[int] | None = None,
    ) -> dict[str, Any]:
        """One at a time, 100 in flight, and (given ``open_users``) the open loop at half the
        100-in-flight throughput, with the path's ceiling at the same rate and arrivals."""
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
        runs = {"seq": seq, "flight": flight}
        if open_users is not None and flight["updates_per_s"] > 0:
            runs |= self.open_runs(path, bot, open_users, c.open_share * flight["updates_per_s"])
        return runs

    def open_runs(self, path: UserPath, bot: str, users: list[int], rate: float) -> dict[str, Any]:
        """``open``: the path offered ``rate``; ``open_ceiling``: its ceiling (E for a message,
        E(cb) for a button) on the echo bot at the same rate, from the same seeded arrivals."""
        c = self.config
        count = min(len(users), int(rate * c.open_seconds) + c.open_warmup)
        if count < 2 * c.open_warmup:
            self.checks.append(f"{path.name}/open: only {count} users to offer it to; not measured")
            return {}
        seed = zlib.crc32(path.name.encode())
        ceiling = echo_callback_path() if is_callback(path) else echo_path()
        runs = {}
        for mode, runner, who, pick in (
            ("open", path, bot, users),
            ("open_ceiling", ceiling, "echo", [1_000 + i % 1_000 for i in range(count)]),
        ):
            runs[mode] = self.open_loop(
                who,
                f"{path.name}/open" + ("" if mode == "open" else f" ({ceiling.name})"),
                self.updates(runner, pick[:count]),
                round(rate, 1),
                seed,
                runner.calls_per_update,
                c.open_warmup,
            )
            runs[mode]["ceiling"] = "E(cb)" if is_callback(path) else "E"
        return runs

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
            if name.startswith("echo") or mode == "open_ceiling":  # the echo bot's own runs
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
