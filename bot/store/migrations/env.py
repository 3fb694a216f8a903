"""Alembic environment: runs migrations on the engine the application hands it.

``tsagbot`` calls ``Database.upgrade()`` at start, which passes its engine in
``config.attributes["engine"]``.  For writing a new migration by hand, run
``alembic -x url=sqlite:///dev.sqlite3 revision --autogenerate -m "..."`` with
``script_location`` pointing here (see the README's Development section).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, create_engine

from bot.store.models import Base

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("give the database with: alembic -x url=DATABASE_URL ...")
    return create_engine(url)


FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def _ours(name: str | None, type_: str, _parent_names: object) -> bool:
    """Leave out of autogenerate the table whose shape APScheduler defines."""
    return not (type_ == "table" and name in FOREIGN_TABLES)


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """Switch SQLite's foreign-key checks, outside any transaction as SQLite requires.

    Batch migrations rebuild a table (create a copy, drop the old one, rename) to
    change its constraints; with the checks on, dropping a table that other rows
    point at fails even though the copy takes its place with the same ids.
    """
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows that point nowhere: {broken[:5]}")


def run_migrations() -> None:
    engine = _engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            _migrate(connection, check=sqlite)
        finally:
            if sqlite:
                if connection.in_transaction():
                    connection.rollback()
                _sqlite_foreign_keys(connection, on=True)


def _migrate(connection: Connection, *, check: bool) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_ours,
    )
    with context.begin_transaction():
        context.run_migrations()
        if check:
            _check_foreign_keys(connection)
    connection.commit()


run_migrations()
