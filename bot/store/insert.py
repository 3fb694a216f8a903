"""``INSERT ... ON CONFLICT (key) DO NOTHING``: whichever process inserts a key first owns it."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bot.store.models import Base

BATCH = 500


def insert_new(
    executor: Session | Connection, model: type[Base], rows: list[dict[str, Any]]
) -> set[str]:
    """Insert the rows whose unique ``key`` is free; the keys this call inserted.

    The caller commits (a session's unit of work, or a connection's transaction). Works
    on PostgreSQL and SQLite, the two databases tsagbot runs on.
    """
    if not rows:
        return set()
    bind = executor.get_bind() if isinstance(executor, Session) else executor
    statement = _statement(bind.dialect.name, model, ("key",), "key")
    added: set[str] = set()
    for first in range(0, len(rows), BATCH):
        added.update(executor.execute(statement, rows[first : first + BATCH]).scalars())
    return added


def insert_unless(
    session: Session, model: type[Base], rows: list[dict[str, Any]], unique: Sequence[str]
) -> int:
    """Insert the rows whose ``unique`` columns (a unique constraint) are free; how many
    this call inserted. The caller commits."""
    if not rows:
        return 0
    statement = _statement(session.get_bind().dialect.name, model, tuple(unique), "id")
    return len(list(session.scalars(statement, rows)))


@functools.cache
def _statement(dialect: str, model: type[Base], unique: tuple[str, ...], returning: str) -> Any:
    """One statement per table, its rows passed apart: compiled once, then taken from
    SQLAlchemy's cache (rows written into the statement made it compile every time)."""
    return (
        dialect_insert(dialect)(model)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(model.__table__.c[returning])
    )


def dialect_insert(dialect: str) -> Any:
    """The ``insert`` of a dialect, which has ``on_conflict_do_nothing``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert
    raise NotImplementedError(f"tsagbot needs PostgreSQL or SQLite, not {dialect}")
