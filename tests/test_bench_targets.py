"""The bench's target table (bench/targets.py): every issue row present, each met or missed by how much."""

from __future__ import annotations

from bench import targets


def _paths(ratio: float, p99: float) -> dict:
    flight = {
        "ratio_to_e": ratio,
        "ratio_to_e_callback": ratio,
        "updates_per_s": 100.0,
        "bot_cpu_ms_per_update": 2.0,
    }
    opened = {
        "rate": 50.0,
        "p50_ms": 5.0,
        "p99_ms": p99,
        "ceiling": "E",
        "ceiling_p99_ms": 4.0,
        "release_lag_p99_ms": 0.1,
    }
    return {
        name: {"flight": flight, "seq": flight, "open": opened}
        for name in ("start", "question", "card", "why_argument", "sign", "withdraw")
    }


STARTUP = {"casebot_minus_echo_s": 0.25, "casebot": {"seconds": 5.25}, "echo": {"seconds": 5.0}}
MEMORY = {"casebot_peak_rss_mb": 230.0, "echo_peak_rss_mb": 200.0}
BROWSE = {
    "flight": {"ratio_to_e": 0.95, "updates_per_s": 300.0, "bot_cpu_ms_per_update": 1.0},
    "open": {
        "rate": 150.0,
        "p50_ms": 3.0,
        "p99_ms": 12.0,
        "ceiling": "E(cb)",
        "ceiling_p99_ms": 9.0,
        "release_lag_p99_ms": 0.1,
    },
}


def test_the_table_has_the_issue_rows_with_their_limits() -> None:
    table = targets.table(_paths(0.75, 25.0), STARTUP, MEMORY, BROWSE)
    by_label = {r["label"]: r for r in table["rows"]}
    assert [(r["ceiling"], r["limit"]) for r in table["rows"]] == [
        ("E", 0.9),
        ("E", 0.8),
        ("E(cb)", 0.9),
        ("E(cb)", 0.9),
        ("E(cb)", 0.9),
        ("E(cb)", 0.7),
        ("E(cb)", 0.7),
        ("E(cb)", 0.5),
        ("E", 0.3),
        ("E", 25.0),
    ]
    assert by_label["`/start`, 100 in flight"]["by"] == "missed: short by 0.15 × E (17% of the target)"
    assert by_label["sign, 100 in flight, `synchronous=FULL`"]["met"]
    assert by_label["a browse page (1,001 cases), 100 in flight"]["met"]
    assert by_label["start-up with 50 cases (process start → first getUpdates)"]["met"]
    rss = by_label["peak RSS, 100,000 signatures and 20,000 followers"]
    assert not rss["met"] and rss["by"] == "missed: over by 5 MB"
    # The open loop: 20 ms for a read, 30 ms for sign and withdraw.
    opened = {r["label"]: r for r in table["open"]}
    assert not opened["open a case card"]["met"] and opened["sign"]["met"] and opened["withdraw"]["met"]
    assert opened["a browse page (1,001 cases)"]["met"]
    assert table["synchronous_full"]


def test_a_row_never_measured_is_not_met() -> None:
    table = targets.table({}, {}, {}, None)
    assert all(not r["met"] and r["by"] == "not measured" for r in table["rows"] + table["open"])
    lines = targets.table_lines(table["rows"])
    assert len(lines) == 2 + len(table["rows"]) and "not measured" in lines[2]
