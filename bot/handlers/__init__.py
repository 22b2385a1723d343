"""aiogram routers, one per user journey; ``fallback`` must stay last.

``errors`` holds the global error handler (``dp.errors``); ``membership`` the
bot's own membership changes (a user blocking the bot). ``questions`` takes any
other text, so it comes after every router with commands and dialogues and just
before ``fallback``, which still answers what is not text (stickers, photos).

Routers are built by factories, not at import, so that every Dispatcher (a
restart in a test, the console and the bot in one process) gets its own.

:func:`routers` also prepares them for speed (bot/handlers/routing.py): filters
run in the event loop, a button goes straight past the routers that cannot take
it, and so does a typed text: every router before ``questions`` sits under a
:class:`~bot.handlers.routing.PlainTextGate`, ``before-questions``, which plain
text (no command, no dialogue) passes with one test, so a name or a question
reaches ``questions`` past one router, not thirteen. Every other update meets
them in the same order as before.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    admin,
    cases,
    catalogue,
    common,
    errors,
    fallback,
    follow,
    groups,
    inline,
    membership,
    petition,
    privacy,
    questions,
    start,
    why,
)
from bot.handlers.routing import PlainTextGate, filters_in_the_loop, route_buttons_by_prefix


def routers() -> list[Router]:
    journeys = (
        errors,
        membership,
        groups,  # before every router that could reveal a signer in a group
        start,
        catalogue,
        cases,
        why,
        petition,
        follow,
        privacy,
        common,
        admin,
        inline,
        questions,
        fallback,
    )
    built = [m.create_router() for m in journeys]
    for router in built:
        filters_in_the_loop(router)
        route_buttons_by_prefix(router)
    *before, free_text, last = built
    assert (free_text.name, last.name) == ("questions", "fallback")
    return [PlainTextGate("before-questions", before), free_text, last]
