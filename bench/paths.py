"""The user paths the benchmark drives, as raw Bot API updates (no aiogram here).

A path is a name, an update factory ``(user_id, seq) -> update dict``, the
number of API calls the bot makes for one update (the fake server counts them
to know the update is done) and the handler the bot's update log must name,
so a path that silently fell through to the fallback fails the run instead of
measuring the wrong thing.

Adding a path is one :class:`UserPath` in :func:`user_paths`. Paths that other
issues are building are listed in :data:`PENDING_PATHS` until they exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SLUG = "khamroev"
ARGUMENT = "posts"  # the first "why" argument: the one most readers press
LOCALES = ("ru", "uz", "en")

Update = dict[str, Any]


def user(user_id: int) -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": "Reader",
        "language_code": LOCALES[user_id % len(LOCALES)],
    }


def message(user_id: int, seq: int, text: str) -> Update:
    body: dict[str, Any] = {
        "message_id": seq,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Reader"},
        "from": user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": body}


def callback(user_id: int, seq: int, data: str) -> Update:
    """A button press on a message the bot sent earlier; the id starts with the chat (see fake_server)."""
    return {
        "callback_query": {
            "id": f"{user_id}-{seq}",
            "from": user(user_id),
            "chat_instance": "bench",
            "data": data,
            "message": {
                "message_id": 500_000 + seq,
                "date": int(time.time()) - 60,
                "chat": {"id": user_id, "type": "private", "first_name": "Reader"},
                "from": {"id": 4242, "is_bot": True, "first_name": "casebot"},
                "text": "the screen the button was on",
            },
        }
    }


@dataclass(frozen=True)
class UserPath:
    name: str
    title: str
    build: Callable[[int, int], Update]
    calls_per_update: int
    handler: str
    # "pool": readers who come back (their locale is cached after the first visit);
    # "fresh": a new user per update (signing), "signed": users the sign path signed.
    users: str = "pool"


def echo_path() -> UserPath:
    """Ceiling E: the same kind of update a reader sends, answered with one message."""
    return UserPath("echo", "E: bare aiogram echo", lambda u, s: message(u, s, "/start"), 1, "echo")


def echo_callback_path() -> UserPath:
    """E(cb): the barest answer to a button — ``answerCallbackQuery`` and one edit."""
    return UserPath(
        "echo_callback", "E(cb): bare aiogram answer + edit", lambda u, s: callback(u, s, "echo"), 2, "echo"
    )


def is_callback(path: UserPath) -> bool:
    return "callback_query" in path.build(1, 1)


def user_paths() -> list[UserPath]:
    # Callback data as bot/ui/keyboards.py packs it: CaseCb "c:<view>:<slug>",
    # ArgumentCb "a:<slug>:<arg>", PetitionCb "p:<action>:<slug>:<via>".
    return [
        UserPath("start", "/start", lambda u, s: message(u, s, "/start"), 1, "start.start"),
        UserPath(
            "card",
            "open a case card",
            lambda u, s: callback(u, s, f"c:card:{SLUG}"),
            2,  # answerCallbackQuery + editMessageText
            "cases.card",
        ),
        UserPath(
            "why_argument",
            "a why-argument button",
            lambda u, s: callback(u, s, f"a:{SLUG}:{ARGUMENT}"),
            2,
            "why.argument",
        ),
        UserPath(
            "sign",
            "sign (confirm button → insert → reply)",
            lambda u, s: callback(u, s, f"p:anon:{SLUG}:"),
            2,  # answerCallbackQuery + sendMessage (thanks)
            "petition.sign_anonymously",
            users="fresh",
        ),
        UserPath(
            "withdraw",
            "withdraw (confirm → delete → reply)",
            lambda u, s: callback(u, s, f"p:withdrawyes:{SLUG}:"),
            2,  # answerCallbackQuery + editMessageText
            "petition.withdraw_confirmed",
            users="signed",
        ),
        UserPath(
            "question",
            "a free-text question (matched, answered from the case file)",
            lambda u, s: message(u, s, "what is he accused of?"),
            1,  # sendMessage (the stored answer)
            "questions.ask",
        ),
    ]


# Paths that exist in the issue but not yet in the bot; reported as pending, never faked.
PENDING_PATHS: dict[str, str] = {}
