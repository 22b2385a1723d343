"""Ўзбекча (uz-Cyrl) through the real Dispatcher: choosing it, reading in it, its news and numbers."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.methods import DeleteMyCommands, SendDocument, SetMyCommands
from aiogram.types import BotCommandScopeChat

from bot.config import Settings
from tests.conftest import FIXTURE_CASES, make_settings, open_harness
from tests.handlers.test_admin_flow import follow, sent_to
from tests.test_uzbek_cyrillic import latin_left
from tests.tools import ChatUser, Harness

ADMIN = 1


@pytest.fixture
def admin_settings(tmp_path: Path) -> Settings:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, cases)
    return make_settings(tmp_path, admin_ids=frozenset({ADMIN}), cases_dir=cases)


@pytest.fixture
async def harness(admin_settings: Settings) -> AsyncIterator[Harness]:
    h = await open_harness(admin_settings)
    yield h
    await h.app.close()


async def choose_cyrillic(harness: Harness, user_id: int, language_code: str = "uz") -> ChatUser:
    user = harness.user(user_id, language_code)
    await user.send("/language")
    await user.press("Ўзбекча")
    return user


async def test_telegrams_uz_is_latin_and_ozbekcha_cyrillic_is_a_choice_that_is_kept(harness: Harness) -> None:
    user = harness.user(5, "uz")
    [greeting] = await user.send("/start")
    assert "Siyosiy mahbuslar" in greeting.text  # Telegram's uz: Latin

    await user.send("/language")
    assert user.last.labels == ["Русский", "Oʻzbekcha", "Ўзбекча", "English"]
    calls_before = len(harness.session.calls)
    [done] = await user.press("Ўзбекча")
    assert done.text.startswith("Тайёр: энди бот ўзбек тилида гаплашади.")
    assert "Анна Алфа" in done.labels
    rows = await harness.app.db.conn.execute_fetchall("SELECT locale FROM user_settings WHERE user_id = 5")
    assert [tuple(r) for r in rows] == [("uz-Cyrl",)]

    # Telegram keys menus by two-letter language: this chat gets its own, in Cyrillic.
    [menu] = [c for c in harness.session.calls[calls_before:] if isinstance(c, SetMyCommands)]
    assert menu.scope == BotCommandScopeChat(chat_id=5)
    descriptions = {c.command: c.description for c in menu.commands}
    assert descriptions["cases"] == "Ишлар рўйхати"
    assert all(not latin_left(d) for d in descriptions.values())

    [hint] = await user.send("/help")
    assert "/cases — ишлар рўйхати" in hint.text
    assert not latin_left(hint.text)

    # A restart: the choice is read back from the database.
    second = await open_harness(harness.app.settings)
    try:
        [card] = await second.user(5, "uz").send("/start alpha")
        assert "РФ ЖК 207.3-моддаси" in card.text
    finally:
        await second.app.close()

    # Leaving Ўзбекча gives the chat back the menu of its language.
    calls_before = len(harness.session.calls)
    await user.send("/language")
    await user.press("English")
    [reset] = [c for c in harness.session.calls[calls_before:] if isinstance(c, DeleteMyCommands)]
    assert reset.scope == BotCommandScopeChat(chat_id=5)


async def test_every_reading_screen_is_in_cyrillic(harness: Harness) -> None:
    user = await choose_cyrillic(harness, 6, language_code="ru")
    seen = await user.send("/start alpha")
    for label in ("❓", "📖", "🗓"):
        seen += await user.press(label)
        seen += await user.press("⬅️")
    seen += await user.press("❓")
    seen += await user.press(user.last.labels[0])  # the first argument
    seen += await user.send("/following")
    seen += await user.send("/about")
    seen += await user.send("nimadir tushunarsiz")
    texts = [s.text for s in seen if s.text] + [label for s in seen for label in s.labels]
    assert len(texts) > 20
    # Cited sources keep their publishers' own names (case.toml, language-neutral), and
    # the organisation's name and contact are the settings' own.
    lines = [line for text in texts for line in text.splitlines() if not line.startswith("Манбалар:")]
    settings_words = {"Test", "Org", "Co", "help", "example", "org"}
    leftovers = {line: left for line in lines if (left := set(latin_left(line)) - settings_words)}
    assert not leftovers, leftovers


async def test_news_written_once_in_latin_reaches_cyrillic_readers_transliterated(harness: Harness) -> None:
    latin_reader = await follow(harness, 11, "uz")
    cyrillic_reader = await choose_cyrillic(harness, 12)
    await cyrillic_reader.send("/start alpha")
    await cyrillic_reader.press("🔔")
    follows = await harness.app.db.conn.execute_fetchall("SELECT chat_id, locale FROM follows ORDER BY 1")
    assert [tuple(r) for r in follows] == [(11, "uz"), (12, "uz-Cyrl")]

    admin = harness.user(ADMIN, "en")
    await admin.send("/post alpha")
    await admin.send("Суд назначил <b>апелляцию</b>.")
    uzbek = 'Sud <b>apellyatsiya</b> sanasini belgiladi: <a href="https://example.org/uz?a=1&amp;b=2">batafsil</a>.'
    await admin.send(uzbek)
    preview = await admin.send("The court set the appeal date.")
    messages = [s for s in preview if s.kind == "message"]
    headers = [m.text for m in messages[0:-1:2]]
    assert any("Uzbek in Cyrillic" in h for h in headers)
    cyrillic_preview = messages[headers.index(next(h for h in headers if "Uzbek in Cyrillic" in h)) * 2 + 1]
    expected = (
        'Суд <b>апелляция</b> санасини белгилади: <a href="https://example.org/uz?a=1&amp;b=2">батафсил</a>.'
    )
    assert expected in cyrillic_preview.text

    calls_before = len(harness.session.calls)
    await admin.press("Publish")
    pending = await harness.app.db.conn.execute_fetchall("SELECT chat_id, locale FROM deliveries ORDER BY 1")
    assert [tuple(r) for r in pending] == [(11, "uz"), (12, "uz-Cyrl")]
    stored = await harness.app.db.conn.execute_fetchall("SELECT text_uz FROM case_updates")
    assert [tuple(r) for r in stored] == [(uzbek,)]  # written once, in Latin
    await harness.app.broadcast.run_until_idle()
    [latin] = sent_to(harness, 11, calls_before)
    [cyrillic] = sent_to(harness, 12, calls_before)
    assert uzbek in latin.text
    assert cyrillic.text == cyrillic_preview.text  # exactly what the preview showed
    assert latin_reader.user.id == 11


async def test_stats_and_export_count_cyrillic_readers_apart(harness: Harness) -> None:
    signer = await choose_cyrillic(harness, 41)
    await signer.send("/start sign_alpha")
    await signer.press("🕶")
    latin = harness.user(42, "uz")
    await latin.send("/start sign_alpha")
    await latin.press("🕶")
    await signer.send("/start alpha")
    await signer.press("🔔")

    admin = harness.user(ADMIN, "en")
    shown = await admin.send("/stats alpha")
    assert "· uz 1 ·" in shown[0].text
    assert "Ўзбекча (Uzbek in Cyrillic): signatures 1 · followers 1" in shown[0].text
    shown = await admin.send("/stats")
    assert any("Readers who chose Ўзбекча: 1" in s.text for s in shown)

    calls_before = len(harness.session.calls)
    await admin.send("/export alpha")
    [document] = [c for c in harness.session.calls[calls_before:] if isinstance(c, SendDocument)]
    exported = document.document.data.decode("utf-8")  # type: ignore[union-attr]
    assert exported.count("uz-Cyrl") == 1 and exported.count(",uz\r\n") + exported.count(",uz\n") == 1


async def test_the_profile_is_published_per_two_letter_language_only(harness: Harness) -> None:
    from aiogram.methods import SetMyDescription

    from bot.app import publish_profile

    calls_before = len(harness.session.calls)
    await publish_profile(harness.app.bot, harness.app.l10n)
    calls = harness.session.calls[calls_before:]
    menus = {c.language_code: c for c in calls if isinstance(c, SetMyCommands)}
    assert set(menus) == {"ru", "uz", "en", None}  # None: the default menu
    assert {c.description for c in menus["uz"].commands} >= {"Ishlar roʻyxati"}  # uz stays Latin
    descriptions = {c.language_code for c in calls if isinstance(c, SetMyDescription)}
    assert descriptions == {"ru", "uz", "en"}


async def test_forget_also_removes_the_chats_cyrillic_menu(harness: Harness) -> None:
    user = await choose_cyrillic(harness, 8)
    await user.send("/forget")
    calls_before = len(harness.session.calls)
    await user.press("Ҳа")
    [reset] = [c for c in harness.session.calls[calls_before:] if isinstance(c, DeleteMyCommands)]
    assert reset.scope == BotCommandScopeChat(chat_id=8)
    rows = await harness.app.db.conn.execute_fetchall("SELECT * FROM user_settings WHERE user_id = 8")
    assert list(rows) == []
