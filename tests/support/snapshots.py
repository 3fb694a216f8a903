"""A plan loaded once per test process, then copied into each test database that wants it.

Importing the bundled plan takes about half a second; copying what it left takes
milliseconds (SQLite's backup; on PostgreSQL a binary ``COPY`` of each table, and the
sequences set where the load left them).  The first time a load runs in this process,
on each backend, it runs for real and what it left is kept; later tests that ask for
the same load on a database just made get a copy of that.  A load is the same when the
same function imports the same bytes, under the same file name and edition, at the same
clock time.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bot.clock import Clock
from bot.plan.importing import ensure_plan, import_bytes
from bot.store.db import Database
from bot.store.models import Base


@dataclass(frozen=True)
class _Rows:
    """What a load left in a PostgreSQL database: each table's rows, each sequence's value."""

    tables: dict[str, bytes]
    sequences: dict[str, int]


_KEPT: dict[tuple[str, ...], str | _Rows] = {}
_FILES = tempfile.TemporaryDirectory(prefix="tsagbot-snapshots-")  # removed at exit


def ensure_plan_once(db: Database, clock: Clock) -> None:
    """``ensure_plan(db, clock)`` on a database just made, from a copy when it ran before."""
    load_once(db, ("ensure_plan", clock().isoformat()), lambda: ensure_plan(db, clock))


def import_once(
    db: Database, data: bytes, file_name: str, clock: Clock, *, edition: str | None = None
) -> None:
    """``import_bytes`` on a database just made, from a copy when it ran before."""
    digest = hashlib.sha256(data).hexdigest()
    key = ("import_bytes", digest, file_name, clock().isoformat(), edition or "")
    load_once(db, key, lambda: import_bytes(db, data, file_name, clock, edition=edition))


def load_once(db: Database, key: tuple[str, ...], load: Callable[[], object]) -> None:
    """Run ``load`` on a database just made, or copy what it left the first time.

    ``key`` names the load and everything its result depends on (times, zones, files).
    """
    _require_empty(db)
    key = (db.engine.url.get_backend_name(), *key)
    kept = _KEPT.get(key)
    if kept is not None:
        _restore(db, kept)
        return
    load()
    _KEPT[key] = _keep(db)


def _require_empty(db: Database) -> None:
    """A copy is only the same as the load on a database holding nothing yet."""
    with db.unit_of_work() as session:
        for table in Base.metadata.sorted_tables:
            if session.scalar(select(func.count()).select_from(table)):
                raise AssertionError(f"{table.name} is not empty: load the plan first")


def _keep(db: Database) -> str | _Rows:
    db.dispose()
    if db.engine.url.get_backend_name() == "postgresql":
        return _copy_out(db)
    kept = Path(_FILES.name) / f"{len(_KEPT)}.sqlite3"
    with _sqlite(db) as source, contextlib.closing(sqlite3.connect(kept)) as target:
        source.backup(target)
    return str(kept)


def _restore(db: Database, kept: str | _Rows) -> None:
    db.dispose()
    if isinstance(kept, _Rows):
        _copy_in(db, kept)
        return
    with contextlib.closing(sqlite3.connect(kept)) as source, _sqlite(db) as target:
        source.backup(target)


@contextlib.contextmanager
def _sqlite(db: Database) -> Iterator[sqlite3.Connection]:
    """A connection to ``db``'s SQLite database: a file, or in memory (a URI, shared cache)."""
    url = db.engine.url
    if url.query.get("uri") != "true":
        connection = sqlite3.connect(str(url.database))
    else:
        options = "&".join(f"{k}={v}" for k, v in url.query.items() if k != "uri")
        connection = sqlite3.connect(f"{url.database}?{options}", uri=True)
    with contextlib.closing(connection):
        yield connection


def _copy_out(db: Database) -> _Rows:
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        tables = {}
        for table in Base.metadata.sorted_tables:
            with cursor.copy(f"COPY {table.name} TO STDOUT (FORMAT BINARY)") as copy:
                tables[table.name] = b"".join(bytes(block) for block in copy)
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = 'public' AND last_value IS NOT NULL"
        )
        sequences = {str(name): int(value) for name, value in cursor.fetchall()}
        connection.rollback()
    finally:
        connection.close()
    return _Rows(tables, sequences)


def _copy_in(db: Database, rows: _Rows) -> None:
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        for name, data in rows.tables.items():
            with cursor.copy(f"COPY {name} FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
        for name, value in rows.sequences.items():
            cursor.execute("SELECT setval(%s, %s)", (name, value))
        connection.commit()
    finally:
        connection.close()
