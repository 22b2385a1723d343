"""The catalogue at 1,000 cases, in-process: ``python -m bench.catalogue CASES_DIR [--quick]``.

Prints one JSON object: loading and indexing the catalogue; name search and
question routing per call (p50/p99 over spellings and questions readers type);
a browse page and a search reply through the real Dispatcher (recording
session); and ``/reload`` of the whole catalogue while readers keep sending
updates — its wall time and how long those updates waited. The orchestrator
(``python -m bench``) runs it as a process of its own beside the ceiling E.

``CASES_DIR`` is a catalogue from ``tests/catalogue_gen.py`` (``--size full``),
with the real Khamroev case beside the fictional ones.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import itertools
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiogram.types import Chat, Message, Update, User

from bench.setup_data import in_process_settings
from bot.app import create_app
from bot.cases.catalog import load_catalog
from bot.domain.answers import QuestionIndex
from bot.logs import configure_logging
from bot.transport.local_session import LocalSession
from bot.ui.catalogue_callbacks import BrowseCb, BrowseOrder

ADMIN = 777_000_009
KHAMROEV_SPELLINGS = ["Хамроев", "Khamroev", "Hamroyev", "Xamroyev", "хамраев", "Khamrov", "Бахром"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _timing(values_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(values_ms),
        "p50_ms": round(statistics.median(values_ms), 3),
        "p99_ms": round(_percentile(values_ms, 0.99), 3),
        "max_ms": round(max(values_ms), 3),
    }


def _typos(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]  # one letter dropped


def name_queries(catalog: Any, count: int, rng: random.Random) -> list[str]:
    cases = list(catalog)
    queries = list(KHAMROEV_SPELLINGS)
    for case in rng.sample(cases, min(count, len(cases))):
        en, ru = case.name("en"), case.name("ru")
        queries += [en.split()[-1], ru.lower(), _typos(en.split()[-1], rng), en.split()[0]]
    return queries


def questions(catalog: Any, count: int, rng: random.Random) -> list[tuple[str, str | None]]:
    """(text, the open card): by name in two languages, and by the open card."""
    full = [c for c in catalog if c.facts.questions]
    asked: list[tuple[str, str | None]] = []
    for case in rng.sample(full, min(count, len(full))):
        asked.append((f"Why is {case.name('en')} a political prisoner?", None))
        asked.append((f"В чём обвиняют {case.name('ru').split()[-1]}а?", None))
        asked.append(("What is he accused of?", case.slug))
    return asked


def _message(user_id: int, update_id: int, text: str) -> Update:
    user = User(id=user_id, is_bot=False, first_name="Bench", language_code="ru")
    return Update(
        update_id=update_id,
        message=Message(
            message_id=update_id,
            date=dt.datetime.now(dt.UTC),
            chat=Chat(id=user_id, type="private"),
            from_user=user,
            text=text,
        ),
    )


async def measure(cases_dir: Path, quick: bool) -> dict[str, Any]:
    rng = random.Random(13)
    results: dict[str, Any] = {}
    t0 = time.perf_counter()
    catalog = load_catalog(cases_dir)  # the index (bot/cases/search.py) is built with it
    results["load_s"] = round(time.perf_counter() - t0, 3)
    # As the bot does: texts to the store beside the database, facts cached for a restart.
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "bench.sqlite3.cases-cache"
        t0 = time.perf_counter()
        load_catalog(cases_dir, cache=cache)
        results["load_storing_texts_s"] = round(time.perf_counter() - t0, 3)
        t0 = time.perf_counter()
        light = load_catalog(cases_dir, cache=cache)
        results["load_restart_s"] = round(time.perf_counter() - t0, 3)
        reads = []
        for case in list(light)[:200]:
            t0 = time.perf_counter()
            case.text("ru")
            reads.append((time.perf_counter() - t0) * 1000)
        results["text_read"] = _timing(reads)
    results["cases"] = len(catalog)
    t0 = time.perf_counter()
    index = type(catalog.index)(list(catalog))
    results["name_index_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    answers = QuestionIndex(catalog)
    results["question_index_s"] = round(time.perf_counter() - t0, 3)
    # As `python -m bot run` after start-up: what lives as long as the process is out of the
    # collector's sight, so a full collection does not walk a thousand cases mid-request.
    gc.collect()
    gc.freeze()

    # Wall time per call, and the thread's CPU time: on a machine shared with other work a
    # wall-clock p99 also counts the time the scheduler gave to someone else.
    durations, cpu = [], []
    found = 0
    for text in name_queries(catalog, 100 if quick else 400, rng):
        t0, c0 = time.perf_counter(), time.thread_time()
        result = index.search(text, "ru")
        durations.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        found += bool(result.slugs)
    results["name_search"] = {
        **_timing(durations),
        "cpu_p99_ms": round(_percentile(cpu, 0.99), 3),
        "found": found,
    }

    durations, cpu = [], []
    right = 0
    asked = questions(catalog, 50 if quick else 200, rng)
    for text, open_card in asked:
        t0, c0 = time.perf_counter(), time.thread_time()
        named = index.named_in(text)
        outcome = answers.respond(
            text, user_locale="en", last_slug=open_card, named=named[0] if len(named) == 1 else None
        )
        durations.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        right += outcome.slug is not None
    results["question_routing"] = {
        **_timing(durations),
        "cpu_p99_ms": round(_percentile(cpu, 0.99), 3),
        "routed_to_a_case": right,
    }

    # Through the Dispatcher: a browse page, a search reply, /reload under traffic.
    # Flood control is per user and this loop is one user typing fast: out of the way.
    settings = in_process_settings(
        "catalogue", cases_dir=cases_dir, admin_ids=str(ADMIN), flood_burst=1000, flood_rate=1000.0
    )
    session = LocalSession()
    app = await create_app(settings, session=session)
    await app.dp["question_indexes"].prepare(app.catalog)
    gc.collect()
    gc.freeze()  # as `python -m bot run` does after start-up
    update_id = 1
    try:
        pages = []
        for page_number in range(0, 40 if quick else 120):
            data = BrowseCb(order=BrowseOrder.alphabet, p=page_number * 3).pack()
            update = Update.model_validate(
                {
                    "update_id": update_id,
                    "callback_query": {
                        "id": str(update_id),
                        "from": {"id": 5, "is_bot": False, "first_name": "B", "language_code": "ru"},
                        "chat_instance": "b",
                        "data": data,
                        "message": {
                            "message_id": 1,
                            "date": 0,
                            "chat": {"id": 5, "type": "private"},
                            "text": "…",
                        },
                    },
                },
                context={"bot": app.bot},
            )
            update_id += 1
            t0 = time.perf_counter()
            await app.dp.feed_update(app.bot, update)
            pages.append((time.perf_counter() - t0) * 1000)
        results["browse_page_dispatch"] = _timing(pages)
        replies = []
        for text in name_queries(app.catalog, 30 if quick else 100, rng):
            update_id += 1
            t0 = time.perf_counter()
            await app.dp.feed_update(app.bot, _message(6, update_id, text))
            replies.append((time.perf_counter() - t0) * 1000)
        results["search_reply_dispatch"] = _timing(replies)

        # 100 in flight, no HTTP: browse pages and typed names against the bare echo
        # Dispatcher answering the same kind of update (a button edit, a message).
        results["in_flight"] = await _in_flight(app, quick)

        # /reload while readers type names: its wall time, and how long their updates
        # took meanwhile (answered, not queued behind it). As an admin usually reloads (a
        # few cases edited), with every file edited, and with every file copied anew.
        results["reload_some_changed"] = await _reload(app, cases_dir, touch=5)
        results["reload_all_changed"] = await _reload(app, cases_dir, touch=len(app.catalog))
        results["reload_all_touched"] = await _reload(app, cases_dir, touch=len(app.catalog), edit=False)
    finally:
        await app.close()
    return results


def _callback(update_id: int, user_id: int, data: str, bot: Any) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "callback_query": {
                "id": str(update_id),
                "from": {"id": user_id, "is_bot": False, "first_name": "B", "language_code": "ru"},
                "chat_instance": "b",
                "data": data,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": user_id, "type": "private"},
                    "text": "…",
                },
            },
        },
        context={"bot": bot},
    )


async def _rate(dp: Any, bot: Any, updates: list[Update], in_flight: int = 100) -> float:
    """Updates a second with ``in_flight`` fed at once, wave after wave."""
    t0 = time.perf_counter()
    for start in range(0, len(updates), in_flight):
        await asyncio.gather(*(dp.feed_update(bot, u) for u in updates[start : start + in_flight]))
    return len(updates) / (time.perf_counter() - t0)


async def _in_flight(app: Any, quick: bool) -> dict[str, Any]:
    from aiogram import Bot, Dispatcher
    from aiogram.types import CallbackQuery

    from bot.config import LOCAL_TOKEN

    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    async def echo_button(query: CallbackQuery) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(query.data or "?")

    echo_dp = Dispatcher()
    echo_dp.message.register(echo)
    echo_dp.callback_query.register(echo_button)
    echo_bot = Bot(token=LOCAL_TOKEN, session=LocalSession())
    n = 400 if quick else 1200
    ids = itertools.count(50_000_000)
    pages = [BrowseCb(order=BrowseOrder.alphabet, p=i % 126).pack() for i in range(n)]
    names = ["Хамроев", "Zarvid", "Khamrov", "Hamroyev", "Tuniniov"]
    try:
        # Distinct readers: flood control is per user, and a hundred people read at once.
        browse = await _rate(
            app.dp, app.bot, [_callback(next(ids), 2_000 + i, d, app.bot) for i, d in enumerate(pages)]
        )
        echo_cb = await _rate(
            echo_dp, echo_bot, [_callback(next(ids), 2_000 + i, d, echo_bot) for i, d in enumerate(pages)]
        )
        typed = [names[i % len(names)] for i in range(n)]
        search = await _rate(
            app.dp, app.bot, [_message(3_000 + i, next(ids), t) for i, t in enumerate(typed)]
        )
        echo_msg = await _rate(
            echo_dp, echo_bot, [_message(3_000 + i, next(ids), t) for i, t in enumerate(typed)]
        )
    finally:
        await echo_bot.session.close()
    return {
        "browse_per_s": round(browse, 1),
        "echo_callback_per_s": round(echo_cb, 1),
        "browse_ratio_to_e": round(browse / echo_cb, 3),
        "search_per_s": round(search, 1),
        "echo_per_s": round(echo_msg, 1),
        "search_ratio_to_e": round(search / echo_msg, 3),
    }


EDIT_MARK = "# bench edit "


def _touch(cases_dir: Path, count: int, *, edit: bool = True) -> None:
    """``count`` case folders as an editor leaves them: every file newer and, with ``edit``,
    different (a comment line at its end changes), so it must be parsed again; without,
    as a copy or a checkout leaves them, the same contents newer (nothing to parse)."""
    for folder in sorted(p for p in cases_dir.iterdir() if p.is_dir())[:count]:
        for path in folder.iterdir():
            if edit and path.suffix == ".toml":
                lines = path.read_text(encoding="utf-8").splitlines()
                mark = int(lines[-1].removeprefix(EDIT_MARK)) + 1 if lines[-1].startswith(EDIT_MARK) else 1
                kept = lines[:-1] if lines[-1].startswith(EDIT_MARK) else lines
                path.write_text("\n".join([*kept, f"{EDIT_MARK}{mark}"]) + "\n", encoding="utf-8")
            path.touch()


async def _reload(app: Any, cases_dir: Path, touch: int, *, edit: bool = True) -> dict[str, Any]:
    _touch(cases_dir, touch, edit=edit)  # before the clock starts
    reloader = app.dp["catalogue_reload"]
    elsewhere = reloader.read_in_processes
    before = app.catalog
    waits: list[float] = []
    reading = True
    ids = itertools.count(10_000_000 + touch * 100_000 + (0 if edit else 200_000_000))  # none seen before

    async def reader(user_id: int) -> None:
        while reading:
            t0 = time.perf_counter()
            await app.dp.feed_update(app.bot, _message(user_id, next(ids), "Хамроев"))
            waits.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0.01)  # ten readers, each a reply at most every 10 ms

    readers = [asyncio.create_task(reader(1000 + n)) for n in range(10)]
    await asyncio.sleep(0.05)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    await app.dp.feed_update(app.bot, _message(ADMIN, next(ids), "/reload"))
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The CPU the reload's other processes (folder scan, reading) spent: on a shared machine
    # the wall time also counts what the scheduler gave to someone else.
    other_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    reading = False
    await asyncio.gather(*readers)
    return {
        "folders_changed" if edit else "folders_touched": touch,
        "read_in_other_processes": reloader.read_in_processes - elsewhere,
        "seconds": round(seconds, 3),
        "other_processes_cpu_s": round(other_cpu, 3),
        "swapped": app.catalog is not before,
        "updates_answered_meanwhile": len(waits),
        "their_p99_ms": round(_percentile(waits, 0.99), 2) if waits else None,
        "their_max_ms": round(max(waits), 2) if waits else None,
    }


def main() -> int:
    configure_logging("json", "WARNING")
    cases_dir = Path(sys.argv[1])
    quick = "--quick" in sys.argv[2:]
    if not cases_dir.exists():
        from bench.setup_data import generate_catalogue

        generate_catalogue(cases_dir)
    print(json.dumps(asyncio.run(measure(cases_dir, quick))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
