"""Dispatch-only cost: the same updates fed straight into the Dispatchers, no HTTP.

The casebot Dispatcher comes from ``create_app`` over a :class:`LocalSession`
(answers fabricated in-process), beside a bare echo Dispatcher on the same kind
of session. Comparing these figures with the polled ones separates what our
handlers, middlewares, SQLite and logging cost from what aiohttp and the
polling loop cost.

A worker process: it prints ``READY``, then for every JSON line on stdin
(``{"n": …, "warmup": …, "user_base": …}``) answers one JSON line of results.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import CallbackQuery, Message, Update

from bench.paths import UserPath, echo_callback_path, echo_path, user_paths
from bench.setup_data import in_process_settings
from bot.app import App, create_app
from bot.config import LOCAL_TOKEN
from bot.logs import configure_logging
from bot.transport.local_session import LocalSession


async def _echo(message: Message) -> None:
    await message.answer(message.text or "?")


async def _echo_button(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(query.data or "?")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _time_path(
    dp: Dispatcher, bot: Bot, path: UserPath, users: list[int], warmup: int, seq0: int
) -> dict[str, Any]:
    updates = [
        Update.model_validate({"update_id": seq0 + i, **path.build(u, seq0 + i)}, context={"bot": bot})
        for i, u in enumerate(users)
    ]
    durations: list[float] = []
    started = time.perf_counter()
    for index, update in enumerate(updates):
        if index == warmup:
            started = time.perf_counter()
        t0 = time.perf_counter()
        await dp.feed_update(bot, update)
        if index >= warmup:
            durations.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    return {
        "updates_per_s": len(durations) / elapsed,
        "p50_ms": statistics.median(durations) * 1000,
        "p99_ms": _percentile(durations, 0.99) * 1000,
    }


async def measure(app: App, echo_dp: Dispatcher, echo_bot: Bot, command: dict[str, Any]) -> dict[str, Any]:
    n, warmup, base = int(command["n"]), int(command["warmup"]), int(command["user_base"])
    pool = [base + i for i in range(200)]
    fresh = [base + 100_000 + i for i in range(n + warmup)]
    results: dict[str, Any] = {}

    def pooled(count: int) -> list[int]:
        return [pool[i % len(pool)] for i in range(count)]

    for echo in (echo_path(), echo_callback_path()):
        results[echo.name] = await _time_path(echo_dp, echo_bot, echo, pooled(n + warmup), warmup, base)
    for path in user_paths():
        users = fresh if path.users in ("fresh", "signed") else pooled(n + warmup)
        results[path.name] = await _time_path(app.dp, app.bot, path, users, warmup, base)
    return results


async def serve() -> None:
    settings = in_process_settings("dispatch", log_format="json", log_level="INFO")
    # Production logs one JSON line per update; so does this worker (stderr → a file).
    configure_logging("json", "INFO")
    app = await create_app(settings, session=LocalSession())
    echo_dp = Dispatcher()
    echo_dp.message.register(_echo)
    echo_dp.callback_query.register(_echo_button)
    echo_bot = Bot(token=LOCAL_TOKEN, session=LocalSession())
    print("READY", flush=True)
    loop = asyncio.get_running_loop()
    try:
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            results = await measure(app, echo_dp, echo_bot, json.loads(line))
            print(json.dumps(results), flush=True)
    finally:
        await app.close()
        await echo_bot.session.close()


def main() -> int:
    os.environ.pop("BOT_TOKEN", None)
    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
