"""aiogram routers, one per user journey; ``fallback`` must stay last.

``questions`` takes any other text, so it comes after every router with commands
and just before ``fallback``, which still answers what is not text (stickers, photos).

Routers are built by factories, not at import, so that every Dispatcher (a
restart in a test, the console and the bot in one process) gets its own.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers import cases, common, fallback, questions, start, why


def routers() -> list[Router]:
    return [m.create_router() for m in (start, cases, why, common, questions, fallback)]
