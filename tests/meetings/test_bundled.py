"""The schedule the package ships: found in the seeds, loaded once into a new database."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.meetings.queries import all_meetings
from bot.meetings.service import bundled_schedule, ensure_schedule, read_meetings
from bot.store.db import Database
from bot.store.models import Meeting
from tests.support.common import SEEDS, FixedClock

# On SQLite alone: this is about what the bundled schedule holds, not the database engine; the
# store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]
GENEVA = ZoneInfo("Europe/Zurich")


def load_script() -> object:
    spec = importlib.util.spec_from_file_location(
        "bundle_data", ROOT / "scripts" / "bundle_data.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seeds are not on this machine ({SEEDS})")
def test_the_shipped_schedule_is_what_the_finder_reads_in_the_seeds() -> None:
    script = load_script()
    findings = []
    for name, title in script.MEETING_DOCUMENTS.items():  # type: ignore[attr-defined]
        reading = read_meetings((SEEDS / name).read_bytes(), name, GENEVA)
        findings.extend((finding, title) for finding in reading.findings)
    findings.sort(key=lambda pair: (pair[0].draft.start, pair[0].draft.name))
    expected = script.schedule_text(findings)  # type: ignore[attr-defined]
    assert bundled_schedule().decode("utf-8") == expected, (
        "bot/data/schedule.yaml is stale: run scripts/bundle_data.py and review the diff"
    )


def test_a_new_database_gets_the_bundled_schedule_once(db: Database) -> None:
    clock = FixedClock()
    loaded = ensure_schedule(db, clock, GENEVA)
    assert loaded is not None
    assert len(loaded.added) >= 15
    assert ensure_schedule(db, clock, GENEVA) is None
    with db.unit_of_work() as session:
        meetings = all_meetings(session)
        by_name = {meeting.name: meeting for meeting in meetings}
        irm = by_name["Second inter-regional meeting for WTSA-24"]
        assert (irm.start, irm.end) == (
            datetime(2024, 7, 25, 11, tzinfo=UTC),
            datetime(2024, 7, 25, 14, tzinfo=UTC),
        )
        assert irm.source.startswith("Draft report of the second IRM for WTSA-24")
        assert all(meeting.source for meeting in meetings)
        # Deleting every meeting on purpose does not bring the bundled ones back.
        for meeting in meetings:
            session.delete(meeting)
        session.commit()
    assert ensure_schedule(db, clock, GENEVA) is None
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count(Meeting.id))) == 0
