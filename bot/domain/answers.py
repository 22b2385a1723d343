"""Free-text questions about a case, matched to the questions its file answers.

Pure Python over a :class:`~bot.cases.catalog.Catalog`: no aiogram, no I/O, no
globals. ``create_dispatcher`` builds one :class:`QuestionIndex` per catalogue;
the ``questions`` router asks it what to do with a message and renders the
:class:`Outcome`. The bot never composes an answer: an outcome names a stored
entry (or a list of them, or the menu), and only the case file's text is shown.

How matching works, and why this way
------------------------------------
The stored side is small and curated (a dozen or two entries per case, each
with several phrasings per language, plus the answer text), while the asking
side is short, colloquial, misspelt and in one of three languages. What decides
the entry is a few content words ("sentence", «обыск», "tintuv"), and what must
decide *against* answering is a message whose content words the case files never
use ("weather", «борщ», "palov").

- **Terms, not strings.** Text is normalised (case, ё→е, NFC, every apostrophe
  variant ʻ ʼ ‘ ’ ' ` folded and dropped so oʻ = o' = o, punctuation, the English
  possessive) and cut into words; stop words go. Russian and English words are
  reduced by the Snowball stemmers (``snowballstemmer``, in C through PyStemmer:
  the reference algorithms, maintained by the Snowball project), so «обвиняют»,
  «обвинили», "charged", "charges" meet. Snowball has no Uzbek, so Uzbek words
  lose their common suffixes by a short rule (plural, possessive, case,
  question particle and the usual verb endings: qamoqdami → qamoq).
- **Weights from rarity (BM25's idf).** Each entry is one document: the terms of
  its phrasings in all languages, and, at a lower weight, of its answer. A term
  counts by how few entries use it, so "sentence" decides and "what" barely
  does. The score is the *share of the question's weight* that an entry covers,
  a number in [0, 1]; a word no case file uses carries the highest weight and so
  pulls the score down. That is what turns "what's the weather in Tashkent" into
  the menu instead of a wrong answer, and why this is not a plain BM25 sum,
  whose raw, unbounded scores give no threshold that means the same for every
  catalogue (and ``rank_bm25``, the usual package, is not maintained).
- **Typos and word forms via rapidfuzz.** A word the index does not know is
  matched to known terms sharing a long prefix («обвиняют» ~ «обвинение») or, failing
  that, within edit-distance ratio 80 by ``rapidfuzz`` (C++, fast, maintained;
  "sentance" → "sentence") — at a discount, so a guess never outweighs a hit.
  rapidfuzz alone, as whole-string similarity, was the other candidate: it
  scores shared letters rather than informative words, so "which court in
  Moscow" and "the weather in Moscow" come out alike, and there is no honest
  threshold for off-topic text. It also finds names with endings the aliases do
  not list ("Khamroev's", «Хамроевым», "Hamroyevlarga").

- **Words people use for the case files' words.** A short thesaurus reads
  "apartment" as "flat" and «решётка» as «тюрьма»; related forms of a known
  word count («обвинили» ~ «обвиняют»); the word a "which …?" asks about
  weighs more ("what *court* locked him up"); words that frame or judge a
  request ("I'm a journalist…", «нормальная») are function words.
- **Who is asked about.** A question that points at no one — no he, «он», u,
  no name — is answered only when its own words are the entry's phrasings'
  words: "who are you", "how old is the president" and "help me with my
  homework" get the menu or a list, not a case fact.

The case a question is about: a case named in it (aliases and names, any
script, with endings and typos), else the one the user last opened, else the
only case, else the user is asked — with each case's own best match on its
button, so the question itself is never stored. The answer language: the user's
locale unless the text is clearly in another of the three (script, then Uzbek vs
English by vocabulary and Uzbek suffixes). The user's text is never logged or
kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from enum import StrEnum
from sys import intern
from typing import Any

import snowballstemmer
from cachetools import LRUCache
from rapidfuzz import fuzz, process

from bot.cases.catalog import Catalog
from bot.cases.models import LOCALES, Case, PointerKind
from bot.domain.answer_lexicon import FRAMING_WORDS, GENERAL_SCOPE, GENERIC_PRESENT, THESAURUS_MORE
from bot.locales import UZ_CYRL
from bot.text import fold
from bot.uzbek_cyrillic import CyrillicUzbekReader

# Long messages are not questions; the cap also bounds the work per message.
MAX_CHARS = 400
MAX_TOKENS = 40

# Thresholds (see the docstring), set on the tuning set tests/qa/*.toml with
# `make eval-qa`, never on the held-out set tests/qa/second/. They move only the
# line between answering and offering a list, never which entry ranks first.
CONFIDENT = 0.45  # the score of an answer given outright…
QUESTION_FLOOR = 0.35  # …which must explain a good third of the question…
PHRASING_FLOOR = 0.4  # …say a good part of one stored phrasing…
MARGIN = 0.1  # …and lead the runner-up by this much.
STANDALONE_FLOOR = 0.4  # …or, when it points at no one, explain this share of it
WEAK = 0.2  # below this (score, or share of the question explained): the menu
SUGGESTIONS = 5
CASE_CHOICES = 8  # cases offered when a question names none

QUESTION_SHARE = 0.7  # of the score; the rest is the share of the closest phrasing covered
UNKNOWN_DF = 1  # a word a case never uses counts as rare as its rarest word
ANSWER_WEIGHT = 0.4  # a term found only in an entry's answer, not in its phrasings
FIGURE_WEIGHT = 0.75  # …unless it is a figure (a date, a term, an article)
BARE_PHRASING_SHARE = 0.5  # how much a question with words of its own says of "Who is he?"
PREFIX_QUALITY = 0.8
FUZZY_QUALITY = 0.7
FUZZY_CUTOFF = 80
NAME_FUZZY_CUTOFF = 85

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*")
_CYRILLIC = re.compile(r"[а-яё]")
_LATIN = re.compile(r"[a-z]")
_UZBEK_CYRILLIC = frozenset("ўқғҳ")

_UZBEK_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "ў": "o", "қ": "q", "ғ": "g", "ҳ": "h",
    }
)  # fmt: skip


_LATIN_TO_CYRILLIC = (
    ("shch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ya", "я"), ("yu", "ю"), ("yo", "е"), ("ye", "е"),
)  # fmt: skip
_LATIN_LETTER_TO_CYRILLIC = str.maketrans("abvgdezijklmnoprstufxhcyw", "абвгдезийклмнопрстуфххцыв")


def _latin_to_cyrillic(word: str) -> str:
    """A Russian word as typed in Latin letters, back in Cyrillic (srok → срок)."""
    for latin, cyrillic in _LATIN_TO_CYRILLIC:
        word = word.replace(latin, cyrillic)
    return word.translate(_LATIN_LETTER_TO_CYRILLIC)


def _wordset(text: str) -> frozenset[str]:
    # Word lists read best as running text; this keeps them so.
    return frozenset(text.split())


# Function words only: question words (why, когда, qachon) carry meaning here.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _wordset(
        """a an the is are was were be been being am do does did to of in on at for and or
        but with by from as it its this that these those he him his she her hers they them
        has have had their u we us our s d ll re ve m t so then just tho pls please
        whats hes shes there here about any some really actually ever even also
        guy dude man person bloke up out can could would should will may might must"""
    ),
    "ru": _wordset(
        """и в во не на с со о об обо по к ко у за из от до а но ли же бы ну вот то это этот
        эта эти этой этого он его ему им нем она ее ей они их мы ты
        тебя тебе так там тут ж уже еще был была было были быть есть все вообще
        пожалуйста про для при над под человек мужик чел парень такой такая такое такие
    него нему ним ними нее"""
    ),
    "uz": _wordset(
        """va u uni unga uning undan unda ular ularning bu shu ham bilan edi ekan yoki esa
        da biz ozi endi iltimos odam kishi"""
    ),
}

# Frequent words that tell Uzbek Latin from English when the case files' own
# vocabulary does not (short questions, words shared by both).
_LANGUAGE_HINTS: dict[str, frozenset[str]] = {
    "en": _wordset(
        """what who why when where which how is are was were did does do the a an of to
        he his him it in on with for about can could i you there any tell me please
        hello hi thanks yes no not his"""
    ),
    "uz": _wordset(
        """nima nega nimaga qachon qaysi kim qanday qanaqa qancha necha qayerda qayer u uni
        unga uning va bu shu bilan ham uchun haqida bor yoq emas edi ekan salom rahmat
        assalomu alaykum hozir oldin keyin ozi kerak mumkin boladi bolgan qalay"""
    ),
}
# Words that frame a request rather than say what it is about ("I'm a journalist
# writing a piece: can you confirm…"): read as function words.
REQUEST_WORDS: dict[str, frozenset[str]] = {
    "en": _wordset(
        """journalist reporter writing write piece story publication confirm clarify check
        explain summarise summarize know want wondering wonder curious exactly briefly
        short hi hello thanks thank"""
    ),
    "ru": _wordset(
        """журналист журналистка пишу материал публикации публикация уточните уточнить
        подскажите скажите объясните хочу знать интересно именно кратко
        коротко привет здравствуйте спасибо"""
    ),
    "uz": _wordset(
        """jurnalist jurnalistman maqola maqolaga yozyapman aniqlashtirib aniqlashtiring
        ayting tushuntiring tushuntirib bilmoqchiman qisqacha salom rahmat"""
    ),
}
# Verbs that ask for something without saying what ("tell me about the weather").
ASKING_WORDS: dict[str, frozenset[str]] = {
    "en": _wordset("tell show give say list describe explain"),
    "ru": _wordset("расскажи расскажите покажи покажите скажи дай перечисли опиши объясни"),
    "uz": _wordset("ayt aytib ayting aytchi gapir gapirib korsat sanab tasvirlab tushuntir"),
}
# Verbs that report speech ("what did the experts *say*"): the question is about who
# said it and on what, so they count as asking words.
ASKING_WORDS["en"] |= _wordset("said says told")
ASKING_WORDS["ru"] |= _wordset("сказали сказал сказала говорят говорили говорил заявили заявил")
ASKING_WORDS["uz"] |= _wordset("dedi deyishdi deydi aytdi aytishdi")

# Words that judge rather than name ("was the expertise *fair*?", «он *правда* …»):
# the question is about what they judge.
REQUEST_WORDS["en"] |= _wordset(
    """good fair normal proper real true honest reliable legit correct right problem problems issue wrong
    qualified competent independent biased mistaken properly"""
)
REQUEST_WORDS["ru"] |= _wordset(
    """нормальная нормальный нормальной нормально честная честный честной честно правильная
    правильный правильно настоящий реально правда действительно или проблема проблемы
    компетентные компетентный независимые независимый предвзятые предвзятый квалифицированные
    ошиблись ошибаются ошибочные ошибочны неправы"""
)
REQUEST_WORDS["uz"] |= _wordset(
    "yaxshi halol togri rost rostdan haqiqatan haqiqatdan muammo muammosi haqida malakali xolis"
)
# Who is asking and how sure they are ("my *uncle* is in prison", "where is he
# *originally* from", «что ему вменили *в итоге*»): framing, not what is asked.
REQUEST_WORDS["en"] |= _wordset(
    """dad father mum mom mother uncle aunt brother sister son daughter cousin relative
    relatives family friend neighbour neighbor originally exactly basically
    eventually ultimately keeps keep saying heard hear against link url website"""
)
REQUEST_WORDS["ru"] |= _wordset(
    """папа отец мама мать дядя тетя брат сестра сын дочь родственник родственница
    друг сосед изначально вообще-то итоге слышал слышала говорит против ссылка ссылку сайт"""
)
REQUEST_WORDS["uz"] |= _wordset(
    """dadam otam onam amakim amaki togam toga akam aka ukam opam singlim qarindosh
    qarindoshim dostim qoshnim asli aslida bilsam bilaman eshitdim havola havolasi sayt"""
)
for _language, _text in FRAMING_WORDS.items():
    REQUEST_WORDS[_language] |= _wordset(_text.replace("ʻ", ""))
for _language, _words in REQUEST_WORDS.items():
    STOP_WORDS[_language] = STOP_WORDS[_language] | _words

# Question words say what kind of answer is wanted, not what the question is about:
# "kecha futbolda kim yutdi" shares only "kim" (who) with "U kim?". They count at
# a discount, so that alone they cannot make a message look like a question here.
INTERROGATIVES: dict[str, frozenset[str]] = {
    "en": _wordset("who what when where why which how whom whose much many long"),
    "ru": _wordset(
        """кто что когда где почему зачем какой какая какое какие каким какого как сколько
        скока чей откуда куда чем чего чему кого кому"""
    ),
    "uz": _wordset(
        """kim nima nega nimaga qachon qayerda qayer qaysi qanday qanaqa qancha necha
        nechta nimani kimga kimni"""
    ),
}
# "You" (the bot, or whoever runs it) says to whom a question is put, not what it
# is about: "do you agree with his views?" is asked of the bot, "did his posts call
# for violence?" is not. It counts like a question word.
ADDRESSEE_WORDS = _wordset("you your yours вы вас вам ваш ваше siz sizga sizni sizning")
# "I" likewise says who would act ("how can *I* help?"), not about what: "who did he
# help" is about his work, not the reader's.
SPEAKER_WORDS = _wordset("i me my я мне меня мой моя мою men menga meni mening")
for _language in INTERROGATIVES:
    INTERROGATIVES[_language] |= ADDRESSEE_WORDS | SPEAKER_WORDS
INTERROGATIVE_WEIGHT = 0.5
WHEN_WHERE = {"en": "when where who", "ru": "когда где кто", "uz": "qachon qayerda qayer kim"}
# Words after which the next content word is what the question is about.
_FOCUS_MARKERS = _wordset(
    """which what whose какой какая какое какие каким какого какую каком какому qaysi qanday qanaqa"""
)
FOCUS_WEIGHT = 1.8
# Words that point at a third person, so a question with one is about someone
# (a relative asks about "my uncle").
_REFERENCES = _wordset(
    """he him his himself she her herself она ее ей ней нее
    this that guy man он его ему им ним нем него нему этот эта это тот
    этого этому человек мужик uni unga uning undan unda unga bu shu osha odam kishi
    dad father uncle brother son husband cousin relative дядя дяди дядю отец отца папа
    брат брата сын сына муж мужа родственник родственника amaki amakim dadam otam akam
    ukam togam"""
)
# …unless a word of the sentence follows («сколько ему лет дали»).
_NOT_A_TERM = r"(?!\s+(?:дали|дадут|дать|грозит|грозило|светит|светило|могли|сидеть|колонии|тюрьмы))"
_IDIOMS = tuple(
    (re.compile(pattern), meaning)
    for pattern, meaning in (
        (r"\bс какой стати\b", "почему"),
        (r"\bhow come\b", "why"),
        (r"\bhaliyam\b", "hali ham"),
        (r"\bnima uchun\b|\bnimaga\b", "nega"),  # three ways to say "why"
        (r"\btark et\w*", "ketgan"),  # to leave
        (r"\bкак следует\b", ""),
        (r"\bкак там\b", "как сейчас"),
        (r"\bдо сих пор\b", "сейчас"),
        # "Tell me about him": "me" is who is told, not who is asked about.
        (r"\b(tell|show|give) me\b", r"\1"),
        (r"\b(расскажи|расскажите|покажи|покажите|скажи|скажите) мне\b", r"\1"),
        (r"\bmenga (ayt|gapir|korsat|ko'rsat|tushuntir)", r"\1"),
        (r"\b(he|she)'?s\b", r"\1 is"),
        # "How to rent a flat", «как снять квартиру», "qanday boʻlish mumkin": the reader
        # asks what to do, so only what a reader asks ("how can I help?") answers it.
        (r"\bhow to\b", "how i"),
        (r"\bкак (?!я\b)(\w+(?:ть|ти|чь))\b", r"как я \1"),
        (r"\b(\w+(?:ish|sh)) mumkin\b", r"men \1 mumkin"),
        (r"\bсрок заключения\b", "срок"),
        # "Do you know when…": a question put through the bot, not to it.
        (r"\b(?:do|did) you (?:know|remember|have)\b", ""),
        (r"\bвы (?:не )?знаете\b|\bзнаете ли вы\b", ""),
        # Uzbek "you" and "I" are often only a verb ending: qoʻshilasizmi, demoqchimisiz;
        # bera olaman, qoʻysam, boʻlamanmi.
        # "yordam ber-" is to help; «Yordam» alone may be the foundation of that name.
        (r"\byordam (ber|ko'rsat|korsat)", r"komak \1"),
        (r"(?<![\w'])([\w']{3,}(?:asiz|aysiz|misiz|ysiz|psiz)(?:mi)?|[\w']{3,}sizmi)\b", r"\1 siz"),
        (r"(?<![\w'])([\w']{2,}(?:aman|ayman|yman|chiman)(?:mi)?)\b", r"men \1"),
        (r"\byrs\b", "years"),
        (r"\bв двух словах\b", ""),
        # Convicted *of* something is the charge, whichever court did it.
        (r"\bconvict(?:ed)? (him |khamroev )?of\b", r"\1accused of"),
        # Punished *for* something is why he was jailed, not how long.
        (r"\bpunished for\b", "jailed for"),
        # "How old is he now", «сколько сейчас лет»: his age, not his situation now.
        (r"\b(how old (?:is|was) \w+) now\b", r"\1"),
        (r"\bсколько сейчас лет\b", "сколько лет"),
        (r"\b(hozir|endi) (necha yosh)", r"\2"),
        (r"\bin the end\b", ""),
        (r"\btug'ilgan kun\w*", "tug'ilgan"),
        # A set phrase for prison: "is he still behind bars" asks where he is now.
        (r"\bbehind bars\b", "in prison"),
        (r"\bза решеткой\b", "в тюрьме"),
        # Contractions typed without the apostrophe, or with it: whos = who's = who is.
        (r"\b(who|what|where|when|why|how)'?s\b", r"\1 is"),
        # A question about a date asks "when", whatever unit it names: "what year was
        # he born" is not about the years of his sentence.
        (r"\b(?:what|which) (?:year|day|month)\b", "when"),
        (r"\b(?:what|which) date\b", "when date"),
        (r"\bв как(?:ом|ой) (?:году|день|месяце)\b", "когда"),
        (r"\bqaysi (?:yil|kun|oy)\w*", "qachon"),
        (r"\bqaysi (sana\w*)", r"qachon \1"),
        (r"\bnechanchi yil\w*", "qachon"),
        # "where … from" asks where he comes from, not where he is.
        (r"\bwhere\b(.{0,40}?)\bfrom\b", r"where\1 born"),
        # Question words as they are typed in a hurry.
        (r"\bwich\b|\bwhic\b", "which"),
        (r"\bwat\b|\bwut\b|\bwht\b", "what"),
        (r"\bwen\b|\bwhn\b", "when"),
        (r"\bhw\b", "how"),
        (r"\bчо\b|\bче\b|\bшо\b", "что"),
        (r"\bскока\b|\bскоко\b|\bскок\b", "сколько"),
        (r"\blet (?:him )?out\b", "released"),
        (r"\bкада\b|\bкогдa\b", "когда"),
        (r"\bnma\b|\bnimaa\b", "nima"),
        # «Сколько ему лет» asks his age; «сколько ему лет дали», his sentence.
        (
            r"\bсколько (?:ему|ей|\w+(?:ву|ому|ой)) лет\b" + _NOT_A_TERM,
            "сколько лет возраст",
        ),
        (r"\bсколько лет (?:ему|ей|\w+(?:ву|ому|ой))\b" + _NOT_A_TERM, "сколько лет возраст"),
        # "What is he in prison for", «за что он сидит»: why, not what.
        (
            r"\bwhat (?:exactly )?(?:is|was) he (?:being )?"
            r"(in (?:prison|jail)|jailed|arrested|locked up|convicted|imprisoned) for\b",
            r"why is he \1",
        ),
        (r"\bза что\b", "почему"),
        # Serving time is where he is now, not the length of the term.
        (r"\bserv(?:e|es|ing)\b(?: (?:his|a|the))? (?:time|sentence|term)\b", "in prison now"),
        (r"\bpick(?:ed)? (?:him )?up\b", "detained"),
        # Two spellings of one word.
        (r"\bна сколько\b", "насколько"),
        (r"\bspread the word\b", "share"),
        # One term, not "political" + "prison": "why is he a political prisoner" is not
        # "why was he jailed".
        (r"\bpol\w{3,8}l prisoners?\b", "politicalprisoner"),  # politcal, too
        # What he does for a living, not what he did.
        (r"\bwhat (?:does|did) (he|khamroev|bakhrom) do\b(?: for a living)?\s*\??$", r"what \1 profession"),
        (r"\byear of (?:his )?birth\b|\bbirth ?year\b", "born"),
        (r"\bгод рождения\b", "родился"),
        (r"\btug'ilgan yili\b", "tug'ilgan"),
        # "Can you confirm…", «не могли бы вы…»: politeness, not a question put to the bot.
        (r"\b(?:can|could|would|will) you\b", ""),
        (r"\b(?:не )?(?:можете|могли бы) (?:ли )?вы\b|\bвы (?:не )?(?:можете|могли бы)\b", ""),
        # "sanab ber", "aytib bering": the helper verb asks, it does not say what about.
        (r"\b(aytib|sanab|gapirib|tushuntirib|ko'rsatib|korsatib) ber\w*", r"\1"),
        (r"\bв итоге\b|\bв конце концов\b", ""),
    )
)

# Words people use for one thing in a case, read as one term ("apartment" is the
# "flat" of the case file, «решётка» its «тюрьма»). Each line: the term, then the
# words that stand for it. Only words that mean the same in every case belong here.
THESAURUS: dict[str, tuple[str, ...]] = {
    "en": (
        "flat apartment home house",
        "prison jail colony imprisoned incarcerated bars",
        "foundation fund charity ngo",
        "experts expert expertise examination linguists linguistic linguist",
        "views opinions beliefs ideas",
        "agree endorse approve",
        "beaten abused tortured mistreated beating abuse torture",
        "accused charged accusation indictment",
        "sign signature petition",
        "incite urge advocate incitement",
        "services fsb kgb",
        "born birth birthday",
        "recognised recognized recognition considered declared deemed",
        "conditions condition health feel feeling",
        "profession job occupation career",
        "articles article law laws",
        "islamic islamist islam",
        "member belong belonged membership part",
        "move moved relocate relocated emigrate emigrated",
        "ask request requested",
        "long length",
        "posts publications publication posted writings",
        "court judge judges tribunal trial",
        "why reason",
        "now still currently today nowadays ok okay alright yet alive",
        "news update updates",
        "released freed",
        "seized confiscated taken took take",
        "maximum max",
        "violence jihad",
        "citizenship citizen nationality passport",
        "liquidation liquidated closure closed shut",
    ),
    "ru": (
        "квартира жилье дом",
        "тюрьма колония сизо решетка зона сидит сидел сидеть",
        "взгляды убеждения мнение идеи",
        "согласны разделяете одобряете",
        "бьют избивают пытают издеваются избиения пытки",
        "обвиняют вменяют инкриминируют обвинили вменили обвинение обвинения",
        "родился рождения рожден",
        "исламская исламист исламистская исламской",
        "спецслужбы фсб кгб",
        "подписать подписаться подпись петиция",
        "эксперты экспертиза экспертов лингвисты лингвистическая лингвист",
        "член состоял состоит участник",
        "переехал перебрался переселился",
        "почему зачем отчего",
        "дали дать дадут дают получил получить получит",
        "посты публикации записи публиковал опубликовал",
        "признали признан считают считается называют",
        "положение самочувствие чувствует здоровье состояние",
        "суд судья",
        "сейчас теперь нынче жив",
        "новости известия",
        "освободили выпустили отпустили",
        "изъяли забрали конфисковали",
        "насилие джихад",
        "гражданство гражданин национальность паспорт",
        "ликвидацией ликвидировали закрытие закрыли",
        "вина натворил провинился",
    ),
    "uz": (
        "uy kvartira xonadon",
        "qamoq turma koloniya qamaldi qamalgan",
        "jamgarma fond",
        "qarash fikr etiqod goya",
        "kaltak urish xorlash qiynoq",
        "imzo petitsiya",
        "ekspert ekspertiza lingvist",
        "xizmat fxx snb dxx",
        "islomiy islomchi",
        "ayb ayblov aybla ayblan",
        "holat ahvol salomatlik sogligi",
        "chaqir undash undadi undagan targib",
        "azo azolik",
        "post maqola",
        "sud sudya",
        "hozir hali hanuz hozirda tirik",
        "xabar yangilik",
        "qiynoq qiynashyapti qiynashdi qiynalyapti",
        "zoravonlik jihod",
        "fuqarolik fuqaro millat pasport",
        "tugatilishi yopilishi yopildi",
    ),
}

# oʻ and gʻ are Uzbek letters; an English apostrophe follows other letters (not "who's").
_UZBEK_APOSTROPHE = re.compile(r"\b\w*[og]'(?!(?:s|t|re|ll|ve|d|m)\b)\w")

_UZBEK_ENDINGS = ("ning", "dagi", "lari", "larni", "gan", "ganmi", "yapti", "moqda", "mi", "dan")

# Uzbek has no Snowball stemmer. Longest first; up to four passes peel a
# particle, a case, a possessive/plural, a verb ending and a voice (passive -il,
# -in, reciprocal -ish), so qamoqdami → qamoq and qoʻyilgan = qoʻyishgan → qoy.
_UZBEK_SUFFIXES = tuple(
    sorted(
        _wordset(
            """mi chi ku yu ning ni ga ka qa da ta dan tan dagi gacha cha im ing i si imiz lig
            ingiz miz ngiz lari lar gan kan qan moqda yapti yap di adi ydi moqchi man san siz
            sh ib sa sam sak sang sin lik liq aman ayman il in ish asiz amiz asan"""
        ),
        key=len,
        reverse=True,
    )
)
_UZBEK_MIN_STEM = 3
# Past-tense -di and friends look like a possessive -i after d (fondi = fond + i):
# they come off only when a four-letter stem is left (qamaldi → qamal).
_UZBEK_LONG_STEM_SUFFIXES = {"di": 4, "adi": 4, "ydi": 4}


def words(text: str) -> list[str]:
    """Folded words, apostrophes dropped (oʻ = o' = o), the English possessive cut."""
    return _words_of_folded(fold(text))


def _words_of_folded(folded: str) -> list[str]:
    """:func:`words` of a text already folded (``fold(text)``), not folded again."""
    tokens = []
    for match in _TOKEN.finditer(folded):
        token = match.group()
        if token.endswith("'s") and len(token) > 4:
            token = token[:-2]
        token = token.replace("'", "").replace(",", ".")
        if len(token) >= 2 or token.isdigit() or token == "i":
            tokens.append(token)
    return tokens


def _focus_words(tokens: list[str]) -> list[str]:
    """The word each "which/what …" asks about: "which *court*", «какой *суд*», "qaysi *sud*".

    It names what the reader wants ("what court locked him up" is about the court,
    not the locking up), so it counts FOCUS_WEIGHT times; the next word that is not
    a function word is taken.
    """
    focus = []
    for i, token in enumerate(tokens):
        if token in _FOCUS_MARKERS:
            following = [
                t for t in tokens[i + 1 : i + 4] if not any(t in stop for stop in STOP_WORDS.values())
            ]
            if following and following[0] not in _FOCUS_MARKERS:
                focus.append(following[0])
    return focus


# In English chat "u" is "you": only an Uzbek text's "u" is "he".
_POINTERS = {"en": _REFERENCES, None: _REFERENCES | {"u"}}
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _refers(text: str, locale: str | None) -> bool:
    """Whether a folded text points at a person: he, «его», u, uning, this man."""
    pointers = _POINTERS["en" if locale == "en" else None]
    return any(word in pointers for word in _LETTER_RUN.findall(text.replace("'", "")))


# Every idiom starts with the first letter of a word (``\b`` and a letter, or ``(?<![\w'])``
# and a letter or an apostrophe): the search tries its seventy branches only there, not at
# every character (tests/test_answers.py checks each idiom against this).
_IDIOM_START = r"(?=\b\w|(?<![\w'])')"
_ANY_IDIOM = re.compile(
    _IDIOM_START
    + "(?:"
    + "|".join(f"(?:{re.sub(r'[(](?![?])', '(?:', phrase.pattern)})" for phrase, _ in _IDIOMS)
    + ")"
)


def _idioms(text: str) -> str:
    """Set phrases whose words mislead when read one by one («с какой стати» is not «статья»)."""
    if not _ANY_IDIOM.search(text):
        return text  # most texts: one search instead of one per idiom
    for phrase, meaning in _IDIOMS:
        text = phrase.sub(meaning, text)
    return text


_GENERAL_SCOPE = re.compile(GENERAL_SCOPE)
# "How do experts analyse texts", «чем занимается правозащитник», "… nima ish qiladi":
# what such people do in general, unless it names someone or something of a case.
_GENERIC_PRESENT = re.compile(GENERIC_PRESENT)
_CAPITALISED = re.compile(r"(?<=[\w,;:»\"'’)] )[«\"]?([A-ZА-ЯЁЎҚҒҲ][\w'ʻʼ’-]+)")


def _proper_names(text: str) -> set[str]:
    """Words a text writes with a capital inside a sentence, folded, as five-letter stems."""
    return {token[:5] for match in _CAPITALISED.finditer(text) for token in words(match.group(1))}


# "What is X?", «что такое X», "X nima degani?": a question about a term, not a person.
_DEFINITION = re.compile(
    r"^\W*(?:what (?:is|are)|what does \w+(?: \w+)? mean|что такое|что значит|что означает)\b"
    r"|\bnima(?: degani| degan soz)?\W*$"
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:;])\s+|\s+[-–—]\s+")


def _last_sentence(text: str) -> str | None:
    """The last of several sentences ("… – is that why?"), if it has words of its own."""
    parts = [part for part in _SENTENCE_BREAK.split(_clip(text).strip()) if part.strip()]
    if len(parts) < 2 or len(parts[-1].split()) < 2:
        return None
    return parts[-1]


def _clip(text: str) -> str:
    """What of a user's message is read: a long message is not a question."""
    return text[:MAX_CHARS]


def uzbek_stem(word: str) -> str:
    for _ in range(5):
        for suffix in _UZBEK_SUFFIXES:
            least = _UZBEK_LONG_STEM_SUFFIXES.get(suffix, _UZBEK_MIN_STEM)
            if word.endswith(suffix) and len(word) - len(suffix) >= least:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _related(a: str, b: str) -> bool:
    """Two stems of one word in different forms: обвиня/обвинен, polit/politc."""
    shared = _common_prefix(a, b)
    if shared >= 4 and shared >= 0.7 * max(len(a), len(b)):
        return True
    # One stem is the other and a short tail (a Russian aspect: обыска/обыскива).
    return shared >= 5 and shared == min(len(a), len(b)) and abs(len(a) - len(b)) <= 3


class OutcomeKind(StrEnum):
    answer = "answer"  # one stored entry, confidently
    suggest = "suggest"  # not sure: the closest entries as buttons
    menu = "menu"  # nothing the case files answer: what can be asked
    about = "about"  # only a case's name: what would you like to know about it?
    which_case = "which-case"  # a question, but no way to tell which case


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: OutcomeKind
    locale: str
    slug: str | None = None
    question: str | None = None
    suggestions: tuple[str, ...] = ()
    # which_case: each candidate case with the entry its button answers (None: its list)
    cases: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class _Term:
    """One word of a question, resolved against the index."""

    postings: dict[str, dict[str, float]]  # slug → entry id → contribution factor
    matches: dict[str, float]  # the known terms it stands for → how sure (1: itself)
    boost: float = 1.0  # FOCUS_WEIGHT for the word a "which …?" asks about
    stem: str = ""  # the question's own term, as read (before matching)


# What a word of a question stands for: postings (as _Term's) and the known terms it matches.
_Resolved = tuple[dict[str, dict[str, float]], dict[str, float]]


@dataclass(frozen=True, slots=True)
class Scored:
    """An entry's fit to a question: the score, and the two shares it is made of."""

    entry: str
    score: float
    of_question: float  # share of the question's weight the entry covers
    of_phrasing: float  # share of the entry's closest phrasing the question covers


@dataclass(slots=True)
class _Query:
    locale: str | None  # the language the text is clearly in, if any
    named: list[str]  # cases named in it, first mention first
    terms: list[_Term] = field(default_factory=list)
    # It points at a person (he, «он», u, this man) or names a case: see _refers.
    refers: bool = True
    # It asks what something is ("what is a political prisoner?", «что такое…», "… nima?").
    defines: bool = False
    # It is about a country or city at large ("in Russia", «в российских тюрьмах», "Moskvada").
    general: bool = False


class RecentCases:
    """The case each user last opened, so "when was he detained?" needs no name.

    In memory on purpose: it is a convenience, not a record, so losing it on a
    restart costs one "which case?" question, while storing it would keep a trail
    of what each person read. Bounded (least recently used go first) so a busy bot
    cannot grow it without end.
    """

    def __init__(self, capacity: int = 50_000) -> None:
        self._slugs: LRUCache[int, str] = LRUCache(capacity)

    def remember(self, user_id: int, slug: str) -> None:
        self._slugs[user_id] = slug

    def get(self, user_id: int) -> str | None:
        return self._slugs.get(user_id)

    def forget(self, user_id: int) -> None:
        self._slugs.pop(user_id, None)

    def __len__(self) -> int:
        return len(self._slugs)


def answer_text_source(case: Case, locale: str, question_id: str) -> str:
    """The text an entry answers with, as plain text (for indexing; views render it)."""
    texts = case.text(locale)
    own = texts.questions[question_id].answer
    if own:
        return own
    facts = case.question(question_id)
    kind, ref = (facts.pointer_kind, facts.pointer_ref) if facts else (None, None)
    if kind is PointerKind.argument and ref:
        return texts.arguments[ref].text
    if kind is PointerKind.event and ref:
        return texts.events[ref].text
    if kind is PointerKind.charges:
        return " ".join(texts.charges[c.id].title for c in case.facts.charges if c.id in texts.charges)
    if kind is PointerKind.disclaimer:
        return texts.disclaimer or ""
    if kind is PointerKind.sign and texts.demand:
        return texts.demand
    return ""


@dataclass(slots=True)
class CaseEntries:
    """What the question index reads of one case: its terms, phrasings and words, by entry.

    Read once per version of a case (a case object): /reload of a catalogue in which a few
    cases changed reads only those. Plain data, so another process can read them too.
    """

    slug: str
    # The words its phrasings and answers use that were names of some case when read (names
    # are left out of the terms); every other word but figures is in ``lexicon``. It reads
    # the same while those stay names and no word of the lexicon becomes one.
    names_met: frozenset[str] = frozenset()
    # Kept as long as the index (a later one may take them): tuples, a quarter of a set's size.
    # An index that takes them stores their values in its table of equal values (see
    # _EqualValues): cases read alike share them with each other and with the index.
    lexicon: dict[str, tuple[str, ...]] = field(default_factory=dict)  # locale → words
    proper: tuple[str, ...] = ()
    phrasings: dict[str, Sequence[tuple[str, ...]]] = field(default_factory=dict)  # entry → terms of each
    entry_terms: dict[str, frozenset[str]] = field(default_factory=dict)
    pointerless: dict[str, AbstractSet[int]] = field(default_factory=dict)  # entry → phrasing numbers
    focus: dict[str, AbstractSet[str]] = field(default_factory=dict)  # term → entries
    postings: dict[str, dict[str, float]] = field(default_factory=dict)  # term → entry → factor

    def fits(self, names: frozenset[str]) -> bool:
        """Whether it reads the same with ``names`` the catalogue's name words."""
        return self.names_met <= names and all(names.isdisjoint(seen) for seen in self.lexicon.values())


class _EqualValues:
    """One object for each value, while a QuestionIndex is built: ``once(value)`` is the first
    value equal to it that the table was given.

    A thousand cases ask their questions with the same entry ids and much the same words,
    so the index's small dicts, tuples, sets and floats, and what it keeps of each case
    (:class:`CaseEntries`), repeat. Only read-only values go in.
    """

    def __init__(self) -> None:
        self._kept: dict[object, Any] = {}

    def once(self, value: Any, key: object = None) -> Any:
        return self._kept.setdefault((type(value), value if key is None else key), value)

    def floats(self, mapping: dict[str, float]) -> dict[str, float]:
        shared = {k: self.once(v) for k, v in mapping.items()}
        return self.once(shared, tuple(shared.items()))  # type: ignore[no-any-return]

    def by_values(self, mapping: dict[str, Any]) -> dict[str, Any]:
        """``mapping`` once, its values already stored once: their identity stands for them."""
        return self.once(mapping, ("by values", tuple((k, id(v)) for k, v in mapping.items())))  # type: ignore[no-any-return]

    def case(self, record: CaseEntries) -> None:
        """``record``'s values replaced by the table's equal ones."""
        once, by_values = self.once, self.by_values
        record.names_met = once(record.names_met)
        record.proper = once(record.proper)
        record.lexicon = by_values({loc: once(seen) for loc, seen in record.lexicon.items()})
        record.phrasings = by_values(
            {e: once(tuple(once(terms) for terms in stored)) for e, stored in record.phrasings.items()}
        )
        record.entry_terms = by_values({e: once(terms) for e, terms in record.entry_terms.items()})
        record.pointerless = by_values({e: once(frozenset(n)) for e, n in record.pointerless.items()})
        record.focus = by_values({t: once(frozenset(e)) for t, e in record.focus.items()})
        record.postings = by_values({t: self.floats(f) for t, f in record.postings.items()})


class QuestionIndex:
    """Every case's questions, indexed once; answers "what do I do with this text?"."""

    def __init__(
        self,
        catalog: Catalog,
        previous: QuestionIndex | None = None,
        entries: Mapping[str, CaseEntries] | None = None,
    ) -> None:
        """``previous``: the index of the catalogue this one replaces; what it read of a case
        object this catalogue still holds is taken from it rather than read again (stemming
        is most of the cost of a build). ``entries``: what was read of some of the cases
        elsewhere (:meth:`read_cases`, in another process). Either is used only while the
        names of the cases it was read against still mark the same words as names."""
        self._catalog = catalog
        self._prepare_reading()
        self._names = self._catalog_names(catalog)
        self._long_names = [n for n in self._names if len(n) >= 5]
        records = self._records(catalog, previous, entries or {})
        self._build(catalog, records)

    def _prepare_reading(self) -> None:
        self._stemmers = {
            "ru": snowballstemmer.stemmer("russian"),
            "en": snowballstemmer.stemmer("english"),
        }
        # Snowball here is pure Python and case files repeat their words endlessly:
        # remembering stems makes building for 50 cases ten times faster. Filled
        # only while building, so no word a user typed is kept.
        self._stem_cache: dict[tuple[str, str], str] = {}
        self._synonyms = {
            language: {
                self._raw_stem(word, language): self._raw_stem(group.split()[0], language)
                for group in groups
                for word in group.split()[1:]
            }
            for language, groups in THESAURUS.items()
        }
        for language, groups in THESAURUS_MORE.items():
            for group in groups:
                term, *others = (self._raw_stem(word, language) for word in words(group))
                for other in others:
                    self._synonyms[language].setdefault(other, term)
        # A word in two lines stands for the first line's term (one step, no loops).
        for synonyms in self._synonyms.values():
            for word, term in list(synonyms.items()):
                seen = {word}
                while term in synonyms and term not in seen:
                    seen.add(term)
                    term = synonyms[term]
                synonyms[word] = term
        self._uzbek_stop_stems = {uzbek_stem(word) for word in STOP_WORDS["uz"] if len(word) > 3}
        self._building = True
        self._terms_memo: dict[tuple[str | None, str], tuple[str, ...]] = {}
        self._asking = {
            self._raw_stem(word, language) for language, group in ASKING_WORDS.items() for word in group
        }

    @classmethod
    def _catalog_names(cls, cases: Iterable[Case]) -> dict[str, set[str]]:
        names: dict[str, set[str]] = defaultdict(set)
        for case in cases:
            for name in cls._case_names(case):
                for token in words(name):
                    if len(token) >= 3 and not token.isdigit():
                        names[token].add(case.slug)
        return names

    @classmethod
    def name_words(cls, cases: Iterable[Case]) -> set[str]:
        """The words of the cases' names that the index leaves out of their texts' terms."""
        return set(cls._catalog_names(cases))

    @classmethod
    def read_cases(cls, cases: Iterable[Case], names: Iterable[str]) -> dict[str, CaseEntries]:
        """What the index reads of each of ``cases`` (their texts in memory, say just parsed
        in another process), ``names`` being the name words of the whole catalogue."""
        reader = cls.__new__(cls)
        reader._prepare_reading()
        reader._names = {name: set() for name in names}
        return {case.slug: reader._read_case(case) for case in cases}

    def _records(
        self, catalog: Catalog, previous: QuestionIndex | None, given: Mapping[str, CaseEntries]
    ) -> list[CaseEntries]:
        kept: dict[str, tuple[Case, CaseEntries]] = previous._read if previous is not None else {}
        if previous is not None:
            # Words its texts use stay valid; the stems it made are the same ones.
            self._stem_cache.update(previous._stem_cache)
        same_names = previous is not None and previous._names.keys() == self._names.keys()
        names = frozenset(self._names)
        records = []
        for case in catalog:
            record = None
            held = kept.get(case.slug)
            if held is not None and held[0] is case:
                record = held[1]
                if not same_names and not record.fits(names):
                    record = None
            if record is None and case.slug in given:
                record = given[case.slug]
                if not record.fits(names):
                    record = None
            records.append(record if record is not None else self._read_case(case))
        self._read = {case.slug: (case, record) for case, record in zip(catalog, records, strict=True)}
        return records

    def _build(self, catalog: Catalog, records: list[CaseEntries]) -> None:
        equal = _EqualValues()
        for record in records:
            # Before the index takes from them: what it takes is then already shared.
            equal.case(record)
        self._lexicon: dict[str, set[str]] = {loc: set() for loc in LOCALES}
        # slug → entry → the terms of each phrasing, for how much of one the question covers
        self._phrasings: dict[str, dict[str, list[tuple[str, ...]]]] = {}
        # Once weights are known, the phrasings of a case are numbered through all its
        # entries: slug → term → (phrasing, the term's weight) for every phrasing using it,
        # and slug → each phrasing's entry and whole weight; a question then touches only
        # phrasings that share a word, and adds up its shares by number.
        self._in_phrasings: dict[str, dict[str, list[tuple[int, float]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._phrasing_entry: dict[str, list[int]] = defaultdict(list)  # place in _phrased
        self._phrased: dict[str, dict[str, int]] = defaultdict(dict)  # entry → its place
        self._phrasing_weight: dict[str, list[float]] = defaultdict(list)
        # slug → term → the entries with a phrasing asking "which <term>?"
        self._focus: dict[str, dict[str, AbstractSet[str]]] = {}
        self._entries = {case.slug: len(case.facts.questions) for case in catalog}
        # Ties go to the entry the case file lists first: each entry's place, by case.
        self._order = {case.slug: {q.id: i for i, q in enumerate(case.facts.questions)} for case in catalog}
        # Every term an entry's phrasings use; and the question words asking for a date or a place.
        self._entry_terms: dict[tuple[str, str], frozenset[str]] = {}
        self._when_where = {
            self._raw_stem(word, language)
            for language, asking_for in WHEN_WHERE.items()
            for word in asking_for.split()
        }
        self._pointerless: dict[tuple[str, str], AbstractSet[int]] = {}
        # Words the case texts write with a capital inside a sentence (Yordam, Memorial,
        # Meshchansky), cut to five letters so that their endings meet.
        self._proper: set[str] = set()
        # term → slug → entry → share of the entry's phrasings using it / answer weight
        self._postings: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
        for record in records:
            slug = record.slug
            for locale, seen in record.lexicon.items():
                self._lexicon[locale].update(seen)
            self._proper.update(record.proper)
            if record.phrasings:
                self._phrasings[slug] = record.phrasings
            for entry_id, terms in record.entry_terms.items():
                self._entry_terms[slug, entry_id] = terms
            for entry_id, numbers in record.pointerless.items():
                self._pointerless[slug, entry_id] = numbers
            if record.focus:
                self._focus[slug] = record.focus
            for term, factors in record.postings.items():
                self._postings[term][slug] = factors
        self._surface = set().union(*self._lexicon.values())
        # Words both English and Uzbek phrasings use (Facebook, Memorial) tell nothing.
        shared = self._lexicon["en"] & self._lexicon["uz"]
        for loc in ("en", "uz"):
            self._lexicon[loc] = (self._lexicon[loc] - shared) | _LANGUAGE_HINTS[loc]
        self._latin_known = frozenset(self._lexicon["en"] | self._lexicon["uz"])
        # Uzbek typed in Cyrillic (Ўзбекча, or a Russian keyboard) is read as Latin.
        self._cyrillic_uzbek = CyrillicUzbekReader(self._lexicon["uz"], self._lexicon["ru"], self._names)
        self._postings = dict(self._postings)
        # Rarity is counted within each case, among its own entries: a question is
        # matched against one case at a time, and its score must not drift as the
        # catalogue grows (with 50 cases, "court" would otherwise weigh differently).
        self._weights: dict[str, dict[str, float]] = defaultdict(dict)
        for term, by_case in self._postings.items():
            for slug, entries in by_case.items():
                # Among the phrasings: answers mention dates and courts all the time,
                # which would make "court" or "yil" look common when as a question
                # word it is decisive. A word only answers use is rated there.
                in_phrasings = sum(1 for f in entries.values() if f > ANSWER_WEIGHT)
                self._weights[slug][term] = self._idf(slug, in_phrasings or len(entries))
        self._interrogatives = {
            term
            for locale, question_words in INTERROGATIVES.items()
            for term in self._stems(question_words, locale)
        }
        self._question_words = frozenset(self._interrogatives | self._asking)
        # Phrasings that are only question and asking words («Как он там?», "Tell me
        # about him"): a question with words of its own says little of them. By case.
        self._bare: dict[str, set[int]] = defaultdict(set)
        # slug → entry → (terms, whole weight) of each phrasing that points at no one
        # ("What is Hizb ut-Tahrir?", "Which court?"), the only kind a question that
        # points at no one is measured against.
        self._standalone: dict[str, dict[str, list[tuple[tuple[str, ...], float]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        # "You" and "I" in each language, and the entries some phrasing of which uses
        # them: put to the bot ("do *you* agree…?"), or about the reader ("can *I* sign?").
        self._persons = {
            person: {
                self._stem(word, language)
                for language in LOCALES
                for word in INTERROGATIVES[language] & words_
            }
            for person, words_ in (("you", ADDRESSEE_WORDS), ("i", SPEAKER_WORDS))
        }
        self._person_entries: dict[str, set[tuple[str, str]]] = {person: set() for person in self._persons}
        pronouns = set().union(*self._persons.values())
        for slug, entries in self._phrasings.items():
            weights = self._weights[slug]
            # How much a stored word counts in saying a phrasing: "you", "I" a little, so
            # "does Memorial support his politics" still says "do you support his ideas".
            said = {t: w * (INTERROGATIVE_WEIGHT if t in pronouns else 1.0) for t, w in weights.items()}
            phrasing_entry, phrasing_weight = self._phrasing_entry[slug], self._phrasing_weight[slug]
            phrased = self._phrased[slug]
            for entry_id, stored in entries.items():
                place = phrased.setdefault(entry_id, len(phrased))
                for number in sorted(self._pointerless.get((slug, entry_id), ())):
                    terms = stored[number]
                    self._standalone[slug][entry_id].append((terms, sum(said[t] for t in terms)))
                for terms in stored:
                    phrasing = len(phrasing_entry)
                    phrasing_entry.append(place)
                    phrasing_weight.append(sum(said[t] for t in terms))
                    if set(terms) <= self._question_words:
                        self._bare[slug].add(phrasing)
                    for person, stems in self._persons.items():
                        if stems & set(terms):
                            self._person_entries[person].add((slug, entry_id))
                    for term in terms:
                        self._in_phrasings[slug][term].append((phrasing, said[term]))
        del self._phrasings
        self._vocabulary = list(self._postings)
        self._by_prefix: dict[str, list[str]] = defaultdict(list)
        for term in self._vocabulary:
            if len(term) >= 4:
                self._by_prefix[term[:4]].append(term)
        self._store_equal_values_once(equal)
        self._building = False
        self._terms_memo = {}

    def _store_equal_values_once(self, equal: _EqualValues) -> None:
        """Equal values of the built index made one object each (it is read-only from here on).

        A term's entries in one case (``{"why": 1.0}``), a phrasing's weights, a case's
        weights repeat from case to case: stored once each they take about half the memory
        they took. Lookups are unchanged: the same keys give equal values, in the same order.
        """
        once, floats = equal.once, equal.floats
        self._weights = {slug: floats(weights) for slug, weights in self._weights.items()}
        self._in_phrasings = {
            slug: {
                term: once(tuple(once((number, once(weight))) for number, weight in uses))
                for term, uses in by_term.items()
            }
            for slug, by_term in self._in_phrasings.items()
        }
        self._phrasing_weight = {
            slug: once(tuple(once(w) for w in weights)) for slug, weights in self._phrasing_weight.items()
        }
        self._phrasing_entry = {slug: once(tuple(places)) for slug, places in self._phrasing_entry.items()}
        self._phrased = {slug: once(places, tuple(places.items())) for slug, places in self._phrased.items()}
        self._bare = {slug: once(frozenset(numbers)) for slug, numbers in self._bare.items()}
        self._order = {slug: once(order, tuple(order.items())) for slug, order in self._order.items()}
        # _postings, _focus, _entry_terms and _pointerless hold the cases' own values, already shared.
        for token, slugs in self._names.items():
            self._names[token] = once(frozenset(slugs))

    # -- building -----------------------------------------------------------------

    @staticmethod
    def _case_names(case: Case) -> Iterator[str]:
        yield from case.facts.aliases
        for locale in LOCALES:
            yield case.name(locale)

    def _is_name(self, token: str) -> bool:
        return token in self._names

    def _read_case(self, case: Case) -> CaseEntries:
        record = CaseEntries(case.slug)
        names_met: set[str] = set()
        lexicon: dict[str, set[str]] = {}
        proper: set[str] = set()
        focus: dict[str, set[str]] = {}
        for entry in case.facts.questions:
            self._read_entry(case, entry.id, record, names_met, lexicon, proper, focus)
        record.focus = {term: frozenset(entries) for term, entries in focus.items()}
        record.names_met = frozenset(names_met)
        record.lexicon = {locale: tuple(seen) for locale, seen in lexicon.items()}
        record.proper = tuple(proper)
        return record

    def _read_entry(
        self,
        case: Case,
        entry_id: str,
        record: CaseEntries,
        names_met: set[str],
        lexicons: dict[str, set[str]],
        proper: set[str],
        focus: dict[str, set[str]],
    ) -> None:
        phrasing_hits: dict[str, int] = defaultdict(int)
        phrasings = 0
        answer_terms: set[str] = set()
        stored: list[tuple[str, ...]] = []
        pointerless: set[int] = set()
        for locale in LOCALES:
            lexicon = lexicons.setdefault(locale, set())
            text = case.text(locale).questions[entry_id]
            for phrasing in text.phrasings:
                phrasings += 1
                # Read as a question is read (idioms, contractions), so both meet.
                read = _idioms(fold(phrasing))
                everything = [intern(t) for t in words(read)]  # one string for a word, in every case
                tokens = [t for t in everything if not self._is_name(t)]
                names_met.update(t for t in everything if self._is_name(t))
                lexicon.update(t for t in tokens if not t.isdigit())
                terms = tuple(dict.fromkeys(self._stems(tokens, locale)))
                if terms:
                    if len(tokens) == len(everything) and not _refers(read, locale):
                        pointerless.add(len(stored))
                    stored.append(terms)
                for term in self._stems(_focus_words(tokens), locale):
                    focus.setdefault(term, set()).add(entry_id)
                for term in terms:
                    phrasing_hits[term] += 1
            answer = answer_text_source(case, locale, entry_id)
            proper.update(_proper_names(answer))
            for phrasing in text.phrasings:
                proper.update(_proper_names(phrasing))
            everything = [intern(t) for t in words(answer)]
            answer_tokens = [t for t in everything if not self._is_name(t)]
            names_met.update(t for t in everything if self._is_name(t))
            lexicon.update(t for t in answer_tokens if not t.isdigit())
            answer_terms.update(self._stems(answer_tokens, locale))
        record.phrasings[entry_id] = tuple(stored)
        if pointerless:
            record.pointerless[entry_id] = frozenset(pointerless)
        record.entry_terms[entry_id] = frozenset(t for terms in stored for t in terms)
        # A term in many of an entry's phrasings is what the entry is about; one in a
        # single phrasing still counts, a little less.
        per_language = max(phrasings / len(LOCALES), 1)
        for term, hits in phrasing_hits.items():
            record.postings.setdefault(term, {})[entry_id] = 0.75 + 0.25 * min(hits / per_language, 1.0)
        for term in answer_terms - set(phrasing_hits):
            # A figure is a fact: "born 1963?" is about the answer that says 1963.
            weight = FIGURE_WEIGHT if term[0].isdigit() else ANSWER_WEIGHT
            record.postings.setdefault(term, {})[entry_id] = weight

    def _stems(self, tokens: Iterable[str], locale: str | None) -> list[str]:
        """Terms of ``tokens`` written in ``locale`` (None: a Latin text of unclear language)."""
        if not self._building:
            return self._terms_of(tokens, locale)
        # While the index is built no word's terms depend on what it already holds, and case
        # texts repeat their words endlessly: each word's terms are worked out once (a third
        # of reading a case's questions). Dropped with the build, like the words themselves.
        terms: list[str] = []
        memo = self._terms_memo
        for token in tokens:
            got = memo.get((locale, token))
            if got is None:
                got = memo[(locale, token)] = tuple(self._terms_of((token,), locale))
            terms += got
        return terms

    def _terms_of(self, tokens: Iterable[str], locale: str | None) -> list[str]:
        terms: list[str] = []
        for token in tokens:
            if token.isdigit() or "." in token:
                terms.append(token)
                continue
            if _CYRILLIC.search(token):
                if locale == "uz" or _UZBEK_CYRILLIC & set(token):
                    latin = token.translate(_UZBEK_CYRILLIC_TO_LATIN)
                    # A Russian spelling inside an Uzbek question («Ёрдам», folded to
                    # «ердам»): the term the Russian texts know, if the Latin one is not known.
                    if (
                        not self._building
                        and not _UZBEK_CYRILLIC & set(token)
                        and self._stem(latin, "uz") not in self._postings
                        and token not in STOP_WORDS["ru"]
                        and self._stem(token, "ru") in self._postings
                    ):
                        terms.append(self._stem(token, "ru"))
                        continue
                    token = latin
                    languages: tuple[str, ...] = ("uz",)
                else:
                    languages = ("ru",)
            else:
                languages = (locale,) if locale in ("en", "uz") else ("en", "uz")
            # In a Latin text of unclear language a function word of either ("is",
            # "exactly", "va") is one; and an Uzbek word is one by its stem too
            # (odamlarni = odam, ularning = ular).
            if any(token in STOP_WORDS[language] for language in languages):
                continue
            # A Russian word typed in Latin letters, as many Uzbek speakers write one
            # ("qancha *srok*", "*prigovor*"): the term the Russian texts know, if no
            # Latin word is known by that spelling.
            stems = [self._stem(token, language) for language in languages]
            if not self._building and len(token) >= 4 and not any(stem in self._postings for stem in stems):
                russian = self._stem(_latin_to_cyrillic(token), "ru")
                if russian in self._postings:
                    terms.append(russian)
                    continue
            for language, stem in zip(languages, stems, strict=True):
                if language == "uz" and stem in self._uzbek_stop_stems:
                    continue
                terms.append(stem)
        return terms

    def _raw_stem(self, token: str, language: str) -> str:
        return uzbek_stem(token) if language == "uz" else self._stemmers[language].stemWord(token)

    def _stem(self, token: str, language: str) -> str:
        key = (language, token)
        stem = self._stem_cache.get(key)
        if stem is None:
            stem = self._raw_stem(token, language)
            stem = self._synonyms[language].get(stem, stem)
            if self._building:
                self._stem_cache[key] = stem
        return stem

    # -- reading a question -------------------------------------------------------------

    def detect_language(self, text: str) -> str | None:
        """The language ``text`` is clearly written in, or None when it is not clear."""
        return self._language(fold(_clip(text)))

    def _language(self, folded: str) -> str | None:
        """:meth:`detect_language` of a clipped text, folded."""
        cyrillic = len(_CYRILLIC.findall(folded))
        latin = len(_LATIN.findall(folded))
        if cyrillic > latin:
            return "uz" if _UZBEK_CYRILLIC & set(folded) else "ru"
        if latin == 0:
            return None
        tokens = [t for t in _words_of_folded(folded) if not self._is_name(t) and not t.isdigit()]
        english = sum(t in self._lexicon["en"] for t in tokens)
        uzbek = sum(t in self._lexicon["uz"] for t in tokens)
        known = self._latin_known
        uzbek += sum(t not in known and t.endswith(_UZBEK_ENDINGS) for t in tokens)
        if _UZBEK_APOSTROPHE.search(folded):
            uzbek += 2
        if english > uzbek:
            return "en"
        if uzbek > english:
            return "uz"
        return None

    def named_cases(self, text: str) -> list[str]:
        """Slugs of the cases ``text`` names, in order of first mention."""
        found: list[str] = []
        for token in words(_clip(text))[:MAX_TOKENS]:
            for slug in sorted(self._name_slugs(token)):
                if slug not in found:
                    found.append(slug)
        return found

    def _name_slugs(self, token: str) -> set[str]:
        if token in self._names:
            return self._names[token]
        if len(token) < 5 or token in self._surface or any(token in stop for stop in STOP_WORDS.values()):
            return set()
        # Endings the aliases do not list: Hamroyevlarga, Khamroevs, Хамроевым.
        for cut in range(1, min(6, len(token) - 4)):
            stem = token[:-cut]
            if stem in self._names and len(stem) >= 5:
                return self._names[stem]
        match = process.extractOne(token, self._long_names, scorer=fuzz.ratio, score_cutoff=NAME_FUZZY_CUTOFF)
        return self._names[match[0]] if match else set()

    def _query(self, text: str) -> _Query:
        text = _clip(text)
        latin = self._cyrillic_uzbek.to_latin(text)
        text = latin or text
        folded = fold(text)
        # Transliterated, a text may outgrow the clip: then the language is read of it clipped.
        locale = "uz" if latin else self._language(folded if len(text) <= MAX_CHARS else fold(_clip(text)))
        read = _idioms(folded)
        tokens = words(read)[:MAX_TOKENS]
        named: list[str] = []
        content: list[str] = []
        for token in tokens:
            slugs = self._name_slugs(token)
            if slugs:
                named += [s for s in sorted(slugs) if s not in named]
            else:
                content.append(token)
        query = _Query(
            locale=locale,
            named=named,
            refers=bool(named) or _refers(read, locale),
            defines=bool(_DEFINITION.search(read)),
            general=bool(_GENERAL_SCOPE.search(read))
            or (bool(_GENERIC_PRESENT.search(read)) and not any(t[:5] in self._proper for t in words(read))),
        )
        focus = set(self._stems(_focus_words(content), locale))
        for term in dict.fromkeys(self._stems(content, locale)):
            postings, matches = self._term(term)
            if term in self._asking and not matches:
                continue  # «перечисли», "describe": asking, in words no phrasing uses
            boost = FOCUS_WEIGHT if term in focus else 1.0
            query.terms.append(_Term(postings, matches, boost, term))
        if latin:
            query.locale = UZ_CYRL  # answered in the script it was asked in
        return query

    def _idf(self, slug: str, df: int) -> float:
        entries = self._entries.get(slug, 0)
        return math.log(1 + (entries - df + 0.5) / (df + 0.5))

    def _weight(self, slug: str, term: _Term) -> float:
        """How much a word of the question counts in case ``slug``."""
        weights = self._weights.get(slug, {})
        known = [
            weights[k] * (INTERROGATIVE_WEIGHT if k in self._question_words else 1.0)
            for k in term.matches
            if k in weights
        ]
        # A word this case never uses weighs like the rarest word it does use: the
        # question may be about something else, or the word may be filler; either
        # way it must pull the share of the question explained down.
        return (max(known) if known else self._idf(slug, UNKNOWN_DF)) * term.boost

    def _term(self, term: str) -> _Resolved:
        """What a term of a question stands for: its postings, and the known terms it matches."""
        if term in self._postings:
            # Stemmers leave some forms of one word apart («обвинили» → обвин, «обвиняют»
            # → обвиня): a known term also stands for its related forms, at a discount.
            related = (
                [k for k in self._by_prefix.get(term[:4], ()) if k != term and _related(term, k)]
                if len(term) >= 4 and not term[0].isdigit()
                else []
            )
            if not related:
                return self._postings[term], {term: 1.0}
            return self._merge([(term, 1.0)] + [(k, PREFIX_QUALITY) for k in related])
        # Not cached: a cache would keep what users typed (even which known words were asked).
        return self._expand(term)

    def _expand(self, term: str) -> _Resolved:
        """An unknown word: other forms of a known one, or a known one misspelt."""
        matches: list[tuple[str, float]] = []
        if len(term) >= 4 and not term[0].isdigit():
            matches = [
                (known, PREFIX_QUALITY)
                for known in self._by_prefix.get(term[:4], ())
                if _related(term, known)
            ]
            if not matches and len(term) >= 5:
                matches = [
                    (known, FUZZY_QUALITY)
                    for known, _score, _i in process.extract(
                        term,
                        self._vocabulary,
                        scorer=fuzz.ratio,
                        score_cutoff=FUZZY_CUTOFF,
                        limit=3,
                    )
                ]
        if not matches:
            return {}, {}
        return self._merge(matches)

    def _merge(self, matches: list[tuple[str, float]]) -> _Resolved:
        """One question word standing for several known terms, each as sure as given."""
        merged: dict[str, dict[str, float]] = defaultdict(dict)
        for known, quality in matches:
            for slug, entries in self._postings[known].items():
                for entry_id, factor in entries.items():
                    best = max(merged[slug].get(entry_id, 0.0), factor * quality)
                    merged[slug][entry_id] = best
        return dict(merged), dict(matches)

    # -- deciding -----------------------------------------------------------------

    def _scores(self, query: _Query, slug: str, keep: int = SUGGESTIONS + 1) -> list[Scored]:
        """The ``keep`` entries of ``slug`` that best answer ``query``, each scored in [0, 1]."""
        weights = [self._weight(slug, term) for term in query.terms]
        total = sum(weights)
        if total <= 0:
            return []
        covered: dict[str, float] = defaultdict(float)
        focused = self._focus.get(slug, {})
        for term, weight in zip(query.terms, weights, strict=True):
            # The word a "which …?" asks about counts in full only for an entry that asks
            # about it too: "what *sentence* did the court pass" is not "which *court* passed it".
            asked_about = (
                set().union(*(focused.get(k, set()) for k in term.matches)) if term.boost > 1 else set()
            )
            for entry_id, factor in term.postings.get(slug, {}).items():
                boost = 1.0 if term.boost == 1 or entry_id in asked_about else 1 / term.boost
                covered[entry_id] += weight * factor * boost
        # How much of the question each entry explains (above), and how much of its
        # closest phrasing the question says (below): "what time is it" shares "time"
        # with "is this the first time he has been persecuted?", but says little of it.
        matched: dict[str, float] = {}
        for term in query.terms:
            for known, quality in term.matches.items():
                matched[known] = max(matched.get(known, 0.0), quality)
        said: dict[int, float] = defaultdict(float)  # phrasing number → weight said
        in_phrasings = self._in_phrasings.get(slug, {})
        for known, quality in matched.items():
            for number, weight in in_phrasings.get(known, ()):
                said[number] += weight * quality
        phrased = self._phrased.get(slug, {})
        of_phrasing = [0.0] * len(phrased)  # by the entry's place in ``phrased``
        wholes = self._phrasing_weight.get(slug, ())
        place_of = self._phrasing_entry.get(slug, ())
        question_words = self._question_words
        own_words = any(not term.matches.keys() <= question_words for term in query.terms)
        bare = self._bare.get(slug, frozenset()) if own_words else frozenset()
        for number, weight in said.items():
            share = weight / wholes[number]
            if number in bare:
                share *= BARE_PHRASING_SHARE
            place = place_of[number]
            if share > of_phrasing[place]:
                of_phrasing[place] = share
        order = self._order.get(slug, {})
        ranked = []
        for entry_id, weight in covered.items():
            place = phrased.get(entry_id)
            phrasing_share = 0.0 if place is None else of_phrasing[place]
            of_question = weight / total
            score = QUESTION_SHARE * of_question + (1 - QUESTION_SHARE) * phrasing_share
            ranked.append((score, of_question, phrasing_share, entry_id))
        # Ties go to the entry the case file lists first (its most central question).
        ranked.sort(key=lambda item: (-item[0], order.get(item[3], 0)))
        return [Scored(entry_id, score, of_q, of_p) for score, of_q, of_p, entry_id in ranked[:keep]]

    def _stands_alone(self, query: _Query, slug: str, entry_id: str) -> bool:
        """Whether a question that points at no one is still about this entry.

        "who are you" and "how old is the president" say nothing of the person of
        the case: the first is only a question word, the second meets "who is he?"
        on "how old" and its answer on "president". Such a question is answered
        only when its own words are ones the entry's phrasings use ("which court?"),
        with at most filler beside two of them ("how many years did the prosecutor
        want"), so "can you help me with my homework" is not taken for "how can I help?".
        """
        # "how old are *you*" is put to the bot, "who is the judge in *my* case" is about
        # the reader: only an entry asked that way answers them.
        for person, stems in self._persons.items():
            if (slug, entry_id) not in self._person_entries[person] and any(
                set(term.matches) & stems for term in query.terms
            ):
                return False
        asking = self._question_words
        # A question or asking word is one by what it is, whatever forms it resembles
        # («расскажи» is also near «рассказать»).
        own = [
            t
            for t in query.terms
            if not t.matches
            or not (set(t.matches) <= asking or asking & {k for k, q in t.matches.items() if q == 1.0})
        ]
        if not own:
            # Only question words and "I": "what can *I* do?" is the reader asking what the
            # entries a reader asks answer ("how can I help?"); "who are you", "thank you"
            # point at no one the case knows.
            asked_by = (slug, entry_id) in self._person_entries["i"] and any(
                set(term.matches) & self._persons["i"] for term in query.terms
            )
            return asked_by and self._explains(query, slug, entry_id) >= STANDALONE_FLOOR
        factors = [term.postings.get(slug, {}).get(entry_id, 0.0) for term in own]
        # "tell me", «расскажи», "aytib ber" ask, they do not say what about.
        said = sum(
            1
            for term, f in zip(own, factors, strict=True)
            if f > ANSWER_WEIGHT and not self._asking & set(term.matches)
        )
        # A word the phrasings do not use (unknown, or only in the answer) is filler
        # only beside two words they do use.
        # …or beside one, when it is a word other questions of the case use and that
        # weighs less than the one said ("where did the *trial* take place": "take
        # place" asks of searches too; but in "court and experts?" each is a topic).
        least_said = min(
            (
                self._weight(slug, term)
                for term, f in zip(own, factors, strict=True)
                if f > ANSWER_WEIGHT and not self._asking & set(term.matches)
            ),
            default=0.0,
        )
        in_case = sum(
            1
            for term, f in zip(own, factors, strict=True)
            if f <= ANSWER_WEIGHT
            # the word itself (not a guess at a typo), long enough to be one word in one
            # language: Uzbek "putin" loses -in and meets English "put"
            and any(q == 1.0 and len(k) >= 4 for k, q in term.matches.items())
            and any(v > ANSWER_WEIGHT for v in term.postings.get(slug, {}).values())
            and self._weight(slug, term) < least_said
        )
        if not said or (said < len(factors) and said < 2 and said + in_case < len(factors)):
            return False
        # A word no text of the case uses, in a question that points at no one, is what
        # the question is about: "which court handles *divorces*", "why did *Germany*
        # ban Hizb ut-Tahrir", «сколько лет дают за *кражу*» share the case's words
        # but ask about something else.
        # A guess at a typo proves a known word only when it lands on a word this entry
        # is asked with ("hizbut" ~ "hizb"; "patent" is no "attention" of its answer).
        if any(
            (
                not term.postings.get(slug)
                or (
                    max(term.matches.values()) < PREFIX_QUALITY
                    and term.postings[slug].get(entry_id, 0.0) <= ANSWER_WEIGHT
                )
            )
            and term.stem not in asking
            for term in own
        ):
            return False
        # "Which court hears appeals *in Moscow*", «какие условия *в российских* тюрьмах»:
        # with no one pointed at, a country or a city at large is what is asked about.
        if query.general:
            return False
        # "*When* was Hizb ut-Tahrir founded?", "*where* is the Meshchansky court?" ask for a
        # date or a place: only an entry some phrasing of which asks that can give one.
        asked_with = self._entry_terms.get((slug, entry_id), frozenset())
        for term in query.terms:
            kinds = set(term.matches) & self._when_where
            if kinds and not kinds & asked_with:
                return False
        # With nothing pointing at him, most of the question must be explained…
        if self._explains(query, slug, entry_id) < STANDALONE_FLOOR:
            return False
        # …and a definition ("what is a political prisoner?") must say much of a phrasing
        # that points at no one either ("What is Hizb ut-Tahrir?", "Which articles?"):
        # "is *he* really a political prisoner?" is answered of him, not of the term.
        return not query.defines or self._says_standalone(query, slug, entry_id) >= PHRASING_FLOOR

    def _says_standalone(self, query: _Query, slug: str, entry_id: str) -> float:
        matched: dict[str, float] = {}
        for term in query.terms:
            for known, quality in term.matches.items():
                matched[known] = max(matched.get(known, 0.0), quality)
        weights = self._weights.get(slug, {})
        pronouns = set().union(*self._persons.values())
        best = 0.0
        for terms, whole in self._standalone.get(slug, {}).get(entry_id, ()):
            if whole <= 0:
                continue
            said = sum(
                weights.get(t, 0.0) * (INTERROGATIVE_WEIGHT if t in pronouns else 1.0) * matched.get(t, 0.0)
                for t in terms
            )
            best = max(best, said / whole)
        return best

    def _explains(self, query: _Query, slug: str, entry_id: str) -> float:
        """The share of the question's weight entry ``entry_id`` of ``slug`` covers."""
        weights = [self._weight(slug, term) for term in query.terms]
        covered = sum(
            weight * term.postings.get(slug, {}).get(entry_id, 0.0)
            for term, weight in zip(query.terms, weights, strict=True)
        )
        return covered / sum(weights) if sum(weights) else 0.0

    def _explained(self, query: _Query, slug: str) -> float:
        """The best share of the question any one entry of ``slug`` explains."""
        weights = [self._weight(slug, term) for term in query.terms]
        total = sum(weights)
        covered: dict[str, float] = defaultdict(float)
        for term, weight in zip(query.terms, weights, strict=True):
            for entry_id, factor in term.postings.get(slug, {}).items():
                covered[entry_id] += weight * factor
        return max(covered.values(), default=0.0) / total if total else 0.0

    def rank(self, text: str, slug: str, keep: int = SUGGESTIONS + 1) -> list[Scored]:
        """The entries of case ``slug`` that best answer ``text``, best first."""
        return self._scores(self._query(text), slug, keep)

    def respond(
        self, text: str, *, user_locale: str, last_slug: str | None = None, named: str | None = None
    ) -> Outcome:
        """``named``: the case the text names, when the caller's name search has decided it."""
        query = self._query(text)
        locale = query.locale or user_locale
        if locale == "uz" and user_locale == UZ_CYRL:
            locale = UZ_CYRL
        slug: str | None = None
        candidates: list[str] = []
        if named is not None and self._catalog.get(named) is not None:
            slug = named
        elif len(query.named) == 1:
            slug = query.named[0]
        elif len(query.named) > 1:
            candidates = query.named
        elif last_slug is not None and self._catalog.get(last_slug) is not None:
            slug = last_slug
        elif len(self._catalog) == 1:
            slug = self._catalog.slugs[0]
        else:
            candidates = self._catalog.slugs

        if not query.terms:
            # Only a name (or nothing readable): what can be asked about it.
            return Outcome(OutcomeKind.about if query.named else OutcomeKind.menu, locale, slug)
        if slug is not None:
            decided = self._decide(query, slug, locale)
            if decided.kind is not OutcomeKind.answer:
                decided = self._decide_by_last_sentence(text, query, slug, locale, decided)
            if decided.kind is OutcomeKind.answer and len(text) > MAX_CHARS:
                # A long message is not a question: what it may ask is offered, not answered.
                return Outcome(OutcomeKind.suggest, locale, slug, suggestions=(decided.question or "",))
            return decided

        # Which case? Shortlist by the cheap half of the score (the share of the
        # question explained), then decide fully for the few that are offered.
        shortlist = sorted(
            ((self._explained(query, candidate), candidate) for candidate in candidates),
            key=lambda item: -item[0],
        )
        options: list[tuple[str, str | None]] = []
        for explained, candidate in shortlist:
            if explained < WEAK or len(options) == CASE_CHOICES:
                break
            decided = self._decide(query, candidate, locale)
            if decided.kind is OutcomeKind.answer:
                options.append((candidate, decided.question))
            elif decided.kind is OutcomeKind.suggest:
                options.append((candidate, None))
        if not options:
            return Outcome(OutcomeKind.menu, locale, None)
        return Outcome(OutcomeKind.which_case, locale, cases=tuple(options))

    def _decide_by_last_sentence(
        self, text: str, query: _Query, slug: str, locale: str, decided: Outcome
    ) -> Outcome:
        """A message of several sentences, read by its question.

        "My cousin says he was locked up for being a Muslim activist – is that why he
        counts as a political prisoner?": the context before the question dilutes it.
        The last sentence alone may answer only with the entry the whole message
        already ranks first, so context can lower confidence but never redirect it.
        """
        last = _last_sentence(text)
        ranked = self._scores(query, slug, keep=1) if last else []
        if not ranked:
            return decided
        tail = self._query(last or "")
        if not tail.terms:
            return decided
        # "he" may be in the sentence before: "Bakhrom? Is he still in prison?"
        tail.refers = tail.refers or query.refers
        again = self._decide(tail, slug, locale)
        if again.kind is OutcomeKind.answer and again.question == ranked[0].entry:
            return again
        return decided

    def _decide(self, query: _Query, slug: str, locale: str) -> Outcome:
        scores = self._scores(query, slug)
        # "Are *you* saying his opinions are right?" is put to whoever runs the bot: only
        # an entry asked of the bot ("do you agree with his views?") can answer it, however
        # much of "why is he a political prisoner?" it also says.
        addressed = self._persons["you"]
        if any(set(term.matches) & addressed for term in query.terms):
            asked_of_bot = self._person_entries["you"]
            scores = [s for s in scores if (slug, s.entry) in asked_of_bot] or scores
        # "who won the final?" says all of "who is he?", but explains little of itself.
        if not scores or scores[0].score < WEAK or scores[0].of_question < WEAK:
            return Outcome(OutcomeKind.menu, locale, slug)
        best = scores[0]
        runner_up = scores[1].score if len(scores) > 1 else 0.0
        # Both halves must hold on their own: most of the question explained (words no
        # case file uses pull this down) and a good part of one stored phrasing said
        # ("what time is it" meets "the first time he was persecuted" on one word).
        if (
            best.score >= CONFIDENT
            and best.of_question >= QUESTION_FLOOR
            and best.of_phrasing >= PHRASING_FLOOR
            and best.score - runner_up >= MARGIN - 1e-9  # scores are sums of floats
            and (query.refers or self._stands_alone(query, slug, best.entry))
        ):
            return Outcome(OutcomeKind.answer, locale, slug, question=best.entry)
        floor = max(WEAK, best.score / 2)
        close = tuple(s.entry for s in scores[:SUGGESTIONS] if s.score >= floor)
        return Outcome(OutcomeKind.suggest, locale, slug, suggestions=close)


class QuestionIndexes:
    """The question index of the catalogue in force.

    Stemming every phrasing of every case is the costly part (≈ 15 ms a case),
    so it never holds up start-up or an update: :meth:`start` builds the first
    index off the event loop once the bot is up, and /reload builds the new
    catalogue's index *before* it swaps the catalogue (:meth:`prepare`). A
    question arriving while the index is being built waits for it; an update
    that meets a catalogue nothing prepared builds its index once.
    """

    # At start-up the build waits this long (or for the first question): a second of CPU
    # at 1,000 cases, in a thread that would slow the event loop's way to its first poll.
    START_DELAY = 1.0

    def __init__(self, catalog: Catalog, *, build_now: bool = True) -> None:
        self._catalog = catalog
        self._index: QuestionIndex | None = QuestionIndex(catalog) if build_now else None
        self._building: asyncio.Task[None] | None = None
        self._wanted = asyncio.Event()

    async def start(self) -> None:
        """Build the index in a worker thread, if it is not built yet (a start-up hook)."""
        if self._index is None and self._building is None:
            self._building = asyncio.ensure_future(self._build_soon(self._catalog))

    async def _build_soon(self, catalog: Catalog) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wanted.wait(), self.START_DELAY)
        await self.prepare(catalog)

    async def get(self, catalog: Catalog) -> QuestionIndex:
        if catalog is self._catalog:
            if self._index is None and self._building is not None:
                self._wanted.set()  # a question is waiting: build now
                await asyncio.shield(self._building)
            if self._index is not None:
                return self._index
        index = QuestionIndex(catalog, self._index)
        self._catalog, self._index = catalog, index
        return index

    async def prepare(self, catalog: Catalog, entries: Mapping[str, CaseEntries] | None = None) -> None:
        """``catalog``'s index, built in a worker thread: of the cases the index in force has
        read, only the new versions are read (or taken from ``entries``, read elsewhere)."""
        index = await asyncio.to_thread(QuestionIndex, catalog, self._index, entries)
        self._catalog, self._index = catalog, index
