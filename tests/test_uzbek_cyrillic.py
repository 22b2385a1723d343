"""Ўзбекча (uz-Cyrl): the transliteration, its reference table, and what it makes of our texts."""

from __future__ import annotations

import re
from pathlib import Path

import alifbo
import pytest
from fluent.syntax import FluentParser, FluentSerializer
from fluent.syntax.ast import Message, Pattern, Placeable, SelectExpression, Term, TextElement
from fluent.syntax.visitor import Visitor

from bot.cases.catalog import CaseFileError, load_case, load_catalog
from bot.domain.answers import OutcomeKind, QuestionIndex
from bot.locales import LANGUAGE_NAMES, LOCALES, language_of
from bot.ui.i18n import L10n
from bot.uzbek_cyrillic import (
    _PROTECTED,
    EXCEPTIONS_FILE,
    CyrillicUzbekReader,
    ExceptionsError,
    Transliterator,
    read_exceptions,
    shared_transliterator,
    transliterate_fluent,
)
from tests.conftest import FIXTURE_CASES, REAL_CASES
from tests.conftest import LOCALES as LOCALES_DIR

TABLE = Path(__file__).parent / "data" / "uz_cyrl_table.tsv"


def _table() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        latin, cyrillic, rule, note = [*line.split("\t"), ""][:4]
        rows.append((latin, cyrillic, rule, note))
    return rows


ROWS = _table()


def test_the_table_is_big_and_covers_every_rule() -> None:
    assert len(ROWS) >= 300
    rules = {rule for _, _, rule, _ in ROWS}
    for rule in ("oʻ gʻ", "sh ch ng", "yo yu ya ye", "e/э", "ts", "h x", "tutuq", "sʼh", "caps"):
        assert rule in rules
    assert len({latin for latin, *_ in ROWS}) == len(ROWS), "a row is listed twice"


def test_every_row_of_the_table_comes_out_as_the_reference() -> None:
    transliterate = shared_transliterator()
    wrong = [f"{latin} → {transliterate(latin)}, expected {cyrillic}" for latin, cyrillic, *_ in ROWS]
    wrong = [
        w for w, (latin, cyrillic, *_) in zip(wrong, ROWS, strict=True) if transliterate(latin) != cyrillic
    ]
    assert not wrong, "\n".join(wrong)


def test_every_reference_is_checked_against_the_second_source() -> None:
    """alifbo agrees, or the row records what alifbo says and the rule that decides against it."""
    problems = []
    for latin, cyrillic, _rule, note in ROWS:
        theirs = alifbo.to_cyrillic(alifbo.to_new_latin(latin).text).text
        if not note:
            if theirs != cyrillic:
                problems.append(f"{latin}: alifbo says {theirs}, the table {cyrillic}, and no rule is given")
            continue
        recorded, _, why = (part.strip() for part in note.partition("|"))
        if recorded != theirs or theirs == cyrillic or not why:
            problems.append(f"{latin}: the note ({note}) no longer describes alifbo's {theirs}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Oʻzbek, O'zbek, O‘zbek, O`zbek", "Ўзбек, Ўзбек, Ўзбек, Ўзбек"),  # every apostrophe people type
        ("yoʻq", "йўқ"),  # y + oʻ, not ё + ʻ
        ("Shahar SHAHAR shahar", "Шаҳар ШАҲАР шаҳар"),
        ("aytsa, Federatsiyasi", "айтса, Федерацияси"),
        ("ekspert ertaga poeziya", "эксперт эртага поэзия"),
        ("Sentabrda SENTABR sentabr", "Сентябрда СЕНТЯБРЬ сентябрь"),  # a stem exception keeps the case
        ("tongi mening", "тонги менинг"),
    ],
)
def test_rules_in_context(latin: str, cyrillic: str) -> None:
    assert shared_transliterator()(latin) == cyrillic


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        (
            '<a href="https://memohrc.org/ru/defendants/hamroev">Memorial</a>',
            '<a href="https://memohrc.org/ru/defendants/hamroev">Мемориал</a>',
        ),
        ("<b>salom</b> &amp; &lt; tegma &gt; &#39;", "<b>салом</b> &amp; &lt; тегма &gt; &#39;"),
        (
            "Batafsil: https://example.org/news?id=5&lang=uz tomonidan",
            "Батафсил: https://example.org/news?id=5&lang=uz томонидан",
        ),
        ("/help yuboring, HTML — /post dagidek", "/help юборинг, HTML — /post дагидек"),
        ("Bu HTML: &lt;b&gt;, &lt;a href=\"…\"&gt;; &lt; belgisini &amp;lt; deb yozing", "Бу HTML: &lt;b&gt;, &lt;a href=\"…\"&gt;; &lt; белгисини &amp;lt; деб ёзинг"),
        ("/status &lt;slug&gt; — /export &lt;slug&gt; [csv|json]", "/status &lt;slug&gt; — /export &lt;slug&gt; [csv|json]"),
        ("(a) ozodlikdan, (c) siyosiy", "(a) озодликдан, (c) сиёсий"),
        ("@casebot orqali, help@example.org manzili", "@casebot орқали, help@example.org манзили"),
        ("@foydalanuvchi nomlari", "@фойдаланувчи номлари"),  # a word, by the exceptions list
        ("RF JK 205.2-moddasi 2-qismi, 13 yil 9 oy", "РФ ЖК 205.2-моддаси 2-қисми, 13 йил 9 ой"),
        ("Sanani YYYY-MM-DD koʻrinishida yozing", "Санани YYYY-MM-DD кўринишида ёзинг"),
        (
            "<blockquote>Hukm</blockquote><tg-spoiler>sir</tg-spoiler>",
            "<blockquote>Ҳукм</blockquote><tg-spoiler>сир</tg-spoiler>",
        ),
    ],
)
def test_markup_links_commands_and_numbers_stay_as_they_are(latin: str, cyrillic: str) -> None:
    assert shared_transliterator()(latin) == cyrillic


FTL = """\
## Yordam
case-card = <b>{ $name }</b> — { $count ->
    [one] bitta imzo
   *[other] { $count } ta imzo
} · { NUMBER($goal) } dan
    .title = Ish kartasi
-brand = Memorial
about = { -brand } haqida: <a href="{ $url }">havola</a>, /help
lang-choice = { $lang ->
    [uz] oʻzbekcha
   *[other] { "literal text" }
}
"""


def test_an_admins_news_keeps_the_case_slug_it_names() -> None:
    text = "Imzolang: /sign khamroev yoki t.me/casebot?start=khamroev; khamroev-2 emas"
    assert shared_transliterator()(text, keep={"khamroev"}) == (
        "Имзоланг: /sign khamroev ёки t.me/casebot?start=khamroev; кҳамроэв-2 эмас"
    )


def test_fluent_ids_placeables_selectors_and_literals_are_untouched() -> None:
    resource = FluentParser().parse(FTL)
    converted = FluentSerializer().serialize(transliterate_fluent(resource, shared_transliterator()))
    assert converted == (
        "## Yordam\n\n"
        "case-card =\n"
        "    <b>{ $name }</b> — { $count ->\n"
        "        [one] битта имзо\n"
        "       *[other] { $count } та имзо\n"
        "    } · { NUMBER($goal) } дан\n"
        "    .title = Иш картаси\n"
        "-brand = Мемориал\n"
        'about = { -brand } ҳақида: <a href="{ $url }">ҳавола</a>, /help\n'
        "lang-choice =\n"
        "    { $lang ->\n"
        "        [uz] ўзбекча\n"
        '       *[other] { "literal text" }\n'
        "    }\n"
    )


# -- exceptions ----------------------------------------------------------------------


def test_a_cases_exceptions_add_to_the_shared_ones_and_win(tmp_path: Path) -> None:
    path = tmp_path / EXCEPTIONS_FILE
    path.write_text('[words]\n"Shodmon" = "Шодмон"\n"Butyrk*" = "Бутырк*"\n"sentabr" = "СЕНТ"\n', "utf-8")
    transliterate = shared_transliterator().with_exceptions(read_exceptions(path))
    assert transliterate("Shodmon Butyrkada, sentabr, fevral") == "Шодмон Бутыркада, СЕНТ, февраль"
    assert shared_transliterator()("sentabr") == "сентябрь"  # the shared list is not changed


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('[words]\n"a b" = "а б"\n', "expected one Latin word"),
        ('[words]\n"stem*" = "стем"\n', "both end in *"),
        ('[words]\n"x" = ""\n', "expected a Cyrillic spelling"),
        ('[other]\n"x" = "х"\n', "expected only a [words] table"),
        ("[words\n", "not valid TOML"),
    ],
)
def test_a_bad_exceptions_file_is_refused_with_file_entry_and_reason(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / EXCEPTIONS_FILE
    path.write_text(content, "utf-8")
    with pytest.raises(ExceptionsError, match=re.escape(reason)) as error:
        read_exceptions(path)
    assert str(path) in str(error.value)


def test_a_case_with_a_bad_exceptions_file_does_not_load(tmp_path: Path) -> None:
    folder = tmp_path / "alpha"
    folder.mkdir()
    for source in (FIXTURE_CASES / "alpha").iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / EXCEPTIONS_FILE).write_text('[words]\n"x y" = "z"\n', "utf-8")
    with pytest.raises(CaseFileError) as error:
        load_case(folder)
    assert any(EXCEPTIONS_FILE in line and "one Latin word" in line for line in error.value.problems)


def test_the_shared_exceptions_file_is_valid() -> None:
    words = read_exceptions(Path(__file__).parent.parent / "bot" / EXCEPTIONS_FILE)
    assert words["Meshchanskiy"] == "Мещанский"
    assert len(words) >= 30


# -- what the bot shows in Ўзбекча ------------------------------------------------------

# Latin letters an Ўзбекча text may keep: links, addresses, /commands and the
# Latin-only names the exceptions list maps to themselves (HTML, UTC …).
_LATIN_ONLY = {
    v
    for k, v in read_exceptions(Path(__file__).parent.parent / "bot" / EXCEPTIONS_FILE).items()
    if v.isascii()
}


def latin_left(text: str) -> list[str]:
    """Latin words in ``text`` that no exception allows."""
    rest = _PROTECTED.sub(" ", text)
    return [w for w in re.findall(r"[A-Za-z]+", rest) if w not in _LATIN_ONLY]


class _Texts(Visitor):
    """Each pattern's text, placeables replaced by a space (a tag may span one)."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def visit_Pattern(self, node: Pattern) -> None:
        self.texts.append("".join(e.value if isinstance(e, TextElement) else " " for e in node.elements))
        self.generic_visit(node)


def test_every_interface_text_in_uz_cyrl_has_no_latin_letters_left() -> None:
    problems = []
    for path in sorted((LOCALES_DIR / "uz").glob("*.ftl")):
        resource = transliterate_fluent(
            FluentParser().parse(path.read_text("utf-8")), shared_transliterator()
        )
        for entry in resource.body:
            if not isinstance(entry, Message | Term):
                continue
            visitor = _Texts()
            visitor.visit(entry)
            for text in visitor.texts:
                if left := latin_left(text):
                    problems.append(f"{path.name}: {entry.id.name}: {left} in {text!r}")
    assert not problems, "\n".join(problems)


def _variables(entry: Message) -> dict[str, object]:
    names: dict[str, object] = {}

    class Variables(Visitor):
        def visit_VariableReference(self, node):  # type: ignore[no-untyped-def]
            names[node.id.name] = 3

    Variables().visit(entry)
    return names


def test_every_uz_cyrl_message_renders_as_the_uzbek_one_does() -> None:
    l10n = L10n.load(LOCALES_DIR, strict=True)
    parsed = [FluentParser().parse(p.read_text("utf-8")) for p in sorted((LOCALES_DIR / "uz").glob("*.ftl"))]
    messages = [e for r in parsed for e in r.body if isinstance(e, Message) and e.value is not None]
    assert len(messages) > 100
    for message in messages:
        args = _variables(message)
        latin = l10n.format("uz", message.id.name, args)
        cyrillic = l10n.format("uz-Cyrl", message.id.name, args)
        expected = shared_transliterator().join_suffixes(shared_transliterator()(latin))
        assert cyrillic == expected, message.id.name
        assert not latin_left(cyrillic), (message.id.name, cyrillic)


def test_plural_and_select_variants_survive() -> None:
    parsed = FluentParser().parse((LOCALES_DIR / "uz" / "format.ftl").read_text("utf-8"))
    converted = transliterate_fluent(parsed, shared_transliterator())
    date = next(e for e in converted.body if isinstance(e, Message) and e.id.name == "date-full")
    select = next(el.expression for el in date.value.elements if isinstance(el, Placeable))  # type: ignore[union-attr]
    if not isinstance(select, SelectExpression):
        select = next(
            el.expression
            for el in date.value.elements  # type: ignore[union-attr]
            if isinstance(el, Placeable) and isinstance(el.expression, SelectExpression)
        )
    assert [v.key.value for v in select.variants][:3] == ["1", "2", "3"]


@pytest.mark.parametrize("cases_dir", [REAL_CASES, FIXTURE_CASES])
def test_every_case_text_in_uz_cyrl_has_no_latin_letters_left(cases_dir: Path) -> None:
    problems = []

    def walk(value: object, where: str) -> None:
        if isinstance(value, str):
            if left := latin_left(value):
                problems.append(f"{where}: {left}")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for number, item in enumerate(value):
                walk(item, f"{where}[{number}]")

    for case in load_catalog(cases_dir):
        texts = case.text("uz-Cyrl").model_dump()

        walk(texts, f"{case.slug}: uz-Cyrl.toml")
        facts = case.facts
        localized = {"name": facts.name, "recognition.by": facts.recognition.by}
        if facts.court:
            localized["court"] = facts.court
        if facts.petition:
            localized["petition.addressee"] = facts.petition.addressee
        for field, value in localized.items():
            walk(value.get("uz-Cyrl"), f"{case.slug}: case.toml {field}")
    assert not problems, "\n".join(problems)


def test_the_case_facts_in_uz_cyrl() -> None:
    case = load_catalog(REAL_CASES).get("khamroev")
    assert case is not None
    assert case.name("uz-Cyrl") == "Баҳром Ҳамроев"
    assert (
        case.facts.court is not None
        and case.facts.court.get("uz-Cyrl") == "Москва шаҳар Мещанский туман суди"
    )
    assert "«Мемориал»" in case.text("uz-Cyrl").story
    assert "Фейсбукдаги" in case.text("uz-Cyrl").summary
    assert "РФ ЖК 205.2-моддаси 2-қисми" in case.text("uz-Cyrl").story
    assert "Баҳром Ҳамроев" in case.search_names


def test_uz_cyrl_cannot_be_written_by_hand_in_case_toml(tmp_path: Path) -> None:
    folder = tmp_path / "alpha"
    folder.mkdir()
    for source in (FIXTURE_CASES / "alpha").iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    facts = (folder / "case.toml").read_text("utf-8")
    (folder / "case.toml").write_text(facts.replace("[name]\n", '[name]\n"uz-Cyrl" = "Анна"\n', 1), "utf-8")
    with pytest.raises(CaseFileError) as error:
        load_case(folder)
    assert any("case.toml: name" in line and "made from uz" in line for line in error.value.problems)


# -- the list of locales ---------------------------------------------------------------


def test_the_locales_offered_and_their_languages() -> None:
    assert LOCALES == ("ru", "uz", "uz-Cyrl", "en")
    assert list(LANGUAGE_NAMES.values()) == ["Русский", "Oʻzbekcha", "Ўзбекча", "English"]
    assert language_of("uz-Cyrl") == "uz"


# -- reading Cyrillic Uzbek ---------------------------------------------------------------


@pytest.fixture(scope="module")
def index() -> QuestionIndex:
    return QuestionIndex(load_catalog(REAL_CASES))


@pytest.mark.parametrize("text", ["Ҳамроев", "Хамроев", "ҳамроевнинг иши", "хамроевни нега камашди"])
def test_name_search_finds_the_case_in_cyrillic_uzbek(index: QuestionIndex, text: str) -> None:
    assert index.named_cases(text) == ["khamroev"]


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("нега у қамалган?", "nega u qamalgan?"),
        ("нега у камалган", "nega u qamalgan"),  # a Russian keyboard: к for қ
        ("кайси суд камокка олган", "qaysi sud qamoqqa olgan"),
        ("у зуравонликка чакирганми", "u zoʻravonlikka chaqirganmi"),  # у for ў
        ("эртага", "ertaga"),
    ],
)
def test_cyrillic_uzbek_is_read_as_latin(cyrillic: str, latin: str) -> None:
    vocabulary = ["qamalgan", "qaysi", "sud", "qamoqqa", "olgan", "zoravonlikka", "chaqirganmi", "ertaga"]
    assert CyrillicUzbekReader(vocabulary).to_latin(cyrillic) == latin


@pytest.mark.parametrize("russian", ["почему его посадили", "кто такой Хамроев", "какой срок ему дали"])
def test_russian_is_not_taken_for_uzbek(index: QuestionIndex, russian: str) -> None:
    assert index.respond(russian, user_locale="uz").locale == "ru"


def test_a_cyrillic_question_gets_the_answer_of_its_latin_form(index: QuestionIndex) -> None:
    """Every question of the Latin evaluation set, written in Cyrillic, is decided alike."""
    import tomllib

    from bot.domain.answers import words

    data = tomllib.loads((Path(__file__).parent / "qa" / "uz.toml").read_text("utf-8"))
    transliterate = shared_transliterator()
    questions = [q["text"] for q in data["questions"]]
    texts = questions + list(data["offtopic"])
    differ = []
    for text in texts:
        latin = index.respond(text, user_locale="uz")
        cyrillic = index.respond(transliterate(text), user_locale="uz")
        if text not in questions:
            # Off-topic: neither is answered (a list or the menu may differ: «уй» is
            # as much Russian-keyboard Uzbek as Russian, and the reader cannot know).
            assert OutcomeKind.answer not in (latin.kind, cyrillic.kind), text
        elif (latin.kind, latin.question, latin.suggestions) != (
            cyrillic.kind,
            cyrillic.question,
            cyrillic.suggestions,
        ):
            differ.append(f"{text!r}: {latin.kind} {latin.question} vs {cyrillic.kind} {cyrillic.question}")
        # Answered in the script it was asked in; one word both languages use («Ёрдам?»)
        # is as much Russian as Uzbek, and is answered as Russian.
        if text in questions and len(words(text)) > 1:
            assert cyrillic.locale == "uz-Cyrl", text
    assert len(texts) >= 30
    assert not differ, "\n".join(differ)


def test_a_month_loses_its_soft_sign_when_a_suffix_follows_a_date() -> None:
    l10n = L10n.load(LOCALES_DIR, strict=True)
    t = l10n.translator("uz-Cyrl")
    import datetime as dt

    assert t.date(dt.date(2022, 2, 24)) == "2022-йил 24-февраль"
    since = t("card-in-custody", date=t.date(dt.date(2022, 2, 24)), duration="1")
    assert "24-февралдан" in since


def test_transliterator_is_reusable_without_exceptions() -> None:
    assert Transliterator()("Meshchanskiy") == "Мешчанский"  # the rules alone; the list fixes it


def test_the_cyrillic_evaluation_set_is_written_by_hand() -> None:
    """No question of tests/qa/uz-Cyrl.toml is a transliterated question of uz.toml."""
    import tomllib

    from bot.domain.answers import words

    qa = Path(__file__).parent / "qa"
    latin = tomllib.loads((qa / "uz.toml").read_text("utf-8"))
    cyrillic = tomllib.loads((qa / "uz-Cyrl.toml").read_text("utf-8"))
    transliterate = shared_transliterator()
    made = {tuple(words(transliterate(q["text"]))) for q in latin["questions"]}
    copied = [q["text"] for q in cyrillic["questions"] if tuple(words(q["text"])) in made]
    assert len(cyrillic["questions"]) >= 30
    assert not copied
    # The same targets as the Latin set: every entry the Latin set aims at is aimed at here.
    assert {q["id"] for q in cyrillic["questions"]} == {q["id"] for q in latin["questions"]}


def test_a_cases_own_exceptions_spell_its_news_as_its_card(tmp_path: Path) -> None:
    import datetime as dt

    from bot.domain.news import news_text
    from bot.domain.records import NewsItem

    folder = tmp_path / "alpha"
    folder.mkdir()
    for source in (FIXTURE_CASES / "alpha").iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / EXCEPTIONS_FILE).write_text('[words]\n"Alfa" = "Альфа"\n', "utf-8")
    case = load_case(folder)
    assert case.name("uz-Cyrl") == "Анна Альфа"
    update = NewsItem(
        id=1,
        slug="alpha",
        kind="news",
        texts={"uz": "<b>Alfa</b> haqida: /sign alpha", "ru": "Об Альфе"},
        fallback="ru",
        stage=None,
        stage_date=None,
        announced=True,
        author_id=1,
        author_locale="uz",
        created_at=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
        progress_chat_id=None,
        progress_message_id=None,
        completed_at=None,
    )
    assert news_text(update, "uz-Cyrl", case.transliterator()) == "<b>Альфа</b> ҳақида: /sign alpha"
    assert news_text(update, "uz-Cyrl") == "<b>Алфа</b> ҳақида: /sign alpha"  # the shared rules alone
    assert news_text(update, "uz") == "<b>Alfa</b> haqida: /sign alpha"
    assert news_text(update, "en") == "Об Альфе"  # the fallback, as written
