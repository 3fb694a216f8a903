"""The bundled plan and schedule, loaded once per test module into SQLite in memory."""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.service import ensure_schedule
from bot.plan.importing import ensure_plan
from bot.store.db import Database
from tests.support.common import FixedClock
from tests.support.snapshots import load_once

GENEVA = ZoneInfo("Europe/Zurich")
PLANNED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def bundled_plan(migrated_sqlite: Path) -> Iterator[Database]:
    """The bundled WTSA-20 plan and schedule, read only by a module's tests."""
    name = f"file:tsagbot-{uuid.uuid4().hex}?mode=memory&cache=shared"
    keeper = sqlite3.connect(name, uri=True)
    with contextlib.closing(sqlite3.connect(migrated_sqlite)) as migrated:
        migrated.backup(keeper)
    db = Database(f"sqlite:///{name}&uri=true")
    clock = FixedClock(PLANNED)

    def load() -> None:
        ensure_plan(db, clock)
        ensure_schedule(db, clock, GENEVA)

    load_once(db, ("bundled plan and schedule", PLANNED.isoformat()), load)
    try:
        yield db
    finally:
        db.dispose()
        keeper.close()
