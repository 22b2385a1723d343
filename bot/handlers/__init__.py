"""aiogram routers, one per user journey; ``fallback`` must stay last.

Routers are built by factories, not at import, so that every Dispatcher (a
restart in a test, the console and the bot in one process) gets its own.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers import admin, cases, common, fallback, follow, inline, petition, privacy, start, why


def routers() -> list[Router]:
    journeys = (start, cases, why, petition, follow, privacy, common, admin, inline, fallback)
    return [m.create_router() for m in journeys]
