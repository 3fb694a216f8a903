"""Alembic environment: runs migrations on the engine the application hands it.

``tsagbot`` calls ``Database.upgrade()`` at start, which passes its engine in
``config.attributes["engine"]``.  For writing a new migration by hand, run
``alembic -x url=sqlite:///dev.sqlite3 revision --autogenerate -m "..."`` with
``script_location`` pointing here (see the README's Development section).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

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


def run_migrations() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=_ours,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
