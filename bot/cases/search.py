"""Finding a case among thousands: by any spelling of a name, by filters, page by page.

Pure Python over a :class:`~bot.cases.catalog.Catalog`, no aiogram and no I/O,
so the bot, the console and the public web pages share one matcher:

    index = catalog.index                     # built once per catalogue
    found = index.search("хамраев", "ru")     # SearchResult: slugs, best first
    index.nearest("Hmaroev", "en")            # when nothing matches: the closest names
    index.named_in("Why is Khamroev jailed?") # the cases a question names
    index.browse("uz"); index.recent()        # orders for paging
    index.filter(Filters(article="uk-rf/205.2", stage="serving"), "en")
    index.facet_values(filters, Facet.region) # values with counts, the others applied
    page(slugs, 2)                            # Page: 8 items, "page 3 of N"

How names match. Every name a case gives (each language's, and its aliases)
is cut into words, and every word is reduced to a *skeleton* that the common
ways of writing one name share: case, diacritics and every apostrophe (ʻ ' ‘ ’
`) are folded, ё is е, Cyrillic (Russian and Uzbek) is transliterated, and
kh/x/h, q/k, j/y/zh/dzh, ye/e and doubled letters are made one. So Хамроев,
Khamroev, Hamroyev and Xamroyev are one skeleton, ``hamroev``. A typed word
then finds a name word that is the same skeleton, or the same with a grammatical
ending (Хамроева, Hamroyevni), or the beginning of it (a name half typed), or,
failing all, one within a small edit distance (rapidfuzz: хамраев, a typo). A
case matches when every typed word finds one of its words; exact matches, when
there are any, hide the merely similar ones.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from bot.cases.models import LOCALES, Case, Stage
from bot.locales import LOCALES as READER_LOCALES  # uz-Cyrl too: its own alphabet order
from bot.text import fold

PAGE_SIZE = 8  # cases a page: a list a phone shows without scrolling far
MAX_NAME_WORDS = 4
NEAREST = 3

# How sure a word match is (see the module docstring); a case's score is the mean.
EXACT = 1.0
INFLECTED = 0.95  # the name plus a grammatical ending: Хамроева, Hamroyevni
PREFIX = 0.9  # the beginning of a name, typed so far
FUZZY_CUTOFF = 80  # rapidfuzz ratio for a typo
FUZZY_SCALE = 0.85  # a typo counts less than any exact form
STRONG = PREFIX  # a case whose every word is at least this sure hides the fuzzy ones
NEAREST_CUTOFF = 70
MAX_ENDING = 4  # letters a grammatical ending adds (Хамроевым, Hamroyevning)
MIN_STEM = 4

_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "ў": "o", "қ": "k", "ғ": "g", "ҳ": "h", "і": "i", "ї": "i", "є": "e",
    }
)  # fmt: skip
# Applied in order: the longer spelling of a sound first.
_VARIANTS = (
    ("dzh", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("x", "h"),
    ("q", "k"),
    ("j", "y"),
    ("ye", "e"),
    ("iy", "i"),
    ("w", "v"),
    ("ph", "f"),
)
_LETTERS = re.compile(r"[^\W\d_]+")
_DOUBLED = re.compile(r"(.)\1+")
_NOT_NAME = re.compile(r"[?!;:@#/\\<>{}\[\]()=+*|\d]")


def skeleton(word: str) -> str:
    """The form of ``word`` that its usual spellings share: Хамроев, Hamroyev → hamroev."""
    text = fold(word).translate(_CYRILLIC_TO_LATIN)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if not text.isalpha():  # most words are letters only: nothing to drop
        text = "".join(c for c in text if c.isalpha())
    for spelling, common in _VARIANTS:
        text = text.replace(spelling, common)
    # Most words have no doubled letter; a function for the group costs less than a template.
    return _DOUBLED.sub(_first_group, text) if _DOUBLED.search(text) else text


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


def name_words(text: str, memo: dict[str, str] | None = None) -> list[str]:
    """The skeletons of the words of ``text`` (an apostrophe joins, a hyphen splits).

    ``memo`` speeds up building an index (names repeat); never pass one for what a
    reader typed, which is not to be kept.
    """
    words = []
    for word in _LETTERS.findall(fold(text).replace("'", "")):
        key = memo.get(word) if memo is not None else None
        if key is None:
            key = skeleton(word)
            if memo is not None:
                memo[word] = key
        if len(key) >= 2:
            words.append(key)
    return words


def reads_as_full_name(text: str) -> bool:
    """Two to four capitalised words ("Ivan Petrov"): a name even when no case is close to it."""
    words = text.split()
    return looks_like_name(text) and len(words) >= 2 and all(w[:1].isupper() for w in words)


def looks_like_name(text: str) -> bool:
    """One to four words, no question and no digits: what a reader types to find a person."""
    stripped = text.strip()
    if not stripped or len(stripped) > 80 or _NOT_NAME.search(stripped):
        return False
    words = stripped.replace(",", " ").replace(".", " ").split()
    return 1 <= len(words) <= MAX_NAME_WORDS


# The reader's alphabet: Uzbek Latin does not follow Unicode's order (oʻ, gʻ, sh,
# ch come after z); Russian does, once ё is е; English does.
_UZBEK_ORDER = (*"abdefghijklmnopqrstuvxyz", "oʻ", "gʻ", "sh", "ch", "ng")
_UZBEK_RANK = {letter: rank for rank, letter in enumerate(_UZBEK_ORDER)}


def _uzbek_key(text: str) -> tuple[int, ...]:
    text = fold(text).replace("'", "ʻ")
    key: list[int] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in _UZBEK_RANK:
            key.append(_UZBEK_RANK[pair])
            i += 2
            continue
        key.append(_UZBEK_RANK.get(text[i], 100 + ord(text[i])))
        i += 1
    return tuple(key)


def sort_key(name: str, locale: str) -> tuple[object, ...]:
    """Surname first, as catalogues of people are ordered, in ``locale``'s alphabet."""
    words = name.split()
    surname, rest = (words[-1], " ".join(words[:-1])) if words else ("", "")
    if locale.startswith("uz") and not re.search(r"[а-яё]", fold(name)):
        return (_uzbek_key(surname), _uzbek_key(rest))
    return (fold(surname), fold(rest))


class Facet(StrEnum):
    """What the catalogue can be filtered by; the letters travel in callback data."""

    article = "a"
    stage = "s"
    region = "r"
    category = "c"


def article_key(code: str, article: str) -> str:
    """A charge as a filter value: ``uk-rf/205.2`` (articles are per code)."""
    return f"{code}/{article}"


def region_key(english_name: str) -> str:
    """A region as a filter value: a short ASCII key of its English name."""
    return re.sub(r"[^a-z0-9]+", "-", english_name.casefold()).strip("-")[:12] or "region"


@dataclass(frozen=True, slots=True)
class Filters:
    article: str | None = None
    stage: str | None = None
    region: str | None = None
    category: str | None = None

    def get(self, facet: Facet) -> str | None:
        value: str | None = getattr(self, facet.name)
        return value

    def with_value(self, facet: Facet, value: str | None) -> Filters:
        return replace(self, **{facet.name: value})

    @property
    def active(self) -> list[Facet]:
        return [facet for facet in Facet if self.get(facet) is not None]


@dataclass(frozen=True, slots=True)
class SearchResult:
    slugs: tuple[str, ...]  # best first
    exact: bool  # every word matched exactly, as a form of the name, or as its beginning

    def __len__(self) -> int:
        return len(self.slugs)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    number: int  # 0-based
    count: int  # pages in all (at least 1)
    total: int  # items in all

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number + 1 < self.count


def page(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """Page ``number`` (0-based, clamped into range: a stale button still lands somewhere)."""
    count = max(1, -(-len(items) // size))
    number = min(max(number, 0), count - 1)
    return Page(tuple(items[number * size : (number + 1) * size]), number, count, len(items))


@dataclass(slots=True)
class _Entry:
    slug: str
    keys: dict[str, tuple[object, ...]]  # locale → sort key
    updated: dt.date  # the date of the latest event
    facets: dict[Facet, frozenset[str]] = field(default_factory=dict)


class CatalogueIndex:
    """Names, orders and facets of one catalogue; built once, read by every update."""

    def __init__(
        self,
        cases: Iterable[Case],
        previous: CatalogueIndex | None = None,
        given: Mapping[str, tuple[object, frozenset[str]]] | None = None,
    ) -> None:
        """``previous``: the index this one replaces; a case object it has read already (one
        /reload did not parse again) is taken from it as it was. ``given``: entries
        :meth:`read_case` made elsewhere (with the folder, in another process), by slug."""
        self._entries: dict[str, _Entry] = {}
        words: dict[str, set[str]] = defaultdict(set)
        self._name_words: dict[str, frozenset[str]] = {}
        self.region_names: dict[str, dict[str, str]] = {}  # key → locale → name
        self._read: dict[str, tuple[Case, _Entry, frozenset[str]]] = {}
        kept = previous._read if previous is not None else {}
        memo: dict[str, str] = {}
        for case in cases:
            held = kept.get(case.slug)
            if held is not None and held[0] is case:
                entry, own = held[1], held[2]
            elif given and case.slug in given:
                made, own = given[case.slug]
                assert isinstance(made, _Entry)
                entry = made
            else:
                entry, own = self.read_case(case, memo)
            self._read[case.slug] = (case, entry, own)
            for word in own:
                words[word].add(case.slug)
            self._name_words[case.slug] = own
            if case.facts.region is not None:
                key = region_key(case.facts.region.en)
                self.region_names.setdefault(key, {loc: case.facts.region.get(loc) for loc in READER_LOCALES})
            self._entries[case.slug] = entry
        self._words = {word: frozenset(slugs) for word, slugs in words.items()}
        self._sorted_words = sorted(self._words)
        self._browse: dict[str, tuple[str, ...]] = {}
        self._rank: dict[str, dict[str, int]] = {}  # locale → slug → place in browse(locale)
        self._recent = tuple(
            e.slug for e in sorted(self._entries.values(), key=lambda e: (e.updated, e.slug), reverse=True)
        )

    @staticmethod
    def read_case(case: Case, memo: dict[str, str]) -> tuple[_Entry, frozenset[str]]:
        """What the index keeps of one case: its entry (orders, facets) and its name words."""
        own: set[str] = set()
        for name in [case.name(loc) for loc in LOCALES] + list(case.facts.aliases):
            own.update(name_words(name, memo))
        stage = case.status_event.stage
        facets: dict[Facet, frozenset[str]] = {
            Facet.article: frozenset(article_key(c.code.value, c.article) for c in case.facts.charges),
            Facet.stage: frozenset({stage.value}) if stage else frozenset(),
        }
        if case.facts.region is not None:
            facets[Facet.region] = frozenset({region_key(case.facts.region.en)})
        if case.facts.category is not None:
            facets[Facet.category] = frozenset({case.facts.category})
        entry = _Entry(
            slug=case.slug,
            keys={loc: sort_key(case.name(loc), loc) for loc in READER_LOCALES},
            updated=case.facts.timeline[-1].date,
            facets=facets,
        )
        return entry, frozenset(own)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, slug: object) -> bool:
        return slug in self._entries

    # -- orders -------------------------------------------------------------------

    def browse(self, locale: str) -> tuple[str, ...]:
        """Every case, by surname in the reader's alphabet."""
        if locale not in self._browse:
            key = locale if locale in READER_LOCALES else "en"
            self._browse[locale] = tuple(
                sorted(self._entries, key=lambda slug: (self._entries[slug].keys[key], slug))
            )
        return self._browse[locale]

    def recent(self, updated: Mapping[str, dt.date] | None = None) -> tuple[str, ...]:
        """Every case, the latest change first: its file's latest event, or ``updated``
        (the day of an admin's latest news or /status), whichever is later."""
        if not updated:
            return self._recent
        entries = self._entries

        def last_change(slug: str) -> tuple[object, str]:
            own = entries[slug].updated
            extra = updated.get(slug)
            return (max(own, extra) if extra is not None and extra > own else own, slug)

        return tuple(sorted(entries, key=last_change, reverse=True))

    def _places(self, locale: str) -> dict[str, int]:
        """Each slug's place in :meth:`browse`: a few slugs put in that order without walking it."""
        places = self._rank.get(locale)
        if places is None:
            places = self._rank[locale] = {slug: i for i, slug in enumerate(self.browse(locale))}
        return places

    def _ordered(self, slugs: Iterable[str], locale: str) -> list[str]:
        return sorted(set(slugs), key=self._places(locale).__getitem__)

    # -- names --------------------------------------------------------------------

    def _word_matches(self, word: str, *, fuzzy_cutoff: float | None = FUZZY_CUTOFF) -> dict[str, float]:
        """Slug → how sure, for the cases one of whose name words ``word`` may be."""
        found: dict[str, float] = {}

        def add(slugs: Iterable[str], quality: float) -> None:
            for slug in slugs:
                if found.get(slug, 0.0) < quality:
                    found[slug] = quality

        if word in self._words:
            add(self._words[word], EXACT)
        # A name with a grammatical ending: the stored word is a prefix of the typed one.
        for cut in range(1, MAX_ENDING + 1):
            stem = word[:-cut]
            if len(stem) >= MIN_STEM and stem in self._words:
                add(self._words[stem], INFLECTED)
        # A name typed in part: the typed word is a prefix of stored ones.
        if len(word) >= 3:
            start = bisect.bisect_left(self._sorted_words, word)
            for stored in self._sorted_words[start:]:
                if not stored.startswith(word):
                    break
                if stored != word:
                    add(self._words[stored], PREFIX)
        if not found and fuzzy_cutoff is not None and len(word) >= 4:
            for stored, score, _ in process.extract(
                word, self._sorted_words, scorer=fuzz.ratio, score_cutoff=fuzzy_cutoff, limit=12
            ):
                add(self._words[stored], FUZZY_SCALE * score / 100)
        return found

    def _score(self, words: list[str], *, fuzzy_cutoff: float = FUZZY_CUTOFF) -> dict[str, list[float]]:
        """Slug → the quality of each word, for the cases every word matches."""
        scores: dict[str, list[float]] | None = None
        for word in words:
            matches = self._word_matches(word, fuzzy_cutoff=fuzzy_cutoff)
            if scores is None:
                scores = {slug: [quality] for slug, quality in matches.items()}
            else:
                scores = {slug: [*q, matches[slug]] for slug, q in scores.items() if slug in matches}
            if not scores:
                return {}
        return scores or {}

    def search(self, text: str, locale: str) -> SearchResult:
        """The cases whose name ``text`` spells, in any script and spelling, best first."""
        words = name_words(text)[:MAX_NAME_WORDS]
        if not words:
            return SearchResult((), False)
        scores = self._score(words)
        strong = {slug: q for slug, q in scores.items() if min(q) >= STRONG}
        chosen = strong or scores
        entries = self._entries
        ranked = sorted(chosen, key=lambda slug: (-sum(chosen[slug]), entries[slug].keys.get(locale, ())))
        return SearchResult(tuple(ranked), bool(strong))

    def nearest(self, text: str, locale: str, limit: int = NEAREST) -> tuple[str, ...]:
        """The closest names when nothing matches, for "did you mean…" (none when none is close)."""
        best: dict[str, float] = defaultdict(float)
        for word in name_words(text)[:MAX_NAME_WORDS]:
            if len(word) < 3:
                continue
            for stored, score, _ in process.extract(
                word, self._sorted_words, scorer=fuzz.ratio, score_cutoff=NEAREST_CUTOFF, limit=limit * 4
            ):
                for slug in self._words[stored]:
                    best[slug] = max(best[slug], score)
        ranked = sorted(best, key=lambda slug: (-best[slug], self._entries[slug].keys.get(locale, ())))
        return tuple(ranked[:limit])

    def named_in(self, text: str) -> tuple[str, ...]:
        """The cases a free-text message names: those matching the most of its words.

        Only exact forms count here (a name, with an ending): a question's ordinary
        words must not pass for a misspelt name.
        """
        matched: dict[str, int] = defaultdict(int)
        for word in name_words(text[:400])[:40]:
            if len(word) < 3:
                continue
            for slug, quality in self._word_matches(word, fuzzy_cutoff=None).items():
                if quality >= INFLECTED:
                    matched[slug] += 1
        if not matched:
            return ()
        most = max(matched.values())
        return tuple(self._ordered((slug for slug, n in matched.items() if n == most), "en"))

    # -- filters ------------------------------------------------------------------

    def _values(self, slug: str, facet: Facet, stages: Mapping[str, str]) -> frozenset[str]:
        if facet is Facet.stage and slug in stages:
            return frozenset({stages[slug]})
        return self._entries[slug].facets.get(facet, frozenset())

    def _matches(
        self, slug: str, filters: Filters, stages: Mapping[str, str], skip: Facet | None = None
    ) -> bool:
        for facet in Facet:
            wanted = filters.get(facet)
            if facet is skip or wanted is None:
                continue
            if wanted not in self._values(slug, facet, stages):
                return False
        return True

    def filter(self, filters: Filters, locale: str, stages: Mapping[str, str] | None = None) -> list[str]:
        """The cases every active filter admits, in the reader's alphabet.

        ``stages``: the stage each case's card shows where an admin's /status set a newer
        one than its file (bot/domain/news.py, ``catalogue_overrides``).
        """
        stages = stages or {}
        return [slug for slug in self.browse(locale) if self._matches(slug, filters, stages)]

    def facet_values(
        self, filters: Filters, facet: Facet, stages: Mapping[str, str] | None = None
    ) -> list[tuple[str, int]]:
        """Each value of ``facet`` with the number of cases it leaves, the other filters applied."""
        stages = stages or {}
        counts: dict[str, int] = defaultdict(int)
        for slug in self._entries:
            if self._matches(slug, filters, stages, skip=facet):
                for value in self._values(slug, facet, stages):
                    counts[value] += 1
        return sorted(counts.items(), key=lambda item: _facet_order(facet, item[0]))


_STAGE_ORDER = {stage.value: i for i, stage in enumerate(Stage)}


def _facet_order(facet: Facet, value: str) -> tuple[object, ...]:
    if facet is Facet.stage:
        return (_STAGE_ORDER.get(value, 99), value)
    if facet is Facet.article:
        code, _, article = value.partition("/")
        number = tuple(int(p) for p in article.split(".") if p.isdigit())
        return (code, number, value)
    return (value,)
