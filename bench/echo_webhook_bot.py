"""Ceilings E_wh and E_wh(cb): the barest aiogram webhook bots.

aiogram's own ``SimpleRequestHandler`` with ``handle_in_background=False`` (the
response waits for the handler, as casebot's does), the same session and fake
Bot API server as casebot. A message is answered with one ``sendMessage`` and a
button with ``answerCallbackQuery`` and one edit — all as API calls, nothing
carried by the webhook response: the least each path must do when every
result is used.

``python -m bench.echo_webhook_bot <api-url> <token> <port> <secret>``; SIGTERM stops it.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bench.echo_bot import echo, echo_button

HOOK = "/hook"


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


async def run(api_url: str, token: str, port: int, secret: str) -> None:
    bot = Bot(token=token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    dp = Dispatcher()
    dp.message.register(echo)
    dp.callback_query.register(echo_button)
    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token=secret).register(app, path=HOOK)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()  # also closes the bot's session (the handler's shutdown hook)


def main() -> int:
    api_url, token, port, secret = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    asyncio.run(run(api_url, token, port, secret))
    return 0


if __name__ == "__main__":
    sys.exit(main())
