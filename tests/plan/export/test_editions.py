"""Each Assembly's plan exports apart: the current one by default, any one by name."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from bot.plan.export.service import ExportError, ExportFormat, export_plan
from bot.plan.importing import import_bytes, load_plan
from bot.store.db import Database
from scripts.make_wtsa24_plan import NEW_ACTION, wtsa24_from
from tests.plan.export.conftest import NS, W, document_xml, say
from tests.support.common import FixedClock
from tests.support.snapshots import import_once, load_once

# On SQLite alone: this is about which edition an export holds and how the file shows it, not the
# database engine; the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def two_editions(db: Database, plan_text: str, clock: FixedClock) -> Database:
    """WTSA-20 (as ``plan_db``) with 50-18 done from Slack, then, a day later, the WTSA-24
    plan imported beside it.  Loaded for real once per process and backend, then copied."""
    start = clock()
    wtsa24 = wtsa24_from(plan_text).encode()

    def load() -> None:
        import_once(db, plan_text.encode(), "plan.txt", clock)
        clock.now += timedelta(days=1)
        say(db, clock, "50-18 done, see TSAG-TD206", author="Alice", ts="1.1")
        clock.now += timedelta(days=1)
        import_bytes(db, wtsa24, "wtsa24.txt", clock)

    plans = hashlib.sha256(plan_text.encode() + wtsa24).hexdigest()
    load_once(db, ("export tests: two editions", plans, start.isoformat()), load)
    clock.now = start + timedelta(days=2)
    return db


def test_the_current_edition_by_default(two_editions: Database, clock: FixedClock) -> None:
    with two_editions.unit_of_work() as session:
        exported = export_plan(session, ExportFormat.DOCX, now=clock())
    assert exported.name == f"action-plan-WTSA-24-{clock():%Y-%m-%d}.docx"
    plan = load_plan(exported.data).plan
    assert plan.edition == "WTSA-24"
    item = next(item for item in plan.active if item.id == "50-18")
    assert (item.action, item.completed) == (NEW_ACTION, False)
    # Alice's tick was WTSA-20's: nothing of it is a revision of WTSA-24's plan.
    assert document_xml(exported.data).xpath("//w:ins", namespaces=NS) == []


def test_an_older_edition_by_name_keeps_its_revisions(
    two_editions: Database, clock: FixedClock
) -> None:
    with two_editions.unit_of_work() as session:
        exported = export_plan(session, ExportFormat.DOCX, now=clock(), edition="wtsa-20")
    assert exported.name.startswith("action-plan-WTSA-20-")
    root = document_xml(exported.data)
    (tick,) = root.xpath("//w:ins", namespaces=NS)
    assert tick.get(f"{{{W}}}author") == "Alice"
    assert load_plan(exported.data).plan.edition == "WTSA-20"


def test_a_spreadsheet_has_a_sheet_per_edition(two_editions: Database, clock: FixedClock) -> None:
    with two_editions.unit_of_work() as session:
        exported = export_plan(session, ExportFormat.XLSX, now=clock())
    book = load_workbook(io.BytesIO(exported.data))
    assert book.sheetnames == ["WTSA-20", "WTSA-24"]
    assert {row[0] for row in book["WTSA-24"].iter_rows(min_row=2, values_only=True)} == {"WTSA-24"}


def test_an_unknown_edition_is_refused(two_editions: Database, clock: FixedClock) -> None:
    with two_editions.unit_of_work() as session, pytest.raises(ExportError) as refused:
        export_plan(session, ExportFormat.DOCX, now=clock(), edition="WTSA-16")
    assert str(refused.value) == "no plan of edition 'WTSA-16' (held: WTSA-24, WTSA-20)"
