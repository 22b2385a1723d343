"""Running the bot for real: polling or webhook, the web endpoints, a bounded graceful stop.

``serve`` returns when ``stop`` is set (SIGTERM, Ctrl-C) and everything in
flight has finished or ``shutdown_timeout`` has passed: no new updates are
taken, in-flight handlers finish, ``dp.shutdown`` hooks (the delivery worker)
run, and only then does the caller close the database.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import structlog

from bot.app import App
from bot.transport.intake import Intake
from bot.transport.polling import Poller

if TYPE_CHECKING:
    from aiohttp import web

# aiohttp's server side (aiohttp.web, its MIME table) and ours are imported only when a
# web port or a webhook is served: a polling bot without WEB_PORT never needs them (1.4 MB).

log = structlog.get_logger("casebot")


async def serve_pages(app: App) -> web.AppRunner:
    """The web endpoints alone (public pages, Mini App, health): the console chat with WEB_PORT set."""
    from aiohttp import web

    from bot.transport.web import WebServer

    settings = app.settings
    server = WebServer(app, Intake(app.dp, app.bot))
    runner = web.AppRunner(server.application(), access_log=None, shutdown_timeout=settings.shutdown_timeout)
    await runner.setup()
    await web.TCPSite(runner, settings.web_host, settings.listen_port).start()
    return runner


async def serve(app: App, stop: asyncio.Event) -> None:
    settings = app.settings
    dp, bot = app.dp, app.bot
    allowed_updates = dp.resolve_used_update_types()
    intake = Intake(dp, bot)
    webhook = settings.webhook_url is not None
    server = None
    if webhook or settings.web_port is not None:
        from bot.transport.web import WebServer

        server = WebServer(
            app,
            intake,
            webhook_path=settings.webhook_path if webhook else None,
            secret=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
        )
    runner: web.AppRunner | None = None
    # Startup hooks get what aiogram's own polling gives them.
    hook_data = {**dp.workflow_data, "dispatcher": dp, "bots": [bot]}
    await dp.emit_startup(bot=bot, **hook_data)
    try:
        if server is not None:
            from aiohttp import web

            runner = web.AppRunner(
                server.application(), access_log=None, shutdown_timeout=settings.shutdown_timeout
            )
            await runner.setup()
            await web.TCPSite(runner, settings.web_host, settings.listen_port).start()
            log.info("web.listening", host=settings.web_host, port=settings.listen_port, webhook=webhook)
        if webhook:
            assert settings.webhook_url is not None and settings.webhook_secret is not None
            await bot.set_webhook(
                url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=allowed_updates,
                drop_pending_updates=False,
            )
            log.info("webhook.registered", path=settings.webhook_path, updates=allowed_updates)
            await stop.wait()
        else:
            # A webhook left from an earlier run would make getUpdates fail with 409.
            await bot.delete_webhook(drop_pending_updates=False)
            log.info("polling.start", updates=allowed_updates)
            await Poller(
                bot, intake, allowed_updates=allowed_updates, shutdown_timeout=settings.shutdown_timeout
            ).run(stop)
    finally:
        log.info("shutdown.begin")
        if runner is not None:
            # Stops listening, then waits for requests in progress (bounded by shutdown_timeout).
            await runner.cleanup()
        if server is not None:
            await server.drain(settings.shutdown_timeout)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(dp.emit_shutdown(bot=bot, **hook_data), settings.shutdown_timeout)
        log.info("shutdown.done")
