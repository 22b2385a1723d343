"""Measure question matching on the evaluation sets in tests/qa/ (``make eval-qa``).

Each ``<locale>.toml`` holds questions written independently of the case
phrasings, with the entry each should reach, and off-topic messages that must
never get a case answer. Top-1 accuracy is the share of questions whose best
ranked entry is the expected one; "answered" is the share the bot answers
outright (the rest get a list of close questions, the expected one usually in it).
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bot.answers import OutcomeKind, QuestionIndex
from bot.cases.catalog import load_catalog
from bot.locales import LOCALES  # uz-Cyrl too: Uzbek questions typed in Cyrillic

HERE = Path(__file__).resolve().parent
REAL_CASES = HERE.parent.parent / "data" / "cases"
# Another locale as the user's, to check that the question's language wins.
OTHER_LOCALE = {"en": "ru", "ru": "uz", "uz": "en", "uz-Cyrl": "ru"}


@dataclass
class LanguageReport:
    locale: str
    total: int = 0
    top1: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    language_right: int = 0
    misses: list[str] = field(default_factory=list)
    offtopic_total: int = 0
    offtopic_answered: list[str] = field(default_factory=list)
    offtopic_suggested: int = 0

    @property
    def accuracy(self) -> float:
        return self.top1 / self.total if self.total else 0.0


def load_set(locale: str) -> dict[str, object]:
    return tomllib.loads((HERE / f"{locale}.toml").read_text(encoding="utf-8"))


def evaluate(index: QuestionIndex, locale: str) -> LanguageReport:
    data = load_set(locale)
    slug = str(data["case"])
    report = LanguageReport(locale)
    for item in data["questions"]:  # type: ignore[attr-defined]
        text, expected = item["text"], item["id"]
        report.total += 1
        ranked = index.rank(text, slug)
        best = ranked[0].entry if ranked else None
        if best == expected:
            report.top1 += 1
        else:
            shown = (
                ", ".join(
                    f"{s.entry} {s.score:.2f} (q {s.of_question:.2f} p {s.of_phrasing:.2f})"
                    for s in ranked[:3]
                )
                or "nothing"
            )
            report.misses.append(f"{text!r}: expected {expected}, ranked {shown}")
        outcome = index.respond(text, user_locale=OTHER_LOCALE[locale])
        if outcome.locale == locale:
            report.language_right += 1
        if outcome.kind is OutcomeKind.answer:
            if outcome.question == expected:
                report.answered_right += 1
            else:
                report.answered_wrong += 1
    for text in data["offtopic"]:  # type: ignore[attr-defined]
        report.offtopic_total += 1
        outcome = index.respond(text, user_locale=locale)
        if outcome.kind is OutcomeKind.answer:
            top = index.rank(text, str(data["case"]))[0]
            report.offtopic_answered.append(
                f"{text!r} → {outcome.question} "
                f"{top.score:.2f} (q {top.of_question:.2f} p {top.of_phrasing:.2f})"
            )
        elif outcome.kind is OutcomeKind.suggest:
            report.offtopic_suggested += 1
    return report


def main() -> int:
    index = QuestionIndex(load_catalog(REAL_CASES))
    failed = False
    for locale in LOCALES:
        r = evaluate(index, locale)
        print(
            f"{locale}: top-1 {r.top1}/{r.total} = {r.accuracy:.0%}; "
            f"answered outright {r.answered_right} right, {r.answered_wrong} wrong, "
            f"{r.total - r.answered_right - r.answered_wrong} as a list; "
            f"language detected {r.language_right}/{r.total}; "
            f"off-topic: {len(r.offtopic_answered)} answered, {r.offtopic_suggested} got a list, "
            f"{r.offtopic_total - len(r.offtopic_answered) - r.offtopic_suggested} got the menu "
            f"(of {r.offtopic_total})"
        )
        for miss in r.misses:
            print(f"  miss: {miss}")
        for wrong in r.offtopic_answered:
            print(f"  OFF-TOPIC ANSWERED: {wrong}")
        failed |= r.accuracy < 0.9 or bool(r.offtopic_answered)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
