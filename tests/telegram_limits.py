"""What Telegram refuses, checked on every call the bot makes in the tests.

Both fakes use it: the recording session of the Dispatcher tests (tests/tools.py)
and the fake Bot API server of the end-to-end tests (tests/fake_telegram.py), so
a keyboard of 302 buttons, a 65-byte callback or HTML Telegram cannot parse
fails a test as it would fail in production. The HTML rules are the tests' own
(tests/telegram_html.py), not the bot's checker.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from tests.telegram_html import html_problem

MESSAGE_LIMIT = 4096
CALLBACK_ANSWER_LIMIT = 200
MAX_BUTTONS = 100
MAX_ROW = 8
CALLBACK_DATA_BYTES = 64
INLINE_RESULTS = 50
INLINE_OFFSET_BYTES = 64


# Both judge their input alone, so a text or keyboard sent again (every signer's keyboard is
# the same) is judged once: the fake server must stay cheaper than the bot it measures.
_judged_html = lru_cache(maxsize=4096)(html_problem)
# A tag or an entity from its '<' to its '>' (or the end), from its '&' to its ';' (or a break),
# or one digit 1-9 outside them.
_MARKUP_OR_DIGIT = re.compile(r"<[^>]*>?|&[^\s<>&;]*;?|[1-9]")


def _zero_digit(found: re.Match[str]) -> str:
    text = found.group()
    return "0" if len(text) == 1 and text in "123456789" else text


def html_shape(text: str) -> str:
    """``text`` with each digit outside tags and entities made 0: the same verdict.

    The parser treats only '<', '>' and '&' specially in text; a tag's digits (names,
    attributes, emoji and time ids) and an entity's (``&#128077;``) stay as written,
    and a value read after a quoted '>' is only ever tested for being digits, which
    0 keeps. The length is kept, so a position in a verdict stays true. A message
    that differs only in a number (every signer's count) is parsed once.
    """
    return _MARKUP_OR_DIGIT.sub(_zero_digit, text) if any(d in text for d in "123456789") else text


def _html_problem(text: str) -> str | None:
    return _judged_html(html_shape(text))


@lru_cache(maxsize=1024)
def _markup_text_problem(markup: str) -> str | None:
    return _markup_problem(json.loads(markup))


def _markup_problem(markup: Any) -> str | None:
    if isinstance(markup, str):
        return _markup_text_problem(markup)
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    buttons = [button for row in rows for button in row]
    if len(buttons) > MAX_BUTTONS:
        return f"{len(buttons)} buttons, Telegram allows {MAX_BUTTONS}"
    if any(len(row) > MAX_ROW for row in rows):
        return f"a row of more than {MAX_ROW} buttons"
    for button in buttons:
        data = button.get("callback_data")
        if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_BYTES:
            return f"callback data of {len(data.encode())} bytes: {data!r}"
    return None


def problem(method: str, params: dict[str, Any]) -> str | None:
    """Why Telegram would answer this call with 400 Bad Request, or None."""
    name = method.lower()
    if name in ("sendmessage", "editmessagetext"):
        text = params.get("text") or ""
        if not 1 <= len(text) <= MESSAGE_LIMIT:
            return f"message text of {len(text)} characters"
    if str(params.get("parse_mode") or "").upper() == "HTML":
        for field in ("text", "caption"):
            found = _html_problem(params[field]) if isinstance(params.get(field), str) else None
            if found:
                return f"can't parse entities: {found}"
    if name == "answercallbackquery" and len(params.get("text") or "") > CALLBACK_ANSWER_LIMIT:
        return "callback answer over 200 characters"
    if name == "answerinlinequery":
        results = params.get("results") or []
        if isinstance(results, str):
            results = json.loads(results)
        if len(results) > INLINE_RESULTS:
            return f"{len(results)} inline results, Telegram allows {INLINE_RESULTS}"
        if len(str(params.get("next_offset") or "").encode()) > INLINE_OFFSET_BYTES:
            return "next_offset over 64 bytes"
        for result in results:
            found = _markup_problem(result.get("reply_markup"))
            if found:
                return found
    return _markup_problem(params.get("reply_markup"))


def method_problem(method: Any) -> str | None:
    """:func:`problem` for an aiogram method object (the recording session's calls)."""
    params: dict[str, Any] = {}
    for key in ("text", "caption", "next_offset"):
        value = getattr(method, key, None)
        if isinstance(value, str):
            params[key] = value
    mode = getattr(method, "parse_mode", None)
    if mode is not None:  # None asks for plain text; unset (a Default) is the bot's: HTML
        params["parse_mode"] = mode if isinstance(mode, str) else "HTML"
    params["reply_markup"] = _markup(getattr(method, "reply_markup", None))
    results = getattr(method, "results", None)
    if isinstance(results, list):
        params["results"] = [{"reply_markup": _markup(getattr(r, "reply_markup", None))} for r in results]
    return problem(type(method).__name__, params)


def _markup(markup: Any) -> dict[str, Any] | None:
    if isinstance(markup, InlineKeyboardMarkup):
        return markup.model_dump(exclude_none=True)
    return None
