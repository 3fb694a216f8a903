"""Shared fixtures: real databases (SQLite files, PostgreSQL when available), seeds, clocks."""

from __future__ import annotations

import contextlib
import gc
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.db import Database
from tests.support.common import (
    BACKENDS,
    PLAN_SEED,
    FixedClock,
    empty_postgres_database,
    fresh_postgres_database,
)


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


@pytest.fixture
def scheduled_url(sqlite_url: str) -> str:
    """A SQLite file as a first ``tsagbot`` command that reads the schedule (``meetings
    list``, ``reminders``, ``console``...) leaves it: the bundled plan and schedule loaded."""
    from tests.support.cli import first_read  # here: it imports the whole command line

    return first_read(sqlite_url, schedule=True)


@pytest.fixture
def planned_url(sqlite_url: str) -> str:
    """A SQLite file as a first ``tsagbot items``, ``export`` or ``meetings import`` leaves
    it: the bundled plan loaded, no schedule."""
    from tests.support.cli import first_read  # here: it imports the whole command line

    return first_read(sqlite_url, schedule=False)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file brought up to date once per run, that test databases start as a copy of."""
    path = tmp_path_factory.mktemp("migrated") / "tsagbot.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()
    return path


BACKEND_FIXTURES = {
    "database_url": "function",
    "module_database_url": "module",
    "memory_database_url": "function",
    "empty_database_url": "function",
}
"""The fixtures that give a database on each backend, and their scopes."""


GC_THRESHOLDS = (50_000, 20, 100)
"""The test processes' garbage collector runs about 70 times rarer than Python's default.
A test process keeps many objects for the whole run (the modules, SQLAlchemy's mappings
and compiled statements, each worker's copies of loaded databases, the module-wide
servers' apps); full collections walked them all again and again: a fifth of the tests'
CPU time (5.5 of 22 s in tests/plan), against 1 s with these thresholds."""


def pytest_configure(config: pytest.Config) -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    config.addinivalue_line(
        "markers",
        "sqlite_only: on SQLite alone: what the test is about does not depend on the "
        "database engine, and its way through the store runs on PostgreSQL in the tests "
        "about the store (recording, undo, imports, the inbox and outbox, migrations)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each database fixture a test uses runs on each backend (a SQLite file, and
    PostgreSQL when configured), or on SQLite alone under ``@pytest.mark.sqlite_only``
    (on the test or its module); a test's own parametrization of it is left alone."""
    own = {
        name.strip()
        for mark in metafunc.definition.iter_markers("parametrize")
        for name in (mark.args[0].split(",") if isinstance(mark.args[0], str) else mark.args[0])
    }
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
    for name, scope in BACKEND_FIXTURES.items():
        if name in metafunc.fixturenames and name not in own:
            backends = ["sqlite"] if only_sqlite else BACKENDS
            metafunc.parametrize(name, backends, indirect=True, scope=scope)  # type: ignore[arg-type]


@pytest.hookimpl(trylast=True)  # after pytest has grouped each file's tests by fixture
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the files as ``scripts/test``'s workers should take them (``--dist loadfile``
    hands out whole files in this order): the ones that start processes first (the end-to-end
    tests' ``tsagbot serve``, the benchmarks' smoke run), as they have few tests but take long,
    then the others, most tests first.  Run last, one of them left a worker finishing alone
    while the other had nothing to do."""
    sizes: dict[Path, int] = {}
    for item in items:
        sizes[item.path] = sizes.get(item.path, 0) + 1
    here = Path(__file__).parent
    slow = (here / "e2e", here / "scripts")

    def weight(item: pytest.Item) -> tuple[bool, int, str]:
        starts_processes = any(item.path.is_relative_to(folder) for folder in slow)
        return (not starts_processes, -sizes[item.path], str(item.path))

    items.sort(key=weight)


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest, sqlite_url: str, migrated_sqlite: Path
) -> Iterator[str]:
    """An up-to-date, empty database for each backend: a SQLite file, and PostgreSQL when
    configured."""
    if request.param == "sqlite":
        shutil.copyfile(migrated_sqlite, sqlite_url.removeprefix("sqlite:///"))
        yield sqlite_url
    else:
        yield from fresh_postgres_database()


@pytest.fixture(scope="module")
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[str]:
    """Like ``database_url``, one for all the tests of a module: for what they share and only
    read."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("module") / "tsagbot.sqlite3"
        shutil.copyfile(migrated_sqlite, path)
        yield f"sqlite:///{path}"
    else:
        yield from fresh_postgres_database()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    """A database without any schema on each backend, for tests of the migrations."""
    if request.param == "sqlite":
        yield sqlite_url
    else:
        yield from empty_postgres_database()


@pytest.fixture
def memory_database_url(request: pytest.FixtureRequest, migrated_sqlite: Path) -> Iterator[str]:
    """Like ``database_url``, but SQLite in memory: for tests not about the file.

    Every engine of this process opens the same database (shared cache) while the
    test runs; it is gone afterwards.  Not for tests that write from several threads
    at once: SQLite's shared cache locks tables instead of waiting.
    """
    if request.param != "sqlite":
        yield from fresh_postgres_database()
        return
    name = f"file:tsagbot-{uuid.uuid4().hex}?mode=memory&cache=shared"
    keeper = sqlite3.connect(name, uri=True)
    with contextlib.closing(sqlite3.connect(migrated_sqlite)) as migrated:
        migrated.backup(keeper)
    try:
        yield f"sqlite:///{name}&uri=true"
    finally:
        keeper.close()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """An up-to-date, empty database on each backend (``database_url`` is migrated already)."""
    database = Database(database_url)
    yield database
    database.dispose()
