"""Where one path spends its time: ``python -m bench.profile_path card [--n 500]``.

The path's updates go straight into the casebot Dispatcher (as in
:mod:`bench.dispatch_only`) under cProfile; the top functions by own and by
cumulative time are printed, after the path's CPU per update without the profiler
(``--cpu-only`` prints that alone). For tuning, after ``make bench`` names a slow path.
The catalogue paths (bench/catalogue_paths.py) run against the generated 1,000 cases.
``--engine postgresql``: the scale-out mode, on the suite's own PostgreSQL (fsync on) and
Redis (tests/servers.py); the database and Redis calls an update makes are listed too.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aiogram.types import Update

from bench.catalogue_paths import catalogue_paths
from bench.config import OUT
from bench.paths import UserPath, user_paths
from bench.setup_data import generate_catalogue, in_process_settings
from bot.app import create_app
from bot.logs import configure_logging
from bot.transport.local_session import LocalSession


def _paths() -> list[UserPath]:
    return user_paths() + catalogue_paths()


async def profile(
    name: str, n: int, top: int, cpu_only: bool = False, dump: str | None = None, engine: str = "sqlite"
) -> str:
    path = next(p for p in _paths() if p.name == name)
    overrides: dict[str, object] = {}
    pool = 200  # readers who come back
    if path.name in {p.name for p in catalogue_paths()}:
        pool = 1_000  # as bench/catalogue_paths.py: fewer come back within the flood window
        if not (OUT / "cases1000").is_dir():
            generate_catalogue(OUT / "cases1000")
        overrides["cases_dir"] = OUT / "cases1000"
    settings = in_process_settings("profile", **overrides)
    servers: list[Any] = []
    if engine == "postgresql":
        from tests.scaleout_fixtures import fresh_database, scale_out_settings
        from tests.servers import PostgresServer, RedisServer

        servers = [PostgresServer(durable=True).start(), RedisServer().start()]
        settings = scale_out_settings(settings, await fresh_database(servers[0]), servers[1].url)
    configure_logging("json", "INFO")
    app = await create_app(settings, session=LocalSession())
    try:
        total = 2 * n  # the first n measured without the profiler, the next n profiled
        if path.users == "signed":  # withdraw needs signers first
            sign = next(p for p in user_paths() if p.name == "sign")
            for i in range(total):
                update = Update.model_validate(
                    {"update_id": i, **sign.build(10_000 + i, i)}, context={"bot": app.bot}
                )
                await app.dp.feed_update(app.bot, update)
        users = (
            [10_000 + i for i in range(total)]
            if path.users != "pool"
            else [1_000 + i % pool for i in range(total)]
        )
        updates = [
            Update.model_validate(
                {"update_id": total + i, **path.build(u, total + i)}, context={"bot": app.bot}
            )
            for i, u in enumerate(users)
        ]
        timed, profiled = updates[50:n], updates[n:]
        for update in updates[:50]:  # warm caches, as a running bot has
            await app.dp.feed_update(app.bot, update)
        calls = _count_calls() if engine == "postgresql" else None
        cpu = time.process_time()
        for update in timed:
            await app.dp.feed_update(app.bot, update)
        cpu_ms = (time.process_time() - cpu) * 1000 / len(timed)
        if calls is not None:
            counted, undo = calls
            undo()
            per_update = ", ".join(f"{n} {count / len(timed):.2f}" for n, count in sorted(counted.items()))
            calls_line = f"calls per update: {per_update}"
        else:
            calls_line = ""
        if cpu_only:
            return (
                f"{name}: {cpu_ms:.3f} ms CPU per update in the Dispatcher ({len(timed)} updates)"
                + (f"; {calls_line}" if calls_line else "")
            )
        profiler = cProfile.Profile()
        profiler.enable()
        for update in profiled:
            await app.dp.feed_update(app.bot, update)
        profiler.disable()
    finally:
        await app.close()
        for server in servers:
            server.stop()
    if dump:
        profiler.dump_stats(dump)
    out = io.StringIO()
    out.write(f"{name}: {cpu_ms:.3f} ms CPU per update in the Dispatcher, unprofiled\n")
    if calls_line:
        out.write(calls_line + "\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    if engine == "postgresql":
        out.write(f"The database and Redis calls of {len(profiled)} updates:\n")
        stats.sort_stats("cumulative").print_stats(r"asyncpg/connection\.py|redis/asyncio/client\.py", 12)
    return out.getvalue()


def _count_calls() -> tuple[dict[str, int], Callable[[], None]]:
    """Round trips an update makes in the scale-out mode: asyncpg's statement calls and
    Redis commands, counted (not profiled: cProfile counts each resumption of a coroutine)."""
    import asyncpg
    from redis.asyncio import Redis

    counted: dict[str, int] = defaultdict(int)
    originals: list[tuple[Any, str, Any]] = []
    statements = ("execute", "executemany", "fetch", "fetchrow", "fetchval")
    targets = [(asyncpg.Connection, n, f"postgresql {n}") for n in statements]
    targets.append((Redis, "execute_command", "redis"))
    for owner, attribute, label in targets:
        real = getattr(owner, attribute)

        def counting(real: Any = real, label: str = label) -> Any:
            async def counted_call(*args: Any, **kwargs: Any) -> Any:
                # By the statement's first word (BEGIN, COMMIT, SELECT, INSERT, ...), no values.
                sql = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
                counted[f"{label} {sql.split(None, 1)[0].rstrip(';').upper()}" if sql else label] += 1
                return await real(*args, **kwargs)

            return counted_call

        originals.append((owner, attribute, real))
        setattr(owner, attribute, counting())

    def undo() -> None:
        for owner, attribute, real in originals:
            setattr(owner, attribute, real)

    return counted, undo


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_path")
    parser.add_argument("path", choices=[p.name for p in _paths()])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--cpu-only", action="store_true")
    parser.add_argument("--dump", help="also write the profile here (for pstats)")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    print(asyncio.run(profile(args.path, args.n, args.top, args.cpu_only, args.dump, args.engine)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
