"""Telegram's HTML parse mode as the fakes judge it, written apart from bot/text.py.

The bot checks admins' texts with ``bot.text.telegram_html_error``; if the
tests judged the bot's messages with that same function, a rule it gets wrong
would be wrong on both sides and never show. So the fake Bot API and the
recording session use this one: the standard library's HTML tokenizer, and the
rules as core.telegram.org/bots/api#html-style states them —

- only the tags listed there; ``<span>`` only as ``class="tg-spoiler"``;
  ``<tg-emoji>`` needs ``emoji-id``, ``<tg-time>`` needs ``unix``;
- every ``<``, ``>`` and ``&`` outside a tag or an entity is escaped; of the
  named entities only ``&lt; &gt; &amp; &quot;``, numeric ones all;
- each end tag closes the innermost open tag, and every tag is closed.

Attribute values may be in double quotes, single quotes, or none
(``<blockquote expandable>``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "tg-emoji", "tg-time", "code", "pre", "blockquote",
}  # fmt: skip
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}
# The tokenizer also takes "&amp" without its semicolon; Telegram's rules do not.
_AMPERSAND = re.compile(r"&(?![a-zA-Z]+;|#[0-9]+;|#[xX][0-9a-fA-F]+;)")


class Refused(Exception):
    pass


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            raise Refused(f"unsupported start tag <{tag}>")
        given = dict(attrs)
        if tag == "span" and given.get("class") != "tg-spoiler":
            raise Refused('<span> must have class "tg-spoiler"')
        if tag == "tg-emoji" and not (given.get("emoji-id") or "").isdigit():
            raise Refused("<tg-emoji> needs a custom emoji identifier")
        if tag == "tg-time" and not (given.get("unix") or "").isdigit():
            raise Refused("<tg-time> needs a unix time")
        self.open.append((tag, given))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise Refused(f"self-closing <{tag}/> is not Telegram HTML")

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            raise Refused(f"end tag </{tag}> with nothing open")
        expected = self.open.pop()[0]
        if expected != tag:
            raise Refused(f"unmatched end tag: expected </{expected}>, found </{tag}>")

    def handle_data(self, data: str) -> None:
        for character in "<>&":
            if character in data:
                raise Refused(f"{character!r} must be written as an entity")

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            raise Refused(f"unsupported entity &{name};")

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        except ValueError:
            raise Refused(f"malformed entity &#{name};") from None
        if not 0 < code <= 0x10FFFF:
            raise Refused(f"entity &#{name}; is no character")

    def handle_comment(self, data: str) -> None:
        raise Refused("comments are not Telegram HTML")

    def handle_decl(self, decl: str) -> None:
        raise Refused("declarations are not Telegram HTML")

    def handle_pi(self, data: str) -> None:
        raise Refused("processing instructions are not Telegram HTML")

    def unknown_decl(self, data: str) -> None:
        raise Refused("declarations are not Telegram HTML")


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse ``text`` with ``parse_mode=HTML``, or None."""
    bare = _AMPERSAND.search(text)
    if bare is not None:
        return f"'&' at {bare.start()} must be written as an entity"
    parser = _TelegramHtml()
    try:
        parser.feed(text)
        parser.close()  # what is left unparsed (a tag cut short) comes out as data
    except Refused as refused:
        return str(refused)
    if parser.open:
        return f"<{parser.open[-1][0]}> is never closed"
    return None
