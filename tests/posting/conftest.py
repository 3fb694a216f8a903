"""Posting tests run on SQLite in memory (and PostgreSQL): none of them is about the file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.store.db import Database


@pytest.fixture
def db(memory_database_url: str) -> Iterator[Database]:
    """An up-to-date, empty database on each backend; SQLite in memory (migrated already)."""
    database = Database(memory_database_url)
    yield database
    database.dispose()
