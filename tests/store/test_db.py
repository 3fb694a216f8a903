"""Units of work that read do not wait for a writer, and cannot write."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.db import Database, WriteInRead
from bot.store.models import Edition

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def editions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Edition)) or 0


def test_a_reader_proceeds_while_another_connection_holds_the_write_lock(
    sqlite_url: str, migrated_sqlite: Path
) -> None:
    shutil.copyfile(migrated_sqlite, sqlite_url.removeprefix("sqlite:///"))
    db = Database(sqlite_url)
    try:
        with db.unit_of_work() as writer:
            writer.add(Edition(name="WTSA-24", year=2024, title="", created_at=NOW))
            writer.flush()  # the write lock is held until the writer commits
            with db.unit_of_work(write=False) as reader:
                assert editions(reader) == 0  # the last committed state, at once
            writer.commit()
        with db.unit_of_work(write=False) as reader:
            assert editions(reader) == 1
    finally:
        db.dispose()


def test_a_reader_cannot_write(db: Database) -> None:
    with db.unit_of_work(write=False) as session:
        session.add(Edition(name="WTSA-24", year=2024, title="", created_at=NOW))
        with pytest.raises(WriteInRead):
            session.flush()
    with db.unit_of_work(write=False) as session:
        with pytest.raises(WriteInRead):
            session.execute(Edition.__table__.delete())
        assert editions(session) == 0
