"""Time one free-text question against 50 loaded cases (not a test: prints numbers).

    .venv/bin/python bench/bench_answers.py

The 50 cases are copies of data/cases/khamroev under other slugs and names, so
every case has a full questions section in three languages, as a real catalogue
would. Timed: ``QuestionIndex.respond`` for every question of tests/qa/, in
three situations — the user has a case open, the question names a case, and
neither (every case is scored to offer a choice) — plus building the index.
"""

from __future__ import annotations

import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cases.catalog import Catalog, load_catalog  # noqa: E402
from bot.cases.models import LOCALES, Case, Localized  # noqa: E402
from bot.domain.answers import QuestionIndex  # noqa: E402

CASES = 50
ROUNDS = 20
SYLLABLES = ["ka", "ro", "mi", "tu", "se", "la", "no", "vi", "da", "ze"]


def surname(n: int) -> str:
    # Letters only and unique: a digit would split off and leave one surname for many.
    return (SYLLABLES[n // 10] + SYLLABLES[n % 10]).capitalize() + "rov"


def generated_catalog(base: Case, count: int) -> Catalog:
    cases = []
    for n in range(count):
        family = surname(n)
        name = Localized(en=f"Test {family}", ru=f"Тест {family}", uz=f"Test {family}")
        facts = base.facts.model_copy(update={"slug": f"case-{n:02d}", "name": name, "aliases": [family]})
        cases.append(base.model_copy(update={"facts": facts}))
    return Catalog(cases)


def questions() -> list[tuple[str, str]]:
    out = []
    for locale in LOCALES:
        data = tomllib.loads((ROOT / "tests" / "qa" / f"{locale}.toml").read_text("utf-8"))
        out += [(q["text"], locale) for q in data["questions"]]
        out += [(text, locale) for text in data["offtopic"]]
    return out


def _summary(samples: list[float]) -> str:
    samples.sort()
    p99 = samples[int(len(samples) * 0.99) - 1]
    return f"median {statistics.median(samples):6.3f}  p99 {p99:6.3f}  max {samples[-1]:6.3f}"


def timed(label: str, run: list[tuple[str, str]], call) -> None:  # type: ignore[no-untyped-def]
    # Wall time is what a user waits; CPU time of this thread is what the matcher
    # costs, and stays honest on a machine other processes are also using.
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(ROUNDS):
        for text, locale in run:
            started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
            call(text, locale)
            cpu.append((time.thread_time_ns() - started_cpu) / 1e6)
            wall.append((time.perf_counter_ns() - started) / 1e6)
    print(f"{label} (n={len(wall)}, ms)")
    print(f"    wall  {_summary(wall)}")
    print(f"    cpu   {_summary(cpu)}")


def main() -> None:
    base = load_catalog(ROOT / "data" / "cases").get("khamroev")
    assert base is not None
    catalog = generated_catalog(base, CASES)
    started = time.perf_counter()
    index = QuestionIndex(catalog)
    print(f"{CASES} cases, index built in {(time.perf_counter() - started) * 1000:.0f} ms")
    run = questions()
    timed(
        "case open (last opened)",
        run,
        lambda text, loc: index.respond(text, user_locale=loc, last_slug="case-07"),
    )
    timed(
        "case named in the question",
        run,
        lambda text, loc: index.respond(f"{text} {surname(8)}", user_locale=loc),
    )
    timed("no case known (all 50 scored)", run, lambda text, loc: index.respond(text, user_locale=loc))


if __name__ == "__main__":
    main()
