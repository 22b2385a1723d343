"""The bench's processes and what /proc says of them; the fake server's control API; the machine.

No aiogram here: the orchestrator only builds updates and reads /proc, so its own
cost stays out of the figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from bench.config import BROADCAST_ADMIN, BROADCAST_RATE, OUT, ROOT, SIGNATURE_KEY

CLK_TCK = os.sysconf("SC_CLK_TCK")


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


def start_server(procs: Processes) -> Server:
    server_process = procs.start(
        "server", [sys.executable, "-m", "bench.fake_server"], stdout=subprocess.PIPE
    )
    assert server_process.stdout is not None
    ready = server_process.stdout.readline().split()
    if not ready or ready[0] != "READY":
        raise RuntimeError("the fake server did not start; see bench/out/server.log")
    return Server(f"http://127.0.0.1:{ready[1]}")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


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
