"""Telegram-sized text: escaping and splitting long texts into messages."""

from __future__ import annotations

import html
import re
import unicodedata

# Telegram's limit for a message text, counted after entities are parsed; we count
# the raw HTML, which is never shorter, so a chunk under it is always accepted.
MESSAGE_LIMIT = 4096


def escape(value: str) -> str:
    """Text from a user or a case file, made safe for HTML parse mode."""
    return html.escape(value, quote=True)


# Every apostrophe people type (Oʻzbek, O'zbek, O‘zbek, O`zbek …): one list for the
# whole bot, so a name check, a search and the question matcher agree on what one is.
APOSTROPHES = "'ʻʼ‘’`´ʹ′"
_TO_ASCII_APOSTROPHE = str.maketrans({c: "'" for c in APOSTROPHES})


def fold(text: str) -> str:
    """Text reduced for matching what people type: Unicode form, case, ё/е and apostrophes."""
    return unicodedata.normalize("NFC", text).casefold().replace("ё", "е").translate(_TO_ASCII_APOSTROPHE)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split on paragraph boundaries into chunks of at most ``limit`` characters.

    A paragraph longer than the limit is split on line breaks, then on spaces,
    and only as the last resort mid-word, so no chunk is ever over the limit.
    Only call this on text whose HTML tags do not span paragraphs.
    """
    chunks: list[str] = []
    current = ""
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        for piece in _fit(paragraph, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _fit(paragraph: str, limit: int) -> list[str]:
    if len(paragraph) <= limit:
        return [paragraph]
    for separator in ("\n", " "):
        if separator in paragraph:
            pieces: list[str] = []
            current = ""
            for part in paragraph.split(separator):
                candidate = f"{current}{separator}{part}" if current else part
                if len(candidate) <= limit:
                    current = candidate
                    continue
                if current:
                    pieces.append(current)
                if len(part) <= limit:
                    current = part
                else:
                    pieces += _fit(part, limit)
                    current = ""
            if current:
                pieces.append(current)
            return pieces
    return [paragraph[i : i + limit] for i in range(0, len(paragraph), limit)]


# Telegram's HTML parse mode (core.telegram.org/bots/api#html-style): these tags and no others.
_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "tg-time",
    }
)
# A value in double or single quotes, or bare; a name alone is a flag (<blockquote expandable>).
_ATTRIBUTE = r"""\s+[a-zA-Z][a-zA-Z0-9_-]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))?"""
_HTML_TOKEN = re.compile(
    rf"<(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z-]*)(?P<attrs>(?:{_ATTRIBUTE})*)\s*>"
    r"|&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});"
)
_ATTRIBUTE_PARTS = re.compile(
    r"""(?P<name>[a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'<>=`]+)))?"""
)


def _attributes(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in _ATTRIBUTE_PARTS.finditer(raw):
        value = part.group("dq") if part.group("dq") is not None else part.group("sq")
        found[part.group("name").lower()] = value if value is not None else part.group("bare") or ""
    return found


def _opening_problem(tag: str, attributes: dict[str, str]) -> str | None:
    """What Telegram refuses in an allowed opening tag's attributes."""
    if tag == "span" and attributes.get("class") != "tg-spoiler":
        return '<span> without class="tg-spoiler"'
    if tag == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
        return "<tg-emoji> without a numeric emoji-id"
    if tag == "tg-time" and not attributes.get("unix", "").isdigit():
        return "<tg-time> without a numeric unix time"
    return None


def telegram_html_error(text: str) -> str | None:
    """Why Telegram would refuse ``text`` in HTML parse mode, or ``None`` if it is fine.

    Telegram accepts a small set of tags, attribute values in double or single
    quotes (or none, as in ``<blockquote expandable>``), four named entities and
    every numeric one, and no bare ``<``, ``>`` or ``&``; tags must nest properly.
    Entities nested where Telegram does not allow them (a link inside code) are
    not refused: Telegram drops the inner one and sends the message.
    """
    stack: list[str] = []
    position = 0
    for match in _HTML_TOKEN.finditer(text):
        stray = next((c for c in text[position : match.start()] if c in "<>&"), None)
        if stray:
            return f"unescaped {stray!r} at {text.index(stray, position)}"
        position = match.end()
        tag = match.group("tag")
        if tag is None:
            continue
        tag = tag.lower()
        if tag not in _ALLOWED_TAGS:
            return f"tag <{tag}> is not allowed"
        if match.group("close"):
            if not stack or stack.pop() != tag:
                return f"</{tag}> does not close an open <{tag}>"
        else:
            problem = _opening_problem(tag, _attributes(match.group("attrs")))
            if problem:
                return problem
            stack.append(tag)
    stray = next((c for c in text[position:] if c in "<>&"), None)
    if stray:
        return f"unescaped {stray!r}"
    if stack:
        return f"<{stack[-1]}> is never closed"
    return None
