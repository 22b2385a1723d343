"""PostgreSQL and Redis for the suite: started once per session, a fresh database per test.

A server that cannot start makes the tests that need it fail with the
reason (tests/servers.py); nothing is skipped.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
from redis import Redis as SyncRedis

from bot.config import Settings
from tests.servers import PostgresServer, RedisServer

SIGNATURE_KEY = "k" * 40
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.stop()


async def fresh_database(server: PostgresServer) -> str:
    name = f"casebot_test_{next(_numbers)}"
    conn = await asyncpg.connect(server.admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return server.url(name)


def fresh_database_sync(server: PostgresServer) -> str:
    # Synchronous, so async fixtures can ask for it (an event loop is already running there).
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, fresh_database(server)).result()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    return fresh_database_sync(pg_server)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    client = SyncRedis.from_url(redis_server.url)
    client.flushdb()
    client.close()
    return redis_server.url


def scale_out_settings(base: Settings, pg_url: str, redis_url: str) -> Settings:
    """The same settings on PostgreSQL and Redis, as every worker of a deployment has them."""
    return base.model_copy(
        update={
            "database_url": _secret(pg_url),
            "redis_url": _secret(redis_url),
            "signature_key": _secret(SIGNATURE_KEY),
        }
    )


def _secret(value: str):  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    return SecretStr(value)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def open_engine(  # type: ignore[no-untyped-def]
    engine: str, tmp_path: Path, request: pytest.FixtureRequest, sqlite_name: str = "engine.sqlite3"
):
    """The database of the parametrised engine: a SQLite file, or a fresh PostgreSQL database."""
    from bot.storage.db import Database
    from bot.storage.pg import PgDatabase

    if engine == "sqlite":
        return await Database.open(tmp_path / sqlite_name)
    server: PostgresServer = request.getfixturevalue("pg_server")
    return await PgDatabase.open(await fresh_database(server))
