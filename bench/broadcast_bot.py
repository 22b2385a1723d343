"""``python -m bench.broadcast_bot RATE``: casebot as ``python -m bot run`` runs it, at a broadcast rate
the settings refuse.

The time-scaled broadcast run needs the worker at 1,000 sends a second, and
``BROADCAST_RATE`` stops at 30 on purpose: that is Telegram's limit, and a
production setting above it would only buy 429s. So the cap stays, and this
module is the one place that goes past it: it reads the settings from the
environment exactly as ``python -m bot`` does, replaces the rate in code
(``model_copy`` does not validate) and hands them to the same
``_serve_telegram`` that ``python -m bot run`` calls. Everything else — the
collector off while the app is built, then frozen with it; glibc's arenas
capped before any thread starts; ``create_app``'s wiring, the Bot API adapter
(``bot/ui/delivery.py``), aiogram's HTTP session, polling, the admin's /post
flow, the worker's start and graceful stop — is production's own code, so
``bench.memory`` measures the process the bot is. (It used to call
``asyncio.run(_run_bot(...))``: the same app without that start's arena cap and
collector settings, so its resident set was not the bot's.)
"""

from __future__ import annotations

import contextlib
import os
import sys

from pydantic import ValidationError

from bot.__main__ import _serve_telegram
from bot.config import describe_settings_error, load_settings
from bot.logs import configure_logging


def _trace_on_signal(folder: str) -> None:
    """``BENCH_TRACEMALLOC=DIR`` (bench.memory ``--trace``): Python's allocations traced from the
    start, and a snapshot written to DIR at each SIGUSR2, for what grew between two of them."""
    import signal
    import tracemalloc

    tracemalloc.start()
    taken = iter(range(1_000))

    def dump(signum: int, frame: object) -> None:
        path = os.path.join(folder, f"snapshot-{next(taken)}.pickle")
        tracemalloc.take_snapshot().dump(path + ".partial")
        os.replace(path + ".partial", path)

    signal.signal(signal.SIGUSR2, dump)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bench.broadcast_bot RATE", file=sys.stderr)
        return 2
    rate = float(argv[0])
    if rate <= 0:
        print("bench.broadcast_bot: RATE must be positive", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ValidationError as exc:
        print(f"bench.broadcast_bot: {describe_settings_error(exc)}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format, settings.log_level)
    settings = settings.model_copy(update={"broadcast_rate": rate})
    if os.environ.get("BENCH_TRACEMALLOC"):
        _trace_on_signal(os.environ["BENCH_TRACEMALLOC"])
    with contextlib.suppress(KeyboardInterrupt):
        return _serve_telegram(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
