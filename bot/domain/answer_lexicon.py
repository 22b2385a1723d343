"""More of what people type for the case files' words, for :mod:`bot.domain.answers`.

Kept apart from the matcher so that vocabulary grows without touching its logic.
Every line holds for any case, not just the first one: the words people use for
a prison, a sentence, a search, an office, signing; words that only frame a
question ("seriously?", «насчёт», "jiddiymi"). Each thesaurus line: the term the
case files use, then words that stand for it (inflected forms are fine, each word
is stemmed as the matcher stems it).
"""

from __future__ import annotations

THESAURUS_MORE: dict[str, tuple[str, ...]] = {
    "en": (
        "write wrote written writes",
        "come came coming",
        "office offices premises headquarters",
        "sentence penalty punishment",
        "ask seek sought demanded wanted",
        "articles provisions provision",
        "facebook fb",
        "violence kill killing murder",
        "family wife children",
        "faith religion religious",
        "change changed cut reduced reduce shortened less shorter",
        "biography bio",
        "views believe believes believed",
        "recognised think thinks thought",
    ),
    "ru": (
        "изменил изменила изменили сократил сократили снизил снизили уменьшил уменьшили",
        "помещения офис офиса офисе",
        "просил запросил запросила запросили запрашивал запрашивало требовал требовала требовало",
        "избрал избрали выбрали выбирали",
        "срок наказание",
        "фейсбуке фейсбук фб facebook",
        "писал написал написано",
        "грозит светит светило грозило",
        "сократили меньше",
        "статьи закону закон закона",
        "посадили закрыли",
        "взгляды политику политика",
        "силовики полиция полицейские милиция",
        "максимальный максимум макс",
        "обвиняют шьют шили пришили",
        "осудили наказали наказан",
        "насилию убивать убийство убийству убийствам",
        "семья жена женой жену",
        "веру религии религия религиозные",
        "сейчас порядке",
        "анализировал анализировали проверял проверяли изучал изучали",
    ),
    "uz": (
        "facebook feysbuk feysbuq fb",
        "qisqartir ozgartir",
        "talab talabnoma",
        "imzola imzo",
        "qoy chek",
        "bino ofis idora",
        "jamgarma fond",
        "qamoq qamoqxona",
        "qanday qalay",
        "munosabat muomala",
        "tahlil tekshir",
        "qisqartir kamay kamaytir kamroq",
        "modda qonun",
        "xavfsizlik politsiya militsiya",
        "ayt gapir",
        "sudla jazola",
        "zoravonlik oldirish oldir",
        "oila xotin",
    ),
}

# Words that say how a question is asked, not what about.
FRAMING_WORDS: dict[str, str] = {
    "en": """kind sort seriously serious honestly anyway basically actual nutshell exact precise
    precisely like""",
    "ru": """насчет насчёт серьезно серьёзно конкретно вообще собственно предвзятой предвзятая
    предвзято предвзятую вкратце точно точные точная краткую краткая краткий так""",
    "uz": "jiddiymi jiddiy yana oʻzi umuman aniq aynan oxir-oqibat oxiri",
}

# A country or a city at large, in the folded text (apostrophes as '): a question
# that points at no one and is scoped so ("what is the maximum sentence in Russia",
# «какие условия в российских тюрьмах», "Rossiyada …") is about that place, not the case.
GENERAL_SCOPE = (
    r"\b(?:in|across|of) (?:russia|moscow|uzbekistan|tashkent|central asia)\b"
    r"|\brussian (?:prisons?|courts?|law|laws|jails?|colonies)\b"
    r"|\bв (?:россии|рф|москве|узбекистане|ташкенте|средней азии)\b"
    r"|\b(?:российск|русск|узбекск)\w* (?:тюрьм|колони|суд|закон)\w*"
    r"|\b(?:rossiya|moskva|o'?zbekiston|toshkent)(?:da|dagi)\b"
    r"|\b(?:rossiya|o'?zbekiston) (?:qamoq|turma|koloniya|sud|qonun)\w*"
)

# The present of what people do in general, in the folded text: "how do experts
# analyse", "what does a defender do", «как эксперты анализируют», "… nima ish qiladi".
GENERIC_PRESENT = (
    r"\b(?:how|what|where|why) do (?!i\b|you\b|u\b|we\b)\w+"
    r"|\bdoes an? \w+"
    r"|\b(?:как|чем|что|кто|где)(?: \w+)? \w{3,}(?:ают|яют|уют|ется|ются|ится|ятся)\b"
    r"|\b(?:qil|ber|kor|tahlil qil|shugullan|ishl)(?:adi|aydi|ishadi)\b"
)
