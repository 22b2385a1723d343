"""aiogram routers, one per user journey; ``fallback`` must stay last.

``errors`` holds the global error handler (``dp.errors``); ``membership`` the
bot's own membership changes (a user blocking the bot). ``questions`` takes any
other text, so it comes after every router with commands and dialogues and just
before ``fallback``, which still answers what is not text (stickers, photos).

Routers are built by factories, not at import, so that every Dispatcher (a
restart in a test, the console and the bot in one process) gets its own.

:func:`routers` also prepares them for speed (bot/handlers/routing.py): filters
run in the event loop, a button goes straight past the routers that cannot take
it, and so does a typed text: every router before ``questions`` sits under one,
``before-questions``, whose root filter plain text (no command, no dialogue)
fails, so a name or a question reaches ``questions`` past one router, not
thirteen. Nesting keeps the order in which aiogram offers an update to them.
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
from bot.handlers.routing import filters_in_the_loop, route_buttons_by_prefix, route_messages_by_command


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
        route_messages_by_command(router)
    *before, free_text, last = built
    assert (free_text.name, last.name) == ("questions", "fallback")
    gate = Router(name="before-questions")
    gate.include_routers(*before)
    route_buttons_by_prefix(gate)
    route_messages_by_command(gate)
    return [gate, free_text, last]
