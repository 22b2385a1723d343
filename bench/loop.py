"""The loops every measurement drives: updates built, released by the fake server (on completion,
or on a Poisson clock), timed."""

from __future__ import annotations

import json
import time
from typing import Any

from bench.config import NOISE_LIMIT, Config
from bench.paths import UserPath
from bench.processes import Processes, Server, cpu_delta, percentile


class BenchCore:
    """What every measurement shares: the configuration, the processes, the server, the checks."""

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
        webhook: dict[str, str] | None = None,
        timeout: float = 600,
    ) -> dict[str, Any]:
        """``webhook`` (``{"url", "secret"}``): the server posts each update there, as Telegram
        does, instead of queueing it for getUpdates. ``timeout``: seconds the server waits
        for the run's last update."""
        body = {
            "token": self.tokens[bot],
            "updates": updates,
            "concurrency": concurrency,
            "calls_per_update": calls_per_update,
            "warmup": warmup,
            "max_seconds": max_seconds,
            "timeout": timeout,
        }
        if webhook is not None:
            body["webhook"] = webhook
        return self._timed(bot, label, "/_bench/run", body, calls_per_update)

    def open_loop(
        self,
        bot: str,
        label: str,
        updates: list[dict[str, Any]],
        rate: float,
        seed: int,
        calls_per_update: int,
        warmup: int,
        webhook: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Updates offered at ``rate`` a second (Poisson arrivals, seeded), not on completion:
        the latency a reader sees at that load, free of the closed loop's queue (Little's law).
        ``webhook``: as for :meth:`closed_loop`."""
        body = {
            "token": self.tokens[bot],
            "updates": updates,
            "rate": rate,
            "seed": seed,
            "calls_per_update": calls_per_update,
            "warmup": warmup,
            "timeout": 600,
        }
        if webhook is not None:
            body["webhook"] = webhook
        result = self._timed(bot, label, "/_bench/open", body, calls_per_update)
        result["concurrency"] = "open"
        return result

    def _timed(
        self, bot: str, label: str, route: str, body: dict[str, Any], calls_per_update: int
    ) -> dict[str, Any]:
        data = json.dumps(body).encode()  # before the clock starts: the load's cost is not the bot's
        before, t0 = self.procs.cpu(), time.monotonic()
        result = self.server.call(route, data=data)
        wall = time.monotonic() - t0
        cpu = cpu_delta(before, self.procs.cpu(), wall)
        latencies = result.pop("latencies_ms")
        result.update(
            label=label,
            concurrency=body.get("concurrency"),
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
