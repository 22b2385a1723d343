"""Production settings: a malformed value stops start-up with one line naming it, never its value."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.test_cli import _run


@pytest.mark.parametrize(
    ("env", "named", "reason"),
    [
        ({"WEBHOOK_URL": "https://bot.example.org/tg"}, "WEBHOOK_SECRET", "required when WEBHOOK_URL is set"),
        (
            {"WEBHOOK_URL": "https://bot.example.org/tg", "WEBHOOK_SECRET": "has space SECRETVALUE"},
            "WEBHOOK_SECRET",
            "1-256",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.org/tg", "WEBHOOK_SECRET": "x" * 257},
            "WEBHOOK_SECRET",
            "1-256",
        ),
        ({"WEBHOOK_URL": "bot.example.org/tg"}, "WEBHOOK_URL", "full URL"),
        ({"WEB_PORT": "70000"}, "WEB_PORT", "less than or equal to 65535"),
        ({"WEB_PORT": "http"}, "WEB_PORT", "integer"),
        ({"FLOOD_BURST": "0"}, "FLOOD_BURST", "greater than or equal to 1"),
        ({"FLOOD_RATE": "fast"}, "FLOOD_RATE", "number"),
        ({"SHUTDOWN_TIMEOUT": "-1"}, "SHUTDOWN_TIMEOUT", "greater than 0"),
    ],
)
def test_a_malformed_production_setting_is_one_line_naming_it(
    tmp_path: Path, env: dict[str, str], named: str, reason: str
) -> None:
    result = _run(["check"], tmp_path, **env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert named in result.stderr and reason in result.stderr, result.stderr
    assert "SECRETVALUE" not in result.stderr + result.stdout


def test_check_says_which_mode_the_bot_will_run_in(tmp_path: Path) -> None:
    webhook = _run(
        ["check"], tmp_path, WEBHOOK_URL="https://bot.example.org/tg/hook", WEBHOOK_SECRET="abc_DEF-123"
    )
    assert webhook.returncode == 0, webhook.stderr
    assert "webhook at /tg/hook, listening on 127.0.0.1:8080" in webhook.stdout
    assert "abc_DEF-123" not in webhook.stdout
    polling = _run(["check"], tmp_path, WEB_PORT="9100")
    assert "polling, /healthz on 127.0.0.1:9100" in polling.stdout


def test_healthcheck_fails_when_nothing_answers(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    result = _run(["healthcheck"], tmp_path, WEB_PORT=str(free_port))
    assert result.returncode == 1
    assert "unhealthy" in result.stderr
