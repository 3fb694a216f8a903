"""Is this process alive, and ready for traffic? ``/healthz`` and ``/readyz``.

Ready means the database answers and its schema is at the migrations' head:
a replica started from a newer release than the database (``tsagbot migrate``
not run yet) or an older one (the database already migrated further) is kept
out of the load balancer rather than failing on the first request.
"""

from __future__ import annotations

import logging
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.store.db import MIGRATIONS, Database

log = logging.getLogger(__name__)


@cache
def migration_heads() -> frozenset[str]:
    """The revisions the migrations of this release end in (read once from the package)."""
    script = ScriptDirectory(str(MIGRATIONS))
    return frozenset(script.get_heads())


def database_revisions(db: Database) -> frozenset[str]:
    """The revisions the database is at (none for an empty one); raises if it does not answer."""
    with db.engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


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
