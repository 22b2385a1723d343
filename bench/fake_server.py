"""``python -m bench.fake_server``: the fake Bot API of the tests (tests/fake_telegram.py), as a process.

One server for the tests and the bench, so the bench's bot meets the same
Telegram rules the tests hold it to. It prints ``READY <port>`` and serves until
SIGTERM, with an update queue per bot token and the ``/_bench/...`` load side
described there.
"""

from __future__ import annotations

import sys

from tests.fake_telegram import FakeTelegram, main

__all__ = ["FakeTelegram", "main"]

if __name__ == "__main__":
    sys.exit(main())
