"""Uzbek in Cyrillic script: made from the Latin texts, and read back for matching.

One module owns both directions, so what the bot writes and what it understands
follow the same rules:

- :class:`Transliterator` turns Uzbek Latin into Cyrillic (``uz`` → ``uz-Cyrl``)
  for the Fluent files, the case files and admin news. What is not Uzbek text
  stays as it is: HTML tags and entities, URLs, e-mail addresses, @usernames,
  ``/commands``, ``#hashtags`` and digits; :func:`transliterate_fluent` also keeps
  every placeable, selector and message id, since only Fluent's text elements
  reach the transliterator.
- :class:`CyrillicUzbekReader` folds a question typed in Cyrillic Uzbek back to
  Latin, including the way people type it on a Russian keyboard (у for ў, к for
  қ, х for ҳ, г for ғ), choosing per word the reading the case files use.

Why rules of our own and not a library: the one maintained Uzbek transliterator
on PyPI (``alifbo``) gets the plain letters right and is the second source our
test table is checked against (tests/test_uzbek_cyrillic.py), but it turns ts
into ц in native words (aytsa → айца), rewrites HTML tags and Fluent variables,
and has no word list we could extend per case.

The rules (the 1995 Latin alphabet read back into the 1940 Cyrillic one):
oʻ → ў, gʻ → ғ, sh → ш, ch → ч, ng stays нг, yo/yu/ya → ё/ю/я, ye → е, e → э at
the start of a word and after a vowel (else е), q → қ, h → ҳ, x → х, the tutuq
belgisi ʼ → ъ (dropped in sʼh, which only keeps s and h apart), ts → ц only
where Russian loanwords have it (-tsiya, -tsion, -tsov …). Everything else —
Russian names and places, loanwords with ь or я that Latin spelling lost
(sentabr → сентябрь), organisations — comes from an exceptions list: a shared
one (``bot/uz-Cyrl.exceptions.toml``) and one per case
(``data/cases/<slug>/uz-Cyrl.exceptions.toml``).
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

from fluent.syntax import ast as fluent_ast
from fluent.syntax.visitor import Transformer

from bot.text import APOSTROPHES

EXCEPTIONS_FILE = "uz-Cyrl.exceptions.toml"

_LETTERS = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ",
    "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
    "q": "қ", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "х",
    "y": "й", "z": "з",
}  # fmt: skip
_IOTATED = {"yo": "ё", "yu": "ю", "ya": "я", "ye": "е"}
_VOWELS = frozenset("aeiouўАЕИОУЎаеиоуёюяэ")
_APOSTROPHE_SET = frozenset(APOSTROPHES)
# Russian loanwords keep ц where Latin writes ts before these (Federatsiya,
# natsional, Kuznetsov, tsement); in native words ts is t + s (aytsa, ketsin).
_TS_LOANWORD = re.compile(r"ts(?=iy|io|ov|ev|ent|ikl|irk|ement)")

_APOS = re.escape(APOSTROPHES)
# A Latin word: letters, apostrophes inside it, and one after a final o or g (togʻ).
_WORD = re.compile(rf"[A-Za-z]+(?:[{_APOS}][A-Za-z]+)*(?:(?<=[oOgG])[{_APOS}])?")
# What is not Uzbek prose and must come out as it went in.
_PROTECTED_PATTERNS = (
    r"<[^<>]*>",  # an HTML tag, with its attributes
    r"&lt;/?[a-z][a-z-]*(?:\s[^<>]*?)?&gt;",  # a tag shown as an example (&lt;b&gt;), a placeholder
    r"&amp;(?:[a-zA-Z]+|#\d+);",  # an entity shown as an example (&amp;lt;)
    r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);",  # an entity
    r"\b(?:https?://|www\.|t\.me/)[^\s<>\"«»]+",  # a URL
    r"[\w.+-]+@[\w-]+\.[\w.-]+",  # an e-mail address
    r"(?<![\w/])[/@#][A-Za-z_][\w]*",  # /command, @username, #hashtag
    r"\[[a-z|_-]+\]",  # a usage line's placeholders: [slug], [csv|json]
    r"\([a-z]\)",  # a cited document's paragraph letter, as in every language: PACE 3 (c)
    r"\bYYYY(?:-MM(?:-DD)?)?\b",  # the date format admins are asked to type
)
_PROTECTED = re.compile("|".join(_PROTECTED_PATTERNS))


def _fold_key(word: str) -> str:
    """How an exception is looked up: lower case, every apostrophe the same."""
    return "".join("'" if c in _APOSTROPHE_SET else c for c in word.lower())


def _match_case(source: str, target: str) -> str:
    letters = [c for c in source if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return target.upper()
    if letters and letters[0].isupper():
        return target[:1].upper() + target[1:]
    return target


class ExceptionsError(ValueError):
    """An exceptions file is unreadable or malformed; the message names file and entry."""


def read_exceptions(path: Path) -> dict[str, str]:
    """``[words]`` of an exceptions file: Latin spelling = Cyrillic spelling.

    A key ending in ``*`` is a stem: the rest of the word follows the rules
    (``"sentabr*" = "сентябр*"`` makes sentabrda сентябрда). A missing file is
    an empty list.
    """
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ExceptionsError(f"{path}: (file): not valid TOML: {exc}") from exc
    words = raw.get("words", {})
    unknown = sorted(set(raw) - {"words"})
    if unknown or not isinstance(words, dict):
        raise ExceptionsError(f"{path}: {unknown[0] if unknown else 'words'}: expected only a [words] table")
    for key, value in words.items():
        if not isinstance(value, str) or not value.strip():
            raise ExceptionsError(f"{path}: words.{key}: expected a Cyrillic spelling")
        if key.endswith("*") != value.endswith("*"):
            raise ExceptionsError(f"{path}: words.{key}: a stem and its spelling both end in *")
        if not _WORD.fullmatch(key.rstrip("*").removeprefix("@")):
            raise ExceptionsError(f"{path}: words.{key}: expected one Latin word")
    return dict(words)


def shared_transliterator() -> Transliterator:
    """The rules with the shared exceptions list (shipped beside this module)."""
    return _shared()


@functools.cache
def _shared() -> Transliterator:
    return Transliterator(read_exceptions(Path(__file__).with_name(EXCEPTIONS_FILE)))


class Transliterator:
    """Uzbek Latin → Cyrillic under one list of exceptions (shared, plus a case's own)."""

    def __init__(self, exceptions: Mapping[str, str] | None = None) -> None:
        self._exceptions = dict(exceptions or {})
        self._words: dict[str, str] = {}
        self._stems: dict[str, str] = {}
        for key, value in (exceptions or {}).items():
            if key.endswith("*"):
                self._stems[_fold_key(key[:-1])] = value[:-1]
            else:
                self._words[_fold_key(key)] = value
        self._longest_stem = max(map(len, self._stems), default=0)
        # Words whose ь goes when a suffix follows (февраль → февралдан): an exact
        # spelling with ь whose stem entry has none.
        stems = set(self._stems.values())
        soft = sorted({w[:-1] for w in self._words.values() if w.endswith("ь") and w[:-1] in stems})
        self._soft_before_suffix = (
            re.compile(rf"(?i)\b({'|'.join(map(re.escape, soft))})ь(?=[а-яёўқғҳ])") if soft else None
        )
        # Texts repeat their words endlessly; the cache makes a case's texts cheap.
        # Only ever filled from our own files and admins' news, never from readers.
        self._cache: dict[str, str] = {}

    def reversed_exceptions(self) -> tuple[dict[str, str], dict[str, str]]:
        """Cyrillic spelling → Latin, for whole words and for stems, lower case."""
        words = {v.lower(): k.lower() for k, v in self._exceptions.items() if not k.endswith("*")}
        stems = {v[:-1].lower(): k[:-1].lower() for k, v in self._exceptions.items() if k.endswith("*")}
        return words, stems

    @property
    def spellings(self) -> frozenset[str]:
        """The Cyrillic words the exceptions list writes (Мещанский, февраль), lower case."""
        return frozenset(v.lower().rstrip("*") for v in self._exceptions.values())

    def with_exceptions(self, more: Mapping[str, str]) -> Transliterator:
        """This list extended (and overridden) by ``more``: a case's own words."""
        if not more:
            return self
        return Transliterator({**self._exceptions, **more})

    def __call__(self, text: str, keep: Iterable[str] = ()) -> str:
        """``text`` in Cyrillic; what is not Uzbek prose (see the module doc) stays, and so
        do the words in ``keep`` (case slugs an admin's news may name: /sign khamroev)."""
        protected = _PROTECTED
        if keep:
            words = "|".join(re.escape(w) for w in sorted(keep, key=len, reverse=True))
            protected = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])|{_PROTECTED.pattern}")
        out: list[str] = []
        position = 0
        for match in protected.finditer(text):
            out.append(self._prose(text[position : match.start()]))
            # What the rules keep, the exceptions list may still spell (@foydalanuvchi,
            # a placeholder for a username, is a word).
            out.append(self._words.get(_fold_key(match.group()), match.group()))
            position = match.end()
        out.append(self._prose(text[position:]))
        return "".join(out)

    def join_suffixes(self, text: str) -> str:
        """Drop the ь of a loanword that a suffix now follows: a date made by one Fluent
        message and its suffix by another ({ $date }dan) meet only after formatting."""
        return self._soft_before_suffix.sub(r"\1", text) if self._soft_before_suffix else text

    def _prose(self, text: str) -> str:
        return _WORD.sub(lambda m: self.word(m.group()), text) if text else text

    def word(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = self._word(word)
        return cached

    def _word(self, word: str) -> str:
        key = _fold_key(word)
        exact = self._words.get(key)
        if exact is not None:
            return _match_case(word, exact)
        for length in range(min(len(key), self._longest_stem), 2, -1):
            stem = self._stems.get(key[:length])
            if stem is not None:
                rest = word[length:]
                return _match_case(word[:length], stem) + _letters(rest, initial=False, after=stem[-1])
        return _letters(word, initial=True, after="")


def _letters(word: str, *, initial: bool, after: str) -> str:
    """The rules, letter by letter; ``after`` is what precedes ``word`` (for е/э)."""
    lower = word.lower()
    out: list[str] = []
    previous = after  # the last letter written, in Cyrillic
    i = 0
    n = len(word)
    while i < n:
        c = lower[i]
        upper = word[i].isupper()
        nxt = lower[i + 1] if i + 1 < n else ""
        if c in "og" and nxt in _APOSTROPHE_SET:
            letter, step = ("ў" if c == "o" else "ғ"), 2
        elif c in _APOSTROPHE_SET:
            # Between s and h it only says "not sh" (Isʼhoq → Исҳоқ); elsewhere ъ.
            if previous == "с" and nxt == "h":
                i += 1
                continue
            # Ъ in an all-caps word (TAʼQIB → ТАЪҚИБ), else ъ.
            letter, step = "ъ", 1
            upper = word[i - 1 : i].isupper() and word[i + 1 : i + 2].isupper()
        elif c == "s" and nxt == "h":
            letter, step = "ш", 2
        elif c == "c" and nxt == "h":
            letter, step = "ч", 2
        elif c == "y" and nxt in "oaue" and nxt and lower[i : i + 2] in _IOTATED:
            # yoʻq is y + oʻ, not ё + ʻ
            if nxt == "o" and i + 2 < n and lower[i + 2] in _APOSTROPHE_SET:
                letter, step = "й", 1
            else:
                letter, step = _IOTATED[lower[i : i + 2]], 2
        elif c == "t" and _TS_LOANWORD.match(lower, i):
            letter, step = "ц", 2
        elif c == "e":
            starts_word = i == 0 and initial
            letter, step = ("э" if starts_word or previous in _VOWELS else "е"), 1
        else:
            letter, step = _LETTERS.get(c, word[i]), 1
        if upper:
            # All-caps words (SHAHAR → ШАҲАР) and capitalised ones (Shahar → Шаҳар) alike:
            # the Cyrillic letter takes the case of the first Latin letter it replaces.
            letter = letter.upper()
        out.append(letter)
        previous = letter.lower()
        i += step
    return "".join(out)


# Stands for a placeable while a pattern's text is transliterated as one string, so
# an HTML tag cut by a placeable (<a href="{ $url }">) is still seen whole.
_PLACEABLE = "\ue000"


class _FluentTexts(Transformer):
    """Transliterates a Fluent resource's text elements and nothing else."""

    def __init__(self, transliterate: Transliterator) -> None:
        self._transliterate = transliterate

    def visit_Pattern(self, node: fluent_ast.Pattern) -> fluent_ast.Pattern:
        joined = "".join(
            e.value if isinstance(e, fluent_ast.TextElement) else _PLACEABLE for e in node.elements
        )
        parts = iter(self._transliterate(joined).split(_PLACEABLE))
        current = next(parts)
        for element in node.elements:
            if isinstance(element, fluent_ast.TextElement):
                element.value, current = current, ""
            else:
                current = next(parts)
        self.generic_visit(node)  # select expressions hold patterns of their own
        return node


def transliterate_fluent(resource: fluent_ast.Resource, transliterate: Transliterator) -> fluent_ast.Resource:
    """``resource`` (parsed Fluent) with its text in Cyrillic: ids, placeables, selectors,
    variant keys and string literals are untouched."""
    return _FluentTexts(transliterate).visit(resource)


# -- reading Cyrillic Uzbek as Latin ------------------------------------------------

_FROM_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ж": "j", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "ʼ", "ь": "", "ы": "i", "э": "e", "ё": "yo", "ю": "yu", "я": "ya",
    "ў": "oʻ", "қ": "q", "ғ": "gʻ", "ҳ": "h",
}  # fmt: skip
_CYRILLIC_VOWELS = frozenset("аеёиоуўэюя")
# Letters a Russian keyboard lacks, and what people type instead.
_RUSSIAN_KEYBOARD = {"у": ("u", "oʻ"), "к": ("k", "q"), "х": ("x", "h"), "г": ("g", "gʻ")}
_UZBEK_ONLY = frozenset("ўқғҳЎҚҒҲ")
_CYRILLIC_WORD = re.compile(r"[а-яёўқғҳА-ЯЁЎҚҒҲ]+(?:[-ʼʻ'’][а-яёўқғҳА-ЯЁЎҚҒҲ]+)*")
_KNOWN_BEGINNING = 6  # letters a word must share with a known Uzbek word to count as Uzbek
_MAX_AMBIGUOUS = 6  # letters per word tried both ways (2⁶ readings at most)
_MAX_WORDS = 40  # words of a message weighed (the matcher reads no more)


# Words that say "this is Uzbek" whatever the case files contain.
def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_UZBEK_WORDS = _wordset(
    """nega nima nimaga nimada nimani qachon qayerda qayer qaysi kim kimga qanday qanaqa qancha
    necha nechta uchun haqida bilan bor yoq yoʻq emas edi ekan u uni unga uning ular va bu shu ham
    salom rahmat qamoq qamoqda qamalgan sud hukm imzo ozod ayblanmoqda ayblov mahbus siyosiy"""
)


def _plain(token: str) -> str:
    """How the matcher reads a word: lower case, no apostrophes."""
    return "".join(c for c in token.lower() if c not in _APOSTROPHE_SET)


def _readings(word: str, russian_keyboard: bool = True) -> list[str]:
    """Every Latin reading of a Cyrillic word, the literal one first.

    ``russian_keyboard``: у к х г may stand for ў қ ҳ ғ (no text typed with ў қ ғ ҳ
    elsewhere says the writer has those keys)."""
    lower = word.lower()
    options: list[tuple[str, ...]] = []
    ambiguous = 0
    previous = ""
    for i, c in enumerate(lower):
        if c == "е":
            # Initial or after a vowel е is ye (ертага may also be typed for эртага).
            if i == 0:
                choice: tuple[str, ...] = ("ye", "e")
                ambiguous += 1
            else:
                choice = ("ye",) if previous in _CYRILLIC_VOWELS or previous in "ъь" else ("e",)
        elif c == "ц":
            choice = ("ts",) if previous in _CYRILLIC_VOWELS else ("s",)
        elif c in _RUSSIAN_KEYBOARD and russian_keyboard and ambiguous < _MAX_AMBIGUOUS:
            choice = _RUSSIAN_KEYBOARD[c]
            ambiguous += 1
        else:
            choice = (_FROM_CYRILLIC.get(c, c),)
        options.append(choice)
        previous = c
    return ["".join(parts) for parts in itertools.product(*options)]


class CyrillicUzbekReader:
    """Folds Cyrillic Uzbek to the Latin the question index knows.

    ``uzbek`` is that index's Uzbek vocabulary (words as the matcher reads them:
    lower case, apostrophes dropped) and ``russian`` its Russian one; they decide
    whether a Cyrillic text is Uzbek at all when it has no ў қ ғ ҳ, and which
    reading of у/к/х/г a word typed on a Russian keyboard has. Nothing a reader
    types is kept.
    """

    def __init__(self, uzbek: Iterable[str], russian: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        self._words = {_plain(w) for w in uzbek} | {_plain(w) for w in _UZBEK_WORDS}
        # Names (Hamroyev) guide the reading of Хамроев but say nothing of the language.
        self._names = {_plain(w) for w in names if w.isascii()}
        self._uzbek = self._words | self._names
        # Russian names an Uzbek text also uses (Мещанский) say nothing of its language.
        self._russian = {w.lower() for w in russian} - {"у"} - shared_transliterator().spellings
        self._prefixes: set[str] = set()
        for known in self._uzbek:
            for end in range(3, len(known) + 1):
                self._prefixes.add(known[:end])
        # The exceptions list read backwards: Фейсбукда is Facebookda, февралдан fevraldan.
        self._spelled, self._spelled_stems = shared_transliterator().reversed_exceptions()
        self._longest_spelled = max(map(len, self._spelled_stems), default=0)

    def _spelled_by_exception(self, lower: str) -> bool:
        longest = min(len(lower), self._longest_spelled)
        return lower in self._spelled or any(lower[:n] in self._spelled_stems for n in range(3, longest + 1))

    def _best(self, word: str, russian_keyboard: bool = True) -> tuple[str, int]:
        """The likeliest Latin reading of ``word`` and how sure: 1000 and up for a word
        the vocabulary knows, else the length of the longest known beginning."""
        lower = word.lower()
        if lower in self._spelled:
            return self._spelled[lower], 1000 + len(lower)
        for length in range(min(len(lower), self._longest_spelled), 2, -1):
            stem = self._spelled_stems.get(lower[:length])
            if stem is not None:
                rest = _readings(lower[length:], russian_keyboard=False)[0] if length < len(lower) else ""
                return stem + rest, 1000 + len(lower)
        if len(word) <= 2:
            # Too short to tell у from ў by the vocabulary: read as typed (у, уй, ки).
            russian_keyboard = False
        best, best_score = "", -1
        for rank, reading in enumerate(_readings(word, russian_keyboard)):
            plain = _plain(reading)
            if plain in self._uzbek:
                score = 1000 + len(plain)
            else:
                score = next((end for end in range(len(plain), 2, -1) if plain[:end] in self._prefixes), 0)
                # The letters as typed win unless another reading is clearly better known.
                score += 1 if rank == 0 else 0
            if score > best_score:
                best, best_score = reading, score
        return best, best_score

    def _analysed(self, text: str, russian_keyboard: bool) -> dict[str, tuple[str, int]]:
        """Each distinct Cyrillic word of ``text`` (the first 40) with its best reading."""
        found: dict[str, tuple[str, int]] = {}
        for match in itertools.islice(_CYRILLIC_WORD.finditer(text), _MAX_WORDS):
            word = match.group()
            if word not in found:
                found[word] = self._best(word, russian_keyboard)
        return found

    def is_uzbek(self, text: str) -> bool:
        """Whether a Cyrillic ``text`` is Uzbek rather than Russian."""
        return self._is_uzbek(text, self._analysed(text, not _UZBEK_ONLY & set(text)))

    def _is_uzbek(self, text: str, analysed: dict[str, tuple[str, int]]) -> bool:
        if _UZBEK_ONLY & set(text):
            return True
        uzbek = russian = 0
        for word, (reading, sure) in analysed.items():
            lower = word.lower()
            in_russian = lower.replace("ё", "е") in self._russian or lower in self._russian
            if _plain(reading) in self._names and _plain(reading) not in self._words:
                continue
            if self._spelled_by_exception(lower):
                continue  # Мещанский, Фейсбук: names both languages write alike
            # A known word, or the beginning of one long enough to be no accident.
            in_uzbek = sure >= 1000 or sure >= _KNOWN_BEGINNING
            if in_uzbek and not in_russian:
                uzbek += 1
            elif in_russian and not in_uzbek:
                russian += 1
        # A word both know (суд, «Ёрдам») decides nothing: alone, the text stays Russian.
        return uzbek > russian

    def to_latin(self, text: str) -> str | None:
        """``text`` with its Cyrillic words in Uzbek Latin, or None if it is not Cyrillic Uzbek."""
        if not _CYRILLIC_WORD.search(text):
            return None
        analysed = self._analysed(text, russian_keyboard=not _UZBEK_ONLY & set(text))
        if not self._is_uzbek(text, analysed):
            return None

        def latin(match: re.Match[str]) -> str:
            word = match.group()
            reading = analysed[word][0] if word in analysed else _readings(word, False)[0]
            return _match_case(word, reading)

        return _CYRILLIC_WORD.sub(latin, text)
