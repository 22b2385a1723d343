"""Prometheus metrics (prometheus-client), one registry per App, nothing global.

Counters and the latency histogram are updated as updates are handled; the
gauges that describe stored data (signatures per case, followers) are read
from the database when ``/metrics`` is scraped, so they are exact after a
restart. No label ever carries a user id, a name or a text.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from bot.storage.repositories import OperationsRepository

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Telegram handlers answer in milliseconds, except when the Bot API is slow.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter(
            "casebot_updates",
            "Updates handled, by kind and outcome (ok, unhandled, error, duplicate, throttled, too_large).",
            ("kind", "outcome"),
            registry=r,
        )
        self.latency = Histogram(
            "casebot_update_handling_seconds",
            "Time from an update's arrival in the Dispatcher to its handler's end.",
            ("kind",),
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.errors = Counter(
            "casebot_handler_errors", "Exceptions in handlers, by exception type.", ("error",), registry=r
        )
        self.signatures = Gauge(
            "casebot_signatures", "Signatures under each case's demand.", ("case",), registry=r
        )
        self.followers = Gauge("casebot_followers", "Chats following each case.", ("case",), registry=r)
        # Set by the broadcast outbox worker; zero until it runs.
        self.delivery_queue_depth = Gauge(
            "casebot_delivery_queue_depth", "News deliveries waiting in the outbox.", registry=r
        )
        self.delivery_failures = Counter(
            "casebot_delivery_failures", "News deliveries that failed for good.", ("reason",), registry=r
        )
        self.commits_refused = Counter(
            "casebot_commits_refused",
            "Writes the database refused (disk full, I/O error): nothing of them was stored.",
            registry=r,
        )
        self.flood_dropped = Counter(
            "casebot_flood_dropped", "Updates dropped by flood control.", ("kind",), registry=r
        )

    def observe_update(self, kind: str, outcome: str, seconds: float) -> None:
        self.updates.labels(kind=kind, outcome=outcome).inc()
        self.latency.labels(kind=kind).observe(seconds)

    async def refresh(self, operations: OperationsRepository) -> None:
        """Read the data-describing gauges from the database (at scrape time)."""
        for gauge, values in (
            (self.signatures, await operations.signatures_per_petition()),
            (self.followers, await operations.followers_per_case()),
        ):
            gauge.clear()
            for case, value in values.items():
                gauge.labels(case=case).set(value)

    def render(self) -> bytes:
        return generate_latest(self.registry)
