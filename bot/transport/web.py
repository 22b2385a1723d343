"""The aiohttp server: the Telegram webhook, ``/healthz``, ``/metrics`` and the public site (``site/``).

The webhook answers 200 only after the update's handlers are done and their
effects committed (aiogram's own handler answers first and handles later).
Handling is bounded well under Telegram's ~60 s: past ``handle_timeout`` the
answer is 503, Telegram sends the update again later, and the copy waits for
the first delivery to finish and then finds it already processed.

A button's ``answerCallbackQuery`` rides in the 200 response, as JSON
(bot.pipeline.json_body.py), instead of being a call of its own
(bot/pipeline/webhook_answer.py): after the commit, and never for a failed
update. An update that outlives its request sends it as a call when done.

A request without the right ``X-Telegram-Bot-Api-Secret-Token`` gets 401 and
is not read further; a body over ``MAX_BODY`` gets 413.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING

import structlog
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

if TYPE_CHECKING:
    from bot.transport.site.routes import PublicSite

from bot.app import App
from bot.pipeline.json_body import MethodJson
from bot.pipeline.metrics import CONTENT_TYPE
from bot.pipeline.webhook_answer import WebhookAnswer
from bot.storage.repositories import OperationsRepository
from bot.transport.intake import Intake

log = structlog.get_logger("casebot.web")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A Telegram update is a few kilobytes; a megabyte leaves room for any of them.
MAX_BODY = 1024 * 1024
HANDLE_TIMEOUT = 45.0
HEALTH_DB_TIMEOUT = 2.0


class WebServer:
    def __init__(
        self,
        app: App,
        intake: Intake,
        *,
        webhook_path: str | None = None,
        secret: str | None = None,
        handle_timeout: float = HANDLE_TIMEOUT,
        site: PublicSite | None = None,
    ) -> None:
        if webhook_path is not None and not secret:
            raise ValueError("a webhook needs its secret token")
        self._app = app
        self._intake = intake
        self._webhook_path = webhook_path
        self._secret = (secret or "").encode("ascii")
        self._handle_timeout = handle_timeout
        self._in_flight: set[asyncio.Task[bool]] = set()
        self._site = site
        self._encoder = MethodJson()  # the answer a webhook response carries, as JSON

    def application(self) -> web.Application:
        application = web.Application(client_max_size=MAX_BODY)
        application.router.add_get("/healthz", self.healthz)
        application.router.add_get("/metrics", self.metrics)
        if self._webhook_path is not None:
            application.router.add_post(self._webhook_path, self.webhook)
        if self._site is None:
            # Built here, not at import: a polling bot without WEB_PORT never needs the templates.
            from bot.transport.site.routes import PublicSite

            self._site = PublicSite(self._app)
        self._site.install(application)
        return application

    async def webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not secrets.compare_digest(given, self._secret):
            log.warning("webhook.unauthorized")
            return web.Response(status=401, text="unauthorized")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413, text="too large")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="too large")
        try:
            update = Update.model_validate_json(body, context={"bot": self._app.bot})
        except ValidationError:
            log.warning("webhook.malformed", bytes=len(body))
            return web.Response(status=400, text="not an update")
        answer = WebhookAnswer.for_update(update)
        task = asyncio.ensure_future(self._handle(update, answer))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        if not await self._finished_within(task, self._handle_timeout):
            if answer is not None:
                answer.miss()  # its answer becomes a call (see _handle)
            log.warning("webhook.slow", update_id=update.update_id)
            return web.Response(status=503, text="still handling; send it again later")
        if not task.result():  # raises what the handling raised, as awaiting it would
            return web.Response(status=500, text="not handled")
        method = answer.close() if answer is not None else None
        if method is None:
            return web.Response(status=200)
        body = self._encoder.webhook_response(self._app.bot, method)
        if body is None:  # never for a button's answer, which uploads nothing; said, not assumed
            await Dispatcher.silent_call_request(self._app.bot, method)
            return web.Response(status=200)
        return web.Response(body=body, content_type="application/json")

    @staticmethod
    async def _finished_within(task: asyncio.Task[bool], timeout: float) -> bool:
        """Whether ``task`` is done within ``timeout`` seconds. Never cancels it: Telegram hanging
        up (this request cancelled) or the timeout must not stop a handler midway. One future and
        one timer: ``wait_for(shield(task))`` made two futures, a task and the timer per update."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()

        def wake(_: object = None) -> None:
            if not waiter.done():
                waiter.set_result(None)

        task.add_done_callback(wake)
        timer = loop.call_later(timeout, wake)
        try:
            await waiter
        finally:
            timer.cancel()
            task.remove_done_callback(wake)
        return task.done()

    async def _handle(self, update: Update, answer: WebhookAnswer | None) -> bool:
        if answer is None:
            return await self._intake.handle(update)
        answer.enter()  # this task's context only
        try:
            return await self._intake.handle(update)
        finally:
            # The request gave up waiting (503): what was kept for its response goes as a call.
            late: AnswerCallbackQuery | None = answer.close() if answer.late else None
            if late is not None:
                await Dispatcher.silent_call_request(self._app.bot, late)

    async def healthz(self, request: web.Request) -> web.Response:
        db = self._app.db
        try:
            # Reads and commits: a read that still works while commits fail is not health.
            database = await asyncio.wait_for(db.healthy(), HEALTH_DB_TIMEOUT)
        except Exception:
            database = False
        # The catalogue in force: dp["catalog"] is only the one loaded at start-up.
        cases = len(self._app.catalogs.current)
        healthy = database and cases > 0
        report: dict[str, object] = {"status": "ok" if healthy else "unavailable", "database": database}
        if db.failing is not None:
            report["database_error"] = db.failing
        report["cases"] = cases
        if self._app.redis is not None:  # scale-out: flood control and reloads need it
            try:
                report["redis"] = bool(await asyncio.wait_for(self._app.redis.ping(), HEALTH_DB_TIMEOUT))
            except Exception:
                report["redis"] = False
            healthy = healthy and bool(report["redis"])
            report["status"] = "ok" if healthy else "unavailable"
            report["engine"] = "postgresql"
        return web.json_response(report, status=200 if healthy else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        try:
            await self._app.metrics.refresh(OperationsRepository(self._app.db))
        except Exception as exc:  # stale gauges are better than no metrics at all
            log.warning("metrics.refresh_failed", error=type(exc).__name__)
        return web.Response(body=self._app.metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    async def drain(self, timeout: float) -> None:
        """Wait for webhook updates still being handled (after their request timed out)."""
        if not self._in_flight:
            return
        _, late = await asyncio.wait(set(self._in_flight), timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)
            log.warning("webhook.abandoned_at_shutdown", updates=len(late))
