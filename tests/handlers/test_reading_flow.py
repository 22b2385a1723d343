"""Reading a case through the real Dispatcher, as a user in each language."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.methods import SendMessage

from bot.ui.keyboards import ArgumentCb, CaseCb, CaseView, LanguageCb
from tests.conftest import make_settings, open_harness
from tests.tools import Harness


async def test_start_greets_in_the_users_language_and_lists_cases(harness: Harness) -> None:
    ru = harness.user(1, "ru")
    [shown] = await ru.send("/start")
    assert "Анна Альфа" in shown.labels and "Борис Бетов" in shown.labels
    assert "политзаключ" in shown.text.lower()

    uz = harness.user(2, "uz")
    [shown] = await uz.send("/start")
    assert "Anna Alfa" in shown.labels
    assert "Oʻzbekcha" not in shown.text  # greeting, not the language menu

    en = harness.user(3, "de")  # no German: the default locale
    [shown] = await en.send("/start")
    assert "Political prisoners" in shown.text


async def test_deep_link_opens_the_case_card(harness: Harness) -> None:
    user = harness.user(1, "en")
    [card] = await user.send("/start alpha")
    assert card.text.startswith("<b>Anna Alpha</b>")
    assert (
        "Status:</b> sentenced on 1 June 2022 to 5 years 6 months in a general-regime penal colony"
        in card.text
    )
    assert "In custody since</b> 10 January 2021 (5 years 10 months)" in card.text
    assert (
        "Article 207.3(2) of the Russian Criminal Code: spreading “false information” about the army"
        in card.text
    )
    assert "Article 282 of the Russian Criminal Code" in card.text
    # File text is escaped, never interpreted.
    assert "&lt;b&gt;not bold&lt;/b&gt;" in card.text
    labels = card.labels
    assert any("Why a political prisoner" in b for b in labels)
    assert any("Full story" in b for b in labels) and any("Timeline" in b for b in labels)
    share = card.button("Share")
    assert share.url is not None and "t.me%2Fcasebot_local_bot%3Fstart%3Dalpha" in share.url


async def test_card_in_russian_and_uzbek(harness: Harness) -> None:
    [ru] = await harness.user(1, "ru").send("/start alpha")
    assert "ч. 2 ст. 207.3 УК РФ" in ru.text
    assert "10 января 2021" in ru.text and "5 лет 10 месяцев" in ru.text
    [uz] = await harness.user(2, "uz").send("/start alpha")
    assert "RF JK 207.3-moddasi 2-qismi" in uz.text
    assert "2021-yil 10-yanvar" in uz.text


async def test_released_case_shows_release_not_custody(harness: Harness) -> None:
    [card] = await harness.user(1, "en").send("/start beta")
    assert "released on 5 May 2021" in card.text
    assert "In custody since" not in card.text


@pytest.mark.parametrize("payload", ["nosuch", "sign_", "../../etc", "a" * 65, "alpha%20x", "<b>", "ALPHA!"])
async def test_garbage_deep_link_gets_not_found_and_the_list(harness: Harness, payload: str) -> None:
    [shown] = await harness.user(1, "en").send(f"/start {payload}")
    assert shown.text.startswith("There is no such case")
    assert "Anna Alpha" in shown.labels


async def test_why_lists_arguments_and_each_opens_with_grounds(harness: Harness) -> None:
    user = harness.user(1, "en")
    await user.send("/start alpha")
    [why] = await user.press("Why a political prisoner")
    assert why.kind == "edit"
    assert "Why Anna Alpha is a political prisoner" in why.text
    assert "Recognition does not mean agreement with her views." in why.text
    assert '<a href="https://example.org/alpha">Example Centre</a>, February 2021' in why.text
    assert why.labels[:2] == ["Punished for words", "An unfair trial"]

    [argument] = await user.press("An unfair trial")
    assert "The court ignored the defence." in argument.text
    assert "(e) the detention is the result of proceedings that were clearly unfair" in argument.text
    assert "Paragraph 4" in argument.text  # this argument answers the terrorism exclusion
    [back] = await user.press("All arguments")
    assert "Why Anna Alpha" in back.text
    [speech] = await user.press("Punished for words")
    assert "(a) the detention violates" in speech.text and "(b)" in speech.text
    assert "Paragraph 4" not in speech.text


async def test_timeline_is_dated_with_linked_sources_newest_last(harness: Harness) -> None:
    user = harness.user(1, "ru")
    await user.send("/start alpha")
    shown = await user.press("Хронология")
    messages = [s for s in shown if s.kind == "message"]
    text = "\n".join(m.text for m in messages)
    assert text.index("10 января 2021") < text.index("1 июня 2022") < text.index("5 января 2023")
    assert '<a href="https://example.org/news/1?a=1&amp;b=2">' in text
    assert "Alpha &lt;detained&gt; &amp; held" in text
    assert messages[-1].labels  # back to the case


async def test_full_story_is_split_under_the_limit_on_paragraphs(harness: Harness) -> None:
    user = harness.user(1, "en")
    await user.send("/start alpha")
    shown = await user.press("Full story")
    messages = [s for s in shown if s.kind == "message"]
    assert len(messages) >= 2
    assert all(len(m.text) <= 4096 for m in messages)
    body = "\n\n".join(m.text for m in messages)
    for n in range(1, 16):
        assert f"Paragraph {n}:" in body
    # Each chunk starts at a paragraph, never mid-sentence.
    assert all(m.text.startswith(("<b>", "Paragraph")) for m in messages)
    assert messages[-1].labels == ["⬅️ Back to the case"]
    assert all(not m.labels for m in messages[:-1])


async def test_language_choice_persists_across_a_new_dispatcher(harness: Harness) -> None:
    user = harness.user(7, "en")
    await user.send("/language")
    assert user.last.labels == ["Русский", "Oʻzbekcha", "Ўзбекча", "English"]
    [done] = await user.press("Oʻzbekcha")
    assert "Anna Alfa" in done.labels
    [hint] = await user.send("/help")
    assert "/cases" in hint.text and "How to use" not in hint.text

    # A restart: a new app and Dispatcher over the same database file.
    second = await open_harness(harness.app.settings)
    try:
        same_user = second.user(7, "en")
        [card] = await same_user.send("/start alpha")
        assert "RF JK 207.3-moddasi" in card.text
    finally:
        await second.app.close()


async def test_forged_and_stale_callbacks_get_a_polite_popup(harness: Harness) -> None:
    user = harness.user(1, "en")
    await user.send("/start")
    cases = [
        "garbage",
        "c:card",
        "c:nosuchview:alpha",
        CaseCb(view=CaseView.card, slug="gone").pack(),
        ArgumentCb(slug="alpha", arg="nosuch").pack(),
        ArgumentCb(slug="gone", arg="speech").pack(),
        LanguageCb(code="de").pack(),
        "x" * 64,
    ]
    for data in cases:
        shown = await user.press_data(data)
        assert len(shown) == 1 and shown[0].kind == "popup" and shown[0].alert, data
        assert shown[0].text in (
            "This button is out of date. Please open the case again.",
            "This case is no longer available.",
        )


async def test_unknown_input_gets_a_hint_and_the_menu(harness: Harness) -> None:
    [shown] = await harness.user(1, "ru").send("какая погода?")
    assert "не понял" in shown.text.lower() or "/help" in shown.text
    assert "Анна Альфа" in shown.labels


async def test_about_escapes_the_organisation_name(harness: Harness) -> None:
    [shown] = await harness.user(1, "en").send("/about")
    assert "<b>Test &lt;Org&gt; &amp; Co</b>" in shown.text
    assert "help@example.org" in shown.text


async def test_about_without_org_name_does_not_pass_the_bot_off_as_an_organisation(tmp_path: Path) -> None:
    h = await open_harness(make_settings(tmp_path, org_name=None, org_contact=""))
    try:
        [shown] = await h.user(1, "en").send("/about")
    finally:
        await h.app.close()
    assert "does not name the organisation that runs it" in shown.text
    assert "casebot" not in shown.text


async def test_cases_command_and_back_button(harness: Harness) -> None:
    user = harness.user(1, "en")
    [listing] = await user.send("/cases")
    assert listing.text == "2 cases:"
    await user.press("Boris Betov")
    [back] = await user.press("Back")
    assert back.text == "2 cases:"


async def test_real_case_reads_in_three_languages(real_harness: Harness) -> None:
    for code, name, article in [
        ("en", "Bakhrom Khamroev", "Article 205.2(2) of the Russian Criminal Code"),
        ("ru", "Бахром Хамроев", "ч. 2 ст. 205.2 УК РФ"),
        ("uz", "Bahrom Hamroyev", "RF JK 205.2-moddasi 2-qismi"),
    ]:
        user = real_harness.user(100 + len(code) + ord(code[0]), code)
        [card] = await user.send("/start khamroev")
        assert name in card.text and article in card.text
        assert "13" in card.text  # the term after appeal: 13 years 9 months
        await user.press("❓")
        argument = await user.press(user.last.labels[0])
        assert "1900 (2012)" in argument[-1].text


async def test_no_reply_is_sent_to_another_chat(harness: Harness) -> None:
    user = harness.user(5, "en")
    await user.send("/start alpha")
    sends = [c for c in harness.session.calls if isinstance(c, SendMessage)]
    assert {int(c.chat_id) for c in sends} == {5}
