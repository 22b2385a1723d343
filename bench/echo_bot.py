"""Ceiling E: the barest aiogram bot — one ``message.answer`` per update
(and E(cb): ``answerCallbackQuery`` plus one edit per button press).

Same aiogram, same AiohttpSession through ``TelegramAPIServer.from_base``, same
polling loop and the same fake server as casebot, so the ratio of a casebot path
to E is what casebot's own code costs on this machine, in this run.

``python -m bench.echo_bot <api-url> <token>``; SIGTERM stops it.
"""

from __future__ import annotations

import asyncio
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message


async def echo(message: Message) -> None:
    await message.answer(message.text or "?")


async def echo_button(query: CallbackQuery) -> None:
    # The ceiling for button paths: what any callback handler must do at least.
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(query.data or "?")


async def run(api_url: str, token: str) -> None:
    bot = Bot(token=token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    dp = Dispatcher()
    dp.message.register(echo)
    dp.callback_query.register(echo_button)
    try:
        await dp.start_polling(bot, handle_signals=True, close_bot_session=False)
    finally:
        await bot.session.close()


def main() -> int:
    api_url, token = sys.argv[1], sys.argv[2]
    asyncio.run(run(api_url, token))
    return 0


if __name__ == "__main__":
    sys.exit(main())
