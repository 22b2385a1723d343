"""What a bench run measures and with how much: the full and the quick configuration, shared constants."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SIGNATURE_KEY = "bench-signature-key-" + "7" * 32
NOISE_LIMIT = 0.20  # cores other processes may use before a repetition is flagged
BROADCAST_RATE = 25.0  # production's default BROADCAST_RATE, what the real-rate run is held to
SCALED_TOKEN = "6100003:bench-broadcast-scaled-token"
BROADCAST_ADMIN = 777_000_001  # the admin who publishes; never a follower
NEWS_TEXTS = {
    "ru": "Апелляционный суд назначил рассмотрение жалобы на <b>5 марта</b>.",
    "uz": "Apellyatsiya sudi shikoyatni koʻrib chiqishni <b>5-mart</b>ga belgiladi.",
    "en": "The appeal court has set the hearing of the appeal for <b>5 March</b>.",
}
WORKER_IN_FLIGHT = 8  # BroadcastWorker's max_in_flight: sends under way at any moment
STEADY_AFTER = 5.0  # seconds: the real-rate run's rate is also given without its first seconds


@dataclass(frozen=True)
class Config:
    reps: int
    seq_n: int
    flight_n: int
    warmup: int
    burst_users: int
    burst_concurrent_dupes: int  # users who tap twice at once
    burst_late_dupes: int  # users who come back after signing
    seed_signatures: int
    seed_followers: int
    startup_cases: int
    dispatch_n: int
    # A path's run stops releasing updates after this long (a slow path on a busy
    # machine must not push `make bench` past 10 minutes); the burst has no limit.
    seq_seconds: float
    flight_seconds: float
    # Each costs an aiogram import (~6 s of CPU here); the quick run does without.
    measure_startup: bool
    measure_dispatch: bool
    # Broadcast: the time-scaled run's followers (in a database of its own; the
    # real-rate run uses the seed_followers of the main one) and how long the
    # real-rate run (BROADCAST_RATE=25 against Telegram's limits) is watched.
    broadcast_followers: int
    broadcast_seconds: float
    # At today's ~100 signatures/s a 10,000-user burst takes ~2 minutes, so a full
    # run makes it once (in the last repetition) to stay under 10 minutes.
    burst_reps: int = 1
    # The broadcast runs take over a minute (the 60-s window, the time-scaled run
    # inside it and a little after): once per run, in the last repetition, likewise.
    broadcast_reps: int = 1
    # Telegram's flood limits: sends a second overall, seconds between sends to one chat.
    broadcast_limits: tuple[float, float] = (30.0, 1.0)
    scaled_rate: float = 1000.0
    scaled_limits: tuple[float, float] = (1200.0, 0.0)
    scaled_block: int = 1000  # sends per block timed for the O(1) check
    concurrency: int = 100
    # Open loop: each path offered half its own 100-in-flight throughput for this long
    # (Poisson arrivals), then its ceiling (E or E(cb)) at the same rate and arrivals.
    open_seconds: float = 3.0
    open_warmup: int = 20
    open_share: float = 0.5


FULL = Config(
    reps=3,
    seq_n=800,
    flight_n=4000,
    warmup=100,
    burst_users=10_000,
    burst_concurrent_dupes=1_000,
    burst_late_dupes=500,
    seed_signatures=100_000,
    seed_followers=20_000,
    startup_cases=50,
    dispatch_n=200,
    seq_seconds=2.0,
    flight_seconds=4.0,
    measure_startup=True,
    measure_dispatch=True,
    broadcast_followers=20_000,
    broadcast_seconds=60.0,
)
QUICK = Config(
    reps=1,
    seq_n=300,
    flight_n=1000,
    warmup=40,
    burst_users=200,
    burst_concurrent_dupes=20,
    burst_late_dupes=10,
    seed_signatures=100_000,
    seed_followers=20_000,
    startup_cases=50,
    dispatch_n=100,
    seq_seconds=1.0,
    flight_seconds=2.0,
    measure_startup=False,
    measure_dispatch=False,
    broadcast_followers=1_000,
    broadcast_seconds=5.0,
    scaled_block=100,
    open_seconds=1.5,
)
