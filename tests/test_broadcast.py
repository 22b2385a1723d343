"""The broadcast worker against the recording session, on a virtual clock (no sleeping)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod

from bot.cases.catalog import CatalogHolder, load_catalog
from bot.config import LOCAL_TOKEN
from bot.domain.broadcast import BroadcastWorker
from bot.domain.follow import FollowService
from bot.domain.records import Delivery, NewsRecord
from bot.pipeline.middlewares import QuietRepliesMiddleware
from bot.storage.db import Database
from bot.storage.repositories import FollowRepository, NewsRepository, OutboxRepository, Transaction
from bot.transport.local_session import LocalSession
from bot.ui.delivery import TelegramDelivery
from bot.ui.i18n import L10n
from tests.conftest import FIXTURE_CASES, LOCALES
from tests.news_tools import publisher
from tests.scaleout_fixtures import open_engine
from tests.tools import FakeClock

ADMIN_CHAT = 999


@dataclass
class Rig:
    db: Database
    session: LocalSession
    bot: Bot
    clock: FakeClock
    delivery: TelegramDelivery
    news_items: NewsRepository
    outbox: OutboxRepository
    follows: FollowRepository
    attempts: list[tuple[float, int]] = field(default_factory=list)  # (time, chat) of every send tried
    edits: list[tuple[float, str]] = field(default_factory=list)
    received: list[int] = field(default_factory=list)  # chats a message really reached

    async def send(self, row: Delivery) -> None:
        self.attempts.append((self.clock.now(), row.chat_id))
        await self.delivery.send(row)

    def worker(self, **options: Any) -> BroadcastWorker:
        options.setdefault("max_in_flight", 1)
        return BroadcastWorker(
            self.outbox,
            self.news_items,
            self.send,
            self.delivery.report,
            follows=FollowService(self.follows, self.outbox, Transaction(self.db)),
            clock=self.clock,
            **options,
        )

    def delivered(self) -> Counter[int]:
        return Counter(self.received)

    async def statuses(self) -> dict[int, tuple[str, str | None]]:
        rows = await self.db.conn.execute_fetchall("SELECT chat_id, status, reason FROM deliveries")
        return {int(r[0]): (r[1], r[2]) for r in rows}


async def open_rig(
    path: Path, session: LocalSession | None = None, clock: FakeClock | None = None, db: Any = None
) -> Rig:
    db = db or await Database.open(path)
    session = session or LocalSession()
    bot = Bot(LOCAL_TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    updates = NewsRepository(db)
    catalogs = CatalogHolder(load_catalog(FIXTURE_CASES))
    delivery = TelegramDelivery(bot, L10n.load(LOCALES, strict=True), catalogs, updates)
    rig = Rig(
        db, session, bot, clock or FakeClock(), delivery, updates, OutboxRepository(db), FollowRepository(db)
    )

    def on_call(method: TelegramMethod[Any], result: Any) -> None:
        if isinstance(method, EditMessageText):
            rig.edits.append((rig.clock.now(), method.text))
        elif isinstance(method, SendMessage):
            rig.received.append(int(method.chat_id))

    session.listeners.append(on_call)
    return rig


async def follow_and_publish(rig: Rig, chats: list[int], *, key: str = "k1", slug: str = "alpha") -> int:
    locales = ("ru", "uz", "en")
    for index, chat in enumerate(chats):
        await rig.follows.follow(chat, slug, locales[index % 3])
    published = await publisher(rig.db).publish_item(
        NewsRecord(
            slug=slug,
            kind="news",
            texts={"ru": "Апелляция назначена на <b>5 марта</b>.", "en": "The appeal is set for <b>5 March</b>."},
            fallback="ru",
            stage=None,
            stage_date=None,
            announced=True,
            author_id=ADMIN_CHAT,
            author_locale="en",
            draft_key=key,
            at=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
        )
    )
    await rig.news_items.set_progress_message(published.news_id, ADMIN_CHAT, 1)
    return published.news_id


@pytest.fixture
async def rig(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    """Both engines: the embedded SQLite file and PostgreSQL."""
    db = await open_engine(engine, tmp_path, request, "outbox.sqlite3")
    r = await open_rig(tmp_path / "outbox.sqlite3", db=db)
    yield r
    await r.db.close()


async def test_each_follower_gets_the_update_once_in_their_language(rig: Rig) -> None:
    chats = [101, 102, 103]  # ru, uz, en
    await follow_and_publish(rig, chats)
    await rig.worker().run_until_idle()
    assert rig.delivered() == Counter({101: 1, 102: 1, 103: 1})
    texts = {int(c.chat_id): c.text for c in rig.session.calls if isinstance(c, SendMessage)}
    assert "Апелляция назначена" in texts[101]
    assert "Апелляция назначена" in texts[102]  # Uzbek skipped: the Russian fallback
    assert "The appeal is set" in texts[103]
    assert all(s == ("sent", None) for s in (await rig.statuses()).values())
    # The admin's progress message ends with the final report.
    assert rig.edits[-1][1].startswith("<b>Delivered:</b> sent 3 of 3 · 0 failed")


async def test_pacing_overall_and_per_chat_on_the_virtual_clock(rig: Rig) -> None:
    chats = list(range(1000, 1060))
    await follow_and_publish(rig, chats, key="a")
    await follow_and_publish(rig, chats[:3], key="b", slug="beta")  # three chats get two updates
    await rig.worker(rate=25).run_until_idle()
    times = [at for at, _ in rig.attempts]
    assert len(times) == 63
    # Never more than 25 sends in any one-second window.
    assert all(times[i + 25] - times[i] >= 1.0 - 1e-6 for i in range(len(times) - 25))
    per_chat: dict[int, list[float]] = {}
    for at, chat in rig.attempts:
        per_chat.setdefault(chat, []).append(at)
    for stamps in per_chat.values():
        assert all(b - a >= 1.0 - 1e-6 for a, b in itertools.pairwise(stamps))
    # And not slower than the rate requires: 63 sends take about 62/25 s.
    assert times[-1] - times[0] == pytest.approx(62 / 25, abs=0.05)


class LateClock(FakeClock):
    """Wakes ``late`` seconds after the time asked for, as a real event loop does."""

    def __init__(self, late: float) -> None:
        super().__init__()
        self.late = late

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        if not event.is_set():
            self.t += max(timeout, 0.0) + self.late
        await asyncio.sleep(0)


async def test_the_rate_holds_when_every_wake_up_is_late(tmp_path: Path) -> None:
    rig = await open_rig(tmp_path / "late.sqlite3", clock=LateClock(late=0.0015))
    await follow_and_publish(rig, list(range(3000, 3251)))
    await rig.worker(rate=25).run_until_idle()
    times = [at for at, _ in rig.attempts]
    # 251 sends are 250 intervals: at 25/s, 10 s, not 10 s plus 1.5 ms for every send.
    assert 250 / (times[-1] - times[0]) == pytest.approx(25, rel=0.001)
    # Catching up never bunches: at most one send more than the rate in any second.
    assert all(times[i + 26] - times[i] >= 1.0 - 1e-6 for i in range(len(times) - 26))
    await rig.db.close()


class HeldLink(FakeClock):
    """Virtual time, and a link to Telegram that holds every send started between
    ``hold_from`` and ``hold_to`` (seconds from the start) until ``hold_to``, as a busy
    server does; Telegram counts each send when it arrives, as the fake server does."""

    def __init__(self, hold_from: float, hold_to: float) -> None:
        super().__init__()
        self.hold_from, self.hold_to = self.t + hold_from, self.t + hold_to
        self.cleared = asyncio.Event()
        self.arrivals: list[tuple[float, int]] = []

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        if not event.is_set():
            self.t += timeout
        if self.t >= self.hold_to:
            self.cleared.set()
        await asyncio.sleep(0)

    def carrying(self, deliver: Any) -> Any:
        async def send(row: Delivery) -> None:
            start = self.now()
            held = self.hold_from <= start < self.hold_to
            if held:
                await self.cleared.wait()
            self.arrivals.append((self.hold_to if held else start, row.chat_id))
            await deliver(row)

        return send


def held_worker(rig: Rig, link: HeldLink) -> BroadcastWorker:
    return BroadcastWorker(
        rig.outbox,
        rig.news_items,
        link.carrying(rig.send),
        follows=FollowService(rig.follows, rig.outbox, Transaction(rig.db)),
        clock=link,
        rate=25,
        max_in_flight=8,
    )


async def test_sends_held_up_on_the_way_never_crowd_telegrams_second(tmp_path: Path) -> None:
    # A quarter of a second held at 25/s: seven sends arrive at once, and the next second has its own 25.
    link = HeldLink(1.99, 2.25)
    rig = await open_rig(tmp_path / "held.sqlite3", clock=link)
    await follow_and_publish(rig, list(range(4000, 4150)))
    await held_worker(rig, link).run_until_idle()
    assert rig.delivered() == Counter(range(4000, 4150))
    times = sorted(at for at, _ in link.arrivals)
    assert sum(t == link.hold_to for t in times) >= 6  # the hold-up happened
    # Telegram's 30 a second (the fake server's sliding window): any 31 arrivals span a second.
    crowded = [times[i] for i in range(len(times) - 30) if times[i + 30] - times[i] < 1.0 - 1e-9]
    assert not crowded, f"more than 30 arrivals in the second from {crowded[0] - times[0]:.2f} s"
    # Waiting out the crowded second costs the broadcast a fraction of a second, not its rate.
    assert 149 / (times[-1] - times[0]) >= 24.5
    await rig.db.close()


async def test_a_chat_s_next_send_waits_for_the_last_one_to_arrive(tmp_path: Path) -> None:
    # The first sends are held 0.22 s; their chats' second updates come round within a second.
    link = HeldLink(0.0, 0.22)
    rig = await open_rig(tmp_path / "held-chat.sqlite3", clock=link)
    chats = list(range(4200, 4220))
    await follow_and_publish(rig, chats, key="a")
    await follow_and_publish(rig, chats, key="b", slug="beta")
    await held_worker(rig, link).run_until_idle()
    assert rig.delivered() == Counter(dict.fromkeys(chats, 2))
    per_chat: dict[int, list[float]] = {}
    for at, chat in sorted(link.arrivals):
        per_chat.setdefault(chat, []).append(at)
    close = {c: b - a for c, (a, b) in per_chat.items() if b - a < 1.0 - 1e-9}
    assert not close, f"a chat's two updates arrived less than a second apart: {close}"
    await rig.db.close()


async def test_after_a_pause_sending_restarts_at_the_rate_without_a_burst(rig: Rig) -> None:
    await follow_and_publish(rig, list(range(3300, 3310)))
    rig.session.queue_result(
        SendMessage, ok=False, error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    await rig.worker(rate=25).run_until_idle()
    times = [at for at, _ in rig.attempts]
    assert times[1] - times[0] >= 3
    assert all(b - a >= 1 / 25 - 1e-6 for a, b in itertools.pairwise(times[1:]))


async def test_429_pauses_every_send_for_retry_after(rig: Rig) -> None:
    chats = [201, 202, 203, 204, 205]
    await follow_and_publish(rig, chats)
    rig.session.queue_result(
        SendMessage, ok=False, error_code=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    await rig.worker(rate=25).run_until_idle()
    first_try = rig.attempts[0][0]
    later = [at for at, _ in rig.attempts[1:]]
    assert all(at >= first_try + 7 for at in later), "a send went out during the pause"
    assert rig.delivered() == Counter(dict.fromkeys(chats, 1))
    rows = await rig.db.conn.execute_fetchall("SELECT attempts FROM deliveries WHERE chat_id = 201")
    assert rows[0][0] == 1  # the 429 cost no attempt


async def test_a_429_reaches_the_worker_through_the_production_session_middlewares(rig: Rig) -> None:
    # QuietRepliesMiddleware waits out a short 429 and sends again for a handler's reply; a
    # broadcast send's 429 must reach the worker, or the resend goes out unpaced and the
    # worker never pauses the others.
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    rig.bot.session.middleware(QuietRepliesMiddleware(sleep=sleep))
    chats = [211, 212, 213]
    await follow_and_publish(rig, chats)
    rig.session.queue_result(
        SendMessage, ok=False, error_code=429, description="Too Many Requests: retry after 3", retry_after=3
    )
    await rig.worker(rate=25).run_until_idle()
    assert slept == []
    first_try = rig.attempts[0][0]
    assert [chat for _, chat in rig.attempts].count(211) == 2  # tried again by the worker
    assert all(at >= first_try + 3 for at, _ in rig.attempts[1:]), "a send went out during the pause"
    assert rig.delivered() == Counter(dict.fromkeys(chats, 1))


async def test_403_marks_the_follower_inactive_without_retrying(rig: Rig) -> None:
    await follow_and_publish(rig, [301, 302])
    rig.session.queue_result(
        SendMessage, ok=False, error_code=403, description="Forbidden: bot was blocked by the user"
    )
    await rig.worker().run_until_idle()
    assert [chat for _, chat in rig.attempts].count(301) == 1
    statuses = await rig.statuses()
    assert statuses[301] == ("failed", "blocked") and statuses[302] == ("sent", None)
    inactive = await rig.db.conn.execute_fetchall("SELECT chat_id FROM follows WHERE inactive_at IS NOT NULL")
    assert [r[0] for r in inactive] == [301]
    # An inactive follower is not enqueued for the next update.
    await follow_and_publish(rig, [], key="next")
    rows = await rig.db.conn.execute_fetchall(
        "SELECT chat_id FROM deliveries d JOIN case_updates u ON u.id = d.update_id WHERE u.draft_key = 'next'"
    )
    assert [r[0] for r in rows] == [302]
    assert "blocked the bot 1" in rig.edits[-1][1] or "blocked the bot 1" in "".join(t for _, t in rig.edits)


async def test_400_chat_not_found_fails_the_row(rig: Rig) -> None:
    await follow_and_publish(rig, [401, 402])
    rig.session.queue_result(SendMessage, ok=False, error_code=400, description="Bad Request: chat not found")
    await rig.worker().run_until_idle()
    assert [chat for _, chat in rig.attempts].count(401) == 1
    statuses = await rig.statuses()
    assert statuses[401] == ("failed", "chat not found") and statuses[402] == ("sent", None)


async def test_5xx_retries_with_backoff_then_succeeds_or_gives_up(rig: Rig) -> None:
    await follow_and_publish(rig, [501])
    for _ in range(2):
        rig.session.queue_result(SendMessage, ok=False, error_code=502, description="Bad Gateway")
    await rig.worker(backoff_base=2.0).run_until_idle()
    times = [at for at, chat in rig.attempts if chat == 501]
    assert len(times) == 3 and rig.delivered()[501] == 1
    assert times[1] - times[0] >= 1.0 and times[2] - times[1] >= 2.0  # 1 s, then 2 s
    assert (await rig.statuses())[501] == ("sent", None)

    await follow_and_publish(rig, [502], key="again", slug="beta")
    for _ in range(5):
        rig.session.queue_result(SendMessage, ok=False, error_code=500, description="Internal Server Error")
    await rig.worker(max_attempts=5).run_until_idle()
    assert [chat for _, chat in rig.attempts].count(502) == 5
    status, reason = (await rig.statuses())[502]
    assert status == "failed" and reason is not None and reason.startswith("gave up")


async def test_a_migrated_chat_is_moved_and_retried_once(rig: Rig) -> None:
    await follow_and_publish(rig, [-601])
    rig.session.queue_result(
        SendMessage,
        ok=False,
        error_code=400,
        description="Bad Request: group chat was upgraded",
        migrate_to_chat_id=-100601,
    )
    await rig.worker().run_until_idle()
    assert rig.delivered() == Counter({-100601: 1})
    follows = await rig.db.conn.execute_fetchall("SELECT chat_id FROM follows")
    assert [r[0] for r in follows] == [-100601]
    assert (await rig.statuses())[-100601] == ("sent", None)


@pytest.mark.parametrize("in_flight", [1, 3])
async def test_crash_mid_broadcast_then_resume_sends_each_once_except_in_flight(
    tmp_path: Path, in_flight: int
) -> None:
    path = tmp_path / "crash.sqlite3"
    session = LocalSession()
    clock = FakeClock()
    first = await open_rig(path, session, clock)
    chats = list(range(700, 720))
    await follow_and_publish(first, chats)
    hung: list[int] = []
    stuck = asyncio.Event()
    never = asyncio.Event()

    async def send_then_hang(row: Delivery) -> None:
        await first.delivery.send(row)
        if len(first.delivered()) >= 8:  # from the 8th on: delivered, but the process "dies" before noting it
            hung.append(row.chat_id)
            if len(hung) == in_flight:
                stuck.set()
            await never.wait()

    worker = BroadcastWorker(
        first.outbox,
        first.news_items,
        send_then_hang,
        follows=FollowService(first.follows, first.outbox, Transaction(first.db)),
        clock=clock,
        max_in_flight=in_flight,
    )
    task = asyncio.create_task(worker.run_until_idle())
    await asyncio.wait_for(stuck.wait(), timeout=10)
    # The crash: everything stops where it is, nothing is settled.
    for pending in [task, *worker._in_flight]:
        pending.cancel()
    await asyncio.gather(task, *worker._in_flight, return_exceptions=True)
    left = await first.db.conn.execute_fetchall("SELECT COUNT(*) FROM deliveries WHERE status = 'sending'")
    assert left[0][0] == in_flight
    await first.db.close()
    session.listeners.clear()  # the dead process's bookkeeping ends here

    second = await open_rig(path, session, clock)
    restarted = second.worker(max_in_flight=in_flight)
    assert await restarted.resume() == in_flight
    await restarted.run_until_idle()
    delivered = first.delivered() + second.delivered()
    assert set(delivered) == set(chats), "somebody was missed"
    twice = {chat for chat, n in delivered.items() if n > 1}
    assert twice == set(hung) and len(twice) == in_flight
    assert all(n <= 2 for n in delivered.values())
    sent = await second.db.conn.execute_fetchall("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
    assert sent[0][0] == len(chats)
    # A third start sends nothing: 'sent' rows are never sent again.
    before = sum(second.delivered().values())
    third = second.worker()
    await third.resume()
    await third.run_until_idle()
    assert sum(second.delivered().values()) == before
    await second.db.close()


async def test_per_send_bookkeeping_does_not_grow_with_the_audience(tmp_path: Path) -> None:
    per_send = []
    for size in (20, 200):
        rig = await open_rig(tmp_path / f"o{size}.sqlite3")
        await follow_and_publish(rig, list(range(10_000, 10_000 + size)))
        statements: list[str] = []
        await rig.db.conn.set_trace_callback(statements.append)
        await rig.worker(rate=30).run_until_idle()
        await rig.db.conn.set_trace_callback(None)
        writes = [s for s in statements if s.lstrip().upper().startswith("UPDATE DELIVERIES")]
        assert len(writes) == 2 * size  # claim + settle, one row each
        per_send.append(len(statements) / size)
        await rig.db.close()
    assert per_send[1] <= per_send[0] + 0.5, per_send


async def test_progress_is_edited_at_most_every_few_seconds(rig: Rig) -> None:
    await follow_and_publish(rig, list(range(800, 900)))
    await rig.worker(rate=10, progress_interval=5.0).run_until_idle()
    times = [at for at, _ in rig.edits]
    assert len(times) >= 2
    progress = times[:-1]
    assert all(b - a >= 5.0 - 1e-6 for a, b in itertools.pairwise(progress))
    assert times[-1] - times[-2] >= 1.0 - 1e-6  # the final report too respects the chat's pace
    assert rig.edits[0][1].startswith("Sending… sent ") and "of 100" in rig.edits[0][1]
    assert rig.edits[-1][1].startswith("<b>Delivered:</b> sent 100 of 100")
