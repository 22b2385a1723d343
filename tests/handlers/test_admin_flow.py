"""Admins through the real Dispatcher: the gate, /post, /status, /reload, /stats."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)

from bot.config import Settings
from bot.text import telegram_html_error
from bot.ui.keyboards import AdminAction, AdminCb
from tests.conftest import FIXTURE_CASES, make_settings, on_chosen_engine, open_harness
from tests.tools import ChatUser, Harness

ADMIN = 1
MENU_HINT = "I did not understand that. Choose a case below or send /help."


@pytest.fixture
def admin_settings(tmp_path: Path) -> Settings:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    return make_settings(tmp_path, admin_ids=frozenset({ADMIN}), cases_dir=cases)


@pytest.fixture
async def harness(admin_settings: Settings, request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    h = await open_harness(on_chosen_engine(admin_settings, request))
    yield h
    await h.app.close()


async def snapshot(harness: Harness) -> dict[str, list[tuple[Any, ...]]]:
    tables = ["case_updates", "deliveries", "fsm_states", "follows", "petitions", "signatures"]
    result = {}
    for table in tables:
        rows = await harness.app.db.conn.execute_fetchall(f"SELECT * FROM {table} ORDER BY 1")
        result[table] = [tuple(r) for r in rows]
    return result


def sent_to(harness: Harness, chat_id: int, since: int = 0) -> list[SendMessage]:
    return [
        c for c in harness.session.calls[since:] if isinstance(c, SendMessage) and int(c.chat_id) == chat_id
    ]


async def follow(harness: Harness, user_id: int, lang: str) -> ChatUser:
    user = harness.user(user_id, lang)
    await user.send("/start alpha")
    await user.press("🔔")
    return user


# --- the gate ----------------------------------------------------------------------

ADMIN_COMMANDS = [
    "/post",
    "/post alpha",
    "/status alpha",
    "/reload",
    "/stats",
    "/stats alpha",
    "/export alpha",
    "/closepetition alpha",
    "/cancel",
]


async def test_admin_commands_do_not_exist_for_anyone_else(harness: Harness) -> None:
    await follow(harness, 50, "en")
    before = await snapshot(harness)
    stranger = harness.user(2, "en")
    for command in ADMIN_COMMANDS:
        calls_before = len(harness.session.calls)
        shown = await stranger.send(command)
        calls = harness.session.calls[calls_before:]
        assert [s.text for s in shown] == [MENU_HINT], command
        assert [type(c).__name__ for c in calls] == ["SendMessage"], command
    assert await snapshot(harness) == before


ADMIN_BUTTONS = [
    AdminCb(action=AdminAction.pick, value="alpha"),
    AdminCb(action=AdminAction.skip),
    AdminCb(action=AdminAction.fallback, value="ru"),
    AdminCb(action=AdminAction.stage, value="released"),
    AdminCb(action=AdminAction.today),
    AdminCb(action=AdminAction.publish, key="0123456789ab"),
    AdminCb(action=AdminAction.quiet, key="0123456789ab"),
    AdminCb(action=AdminAction.edit),
    AdminCb(action=AdminAction.edit_lang, value="en"),
    AdminCb(action=AdminAction.cancel),
]


async def test_forged_admin_buttons_only_get_a_polite_no(harness: Harness) -> None:
    # The admin has a draft waiting at preview: a stranger's forged buttons must not touch it.
    admin = harness.user(ADMIN, "en")
    await admin.send("/post alpha")
    await admin.send("Новость")
    await admin.press("Skip")
    await admin.press("Skip")
    assert "Ready." in admin.last.text
    before = await snapshot(harness)
    stranger = harness.user(2, "en")
    await stranger.send("/start")
    for button in ADMIN_BUTTONS:
        calls_before = len(harness.session.calls)
        shown = await stranger.press_data(button.pack())
        calls = harness.session.calls[calls_before:]
        assert [(s.kind, s.text) for s in shown] == [("popup", "This is not available.")], button
        assert all(isinstance(c, AnswerCallbackQuery) for c in calls), button
    assert await snapshot(harness) == before


# --- /post -------------------------------------------------------------------------

PROMPTS = {
    "en": ("send the text for followers who read <b>Russian</b>", "Ready.", "Published."),
    "ru": ("пришлите текст для тех, кто читает <b>по-русски</b>", "Всё готово.", "Опубликовано."),
    "uz": ("<b>rus tilida</b> oʻqiydiganlar uchun matn yuboring", "Tayyor.", "Eʼlon qilindi."),
}
SKIP = {"en": "Skip", "ru": "Пропустить", "uz": "Oʻtkazib yuborish"}
RUSSIAN = {"en": "Russian", "ru": "Русский", "uz": "Rus tili"}
PUBLISH = {"en": "Publish", "ru": "Опубликовать", "uz": "Eʼlon qilish"}
FINAL = {
    "en": "<b>Delivered:</b> sent 3 of 3 · 0 failed",
    "ru": "<b>Рассылка завершена:</b> отправлено 3 из 3 · не доставлено: 0",
    "uz": "<b>Yuborish yakunlandi:</b> yuborildi: 3 / 3 · yetkazilmadi: 0",
}


@pytest.mark.parametrize("admin_lang", ["en", "ru", "uz"])
async def test_post_in_three_languages_preview_publish_deliver(harness: Harness, admin_lang: str) -> None:
    readers = {11: "ru", 12: "uz", 13: "en"}
    for user_id, lang in readers.items():
        await follow(harness, user_id, lang)
    admin = harness.user(ADMIN, admin_lang)
    ask, ready, published = PROMPTS[admin_lang]

    [prompt] = await admin.send("/post alpha")
    assert ask in prompt.text
    await admin.send("Суд назначил <b>апелляцию</b> на 5 марта.")
    await admin.press(SKIP[admin_lang])  # no Uzbek text
    [fallback] = await admin.send('The court set the <a href="https://example.org/a">appeal</a> for 5 March.')
    assert RUSSIAN[admin_lang] in fallback.labels
    preview = await admin.press(RUSSIAN[admin_lang])
    # Per language: a header, then the message exactly as that language's followers get it.
    messages = [s for s in preview if s.kind == "message"]
    assert len(messages) == 9  # ru, uz, uz-Cyrl (Ўзбекча), en, and the summary
    ru_copy, uz_copy, en_copy = messages[1], messages[3], messages[7]
    assert messages[5].text.startswith("📰 <b>Анна Алфа</b>") and "апелляцию" in messages[5].text
    assert ru_copy.text.startswith("📰 <b>Анна Альфа</b>") and "апелляцию" in ru_copy.text
    assert uz_copy.text.startswith("📰 <b>Anna Alfa</b>") and "апелляцию" in uz_copy.text  # the fallback
    assert "2026-yil 29-noyabr" in uz_copy.text
    assert en_copy.text.startswith("📰 <b>Anna Alpha</b> · 29 November 2026") and "appeal</a>" in en_copy.text
    assert ready in messages[8].text and "3" in messages[8].text
    assert await harness.app.db.conn.execute_fetchall("SELECT * FROM case_updates") == []

    calls_before = len(harness.session.calls)
    [done] = [s for s in await admin.press(PUBLISH[admin_lang]) if s.kind == "message"]
    assert published in done.text
    rows = await harness.app.db.conn.execute_fetchall(
        "SELECT slug, kind, text_ru, text_uz, text_en, fallback, author_id FROM case_updates"
    )
    assert [tuple(r) for r in rows] == [
        (
            "alpha",
            "news",
            "Суд назначил <b>апелляцию</b> на 5 марта.",
            None,
            'The court set the <a href="https://example.org/a">appeal</a> for 5 March.',
            "ru",
            ADMIN,
        )
    ]
    pending = await harness.app.db.conn.execute_fetchall("SELECT chat_id, locale, status FROM deliveries")
    assert sorted(tuple(r) for r in pending) == [
        (11, "ru", "pending"),
        (12, "uz", "pending"),
        (13, "en", "pending"),
    ]
    assert await harness.app.db.conn.execute_fetchall("SELECT * FROM fsm_states") == []

    await harness.app.broadcast.run_until_idle()
    for user_id, copy in ((11, ru_copy), (12, uz_copy), (13, en_copy)):
        [received] = sent_to(harness, user_id, calls_before)
        assert received.text == copy.text  # exactly what the preview showed
        assert telegram_html_error(received.text) is None
    final = [c for c in harness.session.calls if isinstance(c, EditMessageText) and int(c.chat_id) == ADMIN]
    assert FINAL[admin_lang] in final[-1].text

    # A second tap on the old Publish button publishes nothing more.
    await admin.press_data(AdminCb(action=AdminAction.publish, key="x").pack(), done.message)
    assert len(await harness.app.db.conn.execute_fetchall("SELECT * FROM case_updates")) == 1


async def test_cancel_leaves_nothing(harness: Harness) -> None:
    admin = harness.user(ADMIN, "en")
    await admin.send("/post")
    await admin.press("Anna Alpha")
    await admin.send("Черновик")
    assert len(await harness.app.db.conn.execute_fetchall("SELECT * FROM fsm_states")) == 1
    [cancelled] = [s for s in await admin.press("Cancel") if s.kind == "message"]
    assert cancelled.text == "Cancelled. Nothing was published."
    assert await harness.app.db.conn.execute_fetchall("SELECT * FROM case_updates") == []
    assert await harness.app.db.conn.execute_fetchall("SELECT * FROM fsm_states") == []
    # The dialogue is over: plain text is ordinary input again (a question, here
    # off-topic), not a draft.
    [reply] = await admin.send("hello")
    assert reply.text.startswith("I can answer questions about the cases")
    assert await harness.app.db.conn.execute_fetchall("SELECT * FROM case_updates") == []
    assert await harness.app.db.conn.execute_fetchall("SELECT * FROM fsm_states") == []


async def test_invalid_html_is_refused_at_preview(harness: Harness) -> None:
    admin = harness.user(ADMIN, "en")
    await admin.send("/post alpha")
    await admin.send("<b>Unclosed bold")
    await admin.send("<script>alert(1)</script>")
    await admin.press("Skip")
    shown = await admin.press("Russian")
    refusal = shown[-1]
    assert refusal.text.startswith("<b>This cannot be published as it is.</b>")
    assert "Russian: &lt;b&gt; is never closed" in refusal.text
    assert "Uzbek: tag &lt;script&gt; is not allowed" in refusal.text
    assert "English: &lt;b&gt; is never closed" in refusal.text  # the fallback carries the problem along
    assert not any("Publish" in label for label in refusal.labels)
    # No broken message was shown as a preview.
    assert not any("<script>" in s.text or "Unclosed" in s.text for s in shown)
    # Fix both through Edit, then it can be published.
    await admin.press("Edit")
    await admin.press("Russian")
    await admin.send("<b>Closed</b> bold")
    await admin.press("Edit")
    await admin.press("Uzbek")
    shown = await admin.send("&lt;script&gt; is text now")
    assert any("Publish" in label for label in shown[-1].labels)
    await admin.press("Publish")
    rows = await harness.app.db.conn.execute_fetchall("SELECT text_ru, text_uz, text_en FROM case_updates")
    assert tuple(rows[0]) == ("<b>Closed</b> bold", "&lt;script&gt; is text now", None)


async def test_the_post_dialogue_survives_a_restart(admin_settings: Settings) -> None:
    first = await open_harness(admin_settings)
    admin = first.user(ADMIN, "en")
    await admin.send("/post alpha")
    await admin.send("Текст до перезапуска")
    await first.app.close()

    second = await open_harness(admin_settings)
    try:
        admin = second.user(ADMIN, "en")
        [prompt] = await admin.send("Matn qayta ishga tushirilgandan keyin")
        assert "who read <b>English</b>" in prompt.text
        await admin.send("Text after the restart")
        await admin.press("Publish")
        rows = await second.app.db.conn.execute_fetchall("SELECT text_ru, text_uz, text_en FROM case_updates")
        assert tuple(rows[0]) == (
            "Текст до перезапуска",
            "Matn qayta ishga tushirilgandan keyin",
            "Text after the restart",
        )
    finally:
        await second.app.close()


async def test_news_with_no_text_at_all_is_asked_again(harness: Harness) -> None:
    admin = harness.user(ADMIN, "en")
    await admin.send("/post alpha")
    await admin.press("Skip")
    await admin.press("Skip")
    shown = await admin.press("Skip")
    texts = [s.text for s in shown if s.kind == "message"]
    assert texts[0].startswith("News needs a text in at least one language")
    assert "who read <b>Russian</b>" in texts[1]


# --- /status -----------------------------------------------------------------------


async def test_status_sets_the_stage_on_the_card_and_timeline(harness: Harness) -> None:
    reader = await follow(harness, 21, "ru")
    admin = harness.user(ADMIN, "en")
    await admin.send("/status alpha")
    await admin.press("appeal")
    [bad] = await admin.send("20.11.2026")
    assert bad.text.startswith("That is not a date I can use")
    await admin.send("2026-11-20")
    await admin.send("Защита подала <i>апелляционную жалобу</i>.")
    await admin.press("Skip")
    shown = await admin.press("Skip")
    ready = shown[-1]
    assert "The card will show: <b>appealing the verdict since 20 November 2026</b>" in ready.text
    calls_before = len(harness.session.calls)
    await admin.press("Save without announcing")
    assert sent_to(harness, 21, calls_before) == []
    assert await harness.app.db.conn.execute_fetchall("SELECT * FROM deliveries") == []

    [card] = await reader.send("/start alpha")
    assert "приговор обжалуется с 20 ноября 2026" in card.text
    await reader.press("Хронология")
    timeline = "\n".join(s.text for s in reader.seen[-2:])
    assert "апелляционную жалобу" in timeline


async def test_status_announced_reaches_followers(harness: Harness) -> None:
    await follow(harness, 22, "uz")
    admin = harness.user(ADMIN, "en")
    await admin.send("/status alpha")
    await admin.press("released")
    await admin.press("Today")
    await admin.send("Freed today.")
    await admin.press("Skip")
    await admin.press("Skip")
    calls_before = len(harness.session.calls)
    await admin.press("Save and announce")
    await harness.app.broadcast.run_until_idle()
    [received] = sent_to(harness, 22, calls_before)
    assert received.text.startswith("🗓 <b>Anna Alfa</b>:") and "Freed today." in received.text


# --- /reload and /stats ------------------------------------------------------------


async def test_reload_keeps_the_old_catalogue_when_a_file_is_broken(
    harness: Harness, admin_settings: Settings
) -> None:
    admin = harness.user(ADMIN, "en")
    reader = harness.user(31, "en")
    alpha_en = admin_settings.cases_dir / "alpha" / "en.toml"
    alpha_en.write_text(alpha_en.read_text(encoding="utf-8").replace("[charges.", "[charges_typo."))
    shown = await admin.send("/reload")
    assert shown[0].text.startswith("<b>The case files have errors; the cases in use stay as they were.</b>")
    assert "alpha/en.toml" in shown[0].text
    [card] = await reader.send("/start alpha")
    assert "<b>Anna Alpha</b>" in card.text  # still served from the old catalogue

    shutil.rmtree(admin_settings.cases_dir / "alpha")
    [done] = await admin.send("/reload")
    assert done.text == "Case files reloaded: one case.\nNo longer listed: alpha"
    [gone] = await reader.send("/start alpha")
    assert gone.text.startswith("There is no such case")
    assert harness.app.catalog.slugs == ["beta"]


async def test_stats_sends_numbers_and_a_png_chart(harness: Harness) -> None:
    signer = harness.user(41, "ru")
    await signer.send("/start sign_alpha")
    await signer.press("анонимно")
    await follow(harness, 42, "uz")
    admin = harness.user(ADMIN, "en")
    for command in ("/stats alpha", "/stats"):
        calls_before = len(harness.session.calls)
        shown = await admin.send(command)
        assert "Signatures: 1 (last 24 h: 1) · ru 1 · uz 0 · en 0" in shown[0].text
        assert "Followers: 1 (inactive: 0)" in shown[0].text
        photos = [c for c in harness.session.calls[calls_before:] if isinstance(c, SendPhoto)]
        assert len(photos) == 1
        png = photos[0].photo.data  # type: ignore[union-attr]
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    [usage] = await admin.send("/stats nosuchcase")
    assert usage.text.startswith("/stats [slug]")


def _kinds(calls: list[TelegramMethod[Any]]) -> list[str]:
    return [type(c).__name__ for c in calls]


async def test_export_still_works_for_admins(harness: Harness) -> None:
    admin = harness.user(ADMIN, "en")
    calls_before = len(harness.session.calls)
    await admin.send("/export alpha")
    assert "SendDocument" in _kinds(harness.session.calls[calls_before:])
    assert any(isinstance(c, SendDocument) for c in harness.session.calls)
