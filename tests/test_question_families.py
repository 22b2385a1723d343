"""Families of questions the matcher reads by rule, not by stored phrasing (issue 11).

Each rule is checked on wordings of its own, not taken from the evaluation sets:
a rule that only fits the sets would fail here. Questions carry the case open,
as a reader who came from its card asks them; the reader's locale is another
language, so the question's own language must win.
"""

from __future__ import annotations

import pytest

from bot.cases.catalog import load_catalog
from bot.domain.answers import OutcomeKind, QuestionIndex
from tests.conftest import REAL_CASES


@pytest.fixture(scope="module")
def index() -> QuestionIndex:
    return QuestionIndex(load_catalog(REAL_CASES))


def answered(index: QuestionIndex, text: str) -> str | None:
    outcome = index.respond(text, user_locale="en", last_slug="khamroev")
    return outcome.question if outcome.kind is OutcomeKind.answer else None


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # A date question asks "when", whatever unit it names — not about the years of a term.
        ("which year was he born in", "who"),
        ("birth year?", "who"),
        ("в каком году он родился", "who"),
        # "where … from" is where he comes from.
        ("where does he come from", "who"),
        # Contractions with and without the apostrophe, and question words typed fast.
        ("whos he", "who"),
        ("who's bakhrom?", "who"),  # an English 's is not the Uzbek oʻ
        ("wich court", "court"),
        ("скока ему дали", "sentence"),
        # «Сколько ему лет» is his age; «сколько ему лет дали», his sentence.
        ("сколько ему лет", "who"),
        ("сколько ему лет дали", "sentence"),
        # What he does is his work, not what he did.
        ("what does he do", "who"),
        # "political prisoner" is one term, not a "prison" question.
        ("why do people call him a political prisoner", "why-political"),
        ("politcal prisoner why", "why-political"),
    ],
)
def test_question_words_and_set_phrases(index: QuestionIndex, text: str, entry: str) -> None:
    assert answered(index, text) == entry


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # Words people use for the case files' words, in every language.
        ("is he still in jail", "now"),
        ("has he been released", "now"),
        ("was his apartment raided", "detention"),
        ("when did they seize his things", "detention"),
        ("what's his job", "who"),
        ("what laws did he break", "charges"),
        ("which judge sentenced him", "court"),
        ("какой срок получил хамроев", "sentence"),
        ("был ли он членом хизб ут-тахрир", "hizb-ut-tahrir"),
        ("зачем он перебрался в москву", "persecution"),
        ("его дело связано с закрытием мемориала?", "memorial"),
        ("обыскивали его жилье?", "detention"),
        ("sudya kim edi", "court"),
        ("qancha muddatga qamalgan", "sentence"),
        ("uni qiynashyaptimi", "now"),
    ],
)
def test_synonyms_and_word_forms(index: QuestionIndex, text: str, entry: str) -> None:
    assert answered(index, text) == entry


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        # A relative's framing ("my dad", "amakim") points at him and is not what is asked.
        ("my brother says he is a political prisoner, on what grounds", "why-political"),
        ("how is my uncle treated in prison", "now"),
        ("amakim hozir qamoqdami", "now"),
        # Speech verbs ask; the experts are what the question is about.
        ("what did the linguists say", "experts"),
        ("что сказали лингвисты", "experts"),
        ("ekspertlar nima dedi", "experts"),
        # "Can you…" is politeness.
        ("can you tell me which court tried him", "court"),
        # An asking word is one whatever forms it resembles («расскажи» ~ «рассказать»).
        ("расскажи про фонд", "yordam"),
        # "you" asks the bot: Memorial's disclaimer, not a fact about his posts.
        ("do you approve of his posts", "views"),
    ],
)
def test_framing_is_not_what_is_asked(index: QuestionIndex, text: str, entry: str) -> None:
    assert answered(index, text) == entry


@pytest.mark.parametrize(
    "text",
    [
        # Put to the bot, or about the reader: no entry is asked that way.
        "how old are you",
        "who is the judge in my case",
        "сколько вам лет",
        # "who did he help" is his work with migrants, never the reader's "how can I help".
        "who did he help",
    ],
)
def test_questions_about_the_bot_or_the_reader_get_no_case_fact(index: QuestionIndex, text: str) -> None:
    assert answered(index, text) not in {"who", "court", "help"}


@pytest.mark.parametrize("apostrophe", ["ʻ", "ʼ", "‘", "’", "'", "`", ""])
def test_uzbek_questions_read_alike_whatever_apostrophe(index: QuestionIndex, apostrophe: str) -> None:
    for text, entry in (
        ("U Oʻzbekistonda taʼqib qilinganmi", "persecution"),
        ("U qachon tugʻilgan", "who"),
        ("Yordam jamgʻarmasi nima bilan shugʻullangan", "yordam"),
    ):
        assert answered(index, text.replace("ʻ", apostrophe).replace("ʼ", apostrophe)) == entry, text


def test_a_term_in_another_script_still_matches(index: QuestionIndex) -> None:
    assert answered(index, "what is the Ёрдам foundation") == "yordam"
    assert answered(index, "Хизб ут-Тахрир bilan aloqasi bormi") == "hizb-ut-tahrir"
    assert answered(index, "что такое Hizb ut-Tahrir") == "hizb-ut-tahrir"
    assert answered(index, "Почему его признали политзаключенным") == "why-political"


def test_a_russian_word_typed_in_latin_letters_still_matches(index: QuestionIndex) -> None:
    # Many Uzbek speakers write the Russian legal word they know, in Latin letters.
    assert answered(index, "unga qancha srok berishdi") == "sentence"
    assert answered(index, "obysk qachon bo'lgan") == "detention"
    assert answered(index, "what was the prigovor") == "sentence"
