"""Keep the process's C heap from growing with the number of threads.

glibc gives each thread that allocates its own malloc arena (up to eight per
core) and keeps what is freed in an arena for that arena's next use. The bot's
threads — aiosqlite's, one per database connection, and the worker threads of
``asyncio.to_thread`` (/reload, the question index) — each end up holding tens
of megabytes freed long ago: about half of what serving the catalogue's pages
added to the resident set in the benchmark. Two arenas serve them all with no
measurable cost in speed (the event loop's thread does nearly all the work).
"""

from __future__ import annotations

import ctypes
import sys

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def limit_arenas(count: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas (before threads start); False where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(M_ARENA_MAX, count))
    except (OSError, AttributeError):  # musl (Alpine) has neither mallopt nor per-thread arenas
        return False
