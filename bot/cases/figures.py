"""The number guard: every figure a case text writes in digits is one ``case.toml`` holds.

A wrong date or term in one language is the commonest error in a translated case
and the most damaging one: a reader who checks a single figure against the sources
and finds it wrong stops trusting the rest. So the texts may only repeat figures
that the structured facts hold, where each has its source: the dates (birth,
custody, recognition, the petition, every event and every source), the charges'
article and part numbers, the sentences' years and months, the petition's goal,
and a short ``figures`` list for anything else (a term the prosecutor asked for,
a year in the biography), each with its source.

Figures written as words ("six posts", «шести») are beyond a guard's reach; the
content review checks those. A figure is compared as written (``205.2``, ``2022``,
``9``): the guard does not know what a number counts, only that the facts hold it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from bot.cases.models import CaseFacts, CaseTexts

# Digits, with decimals (205.2) and thousands groups (1 000, 1,000, 1 000) joined
# into one figure; a full stop ending a sentence (2022.) is not part of it. A figure
# starts where no letter or digit stands before it: the look-behind comes after the
# first digit (the same test) so that the search can skip to the next digit at once,
# rather than trying the look-behind at every letter of three languages' texts.
_FIGURE = re.compile(r"\d(?<!\w\d)\d*(?:[ \u00a0\u202f,]\d{3}(?!\d))*(?:\.\d+)*")
_GROUPING = re.compile(r"[ \u00a0\u202f,]")


def _date_parts(value: dt.date | str | None) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, str):  # a partial date: YYYY, YYYY-MM or YYYY-MM-DD
        parts = [int(p) for p in value.split("-")]
    else:
        parts = [value.year, value.month, value.day]
    yield str(parts[0])
    for part in parts[1:]:
        yield str(part)
        yield f"{part:02d}"


def held_figures(facts: CaseFacts) -> set[str]:
    """Every figure the structured facts of a case hold, as it may be written in a text."""
    held: set[str] = set()
    dates: list[dt.date | str | None] = [
        facts.birth_date,
        facts.in_custody_since,
        facts.recognition.date if facts.recognition is not None else None,  # a short case has none
    ]
    if facts.petition is not None:
        dates += [facts.petition.opens, facts.petition.closes]
        held.add(str(facts.petition.goal))
    for event in facts.timeline:
        dates.append(event.date)
        dates += [source.date for source in event.sources]
        if event.sentence is not None:
            held.add(str(event.sentence.years))
            if event.sentence.months:
                held.add(str(event.sentence.months))
    for date in dates:
        held.update(_date_parts(date))
    for charge in facts.charges:
        held.add(charge.article)
        if charge.part is not None:
            held.add(str(charge.part))
    held.update(figure.value for figure in facts.figures)
    return held


def _texts(texts: CaseTexts) -> Iterator[tuple[str, str]]:
    """Every reader-visible string of a locale file, with the field it sits in."""
    yield "summary", texts.summary
    if texts.story is not None:  # a short case may have no story or disclaimer yet
        yield "story", texts.story
    if texts.disclaimer is not None:
        yield "disclaimer", texts.disclaimer
    if texts.demand is not None:
        yield "demand", texts.demand
    for ident, charge in texts.charges.items():
        yield f"charges.{ident}.title", charge.title
    for ident, argument in texts.arguments.items():
        yield f"arguments.{ident}.title", argument.title
        yield f"arguments.{ident}.text", argument.text
    for ident, event in texts.events.items():
        yield f"events.{ident}.text", event.text
    for ident, question in texts.questions.items():
        for n, phrasing in enumerate(question.phrasings):
            yield f"questions.{ident}.phrasings.{n}", phrasing
        if question.answer is not None:
            yield f"questions.{ident}.answer", question.answer


def figures_in(text: str) -> list[str]:
    """The figures written in digits in ``text``, thousands separators removed."""
    return [_GROUPING.sub("", match.group()) for match in _FIGURE.finditer(text)]


def unheld_figures(facts: CaseFacts, texts: CaseTexts, held: set[str] | None = None) -> list[tuple[str, str]]:
    """(field, figure) for each figure in a locale's texts that the facts do not hold
    (``held``: :func:`held_figures` of ``facts``, made once for all of a case's locales)."""
    if held is None:
        held = held_figures(facts)
    found: list[tuple[str, str]] = []
    for field, text in _texts(texts):
        for figure in figures_in(text):
            if figure not in held and (field, figure) not in found:
                found.append((field, figure))
    return found
