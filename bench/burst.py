"""The signing burst: distinct users with many in flight, double taps, returning signers; exact counts."""

from __future__ import annotations

from typing import Any

from bench.config import OUT
from bench.loop import BenchCore
from bench.paths import SLUG, user_paths
from bench.setup_data import petition_counts


class Burst(BenchCore):
    def burst(self, rep: int) -> dict[str, Any]:
        """Distinct users signing with 100 in flight, some tapping twice at once, some coming back."""
        c = self.config
        path = next(p for p in user_paths() if p.name == "sign")
        base = 50_000_000 + rep * 1_000_000
        users: list[int] = []
        for i in range(c.burst_users):
            users.append(base + i)
            if i % max(1, c.burst_users // c.burst_concurrent_dupes) == 0:
                users.append(base + i)  # the double tap: both in flight together
        users += [base + i for i in range(0, c.burst_late_dupes)]
        before = petition_counts(OUT / "main.sqlite3", SLUG)
        result = self.closed_loop(
            "casebot", "burst", self.updates(path, users), c.concurrency, path.calls_per_update, 0
        )
        after = petition_counts(OUT / "main.sqlite3", SLUG)
        result.update(
            users=c.burst_users,
            updates=len(users),
            duplicates=len(users) - c.burst_users,
            count_before=before,
            count_after=after,
            exact=after[0] == after[1] == before[0] + c.burst_users,
        )
        if not result["exact"]:
            self.checks.append(f"burst: count {before} → {after}, expected +{c.burst_users}")
        return result
