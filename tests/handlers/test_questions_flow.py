"""Free-text questions through the real Dispatcher, as users see them."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import structlog
from aiogram.types import Chat, Message, PhotoSize, Update

from bot.ui.keyboards import MoreCb, QuestionCb, QuestionsCb
from tests.tools import Harness, Shown

SIGN_LINK = "https://t.me/casebot_local_bot?start=sign_khamroev"


def _answer(shown: list[Shown]) -> Shown:
    messages = [s for s in shown if s.kind in ("message", "edit")]
    assert messages, shown
    return messages[-1]


@pytest.mark.parametrize(
    ("locale", "question", "title", "fact", "buttons"),
    [
        (
            "ru",
            "почему его посадили?",
            "<b>В чём его обвиняют?</b>",
            "ч. 2 ст. 205.2 (публичное оправдание терроризма в интернете)",
            ["🔎 Подробнее", "❓ Все вопросы", "✍️ Подписать требование"],
        ),
        (
            "uz",
            "unga qanday jazo berilgan?",
            "<b>Unga qancha muddat berildi?</b>",
            "qattiq rejimli koloniyada 14 yil",
            ["🔎 Batafsil", "❓ Barcha savollar", "✍️ Talabni imzolash"],
        ),
        (
            "en",
            "what is he accused of?",
            "<b>What is he charged with?</b>",
            "Article 205.5, part 2 (participation in the activity of a terrorist organisation)",
            ["🔎 More on this", "❓ All questions", "✍️ Sign the demand"],
        ),
    ],
)
async def test_a_question_gets_the_stored_answer_with_its_buttons(
    real_harness: Harness,
    locale: str,
    question: str,
    title: str,
    fact: str,
    buttons: list[str],
) -> None:
    [shown] = await real_harness.user(10, locale).send(question)
    assert shown.text.startswith(title)
    assert fact in shown.text
    assert shown.labels == buttons
    assert shown.button(buttons[2]).url == SIGN_LINK


async def test_the_question_language_wins_over_the_readers_locale(real_harness: Harness) -> None:
    user = real_harness.user(11, "ru")
    [shown] = await user.send("when was his flat searched?")
    assert "On the morning of 24 February 2022" in shown.text
    assert "❓ All questions" in shown.labels
    [shown] = await user.send("uyida qachon tintuv bo'lgan?")
    assert "2022-yil 24-fevral kuni ertalab" in shown.text
    [shown] = await user.send("Когда у него был обыск?")
    assert "Утром 24 февраля 2022 года" in shown.text


async def test_entries_answered_by_their_pointer(real_harness: Harness) -> None:
    user = real_harness.user(12, "en")
    [views] = await user.send("does recognition mean you agree with what he says?")
    # "You" is whoever runs the bot: the answer says who does not endorse what.
    assert "Political Prisoners. Memorial&quot; project, which recognised Khamroev, states" in views.text
    assert "takes no position on his views" in views.text
    [experts] = await user.send("what did the experts of the prosecution do?")
    assert "did not analyse the specific materials in substance" in experts.text


async def test_more_on_this_opens_the_screen_it_points_to_in_the_answers_language(
    real_harness: Harness,
) -> None:
    user = real_harness.user(13, "ru")
    await user.send("did his posts call for violence?")
    shown = await user.press("More on this")
    text = "\n".join(s.text for s in shown if s.kind == "message")
    assert "The posts: no incitement to violence" in text
    assert "This bot's reading, not the project's words." in text

    await user.send("в чём его обвиняют?")
    [card] = [s for s in await user.press("Подробнее") if s.kind == "message"]
    assert card.text.startswith("<b>Бахром Хамроев</b>")
    assert "Статус:" in card.text


async def test_all_questions_lists_every_entry_and_each_answers(real_harness: Harness) -> None:
    user = real_harness.user(14, "uz")
    await user.send("u nimada ayblanmoqda?")
    [listing] = await user.press("Barcha savollar")
    assert listing.kind == "edit"
    assert "Ushbu ish boʻyicha javob bera oladigan savollarim" in listing.text
    assert len(listing.labels) == 16  # fifteen questions and the case
    [answer] = await user.press("«Yordam» jamgʻarmasi nima?")
    assert "muhojirlarga huquqiy va ijtimoiy yordam" in answer.text


async def test_a_weak_match_offers_close_questions_and_one_tap_answers(
    real_harness: Harness,
) -> None:
    user = real_harness.user(15, "en")
    [shown] = await user.send("court and experts?")
    assert "I am not sure I understood" in shown.text
    questions = [label for label in shown.labels if label.endswith("?")]
    assert 2 <= len(questions) <= 5
    assert "❓ All questions" in shown.labels
    [answer] = await user.press("Which court remanded him?")
    assert "Meshchansky District Court of Moscow" in answer.text


@pytest.mark.parametrize(
    ("locale", "text", "menu"),
    [
        ("en", "what's the weather like tomorrow?", "I can only answer questions about the cases"),
        ("ru", "рецепт борща", "Я отвечаю только на вопросы о делах"),
        ("uz", "kecha futbolda kim yutdi", "faqat shu yerdagi ishlar haqidagi savollarga"),
    ],
)
async def test_off_topic_gets_the_menu_and_no_fact(
    real_harness: Harness, locale: str, text: str, menu: str
) -> None:
    [shown] = await real_harness.user(16, locale).send(text)
    assert menu in shown.text
    assert "205" not in shown.text and "2022" not in shown.text
    assert len([label for label in shown.labels if label.endswith("?")]) == 6


async def test_a_name_alone_opens_the_card(real_harness: Harness) -> None:
    [shown] = await real_harness.user(17, "ru").send("Хамроев")
    assert shown.text.startswith("<b>Бахром Хамроев</b>\n<b>Статус:</b>")


async def test_the_users_text_is_never_echoed_nor_logged(
    real_harness: Harness, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = "Zyxwquux"
    texts = [
        f"почему его посадили {marker}?",
        f"{marker} {marker}",
        f"what is {marker}'s sentence?",
        f"<b>{marker}</b> & nega?",
    ]
    caplog.set_level(logging.DEBUG)
    before = len(real_harness.session.calls)
    with structlog.testing.capture_logs() as events:
        for text in texts:
            await real_harness.user(18, "ru").send(text)
    calls = real_harness.session.calls[before:]
    assert calls
    assert all(marker.lower() not in repr(call.model_dump()).lower() for call in calls)
    assert marker not in repr(events)
    assert marker not in caplog.text
    captured = capsys.readouterr()
    assert marker not in captured.out and marker not in captured.err


async def test_the_last_opened_case_answers_questions_that_name_none(harness: Harness) -> None:
    user = harness.user(20, "en")
    await user.send("/start alpha")
    [charges] = await user.send("what is she charged with?")
    assert charges.text.startswith("<b>What is she charged with?</b>\n<i>Anna Alpha</i>")
    assert "Article 207.3(2) of the Russian Criminal Code" in charges.text

    await user.send("/cases")
    await user.press("Boris Betov")
    [why] = await user.send("why was he jailed?")
    assert "For a peaceful protest (en)." in why.text
    assert "✍️ Sign the demand" not in why.labels  # beta has no petition


async def test_a_named_case_wins_and_file_text_is_escaped(harness: Harness) -> None:
    user = harness.user(21, "en")
    await user.send("/start beta")
    [shown] = await user.send("why is Alpha a political prisoner?")
    assert "<i>Anna Alpha</i>" in shown.text
    assert "the war &amp; its &lt;b&gt;critics&lt;/b&gt;." in shown.text
    assert shown.button("Sign the demand").url == "https://t.me/casebot_local_bot?start=sign_alpha"


async def test_without_a_case_the_bot_asks_which_and_each_button_answers(
    harness: Harness,
) -> None:
    user = harness.user(22, "en")
    [shown] = await user.send("why is this person a political prisoner?")
    assert shown.text == "Which case is your question about?"
    assert set(shown.labels[:2]) == {"Anna Alpha", "Boris Betov"}
    [answer] = await user.press("Boris Betov")
    assert "For a peaceful protest (en)." in answer.text
    [again] = await user.send("why was he jailed?")  # now beta is the case in hand
    assert "For a peaceful protest (en)." in again.text


async def test_off_topic_without_a_case_lists_the_cases(harness: Harness) -> None:
    [shown] = await harness.user(23, "uz").send("ertaga ob-havo qanday")
    assert "/help" in shown.text
    assert "Anna Alfa" in shown.labels


async def test_pointer_answers_in_the_fixture(harness: Harness) -> None:
    user = harness.user(24, "ru")
    await user.send("/start alpha")
    [trial] = await user.send("суд был честным?")
    assert trial.text.endswith("\n\nСуд проигнорировал доводы защиты.")  # the argument's text
    [charges] = await user.send("в чём её обвиняют?")
    assert "<b>Обвинения:</b>\n• ч. 2 ст. 207.3 УК РФ" in charges.text
    [views] = await user.send("вы согласны с её взглядами?")
    assert views.text.endswith("\n\nПризнание не означает согласия с её взглядами.")
    shown = await user.press("Подробнее")
    assert any("Почему Анна Альфа" in s.text for s in shown if s.kind == "message")


async def test_forged_and_stale_question_buttons_get_a_polite_popup(harness: Harness) -> None:
    user = harness.user(25, "en")
    await user.send("/start alpha")
    for data in [
        QuestionCb(slug="gone", q="why", lang="en").pack(),
        QuestionCb(slug="alpha", q="nosuch", lang="en").pack(),
        QuestionCb(slug="alpha", q="why", lang="de").pack(),
        QuestionsCb(slug="gone", lang="en").pack(),
        QuestionsCb(slug="alpha", lang="xx").pack(),
        MoreCb(slug="alpha", q="help", lang="en").pack(),  # signing has no "more"
        MoreCb(slug="alpha", q="nosuch", lang="en").pack(),
        "q:alpha",
        "qm:alpha:why",
    ]:
        shown = await user.press_data(data)
        assert len(shown) == 1 and shown[0].kind == "popup" and shown[0].alert, data


async def test_commands_non_text_groups_and_dialogues_are_not_questions(
    harness: Harness,
) -> None:
    user = harness.user(26, "en")
    [unknown] = await user.send("/nosuchcommand why is she a political prisoner")
    assert unknown.text.startswith("I did not understand that.")

    photo = Message(
        message_id=9001,
        date=dt.datetime.now(dt.UTC),
        chat=Chat(id=26, type="private"),
        from_user=user.user,
        photo=[PhotoSize(file_id="f", file_unique_id="u", width=1, height=1)],
        caption="why is she a political prisoner",
    )
    calls = await harness.feed(Update(update_id=9001, message=photo))
    assert next(c.text for c in calls if hasattr(c, "text")).startswith("I did not understand")

    group = Message(
        message_id=9002,
        date=dt.datetime.now(dt.UTC),
        chat=Chat(id=-100, type="group"),
        from_user=user.user,
        text="why is Alpha a political prisoner?",
    )
    assert await harness.feed(Update(update_id=9002, message=group)) == []

    # Inside a dialogue (another journey's state) text belongs to that dialogue.
    context = harness.app.dp.fsm.get_context(harness.app.bot, chat_id=26, user_id=26)
    await context.set_state("somebody:else")
    [shown] = await user.send("why is Alpha a political prisoner?")
    assert "critics" not in shown.text
    await context.clear()


async def test_help_mentions_free_text_questions(harness: Harness) -> None:
    [shown] = await harness.user(27, "ru").send("/help")
    assert "в чём обвинение?" in shown.text
