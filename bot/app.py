"""The one place where casebot is wired together.

``create_app`` opens the database, loads the cases and the locales, builds the
Bot and the Dispatcher and hands every shared object to the handlers through
aiogram's dependency injection (``dp["catalogs"]`` …). Nothing is global.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import MenuButtonWebApp, WebAppInfo

from bot.cases.catalog import Catalog, CatalogHolder, cache_beside, load_catalog
from bot.config import LOCAL_TOKEN, Settings
from bot.domain.answers import QuestionIndexes, RecentCases
from bot.domain.broadcast import BroadcastWorker, Clock
from bot.domain.catalogue_reload import CatalogueReloader
from bot.domain.follow import FollowService
from bot.domain.language import LanguageService
from bot.domain.news import NewsService
from bot.domain.petition import PetitionService, load_signature_key
from bot.domain.privacy import PrivacyService
from bot.domain.stats import StatsService
from bot.handlers import routers
from bot.handlers.common import command_menu
from bot.handlers.replay import Replayer
from bot.handlers.routing import RoutedDispatcher
from bot.locales import DERIVED
from bot.pipeline.flood import FloodGate
from bot.pipeline.json_body import JsonSession
from bot.pipeline.metrics import Metrics
from bot.pipeline.middlewares import (
    CatalogMiddleware,
    CommitBeforeReplyMiddleware,
    FloodControlMiddleware,
    HandlerTraceMiddleware,
    IdempotencyMiddleware,
    InputBoundsMiddleware,
    LocaleMiddleware,
    QuietRepliesMiddleware,
    UpdateLogMiddleware,
)
from bot.pipeline.response_models import KeepResponseModels
from bot.pipeline.scaleout import (
    BROADCAST_LOCK,
    Leadership,
    ReaderPrefetchMiddleware,
    RedisFloodGate,
    ReloadBus,
    SharedIdempotencyMiddleware,
    SharedRecentCasesMiddleware,
)
from bot.pipeline.shared_catalogue import SharedCatalogueMemoryMiddleware
from bot.pipeline.webhook_answer import WebhookAnswerMiddleware
from bot.storage.db import DatabaseUnusable, storage_failure
from bot.storage.engine import AnyDatabase, open_database
from bot.storage.fsm import SqliteStorage
from bot.storage.pg import PgDatabase
from bot.storage.repositories import (
    FollowRepository,
    FsmRepository,
    NewsRepository,
    OperationsRepository,
    OutboxRepository,
    ProcessedUpdateRepository,
    SignatureRepository,
    Transaction,
    UserSettingsRepository,
)
from bot.ui.catalogue_memory import FoundResults, Trails
from bot.ui.delivery import TelegramDelivery
from bot.ui.i18n import L10n
from bot.ui.links import SiteLinks
from bot.ui.screens import RenderedScreenCache

# A Bot API call that takes longer has failed (aiogram waits 60 s): it fails well inside
# an update's time limit, so the error handler can still answer the reader.
BOT_API_TIMEOUT = 20.0


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class App:
    settings: Settings
    bot: Bot
    dp: Dispatcher
    db: AnyDatabase
    catalogs: CatalogHolder
    l10n: L10n
    metrics: Metrics
    broadcast: BroadcastWorker
    redis: Any = None  # scale-out mode only

    @property
    def catalog(self) -> Catalog:
        return self.catalogs.current

    async def close(self) -> None:
        await self.broadcast.stop()
        idempotency: IdempotencyMiddleware = self.dp["idempotency"]
        await idempotency.close()
        await self.bot.session.close()
        await self.db.close()
        if self.redis is not None:
            await self.redis.aclose()


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        session = JsonSession(timeout=BOT_API_TIMEOUT)  # requests as JSON, not forms
        if settings.telegram_api_url:
            session.api = TelegramAPIServer.from_base(settings.telegram_api_url)
    token = settings.bot_token.get_secret_value() if settings.bot_token else LOCAL_TOKEN
    return Bot(
        token=token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_dispatcher(
    settings: Settings,
    db: AnyDatabase,
    catalog: Catalog,
    l10n: L10n,
    clock: Callable[[], dt.datetime] = utc_now,
    signature_key: bytes | None = None,
    metrics: Metrics | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    redis: Any = None,
) -> Dispatcher:
    """The Dispatcher with every middleware and router.

    Its replies are committed-before-sent only with the Bot API session
    middlewares that :func:`create_app` adds to the bot's session.
    """
    users = UserSettingsRepository(db)
    signatures = SignatureRepository(db)
    key = signature_key or load_signature_key(
        settings.signature_key.get_secret_value() if settings.signature_key else None,
        settings.database_path,
    )
    catalogs = CatalogHolder(catalog)
    follows = FollowRepository(db)
    following = FollowService(follows, OutboxRepository(db), Transaction(db))
    news_items = NewsRepository(db)
    # Dialogue state in SQLite, so an admin's /post survives a restart; its writes
    # go through Database.write() and so join the update's unit of work. Read from
    # a mirror in memory, as are other rows only this process writes (bot/storage/mirror.py).
    # With several workers (db.shared) nothing is mirrored: a dialogue goes on on any worker.
    dialogues = SqliteStorage(FsmRepository(db), shared=db.shared)
    # aiogram would read the dialogue state before any middleware of ours; it is registered
    # after the idempotency claim instead (below), so a copy of an update reads nothing and,
    # with several workers, the read joins the update's transaction, where the handler's own
    # reads of the same row find it (FsmRepository.get): one read per update, not two.
    # An event visits only the routers that could take it (RoutedDispatcher).
    dp = RoutedDispatcher(storage=dialogues, disable_fsm=True)
    dp["settings"] = settings
    dp["db"] = db
    dp["catalog"] = catalog  # replaced per update by CatalogMiddleware with the one in force
    dp["catalogs"] = catalogs
    dp["l10n"] = l10n
    dp["users"] = users
    dp["signatures"] = signatures
    dp["follows"] = following
    dp["petitions"] = PetitionService(signatures, key, clock)
    dp["privacy"] = PrivacyService(dp["petitions"], following, users)
    dp["language"] = LanguageService(users, following, Transaction(db))
    dp["clock"] = clock
    dp["news_items"] = news_items
    dp["news"] = NewsService(news_items, follows, OutboxRepository(db), Transaction(db), clock)
    dp["stats"] = StatsService(signatures, follows, OutboxRepository(db), clock, users)
    # One question index per catalogue in force (stemming every phrasing is the
    # costly part): built off the event loop once the bot is up, and again by
    # /reload before it swaps the catalogue.
    indexes = QuestionIndexes(catalog, build_now=False)
    dp["question_indexes"] = indexes
    dp["catalogue_reload"] = CatalogueReloader(
        settings.cases_dir, cache_beside(settings.database_path), catalogs, indexes
    )
    dp.startup.register(indexes.start)
    # The case each user last opened, for questions that name none; set by the card
    # handlers. In memory and bounded on purpose (see RecentCases): a restart only
    # costs a "which case?" question, and no trail of reading is stored.
    dp["recent_cases"] = RecentCases()
    dp["screens"] = RenderedScreenCache()  # keyed by everything shown, so right with several workers too
    # The catalogue's search results and each reader's last page, for Back (in memory).
    dp["found"] = FoundResults()
    dp["trails"] = Trails()
    metrics = metrics or Metrics()
    dp["metrics"] = metrics
    db.on_refused(metrics.commits_refused.inc)
    dp["operations"] = OperationsRepository(db)
    dp.update.outer_middleware(UpdateLogMiddleware(metrics))
    replay = Replayer(
        l10n, users, catalogs, dp["petitions"], following, dp["screens"], dialogues, settings.default_locale
    )
    idempotency: IdempotencyMiddleware | SharedIdempotencyMiddleware
    if isinstance(db, PgDatabase):
        # Replayed only when the worker that handled it is gone (see _say_again).
        idempotency = SharedIdempotencyMiddleware(db, ProcessedUpdateRepository(db), clock, replay=replay)
    else:
        idempotency = IdempotencyMiddleware(db, ProcessedUpdateRepository(db), clock, replay=replay)
    dp["idempotency"] = idempotency
    dp.update.outer_middleware(idempotency)
    if db.shared:
        dp.update.outer_middleware(ReaderPrefetchMiddleware(dp.fsm, dialogues, users, follows))
    dp.update.outer_middleware(dp.fsm)
    dp.shutdown.register(idempotency.close)  # the marks still in memory
    dp.update.outer_middleware(CatalogMiddleware(catalogs))
    dp.update.outer_middleware(LocaleMiddleware(l10n, users, settings.default_locale))
    flood: FloodGate | RedisFloodGate
    dp["reload_bus"] = None
    if redis is not None:  # scale-out: one bucket per user for all workers, one reader's case too
        # Redis's clock unless a test steps its own: workers' monotonic clocks do not agree.
        shared_clock = None if monotonic is time.monotonic else monotonic
        flood = RedisFloodGate(redis, key, settings.flood_burst, settings.flood_rate, shared_clock)
        # A search's results and the Back trail, for a reader whose next tap reaches another
        # worker: read with the reader's open case, in one round trip.
        flood_control = FloodControlMiddleware(flood, settings.admin_ids, metrics)
        catalogue_memory = SharedCatalogueMemoryMiddleware(redis, key)
        # The update's token taken in that round trip too.
        dp.update.outer_middleware(SharedRecentCasesMiddleware(
            redis, key, along=catalogue_memory.keys_for, flood=flood_control
        ))
        dp.update.outer_middleware(catalogue_memory)
    else:
        flood = FloodGate(settings.flood_burst, settings.flood_rate, monotonic)
        flood_control = FloodControlMiddleware(flood, settings.admin_ids, metrics)
    dp["flood"] = flood  # the Mini App's requests take from the same buckets as the chat
    dp["site_links"] = SiteLinks.from_settings(settings)
    dp.update.outer_middleware(flood_control)
    dp.update.outer_middleware(InputBoundsMiddleware())
    trace = HandlerTraceMiddleware()
    for name, observer in dp.observers.items():
        if name not in ("update", "error"):
            observer.middleware(trace)
    dp.include_routers(*routers())
    return dp


async def create_app(
    settings: Settings,
    *,
    session: BaseSession | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    strict_l10n: bool = False,
    monotonic: Callable[[], float] = time.monotonic,
    broadcast_chats: frozenset[int] | None = None,
    broadcast_clock: Clock | None = None,
) -> App:
    """``broadcast_chats``: deliver news only to these chats (the console chat's own user)."""
    # Beside the database: the cases' texts (read when shown) and facts kept between runs.
    catalog = load_catalog(settings.cases_dir, cache=cache_beside(settings.database_path))
    l10n = L10n.load(settings.locales_dir, strict=strict_l10n, cache=cache_beside(settings.database_path))
    db = await open_database(settings)
    redis = None
    try:
        if settings.redis_url is not None:
            from redis.asyncio import Redis  # scale-out only: a tenth of a second of imports

            redis = Redis.from_url(settings.redis_url.get_secret_value())
            await redis.ping()  # unreachable: stop at start, not at the first update
        return await _assemble(
            settings, db, redis, catalog, l10n, session, clock, monotonic, broadcast_chats, broadcast_clock
        )
    except BaseException as exc:
        # Closed, or aiosqlite's threads keep a failed start-up alive forever.
        await db.close()
        if redis is not None:
            await redis.aclose()
        if storage_failure(exc) and isinstance(db.path, Path):
            raise DatabaseUnusable(db.path, str(exc).splitlines()[0] or type(exc).__name__) from exc
        raise


async def _assemble(
    settings: Settings,
    db: AnyDatabase,
    redis: Any,
    catalog: Catalog,
    l10n: L10n,
    session: BaseSession | None,
    clock: Callable[[], dt.datetime],
    monotonic: Callable[[], float],
    broadcast_chats: frozenset[int] | None,
    broadcast_clock: Clock | None,
) -> App:
    await SqliteStorage(FsmRepository(db)).purge_idle(utc_now())  # FSM rows carry real time
    bot = create_bot(settings, session)
    # Outermost first: a webhook update's button answer waits for the response, each
    # method's answer model is built once, harmless refusals are absorbed around the
    # request, and the update's writes are committed before the request is made.
    bot.session.middleware(WebhookAnswerMiddleware())
    bot.session.middleware(KeepResponseModels())
    bot.session.middleware(QuietRepliesMiddleware())
    bot.session.middleware(CommitBeforeReplyMiddleware(db))
    metrics = Metrics()
    dp = create_dispatcher(
        settings, db, catalog, l10n, clock, metrics=metrics, monotonic=monotonic, redis=redis
    )
    catalogs: CatalogHolder = dp["catalogs"]
    delivery = TelegramDelivery(bot, l10n, catalogs, dp["news_items"])
    broadcast = BroadcastWorker(
        OutboxRepository(db),
        dp["news_items"],
        delivery.send,
        delivery.report,
        follows=dp["follows"],
        rate=settings.broadcast_rate,
        clock=broadcast_clock,
        chats=broadcast_chats,
        # Several workers: the one sender learns of news published elsewhere by looking.
        idle_poll=1.0 if db.shared else None,
    )
    dp["broadcast"] = broadcast
    # With the Dispatcher's start-up and shut-down, so polling and a webhook both
    # run it, and after aiogram has installed its signal handlers.
    if isinstance(db, PgDatabase):
        # One sender for the deployment, so BROADCAST_RATE is the bot's rate, not a worker's.
        leadership = Leadership(db.url, BROADCAST_LOCK, broadcast.start, broadcast.stop)
        dp["leadership"] = leadership
        dp.startup.register(leadership.begin)
        dp.shutdown.register(leadership.end)
    else:
        dp.startup.register(broadcast.start)
        dp.shutdown.register(broadcast.stop)
    if redis is not None:
        reloader: CatalogueReloader = dp["catalogue_reload"]

        async def reload_from_files() -> None:
            await reloader.reload()

        bus = ReloadBus(redis, reload_from_files)
        dp["reload_bus"] = bus
        dp.startup.register(bus.start)
        dp.shutdown.register(bus.stop)
    return App(
        settings=settings,
        bot=bot,
        dp=dp,
        db=db,
        catalogs=catalogs,
        l10n=l10n,
        metrics=metrics,
        broadcast=broadcast,
        redis=redis,
    )


async def publish_profile(bot: Bot, l10n: L10n, links: SiteLinks | None = None) -> None:
    """The command menu, the bot's descriptions in each language and, with a public
    address, the menu button that opens the Mini App.

    Telegram keys them by two-letter language only, so Ўзбекча (uz-Cyrl) has no
    profile of its own: its readers get their menu per chat when they choose it.
    """
    for locale in l10n.locales:
        if locale in DERIVED:
            continue
        t = l10n.translator(locale)
        await bot.set_my_commands(command_menu(t), language_code=locale)
        await bot.set_my_description(t("bot-description"), language_code=locale)
        await bot.set_my_short_description(t("bot-short-description"), language_code=locale)
    default = l10n.translator("en")
    await bot.set_my_commands(command_menu(default))
    if links is not None and links.public:
        button = MenuButtonWebApp(
            text=default("web-app-menu-button"), web_app=WebAppInfo(url=f"{links.base}/app")
        )
        await bot.set_chat_menu_button(menu_button=button)
