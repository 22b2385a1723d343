"""Start-up on an unusable database exits at once, non-zero, with one line naming cause and path.

Each case runs ``python -m bot run`` as a process. The permission cases run it
as the unprivileged user ``nobody`` (root ignores file modes, and CI runs as
root), with only the capability to read and search files kept, so that it can
load Python and the project from root-owned folders; writing stays refused.
If that user cannot be used, the test fails and says why: it never skips.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.process import ROOT, bot_env

UNPRIVILEGED = "nobody"
# Python start-up and imports take a few seconds (more on a busy 2-core CI machine);
# a hang would take forever, and is cut off at three times this.
WITHIN_SECONDS = 30.0


def _as_unprivileged() -> list[str]:
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.fail(
            "these start-up cases must run the bot as the unprivileged user 'nobody': "
            f"they need root and setpriv (euid {os.geteuid()}, setpriv {setpriv})"
        )
    probe = subprocess.run(
        [setpriv, *_SETPRIV_ARGS, sys.executable, "-c", "import os, bot; print(os.geteuid())"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    if probe.returncode != 0 or probe.stdout.strip() == "0":
        pytest.fail(f"cannot run Python as {UNPRIVILEGED!r} here: {probe.stderr.strip() or probe.stdout}")
    return [setpriv, *_SETPRIV_ARGS]


_SETPRIV_ARGS = [
    "--reuid=nobody",
    "--regid=nogroup",
    "--clear-groups",
    # Read and search everywhere (the interpreter and the project live under root's folders);
    # no right to write what is not nobody's.
    "--inh-caps=+dac_read_search",
    "--ambient-caps=+dac_read_search",
]


def _start(
    database: Path, prefix: list[str] | None = None, *, key_file: bool = False
) -> tuple[int, float, list[str]]:
    env = bot_env("http://127.0.0.1:9", database)
    env["PYTHONPATH"] = ROOT
    if key_file:
        del env["SIGNATURE_KEY"]  # the key file beside the database instead
    started = time.monotonic()
    try:
        done = subprocess.run(
            [*(prefix or []), sys.executable, "-m", "bot", "run"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=WITHIN_SECONDS * 3,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"start-up on {database} did not exit within {WITHIN_SECONDS * 3:.0f} s: it hangs")
    elapsed = time.monotonic() - started
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return done.returncode, elapsed, lines


def _assert_one_line(result: tuple[int, float, list[str]], database: Path, cause: str) -> None:
    code, elapsed, lines = result
    assert code != 0, lines
    assert elapsed < WITHIN_SECONDS, f"{elapsed:.1f} s"
    assert not any("Traceback" in line for line in lines), "\n".join(lines)
    ours = [line for line in lines if line.startswith("casebot:")]
    assert len(ours) == 1, lines
    assert str(database) in ours[0] and cause in ours[0], ours[0]


def _database(folder: Path) -> Path:
    """A working database, made by a start-up that succeeds as far as the database goes."""
    folder.mkdir(mode=0o755, exist_ok=True)
    path = folder / "casebot.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS placeholder (x)")
        conn.commit()
    return path


def _nobody_owns(*paths: Path) -> None:
    for path in paths:
        os.chown(path, 65534, 65534)


def test_a_read_only_database_file(tmp_path: Path) -> None:
    prefix = _as_unprivileged()
    os.chmod(tmp_path, 0o755)
    database = _database(tmp_path / "var")
    _nobody_owns(database.parent, database, *database.parent.glob("casebot.sqlite3-*"))
    os.chmod(database, 0o444)
    _assert_one_line(_start(database, prefix), database, "not readable and writable")


def test_a_read_only_folder(tmp_path: Path) -> None:
    prefix = _as_unprivileged()
    os.chmod(tmp_path, 0o755)
    database = _database(tmp_path / "var")
    for leftover in database.parent.glob("casebot.sqlite3-*"):
        leftover.unlink()
    _nobody_owns(database)  # the file is writable, the folder (root's, 0755) is not
    _assert_one_line(_start(database, prefix), database, "folder is not writable")


def test_a_folder_that_cannot_be_created(tmp_path: Path) -> None:
    prefix = _as_unprivileged()
    os.chmod(tmp_path, 0o755)  # root's: nobody cannot create in it
    database = tmp_path / "new" / "casebot.sqlite3"
    _assert_one_line(_start(database, prefix), database, "folder cannot be created")


def test_a_read_only_filesystem_as_root_too(tmp_path: Path) -> None:
    """Root ignores modes but not a read-only mount: the write proof catches it."""
    folder = tmp_path / "ro"
    database = _database(folder)
    with closing(sqlite3.connect(database)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # no -wal or -shm left to need
    bound = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True)
    if bound.returncode != 0:
        pytest.fail(f"cannot bind-mount a read-only folder: {bound.stderr.decode().strip()}")
    try:
        _assert_one_line(_start(database), database, "unusable")
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_corrupt_database(tmp_path: Path) -> None:
    database = tmp_path / "casebot.sqlite3"
    database.write_bytes(b"this is not a database, " * 400)
    _assert_one_line(_start(database), database, "file is not a database")


def test_a_failed_migration(tmp_path: Path) -> None:
    database = tmp_path / "casebot.sqlite3"
    with closing(sqlite3.connect(database)) as conn:  # a table in the way of migration 0001
        conn.execute("CREATE TABLE user_settings (something_else TEXT)")
        conn.commit()
    _assert_one_line(_start(database), database, "migration 0001_user_settings.sql failed")


def test_a_database_from_a_newer_casebot(tmp_path: Path) -> None:
    database = tmp_path / "casebot.sqlite3"
    with closing(sqlite3.connect(database)) as conn:
        conn.execute("PRAGMA user_version=999")
    _assert_one_line(_start(database), database, "newer than this casebot knows")


def test_a_damaged_signature_key_file(tmp_path: Path) -> None:
    database = tmp_path / "casebot.sqlite3"
    key = tmp_path / "signature.key"
    key.write_text("short\n")
    code, elapsed, lines = _start(database, key_file=True)
    assert code != 0 and elapsed < WITHIN_SECONDS
    assert not any("Traceback" in line for line in lines), "\n".join(lines)
    [ours] = [line for line in lines if line.startswith("casebot:")]
    assert str(key) in ours and "damaged" in ours
