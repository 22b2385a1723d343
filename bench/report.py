"""Medians over repetitions, ratios to E, the targets, and the Markdown table."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench import targets
from bench.paths import is_callback, user_paths
from bench.scaleout_paths import scaleout_records

ANALYSIS = Path(__file__).resolve().parent / "analysis.md"
MODES = ("seq", "flight")


def _median(values: list[float]) -> float:
    clean = [v for v in values if v == v]  # drop NaN
    return round(statistics.median(clean), 3) if clean else float("nan")


def _cpu(runs: list[dict[str, Any]]) -> dict[str, Any]:
    numeric = [k for k, v in runs[0]["cpu"].items() if isinstance(v, float | int)]
    cpu: dict[str, Any] = {k: _median([r["cpu"].get(k, 0.0) for r in runs]) for k in numeric}
    for key in ("other_top", "kernel_top"):
        top: dict[str, float] = {}
        for run in runs:
            for name, cores in run["cpu"].get(key, {}).items():
                top[name] = max(top.get(name, 0.0), cores)
        cpu[key] = top
    return cpu


def _path_summary(records: list[dict[str, Any]], name: str, callback: bool) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for mode in MODES:
        runs = [r["paths"][name][mode] for r in records]
        echo = [r["paths"]["echo"][mode] for r in records]
        echo_cb = [r["paths"]["echo_callback"][mode] for r in records]
        summary[mode] = {
            "updates_per_s": _median([r["updates_per_s"] for r in runs]),
            "ratio_to_e": _median(
                [r["updates_per_s"] / e["updates_per_s"] for r, e in zip(runs, echo, strict=True)]
            ),
            # Button paths also against E(cb), the bare answer + edit a callback needs at least.
            "ratio_to_e_callback": _median(
                [r["updates_per_s"] / e["updates_per_s"] for r, e in zip(runs, echo_cb, strict=True)]
            )
            if callback
            else float("nan"),
            "p50_ms": _median([r["p50_ms"] for r in runs]),
            "p99_ms": _median([r["p99_ms"] for r in runs]),
            "bot_cpu_ms_per_update": _median([r["bot_cpu_ms_per_update"] for r in runs]),
            "cpu_ratio_to_e": _median(
                [
                    e["bot_cpu_ms_per_update"] / r["bot_cpu_ms_per_update"]
                    for r, e in zip(runs, echo, strict=True)
                    if r["bot_cpu_ms_per_update"]
                ]
            ),
            "cpu": _cpu(runs),
            "errors": sum(r.get("errors", 0) + r["incomplete"] for r in runs),
        }
    opened = [r["paths"][name] for r in records if "open" in r["paths"][name]]
    if opened and len(opened) == len(records):
        summary["open"] = _open_summary([r["open"] for r in opened], [r["open_ceiling"] for r in opened])
    measured = [r for r in records if "dispatch_only" in r]
    dispatch = [r["dispatch_only"][name] for r in measured]
    echo_dispatch = [r["dispatch_only"]["echo"] for r in measured]
    summary["dispatch_only"] = {
        "us_per_update": _median([1e6 / d["updates_per_s"] for d in dispatch]),
        "ratio_to_e": _median(
            [d["updates_per_s"] / e["updates_per_s"] for d, e in zip(dispatch, echo_dispatch, strict=True)]
        ),
        "p99_ms": _median([d["p99_ms"] for d in dispatch]),
    }
    return summary


def _open_summary(own: list[dict[str, Any]], ceiling: list[dict[str, Any]]) -> dict[str, Any]:
    """The open loop over the repetitions: medians of the path's and its ceiling's figures."""
    return {
        "rate": _median([r["offered_rate"] for r in own]),
        "measured": min(r["measured"] for r in own),
        "p50_ms": _median([r["p50_ms"] for r in own]),
        "p99_ms": _median([r["p99_ms"] for r in own]),
        "ceiling": ceiling[0]["ceiling"],
        "ceiling_p50_ms": _median([r["p50_ms"] for r in ceiling]),
        "ceiling_p99_ms": _median([r["p99_ms"] for r in ceiling]),
        "release_lag_p99_ms": max(r["release_lag_ms"]["p99"] for r in [*own, *ceiling]),
        "bot_cpu_ms_per_update": _median([r["bot_cpu_ms_per_update"] for r in own]),
        "noisy": any(r["noisy"] for r in [*own, *ceiling]),
    }


def _target(name: str, value: float, limit: float, higher_is_better: bool, unit: str = "") -> dict[str, Any]:
    met = value >= limit if higher_is_better else value <= limit
    if value != value:
        by = "not measured in this mode"
    elif met:
        by = "met"
    elif higher_is_better:
        by = f"short by {limit - value:.3g}{unit} ({(limit - value) / limit:.0%} of the target)"
    else:
        times = f", {value / limit:.1f}× the limit" if limit else ""
        by = f"over by {value - limit:.3g}{unit}{times}"
    return {"target": name, "value": value, "limit": limit, "met": met, "by": by}


def summarise(
    *,
    meta: dict[str, Any],
    records: list[dict[str, Any]],
    memory: dict[str, float],
    selfcheck: dict[str, Any],
    checks: list[str],
    pending: dict[str, str],
    seconds: float,
) -> dict[str, Any]:
    callbacks = {p.name for p in user_paths() if is_callback(p)} | {"echo_callback"}
    names = ["echo", "echo_callback", *[p.name for p in user_paths()]]
    paths = {name: _path_summary(records, name, name in callbacks) for name in names}
    bursts = [r["burst"] for r in records if "burst" in r]
    burst = {
        "users": bursts[0]["users"],
        "updates": bursts[0]["updates"],
        "duplicates": bursts[0]["duplicates"],
        "signatures_per_s": _median([b["users"] / b["seconds"] for b in bursts]),
        "updates_per_s": _median([b["updates_per_s"] for b in bursts]),
        "p99_ms": _median([b["p99_ms"] for b in bursts]),
        "errors": sum(b.get("errors", 0) + b["incomplete"] for b in bursts),
        "exact": all(b["exact"] for b in bursts),
        "runs": len(bursts),
        "cpu": _cpu(bursts),
    }
    startup = startup_summary([r["startup"] for r in records if "startup" in r])
    catalogue = next((r["catalogue"] for r in records if r.get("catalogue")), {})

    broadcast = broadcast_summary(records)
    browse = (catalogue.get("polled") or {}).get("paths", {}).get("catalogue_browse")
    table = targets.table(paths, startup, memory, browse)
    scaleout = scaleout_section(records, memory, names, callbacks)
    # The targets beside the issue's table: the burst, the broadcast and the catalogue.
    others = [
        _target("burst: 0 errors", float(burst["errors"]), 0.0, False),
        _target("burst: final count exact", float(burst["exact"]), 1.0, True),
        *broadcast_targets(broadcast),
        *catalogue_targets(catalogue, startup),
    ]
    return {
        "meta": meta,
        "seconds": round(seconds, 1),
        "repetitions": len(records),
        "noisy_repetitions": [r["rep"] for r in records if r["noisy"]],
        "paths": paths,
        "burst": burst,
        "broadcast": broadcast,
        "startup": startup,
        "catalogue": catalogue,
        "memory": memory,
        "server_flood_limits_selfcheck": selfcheck,
        "table": table,
        **({"scaleout": scaleout} if scaleout else {}),
        "targets": others,
        "pending": pending,
        "checks": checks,
        "raw": records,
    }


def scaleout_section(
    records: list[dict[str, Any]], memory: dict[str, float], names: list[str], callbacks: set[str]
) -> dict[str, Any] | None:
    """The same table for one scale-out worker (PostgreSQL + Redis, polling), against the same
    E and E(cb) in the same repetitions (bench/scaleout_paths.py)."""
    pg_records = scaleout_records(records)
    if not pg_records:
        return None
    paths = {name: _path_summary(pg_records, name, name in callbacks) for name in names}
    started = [r["startup"] for r in pg_records if "casebot_pg" in r.get("startup", {})]
    startup: dict[str, Any] = {
        "echo": {"seconds": _median([s["echo"]["seconds"] for s in started])},
        "casebot": {"seconds": _median([s["casebot_pg"]["seconds"] for s in started])},
        "casebot_minus_echo_s": _median([beside_echo(s, "casebot_pg") for s in started]),
    }
    pg_memory = {
        "casebot_peak_rss_mb": memory.get("casebot_pg_peak_rss_mb", float("nan")),
        "echo_peak_rss_mb": memory["echo_peak_rss_mb"],
    }
    table = targets.table(paths, startup, pg_memory, None)
    return {
        "title": "Targets: scale-out mode (PostgreSQL + Redis), one worker, long polling "
        f"({targets.count_met(table['rows'] + table['open'])})",
        "intro": "The same rows for one scale-out worker: `python -m bot run` with `DATABASE_URL` and "
        "`REDIS_URL` (and no `WEBHOOK_URL`, so it polls and holds the polling claim), on PostgreSQL "
        "with fsync on and Redis (tests/servers.py), the same 100,000 signatures and 20,000 "
        "followers, the same updates, against the same E and E(cb) in the same repetitions "
        "(bench/scaleout_paths.py). Its start-up starts on an empty database, migrations included, "
        "as SQLite's starts on a new file. Throughput with several workers behind a proxy is "
        "`bench/scaleout.py`'s (below `make bench`'s own run).",
        "rows": table["rows"],
        "open": table["open"],
        "paths": paths,
        "startup": startup,
    }


def startup_summary(started: list[dict[str, Any]]) -> dict[str, Any]:
    """The start-up probes of every repetition (bench/startup.py): each kind's median, and
    casebot − E taken within each repetition, each probe beside its own E probe, then the
    median (not the difference of two medians)."""
    startup: dict[str, Any] = {
        kind: {
            "seconds": _median([s[kind]["seconds"] for s in started]),
            "cpu_s": _median([s[kind]["cpu_s"] for s in started]),
        }
        for kind in ("echo", "casebot", "casebot_cold", "casebot_1000_cold", "casebot_1000")
        if kind in ("echo", "casebot") or (started and all(kind in s for s in started))
    }
    for kind in ("casebot", "casebot_cold", "casebot_1000", "casebot_1000_cold"):
        if kind in startup:
            startup[f"{kind}_minus_echo_s"] = _median([beside_echo(s, kind) for s in started])
    if "casebot_1000" in startup:
        startup["casebot_1000_peak_rss_mb"] = _median([s["casebot_1000"]["peak_rss_mb"] for s in started])
        startup["echo_peak_rss_mb"] = _median([s["echo"]["peak_rss_mb"] for s in started])
    return startup


def beside_echo(started: dict[str, Any], kind: str) -> float:
    """A start-up probe's seconds less those of the E probe started just before it (an older
    run's records, which have none, against the repetition's one E probe)."""
    probe = started[kind]
    return float(probe["seconds"] - probe.get("echo_seconds", started["echo"]["seconds"]))


# --- the catalogue at 1,000 cases -------------------------------------------------


def catalogue_targets(catalogue: dict[str, Any], startup: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    # Both starts a deployment meets: the first (a new database, every file parsed: after an
    # upgrade too) and a restart (facts cached, texts on disk).
    for key, label in (
        ("casebot_1000_cold_minus_echo_s", "a first start: every file parsed"),
        ("casebot_1000_minus_echo_s", "a restart: facts cached, texts on disk"),
    ):
        if key in startup:
            target = f"start-up with 1,000 cases − E ≤ 1 s ({label})"
            targets.append(_target(target, startup[key], 1.0, False, " s"))
    if catalogue:
        targets += [
            _target(
                "name search p99 ≤ 5 ms (1,000 cases)", catalogue["name_search"]["p99_ms"], 5.0, False, " ms"
            ),
            _target(
                "question routing p99 ≤ 10 ms (1,000 cases)",
                catalogue["question_routing"]["p99_ms"],
                10.0,
                False,
                " ms",
            ),
            _target(
                "/reload of 1,000 cases ≤ 3 s (5 edited)",
                catalogue["reload_some_changed"]["seconds"],
                3.0,
                False,
                " s",
            ),
            _target(
                "/reload of 1,000 cases ≤ 3 s (every file edited)",
                catalogue["reload_all_changed"]["seconds"],
                3.0,
                False,
                " s",
            ),
        ]
    polled = catalogue.get("polled") if catalogue else None
    if polled:
        paths = polled["paths"]
        targets += [
            _target(
                "a search reply, 100 in flight ≥ 0.5 × E (1,000 cases, polled)",
                paths["catalogue_search"]["flight"]["ratio_to_e"],
                0.5,
                True,
            ),
            _target(
                "peak RSS with 1,000 cases and 100,000 signatures − E ≤ 60 MB",
                polled["peak_rss_minus_echo_mb"],
                60.0,
                False,
                " MB",
            ),
        ]
    return targets


def catalogue_lines(catalogue: dict[str, Any], startup: dict[str, Any]) -> list[str]:
    if not catalogue:
        return []
    lines = [
        "## The catalogue at 1,000 cases",
        "",
        f"{catalogue['cases']:,} cases: 1,000 fictional ones from `tests/catalogue_gen.py` (half the size of "
        "the Khamroev case, half short) and the Khamroev case itself; measured in a process of its own "
        "(`bench/catalogue.py`).",
        "",
        f"- Loading and validating every file: {catalogue['load_s']:.2f} s "
        f"({catalogue.get('load_storing_texts_s', float('nan')):.2f} s writing the texts to the store "
        f"beside the database); a restart, facts from the cache and texts left on disk: "
        f"{catalogue.get('load_restart_s', float('nan')):.2f} s; the name index "
        f"{catalogue['name_index_s']:.3f} s; the question index {catalogue['question_index_s']:.2f} s.",
    ]
    if "text_read" in catalogue:
        lines.append(
            f"- A case's texts read back when shown: p50 {catalogue['text_read']['p50_ms']:.3f} ms, "
            f"p99 {catalogue['text_read']['p99_ms']:.3f} ms."
        )
    for key, label in (
        ("name_search", "Name search (any script and spelling, typos, first names)"),
        ("question_routing", "Question routing (the case named, else the open card)"),
        ("browse_page_dispatch", "A browse page through the Dispatcher (recording session)"),
        ("search_reply_dispatch", "A typed name through the Dispatcher (recording session)"),
    ):
        figure = catalogue[key]
        cpu = f" (CPU time p99 {figure['cpu_p99_ms']:.3f} ms)" if "cpu_p99_ms" in figure else ""
        lines.append(
            f"- {label}: p50 {figure['p50_ms']:.3f} ms, p99 {figure['p99_ms']:.3f} ms{cpu}, "
            f"max {figure['max_ms']:.3f} ms over {figure['n']} calls."
        )
    if "in_flight" in catalogue:
        f = catalogue["in_flight"]
        lines.append(
            "- 100 in flight, no HTTP (`feed_update`, distinct readers): browse pages "
            f"{f['browse_per_s']:.0f}/s against the bare echo Dispatcher's button edits "
            f"{f['echo_callback_per_s']:.0f}/s "
            f"({f['browse_ratio_to_e']:.2f} × E(cb)); typed names {f['search_per_s']:.0f}/s against its "
            f"echo {f['echo_per_s']:.0f}/s ({f['search_ratio_to_e']:.2f} × E). Without HTTP the echo does "
            "almost nothing, so these ratios sit far below the polled ones of the paths above."
        )
    for key in ("reload_some_changed", "reload_all_changed", "reload_all_touched"):
        r = catalogue.get(key)
        if r is None:  # results from before the touched-only run
            continue
        what = (
            f"{r['folders_changed']:,} folder(s) edited"
            if "folders_changed" in r
            else f"{r['folders_touched']:,} folders copied again unchanged"
        )
        elsewhere = (
            f" ({r['read_in_other_processes']:,} read in reading processes, their CPU "
            f"{r['other_processes_cpu_s']:.2f} s)"
            if "other_processes_cpu_s" in r
            else ""
        )
        lines.append(
            f"- /reload with {what}: {r['seconds']:.2f} s{elsewhere}; "
            f"{r['updates_answered_meanwhile']:,} readers' updates answered meanwhile, p99 "
            f"{r['their_p99_ms']} ms, max {r['their_max_ms']} ms."
        )
    polled = catalogue.get("polled")
    if polled:
        lines.append(
            f"- Through polling and the fake Bot API (a casebot process of its own: {polled['cases']:,} "
            f"cases, {polled['signatures']:,} signatures), one at a time / 100 in flight:"
        )
        labels = {
            "catalogue_browse": ("a browse page", "E(cb)"),
            "catalogue_search": ("a name typed (search reply)", "E"),
            "catalogue_question": ("a question naming a person", "E"),
        }
        for name, (label, ceiling) in labels.items():
            seq, flight = polled["paths"][name]["seq"], polled["paths"][name]["flight"]
            lines.append(
                f"  - {label}: {seq['updates_per_s']:.0f}/s ({seq['ratio_to_e']:.2f} × {ceiling}) / "
                f"{flight['updates_per_s']:.0f}/s ({flight['ratio_to_e']:.2f} × {ceiling}, p99 "
                f"{flight['p99_ms']:.0f} ms); the bot's CPU {flight['bot_cpu_ms_per_update']:.2f} ms "
                f"an update against {ceiling}'s {flight['e_cpu_ms_per_update']:.2f} ms."
            )
        lines.append(
            f"  - Peak RSS after these paths (question index built): {polled['peak_rss_mb']:.1f} MB, "
            f"E {polled['echo_peak_rss_mb']:.1f} MB: {polled['peak_rss_minus_echo_mb']:.1f} MB above E."
        )
    if "casebot_1000" in startup:
        lines.append(
            f"- Start-up with 1,000 cases: {startup['casebot_1000_cold']['seconds']:.2f} s cold (every "
            f"file parsed), {startup['casebot_1000']['seconds']:.2f} s on a restart (facts cached, texts on "
            "disk); "
            f"E {startup['echo']['seconds']:.2f} s. Peak RSS at the first poll: "
            f"{startup['casebot_1000_peak_rss_mb']:.1f} MB (E {startup['echo_peak_rss_mb']:.1f} MB)."
        )
    return [*lines, ""]


# --- broadcast ---------------------------------------------------------------------

FLAT_LIMIT = 1.5  # the slowest block of sends (1,000; quick: 100) against the median block


def broadcast_summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Both broadcast runs over the repetitions that made them (one per full run)."""
    made = [r["broadcast"] for r in records if "broadcast" in r]
    real = [b["real"] for b in made if "window" in b.get("real", {})]
    scaled = [b["scaled"] for b in made if "per_block_s" in b.get("scaled", {})]
    summary: dict[str, Any] = {"runs": len(made), "real": None, "scaled": None}
    if real:
        summary["real"] = {
            "followers": real[0]["followers"],
            "rate": real[0]["rate"],
            "limits": real[0]["limits"],
            "window_s": real[0]["window"]["seconds"],
            "deliveries": _median([r["window"]["deliveries"] for r in real]),
            "achieved_rate": _median([r["window"]["rate"] for r in real]),
            "off_by_percent": _median([r["window"]["off_by_percent"] for r in real]),
            "steady_rate": _median([r["window"]["steady_rate"] for r in real]),
            "steady_after_s": real[0]["window"]["steady_after_s"],
            "per_second_min": min(r["window"]["per_second_min"] for r in real),
            "per_second_max": max(r["window"]["per_second_max"] for r in real),
            "most_in_one_second": max(r["most_in_one_second"] for r in real),
            "too_many_requests": sum(r["too_many_requests"] for r in real),
            "duplicates": sum(r["duplicates"] for r in real),
            "marked_not_delivered": sum(r["marked_not_delivered"] for r in real),
            "delivered_not_marked": max(r["delivered_not_marked"] for r in real),
            "bot_cpu_ms_per_send": _median([r["bot_cpu_ms_per_send"] for r in real]),
            "scaled_from_s": real[0].get("scaled_from_s", float("nan")),
            "scaled_to_s": real[0].get("scaled_to_s", float("nan")),
            "cpu": _cpu(real),
        }
    if scaled:
        summary["scaled"] = {
            "followers": scaled[0]["followers"],
            "rate": scaled[0]["rate"],
            "limits": scaled[0]["limits"],
            "delivered_chats": min(s["delivered_chats"] for s in scaled),
            "missed": sum(s["missed"] for s in scaled),
            "duplicates": sum(s["duplicates"] for s in scaled),
            "too_many_requests": sum(s["too_many_requests"] for s in scaled),
            "disagreements": sum(s["marked_not_delivered"] + s["delivered_not_marked"] for s in scaled),
            "achieved_rate": _median([s["rate_all"] for s in scaled]),
            "seconds": _median([s["seconds_all"] for s in scaled]),
            "block": scaled[0]["block"],
            "first_block_s": _median([s["first_block_s"] for s in scaled]),
            "last_block_s": _median([s["last_block_s"] for s in scaled]),
            "median_block_s": _median([s["median_block_s"] for s in scaled]),
            "max_over_median": max(s["max_over_median"] for s in scaled),
            "last_over_first": _median([s["last_over_first"] for s in scaled]),
            "per_block_s": scaled[-1]["per_block_s"],
            "bot_cpu_ms_per_send": _median([s["bot_cpu_ms_per_send"] for s in scaled]),
            "cpu": _cpu(scaled),
        }
    return summary


def broadcast_targets(summary: dict[str, Any]) -> list[dict[str, Any]]:
    nan = float("nan")
    real = summary["real"] or {}
    scaled = summary["scaled"] or {}
    rate = real.get("rate", 25.0)
    return [
        _target(
            f"broadcast at {rate:g}/s: achieved rate off by ≤ 1 % "
            f"({real.get('window_s', nan):g}-s window; in %)",
            real.get("off_by_percent", nan),
            1.0,
            False,
            " %",
        ),
        _target(f"broadcast at {rate:g}/s: 0 × 429", float(real.get("too_many_requests", nan)), 0.0, False),
        _target(
            "broadcast: nobody twice (both runs)",
            float(real.get("duplicates", nan) + scaled.get("duplicates", nan)),
            0.0,
            False,
        ),
        _target(
            f"broadcast: nobody missed (all {scaled.get('followers', nan):,} followers, time-scaled)",
            float(scaled.get("missed", nan)),
            0.0,
            False,
        ),
        _target(
            f"broadcast: O(1) per send — slowest {scaled.get('block', 1000):,} sends ≤ {FLAT_LIMIT:g} × "
            "the median",
            scaled.get("max_over_median", nan),
            FLAT_LIMIT,
            False,
            "×",
        ),
    ]


def broadcast_lines(summary: dict[str, Any]) -> list[str]:
    lines = [
        "## Broadcast",
        "",
        "In both runs an admin (`ADMIN_IDS`) publishes a news update through the `/post` dialogue over "
        "the fake server, as in production — the case, a text per language, the preview, the Publish "
        "button — and the worker, woken by that handler, delivers it to every follower of the case. The "
        "fake server enforces the flood limits per bot token and answers a send over them with 429 and "
        "`retry_after`, as Telegram does, and records every accepted send by chat (the admin's own "
        "replies are left out of the figures). Both runs are made once per `make bench`, at the end of "
        f"the last repetition ({summary['runs']} run(s) here); `make bench-quick` makes the real-rate "
        "window 5 s and the time-scaled audience 1,000 (timed per 100 sends).",
        "",
    ]
    real, scaled = summary["real"], summary["scaled"]
    if real is None:
        lines.append("- **Real rate**: no figures (see Checks).")
    else:
        limits = real["limits"]
        lines.append(
            f"- **Real rate** — the main casebot process (`python -m bot run`, the one every path above "
            f"used) with `BROADCAST_RATE={real['rate']:g}`, the {real['followers']:,} followers seeded in "
            f"its database, the server allowing {limits['global_rate']:g} sends/s "
            f"overall and one per {limits['per_chat_interval']:g} s per chat. Window: the "
            f"{real['window_s']:g} s from the first follower's delivery; rate = (N − 1) / (last − first) "
            f"over the N = {_f(real['deliveries'])} deliveries in it (N sends are N − 1 intervals; the "
            f"window starts at a send, so the process's start-up is outside it). Achieved "
            f"**{real['achieved_rate']:.3f}/s** against {real['rate']:g}/s: off by "
            f"{real['off_by_percent']:.2f} %; without the first {real['steady_after_s']:g} s "
            f"{real['steady_rate']:.3f}/s. Whole seconds held {real['per_second_min']}–"
            f"{real['per_second_max']} sends; the most in any one-second window was "
            f"{real['most_in_one_second']} (the server allows {limits['global_rate']:g}). "
            f"429s: **{real['too_many_requests']}**; duplicates: **{real['duplicates']}**; rows marked "
            f"sent that never arrived: {real['marked_not_delivered']}; sends that arrived and are not "
            f"marked yet: {real['delivered_not_marked']} (read while the broadcast goes on, which it does "
            "until the process is stopped at the end of the bench: at most the 8 in flight). The "
            f"time-scaled run below was sending from {real['scaled_from_s']:.0f} s to "
            f"{real['scaled_to_s']:.0f} s into this window: the window is the one stretch of the bench "
            "where the machine is nearly idle, and running the two one after the other would push "
            "`make bench` past 10 minutes; they share only the fake server and the disk (limits, "
            "database and CPU figures are each bot's own). Cores over the window (casebot / server / "
            f"kernel / unattributed / other): {_cores(real['cpu'], real['cpu'].get('casebot', 0.0))}; "
            f"the time-scaled bot's own: {real['cpu'].get('broadcast-scaled', 0.0):.2f}. casebot's CPU "
            f"per send: {real['bot_cpu_ms_per_send']:.2f} ms."
        )
    if scaled is None:
        lines.append("- **Time-scaled**: no figures (see Checks).")
    else:
        limits = scaled["limits"]
        per = ", ".join(f"{x:.2f}" for x in scaled["per_block_s"])
        lines.append(
            f"- **Time-scaled** — its own casebot process and database, every one of "
            f"{scaled['followers']:,} followers, the worker asked for "
            f"{scaled['rate']:,.0f}/s, the server allowing {limits['global_rate']:,.0f}/s and no per-chat "
            "gap. `BROADCAST_RATE` stays capped at 30 (Telegram's limit) on purpose, so this run starts "
            "`python -m bench.broadcast_bot 1000`: the settings read from the environment as "
            "`python -m bot` reads them, the rate replaced in code (`model_copy`), then the very "
            "`_serve_telegram` that `python -m bot run` calls — its collector and arena settings, "
            "`create_app`'s wiring, the real worker, the "
            "real Bot API adapter (`bot/ui/delivery.py`) and aiogram's HTTP session, polling, the same "
            f"/post flow. Delivered to {scaled['delivered_chats']:,} in {_f(scaled['seconds'], 1)} s "
            f"(**{_f(scaled['achieved_rate'])}/s**: the worker's own ceiling on this machine when below "
            f"the {scaled['rate']:,.0f}/s asked, so the blocks below time its real cost per send, not "
            f"its pacing; {scaled['bot_cpu_ms_per_send']:.2f} ms of the bot's CPU per send); "
            f"missed **{scaled['missed']}**, duplicates "
            f"**{scaled['duplicates']}**, 429s {scaled['too_many_requests']}, outbox rows and accepted "
            f"sends disagreeing {scaled['disagreements']}. Seconds per {scaled['block']:,} sends: first "
            f"{scaled['first_block_s']:.2f}, last {scaled['last_block_s']:.2f}, median "
            f"{scaled['median_block_s']:.2f}; slowest ÷ median {scaled['max_over_median']:.2f}, "
            f"last ÷ first {scaled['last_over_first']:.2f} ({per}). Cores: "
            f"{_cores(scaled['cpu'], scaled['cpu'].get('broadcast-scaled', 0.0))}."
        )
    return lines


# --- webhook mode (bench/webhook.py) --------------------------------------------------

WEBHOOK_TARGETS = (  # (path, its ceiling, the ratio to reach)
    ("start", "echo", 0.9),
    ("question", "echo", 0.9),
    ("card", "echo_callback", 1.0),
    ("why_argument", "echo_callback", 1.0),
    ("sign", "echo_callback", 0.8),
)


def webhook_targets(summary: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not summary:
        return []
    paths = summary["paths"]
    return [
        _target(
            f"webhook, 100 in flight: {name} ≥ {limit:.1f} × {'E_wh' if ceiling == 'echo' else 'E_wh(cb)'}",
            paths[name]["ratio_to_e_wh" if ceiling == "echo" else "ratio_to_e_wh_callback"],
            limit,
            True,
        )
        for name, ceiling, limit in WEBHOOK_TARGETS
        if name in paths
    ]


def webhook_lines(summary: dict[str, Any] | None) -> list[str]:
    if not summary:
        return []
    lines = [
        "## Webhook mode, as ratios to bare aiogram webhook bots",
        "",
        "The fake Bot API posts each update to the bot's webhook with 100 in flight and executes the "
        "method a 200 response carries, counted like a call (as Telegram does). E_wh is aiogram's "
        "`SimpleRequestHandler` (`handle_in_background=False`) answering a message with one "
        "`sendMessage` call; E_wh(cb) answering a button with an `answerCallbackQuery` call and one "
        "edit. casebot (`python -m bot run` with `WEBHOOK_URL`, on a snapshot of the main database) "
        "sends a button's `answerCallbackQuery` in the webhook response after the commit. "
        f"Medians of {summary['repetitions']} repetition(s); \"CPU × ceiling\" is the bot's CPU per update "
        "over its ceiling's (E_wh for messages, E_wh(cb) for buttons).",
        "",
        "| path | upd/s | × E_wh | × E_wh(cb) | p50 ms | p99 ms | bot CPU ms/upd | CPU × ceiling "
        "| methods (last run) | noisy runs |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for name, path in summary["paths"].items():
        calls = ", ".join(f"{method} {count}" for method, count in sorted(path["calls"].items()))
        lines.append(
            f"| {name} | {_f(path['updates_per_s'])} | {_r(path['ratio_to_e_wh'])} "
            f"| {_r(path['ratio_to_e_wh_callback'])} | {_f(path['p50_ms'], 1)} | {_f(path['p99_ms'], 1)} "
            f"| {_f(path['bot_cpu_ms_per_update'], 2)} | {_r(path['cpu_ratio_to_ceiling'])} "
            f"| {calls} | {path['noisy']} |"
        )
    return [*lines, ""]


def target_row(target: dict[str, Any]) -> str:
    value = "–" if target["value"] != target["value"] else f"{target['value']:.3g}"
    return f"| {target['target']} | {value} | {'yes' if target['met'] else target['by']} |"


def _f(value: float, digits: int = 0) -> str:
    return "–" if value != value else f"{value:,.{digits}f}"


def _r(value: float) -> str:
    return "–" if value != value else f"{value:.2f}"


def _cores(cpu: dict[str, Any], bot: float) -> str:
    parts = [bot, cpu.get("server", 0.0), cpu.get("kernel", 0.0), cpu.get("unattributed", 0.0), cpu["other"]]
    return " / ".join(f"{p:.2f}" for p in parts)


def issue_table_lines(results: dict[str, Any]) -> list[str]:
    """The target table (bench/targets.py), then the other modes' tables where a run made them."""
    table = results.get("table")
    if not table:
        return []
    sync = (
        "The bot opens SQLite with `PRAGMA synchronous=FULL` (bot/storage/db.py, checked by the bench): "
        "no thank-you leaves before its signature is on the disk."
        if table["synchronous_full"]
        else "**bot/storage/db.py no longer sets `synchronous=FULL`: the sign rows do not measure what "
        "they say.**"
    )
    lines = [
        f"## Targets: SQLite, long polling ({targets.count_met(table['rows'] + table['open'])})",
        "",
        "Each row is a ratio to a ceiling measured in the same repetition (start-up and memory: a "
        "difference), the median over the repetitions. E: a bare aiogram echo bot answering a message "
        "with one `sendMessage`; E(cb): the same bot answering a button with `answerCallbackQuery` and "
        "one edit, the least any button path does. The browse page is measured by "
        "`bench/catalogue_paths.py` on the 1,001-case catalogue through polling, against E(cb) in its "
        f"own run, once per `make bench` (the last repetition). {sync}",
        "",
        *targets.table_lines(table["rows"]),
        "",
        "### Open-loop latency",
        "",
        "Updates arrive at a fixed offered rate — Poisson arrivals from a seeded generator, released "
        "by the fake server on its clock whether or not the bot has finished the ones before "
        "(`POST /_bench/open`) — of half the path's own throughput with 100 in flight in the same "
        "repetition. Latency runs from an update's scheduled arrival to the last API call expected "
        "for it. The ceiling (E for a message, E(cb) for a button) is offered the same rate and the "
        "same arrivals. The last column is how late the load generator released updates against "
        "their schedule (counted in the latency): large values mean the machine starved it.",
        "",
        *targets.open_lines(table["open"]),
        "",
    ]
    # The scale-out table, where the run made one (the webhook table has its own section below).
    if results.get("scaleout"):
        lines += targets.section_lines(results["scaleout"])
    return lines


def markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        "# casebot benchmark results",
        "",
        f"Generated by `make bench{'-quick' if meta['mode'] == 'quick' else ''}` on {meta['date']} "
        f"in {results['seconds']:.0f} s: {results['repetitions']} repetition(s), medians reported.",
        "",
        f"- Machine: {meta['machine']}; Linux {meta['kernel']}",
        f"- Python {meta['python']}, aiogram {meta['aiogram']}, aiohttp {meta['aiohttp']}, "
        f"pydantic {meta['pydantic']}, SQLite {meta['sqlite']}",
        f"- The disk under the database: fsync of 4 KiB takes {meta['fsync_ms']['p50']:.2f} ms (p50), "
        f"{meta['fsync_ms']['p99']:.2f} ms (p99) — the floor of one durable commit.",
        "- Noisy repetitions (other processes above 20 % of a core during a measurement): "
        + (", ".join(map(str, results["noisy_repetitions"])) or "none"),
        "",
        *issue_table_lines(results),
        "## Paths, as ratios to the ceiling E measured in the same run",
        "",
        "E is a bare aiogram echo bot (one `message.answer` per update) on the same fake Bot API server, "
        "session and polling loop; E(cb) the same bot answering a button press with "
        "`answerCallbackQuery` and one edit, the least any button path does. Each repetition's "
        "ratio is taken within it; the median is shown. "
        '"No HTTP" is the same update fed straight to the Dispatcher (`feed_update`, recording '
        'session). "Bot CPU ms/upd" is the bot process\'s CPU time per update with 100 in flight, and '
        '"CPU × E" its ratio to E\'s: the figure least moved by other work on a shared machine. '
        "Cores are averages during the 100-in-flight run: bot process / fake server / kernel "
        "threads (loopback network softirq; journal and writeback for our fsyncs) / interrupts and "
        "processes too short-lived to see / other processes.",
        "",
        "| path | seq upd/s | seq × E | seq p50 ms | seq p99 ms | 100 in flight upd/s | × E | × E(cb) "
        "| p50 ms | p99 ms | bot CPU ms/upd | CPU × E | no HTTP µs/upd | no HTTP × E "
        "| cores: bot / server / kernel / unattributed / other |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, path in results["paths"].items():
        seq, flight, dispatch = path["seq"], path["flight"], path["dispatch_only"]
        cpu = flight["cpu"]
        bot = cpu.get("echo" if name.startswith("echo") else "casebot", 0.0)
        lines.append(
            f"| {name} | {_f(seq['updates_per_s'])} | {_r(seq['ratio_to_e'])} | {_f(seq['p50_ms'], 1)} "
            f"| {_f(seq['p99_ms'], 1)} | {_f(flight['updates_per_s'])} | {_r(flight['ratio_to_e'])} "
            f"| {_r(flight['ratio_to_e_callback'])} "
            f"| {_f(flight['p50_ms'], 1)} | {_f(flight['p99_ms'], 1)} "
            f"| {_f(flight['bot_cpu_ms_per_update'], 2)} | {_r(flight['cpu_ratio_to_e'])} "
            f"| {_f(dispatch['us_per_update'])} "
            f"| {_r(dispatch['ratio_to_e'])} | {_cores(cpu, bot)} |"
        )
    burst = results["burst"]
    startup = results["startup"]
    memory = results["memory"]
    casebot_start, echo_start = startup["casebot"], startup["echo"]
    lines += [
        "",
        "## Signing burst",
        "",
        f"{burst['users']:,} distinct users signing with 100 in flight, plus {burst['duplicates']:,} "
        f"duplicate taps (double taps in flight together, and signers coming back): "
        f"{_f(burst['signatures_per_s'])} signatures/s ({_f(burst['updates_per_s'])} updates/s), "
        f"p99 {_f(burst['p99_ms'], 1)} ms, {burst['errors']} errors, final count "
        f"{'exact' if burst['exact'] else 'WRONG'} ({burst['runs']} run(s)). CPU (bot / server / kernel / "
        f"unattributed / other): {_cores(burst['cpu'], burst['cpu'].get('casebot', 0.0))} cores.",
        "",
        *broadcast_lines(results["broadcast"]),
        "",
        "## Start-up and memory",
        "",
        f"- Start-up (process start → first getUpdates): casebot with 50 cases on a restart (the "
        f"caches beside the database) {_f(casebot_start['seconds'], 2)} s ({_f(casebot_start['cpu_s'], 2)} s "
        f"CPU); bare aiogram echo bot {_f(echo_start['seconds'], 2)} s ({_f(echo_start['cpu_s'], 2)} s CPU); "
        f"casebot's own share {_f(startup['casebot_minus_echo_s'], 2)} s."
        + (
            f" Its very first start (a new database, no caches: every case and locale file parsed): "
            f"{_f(startup['casebot_cold']['seconds'], 2)} s, "
            f"E + {_f(startup['casebot_cold_minus_echo_s'], 2)} s."
            if "casebot_cold" in startup
            else ""
        ),
        f"- Peak RSS (VmHWM) of the casebot process after the whole run on a database seeded with "
        f"{meta['config']['seed_signatures']:,} signatures and {meta['config']['seed_followers']:,} "
        "followers: "
        f"{memory['casebot_peak_rss_mb']:.1f} MB (resident at the end {memory['casebot_rss_mb']:.1f} MB); "
        f"the bare echo bot: {memory['echo_peak_rss_mb']:.1f} MB ({memory['echo_rss_mb']:.1f} MB).",
        "",
        *catalogue_lines(results.get("catalogue", {}), startup),
        *webhook_lines(results.get("webhook")),
        "## Other targets: webhook mode, the burst, the broadcast, the catalogue at 1,000 cases",
        "",
        "| target | measured | met? |",
        "|---|--:|---|",
    ]
    lines += [target_row(target) for target in results["targets"]]
    if results["pending"]:
        lines += ["", "## Not measured yet (hooks in the harness, nothing faked)", ""]
        lines += [f"- **{name}**: {why}" for name, why in results["pending"].items()]
    lines += ["", "## Checks", ""]
    lines += [f"- {c}" for c in results["checks"]] or [
        "- Every measured update reached the handler its path names with outcome ok; every path made exactly "
        "its expected API calls; no process exited with an error."
    ]
    check = results["server_flood_limits_selfcheck"]
    lines.append(
        f"- The fake server's flood limits (the broadcast runs depend on them) are self-checked every run: "
        f"{check['accepted']} of {check['sent']} sends accepted, {check['429']} answered 429 with "
        f"retry_after — {'as Telegram does' if check['ok'] else 'WRONG'}."
    )
    if ANALYSIS.exists():
        lines += ["", ANALYSIS.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"
