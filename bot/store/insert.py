"""``INSERT ... ON CONFLICT (key) DO NOTHING``: whichever process inserts a key first owns it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.store.models import Base

BATCH = 500


def insert_new(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> set[str]:
    """Insert the rows whose unique ``key`` is free; the keys this call inserted.

    The caller commits. Works on PostgreSQL and SQLite, the two databases tsagbot runs on.
    """
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    insert: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise NotImplementedError(f"tsagbot needs PostgreSQL or SQLite, not {dialect}")
    key = model.__table__.c.key
    added: set[str] = set()
    for first in range(0, len(rows), BATCH):
        statement = (
            insert(model)
            .values(rows[first : first + BATCH])
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(key)
        )
        added.update(session.scalars(statement))
    return added
