"""Where one path spends its time: ``python -m bench.profile_path card [--n 500]``.

The path's updates go straight into the casebot Dispatcher (as in
:mod:`bench.dispatch_only`) under cProfile; the top functions by own and by
cumulative time are printed. For tuning, after ``make bench`` names a slow path.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys

from aiogram.types import Update

from bench.paths import user_paths
from bench.setup_data import in_process_settings
from bot.app import create_app
from bot.logs import configure_logging
from bot.transport.local_session import LocalSession


async def profile(name: str, n: int, top: int) -> str:
    path = next(p for p in user_paths() if p.name == name)
    settings = in_process_settings("profile")
    configure_logging("json", "INFO")
    app = await create_app(settings, session=LocalSession())
    try:
        if path.users == "signed":  # withdraw needs signers first
            sign = next(p for p in user_paths() if p.name == "sign")
            for i in range(n):
                update = Update.model_validate(
                    {"update_id": i, **sign.build(10_000 + i, i)}, context={"bot": app.bot}
                )
                await app.dp.feed_update(app.bot, update)
        users = (
            [10_000 + i for i in range(n)] if path.users != "pool" else [1_000 + i % 200 for i in range(n)]
        )
        updates = [
            Update.model_validate({"update_id": n + i, **path.build(u, n + i)}, context={"bot": app.bot})
            for i, u in enumerate(users)
        ]
        for update in updates[:50]:  # warm caches, as a running bot has
            await app.dp.feed_update(app.bot, update)
        profiler = cProfile.Profile()
        profiler.enable()
        for update in updates[50:]:
            await app.dp.feed_update(app.bot, update)
        profiler.disable()
    finally:
        await app.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_path")
    parser.add_argument("path", choices=[p.name for p in user_paths()])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    print(asyncio.run(profile(args.path, args.n, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
