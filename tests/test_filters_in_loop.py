"""How the routers are prepared for dispatch (bot/handlers/routing.py): no filter or handler
runs through a thread (aiogram hands every synchronous callable to ``asyncio.to_thread``,
a pool hand-off costing more than the check), buttons pass routers by prefix, and command
filters turn plain text away by its first character."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot, F, Router
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
        for router in routers()
        for f in router.callback_query._handler.filters or []
        if isinstance(f.callback, CallbackPrefix)
    }
    assert prefixed["petition"] == ("p:",)
    assert prefixed["cases"] == ("c:",)
    assert "fallback" not in prefixed  # it answers stale and forged buttons, whatever their data


async def test_a_command_filter_says_no_to_plain_text_without_parsing_it(monkeypatch: Any) -> None:
    from aiogram.filters import Command, CommandStart

    from bot.config import LOCAL_TOKEN
    from bot.handlers.routing import filters_in_the_loop
    from bot.transport.local_session import LocalSession

    async def handler() -> None:
        pass

    router = Router()
    router.message.register(handler, Command("help", prefix="/!"))
    router.message.register(handler, CommandStart())
    filters_in_the_loop(router)
    [help_filter], [start_filter] = (h.filters or [] for h in router.message.handlers)
    bot = Bot(LOCAL_TOKEN, session=LocalSession())
    base = {"message_id": 1, "date": 0, "chat": Chat(id=1, type="private")}

    def said(text: str | None, caption: str | None = None) -> Message:
        return Message.model_validate({**base, "text": text, "caption": caption})

    assert (await help_filter.call(said("/help me"), bot=bot))["command"].args == "me"
    assert await help_filter.call(said("  !help"), bot=bot)
    assert await help_filter.call(said(None, caption="/help"), bot=bot)
    assert (await start_filter.call(said("/start sign_x"), bot=bot))["command"].args == "sign_x"
    parsed: list[str] = []
    real = Command.parse_command

    async def parse(self: Command, text: str, bot: Bot) -> Any:
        parsed.append(text)
        return await real(self, text, bot)

    monkeypatch.setattr(Command, "parse_command", parse)
    for text in ("when was he arrested?", "help", "   ", "#help"):
        assert not await help_filter.call(said(text), bot=bot)
        assert not await start_filter.call(said(text), bot=bot)
    assert parsed == []  # turned away before aiogram's parsing (the check can fail: see below)
    assert not await help_filter.call(said("/start"), bot=bot)
    assert parsed == ["/start"]
