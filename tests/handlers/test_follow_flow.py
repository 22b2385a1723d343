"""Following a case from its card, /following, the News pages, and what /forget erases."""

from __future__ import annotations

from bot.domain.news import Draft
from bot.ui.keyboards import NewsCb
from tests.conftest import NOW
from tests.tools import Harness


async def rows(harness: Harness, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in await harness.app.db.conn.execute_fetchall(sql)]


async def publish(harness: Harness, text_en: str, key: str, slug: str = "alpha") -> None:
    news = harness.app.dp["news"]
    await news.publish(
        Draft(slug=slug, texts={"en": text_en}, fallback="en", key=key), author_id=1, author_locale="en"
    )


async def test_follow_from_the_card_then_unfollow_from_following(harness: Harness) -> None:
    user = harness.user(5, "ru")
    [card] = await user.send("/start alpha")
    assert "🔔 Следить за делом" in card.labels and "📰 Новости" in card.labels
    shown = await user.press("Следить за делом")
    assert shown[0].kind == "popup" and shown[0].text.startswith("Вы следите за делом")
    assert await rows(harness, "SELECT chat_id, slug, locale FROM follows") == [(5, "alpha", "ru")]
    redrawn = harness.session.calls[-1]
    assert type(redrawn).__name__ == "EditMessageReplyMarkup"
    labels = [b.text for row in redrawn.reply_markup.inline_keyboard for b in row]  # type: ignore[attr-defined]
    assert "🔕 Не следить" in labels

    [listing] = await user.send("/following")
    assert listing.text.startswith("Вы следите за одним делом") and "• Анна Альфа" in listing.text
    [after] = await user.press("Не следить")
    assert after.text.startswith("Вы пока не следите")
    assert await rows(harness, "SELECT * FROM follows") == []


async def test_the_card_shows_unfollow_to_a_follower(harness: Harness) -> None:
    user = harness.user(6, "en")
    await user.send("/start alpha")
    await user.press("Follow this case")
    [card] = await user.send("/start alpha")
    assert "🔕 Unfollow" in card.labels and "🔔 Follow this case" not in card.labels
    await user.press("Unfollow")
    assert await rows(harness, "SELECT * FROM follows") == []


async def test_news_pages_newest_first(harness: Harness) -> None:
    user = harness.user(7, "en")
    await user.send("/start alpha")
    [empty] = await user.press("News")
    assert "No news yet" in empty.text
    # The empty screen offers the Follow it speaks of; once following, it says so instead.
    assert "🔔 Follow this case" in empty.labels
    [popup] = await user.press("Follow this case")
    assert popup.kind == "popup" and "You follow this case" in popup.text
    await user.send("/start alpha")
    [empty] = await user.press("News")
    assert "You follow this case" in empty.text and "🔔 Follow this case" not in empty.labels
    for number in (1, 2, 3):
        await publish(harness, f"Update number {number}", key=f"k{number}")
    await user.send("/start alpha")
    [page] = await user.press("News")
    assert page.text.startswith("<b>News: Anna Alpha</b> (1 of 3)") and "Update number 3" in page.text
    assert "Newer ▶️" not in page.labels
    [older] = await user.press("Older")
    assert "(2 of 3)" in older.text and "Update number 2" in older.text
    [oldest] = await user.press("Older")
    assert "Update number 1" in oldest.text and "◀️ Older" not in oldest.labels
    [newer] = await user.press("Newer")
    assert "Update number 2" in newer.text
    for forged in (NewsCb(slug="alpha", page=3), NewsCb(slug="alpha", page=-1), NewsCb(slug="zzz", page=0)):
        [popup] = await user.press_data(forged.pack())
        assert popup.kind == "popup" and popup.alert


async def test_forget_erases_follows_and_their_deliveries(harness: Harness) -> None:
    user = harness.user(8, "en")
    await user.send("/start alpha")
    await user.press("Follow this case")
    await publish(harness, "Something happened", key="f1")
    assert await rows(harness, "SELECT chat_id FROM deliveries") == [(8,)]
    await user.send("/forget")
    [done] = await user.press("Yes, erase everything")
    assert "cases followed: 1" in done.text
    assert await rows(harness, "SELECT * FROM follows") == []
    assert await rows(harness, "SELECT * FROM deliveries") == []


async def test_changing_language_changes_the_language_of_news(harness: Harness) -> None:
    user = harness.user(9, "en")
    await user.send("/start alpha")
    await user.press("Follow this case")
    await user.send("/language")
    await user.press("Oʻzbekcha")
    assert await rows(harness, "SELECT locale FROM follows") == [("uz",)]


async def test_a_blocked_follower_is_reactivated_when_they_come_back(harness: Harness) -> None:
    user = harness.user(10, "en")
    await user.send("/start alpha")
    await user.press("Follow this case")
    await harness.app.db.conn.execute("UPDATE follows SET inactive_at = ?", (NOW.isoformat(),))
    await user.send("/following")
    assert await rows(harness, "SELECT inactive_at FROM follows") == [(None,)]
