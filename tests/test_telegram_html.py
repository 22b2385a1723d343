"""The bot's HTML checker and the fakes' own rules, against Telegram's documented examples.

The examples are those of core.telegram.org/bots/api#html-style (every tag it
lists, nested entities, a language for <pre>, the expandable quotation); the
refusals follow its notes. Both judges must agree on each: the bot must not
refuse an admin's text Telegram would send, and the fakes must not pass a
message Telegram would refuse.
"""

from __future__ import annotations

import pytest

from bot.text import telegram_html_error
from tests.telegram_html import html_problem
from tests.telegram_limits import html_shape

TELEGRAM_EXAMPLES = [
    "<b>bold</b>, <strong>bold</strong>",
    "<i>italic</i>, <em>italic</em>",
    "<u>underline</u>, <ins>underline</ins>",
    "<s>strikethrough</s>, <strike>strikethrough</strike>, <del>strikethrough</del>",
    '<span class="tg-spoiler">spoiler</span>, <tg-spoiler>spoiler</tg-spoiler>',
    '<b>bold <i>italic bold <s>italic bold strikethrough <span class="tg-spoiler">italic bold '
    "strikethrough spoiler</span></s> <u>underline italic bold</u></i> bold</b>",
    '<a href="http://www.example.com/">inline URL</a>',
    '<a href="tg://user?id=123456789">inline mention of a user</a>',
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    '<tg-time unix="1647531900" format="wDT">22:45 tomorrow</tg-time>',
    '<tg-time unix="1647531900">22:45 tomorrow</tg-time>',
    "<code>inline fixed-width code</code>",
    "<pre>pre-formatted fixed-width code block</pre>",
    '<pre><code class="language-python">pre-formatted fixed-width code block written in the '
    "Python programming language</code></pre>",
    "<blockquote>Block quotation started\nBlock quotation continued\nThe last line of the block "
    "quotation</blockquote>",
    "<blockquote expandable>Expandable block quotation started\nExpandable block quotation "
    "continued\nHidden by default part of the block quotation started\nThe last line of the "
    "block quotation</blockquote>",
]

# What the notes under the examples allow besides: single quotes, every numeric entity,
# the four named ones, upper-case tag names, spaces before '>'.
ALSO_ACCEPTED = [
    "<a href='https://example.org/?a=1&amp;b=2'>single quotes</a>",
    "<BLOCKQUOTE EXPANDABLE>shouting</BLOCKQUOTE>",
    "&lt;b&gt; is how bold starts; &quot;quoted&quot; &amp; &#128077; &#x1F44D;",
    "<b >spaced</b >",
    # Nesting Telegram resolves itself (a link inside code is dropped, the message sent).
    '<code><a href="https://example.org">x</a></code>',
    "<b><tg-spoiler>nested <i>three</i> deep</tg-spoiler></b>",
]

REFUSED = [
    ("a < b", "<"),
    ("a > b", ">"),
    ("Tom & Jerry", "&"),
    ("x &nbsp; y", "nbsp"),
    ("<b>open", "never closed"),
    ("<b><i>x</b></i>", "</"),
    ("<script>x</script>", "script"),
    ("<span>no class</span>", "tg-spoiler"),
    ('<tg-emoji emoji-id="">👍</tg-emoji>', "emoji"),
]


@pytest.mark.parametrize("text", TELEGRAM_EXAMPLES + ALSO_ACCEPTED)
def test_what_telegram_accepts_passes_both_judges(text: str) -> None:
    assert telegram_html_error(text) is None
    assert html_problem(text) is None


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_what_telegram_refuses_fails_both_judges(text: str, reason: str) -> None:
    bots = telegram_html_error(text)
    fakes = html_problem(text)
    assert bots is not None and fakes is not None
    assert reason in bots or reason in fakes


def test_every_example_in_the_documentation_is_covered() -> None:
    tags = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
            "tg-emoji", "tg-time", "code", "pre", "blockquote"}  # fmt: skip
    written = " ".join(TELEGRAM_EXAMPLES)
    assert all(f"<{tag}" in written for tag in tags)


# The fake server judges a text by its shape (tests/telegram_limits.py: digits outside tags and
# entities made 0), so every signer's count does not cost a parse: the verdict must not move.
SHAPED = [
    "Signatures: <b>1 234</b> of 5000, 17 %",
    "&#1; &#x1F44D; &#128077;9 and 9&#0;",
    "x &#1 2; y", "1 < 2", "3 > 2", "4 & 5", "&amp9;", "a&b1;c",
    '<tg-emoji emoji-id="5>123">9</tg-emoji>', '<tg-time unix="1>2">3</tg-time>',
    '<a href=">" 5>6</a>', '<span class="tg-1">2</span>', "<b1>2</b1>", "<b>3", "7 <!-- 8 -->",
    '<tg-emoji emoji-id="5368324170671202286">👍 1</tg-emoji>', "<b>٣ 3</b>", "<i>9</i",
]


@pytest.mark.parametrize("text", SHAPED + TELEGRAM_EXAMPLES + ALSO_ACCEPTED + [t for t, _ in REFUSED])
def test_a_text_and_its_shape_have_one_verdict(text: str) -> None:
    shaped = html_shape(text)
    assert len(shaped) == len(text)
    assert html_problem(shaped) == html_problem(text)


def test_the_shape_keeps_the_digits_of_tags_and_entities() -> None:
    assert html_shape("Signatures: <b>1 234</b>.") == "Signatures: <b>0 000</b>."
    assert html_shape("<b>12</b>") == html_shape("<b>99</b>")
    assert html_shape("&#1; <tg-time unix=\"19\">5</tg-time>") == "&#1; <tg-time unix=\"19\">0</tg-time>"
