"""Is this process alive, and ready for traffic? ``/healthz`` and ``/readyz``.

Ready means the database answers and its schema is at the migrations' head:
a replica started from a newer release than the database (``tsagbot migrate``
not run yet) or an older one (the database already migrated further) is kept
out of the load balancer rather than failing on the first request.
"""

from __future__ import annotations

from bot.store.db import SCHEMA_HEAD, Database


def migration_heads() -> frozenset[str]:
    """The revisions the migrations of this release end in."""
    return frozenset({SCHEMA_HEAD})


def readiness(db: Database) -> str | None:
    """None when ready, else the reason, one short line."""
    try:
        current = db.revisions()
    except Exception as error:
        return f"the database does not answer ({type(error).__name__})"
    if current != migration_heads():
        found = ", ".join(sorted(current)) or "none"
        wanted = ", ".join(sorted(migration_heads()))
        return (
            f"the database schema is at {found}, this release needs {wanted}: run tsagbot migrate"
        )
    return None
