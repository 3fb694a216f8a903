"""``INSERT ... ON CONFLICT (key) DO NOTHING``: whichever process inserts a key first owns it."""

from __future__ import annotations

from collections.abc import Sequence
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
    insert = _insert(session)
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


def insert_unless(
    session: Session, model: type[Base], rows: list[dict[str, Any]], unique: Sequence[str]
) -> int:
    """Insert the rows whose ``unique`` columns (a unique constraint) are free; how many
    this call inserted. The caller commits."""
    if not rows:
        return 0
    statement = (
        _insert(session)(model)
        .values(rows)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(model.__table__.c.id)
    )
    return len(list(session.scalars(statement)))


def _insert(session: Session) -> Any:
    return dialect_insert(session.get_bind().dialect.name)


def dialect_insert(dialect: str) -> Any:
    """The ``insert`` of a dialect, which has ``on_conflict_do_nothing``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert
    raise NotImplementedError(f"tsagbot needs PostgreSQL or SQLite, not {dialect}")
