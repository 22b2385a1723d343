"""Command line: ``python -m bot [run|console|check|export-signatures|backup|healthcheck|import-cases]``.

``run`` (the default) serves Telegram when BOT_TOKEN is set — by webhook when
WEBHOOK_URL is set, else by long polling — and opens the console chat
otherwise, so ``make run`` does something useful on a new machine.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import signal
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from pydantic import ValidationError

from bot.cases.catalog import CaseFileError, load_catalog
from bot.config import Settings, describe_settings_error, load_settings
from bot.domain.petition import SignatureKeyError
from bot.logs import configure_logging
from bot.storage.db import DatabaseUnusable
from bot.ui.i18n import L10n

if TYPE_CHECKING:
    from bot.domain.records import StoredSignature
    from bot.transport.first_start import PreparedCaches

# aiogram is imported inside the commands that need it: building its types takes
# seconds, and `check` or a settings error should answer at once.

log = structlog.get_logger("casebot")
# The collector's thresholds while serving (see _serve_app).
GC_THRESHOLDS = (3_000, 10, 100)


def _fail(message: str) -> int:
    print(f"casebot: {message}", file=sys.stderr)
    return 2


async def _run_bot(settings: Settings, prepared: PreparedCaches | None = None) -> None:
    poller_claim = None
    if settings.database_url is not None and not settings.webhook_url:
        from bot.pipeline.scaleout import claim_polling

        # Two pollers of one bot take each other's updates (Telegram answers 409): refuse.
        poller_claim = await claim_polling(settings.database_url.get_secret_value())
    try:
        await _serve_app(settings, prepared)
    finally:
        if poller_claim is not None:
            await poller_claim.close()


async def _serve_app(settings: Settings, prepared: PreparedCaches | None = None) -> None:
    from bot.app import create_app, publish_profile
    from bot.transport.runtime import serve

    if settings.webhook_url or settings.web_port is not None:
        # Imported by serve() otherwise, after the freezes below: the server's modules (aiohttp's
        # web side, the site's) would stay in the collector's sight, walked by every full collection.
        import bot.transport.site.routes
        import bot.transport.web  # noqa: F401

    # The modules just imported (aiogram's types above all) live as long as the process:
    # frozen now, the collection below does not walk them. Collecting first would free
    # the ~0.7 MB of garbage the imports left (the collector was off, see _serve_telegram)
    # but walk a million objects: 0.2 s of start-up.
    gc.freeze()
    if prepared is not None:
        prepared.wait()  # the caches a first start's copy wrote meanwhile (bot/transport/first_start.py)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    app = await create_app(settings)
    # Everything built so far (aiogram's types, the catalogue, the question index)
    # lives as long as the process: out of the collector's sight, a full collection
    # no longer walks it. About a quarter less CPU per update with 100 in flight.
    gc.collect()
    gc.freeze()
    # With 100 updates in flight the default thresholds (700, 10, 10) collect ~0.15 ms of CPU an
    # update and find almost no garbage (few cycles are made: under a dozen objects an update);
    # the young objects are updates still in flight, walked again when promoted, and each full
    # collection paused 20-60 ms. 3,000 and 100: about half the collector's CPU, no full
    # collection in minutes of load, young collections of ~1 ms (10,000: pauses of ~10 ms).
    gc.set_threshold(*GC_THRESHOLDS)
    gc.enable()

    async def publish() -> None:
        try:
            await publish_profile(app.bot, app.l10n, app.dp["site_links"])
        except Exception as exc:  # the profile is cosmetic; never refuse to start over it
            log.warning("profile.not_published", error=type(exc).__name__)

    # Ten API calls one after another: beside polling, not before it, so a
    # restart answers its first update without waiting for them.
    profile = asyncio.create_task(publish())
    try:
        log.info(
            "bot.start",
            mode="webhook" if settings.webhook_url else "polling",
            cases=len(app.catalog),
            api=settings.telegram_api_url or "telegram",
        )
        await serve(app, stop)
    finally:
        profile.cancel()
        await asyncio.gather(profile, return_exceptions=True)
        await app.close()
        log.info("bot.stopped")


async def _run_console(settings: Settings, lang: str, user_id: int, first_name: str, admin: bool) -> None:
    from aiogram.types import User

    from bot.app import create_app
    from bot.transport.console import ConsoleChat
    from bot.transport.local_session import LocalSession

    if admin:
        settings = settings.model_copy(update={"admin_ids": settings.admin_ids | {user_id}})
    session = LocalSession()
    # The terminal is one user's chat: news for other chats stays in the outbox
    # until that user opens the console (see README, "The console chat").
    app = await create_app(settings, session=session, broadcast_chats=frozenset({user_id}))
    user = User(id=user_id, is_bot=False, first_name=first_name, language_code=lang)
    runner = None
    try:
        if settings.web_port is not None:
            from bot.transport.runtime import serve_pages

            runner = await serve_pages(app)
            print(f"casebot: web pages at {app.dp['site_links'].base}/", file=sys.stderr)
        await ConsoleChat(app, session, user).run()
    finally:
        if runner is not None:
            await runner.cleanup()
        await app.close()


def _check(settings: Settings) -> int:
    problems: list[str] = []
    try:
        catalog = load_catalog(settings.cases_dir)
    except CaseFileError as exc:
        problems += exc.problems
        catalog = None
    try:
        L10n.load(settings.locales_dir)
    except Exception as exc:
        problems.append(f"{settings.locales_dir}: {exc}")
    from bot.storage.db import migration_problems

    problems += migration_problems()
    if problems:
        print("casebot: check failed:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    if settings.webhook_url:
        mode = f"webhook at {settings.webhook_path}, listening on {settings.web_host}:{settings.listen_port}"
    else:
        mode = "polling" + (
            f", /healthz on {settings.web_host}:{settings.web_port}" if settings.web_port else ""
        )
    print(f"casebot: ok — settings valid ({mode}), {len(catalog or [])} case(s), locales loaded")
    return 0


def _backup(settings: Settings, target: str) -> int:
    from bot.storage.backup import BackupError, backup_database

    if settings.database_url is not None:
        return _pg_backup(settings, target)
    try:
        report = backup_database(settings.database_path, Path(target))
    except (BackupError, OSError) as exc:
        return _fail(f"backup failed: {exc}")
    print(
        f"casebot: backup written to {report.path} ({report.bytes} bytes, "
        f"{report.signatures} signature(s), integrity ok)"
    )
    print(
        "casebot: the signature key is not in the backup; keep a copy of SIGNATURE_KEY or "
        f"{settings.database_path.parent / 'signature.key'} apart from it",
        file=sys.stderr,
    )
    return 0


def _pg_backup(settings: Settings, target: str) -> int:
    """PostgreSQL is backed up with its own tool, pg_dump: run here when it is installed."""
    import shutil
    import subprocess

    path = Path(target)
    if path.is_dir():
        path = path / f"casebot-{time.strftime('%Y%m%d-%H%M%S')}.dump"
    advice = (
        'pg_dump --format=custom --file=BACKUP.dump "$DATABASE_URL"   '
        '(restore: pg_restore --clean --dbname="$DATABASE_URL" BACKUP.dump)'
    )
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return _fail(f"PostgreSQL is backed up with pg_dump, which is not installed here; run: {advice}")
    url = settings.database_url.get_secret_value() if settings.database_url else ""
    command = [pg_dump, "--format=custom", f"--file={path}", url]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return _fail(f"pg_dump failed: {result.stderr.strip()[-300:]}; by hand: {advice}")
    print(f"casebot: PostgreSQL backup written to {path} by pg_dump (restore with pg_restore)")
    print("casebot: the signature key is not in the backup; keep SIGNATURE_KEY apart", file=sys.stderr)
    return 0


def _migrate_to_postgres(settings: Settings) -> int:
    from bot.storage.transfer import TransferError, copy_sqlite_to_postgres

    if settings.database_url is None:
        return _fail("set DATABASE_URL (the PostgreSQL to fill) and DATABASE_PATH (the SQLite file to copy)")
    try:
        counts = asyncio.run(
            copy_sqlite_to_postgres(settings.database_path, settings.database_url.get_secret_value())
        )
    except TransferError as exc:
        return _fail(f"migrate-to-postgres: {exc}")
    summary = ", ".join(f"{table} {rows}" for table, rows in counts.items())
    print(f"casebot: copied {settings.database_path} into PostgreSQL, every count verified: {summary}")
    return 0


def _healthcheck(settings: Settings) -> int:
    """For Docker's HEALTHCHECK: exit 0 when this machine's /healthz answers 200."""
    host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host
    url = f"http://{host}:{settings.listen_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"casebot: unhealthy: {exc}", file=sys.stderr)
        return 1


async def _stored_signatures(settings: Settings, slug: str) -> list[StoredSignature]:
    from bot.storage.engine import open_database
    from bot.storage.repositories import SignatureRepository

    db = await open_database(settings)
    try:
        return await SignatureRepository(db).all_of(slug)
    finally:
        await db.close()


def _export(settings: Settings, slug: str, fmt: str, output: str | None) -> int:
    from bot.domain.petition import export_csv, export_json

    case = load_catalog(settings.cases_dir).get(slug)
    if case is None or case.facts.petition is None:
        return _fail(f"no case with a petition is called {slug!r}")
    rows = asyncio.run(_stored_signatures(settings, slug))
    content = export_csv(rows) if fmt == "csv" else export_json(case, rows)
    if output:
        Path(output).write_bytes(content)
        print(f"casebot: {len(rows)} signature(s) written to {output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(content)
    return 0


def _import(settings: Settings, source: Path, dry_run: bool) -> int:
    from bot.cases.importer import ImportProblems, import_cases

    try:
        slugs = import_cases(source, settings.cases_dir, dry_run=dry_run)
    except ImportProblems as exc:
        print(f"casebot: {source}: nothing imported:", *exc.problems, sep="\n  ", file=sys.stderr)
        return 1
    verb = "would add" if dry_run else "added"
    print(f"casebot: {verb} {len(slugs)} case(s) to {settings.cases_dir}: {', '.join(slugs)}")
    if not dry_run:
        print("casebot: send /reload to the bot (or restart it) to show them")
    return 0


def _serve_telegram(settings: Settings) -> int:
    # Start-up makes objects that live as long as the process (aiogram's types, our
    # modules, the catalogue) and little garbage: the collector, left on, walked them
    # again and again as they grew — 0.4 s of the 2.5 s aiogram's import takes here.
    # Off until the app is built (see _serve_app for the collection and the freezes).
    gc.disable()
    from bot.transport.first_start import prepare_caches

    # Before aiogram is imported: the case files are read beside that import.
    prepared = prepare_caches(settings)
    try:
        from bot.pipeline.scaleout import PollingRefused
        from bot.transport.malloc import limit_arenas

        limit_arenas()  # before aiosqlite's threads start (bot/transport/malloc.py)
        try:
            asyncio.run(_run_bot(settings, prepared))
        except PollingRefused as exc:
            return _fail(str(exc))
    finally:
        prepared.close()
        gc.enable()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="serve Telegram (BOT_TOKEN set: webhook or polling) or open the console chat")
    console = sub.add_parser("console", help="chat with the bot in this terminal, offline")
    console.add_argument("--lang", default="en", help="the user's Telegram language_code")
    console.add_argument("--user-id", type=int, default=42)
    console.add_argument("--name", default="Console", help="the user's first name")
    console.add_argument(
        "--admin", action="store_true", help="this user is an admin (ADMIN_IDS) for this run"
    )
    sub.add_parser("check", help="validate settings, case files and locales")
    export = sub.add_parser("export-signatures", help="the signatures under a case's demand, for delivery")
    export.add_argument("slug")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--output", help="file to write (default: standard output)")
    backup = sub.add_parser("backup", help="a consistent copy of the database, safe while the bot runs")
    backup.add_argument("path", help="the file to write, or a folder to write a dated file into")
    sub.add_parser("healthcheck", help="exit 0 when the running bot's /healthz answers")
    sub.add_parser(
        "migrate-to-postgres",
        help="copy the SQLite file (DATABASE_PATH) into an empty PostgreSQL (DATABASE_URL), verifying counts",
    )
    importing = sub.add_parser(
        "import-cases", help="add short cases from a CSV or JSON file (data/cases/README.md)"
    )
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--dry-run", action="store_true", help="check the file and list what would be added"
    )
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except ValidationError as exc:
        return _fail(describe_settings_error(exc))
    command = args.command or "run"
    console = command == "console" or (command == "run" and settings.bot_token is None)
    # In the console chat, per-update log lines would interleave with the chat itself.
    configure_logging(
        settings.log_format, "WARNING" if console and settings.log_level == "INFO" else settings.log_level
    )

    if command == "check":
        return _check(settings)
    if command == "backup":
        return _backup(settings, args.path)
    if command == "healthcheck":
        return _healthcheck(settings)
    if command == "migrate-to-postgres":
        return _migrate_to_postgres(settings)
    if command == "import-cases":
        return _import(settings, args.file, args.dry_run)
    if command == "export-signatures":
        try:
            return _export(settings, args.slug, args.format, args.output)
        except CaseFileError as exc:
            return _fail("case files are invalid:\n  " + "\n  ".join(exc.problems))
    try:
        if console:
            lang = getattr(args, "lang", "en")
            asyncio.run(
                _run_console(
                    settings,
                    lang,
                    getattr(args, "user_id", 42),
                    getattr(args, "name", "Console"),
                    getattr(args, "admin", False),
                )
            )
        else:
            return _serve_telegram(settings)
    except CaseFileError as exc:
        return _fail("case files are invalid:\n  " + "\n  ".join(exc.problems))
    except (DatabaseUnusable, SignatureKeyError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
