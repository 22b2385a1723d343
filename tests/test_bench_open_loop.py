"""The bench's open-loop load generator (tests/fake_telegram.py): Poisson arrivals, released on a clock.

The arrival times are checked by counting (their rate and their spread are a
Poisson process's); the release schedule on a fake clock, so nothing here waits
for time to pass; the ``/_bench/open`` route end to end with a minimal bot of
our own against the server in this event loop.
"""

from __future__ import annotations

import asyncio
import math
import statistics

import aiohttp

from tests.fake_telegram import FakeTelegram, poisson_arrivals, release_on_clock

RATE = 200.0


def test_arrivals_come_at_the_offered_rate() -> None:
    times = poisson_arrivals(RATE, 20_000, seed=7)
    assert times == sorted(times)
    # 20,000 arrivals at 200/s span ~100 s: the achieved rate within 2 % of the offered one.
    assert abs(len(times) / times[-1] - RATE) / RATE < 0.02


def test_arrivals_are_spread_as_a_poisson_process() -> None:
    times = poisson_arrivals(RATE, 20_000, seed=7)
    gaps = [b - a for a, b in zip([0.0, *times], times, strict=False)]
    mean = statistics.fmean(gaps)
    # Exponential gaps: P(gap < mean) = 1 − 1/e, and the standard deviation equals the mean.
    # Evenly spaced arrivals (a plain clock) would give 0 and 0, a burst 1 and far above 1.
    below = sum(1 for g in gaps if g < mean) / len(gaps)
    assert abs(below - (1 - 1 / math.e)) < 0.015
    assert abs(statistics.pstdev(gaps) / mean - 1) < 0.05
    # Arrivals per 0.1-s window: a Poisson count, its variance equal to its mean (~20).
    windows = [0] * int(times[-1] / 0.1)
    for t in times:
        if int(t / 0.1) < len(windows):
            windows[int(t / 0.1)] += 1
    assert abs(statistics.fmean(windows) - RATE * 0.1) < 0.5
    assert 0.9 < statistics.pvariance(windows) / statistics.fmean(windows) < 1.1


def test_arrivals_repeat_with_their_seed() -> None:
    assert poisson_arrivals(RATE, 100, seed=3) == poisson_arrivals(RATE, 100, seed=3)
    assert poisson_arrivals(RATE, 100, seed=3) != poisson_arrivals(RATE, 100, seed=4)


class FakeClock:
    """A monotonic clock that moves only when slept on; each sleep overshoots by ``late``."""

    def __init__(self, late: float = 0.0) -> None:
        self.now = 1_000.0
        self.late = late
        self.sleeps = 0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.now += seconds + self.late


async def test_updates_are_released_at_their_arrival_never_before() -> None:
    arrivals = poisson_arrivals(RATE, 2_000, seed=11)
    clock = FakeClock()
    released: list[tuple[int, float, float]] = []
    lags = await release_on_clock(
        arrivals, lambda i, at: released.append((i, at, clock())), clock, clock.sleep
    )
    assert [i for i, _, _ in released] == list(range(len(arrivals)))
    assert all(now >= at for _, at, now in released)
    # Scheduled from the start, not from the previous release: the clock ends at the last arrival.
    assert math.isclose(clock.now - 1_000.0, arrivals[-1], abs_tol=1e-9)
    assert all(
        math.isclose(at - 1_000.0, a, abs_tol=1e-9) for (_, at, _), a in zip(released, arrivals, strict=True)
    )
    assert max(lags) < 1e-9


async def test_a_late_clock_releases_what_is_due_together_and_reports_the_lag() -> None:
    # A loop that wakes 20 ms late (10 ms between arrivals here) must not slow the
    # offered rate down: what fell due meanwhile goes at once, each with its lag.
    arrivals = [0.01 * (i + 1) for i in range(100)]
    clock = FakeClock(late=0.02)
    released: list[float] = []
    lags = await release_on_clock(arrivals, lambda i, at: released.append(clock()), clock, clock.sleep)
    assert len(released) == 100
    assert clock.sleeps < 50  # batches, not one sleep per arrival
    assert max(lags) > 0.015
    assert clock.now - 1_000.0 < arrivals[-1] + 0.03  # the schedule kept, not stretched


async def test_open_route_measures_every_update_against_a_bot() -> None:
    """``/_bench/open`` end to end: 60 updates offered at 2,000/s to a bot that answers each
    with one sendMessage; every one completes, its latency counted, no extra calls."""
    api = FakeTelegram(shared=False, record=False)
    url = await api.start()
    token = "1:open"
    updates = [
        {"message": {"message_id": i, "date": 0, "chat": {"id": 500 + i, "type": "private"}, "text": "hi"}}
        for i in range(60)
    ]
    try:
        async with aiohttp.ClientSession() as http:

            async def bot() -> None:
                offset = 0
                answered = 0
                while answered < len(updates):
                    async with http.post(
                        f"{url}/bot{token}/getUpdates", json={"offset": offset, "timeout": 5}
                    ) as response:
                        got = (await response.json())["result"]
                    for update in got:
                        offset = update["update_id"] + 1
                        chat = update["message"]["chat"]["id"]
                        async with http.post(
                            f"{url}/bot{token}/sendMessage", json={"chat_id": chat, "text": "ok"}
                        ) as sent:
                            assert sent.status == 200
                        answered += 1

            async def load() -> dict:
                body = {
                    "token": token,
                    "updates": updates,
                    "rate": 2_000,
                    "seed": 1,
                    "calls_per_update": 1,
                    "warmup": 10,
                    "timeout": 30,
                }
                async with http.post(f"{url}/_bench/open", json=body) as response:
                    return await response.json()

            result, _ = await asyncio.gather(load(), bot())
    finally:
        await api.stop()
    assert result["released"] == result["completed"] == 60
    assert result["incomplete"] == 0 and result["extra_calls"] == 0
    assert result["calls"] == {"sendMessage": 60}
    assert len(result["latencies_ms"]) == 50
    assert result["offered_rate"] == 2_000
