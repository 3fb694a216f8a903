"""What many tests share: where the seeds are, a clock moved by hand, the databases to run on."""

from __future__ import annotations

import atexit
import os
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from bot.posting.outbox import Outgoing
from bot.store.db import Database
from bot.store.models import Base

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("TSAGBOT_SEEDS", ROOT.parent / "shared" / "seeds"))
BUNDLED_PLAN = ROOT / "bot" / "data" / "wtsa20-action-plan.txt"
# The real seed when shared/ is beside the checkout (as in CI), else the package's copy of it.
PLAN_SEED = SEEDS / "004_d127366013943a34.txt"
if not PLAN_SEED.exists():
    PLAN_SEED = BUNDLED_PLAN
POSTGRES_URL = os.environ.get("TSAGBOT_TEST_POSTGRES_URL", "")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A moment in UTC, as the tests write them."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


class FixedClock:
    """A clock that tests move by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class TimedSlack:
    """A post function (``PostFunction``) that keeps each post with the clock's moment,
    as the scheduler's ticks and the inbox worker hand them to Slack."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.posts: list[tuple[datetime, Outgoing]] = []

    def __call__(self, outgoing: Outgoing) -> str:
        self.posts.append((self.clock(), outgoing))
        return f"{len(self.posts)}.000"


class _Postgres:
    """Up-to-date PostgreSQL databases, emptied after each use and handed out again.

    Creating a database costs more than emptying one: a test's database is emptied
    afterwards (its connections ended, ``DELETE`` from each table, sequences restarted:
    milliseconds for the few thousand rows a test writes) and handed to the next test.
    The migrations run once per new database.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: list[str] = []
        self._all: list[str] = []
        self._engine: Engine | None = None

    @property
    def admin_url(self) -> URL:
        return make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")

    def url(self, name: str) -> str:
        """The URL of a test database; its commits do not wait for the disk (a crash of
        the test server may lose the last ones, which no test needs)."""
        return (
            self.admin_url.set(database=name)
            .update_query_dict({"options": "-c synchronous_commit=off"})
            .render_as_string(hide_password=False)
        )

    def take(self) -> str:
        with self._lock:
            if self._free:
                return self._free.pop()
        name = self.create_empty()
        database = Database(self.url(name))
        database.upgrade()
        database.dispose()
        return name

    def create_empty(self) -> str:
        """A new database without any table; dropped at exit at the latest."""
        name = f"tsagbot_test_{uuid.uuid4().hex[:12]}"
        with self._lock:
            self._all.append(name)
            if len(self._all) == 1:
                atexit.register(self.drop_all)
        self._execute(f'CREATE DATABASE "{name}"')
        return name

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        with self._lock:
            self._all.remove(name)

    def give_back(self, name: str) -> None:
        self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        engine = create_engine(self.url(name), poolclass=NullPool)
        try:
            with engine.begin() as connection:
                sequences = connection.scalars(
                    text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
                ).all()
                statements = [f"DELETE FROM {table.name}" for table in _EMPTIED_FIRST]
                statements += [f"ALTER SEQUENCE {sequence} RESTART" for sequence in sequences]
                connection.exec_driver_sql("; ".join(statements))
        finally:
            engine.dispose()
        with self._lock:
            self._free.append(name)

    def drop_all(self) -> None:
        for name in list(self._all):
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if self._engine is not None:
            self._engine.dispose()

    def _execute(self, statement: str) -> None:
        with self._lock:
            if self._engine is None:
                self._engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            engine = self._engine
        with engine.connect() as connection:
            connection.execute(text(statement))


# Rows that others refer to go last.
_EMPTIED_FIRST = list(reversed(Base.metadata.sorted_tables))
POSTGRES = _Postgres()


def fresh_postgres_database() -> Iterator[str]:
    """An up-to-date, empty PostgreSQL database on the test server, for this test alone."""
    name = POSTGRES.take()
    try:
        yield POSTGRES.url(name)
    finally:
        POSTGRES.give_back(name)


def empty_postgres_database() -> Iterator[str]:
    """A new PostgreSQL database with no schema at all, dropped afterwards."""
    name = POSTGRES.create_empty()
    try:
        yield POSTGRES.url(name)
    finally:
        POSTGRES.drop(name)


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="TSAGBOT_TEST_POSTGRES_URL is not set (no PostgreSQL server)"
        ),
    ),
]
