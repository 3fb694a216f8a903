"""What many tests share: where the seeds are, a clock moved by hand, the databases to run on."""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from bot.store.db import Database

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("TSAGBOT_SEEDS", ROOT.parent / "shared" / "seeds"))
BUNDLED_PLAN = ROOT / "bot" / "data" / "wtsa20-action-plan.txt"
# The real seed when shared/ is beside the checkout (as in CI), else the package's copy of it.
PLAN_SEED = SEEDS / "004_d127366013943a34.txt"
if not PLAN_SEED.exists():
    PLAN_SEED = BUNDLED_PLAN
POSTGRES_URL = os.environ.get("TSAGBOT_TEST_POSTGRES_URL", "")


class FixedClock:
    """A clock that tests move by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class _PostgresPool:
    """Up-to-date PostgreSQL databases, emptied after each use and handed out again.

    Creating (and dropping) a database per test costs about a second on PostgreSQL;
    emptying one (``TRUNCATE ... RESTART IDENTITY``, after ending the connections the
    test left open) costs a few milliseconds.  The migrations run once per new database.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: list[str] = []
        self._all: list[str] = []

    @property
    def admin_url(self) -> URL:
        return make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def take(self) -> str:
        with self._lock:
            if self._free:
                return self._free.pop()
            name = f"tsagbot_test_{uuid.uuid4().hex[:12]}"
            self._all.append(name)
            if len(self._all) == 1:
                atexit.register(self.drop_all)
        with self._admin() as admin, admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        database = Database(self.url(name))
        database.upgrade()
        database.dispose()
        return name

    def create_empty(self) -> str:
        """A new database without any table, for tests of the migrations themselves."""
        name = f"tsagbot_test_{uuid.uuid4().hex[:12]}"
        with self._admin() as admin, admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return name

    def drop(self, name: str) -> None:
        with self._admin() as admin, admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def give_back(self, name: str) -> None:
        with self._admin() as admin, admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        engine = create_engine(self.url(name))
        try:
            with engine.begin() as connection:
                tables = connection.scalars(
                    text(
                        "SELECT quote_ident(tablename) FROM pg_tables "
                        "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    )
                ).all()
                if tables:
                    connection.execute(
                        text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
                    )
        finally:
            engine.dispose()
        with self._lock:
            self._free.append(name)

    def drop_all(self) -> None:
        with self._admin() as admin, admin.connect() as connection:
            for name in self._all:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    @contextlib.contextmanager
    def _admin(self) -> Iterator[Engine]:
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            yield admin
        finally:
            admin.dispose()


_POOL = _PostgresPool()


def fresh_postgres_database() -> Iterator[str]:
    """An up-to-date, empty PostgreSQL database on the test server, for this test alone."""
    name = _POOL.take()
    try:
        yield _POOL.url(name)
    finally:
        _POOL.give_back(name)


def empty_postgres_database() -> Iterator[str]:
    """A new PostgreSQL database with no schema at all, dropped afterwards."""
    name = _POOL.create_empty()
    try:
        yield _POOL.url(name)
    finally:
        _POOL.drop(name)


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="TSAGBOT_TEST_POSTGRES_URL is not set (no PostgreSQL server)"
        ),
    ),
]
