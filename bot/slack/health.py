"""Is this process alive, and ready for traffic? ``/healthz`` and ``/readyz``.

Ready means the database answers and its schema is at the migrations' head:
a replica started from a newer release than the database (``tsagbot migrate``
not run yet) or an older one (the database already migrated further) is kept
out of the load balancer rather than failing on the first request.
"""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import column, inspect, select, table

from bot.store.db import MIGRATIONS, Database

VERSION_TABLE = "alembic_version"
"""Where Alembic keeps the database's revision (read directly: Alembic's own reader logs
two lines each time, and the load balancer asks every few seconds)."""


@cache
def migration_heads() -> frozenset[str]:
    """The revisions the migrations of this release end in (read once from the package)."""
    script = ScriptDirectory(str(MIGRATIONS))
    return frozenset(script.get_heads())


def database_revisions(db: Database) -> frozenset[str]:
    """The revisions the database is at (none for an empty one); raises if it does not answer."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return frozenset()
        return frozenset(
            connection.scalars(select(column("version_num")).select_from(table(VERSION_TABLE)))
        )


def readiness(db: Database) -> str | None:
    """None when ready, else the reason, one short line."""
    try:
        current = database_revisions(db)
    except Exception as error:
        return f"the database does not answer ({type(error).__name__})"
    if current != migration_heads():
        found = ", ".join(sorted(current)) or "none"
        wanted = ", ".join(sorted(migration_heads()))
        return (
            f"the database schema is at {found}, this release needs {wanted}: run tsagbot migrate"
        )
    return None
