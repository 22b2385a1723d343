"""Flood control: a token bucket per user, and at most one notice per interval. No aiogram here.

A user may send ``burst`` updates at once and ``rate`` per second after that;
what comes faster is dropped. The clock is injected (monotonic seconds), so
tests step time instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

NOTICE_INTERVAL = 60.0
# Buckets of users who went quiet are forgotten past this many, so memory stays bounded.
MAX_TRACKED = 50_000
# Before that, refilled buckets are swept out whenever the count has doubled since the
# last sweep (from this many on): memory follows the users active within a refill, not
# everyone seen since the start (27,000 readers of a bench run held 5 MB).
FIRST_SWEEP = 1_024


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    noticed: float | None = None


class FloodGate:
    def __init__(
        self,
        burst: int,
        rate: float,
        clock: Callable[[], float],
        notice_interval: float = NOTICE_INTERVAL,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        if burst < 1 or rate <= 0:
            raise ValueError("burst must be at least 1 and rate positive")
        self._burst = float(burst)
        self._rate = rate
        self._clock = clock
        self._notice_interval = notice_interval
        self._max_tracked = max_tracked
        self._buckets: dict[int, _Bucket] = {}
        self._next_sweep = min(FIRST_SWEEP, max_tracked)

    def allow(self, user_id: int) -> bool:
        """Take one token for this user's update; False when there is none."""
        now = self._clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self._next_sweep:
                self._forget_idle(now)
            bucket = self._buckets[user_id] = _Bucket(tokens=self._burst, updated=now)
        else:
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
            bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True
        return False

    def should_notify(self, user_id: int) -> bool:
        """Whether a dropped update deserves the polite notice (once per interval per user)."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            return False
        now = self._clock()
        if bucket.noticed is not None and now - bucket.noticed < self._notice_interval:
            return False
        bucket.noticed = now
        return True

    def _forget_idle(self, now: float) -> None:
        # A bucket that has refilled completely is indistinguishable from a new one.
        refill = self._burst / self._rate
        idle = [
            uid
            for uid, b in self._buckets.items()
            if now - b.updated >= refill and (b.noticed is None or now - b.noticed >= self._notice_interval)
        ]
        for uid in idle:
            del self._buckets[uid]
        if len(self._buckets) >= self._max_tracked:
            # Everyone is active at once: forgetting the oldest is still better than growing.
            oldest = sorted(self._buckets, key=lambda uid: self._buckets[uid].updated)
            for uid in oldest[: len(oldest) // 2]:
                del self._buckets[uid]
        # Amortised: each sweep walks at most twice the buckets added since the last one.
        self._next_sweep = min(self._max_tracked, max(FIRST_SWEEP, 2 * len(self._buckets)))

    def __len__(self) -> int:
        return len(self._buckets)
