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


class _Postgres:
    """PostgreSQL databases for tests, each a copy of a template, dropped after the test.

    Copying a database (``CREATE DATABASE ... TEMPLATE``) costs some tens of milliseconds,
    so the migrations run once per process, into the template every test database copies;
    tests/support/snapshots.py keeps templates with a plan loaded the same way.  A template
    has no connection open while it is copied: only this process uses its templates.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._migrated = ""
        self._all: list[str] = []
        self._engine: Engine | None = None

    @property
    def admin_url(self) -> URL:
        return make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str = "") -> str:
        """A new database, empty or a copy of ``template``; dropped at exit at the latest."""
        name = f"tsagbot_test_{uuid.uuid4().hex[:12]}"
        with self._lock:
            self._all.append(name)
            if len(self._all) == 1:
                atexit.register(self.drop_all)
        copy = f' TEMPLATE "{template}"' if template else ""
        self._execute(f'CREATE DATABASE "{name}"{copy}')
        return name

    def migrated(self) -> str:
        """The template of up-to-date, empty databases, made once per process."""
        with self._lock:
            if not self._migrated:
                name = self.create()
                database = Database(self.url(name))
                database.upgrade()
                database.dispose()
                self._migrated = name
            return self._migrated

    def replace(self, name: str, template: str) -> None:
        """Make database ``name`` a copy of ``template`` again (its connections end)."""
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def copy_of(self, name: str) -> str:
        """A new template holding what ``name`` holds now (its connections end)."""
        self._execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        return self.create(template=name)

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        with self._lock:
            self._all.remove(name)

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


POSTGRES = _Postgres()


def fresh_postgres_database() -> Iterator[str]:
    """An up-to-date, empty PostgreSQL database on the test server, for this test alone."""
    name = POSTGRES.create(template=POSTGRES.migrated())
    try:
        yield POSTGRES.url(name)
    finally:
        POSTGRES.drop(name)


def empty_postgres_database() -> Iterator[str]:
    """A new PostgreSQL database with no schema at all, dropped afterwards."""
    name = POSTGRES.create()
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
