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

**Messages by command.** Likewise a typed text (a name, a question) was offered
to every router before ``questions``, each trying its commands on it — a dozen
failed command parses and a dozen router visits (each costing aiogram a
middleware wrap and copies of the update's data) per name typed. Those routers
sit under one :class:`PlainTextGate` (bot/handlers/__init__.py): every message
handler under it requires a command or a dialogue state, so a message whose text
begins with no command prefix, outside any dialogue, passes all of them with one
string test. Every other update goes to them as if they were not nested, at the
cost of one loop, not one more router visit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Command, Filter, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject


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


class CommandOrDialogue(Filter):
    """A message whose text (or caption) may be a command — its first word begins with one of
    ``prefixes``, as :class:`aiogram.filters.Command` reads it — or that comes inside a dialogue."""

    def __init__(self, prefixes: frozenset[str]) -> None:
        self.prefixes = prefixes

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        if raw_state is not None:
            return True
        text = message.text or message.caption
        return bool(text) and text.lstrip()[:1] in self.prefixes


class PlainTextGate(Router):
    """Routers nested under one that a plain-text message passes by with one test.

    It holds no handlers, filters or middlewares of its own (its observers are never
    consulted): a message that may be a command, or comes inside a dialogue, and
    every other kind of update are offered to its routers in their order, exactly
    as if each had been included beside the gate.
    """

    def __init__(self, name: str, routers: list[Router]) -> None:
        super().__init__(name=name)
        self.include_routers(*routers)
        prefixes = command_prefixes(self)
        if not prefixes:
            raise ValueError(f"{name}: a router under the gate takes text that is no command")
        self.command_or_dialogue = CommandOrDialogue(frozenset(prefixes))

    async def propagate_event(self, update_type: str, event: TelegramObject, **kwargs: Any) -> Any:
        if update_type == "message" and not await self.command_or_dialogue(
            event,  # type: ignore[arg-type]  # a "message" update's event is a Message
            kwargs.get("raw_state"),
        ):
            return UNHANDLED
        for router in self.sub_routers:
            response = await router.propagate_event(update_type=update_type, event=event, **kwargs)
            if response is not UNHANDLED:
                return response
        return UNHANDLED


def command_prefixes(router: Router) -> set[str] | None:
    """The command prefixes (``/``) the router's message handlers need unless inside a dialogue;
    None when one may take a message that is neither a command nor in a dialogue."""
    found: set[str] = set()
    for handler in router.message.handlers:
        filters = [f.callback for f in handler.filters or []]
        commands = [f for f in filters if isinstance(f, Command)]
        if commands:
            found.update(*(command.prefix for command in commands))
        elif not any(_needs_a_state(f) for f in filters):
            return None
    for sub_router in router.sub_routers:
        below = command_prefixes(sub_router)
        if below is None:
            return None
        found |= below
    return found


def _needs_a_state(event_filter: object) -> bool:
    """A StateFilter that no chat outside a dialogue (no state) passes."""
    if not isinstance(event_filter, StateFilter):
        return False
    for state in event_filter.states:
        if isinstance(state, State) and state.state not in (None, "*"):
            continue
        if isinstance(state, StatesGroup) or (isinstance(state, type) and issubclass(state, StatesGroup)):
            continue
        return False
    return True
