"""Validated shape of a case folder (``data/cases/<slug>/``).

A case is split in two so that translators and fact-keepers do not trip over
each other: ``case.toml`` holds the language-neutral facts once (dates, charges,
sources, which PACE grounds an argument rests on), and ``<locale>.toml`` holds
every text a reader sees in that language, keyed by the ids that ``case.toml``
declares. The catalogue joins them into one :class:`Case` and refuses a folder
where a locale lacks any text (see ``data/cases/README.md``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from bot.locales import DERIVED, WRITTEN_LOCALES
from bot.uzbek_cyrillic import Transliterator, shared_transliterator

# The locales a case folder holds texts for; derived ones (uz-Cyrl) are made from
# them at load time (see bot/locales.py and Case.texts).
LOCALES: tuple[str, ...] = WRITTEN_LOCALES
Locale = Literal["en", "ru", "uz"]

# Slugs travel in deep links (`start=<slug>` / `start=sign_<slug>`, at most 64
# characters of [A-Za-z0-9_-]) and inside 64-byte callback data, so they stay short.
SLUG_PATTERN = r"^[a-z][a-z0-9-]{1,31}$"
ID_PATTERN = r"^[a-z][a-z0-9-]{0,23}$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Ident = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60_000)]
# A case's category (filter in the catalogue): short, it travels in 64-byte callback data.
CATEGORY_PATTERN = r"^[a-z][a-z0-9-]{0,15}$"
Category = Annotated[str, StringConstraints(pattern=CATEGORY_PATTERN)]


_T = TypeVar("_T")


def transformed(value: _T, transform: Callable[[str], str]) -> _T:
    """``value`` (a model, or what one holds) with every string passed through ``transform``."""
    if isinstance(value, str):
        return transform(value)  # type: ignore[return-value]
    if isinstance(value, BaseModel):
        return value.model_copy(  # type: ignore[return-value]
            update={name: transformed(getattr(value, name), transform) for name in type(value).model_fields}
        )
    if isinstance(value, dict):
        return {key: transformed(item, transform) for key, item in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [transformed(item, transform) for item in value]  # type: ignore[return-value]
    return value


def stored_once(value: _T, kept: dict[object, Any]) -> _T:
    """``value`` with every part equal to one already in ``kept`` replaced by that one.

    For frozen models read by everyone (a catalogue's facts): a thousand cases name
    the same courts, publishers, articles and sentences, and each parsed copy is a
    model with its dict and its set of fields. Shared, equal parts cost nothing
    more; the facts stay equal and the models immutable, so nothing else can tell.
    Models are changed in place, so ``value`` must be one nobody reads yet, or one
    whose parts are already the ones in ``kept``.
    """
    kind = type(value)
    if kind is str:
        return kept.setdefault(value, value)  # type: ignore[no-any-return]
    if isinstance(value, BaseModel):
        fields = value.__dict__
        for name, item in fields.items():
            fields[name] = stored_once(item, kept)
        names = value.__pydantic_fields_set__  # never changed in place: model_copy copies it
        names = kept.setdefault(frozenset(names), names)
        object.__setattr__(value, "__pydantic_fields_set__", names)
        return kept.setdefault((kind, id(names), *map(id, fields.values())), value)  # type: ignore[no-any-return]
    if kind is list:
        items = [stored_once(item, kept) for item in value]  # type: ignore[attr-defined]
        # A new list only where a part was replaced: walking the cases in force changes none of theirs.
        same = all(a is b for a, b in zip(items, value, strict=True))  # type: ignore[call-overload]
        return kept.setdefault((list, *map(id, items)), value if same else items)  # type: ignore[no-any-return]
    if kind is dict:
        pairs = [(kept.setdefault(k, k), stored_once(v, kept)) for k, v in value.items()]  # type: ignore[attr-defined]
        same = all(
            k is old_k and v is old_v
            for (k, v), (old_k, old_v) in zip(pairs, value.items(), strict=True)  # type: ignore[attr-defined]
        )
        key = (dict, *(id(x) for pair in pairs for x in pair))
        return kept.setdefault(key, value if same else dict(pairs))  # type: ignore[no-any-return]
    if value is None or kind is bool:
        return value
    try:
        return kept.setdefault((kind, value), value)  # type: ignore[no-any-return]
    except TypeError:  # unhashable: kept as it is
        return value


class Model(BaseModel):
    # A typo in a key (``sumary``) must fail loudly rather than be ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Model):
    """A short text given once per locale, e.g. a name or a court."""

    en: ShortText
    ru: ShortText
    uz: ShortText
    # Derived locales (uz-Cyrl), filled by the catalogue at load time, never by hand.
    derived: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _not_derived(cls, data: object, info: ValidationInfo) -> object:
        # The loader's own cache of validated facts may hold them; a case file may not.
        from_cache = bool(info.context and info.context.get("derived"))
        if isinstance(data, dict) and not from_cache and ("derived" in data or "uz-Cyrl" in data):
            raise ValueError("uz-Cyrl is made from uz when the case is loaded: do not write it")
        return data

    def get(self, locale: str) -> str:
        derived = self.derived.get(locale)
        if derived is not None:
            return derived
        if locale in DERIVED:
            # Built in code rather than loaded (tests, benchmarks): the shared rules alone.
            return shared_transliterator()(str(getattr(self, DERIVED[locale])))
        return str(getattr(self, locale))


def _check_partial_date(value: str) -> str:
    # Sources do not always give a day (a statement known only by its year), and
    # the bot must not invent one: YYYY, YYYY-MM or YYYY-MM-DD.
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise ValueError("expected YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in value.split("-")]
    dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    return value


PartialDate = Annotated[str, AfterValidator(_check_partial_date)]


class Sex(StrEnum):
    male = "male"
    female = "female"


class Stage(StrEnum):
    """Where the person stands; the card's status follows the latest event that sets one."""

    searched = "searched"
    detained = "detained"
    remanded = "remanded"
    on_trial = "on-trial"
    sentenced = "sentenced"
    appeal = "appeal"
    serving = "serving"
    released = "released"


class PaceGround(StrEnum):
    """Paragraph 3 (a–e) of PACE Resolution 1900 (2012)."""

    a = "a"
    b = "b"
    c = "c"
    d = "d"
    e = "e"


class CriminalCode(StrEnum):
    # Each code has a rendering per locale in locales/*/cases.ftl (charge-ref).
    uk_rf = "uk-rf"


class Charge(Model):
    id: Ident
    code: CriminalCode
    article: Annotated[str, StringConstraints(pattern=r"^\d{1,4}(\.\d{1,2})?$")]
    part: int | None = Field(default=None, ge=1, le=20)


class Sentence(Model):
    years: int = Field(ge=0, le=99)
    months: int = Field(default=0, ge=0, le=11)
    regime: Literal["general", "strict", "special", "settlement"] | None = None


class Source(Model):
    # A publisher's name as readers of each language know it («ОВД-Инфо», OVD-Info),
    # or one name for all; ``title`` is the original title, ``translated_title`` the
    # title in each locale (a reader then sees the original beside a foreign one).
    publisher: ShortText | Localized
    title: ShortText | None = None
    translated_title: Localized | None = None
    date: dt.date | None = None
    url: HttpUrl | None = None

    def publisher_in(self, locale: str) -> str:
        return self.publisher.get(locale) if isinstance(self.publisher, Localized) else self.publisher

    def title_in(self, locale: str) -> str | None:
        return self.translated_title.get(locale) if self.translated_title else self.title


class Recognition(Model):
    by: Localized
    date: PartialDate
    url: HttpUrl


class PetitionFacts(Model):
    """The release demand: whom it is addressed to, the goal and when signing is open."""

    addressee: Localized
    goal: int = Field(ge=1, le=10_000_000)
    opens: dt.date
    closes: dt.date | None = None

    @model_validator(mode="after")
    def _closes_after_opening(self) -> PetitionFacts:
        if self.closes is not None and self.closes < self.opens:
            raise ValueError("closes must not be before opens")
        return self


class Argument(Model):
    id: Ident
    grounds: list[PaceGround] = Field(min_length=1)
    # Paragraph 4 of the resolution excludes people rightly convicted of terrorism;
    # an argument that answers it says so, and the card explains the paragraph.
    paragraph_4: bool = False


class Event(Model):
    id: Ident
    date: dt.date
    stage: Stage | None = None
    sentence: Sentence | None = None
    sources: list[Source] = Field(min_length=1)


class Figure(Model):
    """A figure a case text writes in digits that no date, charge or sentence holds.

    The number guard (bot/cases/figures.py) accepts only figures the facts hold, so a
    term the prosecutor asked for or a year in the biography is listed here, each with
    where it comes from.
    """

    value: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)?$")]
    what: ShortText
    source: ShortText


class PointerKind(StrEnum):
    """What a question's answer can point to instead of (or besides) its own text."""

    argument = "argument"  # an argument of the recognition: ``argument:<id>``
    event = "event"  # a timeline event: ``event:<id>``
    charges = "charges"  # the list of charges
    disclaimer = "disclaimer"  # recognition does not mean agreement
    sign = "sign"  # the release demand (needs ``[petition]``)
    why = "why"  # the "why a political prisoner" screen
    story = "story"  # the full story
    timeline = "timeline"  # the whole timeline


# Pointers whose target has a text of its own that can stand as the answer; the
# others are screens, so an entry pointing there still needs an ``answer`` text.
POINTERS_WITH_TEXT = frozenset(
    {
        PointerKind.argument,
        PointerKind.event,
        PointerKind.charges,
        PointerKind.disclaimer,
        PointerKind.sign,
    }
)
_REFERENCED = (PointerKind.argument, PointerKind.event)


def _check_pointer(value: str) -> str:
    kind, _, ref = value.partition(":")
    if kind not in PointerKind.__members__.values():
        raise ValueError(
            f"unknown pointer {value!r}: expected argument:<id>, event:<id>, "
            + ", ".join(k.value for k in PointerKind if k not in _REFERENCED)
        )
    if PointerKind(kind) in _REFERENCED:
        if not re.fullmatch(ID_PATTERN, ref):
            raise ValueError(f"pointer {value!r} needs an id: {kind}:<id>")
    elif ref:
        raise ValueError(f"pointer {value!r}: {kind} takes no id")
    return value


class QuestionFacts(Model):
    """An entry of the questions section: the id, and optionally what it points to."""

    id: Ident
    pointer: Annotated[str, AfterValidator(_check_pointer)] | None = None

    @property
    def pointer_kind(self) -> PointerKind | None:
        return PointerKind(self.pointer.partition(":")[0]) if self.pointer else None

    @property
    def pointer_ref(self) -> str | None:
        return self.pointer.partition(":")[2] or None if self.pointer else None


class CaseFacts(Model):
    """``case.toml``: everything that does not depend on the reader's language."""

    slug: Slug
    name: Localized
    aliases: list[ShortText] = Field(default_factory=list)
    sex: Sex
    birth_date: dt.date | None = None
    in_custody_since: dt.date | None = None
    court: Localized | None = None
    detention_place: Localized | None = None
    # Region or country, and a category: filters of the catalogue (bot/cases/search.py).
    region: Localized | None = None
    category: Category | None = None
    # A short case (name, charges, stage, summary, sources) has no recognition and no
    # arguments yet: the bot then offers no "why" screen rather than an empty one.
    recognition: Recognition | None = None
    petition: PetitionFacts | None = None
    charges: list[Charge] = Field(min_length=1)
    arguments: list[Argument] = Field(default_factory=list)
    timeline: list[Event] = Field(min_length=1)
    # Optional so a case can be published before its questions are written; the
    # bot then answers free text about it with the menu only.
    questions: list[QuestionFacts] = Field(default_factory=list)
    # Figures the texts write in digits beyond dates, charges and sentences.
    figures: list[Figure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> CaseFacts:
        for kind, ids in (
            ("charges", [c.id for c in self.charges]),
            ("arguments", [a.id for a in self.arguments]),
            ("timeline", [e.id for e in self.timeline]),
            ("questions", [q.id for q in self.questions]),
        ):
            seen: set[str] = set()
            for ident in ids:
                if ident in seen:
                    raise ValueError(f"{kind}: id {ident!r} is used twice")
                seen.add(ident)
        if self.arguments and self.recognition is None:
            raise ValueError("arguments: need a [recognition] section (who recognised the person, when)")
        if not any(e.stage for e in self.timeline):
            raise ValueError("timeline: at least one event must set a stage")
        dates = [e.date for e in self.timeline]
        if dates != sorted(dates):
            raise ValueError("timeline: events must be in date order, oldest first")
        targets = {
            PointerKind.argument: {a.id for a in self.arguments},
            PointerKind.event: {e.id for e in self.timeline},
        }
        for question in self.questions:
            kind, ref = question.pointer_kind, question.pointer_ref
            if kind in targets and ref not in targets[kind]:
                listing = "arguments" if kind is PointerKind.argument else "timeline"
                raise ValueError(
                    f"questions: {question.id}: pointer {question.pointer!r}: no such id in {listing}"
                )
            if kind is PointerKind.sign and self.petition is None:
                raise ValueError(f"questions: {question.id}: pointer 'sign' needs a [petition] section")
        return self


class ArgumentText(Model):
    title: ShortText
    text: LongText


class EventText(Model):
    text: LongText


class ChargeText(Model):
    title: ShortText


class QuestionText(Model):
    """``[questions.<id>]``: how readers ask it, and the answer (unless the pointer gives one)."""

    # Several ways of asking, the first also shown as the button; the matcher learns
    # its vocabulary from these, so they should vary the words, not just the order.
    phrasings: list[ShortText] = Field(min_length=2)
    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)] | None = (
        None
    )

    @model_validator(mode="after")
    def _short_first(self) -> QuestionText:
        # The first phrasing is the question's button label, and Telegram cuts long ones.
        if len(self.phrasings[0]) > 64:
            raise ValueError("phrasings: the first phrasing is the button label: at most 64 characters")
        return self

    @property
    def label(self) -> str:
        return self.phrasings[0]


Disclaimer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class CaseTexts(Model):
    """``<locale>.toml``: what a reader of that language sees."""

    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1500)]
    # Optional for a short case: the bot shows the screens a case has, and no empty ones.
    story: LongText | None = None
    disclaimer: Disclaimer | None = None
    demand: LongText | None = None
    # A short case may leave out charge titles and event texts altogether (the card
    # shows the article, the timeline the stage); a file that gives some gives all.
    charges: dict[str, ChargeText] = Field(default_factory=dict)
    arguments: dict[str, ArgumentText] = Field(default_factory=dict)
    events: dict[str, EventText] = Field(default_factory=dict)
    questions: dict[str, QuestionText] = Field(default_factory=dict)


class Case(Model):
    """One case, facts and every locale's texts, checked to fit together."""

    facts: CaseFacts
    texts: dict[str, CaseTexts]
    # The Latin → Cyrillic rules with this case's own exceptions (set by the catalogue),
    # so an admin's news about it spells its names as its card does.
    _transliterator: Transliterator | None = PrivateAttr(default=None)
    # Texts not held here are read when shown (bot/cases/text_store.py): a catalogue of a
    # thousand cases keeps their facts in memory and their texts on disk.
    _read_texts: Callable[[str, Callable[[], CaseTexts] | None], CaseTexts] | None = PrivateAttr(default=None)

    def transliterator(self) -> Transliterator:
        return self._transliterator or shared_transliterator()

    def reading_texts_from(self, read: Callable[[str, Callable[[], CaseTexts] | None], CaseTexts]) -> Case:
        """This case without its texts in memory: ``read(locale)`` gives them when asked."""
        light = Case.model_construct(facts=self.facts, texts={})  # the facts are validated already
        light._read_texts = read
        light._transliterator = self._transliterator
        return light

    @property
    def slug(self) -> str:
        return self.facts.slug

    def name(self, locale: str) -> str:
        return self.facts.name.get(locale)

    def text(self, locale: str) -> CaseTexts:
        held = self.texts.get(locale)
        if held is not None:
            return held
        if self._read_texts is not None and locale in LOCALES:
            return self._read_texts(locale, None)
        if self._read_texts is not None and locale in DERIVED:
            # The store keeps written locales; uz-Cyrl is made from uz when first shown.
            source = DERIVED[locale]
            return self._read_texts(locale, lambda: transformed(self.text(source), self.transliterator()))
        if locale in DERIVED:
            # A case built in code rather than loaded: made once, with its rules.
            made = self.texts[locale] = transformed(self.text(DERIVED[locale]), self.transliterator())
            return made
        raise KeyError(locale)

    @property
    def is_short(self) -> bool:
        """Name, charges, stage, summary and sources only: no recognition, no story."""
        return self.facts.recognition is None and all(self.text(loc).story is None for loc in LOCALES)

    @property
    def search_names(self) -> list[str]:
        """Every way the person's name is written: each locale's name and the aliases."""
        name = self.facts.name
        return [name.en, name.ru, name.uz, *name.derived.values(), *self.facts.aliases]

    @property
    def status_event(self) -> Event:
        """The latest dated event that sets a stage: the person's current status."""
        return [e for e in self.facts.timeline if e.stage is not None][-1]

    def question(self, ident: str) -> QuestionFacts | None:
        return next((q for q in self.facts.questions if q.id == ident), None)

    @property
    def latest_sentence(self) -> Sentence | None:
        sentences = [e.sentence for e in self.facts.timeline if e.sentence is not None]
        return sentences[-1] if sentences else None
