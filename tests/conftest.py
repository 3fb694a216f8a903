"""Shared fixtures: real databases (SQLite files, PostgreSQL when available), seeds, clocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.db import Database
from tests.support.common import BACKENDS, PLAN_SEED, FixedClock, fresh_postgres_database


@pytest.fixture(scope="session")
def plan_text() -> str:
    """The real WTSA-20 action plan export (falls back to the bundled copy of it)."""
    return PLAN_SEED.read_text(encoding="utf-8")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tsagbot.sqlite3'}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    """A database URL for each backend: a SQLite file, and PostgreSQL when configured."""
    if request.param == "sqlite":
        yield sqlite_url
    else:
        yield from fresh_postgres_database()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """An up-to-date, empty database on each backend."""
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()
