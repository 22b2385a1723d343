"""The flood gate's memory follows the users active within a refill, and forgetting changes no answer."""

from __future__ import annotations

from bot.pipeline.flood import FIRST_SWEEP, FloodGate


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_buckets_of_readers_gone_quiet_are_swept_as_new_ones_come() -> None:
    clock = _Clock()
    gate = FloodGate(burst=5, rate=1.0, clock=clock)
    # 30,000 readers, 170 a second (a signing burst): about 850 of them within a refill (5 s).
    for user in range(30_000):
        clock.now += 1 / 170
        assert gate.allow(user)
    assert len(gate) <= 2 * max(FIRST_SWEEP, 5 * 170)


def test_a_throttled_reader_is_not_forgotten_and_a_rested_one_starts_afresh() -> None:
    clock = _Clock()
    gate = FloodGate(burst=2, rate=0.5, clock=clock, notice_interval=60.0)
    assert gate.allow(1) and gate.allow(1)
    assert not gate.allow(1)  # out of tokens
    assert gate.should_notify(1)
    for user in range(2, 5_000):  # many others pass by, each a moment later
        clock.now += 0.01
        gate.allow(user)
    # Still within the notice interval: the reader's bucket (and its notice) were kept.
    assert not gate.should_notify(1)
    clock.now += 100  # long rested: full again, as a reader never seen
    assert gate.allow(1) and gate.allow(1)
    assert not gate.allow(1)
