"""News broadcast: the real-rate run against Telegram's flood limits and the time-scaled one."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from typing import Any

from bench import report
from bench.config import (
    BROADCAST_ADMIN,
    BROADCAST_RATE,
    NEWS_TEXTS,
    NOISE_LIMIT,
    OUT,
    ROOT,
    SCALED_TOKEN,
    STEADY_AFTER,
    WORKER_IN_FLIGHT,
    Config,
)
from bench.loop import BenchCore
from bench.paths import SLUG, callback, message
from bench.processes import Processes, Server, bot_env, cpu_delta, cpu_seconds, start_server
from bench.setup_data import outbox_counts, seed_database


class Broadcast(BenchCore):
    def broadcast(self, rep: int) -> dict[str, Any]:
        """The broadcast worker against Telegram's flood limits, as production runs it.

        In both runs an admin publishes a news update through the /post dialogue
        and the worker, woken by that handler, delivers it. The real-rate run is
        the main casebot process (``python -m bot run``, BROADCAST_RATE=25, the
        followers seeded in its database), watched for ``broadcast_seconds`` from
        its first delivery; its broadcast goes on until the process is stopped at
        the end of the bench, so it comes last. The time-scaled run is a process
        of its own (``bench.broadcast_bot``: the same run path at 1,000/s) on a
        database of its own, stopped once every follower has it.

        The time-scaled run is published one second into the real-rate window and
        runs inside it: the 60-s window is the one stretch of the bench where the
        machine is nearly idle, and running the two one after the other would
        push ``make bench`` past 10 minutes. The bots share nothing but the fake
        server and the disk; each has its own flood limits (per token), its own
        database and its own CPU figure, and the real-rate worker paces from its
        schedule, so a late wake-up costs it no rate (see ``Pacer.take``).
        """
        c = self.config
        runs = {"real": "casebot", "scaled": "broadcast-scaled"}
        keys = {kind: self._compose_news(name) for kind, name in runs.items()}
        if None in keys.values():
            return {}  # the check says why
        for kind, name in runs.items():
            global_rate, per_chat = c.broadcast_limits if kind == "real" else c.scaled_limits
            self.server.call(
                "/_bench/limits",
                {"token": self.tokens[name], "global_rate": global_rate, "per_chat_interval": per_chat},
            )
        real_token = self.tokens["casebot"]
        before_real = self.procs.cpu()
        real_published = self._publish("casebot", keys["real"])
        first = self._first_delivery(real_token)
        if first is None:
            return {}  # the check says why
        time.sleep(max(0.0, first + 1.0 - time.monotonic()))

        before_scaled = self.procs.cpu()
        scaled_published = self._publish("broadcast-scaled", keys["scaled"])
        self._watch_scaled(c.broadcast_followers)
        scaled_wall = time.monotonic() - scaled_published
        scaled_cpu = cpu_delta(before_scaled, self.procs.cpu(), scaled_wall)
        # Its CPU up to the stop, for the real-rate window's figures (the process is gone by then).
        scaled_pid = self.procs.named["broadcast-scaled"].pid
        scaled_cpu_s = cpu_seconds(scaled_pid)
        # A graceful stop: the sends in flight finish and are marked, as on SIGTERM in production.
        scaled_exit = self.procs.stop("broadcast-scaled")
        scaled = self._figures("broadcast-scaled", False, c.broadcast_followers, c.scaled_rate)
        scaled.update(
            wall_s=round(scaled_wall, 2),
            cpu=scaled_cpu,
            noisy=scaled_cpu["other"] > NOISE_LIMIT,
            bot_cpu_ms_per_send=per_send_ms(
                scaled_cpu["broadcast-scaled"], scaled_wall, scaled["deliveries"]
            ),
        )
        if scaled_exit != 0:
            scaled["problems"].append(f"the process exited with {scaled_exit}")

        # A little past the window, so that its last send is in.
        time.sleep(max(0.0, first + c.broadcast_seconds + 0.5 - time.monotonic()))
        real_wall = time.monotonic() - real_published
        after_real = self.procs.cpu()
        after_real["ours"]["broadcast-scaled"] = scaled_cpu_s
        after_real["pids"].append(scaled_pid)
        real_cpu = cpu_delta(before_real, after_real, real_wall)
        real = self._figures("casebot", True, c.seed_followers, BROADCAST_RATE)
        real.update(
            wall_s=round(real_wall, 2),
            cpu=real_cpu,
            noisy=real_cpu["other"] > NOISE_LIMIT,
            bot_cpu_ms_per_send=per_send_ms(real_cpu["casebot"], real_wall, real["deliveries"]),
            # When, from the first follower's delivery, the time-scaled run was sending.
            scaled_from_s=round(scaled_published - first, 2),
            scaled_to_s=round(scaled_published + scaled_wall - first, 2),
        )
        for name, result in (("broadcast-scaled", scaled), ("casebot", real)):
            self.checks += [f"{name} broadcast: {problem}" for problem in result["problems"]]
        return {"real": real, "scaled": scaled}

    def _figures(self, name: str, real: bool, followers: int, rate: float) -> dict[str, Any]:
        c = self.config
        token = self.tokens[name]
        database = OUT / ("main.sqlite3" if real else "broadcast-scaled.sqlite3")
        # The outbox first, then the server: a row is marked sent only after the server
        # accepted it, so anything marked must be among the deliveries read after.
        outbox = outbox_counts(database)
        detail = self.server.call(f"/_bench/deliveries?token={token}&detail=1")["result"]
        global_rate, per_chat = c.broadcast_limits if real else c.scaled_limits
        figures = broadcast_figures(
            real=real,
            detail=detail,
            outbox=outbox,
            followers=followers,
            rate=rate,
            window=c.broadcast_seconds,
            block=c.scaled_block,
        )
        figures["limits"] = {"global_rate": global_rate, "per_chat_interval": per_chat}
        return figures

    def _compose_news(self, name: str) -> str | None:
        """The admin's /post dialogue up to the preview; the Publish button's draft key."""
        token = self.tokens[name]
        self.server.call("/_bench/limits", {"token": token, "global_rate": None})
        steps = [
            (f"/post {SLUG}", 1),  # asks for the Russian text
            (NEWS_TEXTS["ru"], 1),  # asks for the Uzbek text
            (NEWS_TEXTS["uz"], 1),  # asks for the English text
            # The preview: a header and the message per version (ru, uz, uz-Cyrl, en), then "ready".
            (NEWS_TEXTS["en"], 9),
        ]
        for text, calls in steps:
            self.seq += 1
            self.closed_loop(name, f"{name}/compose", [message(BROADCAST_ADMIN, self.seq, text)], 1, calls, 0)
        markup = self.server.call(f"/_bench/markup?token={token}&chat={BROADCAST_ADMIN}")["result"]
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = str(button.get("callback_data", ""))
                if data.startswith("ad:pub:"):
                    return data.rsplit(":", 1)[1]
        self.checks.append(f"{name}: no Publish button in the preview ({markup})")
        return None

    def _publish(self, name: str, key: str) -> float:
        """The admin presses Publish (the limits are on by then); when."""
        self.seq += 1
        at = time.monotonic()
        published = self.server.call(
            "/_bench/run",
            {
                "token": self.tokens[name],
                "updates": [callback(BROADCAST_ADMIN, self.seq, f"ad:pub::{key}")],
                "concurrency": 1,
                "calls_per_update": 2,  # answerCallbackQuery + "published to N followers"
                "warmup": 0,
                "timeout": 60,
                "settle": 0,
            },
        )
        if published["completed"] != 1:
            self.checks.append(f"{name}: the Publish button was not answered")
        return at

    def _first_delivery(self, token: str) -> float | None:
        """When the first follower got it (the admin's own "published" reply comes first)."""
        deadline = time.monotonic() + 30
        while self.server.call(f"/_bench/deliveries?token={token}")["result"]["deliveries"] < 2:
            if time.monotonic() > deadline:
                self.checks.append("casebot broadcast: no delivery within 30 s of publishing")
                return None
            time.sleep(0.02)
        detail = self.server.call(f"/_bench/deliveries?token={token}&detail=1")["result"]
        pairs = zip(detail["times"], detail["chats"], strict=True)
        return next(at for at, chat in pairs if chat != BROADCAST_ADMIN)

    def _watch_scaled(self, followers: int) -> None:
        """Until every follower has it and the broadcast is reported complete (or a time limit)."""
        process = self.procs.named["broadcast-scaled"]
        token = self.tokens["broadcast-scaled"]
        started = time.monotonic()
        deadline = started + max(60.0, followers / 50)  # 50/s: far below anything plausible
        while time.monotonic() < deadline and process.poll() is None:
            summary = self.server.call(f"/_bench/deliveries?token={token}")["result"]
            done = summary["delivered_chats"] >= followers + 1  # and the admin's own reply
            if done and outbox_counts(OUT / "broadcast-scaled.sqlite3")["completed"]:
                return
            time.sleep(0.25)
        self.checks.append(f"broadcast-scaled: not complete after {time.monotonic() - started:.0f} s")

    def limiter_selfcheck(self) -> dict[str, Any]:
        """The server's flood limits answer as Telegram does (needed by the broadcast measurement)."""
        token = "555000:bench-limiter-selfcheck"
        self.server.call("/_bench/limits", {"token": token, "global_rate": 30, "per_chat_interval": 1})
        outcomes: list[int] = []
        retry_after: set[int] = set()
        for chat in [*range(1, 41), 1]:
            request = urllib.request.Request(
                f"{self.server.url}/bot{token}/sendMessage",
                data=json.dumps({"chat_id": chat, "text": "x"}).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = json.loads(response.read())
            outcomes.append(200 if answer["ok"] else int(answer["error_code"]))
            if not answer["ok"]:
                retry_after.add(int(answer["parameters"]["retry_after"]))
        deliveries = self.server.call(f"/_bench/deliveries?token={token}")["result"]
        self.server.call("/_bench/limits", {"token": token, "global_rate": None})
        ok = outcomes[:30] == [200] * 30 and set(outcomes[30:]) == {429} and retry_after == {1}
        ok = ok and deliveries["deliveries"] == 30 and deliveries["duplicates"] == 0
        if not ok:
            self.checks.append(f"fake server flood limits misbehave: {outcomes}, {deliveries}")
        return {"ok": ok, "sent": len(outcomes), "accepted": outcomes.count(200), "429": outcomes.count(429)}


def most_in_any_second(times: list[float]) -> int:
    """The most sends in any one-second window (what Telegram's limit is about)."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def per_send_ms(cores: float, wall: float, sends: int) -> float:
    return round(cores * wall / sends * 1000, 3) if sends else float("nan")


def paced_rate(times: list[float]) -> float:
    """N sends from the first to the last are N - 1 intervals."""
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return (len(times) - 1) / span if span > 0 else float("nan")


def broadcast_figures(
    *,
    real: bool,
    detail: dict[str, Any],
    outbox: dict[str, Any],
    followers: int,
    rate: float,
    window: float,
    block: int,
) -> dict[str, Any]:
    """What one broadcast run achieved, from the server's delivery records and the bot's outbox."""
    pairs = [
        (at, chat)
        for at, chat in zip(detail["times"], detail["chats"], strict=True)
        if chat != BROADCAST_ADMIN
    ]
    times = [at for at, _ in pairs]
    per_chat = Counter(chat for _, chat in pairs)
    marked_sent = set(outbox["sent_chats"])
    figures: dict[str, Any] = {
        "followers": followers,
        "rate": rate,
        "too_many_requests": detail["too_many_requests"],
        "deliveries": len(times),
        "delivered_chats": len(per_chat),
        "duplicates": sum(n - 1 for n in per_chat.values()),
        "outbox": outbox["status"],
        # The outbox and what Telegram accepted must agree: a row marked sent that never
        # arrived is someone missed; one that arrived unmarked is sent again on the next start.
        "marked_not_delivered": len(marked_sent - per_chat.keys()),
        "delivered_not_marked": len(per_chat.keys() - marked_sent),
        "most_in_one_second": most_in_any_second(times),
        "rate_all": round(paced_rate(times), 3),
        "seconds_all": round(times[-1] - times[0], 3) if times else float("nan"),
    }
    problems = []
    # The real-rate run is read while the bot goes on sending: the sends in flight at
    # that moment have arrived and are not marked yet. The time-scaled one is stopped first.
    unmarked_allowed = WORKER_IN_FLIGHT if real else 0
    if figures["marked_not_delivered"] or figures["delivered_not_marked"] > unmarked_allowed:
        problems.append(
            f"outbox and deliveries disagree: {figures['marked_not_delivered']} marked sent but not "
            f"delivered, {figures['delivered_not_marked']} delivered but not marked"
        )
    if not times:
        problems.append("nothing was delivered")
    elif real:
        first = times[0]
        inside = [at for at in times if at - first <= window]
        steady_after = min(STEADY_AFTER, window / 2)
        steady = [at for at in inside if at - first >= steady_after]
        per_second = Counter(int(at - first) for at in inside if at - first < int(window))
        achieved = paced_rate(inside)
        figures["window"] = {
            "seconds": window,
            "deliveries": len(inside),
            "span_s": round(inside[-1] - first, 3),
            "rate": round(achieved, 3),
            "off_by_percent": round(abs(achieved / rate - 1) * 100, 3),
            "steady_rate": round(paced_rate(steady), 3),
            "steady_after_s": steady_after,
            "per_second_min": min(per_second.get(s, 0) for s in range(int(window))),
            "per_second_max": max(per_second.values()),
        }
    else:
        blocks = [times[i + block - 1] - times[i] for i in range(0, len(times) - block + 1, block)]
        middle = statistics.median(blocks) if blocks else float("nan")
        figures.update(
            missed=followers - len(per_chat),
            completed=outbox["completed"] == outbox["updates"] == 1,
            block=block,
            per_block_s=[round(x, 3) for x in blocks],
            first_block_s=round(blocks[0], 3) if blocks else float("nan"),
            last_block_s=round(blocks[-1], 3) if blocks else float("nan"),
            median_block_s=round(middle, 3),
            max_over_median=round(max(blocks) / middle, 3) if blocks else float("nan"),
            last_over_first=round(blocks[-1] / blocks[0], 3) if blocks else float("nan"),
        )
        left = {k: v for k, v in outbox["status"].items() if k != "sent" and v}
        if left or not figures["completed"]:
            problems.append(
                f"the broadcast did not finish: rows {outbox['status']}, "
                f"{outbox['completed']} of {outbox['updates']} update(s) reported complete"
            )
    figures["problems"] = problems
    return figures


def start_scaled_broadcast(config: Config, procs: Processes, server: Server) -> subprocess.Popen[str]:
    """The time-scaled broadcast's own casebot process.

    Started with the others, so its start-up adds no wall time of its own; it
    idles (one long poll every 30 s) until its run in the last repetition.
    """
    database = OUT / "broadcast-scaled.sqlite3"
    seed_database(database, SLUG, 0, config.broadcast_followers)
    env = bot_env(server.url, SCALED_TOKEN, database, ROOT / "data" / "cases")
    argv = [sys.executable, "-m", "bench.broadcast_bot", str(config.scaled_rate)]
    return procs.start("broadcast-scaled", argv, env)


def broadcast_only(config: Config) -> int:
    """``--only broadcast``: the two broadcast runs alone, for working on the worker."""
    started = time.monotonic()
    seed_database(OUT / "main.sqlite3", SLUG, 0, config.seed_followers)
    procs = Processes()
    tokens = {"casebot": "6100001:bench-casebot-token", "broadcast-scaled": SCALED_TOKEN}
    try:
        server = start_server(procs)
        bot = procs.start(
            "casebot",
            [sys.executable, "-m", "bot", "run"],
            bot_env(server.url, tokens["casebot"], OUT / "main.sqlite3", ROOT / "data" / "cases"),
        )
        scaled = start_scaled_broadcast(config, procs, server)
        server.wait_first_poll(tokens["casebot"], bot)
        server.wait_first_poll(SCALED_TOKEN, scaled)
        bench = Broadcast(config, procs, server, tokens)
        selfcheck = bench.limiter_selfcheck()
        print(f"bench: broadcast only, processes up after {time.monotonic() - started:.0f} s", flush=True)
        record = {"rep": 1, "broadcast": bench.broadcast(1)}
        exit_code = procs.stop("casebot")
    finally:
        procs.stop_all()
    if exit_code != 0:
        bench.checks.append(f"casebot exited with {exit_code}")
    summary = report.broadcast_summary([record])
    lines = report.broadcast_lines(summary)
    lines += ["", "| target | measured | met? |", "|---|--:|---|"]
    lines += [report.target_row(t) for t in report.broadcast_targets(summary)]
    lines += ["", f"Limiter self-check: {selfcheck}", *[f"CHECK: {c}" for c in bench.checks]]
    lines.append(f"({time.monotonic() - started:.0f} s)")
    print("\n".join(lines))
    (OUT / "broadcast.json").write_text(json.dumps({"summary": summary, "raw": record}, indent=1) + "\n")
    return 1 if bench.checks else 0
