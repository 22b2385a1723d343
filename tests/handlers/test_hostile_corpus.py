"""A hostile corpus through the real Dispatcher: zero unhandled exceptions, nothing stored that should not be.

Forged and stale callback data for every CallbackData kind in bot/ui/keyboards.py
and bot/ui/catalogue_callbacks.py
(on a normal message, an inaccessible one, and an inline one), garbage deep
links, 10,000-character text, HTML / SQL / CSV-formula / zero-width /
right-to-left strings as names, cities, questions, command arguments and
inline queries, and one update of every kind the Bot API has.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
import unicodedata
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery, AnswerInlineQuery, EditMessageText, SendMessage
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineQuery, Update
from pydantic import BaseModel

from bot.domain.petition import clean_name
from bot.text import MESSAGE_LIMIT, telegram_html_error
from bot.ui import catalogue_callbacks, keyboards
from tests.tools import ChatUser, Harness

HOSTILE = [
    "<script>alert(1)</script>",
    "<b>bold</b> & <i>",
    "</a><a href='javascript:alert(1)'>x",
    "&amp;&lt;&#x202e;",
    "Robert'); DROP TABLE signatures;--",
    "' OR '1'='1",
    "1; DELETE FROM follows WHERE 1=1",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=cmd|' /C calc'!A0",
    "Iv\u200ban",
    "\u200b\u200c\u200d",
    "\u202eevil\u202c",
    "Ann\u2066a\u2069",
    "\ufeffBOM",
    "a\x00b",
    "\u202bRTL embedding",
    "مرحبا\u202eabc",
    "Zalgo Z̸̢̛a̷l̶g̵o̴",
    "🙂🙂🙂",
    "Ivan\nPetrov",
    "https://t.me/evil",
    "@someone",
    "x" * 101,
    "Ив" * 5_000,  # 10,000 characters
]

GARBAGE_DEEP_LINKS = [
    "",
    "sign_",
    "sign_nosuch",
    "sign_beta",  # a case without a petition
    "sign_sign_alpha",
    "nosuch",
    "ALPHA",
    "../../etc/passwd",
    "alpha%00",
    "<b>alpha</b>",
    "alpha\u202e",
    "x" * 65,
    "x" * 4_000,
    "sign_alpha sign_beta",
]

_CASE_VIEWS = [v.value for v in keyboards.CaseView]
_ACTIONS = [a.value for a in keyboards.PetitionAction]

# Forged or stale data for every CallbackData factory; a test below checks none is missing.
FORGED: dict[type[CallbackData], list[str]] = {
    keyboards.CaseCb: [
        *(f"c:{v}:nosuch" for v in _CASE_VIEWS),
        "c:bogus:alpha",
        "c:card",
        "c:card:",
        "c:card:alpha:extra",
        "c:card:<b>",
        "c:why:\u202ealpha",
    ],
    keyboards.ArgumentCb: ["a:alpha:nosuch", "a:nosuch:x", "a::", "a:alpha", "a:alpha:x:y", "a:beta:\u200b"],
    keyboards.LanguageCb: ["l:de", "l:", "l:ru:extra", "l:<script>", "l:RU"],
    keyboards.MenuCb: ["m:nothing", "m:", "m:cases:extra"],
    keyboards.PetitionCb: [
        *(f"p:{a}:nosuch:" for a in _ACTIONS),
        *(f"p:{a}:beta:" for a in _ACTIONS),
        # Stale: steps of a dialogue the user is not in, a withdrawal of nothing.
        "p:usename:alpha:",
        "p:skipcity:alpha:",
        "p:withdrawyes:alpha:",
        "p:keep:alpha:",
        "p:cancel:alpha:",
        "p:bogus:alpha:",
        "p:anon",
        "p:anon:alpha:link:extra",
    ],
    keyboards.ForgetCb: ["f:maybe", "f:", "f:2", "f:true:extra"],
    keyboards.QuestionCb: ["q:alpha:nosuch:en", "q:nosuch:x:en", "q:alpha:x:de", "q:alpha", "q:alpha:x:en:y"],
    keyboards.MoreCb: ["qm:alpha:nosuch:ru", "qm:nosuch:x:uz", "qm:alpha:x:<b>", "qm::", "qm:alpha"],
    keyboards.QuestionsCb: ["qa:nosuch:en", "qa:alpha:xx", "qa:", "qa:alpha:en:extra"],
    keyboards.FollowCb: [
        "fo:follow:nosuch:card",
        "fo:bogus:alpha:card",
        "fo:follow:alpha:bogus",
        "fo:",
        "fo:follow",
    ],
    keyboards.NewsCb: ["n:nosuch:0", "n:alpha:-1", "n:alpha:99999", "n:alpha:x", "n:"],
    # Admin buttons pressed by a non-admin: "not available", nothing changes.
    keyboards.AdminCb: ["ad:pick:alpha:", "ad:pub::k", "ad:cancel::", "ad:bogus::", "ad:"],
    # The catalogue: pages out of range, unknown orders and filters, a search forgotten.
    catalogue_callbacks.BrowseCb: ["br:a:-1", "br:a:99999", "br:z:0", "br:", "br:a:x", "br:r:0:extra"],
    catalogue_callbacks.CatalogueCb: ["ct:nothing", "ct:", "ct:home:extra"],
    catalogue_callbacks.FilterCb: [
        "fl:nosuch/1:::::0",
        "fl::bogus:::l:0",
        "fl:::::x:0",
        "fl:::::a:-5",
        "fl:::::r:9999",
        "fl:<b>::\u202e::l:0",
        "fl:",
    ],
    catalogue_callbacks.FoundCb: ["se:nosuch:0", "se::0", "se:x:-1", "se:"],
    catalogue_callbacks.AdminPickCb: [
        "ap:stats:nosuch::0",
        "ap:post:::0",
        "ap:export::gone:0",
        "ap:bogus:::0",
        "ap:",
    ],
}
RAW_GARBAGE = ["x", ":", "::::", "\x00", "🙂", "z:1:2", "p" * 64, "c:card:alpha" + "x" * 60]


def _minimal(annotation: Any) -> Any:
    """The smallest JSON a pydantic model (or field type) accepts: required fields and discriminators."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _minimal(get_args(annotation)[0])
    if origin is Literal:
        return get_args(annotation)[0]
    if origin in (Union, types.UnionType):
        return _minimal(next(a for a in get_args(annotation) if a is not type(None)))
    if origin in (list, tuple, set):
        return []
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return {
                field.alias or name: _minimal(field.annotation)
                for name, field in annotation.model_fields.items()
                if field.is_required() or get_origin(field.annotation) is Literal
            }
        if issubclass(annotation, enum.Enum):
            return next(iter(annotation)).value
        if issubclass(annotation, bool):
            return False
        if issubclass(annotation, int):
            return 1
        if issubclass(annotation, float):
            return 1.0
        if issubclass(annotation, dt.datetime):
            return 0
    return "x"


def _private_message(user_id: int, update_id: int, **content: Any) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": user_id, "is_bot": False, "first_name": "H", "language_code": "ru"},
                **content,
            },
        }
    )


def callback_data_kinds() -> set[type[CallbackData]]:
    return {
        v
        for module in (keyboards, catalogue_callbacks)
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, CallbackData) and v is not CallbackData
    }


def test_the_corpus_covers_every_callback_kind_and_every_update_kind() -> None:
    assert set(FORGED) == callback_data_kinds()
    kinds = {name for name in Update.model_fields if name != "update_id"}
    for kind in kinds:
        assert Update.model_validate({"update_id": 1, kind: _minimal(Update.model_fields[kind].annotation)})


async def _stored(harness: Harness) -> dict[str, list[tuple[Any, ...]]]:
    tables = {}
    for table, columns in (
        ("signatures", "display_name, city"),
        ("follows", "chat_id, slug"),
        ("user_settings", "user_id, locale"),
        ("petition_milestones", "petition, threshold"),
    ):
        tables[table] = [
            tuple(r) for r in await harness.app.db.conn.execute_fetchall(f"SELECT {columns} FROM {table}")
        ]
    return tables


def _assert_clean_run(harness: Harness) -> None:
    metrics = harness.app.metrics.render().decode()
    assert "casebot_handler_errors_total{" not in metrics, metrics
    assert 'outcome="error"' not in metrics
    for call in harness.session.calls:
        if isinstance(call, SendMessage | EditMessageText):
            assert len(call.text) <= MESSAGE_LIMIT
            assert telegram_html_error(call.text) is None, call.text
            assert "went wrong" not in call.text


@pytest.fixture
def anchor(harness: Harness) -> ChatUser:
    return harness.user(900, "en")


async def test_forged_and_stale_buttons_get_a_polite_answer_and_change_nothing(
    harness: Harness, anchor: ChatUser
) -> None:
    await anchor.send("/start")
    bot_message = anchor.last.message
    assert bot_message is not None
    inaccessible = InaccessibleMessage(chat=bot_message.chat, message_id=bot_message.message_id)
    presses = [data for forged in FORGED.values() for data in forged] + RAW_GARBAGE
    update_id = 800_000
    for data in presses:
        for message in (bot_message, inaccessible, None):
            update_id += 1
            query = CallbackQuery(
                id=str(update_id),
                from_user=anchor.user,
                chat_instance="x",
                message=message,
                inline_message_id=None if message is not None else "inline-1",
                data=data,
            )
            calls = await harness.feed(Update(update_id=update_id, callback_query=query))
            answers = [c for c in calls if isinstance(c, AnswerCallbackQuery)]
            assert answers, f"{data!r} on {type(message).__name__}: the button spinner never stops"
            assert not [c for c in calls if type(c).__name__ in ("SendDocument", "DeleteMessage")]
    _assert_clean_run(harness)
    assert await _stored(harness) == {
        "signatures": [],
        "follows": [],
        "user_settings": [],
        "petition_milestones": [],
    }


async def test_garbage_deep_links_get_the_case_list(harness: Harness) -> None:
    user = harness.user(901, "ru")
    for payload in GARBAGE_DEEP_LINKS:
        shown = await user.send(f"/start {payload}".strip())
        assert shown, payload
        text = shown[-1].text
        if len(f"/start {payload}") > MESSAGE_LIMIT:
            assert "слишком длинное" in text
        elif payload:
            assert "Такого дела нет" in text or "нет требования" in text.lower() or "Анна Альфа" in text, (
                payload,
                text,
            )
        assert "<script>" not in text and "etc/passwd" not in text
    _assert_clean_run(harness)
    assert (await _stored(harness))["signatures"] == []


def _harmless(value: str) -> bool:
    """What a stored name or city must be: visible, plain, no markup, no spreadsheet formula."""
    return (
        clean_name(value) == value
        and not any(unicodedata.category(c) in ("Cc", "Cf") for c in value)
        and not any(c in value for c in "<>&;=|\n")
        and not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    )


async def test_hostile_names_and_cities_are_refused_or_stored_harmless(harness: Harness) -> None:
    user = harness.user(902, "en", first_name="\u202e")  # no usable Telegram name to propose
    accepted: list[str] = []
    for hostile in HOSTILE:
        for step in ("name", "city"):
            await user.send("/sign alpha")
            await user.press("Sign with my name")
            if step == "city":
                [ask] = await user.send("Anna Smith")
                assert "city" in ask.text
            [reply] = await user.send(hostile)
            assert hostile not in reply.text
            refused = "Send the name" in reply.text if step == "name" else "city" in reply.text
            if refused or "too long" in reply.text:
                await user.press("Cancel")
                continue
            # Accepted: finish, look at what was stored, and withdraw for the next round.
            [thanks] = await (user.press("Skip") if step == "name" else _noop(reply))
            assert "signer No." in thanks.text
            [(name, city)] = (await _stored(harness))["signatures"]
            stored = name if step == "name" else city
            assert stored is not None and _harmless(stored), (hostile, stored)
            accepted.append(hostile)
            await user.send("/unsign alpha")
            await user.press("Yes, withdraw it")
    # Markup, SQL, formulas, invisible and direction characters, links, lines, length: all refused.
    assert all(h.startswith("Zalgo") for h in accepted), accepted
    assert (await _stored(harness))["signatures"] == []
    _assert_clean_run(harness)


async def _noop(shown: Any) -> list[Any]:
    return [shown]


async def test_hostile_text_as_questions_commands_and_inline_queries(harness: Harness) -> None:
    user = harness.user(903, "uz")
    for index, hostile in enumerate(HOSTILE):
        for text in (
            hostile,
            f"/sign {hostile}",
            f"/unsign {hostile}",
            f"/export {hostile}",
            f"/start {hostile}",
        ):
            for shown in await user.send(text):
                if len(hostile) >= 4:
                    assert hostile not in shown.text
        calls = await harness.feed(
            Update(
                update_id=810_000 + index,
                inline_query=InlineQuery(id=f"iq{index}", from_user=user.user, query=hostile, offset=""),
            )
        )
        assert [type(c) for c in calls if type(c).__name__ != "GetMe"] == [AnswerInlineQuery]
    _assert_clean_run(harness)
    assert await _stored(harness) == {
        "signatures": [],
        "follows": [],
        "user_settings": [],
        "petition_milestones": [],
    }


async def test_every_update_kind_and_every_kind_of_private_message(harness: Harness) -> None:
    update_id = 820_000
    for kind, field in Update.model_fields.items():
        if kind == "update_id":
            continue
        update_id += 1
        update = Update.model_validate({"update_id": update_id, kind: _minimal(field.annotation)})
        await harness.feed(update)
    media: list[dict[str, Any]] = [
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
        {
            "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
            "caption": "Ив" * 3_000,
        },
        {"document": {"file_id": "d", "file_unique_id": "d"}, "caption": "=cmd|' /C calc'!A0"},
        {"contact": {"phone_number": "+100", "first_name": "C"}},
        {"location": {"latitude": 1.0, "longitude": 2.0}},
        {"text": "   "},
        {"text": "/"},
        {"text": "/start@other_bot alpha"},
        {"text": "/" + "a" * 300},
        {"new_chat_members": [{"id": 5, "is_bot": False, "first_name": "N"}]},
    ]
    for content in media:
        update_id += 1
        calls = await harness.feed(_private_message(904, update_id, **content))
        assert calls, content  # a private chat always gets an answer
    # The same message in a group and a channel: the bot keeps quiet there.
    for chat_type in ("group", "supergroup", "channel"):
        update_id += 1
        update = Update.model_validate(
            {
                "update_id": update_id,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": -5, "type": chat_type},
                    "text": "hello",
                },
            }
        )
        assert await harness.feed(update) == []
    _assert_clean_run(harness)
    assert await _stored(harness) == {
        "signatures": [],
        "follows": [],
        "user_settings": [],
        "petition_milestones": [],
    }


async def test_the_hostile_corpus_left_only_processed_marks(harness: Harness) -> None:
    user = harness.user(905, "en")
    for hostile in HOSTILE:
        await user.send(hostile)
    await harness.app.dp["idempotency"].flush_marks()  # a read's mark is written a moment later
    async with harness.app.db.conn.execute("SELECT COUNT(*) FROM processed_updates") as cur:
        assert (await cur.fetchone())[0] == len(HOSTILE)
    _assert_clean_run(harness)
