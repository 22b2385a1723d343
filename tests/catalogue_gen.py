"""A catalogue of clearly fictional cases, for tests and the benchmark only.

Never write these into ``data/cases/``: every person here is invented (names
built from syllables, summaries that say so), so that 1,000-case behaviour can
be tested without putting words in a real person's mouth. Half the cases are
full (recognition, arguments, story, timeline, questions), half short (name,
charges, stage, summary, sources: what ``import-cases`` writes).

    python -m tests.catalogue_gen OUT_DIR [--count 1000] [--size full|compact]

``--size full`` makes the full cases about the size of the Khamroev case (for
the benchmark); ``compact`` keeps their structure with short texts (for tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.cases.toml_writer import dumps

# Syllables in Latin and Cyrillic, so each invented name has a spelling per script.
_SYLLABLES = [
    ("ka", "ка"), ("ro", "ро"), ("mi", "ми"), ("zu", "зу"), ("te", "те"), ("lo", "ло"),
    ("va", "ва"), ("ni", "ни"), ("de", "де"), ("su", "су"), ("pa", "па"), ("ri", "ри"),
    ("go", "го"), ("be", "бе"), ("tu", "ту"), ("fa", "фа"),
]  # fmt: skip
_FIRST = [
    ("Zarvid", "Зарвид"), ("Pelum", "Пелум"), ("Orsin", "Орсин"), ("Tamvel", "Тамвел"),
    ("Kuvor", "Кувор"), ("Belmir", "Белмир"), ("Desan", "Десан"), ("Ferot", "Ферот"),
    ("Gulvar", "Гулвар"), ("Hirum", "Хирум"), ("Lomaz", "Ломаз"), ("Mervin", "Мервин"),
    ("Nodir-Zet", "Нодир-Зет"), ("Ruzel", "Рузел"), ("Sovat", "Соват"), ("Tirvan", "Тирван"),
]  # fmt: skip
_FIRST_F = [
    ("Zarvida", "Зарвида"), ("Peluma", "Пелума"), ("Orsina", "Орсина"), ("Tamvela", "Тамвела"),
    ("Lomaza", "Ломаза"), ("Ruzela", "Рузела"), ("Mervina", "Мервина"), ("Desana", "Десана"),
]  # fmt: skip
ARTICLES = [("205.2", 2), ("282.2", 1), ("207.3", 2), ("280.3", 1), ("212", 2), ("275", None), ("205.5", 2)]
STAGES = ["detained", "remanded", "on-trial", "sentenced", "appeal", "serving", "released"]
REGIONS = [
    ("Moscow", "Москва", "Moskva"),
    ("Saint Petersburg", "Санкт-Петербург", "Sankt-Peterburg"),
    ("Tatarstan", "Татарстан", "Tatariston"),
    ("Bashkortostan", "Башкортостан", "Boshqirdiston"),
    ("Crimea", "Крым", "Qrim"),
    ("Dagestan", "Дагестан", "Dogʻiston"),
]
CATEGORIES = ["religion", "anti-war", "journalism", "protest", "civil-society"]


@dataclass(frozen=True)
class FictionalName:
    en: str
    ru: str
    female: bool


def _names(count: int, rng: random.Random) -> list[FictionalName]:
    surnames: list[tuple[str, str]] = []
    for a in _SYLLABLES:
        for b in _SYLLABLES:
            for c in _SYLLABLES[:8]:
                surnames.append((f"{a[0]}{b[0]}{c[0]}".capitalize(), f"{a[1]}{b[1]}{c[1]}".capitalize()))
    rng.shuffle(surnames)
    names = []
    for i in range(count):
        latin, cyrillic = surnames[i]
        female = i % 5 == 4
        first = (_FIRST_F if female else _FIRST)[i % (len(_FIRST_F) if female else len(_FIRST))]
        ending = ("ova", "ова") if female else ("ov", "ов")
        names.append(
            FictionalName(
                en=f"{first[0]} {latin}{ending[0]}",
                ru=f"{first[1]} {cyrillic}{ending[1]}",
                female=female,
            )
        )
    return names


_TEXTS = {
    "en": {
        "summary": "{name} is a fictional person invented for software tests. "
        "In this made-up record the person is charged under {articles}.",
        "story": "This paragraph about {name} is invented for software tests; no real person is meant. "
        "It fills the story screen the way a long case file does.",
        "disclaimer": "A fictional recognition, for tests only.",
        "demand": "A fictional demand for the release of {name}, for tests only.",
        "charge": "an invented charge",
        "arg-title": "An invented argument",
        "arg-text": "An invented reason, for tests only, why {name} would be a political prisoner.",
        "event": "An invented event in the fictional case of {name}.",
        "q-why": ["Why is {name} a political prisoner?", "What makes {name} a political prisoner?"],
        "q-charges": ["What is {name} accused of?", "Which charges does {name} face?"],
        "a-why": "In this invented record, a made-up centre recognised {name} for tests.",
        "org": "Fictional Test Centre",
    },
    "ru": {
        "summary": "{name} — вымышленный человек, придуманный для тестов программы. "
        "В этом выдуманном деле ему вменяют {articles}.",
        "story": "Этот абзац о человеке по имени {name} придуман для тестов; реальный человек не имеется в виду. "
        "Он заполняет экран истории так, как это делает длинное дело.",
        "disclaimer": "Вымышленное признание, только для тестов.",
        "demand": "Вымышленное требование освободить: {name}. Только для тестов.",
        "charge": "вымышленное обвинение",
        "arg-title": "Вымышленный довод",
        "arg-text": "Вымышленная причина, только для тестов, по которой {name} считается политзаключённым.",
        "event": "Вымышленное событие в выдуманном деле: {name}.",
        "q-why": ["Почему {name} политзаключённый?", "За что {name} признан политзаключённым?"],
        "q-charges": ["В чём обвиняют: {name}?", "Какие обвинения предъявлены: {name}?"],
        "a-why": "В этом выдуманном деле вымышленный центр признал человека по имени {name} для тестов.",
        "org": "Вымышленный тестовый центр",
    },
    "uz": {
        "summary": "{name} — dastur sinovlari uchun oʻylab topilgan xayoliy shaxs. "
        "Bu toʻqima ishda unga {articles} boʻyicha ayb qoʻyilgan.",
        "story": "{name} haqidagi bu xatboshi sinovlar uchun toʻqib chiqarilgan; haqiqiy odam nazarda tutilmagan. "
        "U uzun ish kabi tarix ekranini toʻldiradi.",
        "disclaimer": "Xayoliy eʼtirof, faqat sinovlar uchun.",
        "demand": "{name}ni ozod qilish haqidagi xayoliy talab, faqat sinovlar uchun.",
        "charge": "toʻqima ayblov",
        "arg-title": "Toʻqima dalil",
        "arg-text": "{name} nega siyosiy mahbus ekani haqida toʻqima sabab, faqat sinovlar uchun.",
        "event": "{name} toʻqima ishidagi xayoliy voqea.",
        "q-why": ["{name} nega siyosiy mahbus?", "{name} nima uchun siyosiy mahbus deb tan olingan?"],
        "q-charges": ["{name} nimada ayblanmoqda?", "{name}ga qanday ayblovlar qoʻyilgan?"],
        "a-why": "Bu toʻqima ishda xayoliy markaz {name}ni sinovlar uchun tan olgan.",
        "org": "Xayoliy sinov markazi",
    },
}

# Paragraphs a full-size story repeats to reach about the Khamroev case's size.
FULL_STORY_PARAGRAPHS = 28
COMPACT_STORY_PARAGRAPHS = 2


def _case(index: int, name: FictionalName, rng: random.Random, *, full: bool, size: str) -> dict[str, Any]:
    slug = f"fict-{index:04d}"
    charges = rng.sample(ARTICLES, k=rng.randint(1, 3))
    region = REGIONS[rng.randrange(len(REGIONS))]
    stage = STAGES[rng.randrange(len(STAGES))]
    # Distinct dates: "recently updated" has one order.
    last = dt.date(2025, 12, 31) - dt.timedelta(days=index)
    timeline = []
    if full:
        timeline.append(
            {
                "id": "detention",
                "date": last - dt.timedelta(days=400),
                "stage": "detained",
                "sources": [{"publisher": "Fictional Test News", "url": f"https://example.org/{slug}/1"}],
            }
        )
    event: dict[str, Any] = {
        "id": "latest",
        "date": last,
        "stage": stage,
        "sources": [{"publisher": "Fictional Test News", "url": f"https://example.org/{slug}/2"}],
    }
    if stage in ("sentenced", "serving"):
        event["sentence"] = {"years": rng.randint(2, 20), "months": 0, "regime": "general"}
    timeline.append(event)
    facts: dict[str, Any] = {
        "slug": slug,
        "sex": "female" if name.female else "male",
        "birth_date": dt.date(1960 + index % 40, 1 + index % 12, 1 + index % 28),
        "category": CATEGORIES[index % len(CATEGORIES)],
        "name": {"en": name.en, "ru": name.ru, "uz": name.en},
        "region": {"en": region[0], "ru": region[1], "uz": region[2]},
        "charges": [
            {"id": f"c{i}", "code": "uk-rf", "article": article, **({"part": part} if part else {})}
            for i, (article, part) in enumerate(charges)
        ],
        "timeline": timeline,
    }
    if full:
        facts["in_custody_since"] = last - dt.timedelta(days=400)
        facts["recognition"] = {
            "date": str(last.year),
            "url": f"https://example.org/{slug}",
            "by": {loc: _TEXTS[loc]["org"] for loc in _TEXTS},
        }
        facts["petition"] = {
            "goal": 500,
            "opens": dt.date(2026, 1, 1),
            "addressee": {
                "en": "Fictional authorities",
                "ru": "Вымышленным властям",
                "uz": "Xayoliy hokimiyatga",
            },
        }
        facts["arguments"] = [{"id": f"arg{i}", "grounds": ["a"]} for i in range(3)]
        facts["questions"] = [
            {"id": "why-political", "pointer": "why"},
            {"id": "charges", "pointer": "charges"},
        ]
    articles = ", ".join(a for a, _ in charges)
    texts = {}
    for locale, words in _TEXTS.items():
        shown = name.ru if locale == "ru" else name.en
        text: dict[str, Any] = {"summary": words["summary"].format(name=shown, articles=articles)}
        if full:
            paragraphs = FULL_STORY_PARAGRAPHS if size == "full" else COMPACT_STORY_PARAGRAPHS
            story = words["story"].format(name=shown)
            text["story"] = "\n\n".join([story] * paragraphs)
            text["disclaimer"] = words["disclaimer"]
            text["demand"] = words["demand"].format(name=shown)
            text["charges"] = {c["id"]: {"title": words["charge"]} for c in facts["charges"]}
            arg_text = "\n\n".join([words["arg-text"].format(name=shown)] * (6 if size == "full" else 1))
            text["arguments"] = {
                a["id"]: {"title": f"{words['arg-title']} {'ABC'[i]}", "text": arg_text}
                for i, a in enumerate(facts["arguments"])
            }
            text["events"] = {e["id"]: {"text": words["event"].format(name=shown)} for e in timeline}
            text["questions"] = {
                "why-political": {
                    "phrasings": [p.format(name=shown) for p in words["q-why"]],
                    "answer": words["a-why"].format(name=shown),
                },
                "charges": {"phrasings": [p.format(name=shown) for p in words["q-charges"]]},
            }
        texts[locale] = text
    return {"facts": facts, "texts": texts}


def generate(out: Path, count: int = 1000, *, size: str = "compact", seed: int = 13) -> list[str]:
    """Write ``count`` fictional cases under ``out``; the even-numbered half are full. Returns the slugs."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    slugs = []
    for index, name in enumerate(_names(count, rng)):
        case = _case(index, name, rng, full=index % 2 == 0, size=size)
        folder = out / case["facts"]["slug"]
        folder.mkdir(exist_ok=True)
        (folder / "case.toml").write_text(dumps(case["facts"]), encoding="utf-8")
        for locale, text in case["texts"].items():
            (folder / f"{locale}.toml").write_text(dumps(text), encoding="utf-8")
        slugs.append(folder.name)
    return slugs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", choices=("full", "compact"), default="compact")
    args = parser.parse_args()
    generate(args.out, args.count, size=args.size)
    print(f"{args.count} fictional cases in {args.out}")


if __name__ == "__main__":
    main()
