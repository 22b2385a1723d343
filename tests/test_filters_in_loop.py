"""How the routers are prepared for dispatch (bot/handlers/routing.py): no filter or handler
runs through a thread (aiogram hands every synchronous callable to ``asyncio.to_thread``,
a pool hand-off costing more than the check), and buttons pass routers by prefix."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import F, Router
from aiogram.types import Chat, Message

from bot.handlers import routers


def _all(router: Router) -> list[Router]:
    return [router, *(r for sub in router.sub_routers for r in _all(sub))]


def test_every_filter_and_handler_is_awaited_in_the_loop() -> None:
    threaded: list[str] = []
    for top in routers():
        for router in _all(top):
            for name, observer in router.observers.items():
                for event_filter in observer._handler.filters or []:
                    if not event_filter.awaitable:
                        threaded.append(f"{router.name}.{name} router filter {event_filter.callback!r}")
                for handler in observer.handlers:
                    if not handler.awaitable:
                        threaded.append(f"{router.name}.{name} handler {handler.callback!r}")
                    for event_filter in handler.filters or []:
                        if not event_filter.awaitable:
                            threaded.append(f"{router.name}.{name} filter {event_filter.callback!r}")
    assert threaded == []


async def test_a_magic_filter_still_decides_and_runs_in_the_loop(monkeypatch: Any) -> None:
    from bot.handlers.routing import filters_in_the_loop

    router = Router()
    router.message.filter(F.chat.type == "private")
    filters_in_the_loop(router)

    def no_threads(*_: Any, **__: Any) -> Any:
        raise AssertionError("a filter went to a thread")

    monkeypatch.setattr(asyncio, "to_thread", no_threads)
    [private_chat] = router.message._handler.filters or []
    message = Message.model_validate(
        {"message_id": 1, "date": 0, "chat": Chat(id=1, type="private"), "text": "hi"}
    )
    group = message.model_copy(update={"chat": Chat(id=-1, type="group")})
    assert await private_chat.call(message)
    assert not await private_chat.call(group)


def test_a_button_router_is_passed_by_prefix_and_takes_what_its_handlers_take() -> None:
    from aiogram.filters.callback_data import CallbackData

    from bot.handlers.routing import CallbackPrefix, button_prefixes, route_buttons_by_prefix

    class Alpha(CallbackData, prefix="al"):
        n: int

    class Beta(CallbackData, prefix="be"):
        n: int

    async def handler() -> None:
        pass

    only_buttons = Router()
    only_buttons.callback_query.register(handler, Alpha.filter())
    below = Router()
    below.callback_query.register(handler, Beta.filter(F.n == 1))
    only_buttons.include_router(below)
    assert button_prefixes(only_buttons) == {"al:", "be:"}
    route_buttons_by_prefix(only_buttons)
    [root] = only_buttons.callback_query._handler.filters or []
    assert isinstance(root.callback, CallbackPrefix)

    catch_all = Router()
    catch_all.callback_query.register(handler, Alpha.filter())
    catch_all.callback_query.register(handler)  # any button, e.g. a stale one
    assert button_prefixes(catch_all) is None
    route_buttons_by_prefix(catch_all)
    assert not catch_all.callback_query._handler.filters


def test_the_petition_and_card_routers_are_passed_by_prefix() -> None:
    from bot.handlers.routing import CallbackPrefix

    prefixed = {
        router.name: f.callback.prefixes
        for top in routers()
        for router in _all(top)
        for f in router.callback_query._handler.filters or []
        if isinstance(f.callback, CallbackPrefix)
    }
    assert prefixed["petition"] == ("p:",)
    assert prefixed["cases"] == ("c:",)
    assert "fallback" not in prefixed  # it answers stale and forged buttons, whatever their data


def _message(text: str | None, caption: str | None = None, chat_type: str = "private") -> Message:
    return Message.model_validate(
        {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": chat_type},
            "from": {"id": 1, "is_bot": False, "first_name": "R"},
            "text": text,
            "caption": caption,
        }
    )


async def test_plain_text_passes_the_gate_and_commands_and_dialogues_go_in() -> None:
    from aiogram.filters import Command, StateFilter
    from aiogram.fsm.state import State, StatesGroup

    from bot.handlers.routing import PlainTextGate, command_prefixes

    class Dialogue(StatesGroup):
        typing = State()

    async def handler() -> None:
        pass

    commands = Router()
    commands.message.register(handler, Command("sign"))
    below = Router()
    below.message.register(handler, StateFilter(Dialogue.typing), F.text)
    below.message.register(handler, Command("go", prefix="!/"))
    commands.include_router(below)
    assert command_prefixes(commands) == {"/", "!"}
    gate = PlainTextGate("gate", [commands, Router()])
    check = gate.command_or_dialogue
    assert await check(_message("/sign"))
    assert await check(_message("  !go now"))
    assert await check(_message(None, caption="/sign"))  # aiogram's Command reads captions too
    assert not await check(_message("Khamroev"))
    assert not await check(_message("   "))
    assert not await check(_message(None))
    assert await check(_message("Khamroev"), raw_state="Dialogue:typing")

    for takes_any_text in (
        (F.text,),  # a free-text handler
        (StateFilter(None), F.text),  # outside any dialogue
        (StateFilter("*"),),
    ):
        catch_all = Router()
        catch_all.message.register(handler, Command("sign"))
        catch_all.message.register(handler, *takes_any_text)
        assert command_prefixes(catch_all) is None
        with pytest.raises(ValueError):
            PlainTextGate("gate", [catch_all])


async def test_the_gate_offers_updates_in_the_same_order_and_keeps_plain_text_out() -> None:
    from aiogram import Bot, Dispatcher
    from aiogram.filters import Command, StateFilter
    from aiogram.fsm.state import State, StatesGroup
    from aiogram.fsm.storage.base import StorageKey
    from aiogram.types import Update

    from bot.handlers.routing import PlainTextGate

    class Dialogue(StatesGroup):
        typing = State()

    seen: list[str] = []

    def recorder(name: str) -> Any:
        async def record(event: object) -> None:
            seen.append(name)

        return record

    first, second, free = Router(name="first"), Router(name="second"), Router(name="free")
    first.message.register(recorder("first.sign"), Command("sign"))
    first.callback_query.register(recorder("first.button"), F.data == "x")
    second.message.register(recorder("second.sign"), Command("sign"))  # shadowed by first
    second.message.register(recorder("second.typed"), StateFilter(Dialogue.typing))
    second.callback_query.register(recorder("second.button"))
    free.message.register(recorder("free.text"))
    free.callback_query.register(recorder("free.button"))
    dp = Dispatcher()
    dp.include_routers(PlainTextGate("gate", [first, second]), free)
    bot = Bot("42:TEST")

    async def feed(update_id: int, **event: Any) -> None:
        await dp.feed_update(bot, Update.model_validate({"update_id": update_id, **event}))

    def msg(text: str) -> dict[str, Any]:
        return {"message": _message(text).model_dump(exclude_none=True)}

    user = {"id": 1, "is_bot": False, "first_name": "R"}
    await feed(1, **msg("/sign"))
    await feed(2, **msg("Khamroev"))
    await feed(3, callback_query={"id": "1", "from": user, "chat_instance": "c", "data": "x"})
    await feed(4, callback_query={"id": "2", "from": user, "chat_instance": "c", "data": "y"})
    await dp.storage.set_state(StorageKey(bot_id=42, chat_id=1, user_id=1), Dialogue.typing)
    await feed(5, **msg("Khamroev"))
    assert seen == ["first.sign", "free.text", "first.button", "second.button", "second.typed"]
    await bot.session.close()


def test_typed_text_passes_the_command_routers_and_reaches_questions() -> None:
    from bot.handlers.routing import PlainTextGate

    top = routers()
    # Every router before questions under one that plain text passes by, in the same order.
    assert [r.name for r in top] == ["before-questions", "questions", "fallback"]
    assert isinstance(top[0], PlainTextGate)
    assert top[0].command_or_dialogue.prefixes == frozenset({"/"})
    assert [r.name for r in top[0].sub_routers][:4] == ["errors", "membership", "groups", "start"]
    assert top[0].sub_routers[-1].name == "inline"
