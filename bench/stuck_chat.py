"""Other readers' /start while one chat's sendMessage hangs, under long polling.

``python -m bench.stuck_chat [--hang S] [--readers N]``: the bot polls the fake
Bot API in this process; chat 1's reply is held for ``--hang`` seconds (or
never, with ``--hang 0``); meanwhile ``N`` other readers send /start, one every
``--every`` seconds. Prints their latency (push to reply) as JSON: one stuck
chat should cost the others nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import create_app
from bot.transport.intake import Intake
from bot.transport.polling import Poller
from tests.conftest import make_settings, patient_user_clock
from tests.fake_telegram import FakeTelegram


async def measure(hang: float, readers: int, every: float) -> dict[str, object]:
    telegram = FakeTelegram()
    await telegram.start()
    with tempfile.TemporaryDirectory() as folder:
        settings = make_settings(Path(folder), bot_token="123456:BENCH-stuck", telegram_api_url=telegram.url)
        app = await create_app(settings, monotonic=patient_user_clock())
        gate = telegram.hold(lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == 1)
        stop = asyncio.Event()
        poller = Poller(
            app.bot, Intake(app.dp, app.bot), allowed_updates=app.dp.resolve_used_update_types(),
            shutdown_timeout=1.0, poll_timeout=1,
        )
        running = asyncio.ensure_future(poller.run(stop))
        await telegram.push_message(1, "/start")
        await telegram.wait_for(lambda c: c.method == "sendMessage" and int(c.params["chat_id"]) == 1)
        if hang:
            asyncio.get_running_loop().call_later(hang, gate.set)
        pushed: dict[int, float] = {}
        for n in range(readers):
            user_id = 100 + n
            pushed[user_id] = time.monotonic()
            await telegram.push_message(user_id, "/start")
            await asyncio.sleep(every)
        latencies = []
        for user_id, at in pushed.items():
            reply = await telegram.wait_for(
                lambda c, u=user_id: c.method == "sendMessage" and int(c.params["chat_id"]) == u, timeout=300
            )
            latencies.append(reply.at - at)
        gate.set()
        stop.set()
        await running
        await app.close()
    await telegram.stop()
    latencies.sort()
    return {
        "hang_s": hang or "never",
        "readers": readers,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p90_ms": round(latencies[int(len(latencies) * 0.9) - 1] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stuck_chat")
    parser.add_argument("--hang", type=float, default=10.0, help="seconds chat 1 hangs; 0: never answered")
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--every", type=float, default=0.25)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.hang, args.readers, args.every))))


if __name__ == "__main__":
    main()
