"""Three webhook workers behind Caddy on one PostgreSQL and one Redis, as processes.

What the scale-out mode promises, checked end to end against the fake Bot API:
a burst of 3,000 signers with duplicate taps and the same update sent to two
workers at once; a worker SIGKILLed mid-burst; the broadcast sender killed;
/reload and a language change on worker 1 seen by worker 3 within a second; an
admin's /post dialogue whose steps land on different workers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import shutil
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.domain.records import NewsRecord
from bot.storage.pg import PgDatabase
from bot.storage.repositories import COUNT_PER_PETITION, FollowRepository
from bot.ui.keyboards import PetitionAction, PetitionCb
from tests.e2e.deployment import ADMIN, Deployment, Telegram, buttons, callback, message, sent_to
from tests.fake_telegram import ApiCall, FakeTelegram
from tests.news_tools import publisher

SIGN = PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack()


def _is_thanks(call: ApiCall) -> bool:
    return call.method == "sendMessage" and "signer No." in str(call.params.get("text", ""))


async def _signatures(pg_url: str) -> tuple[int, int]:
    conn = await asyncpg.connect(pg_url)
    try:
        rows = await conn.fetchval("SELECT COUNT(*) FROM signatures WHERE petition = 'alpha'")
        kept = await conn.fetchval(f"SELECT {COUNT_PER_PETITION} FROM petitions p WHERE p.slug = 'alpha'")
        return int(rows), int(kept or 0)
    finally:
        await conn.close()


@pytest.fixture
async def deployment(
    telegram: FakeTelegram, tmp_path: Path, pg_url: str, redis_url: str
) -> AsyncIterator[Deployment]:
    dep = Deployment(telegram, pg_url, redis_url, tmp_path, extra_env={"BROADCAST_RATE": "25"})
    await dep.start()
    try:
        yield dep
    finally:
        codes = await dep.stop()
        assert all(code == 0 for code in codes), codes


async def test_3000_signers_duplicates_copies_then_reload_language_and_a_post_across_workers(
    deployment: Deployment, telegram: FakeTelegram, pg_url: str
) -> None:
    users = range(200_001, 203_001)
    firsts = {u: callback(u, SIGN) for u in users}
    retaps = [callback(u, SIGN) for u in users if u % 10 == 0]
    started = time.monotonic()
    async with Telegram(in_flight=100) as tg:
        jobs = []
        for n, update in enumerate(firsts.values()):
            if n % 25 == 0:  # Telegram's retry reaching another worker while the first still works
                jobs.append(asyncio.gather(tg.once(deployment.worker_url(0), update),
                                           tg.once(deployment.worker_url(1), update)))
            else:
                jobs.append(tg.deliver(deployment.url, update))
        jobs += [tg.deliver(deployment.url, update) for update in retaps]
        results = await asyncio.gather(*jobs)
    elapsed = time.monotonic() - started
    twins = [r for r in results if isinstance(r, list)]
    assert all(statuses == [200, 200] for statuses in twins), twins[:5]

    rows, kept = await _signatures(pg_url)
    assert rows == kept == len(users)
    thanked = Counter(int(c.params["chat_id"]) for c in telegram.calls if _is_thanks(c))
    assert set(thanked) == set(users) and max(thanked.values()) == 1, "a signer thanked twice or never"
    replies = Counter(int(c.params["chat_id"]) for c in telegram.calls if c.method == "sendMessage")
    # One reply per update: the thanks, and "already signed" for each second tap; none for copies.
    assert sum(replies.values()) == len(users) + len(retaps)
    # Every worker took its share of the round-robin.
    for index in range(3):
        assert '"event": "update"' in deployment.log(index).read_text()
    print(f"\nscale-out burst: {len(users) + len(retaps) + len(twins)} updates in {elapsed:.1f} s "
          f"({(len(users) + len(retaps)) / elapsed:.0f}/s) on 3 workers")
    # The same deployment, on: what one worker changes, another sees; a dialogue spread over them.
    await _reload_and_language_on_worker_1_reach_worker_3_within_a_second(deployment, telegram)
    await _an_admins_post_dialogue_goes_on_whichever_worker_gets_each_step(deployment, telegram, pg_url)


async def test_a_worker_killed_mid_burst_then_the_broadcast_sender_killed(
    deployment: Deployment, telegram: FakeTelegram, pg_url: str
) -> None:
    """SIGKILL of a worker while signers sign through all three; then of the one sending news."""
    leader = deployment.leader()
    assert leader is not None
    victim = (leader + 1) % 3
    signers = range(300_001, 300_401)
    async with Telegram(in_flight=100) as tg:
        burst = asyncio.gather(*(tg.deliver(deployment.url, callback(u, SIGN)) for u in signers))
        await telegram.wait_count(_is_thanks, 100, timeout=120)
        await deployment.kill(victim)
        thanked_at_kill = {int(c.params["chat_id"]) for c in telegram.calls if _is_thanks(c)}
        await burst  # Caddy sends the rest, and Telegram's retries, to the two left
    rows, kept = await _signatures(pg_url)
    assert rows == kept == len(signers), "a signature lost or doubled"
    thanked = Counter(int(c.params["chat_id"]) for c in telegram.calls if _is_thanks(c))
    assert thanked_at_kill <= set(thanked) and max(thanked.values()) == 1

    followers = list(range(400_001, 400_401))
    db = await PgDatabase.open(pg_url)
    try:
        follows = FollowRepository(db)
        for chat in followers:
            await follows.follow(chat, "alpha", "en")
        await publisher(db).publish_item(
            NewsRecord(
                slug="alpha", kind="news", texts={"en": "Scale-out news"}, fallback="en", stage=None,
                stage_date=None, announced=True, author_id=ADMIN, author_locale="en", draft_key="so-1",
                at=dt.datetime.now(dt.UTC),
            )
        )
    finally:
        await db.close()

    def is_news(call: ApiCall) -> bool:
        return call.method == "sendMessage" and "Scale-out news" in str(call.params.get("text", ""))

    await telegram.wait_count(is_news, 180, timeout=60)
    await deployment.kill(leader)
    killed_at = time.monotonic()
    deadline = time.monotonic() + 120
    while {int(c.params["chat_id"]) for c in telegram.calls if is_news(c)} != set(followers):
        assert time.monotonic() < deadline, "a follower was missed"
        await telegram.wait_count(is_news, sum(map(is_news, telegram.calls)) + 1, timeout=120)
    news = [c for c in telegram.calls if is_news(c)]
    got = Counter(int(c.params["chat_id"]) for c in news)
    duplicates = sum(n - 1 for n in got.values())
    assert duplicates <= 8, f"{duplicates} sent twice: more than the sends in flight"
    before = [c.at for c in news if c.at < killed_at]
    after = [c.at for c in news if c.at >= killed_at]
    takeover = after[0] - killed_at
    assert takeover < 10, f"no sender for {takeover:.1f} s"
    rates = [(len(w) - 1) / (w[-1] - w[0]) for w in (before, after)]
    gaps = [[b - a for a, b in itertools.pairwise(w)] for w in (before, after)]
    starved = [sum(g > 0.08 for g in w) for w in gaps]
    print(f"\nkills: worker {victim} mid-burst, then sender {leader} after {len(before)} sends; next send "
          f"{takeover:.1f} s later, {duplicates} duplicate(s); rates {rates[0]:.3f} and {rates[1]:.3f}/s for 25 "
          f"over {before[-1] - before[0]:.2f} and {after[-1] - after[0]:.2f} s; longest gaps "
          f"{max(gaps[0]) * 1000:.0f} and {max(gaps[1]) * 1000:.0f} ms; gaps over two intervals "
          f"{starved[0]} and {starved[1]}")
    # Within 1 % of BROADCAST_RATE, never above it. Measured: at a load average of 5 on two
    # cores the longest gap is 50-60 ms and both rates are 25.00 ± 0.02/s. At 10, a sender
    # starved of CPU wakes up to 106 ms late (18 gaps over 60 ms in 180 sends) and loses
    # ~2 % of its time: a wake-up more than an interval late is not made up, since making
    # it up would put more than BROADCAST_RATE sends in some second (bot/domain/broadcast.py,
    # Pacer). A window with such a starved wake-up (a gap over two intervals) is held to 5 %.
    for rate, late in zip(rates, starved, strict=True):
        floor = 0.95 if late else 0.99
        assert 25 * floor <= rate <= 25 * 1.01, f"{rate:.2f}/s while a sender was alive, not 25"


async def _reload_and_language_on_worker_1_reach_worker_3_within_a_second(
    deployment: Deployment, telegram: FakeTelegram
) -> None:
    reader = 500_001
    first, third = deployment.worker_url(0), deployment.worker_url(2)
    async with Telegram() as tg:
        assert await tg.once(third, message(reader, "/help")) == 200
        english = sent_to(telegram.calls, reader)[-1].params["text"]
        assert await tg.once(first, message(reader, "/language")) == 200
        [menu] = sent_to(telegram.calls, reader)[-1:]
        assert await tg.once(first, callback(reader, buttons(menu)["Русский"])) == 200
        changed = time.monotonic()
        while True:
            assert await tg.once(third, message(reader, "/help")) == 200
            if sent_to(telegram.calls, reader)[-1].params["text"] != english:
                break
            assert time.monotonic() - changed < 1.0, "language not seen by worker 3 within 1 s"
        language_seen = time.monotonic() - changed
        assert "/cases" in sent_to(telegram.calls, reader)[-1].params["text"]

        shutil.rmtree(deployment.cases / "beta")
        assert await tg.once(first, message(ADMIN, "/reload")) == 200
        assert "No longer listed: beta" in str(sent_to(telegram.calls, ADMIN)[-1].params["text"])
        reloaded = time.monotonic()
        while True:
            assert await tg.once(third, message(reader + 1, "/start beta")) == 200
            if str(sent_to(telegram.calls, reader + 1)[-1].params["text"]).startswith("There is no such case"):
                break
            assert time.monotonic() - reloaded < 1.0, "/reload not seen by worker 3 within 1 s"
            await asyncio.sleep(0.02)
        reload_seen = time.monotonic() - reloaded
    print(f"\nseen on worker 3: language after {language_seen * 1000:.0f} ms, reload after {reload_seen * 1000:.0f} ms")


async def _an_admins_post_dialogue_goes_on_whichever_worker_gets_each_step(
    deployment: Deployment, telegram: FakeTelegram, pg_url: str
) -> None:
    async def press(tg: Telegram, label: str) -> None:
        for call in reversed(sent_to(telegram.calls, ADMIN)):
            found = [data for text, data in buttons(call).items() if label in text]
            if found:
                update = callback(ADMIN, found[0])
                steps.append(update["update_id"])
                await tg.deliver(deployment.url, update)
                return
        raise AssertionError(f"no {label!r} button shown to the admin")

    steps: list[int] = []

    async def say(tg: Telegram, text: str) -> None:
        update = message(ADMIN, text)
        steps.append(update["update_id"])
        await tg.deliver(deployment.url, update)

    async with Telegram() as tg:
        await say(tg, "/post alpha")
        await say(tg, "Суд назначил апелляцию на 5 марта.")
        await press(tg, "Skip")
        await say(tg, "The court set the appeal for 5 March.")
        await press(tg, "Russian")
        await press(tg, "Publish")
    conn = await asyncpg.connect(pg_url)
    try:
        assert await conn.fetchval("SELECT COUNT(*) FROM case_updates") == 1
        assert await conn.fetchval("SELECT text_ru FROM case_updates") == "Суд назначил апелляцию на 5 марта."
        assert await conn.fetchval("SELECT COUNT(*) FROM fsm_states") == 0
    finally:
        await conn.close()
    # Round-robin: the dialogue's steps were handled by more than one worker.
    workers = {
        i for i in range(3) for step in steps if f'"update_id": {step}' in deployment.log(i).read_text()
    }
    assert len(workers) >= 2, workers
