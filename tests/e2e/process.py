"""Starting the bot as a real process (``python -m bot run``) against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

from tests.conftest import FIXTURE_CASES, LOCALES

TOKEN = "123456:TEST-token-for-the-fake-server"
SIGNATURE_KEY = "e2e-signature-key-" + "0" * 40
ROOT = str(Path(__file__).resolve().parents[2])


def bot_env(api_url: str, database: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("WEBHOOK_URL", "WEB_PORT", "ADMIN_IDS")}
    return {
        **clean,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_PATH": str(database),
        "CASES_DIR": str(FIXTURE_CASES),
        "LOCALES_DIR": str(LOCALES),
        "SIGNATURE_KEY": SIGNATURE_KEY,
        "LOG_FORMAT": "json",
        **extra,
    }


async def start_bot(env: dict[str, str], cwd: Path, log: Path) -> asyncio.subprocess.Process:
    """The log goes to a file: a pipe nobody reads fills up and stalls the bot mid-burst."""
    with open(log, "ab") as stderr:  # noqa: ASYNC230 - opening a local file, once
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=cwd,
            env={**env, "PYTHONPATH": ROOT},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )


async def stop_bot(process: asyncio.subprocess.Process, timeout: float = 30) -> int:
    """SIGTERM and wait for the exit; its return code."""
    if process.returncode is None:
        process.terminate()
    return await asyncio.wait_for(process.wait(), timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
