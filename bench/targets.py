"""The issue's target table: each row a ratio (or a difference) to a ceiling measured in the same run.

Rows (issue 16): ``/start`` ≥ 0.9 × E and a free-text question ≥ 0.8 × E; card,
why and a browse page ≥ 0.9 × E(cb); sign and withdraw with 100 in flight
≥ 0.7 × E(cb); sign one at a time ≥ 0.5 × E(cb) (SQLite with
``synchronous=FULL``: every signature durable before its thank-you); start-up
with 50 cases ≤ E + 0.3 s; peak RSS with 100,000 signatures and 20,000
followers ≤ E + 25 MB. Then the open loop: each path offered half its own
100-in-flight throughput (Poisson arrivals), p99 ≤ 20 ms for a read and
≤ 30 ms for a write, beside its ceiling's p99 at the same rate and arrivals.

A table is a list of rows (:func:`row`); :func:`table_lines` renders any of
them, so another mode's table (scale-out:
``results["scaleout"]``) slots in as ``{"title", "intro", "rows", "open"}``
and is rendered by :func:`section_lines` in the same form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

NAN = float("nan")
DB_SOURCE = Path(__file__).resolve().parent.parent / "bot" / "storage" / "db.py"

# (row label, path, mode, ceiling, limit)
RATIO_ROWS = (
    ("`/start`, 100 in flight", "start", "flight", "E", 0.9),
    ("a free-text question, 100 in flight", "question", "flight", "E", 0.8),
    ("open a case card, 100 in flight", "card", "flight", "E(cb)", 0.9),
    ("a why-argument button, 100 in flight", "why_argument", "flight", "E(cb)", 0.9),
    ("sign, 100 in flight, `synchronous=FULL`", "sign", "flight", "E(cb)", 0.7),
    ("withdraw, 100 in flight, `synchronous=FULL`", "withdraw", "flight", "E(cb)", 0.7),
    ("sign, one at a time, `synchronous=FULL`", "sign", "seq", "E(cb)", 0.5),
)
READ_P99_MS, WRITE_P99_MS = 20.0, 30.0
OPEN_ROWS = (
    ("`/start`", "start", READ_P99_MS),
    ("a free-text question", "question", READ_P99_MS),
    ("open a case card", "card", READ_P99_MS),
    ("a why-argument button", "why_argument", READ_P99_MS),
    ("sign", "sign", WRITE_P99_MS),
    ("withdraw", "withdraw", WRITE_P99_MS),
)


def row(
    label: str,
    ceiling: str,
    value: float,
    limit: float,
    *,
    higher_is_better: bool,
    unit: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """One target: met, or by how much it misses."""
    met = value >= limit if higher_is_better else value <= limit
    if value != value:
        by = "not measured"
        met = False
    elif met:
        by = "met"
    elif higher_is_better:
        by = f"missed: short by {limit - value:.2f}{unit} ({(limit - value) / limit:.0%} of the target)"
    else:
        by = f"missed: over by {value - limit:.3g}{unit}"
    return {
        "label": label,
        "ceiling": ceiling,
        "value": value,
        "limit": limit,
        "unit": unit,
        "higher_is_better": higher_is_better,
        "met": met,
        "by": by,
        **extra,
    }


def synchronous_full() -> bool:
    """The bot opens SQLite with ``PRAGMA synchronous=FULL`` (read from its source: the pragma
    is per connection, so the bench cannot ask the running bot)."""
    return "PRAGMA synchronous=FULL" in DB_SOURCE.read_text(encoding="utf-8")


def ratio_rows(paths: dict[str, Any], browse: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows = []
    for label, name, mode, ceiling, limit in RATIO_ROWS:
        figures = paths.get(name, {}).get(mode, {})
        key = "ratio_to_e" if ceiling == "E" else "ratio_to_e_callback"
        rows.append(
            row(
                label,
                ceiling,
                figures.get(key, NAN),
                limit,
                higher_is_better=True,
                unit=" × " + ceiling,
                per_s=figures.get("updates_per_s", NAN),
                cpu_ms=figures.get("bot_cpu_ms_per_update", NAN),
            )
        )
        if name == "why_argument":  # the browse page belongs with the other buttons
            rows.append(browse_row(browse))
    return rows


def browse_row(browse: dict[str, Any] | None) -> dict[str, Any]:
    """A browse page of the 1,001-case catalogue through polling (bench/catalogue_paths.py), against
    E(cb) in the same process's run; measured once a run, in the last repetition."""
    flight = (browse or {}).get("flight", {})
    return row(
        "a browse page (1,001 cases), 100 in flight",
        "E(cb)",
        flight.get("ratio_to_e", NAN),
        0.9,
        higher_is_better=True,
        unit=" × E(cb)",
        per_s=flight.get("updates_per_s", NAN),
        cpu_ms=flight.get("bot_cpu_ms_per_update", NAN),
        note="last repetition only" if browse else "the 1,001-case catalogue runs on SQLite only",
    )


def open_rows(paths: dict[str, Any], browse: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows = []
    items = [(label, paths.get(name, {}).get("open"), limit) for label, name, limit in OPEN_ROWS]
    items.insert(4, ("a browse page (1,001 cases)", (browse or {}).get("open"), READ_P99_MS))
    for label, figures, limit in items:
        figures = figures or {}
        rows.append(
            row(
                label,
                figures.get("ceiling", "E"),
                figures.get("p99_ms", NAN),
                limit,
                higher_is_better=False,
                unit=" ms",
                rate=figures.get("rate", NAN),
                p50_ms=figures.get("p50_ms", NAN),
                ceiling_p99_ms=figures.get("ceiling_p99_ms", NAN),
                release_lag_p99_ms=figures.get("release_lag_p99_ms", NAN),
            )
        )
    return rows


def table(
    paths: dict[str, Any], startup: dict[str, Any], memory: dict[str, Any], browse: dict[str, Any] | None
) -> dict[str, Any]:
    """The SQLite (polling) table: ratios, start-up, memory, and the open loop."""
    rows = ratio_rows(paths, browse)
    rows.append(
        row(
            "start-up with 50 cases (process start → first getUpdates)",
            "E",
            startup.get("casebot_minus_echo_s", NAN),
            0.3,
            higher_is_better=False,
            unit=" s",
            detail=f"casebot {_n(startup.get('casebot', {}).get('seconds', NAN), 2)} s, "
            f"E {_n(startup.get('echo', {}).get('seconds', NAN), 2)} s",
        )
    )
    rss = memory.get("casebot_peak_rss_mb", NAN) - memory.get("echo_peak_rss_mb", NAN)
    rows.append(
        row(
            "peak RSS, 100,000 signatures and 20,000 followers",
            "E",
            round(rss, 1),
            25.0,
            higher_is_better=False,
            unit=" MB",
            detail=f"casebot {_n(memory.get('casebot_peak_rss_mb', NAN), 1)} MB, "
            f"E {_n(memory.get('echo_peak_rss_mb', NAN), 1)} MB",
        )
    )
    return {"rows": rows, "open": open_rows(paths, browse), "synchronous_full": synchronous_full()}


# --- rendering ------------------------------------------------------------------------


def _n(value: float, digits: int = 2) -> str:
    return "–" if value != value else f"{value:,.{digits}f}"


def _target_text(r: dict[str, Any]) -> str:
    if r["higher_is_better"]:
        return f"≥ {r['limit']:g} × {r['ceiling']}"
    if r["unit"].strip() == "ms":
        return f"≤ {r['limit']:g} ms"
    return f"≤ {r['ceiling']} + {r['limit']:g}{r['unit']}"


def _measured_text(r: dict[str, Any]) -> str:
    if r["higher_is_better"]:
        return f"{_n(r['value'])} × {r['ceiling']}"
    unit = r["unit"].strip()
    if unit == "ms":
        return f"{_n(r['value'], 1)} ms"
    return f"{r['ceiling']} {'+' if r['value'] >= 0 else '−'} {_n(abs(r['value']), 2)} {unit}"


def table_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| path | ceiling | measured | target | met? | upd/s | bot CPU ms/upd | note |",
        "|---|---|--:|--:|---|--:|--:|---|",
    ]
    for r in rows:
        note = r.get("detail") or r.get("note") or ""
        lines.append(
            f"| {r['label']} | {r['ceiling']} | {_measured_text(r)} | {_target_text(r)} "
            f"| {'**met**' if r['met'] else r['by']} | {_n(r.get('per_s', NAN), 0)} "
            f"| {_n(r.get('cpu_ms', NAN), 2)} | {note} |"
        )
    return lines


def open_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| path | offered upd/s (½ its 100-in-flight rate) | p50 ms | p99 ms | target | met? "
        "| ceiling | ceiling's p99 ms, same rate and arrivals | load generator's lag p99 ms |",
        "|---|--:|--:|--:|--:|---|---|--:|--:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} | {_n(r['rate'], 0)} | {_n(r['p50_ms'], 1)} | {_n(r['value'], 1)} "
            f"| {_target_text(r)} | {'**met**' if r['met'] else r['by']} | {r['ceiling']} "
            f"| {_n(r['ceiling_p99_ms'], 1)} | {_n(r['release_lag_p99_ms'], 1)} |"
        )
    return lines


def section_lines(section: dict[str, Any]) -> list[str]:
    """One mode's table: ``{"title", "intro", "rows", "open"}`` (rows and open optional)."""
    lines = [f"## {section['title']}", ""]
    if section.get("intro"):
        lines += [section["intro"], ""]
    if section.get("rows"):
        lines += [*table_lines(section["rows"]), ""]
    if section.get("open"):
        lines += [*open_lines(section["open"]), ""]
    return lines


def count_met(rows: list[dict[str, Any]]) -> str:
    met = sum(1 for r in rows if r["met"])
    return f"{met} of {len(rows)} met"
