from __future__ import annotations

import pytest

from bot.text import MESSAGE_LIMIT, escape, split_message, telegram_html_error


def test_short_text_is_one_chunk() -> None:
    assert split_message("one\n\ntwo") == ["one\n\ntwo"]


def test_splits_on_paragraph_boundaries_and_keeps_every_paragraph() -> None:
    paragraphs = [f"paragraph {i} " + "word " * 150 for i in range(40)]
    chunks = split_message("\n\n".join(paragraphs))
    assert len(chunks) > 1
    assert all(len(c) <= MESSAGE_LIMIT for c in chunks)
    # No paragraph is cut: each chunk is a run of whole paragraphs.
    rejoined = [p for c in chunks for p in c.split("\n\n")]
    assert rejoined == [p.strip() for p in paragraphs]


def test_a_paragraph_over_the_limit_is_cut_on_spaces() -> None:
    giant = "word " * 3000
    chunks = split_message(giant)
    assert len(chunks) >= 4
    assert all(len(c) <= MESSAGE_LIMIT for c in chunks)
    assert " ".join(chunks).split() == giant.split()


def test_a_word_over_the_limit_is_cut_hard() -> None:
    chunks = split_message("x" * 10_000)
    assert [len(c) for c in chunks] == [4096, 4096, 1808]


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "<b>bold</b> &amp; <i>it</i>",
        '<a href="https://x.org/?a=1&amp;b=2">x</a>',
        escape("<script>&"),
    ],
)
def test_well_formed_html_passes(text: str) -> None:
    assert telegram_html_error(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a < b", "unescaped '<'"),
        ("Tom & Jerry", "unescaped '&'"),
        ("<b>open", "never closed"),
        ("<b><i>x</b></i>", "does not close"),
        ("<script>x</script>", "not allowed"),
    ],
)
def test_malformed_html_is_named(text: str, reason: str) -> None:
    problem = telegram_html_error(text)
    assert problem is not None and reason in problem
