"""Which database: the one place that knows there are two engines.

No settings: the embedded SQLite file (one process). ``DATABASE_URL``:
PostgreSQL, shared by any number of workers. Everything above bot/storage/
works through the same repositories whichever it gets.
"""

from __future__ import annotations

from bot.config import Settings
from bot.storage.db import Database
from bot.storage.pg import PgDatabase

AnyDatabase = Database | PgDatabase


async def open_database(settings: Settings) -> AnyDatabase:
    if settings.database_url is not None:
        return await PgDatabase.open(settings.database_url.get_secret_value())
    return await Database.open(settings.database_path)
