"""The two statements sent with BEGIN and COMMIT have their values written in (a statement
sent with another takes no parameters): only times, worker ids and reply notes may be."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.storage.repositories import ProcessedUpdateRepository, ReplyNote

AT = dt.datetime(2026, 12, 1, 4, 0, 0, 123456, tzinfo=dt.UTC)
HOSTILE = ("x'; DELETE FROM signatures; --", "a\\'b", "signed:альфа", "a b", "$1")


def test_the_claim_writes_in_its_time_and_worker() -> None:
    sql = ProcessedUpdateRepository.claim_statement(42, 7, AT, AT - dt.timedelta(days=3), "0a1b2c")
    assert "VALUES (42, 7, '2026-12-01T04:00:00.123456+00:00', '0a1b2c')" in sql
    assert "processed_at < '2026-11-28T04:00:00.123456+00:00'" in sql
    assert "VALUES (42, 7, '2026-12-01T04:00:00.123456+00:00', NULL)" in (
        ProcessedUpdateRepository.claim_statement(42, 7, AT, AT, None)
    )


@pytest.mark.parametrize("value", HOSTILE)
def test_nothing_else_is_written_into_a_statement(value: str) -> None:
    with pytest.raises(ValueError):
        ProcessedUpdateRepository.claim_statement(42, 7, AT, AT, value)
    assert ProcessedUpdateRepository.reply_statement(42, 7, value) is None  # sent with parameters


def test_every_reply_note_can_be_written_in() -> None:
    for note in ReplyNote:
        sql = ProcessedUpdateRepository.reply_statement(42, 7, note.of("some-case_2"))
        assert sql == (
            f"UPDATE processed_updates SET reply = '{note.value}:some-case_2' "
            "WHERE bot_id = 42 AND update_id = 7"
        )
