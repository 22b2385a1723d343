"""Cache files the bot rewrites whole: written beside, then put in place in one step.

A reader sees the old file or the new one, never half of one. The file written beside is named
per process, so workers (or a first start's copy, bot/transport/first_start.py) sharing a folder
never write through the same one; a write that fails leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A path to write ``path``'s new contents to; it takes ``path``'s place when the block
    ends without an error, and is removed when it raises (the error goes on)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        yield partial
        partial.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
