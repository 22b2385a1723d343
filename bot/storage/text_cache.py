"""The file that holds validated case texts between start-ups (the SQL half of the text store).

One small SQLite file beside the database, apart from it: a cache, so it is
written without a sync per commit and, lost or damaged, begun afresh (the case
files are read again). It stores opaque bodies under (key, locale); what a body
means is the case layer's business (``bot/cases/text_store.py``).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

# Rows of one INSERT: three parameters each, within the 999 older SQLite builds allow.
ROWS_A_STATEMENT = 300


class TextCacheFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        # The event loop, a /reload's worker thread and the question index's builder
        # may read at once: one connection, used under the lock.
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            try:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError:  # damaged: a cache, so begun afresh
                conn.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            # A cache: WAL without a sync per commit, and a small page cache (resident memory).
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-256")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS texts (key TEXT NOT NULL, locale TEXT NOT NULL, "
                "body BLOB NOT NULL, PRIMARY KEY (key, locale)) WITHOUT ROWID"
            )
            self._conn = conn
        return self._conn

    def keys_with(self, locales: int) -> set[str]:
        """Every key stored in ``locales`` locales (an unreadable file has none)."""
        try:
            with self._lock:
                rows = (
                    self._db()
                    .execute("SELECT key FROM texts GROUP BY key HAVING COUNT(*) = ?", (locales,))
                    .fetchall()
                )
        except (sqlite3.Error, OSError):
            return set()
        return {str(row[0]) for row in rows}

    def put(self, key: str, bodies: dict[str, bytes]) -> None:
        """All of one key's bodies in one transaction. Raises OSError when it cannot be written."""
        self.put_many({key: bodies})

    def put_many(self, bodies: dict[str, dict[str, bytes]]) -> None:
        """Several keys' bodies (key → locale → body) in one transaction. Raises OSError."""
        rows = [(key, locale, body) for key, texts in bodies.items() for locale, body in texts.items()]
        try:
            with self._lock:
                db = self._db()
                db.execute("BEGIN")
                # Many rows a statement: a thousand cases' texts in a few steps, each of which
                # gives the interpreter away (and waits for it back behind the event loop).
                for start in range(0, len(rows), ROWS_A_STATEMENT):
                    batch = rows[start : start + ROWS_A_STATEMENT]
                    values = ", ".join(["(?, ?, ?)"] * len(batch))
                    db.execute(
                        f"INSERT OR REPLACE INTO texts (key, locale, body) VALUES {values}",
                        [value for row in batch for value in row],
                    )
                db.execute("COMMIT")
        except sqlite3.Error as exc:
            with self._lock:
                if self._conn is not None and self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
            raise OSError(f"{self.path}: {exc}") from exc

    def get(self, key: str, locale: str) -> bytes | None:
        with self._lock:
            row = (
                self._db()
                .execute("SELECT body FROM texts WHERE key = ? AND locale = ?", (key, locale))
                .fetchone()
            )
        return None if row is None else bytes(row[0])

    def prune(self, keep: Iterable[str]) -> None:
        """Remove every key not in ``keep``."""
        kept = set(keep)
        try:
            with self._lock:
                db = self._db()
                stale = [(k,) for (k,) in db.execute("SELECT DISTINCT key FROM texts") if k not in kept]
                if stale:
                    db.execute("BEGIN")
                    db.executemany("DELETE FROM texts WHERE key = ?", stale)
                    db.execute("COMMIT")
        except sqlite3.Error:
            pass  # a cache: whatever stays is only disk
