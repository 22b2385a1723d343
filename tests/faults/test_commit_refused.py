"""A write the database refuses (disk full, I/O error) is told once, never thanked, and acknowledged.

Through the real Dispatcher: once with the COMMIT failing by injection, once on
a real full disk (a 2 MiB tmpfs mounted for the test; the suite runs as root).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.transport.intake import Intake
from bot.transport.web import WebServer
from tests.conftest import make_settings, open_harness
from tests.tools import ChatUser, Harness

NOT_SAVED = {
    "en": "We could not save your signature",
    "ru": "Не удалось сохранить вашу подпись",
    "uz": "Imzoingizni saqlab boʻlmadi",
}


class RefusingCommits:
    """The writer connection's COMMIT fails as on a full disk, while switched on.

    Injected into the sqlite3 connection under aiosqlite's, so every COMMIT meets it:
    a group's (``conn.execute("COMMIT")``) and a lone writer's, run on the writer's
    thread with its mark and RELEASE (bot/storage/db.py, ``_Span._seal_alone``).
    """

    def __init__(self, harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
        self.on = False
        conn = harness.app.db.conn
        monkeypatch.setattr(conn, "_connection", _Refusing(conn._connection, self))


class _Refusing:
    def __init__(self, raw: sqlite3.Connection, switch: RefusingCommits) -> None:
        self._raw = raw
        self._switch = switch

    def execute(self, sql: str, *args: Any) -> Any:
        if self._switch.on and sql.strip().upper() == "COMMIT":
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
            raise error
        return self._raw.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


async def _signatures(harness: Harness) -> int:
    async with harness.app.db.reader.execute("SELECT COUNT(*) FROM signatures") as cur:
        row = await cur.fetchone()
    return int(row[0])


async def _health(harness: Harness) -> tuple[int, dict[str, Any]]:
    response = await WebServer(harness.app, Intake(harness.app.dp, harness.app.bot)).healthz(None)  # type: ignore[arg-type]
    import json

    assert response.body is not None
    return response.status, json.loads(response.body)  # type: ignore[arg-type]


def _refused_metric(harness: Harness) -> float:
    value = harness.app.metrics.registry.get_sample_value("casebot_commits_refused_total")
    return value or 0.0


SIGN_ANONYMOUSLY = {"en": "Sign anonymously", "ru": "Подписать анонимно", "uz": "Anonim imzolash"}


async def _tap_sign(user: ChatUser, locale: str = "en") -> list[str]:
    return [s.text for s in await user.press(SIGN_ANONYMOUSLY[locale])]


@pytest.mark.parametrize("locale", ["en", "ru", "uz"])
async def test_a_refused_signature_is_told_once_in_the_signers_language_and_never_thanked(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, locale: str
) -> None:
    disk = RefusingCommits(harness, monkeypatch)
    user = harness.user(1, language_code=locale)
    await user.send("/start sign_alpha")
    disk.on = True
    [told] = await _tap_sign(user, locale)  # handled (not raised): the update is acknowledged
    assert NOT_SAVED[locale] in told
    assert "Спасибо" not in told and "Thank" not in told and "Rahmat" not in told
    assert await _signatures(harness) == 0
    assert harness.app.db.failing is not None


async def test_health_and_the_metric_follow_refused_commits_and_recover(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = RefusingCommits(harness, monkeypatch)
    user = harness.user(1)
    await user.send("/start sign_alpha")
    assert (await _health(harness))[0] == 200
    disk.on = True
    await _tap_sign(user)
    await _tap_sign(user)
    status, report = await _health(harness)
    # Reads still work; commits do not: that is not health.
    assert status == 503 and report["database"] is False and "full" in report["database_error"]
    assert _refused_metric(harness) >= 2
    disk.on = False
    status, report = await _health(harness)
    assert status == 200 and report == {"status": "ok", "database": True, "cases": 2}
    [thanks] = await _tap_sign(user)
    assert "Thank you" in thanks
    assert await _signatures(harness) == 1


async def test_a_refused_update_is_acknowledged_and_not_stored_later(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiogram.types import CallbackQuery, Update

    disk = RefusingCommits(harness, monkeypatch)
    user = harness.user(1)
    await user.send("/start sign_alpha")
    button = user.last.button("Sign anonymously")
    update = Update(
        update_id=900_001,
        callback_query=CallbackQuery(
            id="q",
            from_user=user.user,
            chat_instance="x",
            message=user.last.message,
            data=button.callback_data,
        ),
    )
    disk.on = True
    assert await Intake(harness.app.dp, harness.app.bot).handle(update) is True
    disk.on = False
    await harness.app.dp["idempotency"].flush_marks()
    assert await _signatures(harness) == 0  # nothing kept, nothing queued to be kept later


# --- a real full disk -------------------------------------------------------------


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "2m") -> Iterator[Path]:
    folder.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
            check=True,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or exc
        pytest.fail(f"this test mounts a small tmpfs and needs root to do so: {detail}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        chunk = b"\0" * 4096
        while True:
            try:
                handle.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
    return filler


@pytest.fixture
async def harness_on_small_disk(tmp_path: Path) -> AsyncIterator[tuple[Harness, Path]]:
    with small_disk(tmp_path / "disk") as disk:
        h = await open_harness(make_settings(tmp_path, database_path=disk / "casebot.sqlite3"))
        try:
            yield h, disk
        finally:
            with contextlib.suppress(Exception):
                await h.app.close()


async def test_taps_on_a_full_disk_are_told_and_kept_nowhere(
    harness_on_small_disk: tuple[Harness, Path],
) -> None:
    harness, disk = harness_on_small_disk
    users = [harness.user(n) for n in range(1, 6)]
    for user in users:
        await user.send("/start sign_alpha")
    filler = fill(disk)
    for user in users:
        [told] = await _tap_sign(user)
        assert NOT_SAVED["en"] in told
    assert (await _health(harness))[0] == 503
    assert await _signatures(harness) == 0
    os.unlink(filler)
    assert (await _health(harness))[0] == 200
    for user in users:
        [thanks] = await _tap_sign(user)
        assert "Thank you" in thanks
    assert await _signatures(harness) == len(users)
