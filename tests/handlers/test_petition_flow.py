"""Signing, withdrawing and forgetting through the real Dispatcher, as users would."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from aiogram.methods import AnswerInlineQuery, SendDocument, SendMessage
from aiogram.types import InlineQuery, Update

from bot.ui.keyboards import ForgetCb, PetitionAction, PetitionCb
from tests.conftest import make_settings, open_harness
from tests.tools import Harness

SIGN_NAMED = {"en": "Sign with my name", "ru": "✍️", "uz": "✍️"}


async def _count_rows(harness: Harness) -> int:
    async with harness.app.db.conn.execute("SELECT COUNT(*) FROM signatures") as cur:
        row = await cur.fetchone()
    return int(row[0])


async def test_sign_with_the_telegram_name_and_a_city(harness: Harness) -> None:
    user = harness.user(1, "en", first_name="Anna")
    [card] = await user.send("/start alpha")
    assert "Demand for release:</b> 0 signatures of 100" in card.text
    [confirm] = await user.press("Sign the demand")
    assert "The demand to free Anna Alpha" in confirm.text
    assert "The Test Prosecutor" in confirm.text and "Free Anna Alpha." in confirm.text
    assert "Your Telegram account is not stored" in confirm.text
    [proposed] = await user.press("Sign with my name")
    assert "Your signature will read: <b>Anna</b>" in proposed.text
    [city] = await user.press("Use this name")
    assert "city" in city.text
    [thanks] = await user.send("Berlin")
    assert "you are signer No. 1" in thanks.text
    assert "1 signature of 100" in thanks.text and "░░░░░░░░░░ 1%" in thanks.text
    share = thanks.button("Invite others")
    assert share.url is not None and "start%3Dsign_alpha" in share.url
    assert any("Follow the case" in label for label in thanks.labels)
    stored = await harness.app.db.conn.execute_fetchall(
        "SELECT display_name, city, locale, source FROM signatures"
    )
    assert [tuple(r) for r in stored] == [("Anna", "Berlin", "en", None)]


async def test_typed_names_are_checked_and_never_echoed_raw(harness: Harness) -> None:
    user = harness.user(2, "en", first_name="\u202e")
    await user.send("/sign alpha")
    [ask] = await user.press("Sign with my name")
    assert ask.text.startswith("Send the name")  # the Telegram name was unusable
    for bad, reason in [
        ("<script>alert(1)</script>", "Please leave out the characters &lt; &gt; and &amp;."),
        ("x" * 500, "too long"),
        ("Iv\u200ban", "invisible or control characters"),
        ("\u202eevil", "invisible or control characters"),
        ("", None),
        ("   ", "The name is empty."),
    ]:
        shown = await user.send(bad)
        if reason is None:  # an empty text is not a message Telegram delivers; ignore
            continue
        assert reason in shown[0].text, (bad, shown[0].text)
        assert "<script>" not in shown[0].text
    assert await _count_rows(harness) == 0
    [city] = await user.send("Oʻktam Gʻulomov")
    assert "city" in city.text
    [thanks] = await user.press("Skip")
    assert "signer No. 1" in thanks.text
    rows = await harness.app.db.conn.execute_fetchall("SELECT display_name, city FROM signatures")
    assert [tuple(r) for r in rows] == [("Oʻktam Gʻulomov", None)]


async def test_anonymous_signature_then_twice_then_withdraw(harness: Harness) -> None:
    user = harness.user(3, "en")
    await user.send("/start sign_alpha")
    [thanks] = await user.press("Sign anonymously")
    assert "signer No. 1" in thanks.text
    rows = await harness.app.db.conn.execute_fetchall("SELECT display_name, source FROM signatures")
    assert [tuple(r) for r in rows] == [(None, "link")]  # came through a shared link

    [again] = await user.send("/sign alpha")
    assert again.text == "You signed this demand on 29 November 2026."
    [confirm] = await user.press("Withdraw my signature")
    assert "Withdraw your signature" in confirm.text
    [kept] = await user.press("No, keep it")
    assert kept.text == "Your signature stays."
    await user.send("/unsign alpha")
    [done] = await user.press("Yes, withdraw it")
    assert "withdrawn and deleted. Now: 0 signatures." in done.text
    assert await _count_rows(harness) == 0
    [card] = await user.send("/start alpha")
    assert "0 signatures of 100" in card.text


@pytest.mark.parametrize(
    ("locale", "one", "two", "five"),
    [
        ("ru", "1 подпись", "2 подписи", "5 подписей"),
        ("uz", "1 ta imzo", "2 ta imzo", "5 ta imzo"),
        ("en", "1 signature", "2 signatures", "5 signatures"),
    ],
)
async def test_counts_and_plurals_in_each_language(
    harness: Harness, locale: str, one: str, two: str, five: str
) -> None:
    seen = []
    for uid in range(1, 6):
        user = harness.user(uid, locale)
        await user.send("/sign alpha")
        [thanks] = await user.press("🕶")
        seen.append(thanks.text)
    assert one in seen[0] and two in seen[1] and five in seen[4]
    assert "№ 5" in seen[4] or "5" in seen[4]


async def test_repeated_and_concurrent_taps_make_one_signature(harness: Harness) -> None:
    user = harness.user(9, "en")
    await user.send("/sign alpha")
    data = PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack()
    await asyncio.gather(*[user.press_data(data) for _ in range(5)])
    await user.press_data(data)
    assert await _count_rows(harness) == 1
    # Read the session directly: concurrent feeds interleave their calls.
    texts = [c.text for c in harness.session.calls if isinstance(c, SendMessage)]
    assert sum("signer No." in t for t in texts) == 1
    assert sum("You signed this demand on" in t for t in texts) == 5


async def test_the_same_update_delivered_twice_signs_once(harness: Harness) -> None:
    user = harness.user(10, "en")
    await user.send("/sign alpha")
    query_update = Update.model_validate(
        {
            "update_id": 999_001,
            "callback_query": {
                "id": "q1",
                "from": user.user.model_dump(),
                "chat_instance": "x",
                "message": user.last.message.model_dump() if user.last.message else None,
                "data": PetitionCb(action=PetitionAction.anonymous, slug="alpha").pack(),
            },
        }
    )
    await harness.feed(query_update)
    await harness.feed(query_update)
    assert await _count_rows(harness) == 1


async def test_follow_after_signing_is_stored_apart_from_the_signature(harness: Harness) -> None:
    user = harness.user(11, "ru")
    await user.send("/sign alpha")
    await user.press("🕶")
    [popup] = await user.press("🔔")
    assert popup.kind == "popup" and "Анна Альфа" in popup.text
    follows = await harness.app.db.conn.execute_fetchall("SELECT chat_id, slug, locale FROM follows")
    assert [tuple(r) for r in follows] == [(11, "alpha", "ru")]


async def test_forget_erases_everything_and_says_what(harness: Harness) -> None:
    user = harness.user(12, "en")
    await user.send("/language")
    await user.press("Русский")
    await user.send("/sign alpha")
    await user.press("🕶")
    await user.press("🔔")
    [ask] = await user.send("/forget")
    assert "Стереть" in ask.text or "стер" in ask.text.lower() or ask.labels
    [done] = await user.press_data(ForgetCb(confirm=True).pack())
    assert "1" in done.text
    assert await _count_rows(harness) == 0
    for table in ("follows", "user_settings"):
        rows = await harness.app.db.conn.execute_fetchall(f"SELECT COUNT(*) FROM {table}")
        assert rows[0][0] == 0, table
    [after] = await user.send("/help")
    assert "How to use" in after.text  # the language choice is gone: back to en


async def test_forget_cancelled_keeps_everything(harness: Harness) -> None:
    user = harness.user(13, "en")
    await user.send("/sign alpha")
    await user.press("🕶")
    await user.send("/forget")
    [kept] = await user.press("Cancel")
    assert kept.text == "Nothing was erased."
    assert await _count_rows(harness) == 1


async def test_case_without_petition_and_unknown_slug(harness: Harness) -> None:
    user = harness.user(14, "en")
    [card] = await user.send("/start beta")
    assert not any("Sign" in label for label in card.labels)
    [none] = await user.send("/sign beta")
    assert none.text == "This case has no demand to sign."
    [unknown] = await user.send("/sign nosuch")
    assert unknown.text.startswith("There is no such case")
    [forged] = await user.press_data(PetitionCb(action=PetitionAction.anonymous, slug="beta").pack())
    assert forged.kind == "popup"
    [stale] = await user.press_data(PetitionCb(action=PetitionAction.skip_city, slug="alpha").pack())
    assert stale.kind == "popup"
    assert await _count_rows(harness) == 0


async def test_closed_petition_refuses_with_the_final_count(harness: Harness) -> None:
    alpha = harness.app.catalog.get("alpha")
    assert alpha is not None
    petitions = harness.app.dp["petitions"]
    await petitions.sign(alpha, 500, locale="en")
    await petitions.close(alpha)
    [closed] = await harness.user(15, "en").send("/sign alpha")
    assert closed.text == "Signing has closed. Final count: 1 signature."


async def test_inline_query_offers_cases_filtered_by_name_in_any_script(harness: Harness) -> None:
    user = harness.user(16, "ru")
    update_ids = iter(range(70_000, 70_100))  # each update its own id, as Telegram numbers them

    async def ask(text: str) -> AnswerInlineQuery:
        update = Update(
            update_id=next(update_ids),
            inline_query=InlineQuery(id="iq", from_user=user.user, query=text, offset=""),
        )
        [answer] = [c for c in await harness.feed(update) if isinstance(c, AnswerInlineQuery)]
        return answer

    everything = await ask("")
    assert [r.id for r in everything.results] == ["alpha", "beta"]
    assert [r.id for r in (await ask("альф")).results] == ["alpha"]
    assert [r.id for r in (await ask("ALPHA")).results] == ["alpha"]
    assert [r.id for r in (await ask("betov")).results] == ["beta"]
    assert (await ask("zzz")).results == []
    alpha = everything.results[0]
    assert len(alpha.id.encode()) <= 64
    assert alpha.title == "Анна Альфа" and "подпис" in alpha.description
    [[button]] = alpha.reply_markup.inline_keyboard
    assert button.url is not None
    payload = button.url.split("?start=")[1]
    assert payload == "sign_alpha"
    import re

    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)


async def test_admin_exports_csv_and_others_get_the_ordinary_reply(tmp_path) -> None:
    harness = await open_harness(make_settings(tmp_path, admin_ids="77"))
    try:
        signer = harness.user(1, "ru", first_name="Иван")
        await signer.send("/sign alpha")
        await signer.press("🕶")

        stranger = harness.user(2, "en")
        [reply] = await stranger.send("/export alpha")
        assert reply.text.startswith("I did not understand that")
        assert not [c for c in harness.session.calls if isinstance(c, SendDocument)]

        admin = harness.user(77, "en")
        calls = await harness.feed(
            Update.model_validate(
                {
                    "update_id": 88_001,
                    "message": {
                        "message_id": 1,
                        "date": int(dt.datetime.now(dt.UTC).timestamp()),
                        "chat": {"id": 77, "type": "private"},
                        "from": admin.user.model_dump(),
                        "text": "/export alpha csv",
                    },
                }
            )
        )
        [document] = [c for c in calls if isinstance(c, SendDocument)]
        assert document.document.filename == "alpha-signatures.csv"
        assert document.document.data.startswith(b"\xef\xbb\xbf")
        assert "Anonymous" in document.document.data.decode("utf-8-sig")
    finally:
        await harness.app.close()


@pytest.mark.parametrize("locale", ["en", "ru", "uz"])
async def test_whole_journey_in_each_language(harness: Harness, locale: str) -> None:
    """Sign named, try again, withdraw, sign anonymously, forget — the texts stay in one language."""
    other = {"en": ("подпис", "imzo"), "ru": ("signature", "imzo"), "uz": ("подпис", "signature")}[locale]
    user = harness.user(40, locale, first_name="Nodira")
    await user.send("/sign alpha")
    await user.press("✍️")
    await user.press("✅")
    [thanks] = await user.press_data(PetitionCb(action=PetitionAction.skip_city, slug="alpha").pack())
    assert "1" in thanks.text
    [again] = await user.send("/sign alpha")
    assert "2026" in again.text
    await user.press("↩️")
    [withdrawn] = await user.press_data(PetitionCb(action=PetitionAction.withdraw_yes, slug="alpha").pack())
    assert "0" in withdrawn.text
    assert await _count_rows(harness) == 0
    await user.send("/sign alpha")
    await user.press("🕶")
    await user.send("/forget")
    [erased] = await user.press_data(ForgetCb(confirm=True).pack())
    assert "1" in erased.text
    assert await _count_rows(harness) == 0
    for shown in user.seen:
        assert not any(word in shown.text.lower() for word in other), (locale, shown.text)


async def test_the_thank_you_offers_following_only_to_who_does_not_follow(harness: Harness) -> None:
    offer = "Would you like to receive news of this case"
    follower, reader = harness.user(21, "en"), harness.user(22, "en")
    await follower.send("/start alpha")
    await follower.press("Follow this case")
    for user, following in ((follower, True), (reader, False)):
        await user.send("/sign alpha")
        [thanks] = await user.press("Sign anonymously")
        assert "signer No." in thanks.text
        assert (offer in thanks.text) is not following
        assert any("Follow the case" in label for label in thanks.labels) is not following


@pytest.mark.sqlite_only  # counts hand-offs to aiosqlite's threads; asyncpg has none
async def test_a_signature_reads_the_follow_offer_with_its_own_write(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether the signer follows the case is read in the signature's hand-off to the writer's
    thread, inside its transaction: the reader connection is not asked (one hand-off less)."""
    db = harness.app.db
    warm = harness.user(23, "en")
    await warm.send("/sign alpha")
    await warm.press("Sign anonymously")  # the mirrors and the update marks are loaded
    user = harness.user(24, "en")
    await user.send("/sign alpha")
    handed: list[str] = []
    for name, conn in (("reader", db.reader), ("writer", db.conn)):
        real = conn._execute

        def counting(real: Any = real, name: str = name) -> Any:
            async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
                handed.append(name)
                return await real(fn, *args, **kwargs)

            return counted

        monkeypatch.setattr(conn, "_execute", counting())
    [thanks] = await user.press("Sign anonymously")
    assert "signer No. 2" in thanks.text and "Would you like to receive news" in thanks.text
    assert handed == ["writer", "writer"]
