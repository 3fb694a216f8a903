"""The export with its revision marks reads back as the current state.

Insertions (``w:ins``) are read and deletions (``w:del``) are not, as Word shows
the document with its changes accepted.
"""

from __future__ import annotations

from datetime import timedelta

from bot.plan.export.service import ExportFormat, export_plan
from bot.plan.importing import import_bytes
from bot.store.db import Database
from tests.plan.export.conftest import NS, document_xml, items_state
from tests.support.common import FixedClock


def test_a_fresh_database_gets_the_updated_items(
    updated_db: Database, clock: FixedClock, sqlite_url: str
) -> None:
    with updated_db.unit_of_work() as session:
        document = export_plan(session, ExportFormat.DOCX, now=clock())
    root = document_xml(document.data)
    assert root.xpath("//w:ins", namespaces=NS)
    assert root.xpath("//w:del", namespaces=NS)
    fresh = Database(sqlite_url.replace("tsagbot.sqlite3", "fresh.sqlite3"))
    fresh.upgrade()
    try:
        import_bytes(fresh, document.data, document.name, clock)
        assert items_state(fresh) == items_state(updated_db)
    finally:
        fresh.dispose()


def test_importing_it_over_its_own_database_changes_nothing(
    updated_db: Database, clock: FixedClock
) -> None:
    before = items_state(updated_db)
    with updated_db.unit_of_work() as session:
        document = export_plan(session, ExportFormat.DOCX, now=clock())
    clock.now += timedelta(hours=1)
    summary = import_bytes(updated_db, document.data, document.name, clock)
    assert (summary.created, summary.updated, summary.changes) == ([], [], [])
    assert items_state(updated_db) == before
