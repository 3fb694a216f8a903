"""A clean export imports back to exactly what the bot holds."""

from __future__ import annotations

from datetime import timedelta

from bot.plan.export.service import ExportFile, ExportFormat, export_plan
from bot.plan.importing import import_bytes, load_plan
from bot.store.db import Database
from tests.plan.export.conftest import items_state, section_one_state
from tests.support.common import FixedClock


def exported(db: Database, clock: FixedClock, *, clean: bool) -> ExportFile:
    with db.unit_of_work() as session:
        return export_plan(session, ExportFormat.DOCX, now=clock(), clean=clean)


def test_a_fresh_database_gets_the_same_items(
    updated_db: Database, clock: FixedClock, sqlite_url: str
) -> None:
    document = exported(updated_db, clock, clean=True)
    assert load_plan(document.data).plan.anomalies == []
    fresh = Database(sqlite_url.replace("tsagbot.sqlite3", "fresh.sqlite3"))
    fresh.upgrade()
    try:
        summary = import_bytes(fresh, document.data, document.name, clock)
        assert summary.kind == "docx"
        assert (summary.items, summary.obsolete) == (397, 76)
        assert items_state(fresh) == items_state(updated_db)
        assert section_one_state(fresh) == section_one_state(updated_db)
    finally:
        fresh.dispose()


def test_importing_it_over_its_own_database_changes_nothing(
    plan_db: Database, clock: FixedClock
) -> None:
    before = items_state(plan_db)
    document = exported(plan_db, clock, clean=True)
    clock.now += timedelta(hours=1)
    summary = import_bytes(plan_db, document.data, document.name, clock)
    assert (summary.created, summary.updated, summary.not_in_document) == ([], [], [])
    assert summary.unchanged == 397 + 76
    assert items_state(plan_db) == before


def test_with_updates_it_keeps_what_people_recorded(
    updated_db: Database, clock: FixedClock
) -> None:
    """The document now says what people recorded; no item's values move."""
    before = items_state(updated_db)
    document = exported(updated_db, clock, clean=True)
    clock.now += timedelta(hours=1)
    summary = import_bytes(updated_db, document.data, document.name, clock)
    assert summary.created == []
    assert items_state(updated_db) == before
