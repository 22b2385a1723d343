"""Where one path spends its time: ``python -m bench.profile_path card [--n 500]``.

The path's updates go straight into the casebot Dispatcher (as in
:mod:`bench.dispatch_only`) under cProfile; the top functions by own and by
cumulative time are printed, after the path's CPU per update without the profiler
(``--cpu-only`` prints that alone). For tuning, after ``make bench`` names a slow path.
The catalogue paths (bench/catalogue_paths.py) run against the generated 1,000 cases.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
import time

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


async def profile(name: str, n: int, top: int, cpu_only: bool = False, dump: str | None = None) -> str:
    path = next(p for p in _paths() if p.name == name)
    overrides: dict[str, object] = {}
    pool = 200  # readers who come back
    if path.name in {p.name for p in catalogue_paths()}:
        pool = 1_000  # as bench/catalogue_paths.py: fewer come back within the flood window
        if not (OUT / "cases1000").is_dir():
            generate_catalogue(OUT / "cases1000")
        overrides["cases_dir"] = OUT / "cases1000"
    settings = in_process_settings("profile", **overrides)
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
        cpu = time.process_time()
        for update in timed:
            await app.dp.feed_update(app.bot, update)
        cpu_ms = (time.process_time() - cpu) * 1000 / len(timed)
        if cpu_only:
            return f"{name}: {cpu_ms:.3f} ms CPU per update in the Dispatcher ({len(timed)} updates)"
        profiler = cProfile.Profile()
        profiler.enable()
        for update in profiled:
            await app.dp.feed_update(app.bot, update)
        profiler.disable()
    finally:
        await app.close()
    if dump:
        profiler.dump_stats(dump)
    out = io.StringIO()
    out.write(f"{name}: {cpu_ms:.3f} ms CPU per update in the Dispatcher, unprofiled\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_path")
    parser.add_argument("path", choices=[p.name for p in _paths()])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--cpu-only", action="store_true")
    parser.add_argument("--dump", help="also write the profile here (for pstats)")
    args = parser.parse_args()
    print(asyncio.run(profile(args.path, args.n, args.top, args.cpu_only, args.dump)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
