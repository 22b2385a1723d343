"""What :func:`bot.handlers.routers` does to the routers once built: cheaper dispatch, same routes.

**Filters in the loop.** aiogram calls a filter that is not a coroutine function —
every ``F.…`` magic filter, such as "in a private chat" — through
``asyncio.to_thread``: a thread-pool hand-off per check, two on every signature
and five on every question, each costing more than the check. Ours are attribute
comparisons, so they become plain awaitables.

**Buttons by prefix.** aiogram offers a button to each router in turn, and each
router tries each of its handlers' filters, unpacking the callback data once per
``CallbackData`` class: a dozen failed unpacks before the petition's handlers see
a signature. A router whose every button handler (its sub-routers' included)
requires a ``CallbackData`` gets one root filter, "the data starts with one of
these prefixes", so a button passes the others with one string test. It rejects
only what none of its handlers would take, so the route is the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery


def filters_in_the_loop(router: Router) -> None:
    """Every synchronous filter of the router (and its sub-routers) called in the event loop."""
    for observer in router.observers.values():
        filter_lists = [observer._handler.filters or []]  # the router-level .filter(...)
        filter_lists += [handler.filters or [] for handler in observer.handlers]
        for filters in filter_lists:
            for event_filter in filters:
                _in_the_loop(event_filter)
    for sub_router in router.sub_routers:
        filters_in_the_loop(sub_router)


def _in_the_loop(event_filter: FilterObject) -> None:
    if event_filter.awaitable:
        return
    check: Callable[..., Any] = event_filter.callback

    async def checked(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    called: Callable[..., Awaitable[Any]] = checked
    event_filter.callback = called
    event_filter.awaitable = True


class CallbackPrefix(Filter):
    """A button whose callback data starts with one of ``prefixes`` (each with its separator)."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        self.prefixes = prefixes

    async def __call__(self, query: CallbackQuery) -> bool:
        return query.data is not None and query.data.startswith(self.prefixes)


def route_buttons_by_prefix(router: Router) -> None:
    prefixes = button_prefixes(router)
    if prefixes:
        router.callback_query.filter(CallbackPrefix(tuple(sorted(prefixes))))


def button_prefixes(router: Router) -> set[str] | None:
    """The callback-data prefixes the router's button handlers take; None when one takes any button."""
    found: set[str] = set()
    for handler in router.callback_query.handlers:
        own = [
            f.callback.callback_data
            for f in handler.filters or []
            if isinstance(f.callback, CallbackQueryFilter)
        ]
        if not own:
            return None
        found.update(data.__prefix__ + data.__separator__ for data in own)
    for sub_router in router.sub_routers:
        below = button_prefixes(sub_router)
        if below is None:
            return None
        found |= below
    return found
