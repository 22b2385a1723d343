"""RoutedDispatcher: the same route as aiogram's Dispatcher, fewer routers visited."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.config import LOCAL_TOKEN
from bot.handlers.routing import RoutedDispatcher, filters_in_the_loop, route_buttons_by_prefix
from bot.transport.local_session import LocalSession
from bot.ui.keyboards import CaseCb, CaseView

USER = User(id=7, is_bot=False, first_name="A")
CHAT = Chat(id=7, type="private")


def _looking(looked: list[str]) -> Any:
    """A filter factory: each filter notes its name when the event is offered to it, and passes."""

    def looking(name: str) -> Any:
        def check(event: Any) -> bool:
            looked.append(name)
            return True

        return check

    return looking


def _taking(took: list[str]) -> Any:
    """A handler factory: each handler notes its name when it takes the event."""

    def taking(name: str) -> Any:
        async def handler(event: Any) -> None:
            took.append(name)

        return handler

    return taking


def _build(dispatcher: Dispatcher, looked: list[str], took: list[str]) -> Dispatcher:
    looking, taking = _looking(looked), _taking(took)
    texts = Router(name="texts")
    texts.message.register(taking("texts"), F.text == "hi")
    texts.callback_query.filter(looking("texts-buttons"))  # no button handlers: never offered one
    cards = Router(name="cards")
    cards.message.filter(looking("cards-messages"))  # no message handlers: never offered one
    cards.callback_query.register(taking("cards"), CaseCb.filter(F.view == CaseView.card))
    route_buttons_by_prefix(cards)
    outer = Router(name="outer")
    inner = Router(name="inner")
    inner.callback_query.register(taking("inner"), F.data == "other")
    outer.include_router(inner)
    rest = Router(name="rest")
    rest.message.register(taking("rest-messages"), F.text == "bye")
    rest.callback_query.register(taking("rest-buttons"))
    dispatcher.include_routers(texts, cards, outer, rest)
    return dispatcher


def _updates() -> list[Update]:
    message = {"message_id": 1, "date": 0, "chat": CHAT, "from_user": USER}
    card = CaseCb(slug="x", view=CaseView.card).pack()
    buttons = [card, "other", "nothing:else", CaseCb(slug="x", view=CaseView.story).pack()]
    return [
        Update(update_id=1, message=Message(text="hi", **message)),
        Update(update_id=2, message=Message(text="bye", **message)),
        *(
            Update(
                update_id=3 + i,
                callback_query=CallbackQuery(id=str(i), from_user=USER, chat_instance="c", data=data),
            )
            for i, data in enumerate(buttons)
        ),
    ]


@pytest.mark.parametrize("kind", [Dispatcher, RoutedDispatcher])
async def test_each_event_takes_the_same_route(kind: type[Dispatcher]) -> None:
    looked: list[str] = []
    took: list[str] = []
    dispatcher = _build(kind(), looked, took)
    bot = Bot(LOCAL_TOKEN, session=LocalSession())
    for update in _updates():
        await dispatcher.feed_update(bot, update)
    assert took == ["texts", "rest-messages", "cards", "inner", "rest-buttons", "rest-buttons"]
    if kind is RoutedDispatcher:
        assert looked == []  # nor offered to a router without a handler for the kind
    else:
        assert looked  # aiogram's walk does offer it (the check can fail)


async def test_a_router_included_later_is_routed_to() -> None:
    took: list[str] = []
    dispatcher = _build(RoutedDispatcher(), [], took)
    bot = Bot(LOCAL_TOKEN, session=LocalSession())
    message = _updates()[1].model_copy(deep=True)
    await dispatcher.feed_update(bot, message)  # the routes for messages worked out
    late = Router(name="late")

    async def handler(event: Any) -> None:
        took.append("late")

    late.message.register(handler, F.text == "late")
    dispatcher.include_router(late)
    assert message.message is not None
    later = message.model_copy(update={"update_id": 9, "message": message.message.model_copy(update={"text": "late"})})
    await dispatcher.feed_update(bot, later)
    assert took == ["rest-messages", "late"]


class Flow(StatesGroup):
    step = State()


@pytest.mark.parametrize("kind", [Dispatcher, RoutedDispatcher])
async def test_plain_text_passes_command_and_dialogue_routers(kind: type[Dispatcher]) -> None:
    looked: list[str] = []
    took: list[str] = []
    looking, taking = _looking(looked), _taking(took)

    commands = Router(name="commands")
    commands.message.filter(looking("commands"))
    commands.message.register(taking("help"), Command("help"))
    commands.message.register(taking("bang"), Command("bang", prefix="!"))
    dialogue = Router(name="dialogue")
    dialogue.message.filter(looking("dialogue"))
    dialogue.message.register(taking("step"), StateFilter(Flow.step))
    anywhere = Router(name="anywhere")
    anywhere.message.register(taking("anywhere"), StateFilter("*"), F.text == "any")
    free = Router(name="free")
    free.message.register(taking("free"), StateFilter(None))
    routers = [commands, dialogue, anywhere, free]
    for router in routers:
        filters_in_the_loop(router)
    dispatcher = kind()
    dispatcher.include_routers(*routers)
    bot = Bot(LOCAL_TOKEN, session=LocalSession())
    base = {"message_id": 1, "date": 0, "chat": CHAT, "from_user": USER}
    for number, text in enumerate(["when?", " /help", "!bang", "any", "/nothing"]):
        await dispatcher.feed_update(bot, Update(update_id=number, message=Message(text=text, **base)))
    state = dispatcher.fsm.resolve_context(bot, CHAT.id, USER.id)
    await state.set_state(Flow.step)
    await dispatcher.feed_update(bot, Update(update_id=10, message=Message(text="my name", **base)))
    assert took == ["free", "help", "bang", "anywhere", "free", "step"]
    if kind is RoutedDispatcher:
        # "when?" and "any" visit neither; "/help", "!bang" and "/nothing" the commands only;
        # "my name", in a dialogue, both.
        assert looked == ["commands", "commands", "commands", "commands", "dialogue"]
    else:
        assert looked.count("dialogue") > 1


@pytest.mark.parametrize("kind", [Dispatcher, RoutedDispatcher])
async def test_a_router_with_an_outer_middleware_still_sees_what_it_saw(kind: type[Dispatcher]) -> None:
    seen: list[str] = []

    async def watching(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        seen.append(event.text if isinstance(event, Message) else event.data)
        return await handler(event, data)

    async def handler(event: Any) -> None:
        pass

    watched = Router(name="watched")
    watched.message.outer_middleware(watching)
    watched.message.register(handler, Command("help"))
    watched.callback_query.outer_middleware(watching)
    watched.callback_query.register(handler, CaseCb.filter(F.view == CaseView.card))
    route_buttons_by_prefix(watched)
    filters_in_the_loop(watched)
    dispatcher = kind()
    dispatcher.include_router(watched)
    bot = Bot(LOCAL_TOKEN, session=LocalSession())
    message = Message(message_id=1, date=0, chat=CHAT, from_user=USER, text="plain")
    query = CallbackQuery(id="1", from_user=USER, chat_instance="c", data="other")
    await dispatcher.feed_update(bot, Update(update_id=1, message=message))
    await dispatcher.feed_update(bot, Update(update_id=2, callback_query=query))
    assert seen == ["plain", "other"]
