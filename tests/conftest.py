from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.app import create_app
from bot.config import Settings
from bot.transport.local_session import LocalSession
from tests.fake_telegram import FakeTelegram
from tests.scaleout_fixtures import scale_out_settings
from tests.tools import FakeClock, Harness

pytest_plugins = ["tests.scaleout_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CASES = ROOT / "tests" / "fixtures" / "cases"
REAL_CASES = ROOT / "data" / "cases"
LOCALES = ROOT / "locales"
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "cases_dir": FIXTURE_CASES,
        "locales_dir": LOCALES,
        "database_path": tmp_path / "casebot.sqlite3",
        "org_name": "Test <Org> & Co",
        "org_contact": "help@example.org",
        "bot_token": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """A copy of the fixture cases that a test may edit."""
    folder = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES, folder)
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


def patient_user_clock() -> Callable[[], float]:
    """A monotonic clock that moves 10 s per reading: test users never trip flood control
    unless a test gives them a clock of its own."""
    ticks = itertools.count(step=10.0)
    return lambda: next(ticks)


async def open_harness(
    settings: Settings,
    monotonic: Callable[[], float] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> Harness:
    session = LocalSession()
    app = await create_app(
        settings,
        session=session,
        clock=clock or (lambda: NOW),
        strict_l10n=True,
        monotonic=monotonic or patient_user_clock(),
        broadcast_clock=FakeClock(),
    )
    return Harness(app, session)


def on_chosen_engine(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """``--engine postgresql``: the same settings in the scale-out mode, on the suite's servers."""
    if request.config.getoption("engine", "sqlite") != "postgresql":
        return settings
    return scale_out_settings(settings, request.getfixturevalue("pg_url"), request.getfixturevalue("redis_url"))


@pytest.fixture
async def harness(settings: Settings, request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    h = await open_harness(on_chosen_engine(settings, request))
    yield h
    await h.app.close()


@pytest.fixture
async def real_harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """The production case files (data/cases/), for content checks."""
    h = await open_harness(make_settings(tmp_path, cases_dir=REAL_CASES))
    yield h
    await h.app.close()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """A fake Bot API server on 127.0.0.1 for tests that run the bot's HTTP side."""
    fake = FakeTelegram()
    await fake.start()
    yield fake
    fake.release_all()  # let any reply a test held back go, so the server can stop
    await fake.stop()


# Tests that run another program (`make test-fast` leaves them out): the bot as a process
# against the fake Bot API, the command line, pip and Docker, Chromium. Tests that take a
# PostgreSQL or Redis server (pg_url, redis_url) start one too and are marked alike.
SUBPROCESS_TESTS = (
    "tests/e2e/",
    "tests/browser/",
    "tests/test_cli.py",
    "tests/test_docker_install.py",
    "tests/test_scaleout_cli.py",
    "tests/faults/test_startup.py",
)
SERVER_FIXTURES = {"pg_url", "redis_url"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        where = Path(str(item.fspath)).relative_to(ROOT).as_posix()
        if where.startswith(SUBPROCESS_TESTS) or SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.subprocess)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--engine", default="sqlite", choices=["sqlite", "postgresql"],
                     help="run the Dispatcher tests on this engine (scale-out: PostgreSQL and Redis)")
