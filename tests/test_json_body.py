"""Methods sent as JSON say what aiogram's form said: the same fields, the same values."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendDocument,
    SendMessage,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import BotCommand, BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.pipeline.json_body import JsonSession, MethodJson

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Ўзбекча — «қўшимча»", callback_data="case:x:card")]]
)
METHODS: list[TelegramMethod[Any]] = [
    SendMessage(chat_id=5, text="Привет, <b>мир</b> & 100% = ok", reply_markup=KEYBOARD),
    SendMessage(chat_id=5, text="no keyboard", disable_notification=False),
    AnswerCallbackQuery(callback_query_id="77", text="Спасибо", show_alert=True),
    AnswerCallbackQuery(callback_query_id="77", show_alert=False, cache_time=0),
    EditMessageText(chat_id=5, message_id=9, text="x", reply_markup=KEYBOARD),
    SetMyCommands(commands=[BotCommand(command="start", description="Начать")], language_code="ru"),
]


@pytest.fixture
def bot() -> Bot:
    default = DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True)
    return Bot("123:abc", session=JsonSession(), default=default)


def _form(bot: Bot, method: TelegramMethod[Any]) -> dict[str, str]:
    form = bot.session.build_form_data(bot, method)  # type: ignore[attr-defined]
    # A str enum (the parse mode) is sent by its value, as aiohttp encodes it.
    return {
        options["name"]: value.value if isinstance(value, Enum) else value
        for options, _headers, value in form._fields
    }


def _as_form_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@pytest.mark.parametrize("method", METHODS, ids=lambda m: type(m).__name__)
def test_the_json_body_carries_the_forms_fields(bot: Bot, method: TelegramMethod[Any]) -> None:
    body = MethodJson().body(bot, method)
    assert body is not None
    sent = json.loads(body)
    form = _form(bot, method)
    assert sent.keys() == form.keys()
    for key, value in sent.items():
        as_text = form[key]
        if as_text[:1] in "[{":
            assert value == json.loads(as_text), key  # a nested object, not a JSON string in JSON
        else:
            assert _as_form_text(value).lower() == as_text.lower(), key  # HTML, true/false, numbers


def test_bot_defaults_are_filled_in_for_each_bot(bot: Bot) -> None:
    encoder = MethodJson()
    for _ in range(2):  # the second time from what the encoder kept
        sent = json.loads(encoder.body(bot, METHODS[0]) or b"")
        assert sent["parse_mode"] == "HTML"
        assert sent["link_preview_options"] == {"is_disabled": True}
        assert sent["reply_markup"]["inline_keyboard"][0][0]["text"] == "Ўзбекча — «қўшимча»"
    plain = Bot("456:def", session=bot.session, default=DefaultBotProperties(parse_mode=ParseMode.MARKDOWN_V2))
    sent = json.loads(encoder.body(plain, METHODS[0]) or b"")
    assert sent["parse_mode"] == "MarkdownV2"
    assert "link_preview_options" not in sent


def test_a_file_upload_is_left_to_the_form(bot: Bot) -> None:
    upload = SendDocument(chat_id=5, document=BufferedInputFile(b"data", filename="a.csv"))
    assert MethodJson().body(bot, upload) is None
    assert MethodJson().webhook_response(bot, upload) is None


def test_the_webhook_response_names_its_method(bot: Bot) -> None:
    sent = json.loads(MethodJson().webhook_response(bot, METHODS[2]) or b"")
    assert sent == {"method": "answerCallbackQuery", "callback_query_id": "77", "text": "Спасибо", "show_alert": True}
