"""The idempotency middleware's memory of updates answered in full: bounded, first in first out."""

from __future__ import annotations

from bot.pipeline.middlewares import AnsweredUpdates


def test_the_last_kept_updates_are_remembered_and_older_ones_forgotten() -> None:
    answered = AnsweredUpdates(kept=3)
    for update_id in (10, 11, 12, 13):
        answered.add((1, update_id))
    assert (1, 10) not in answered  # the oldest, gone when the fourth came
    assert all((1, u) in answered for u in (11, 12, 13))
    assert len(answered) == 3


def test_bots_are_kept_apart_and_share_the_bound() -> None:
    answered = AnsweredUpdates(kept=2)
    answered.add((1, 5))
    answered.add((2, 5))
    assert (1, 5) in answered and (2, 5) in answered and (3, 5) not in answered
    answered.add((2, 6))
    assert (1, 5) not in answered and (2, 5) in answered and (2, 6) in answered


def test_an_update_added_twice_counts_once() -> None:
    answered = AnsweredUpdates(kept=2)
    answered.add((1, 5))
    answered.add((1, 5))
    answered.add((1, 6))
    assert (1, 5) in answered and (1, 6) in answered and len(answered) == 2
