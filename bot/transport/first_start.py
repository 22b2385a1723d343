"""A first start's case and locale files parsed while the bot imports aiogram.

On a first start (no catalogue cache beside the database yet, or one written by other code)
every case folder is parsed, validated and its texts stored: about 1.4 s at 1,000 cases, on
top of aiogram's own import, which takes about as long and needs none of it. So a forked
copy of the process reads the files meanwhile and writes the caches beside the database;
the bot then reads them as it does on a restart (bot/cases/catalog.py, bot/ui/ftl_cache.py).

The fork is made before aiogram is imported and only while the process has one thread: a
fork copies the calling thread alone, and a lock another thread held would stay held in the
copy. The copy only writes caches the bot can do without: if it fails (a bad case file, a
read-only disk) or is still at work after :data:`WAIT_LIMIT`, the bot reads the files
itself, and says what is wrong with them as it always does.
"""

from __future__ import annotations

import gc
import os
import select
import signal
import threading

import structlog

from bot.cases.catalog import cache_beside, cache_is_current, load_catalog
from bot.config import Settings
from bot.ui.i18n import L10n

log = structlog.get_logger("casebot.start")

# A copy still reading after this long is stopped: the bot reads the files itself.
WAIT_LIMIT = 120.0


class PreparedCaches:
    """The forked copy preparing the caches (``pid``), or none when there is nothing to prepare."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid

    @property
    def started(self) -> bool:
        return self.pid is not None

    def wait(self, limit: float = WAIT_LIMIT) -> bool:
        """Until the copy has ended (stopped after ``limit`` seconds): True when it wrote the caches."""
        pid, self.pid = self.pid, None
        if pid is None:
            return False
        if not _ends_within(pid, limit):
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            log.warning("first_start.not_prepared", exit_code=code)
        return code == 0

    def close(self) -> None:
        """Stop a copy nobody waited for (start-up failed first) and reap it."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            self.wait()


def _ends_within(pid: int, limit: float) -> bool:
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return True  # no pidfd (an old kernel): waitpid waits as long as it takes
    try:
        ready, _, _ = select.select([handle], [], [], limit)
        return bool(ready)
    finally:
        os.close(handle)


def prepare_caches(settings: Settings) -> PreparedCaches:
    """Fork a copy that writes the catalogue and locale caches, when they are not there yet
    and the process can be forked safely (see the module doc). Call before importing aiogram."""
    cache = cache_beside(settings.database_path)
    if (
        not hasattr(os, "fork")
        or threading.active_count() != 1
        or not settings.cases_dir.is_dir()
        or cache_is_current(cache)
    ):
        return PreparedCaches()
    pid = os.fork()
    if pid != 0:
        return PreparedCaches(pid)
    # The copy: never returns into the caller's code, never runs its exit handlers.
    code = 1
    try:
        gc.freeze()  # what the bot inherited is not walked; new objects are collected
        gc.enable()
        load_catalog(settings.cases_dir, cache=cache)
        L10n.load(settings.locales_dir, cache=cache)
        code = 0
    except BaseException:  # the bot reads the files itself and reports the problem
        code = 1
    finally:
        os._exit(code)
