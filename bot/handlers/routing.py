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

**Only routers that could take it.** :class:`RoutedDispatcher` (built by
``create_dispatcher``) does not offer an event to a router without a handler
for its kind, nor a button to a router whose prefixes it lacks, nor text outside
a dialogue to a router whose every message handler wants a command (the text
does not begin with its prefix) or a dialogue state: each offer costs aiogram a
middleware wrapping and several copies of the workflow data, and a question
passed eight such routers before the one that takes free text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isclass
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command, Filter, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject

Observer = TelegramEventObserver
Route = tuple[Router, tuple[str, ...] | None, Observer | None, str | None]


def filters_in_the_loop(router: Router) -> None:
    """Every synchronous filter of the router (and its sub-routers) called in the event loop."""
    for observer in router.observers.values():
        filter_lists = [observer._handler.filters or []]  # the router-level .filter(...)
        filter_lists += [handler.filters or [] for handler in observer.handlers]
        for filters in filter_lists:
            for event_filter in filters:
                _in_the_loop(event_filter)
                _command_by_its_first_character(event_filter)
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


def _command_by_its_first_character(event_filter: FilterObject) -> None:
    """A command filter that turns text away at once when it does not begin with the prefix.

    aiogram's ``Command`` splits the text, builds a command object and raises and catches
    an exception to say no; a question passes a dozen of them before the router that
    takes free text. Its first test is the first non-blank character against the
    prefixes (``extract_command``, then ``validate_prefix``), so that test alone, made
    first, says the same no.
    """
    command = event_filter.callback
    if not isinstance(command, Command):
        return
    prefixes = command.prefix

    async def checked(*args: Any, **kwargs: Any) -> Any:
        message = args[0] if args else None
        if isinstance(message, Message):
            text = (message.text or message.caption or "").lstrip()
            if not text or text[0] not in prefixes:
                return False
        return await command(*args, **kwargs)

    checked.command = command  # type: ignore[attr-defined]  # for RoutedDispatcher's plain-text test
    called: Callable[..., Awaitable[Any]] = checked
    event_filter.callback = called


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


class RoutedDispatcher(Dispatcher):
    """A Dispatcher that offers an event only to the routers that could take it.

    aiogram offers every event to each router in turn, and each visit costs
    more than its check: the observer's outer middlewares wrapped anew, the
    whole workflow data copied as keyword arguments three or four times, the
    root filters awaited. Most routers cannot take most events — no handler
    for the kind at all (a button passing ``start``), or a button whose data
    lacks every prefix the router takes. Those are skipped here, so a card's
    button visits one router instead of six; the order of the others, their
    filters and middlewares are aiogram's, so the route is the same.

    The routes are worked out per event kind at its first event and again when
    a router is included; routers are complete before polling starts.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per event kind: each router that may take it, its button prefixes (None: any
        # event), its observer of the kind and, for messages, the first characters of the
        # commands it takes when it takes nothing else outside a dialogue (None: it may).
        self._routes: dict[str, list[Route]] = {}

    def include_router(self, router: Router) -> Router:
        self._routes.clear()
        return super().include_router(router)

    async def propagate_event(self, update_type: str, event: TelegramObject, **kwargs: Any) -> Any:
        observer = self.observers.get(update_type)
        if observer is None or observer.outer_middleware:
            return await super().propagate_event(update_type, event, **kwargs)
        # Router.propagate_event less wrapping no middleware at all.
        kwargs["event_router"] = self
        return await self._propagate_event(observer, update_type, event, **kwargs)

    async def _propagate_event(
        self,
        observer: TelegramEventObserver | None,
        update_type: str,
        event: TelegramObject,
        **kwargs: Any,
    ) -> Any:
        if observer is not None and (observer.handlers or observer._handler.filters):
            # Handlers or filters on the Dispatcher itself: aiogram's own walk.
            return await super()._propagate_event(observer, update_type, event, **kwargs)
        routes = self._routes.get(update_type)
        if routes is None:
            routes = self._routes[update_type] = [
                (
                    router,
                    # Skipped by what the event says only where no outer middleware would
                    # have run for it (aiogram runs a router's before its root filters).
                    _callback_prefixes(router)
                    if update_type == "callback_query" and not router.callback_query.outer_middleware
                    else None,
                    router.observers.get(update_type),
                    _commands_only(router) if update_type == "message" and not _any_outer(router) else None,
                )
                for router in self.sub_routers
                if _may_take(router, update_type)
            ]
        button = event.data if isinstance(event, CallbackQuery) else None
        # A message outside any dialogue: its first character says which command routers may take it.
        first = None
        if isinstance(event, Message) and kwargs.get("raw_state") is None:
            first = (event.text or event.caption or "").lstrip()[:1]
        for router, prefixes, seen_by, commands in routes:
            if prefixes is not None and (button is None or not button.startswith(prefixes)):
                continue  # the router's own root filter would reject it
            if first is not None and commands is not None and (not first or first not in commands):
                continue  # every handler wants a command, or a dialogue under way
            if seen_by is None or seen_by.outer_middleware:
                response = await router.propagate_event(update_type=update_type, event=event, **kwargs)
            else:  # what propagate_event does, less wrapping no middleware at all
                data_here = {**kwargs, "event_router": router}
                response = await router._propagate_event(seen_by, update_type, event, **data_here)
            if response is not UNHANDLED:
                return response
        return UNHANDLED


def _may_take(router: Router, update_type: str) -> bool:
    """The router or one below it has a handler or an outer middleware for the event kind."""
    observer = router.observers.get(update_type)
    if observer is not None and (observer.handlers or observer.outer_middleware):
        return True
    return any(_may_take(sub_router, update_type) for sub_router in router.sub_routers)


def _any_outer(router: Router) -> bool:
    """Whether the router or one below it has an outer middleware for messages."""
    return bool(router.message.outer_middleware) or any(_any_outer(r) for r in router.sub_routers)


def _commands_only(router: Router) -> str | None:
    """The prefixes of the commands the router (and those below it) takes, when every one of
    its message handlers wants a command or a dialogue state; None when one may take other text.
    """
    prefixes = ""
    for handler in router.message.handlers:
        wanted = ""
        for event_filter in handler.filters or []:
            command = getattr(event_filter.callback, "command", None)
            if isinstance(command, Command):
                wanted = command.prefix or "\0"  # no prefix: the command never matches
                break
            if isinstance(event_filter.callback, StateFilter) and not _takes_no_state(event_filter.callback):
                wanted = "\0"  # outside a dialogue nothing starts with it
                break
        if not wanted:
            return None
        prefixes += wanted
    for sub_router in router.sub_routers:
        below = _commands_only(sub_router)
        if below is None:
            return None
        prefixes += below
    return prefixes


def _takes_no_state(state_filter: StateFilter) -> bool:
    """Whether the filter lets a message through outside any dialogue (no state set)."""
    for allowed in state_filter.states:
        if allowed is None or allowed == "*":
            return True
        if isinstance(allowed, State):
            if allowed.state in (None, "*"):
                return True
        elif isinstance(allowed, StatesGroup) or (isclass(allowed) and issubclass(allowed, StatesGroup)):
            names = allowed.__all_states_names__
            if None in names or "*" in names or any(str(n).endswith(":*") for n in names):
                return True
        elif not isinstance(allowed, str):
            return True  # something else: it may
    return False


def _callback_prefixes(router: Router) -> tuple[str, ...] | None:
    """The prefixes of the router's own CallbackPrefix root filter, if it has one."""
    for event_filter in router.callback_query._handler.filters or []:
        if isinstance(event_filter.callback, CallbackPrefix):
            return event_filter.callback.prefixes
    return None
