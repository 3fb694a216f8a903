"""The .docx export laid out as the TSAG document, with people's updates as tracked changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.plan.export.service import ExportFormat, export_plan
from bot.plan.importing import import_bytes
from bot.store.db import Database
from tests.plan.export.conftest import NOTE_50_25, NS, W, document_xml
from tests.support.common import FixedClock
from tests.support.snapshots import import_once

# On SQLite alone: this is about the Word document's layout and tracked changes, not the database
# engine; the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only


def export(db: Database, clock: FixedClock, *, clean: bool = False) -> Any:
    with db.unit_of_work() as session:
        exported = export_plan(session, ExportFormat.DOCX, now=clock(), clean=clean)
    assert exported.name == f"action-plan-WTSA-20-{clock():%Y-%m-%d}.docx"
    return document_xml(exported.data)


@pytest.fixture(scope="module")
def clean_plan(module_database_url: str, plan_text: str) -> Any:
    """``plan_db`` exported clean, on each backend: one document for the tests that only
    read it."""
    clock = FixedClock()
    db = Database(module_database_url)
    try:
        import_once(db, plan_text.encode(), "plan.txt", clock)
        clock.now += timedelta(days=1)
        return export(db, clock, clean=True)
    finally:
        db.dispose()


def text(element: Any) -> str:
    return "".join(element.itertext())


def row_of(root: Any, code: str) -> tuple[Any, Any]:
    """The item row whose first cell is ``code``, and the status row after it."""
    for tr in root.iter(f"{{{W}}}tr"):
        first = tr.find("w:tc", NS)
        if first is not None and text(first) == code:
            return tr, tr.getnext()
    raise AssertionError(f"no row for {code}")


def test_the_document_has_the_tsag_layout(clean_plan: Any) -> None:
    root = clean_plan
    paragraphs = [text(p) for p in root.find("w:body", NS).findall("w:p", NS)]
    assert paragraphs[0] == "Action plan for implementation of WTSA-20 Resolutions"
    headings = [p for p in paragraphs if p.startswith(("Section", "Resolution 50 ", "Appendix"))]
    assert headings[0].startswith("Section I - List of WTSA-20 Resolutions and Opinion")
    assert headings[1].startswith("Section II - Progress reports")
    assert "Resolution 50 – Cybersecurity" in headings
    assert headings[-2:] == [
        "Appendix I – Obsolete action items from WTSA-16 Action Plan",
        "Appendix II – Obsolete action items from WTSA-12 Action Plan",
    ]
    tables = root.find("w:body", NS).findall("w:tbl", NS)
    summary_header = [text(tc) for tc in tables[0].find("w:tr", NS).findall("w:tc", NS)]
    assert summary_header == ["Resolution - Title", "Action by", "Collaboration with", "Report to"]
    plan_header = [text(tc) for tc in tables[1].find("w:tr", NS).findall("w:tc", NS)]
    assert plan_header == ["Action Item", "Action", "Milestone", "Periodic goals met", "Completed"]


def test_section_one_says_who_acts_collaborates_and_reports(clean_plan: Any) -> None:
    root = clean_plan
    summary = root.find("w:body", NS).find("w:tbl", NS)
    groups, columns, *rows = summary.findall("w:tr", NS)
    spans = [tc.find("w:tcPr/w:gridSpan", NS) for tc in groups.findall("w:tc", NS)[1:]]
    assert [span.get(f"{{{W}}}val") for span in spans] == ["6", "3", "4"]
    assert [text(tc) for tc in columns.findall("w:tc", NS)][1:4] == ["SGs", "TSAG", "TSB"]
    first = [text(tc) for tc in rows[0].findall("w:tc", NS)]
    assert first[0].startswith("Resolution 1 – Rules of procedure")
    assert first[1:] == ["All", "X", "X", "", "", "", "", "", "", "X", "", "X", ""]


def test_each_item_is_followed_by_its_status_row(clean_plan: Any) -> None:
    root = clean_plan
    item, status = row_of(root, "50-18")
    cells = item.findall("w:tc", NS)
    assert [text(tc) for tc in cells[2:]] == ["OngoingEach TSAG meeting", "√", ""]
    assert cells[0].find("w:tcPr/w:vMerge", NS).get(f"{{{W}}}val") == "restart"
    first, spanning = status.findall("w:tc", NS)
    assert first.find("w:tcPr/w:vMerge", NS) is not None  # the id cell merged down
    assert spanning.find("w:tcPr/w:gridSpan", NS).get(f"{{{W}}}val") == "4"
    assert "SG17 reports on its LSG functions in TSAG-TD38, TSAG-TD206." in text(spanning)


def test_bullets_are_list_paragraphs(clean_plan: Any) -> None:
    root = clean_plan
    _, status = row_of(root, "50-02")
    listed = [p for p in status.iter(f"{{{W}}}p") if p.find("w:pPr/w:numPr", NS) is not None]
    assert len(listed) >= 3
    assert text(listed[0]).startswith("ITU-T X.1246 Amd. 1")  # the "- " is the list's bullet


def test_aliases_stay_under_the_id(clean_plan: Any) -> None:
    root = clean_plan
    for tr in root.iter(f"{{{W}}}tr"):
        first = tr.find("w:tc", NS)
        lines = [text(p) for p in first.findall("w:p", NS)]
        if lines == ["54-03", "(44-25)"]:
            return
    raise AssertionError("54-03 (44-25) not found")


def test_updates_since_the_import_are_tracked_changes(
    updated_db: Database, clock: FixedClock
) -> None:
    root = export(updated_db, clock)
    changes = root.xpath("//w:ins | //w:del", namespaces=NS)
    ids = [change.get(f"{{{W}}}id") for change in changes]
    assert len(ids) == len(set(ids))  # Word needs every revision's id unique
    item, _ = row_of(root, "50-18")
    completed = item.findall("w:tc", NS)[4]
    (tick,) = completed.findall(".//w:ins", NS)
    assert text(tick) == "√"
    assert tick.get(f"{{{W}}}author") == "Alice"
    assert tick.get(f"{{{W}}}date") == "2026-11-21T09:00:00Z"

    _, status = row_of(root, "50-25")
    inserted = status.findall(".//w:p/w:ins", NS)
    assert [text(ins) for ins in inserted] == [f"[2026-11-21, Bob via Slack] {NOTE_50_25}"]
    assert inserted[0].get(f"{{{W}}}author") == "Bob"
    assert inserted[0].get(f"{{{W}}}date") == "2026-11-21T10:00:00Z"

    _, status = row_of(root, "50-09")
    (deleted,) = status.findall(".//w:p/w:del", NS)
    assert text(deleted).startswith("TSB Director reports to Council")
    assert deleted.find("w:r/w:delText", NS) is not None
    assert deleted.get(f"{{{W}}}author") == "Carol"
    untouched = sum(1 for change in changes if change.getparent().tag != f"{{{W}}}rPr")
    assert untouched == 3  # the three changes above, and nothing else


def test_clean_has_no_revision_marks_and_shows_the_current_state(
    updated_db: Database, clock: FixedClock
) -> None:
    root = export(updated_db, clock, clean=True)
    assert root.xpath("//w:ins | //w:del", namespaces=NS) == []
    item, _ = row_of(root, "50-18")
    assert text(item.findall("w:tc", NS)[4]) == "√"
    _, status = row_of(root, "50-25")
    assert text(status).endswith(NOTE_50_25)


def test_after_the_next_document_is_imported_nothing_is_a_revision(
    updated_db: Database, clock: FixedClock
) -> None:
    with updated_db.unit_of_work() as session:
        published = export_plan(session, ExportFormat.DOCX, now=clock(), clean=True)
    clock.now += timedelta(days=1)
    import_bytes(updated_db, published.data, published.name, clock)
    root = export(updated_db, clock)
    assert root.xpath("//w:ins | //w:del", namespaces=NS) == []
