"""The scale-out commands: migrate-to-postgres, backup with pg_dump, one poller per bot."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from bot.domain.news import Draft
from bot.storage.transfer import TABLES, TransferError, copy_sqlite_to_postgres
from tests.conftest import make_settings, open_harness
from tests.e2e.process import ROOT, bot_env
from tests.fake_telegram import FakeTelegram
from tests.servers import postgres_bin


async def _embedded_history(tmp_path: Path) -> Path:
    """A SQLite file with a bit of everything: languages, signatures, follows, news, outbox, a dialogue."""
    harness = await open_harness(make_settings(tmp_path, signature_key="s" * 40))
    try:
        for user_id in (5, 6, 7):
            user = harness.user(user_id, "en")
            await user.send("/language")
            await user.press("Русский")
            await user.send("/start sign_alpha")
            await user.press("🕶")
            await user.send("/start alpha")
            await user.press("Следить за делом")
        named = harness.user(8, "en")
        await named.send("/sign alpha")
        await named.press("Sign with my name")  # a dialogue under way
        await harness.app.dp["news"].publish(
            Draft(slug="alpha", texts={"en": "News"}, fallback="en", key="k1"), author_id=1, author_locale="en"
        )
    finally:
        await harness.app.close()
    return tmp_path / "casebot.sqlite3"


async def test_migrate_to_postgres_copies_everything_and_counts_it(tmp_path: Path, pg_url: str) -> None:
    path = await _embedded_history(tmp_path)
    counts = await copy_sqlite_to_postgres(path, pg_url)
    assert set(counts) == set(TABLES)
    assert counts["signatures"] == 3 and counts["follows"] == 3 and counts["deliveries"] == 3
    assert counts["user_settings"] == 3 and counts["fsm_states"] >= 1 and counts["case_updates"] == 1
    conn = await asyncpg.connect(pg_url)
    try:
        assert await conn.fetchval("SELECT signature_count FROM petitions WHERE slug = 'alpha'") == 3
        # New rows get ids after the copied ones.
        next_id = await conn.fetchval(
            "INSERT INTO case_updates (slug, kind, text_en, fallback, author_id, author_locale, created_at, "
            "draft_key) VALUES ('alpha', 'news', 'x', 'en', 1, 'en', now(), 'k2') RETURNING id"
        )
        assert next_id == 2
    finally:
        await conn.close()
    with pytest.raises(TransferError, match="already has rows"):
        await copy_sqlite_to_postgres(path, pg_url)


async def test_the_bot_on_the_copied_database_knows_its_signers(tmp_path: Path, pg_url: str, redis_url: str) -> None:
    from tests.scaleout_fixtures import scale_out_settings

    path = await _embedded_history(tmp_path)
    await copy_sqlite_to_postgres(path, pg_url)
    settings = scale_out_settings(make_settings(tmp_path / "pg"), pg_url, redis_url)
    settings = settings.model_copy(update={"signature_key": make_settings(tmp_path, signature_key="s" * 40).signature_key})
    harness = await open_harness(settings)
    try:
        [again] = await harness.user(5, "en").send("/sign alpha")
        assert again.text.startswith("Вы подписали это требование")  # signer hash and language kept
    finally:
        await harness.app.close()


def test_backup_in_scale_out_runs_pg_dump_or_says_how(tmp_path: Path, pg_url: str, redis_url: str) -> None:
    env = {
        **os.environ, "DATABASE_URL": pg_url, "REDIS_URL": redis_url, "SIGNATURE_KEY": "s" * 40,
        "PYTHONPATH": ROOT,
    }

    def backup(target: Path, path: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "backup", str(target)],
            env={**env, "PATH": path}, cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )

    missing = backup(tmp_path, "/nonexistent")
    assert missing.returncode == 2 and "pg_dump --format=custom" in missing.stderr
    done = backup(tmp_path / "casebot.dump", str(postgres_bin()))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "casebot.dump").read_bytes().startswith(b"PGDMP")


async def test_a_second_polling_worker_refuses_to_start(
    telegram: FakeTelegram, tmp_path: Path, pg_url: str, redis_url: str
) -> None:
    env = bot_env(telegram.url, tmp_path / "unused.sqlite3", DATABASE_URL=pg_url, REDIS_URL=redis_url)
    env = {**env, "PYTHONPATH": ROOT}
    log = (tmp_path / "first.log").open("wb")
    first = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=log,
    )
    try:
        try:
            await telegram.wait_for(lambda c: c.method == "deleteWebhook", timeout=60)
        except TimeoutError:
            raise AssertionError((tmp_path / "first.log").read_text()[-2000:]) from None
        second = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 2
        assert "already long-polling" in err.decode() and "WEBHOOK_URL" in err.decode()
    finally:
        first.terminate()
        assert await asyncio.wait_for(first.wait(), 30) == 0
        log.close()
    assert os.environ.get("DATABASE_URL") is None
