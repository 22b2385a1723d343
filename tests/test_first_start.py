"""A first start: a forked copy reads the case files while the bot imports aiogram
(bot/transport/first_start.py), and the bot then reads its caches as on a restart.

The fork is tried in a process of its own (``python -c``): pytest's process has threads, and
a fork is only made from a process that has one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cases import catalog as catalog_module
from bot.cases.catalog import CaseFileError, cache_beside, load_catalog
from bot.transport.first_start import PreparedCaches
from bot.ui import ftl_cache
from tests.conftest import LOCALES, ROOT
from tests.tools import edit_text

PREPARE = """
import json, sys, threading
from bot.config import load_settings
from bot.transport.first_start import prepare_caches
if sys.argv[1] == "thread":
    threading.Thread(target=threading.Event().wait, daemon=True).start()
prepared = prepare_caches(load_settings())
print(json.dumps({"started": prepared.started, "wrote": prepared.wait()}))
"""


def _prepare(cases: Path, database: Path, mode: str = "plain") -> dict[str, bool]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "TELEGRAM_API_URL")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "CASES_DIR": str(cases),
        "LOCALES_DIR": str(LOCALES),
        "DATABASE_PATH": str(database),
    }
    done = subprocess.run(
        [sys.executable, "-c", PREPARE, mode],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=database.parent,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a case folder was parsed: the cache was not used")

    monkeypatch.setattr(catalog_module, "read_folders", refuse)


def test_a_first_start_reads_the_cases_in_a_copy_and_the_bot_reads_its_cache(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "bot.sqlite3"
    parsed = load_catalog(cases)
    assert _prepare(cases, database) == {"started": True, "wrote": True}
    _no_parsing(monkeypatch)
    cached = load_catalog(cases, cache=cache_beside(database))
    assert [c.slug for c in cached] == [c.slug for c in parsed]
    for case in parsed:
        got = cached.get(case.slug)
        assert got is not None and got.facts == case.facts
        assert got.text("ru").summary == case.text("ru").summary  # texts read back from the store
    assert (cache_beside(database) / ftl_cache.CACHE_FILE).exists()  # the locales' too
    # A restart: the caches are there and current, nothing to fork for.
    assert _prepare(cases, database) == {"started": False, "wrote": False}


def test_a_changed_cache_format_is_prepared_again(cases: Path, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    assert _prepare(cases, database)["wrote"]
    cache_file = cache_beside(database) / catalog_module.CACHE_FILE
    edit_text(cache_file, '{"fingerprint": "', '{"fingerprint": "older-code-', count=1)
    assert _prepare(cases, database) == {"started": True, "wrote": True}
    assert catalog_module.cache_is_current(cache_beside(database))


def test_a_broken_case_file_makes_the_copy_write_nothing_and_the_bot_reports_it(
    cases: Path, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    edit_text(cases / "beta" / "case.toml", 'slug = "beta"', 'slug = "Beta!"', count=-1)
    assert _prepare(cases, database) == {"started": True, "wrote": False}
    assert not (cache_beside(database) / catalog_module.CACHE_FILE).exists()
    with pytest.raises(CaseFileError) as raised:
        load_catalog(cases, cache=cache_beside(database))
    assert any("beta" in problem and "slug" in problem for problem in raised.value.problems)


def test_no_fork_from_a_process_with_threads(cases: Path, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    assert _prepare(cases, database, "thread") == {"started": False, "wrote": False}
    assert not cache_beside(database).exists()


def test_a_copy_still_at_work_after_the_limit_is_stopped() -> None:
    # A process that would wait for ever on its input stands for a copy that hangs.
    hanging = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        assert PreparedCaches(hanging.pid).wait(limit=0.0) is False
        with pytest.raises(ChildProcessError):
            os.waitpid(hanging.pid, os.WNOHANG)  # stopped and reaped
    finally:
        hanging.returncode = -9  # reaped above: Popen must not wait for it again
        assert hanging.stdin is not None
        hanging.stdin.close()
