"""The spreadsheet, CSV, Markdown and JSON exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.plan.export.service import ExportFormat, export_plan, file_name
from bot.plan.export.tables import inert
from bot.store.db import Database
from bot.store.models import ActionItem
from tests.plan.export.conftest import NOTE_50_25
from tests.support.common import FixedClock

# On SQLite alone: this is about the layout of the spreadsheet, CSV, JSON and Markdown exports,
# not the database engine; the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

FORMULA = '=HYPERLINK("http://evil.invalid","click")'


def export(db: Database, clock: FixedClock, fmt: ExportFormat) -> bytes:
    with db.unit_of_work() as session:
        exported = export_plan(session, fmt, now=clock())
    assert exported.name.endswith(f".{fmt.value}")
    return exported.data


def plant_formula(db: Database) -> None:
    with db.unit_of_work() as session:
        item = session.scalars(select(ActionItem).where(ActionItem.code == "50-18")).one()
        item.milestone = FORMULA
        item.status = "@SUM(A1:A9)\n| a | b |"
        session.commit()


def test_xlsx_has_a_sheet_per_edition_with_a_frozen_filtered_header(
    updated_db: Database, clock: FixedClock
) -> None:
    plant_formula(updated_db)
    book = load_workbook(io.BytesIO(export(updated_db, clock, ExportFormat.XLSX)))
    assert book.sheetnames == ["WTSA-20"]
    sheet = book["WTSA-20"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:J{397 + 76 + 1}"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Edition", "Resolution", "Action Item")
    by_code = {row[2]: row for row in rows[1:] if not row[9]}
    assert by_code["50-18"][5] == FORMULA  # kept as text
    assert sheet.cell(row=rows.index(by_code["50-18"]) + 1, column=6).data_type == "s"
    assert by_code["50-18"][7] == "yes"
    assert by_code["50-25"][8].endswith(NOTE_50_25)


def test_csv_is_utf8_with_bom_and_runs_no_formula(updated_db: Database, clock: FixedClock) -> None:
    plant_formula(updated_db)
    data = export(updated_db, clock, ExportFormat.CSV)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1 + 397 + 76
    row = next(row for row in rows if row[2] == "50-18" and not row[9])
    assert row[5] == "'" + FORMULA
    assert row[8] == "'@SUM(A1:A9)\n| a | b |"
    for value in (cell for row in rows for cell in row):
        assert not value.startswith(("=", "+", "-", "@"))


def test_inert_leaves_ordinary_text_alone() -> None:
    assert inert("Ongoing") == "Ongoing"
    assert inert("-5") == "'-5"
    assert inert("+41 22") == "'+41 22"


def test_markdown_escapes_pipes(updated_db: Database, clock: FixedClock) -> None:
    plant_formula(updated_db)
    text = export(updated_db, clock, ExportFormat.MD).decode("utf-8")
    assert text.startswith("# Action plan for implementation of WTSA-20 Resolutions\n")
    assert "## Resolution 50 – Cybersecurity" in text
    line = next(line for line in text.splitlines() if line.startswith("| 50-18 |"))
    assert "@SUM(A1:A9)<br>\\| a \\| b \\|" in line
    assert line.count(" | ") == 5  # six cells, whatever the status holds
    assert "## Appendix I – Obsolete action items from WTSA-16 Action Plan" in text


def test_json_has_items_with_their_history(updated_db: Database, clock: FixedClock) -> None:
    data = json.loads(export(updated_db, clock, ExportFormat.JSON))
    assert data["edition"] == "WTSA-20"
    items = {(item["id"], item["appendix"]): item for item in data["items"]}
    assert len(items) == 397 + 76
    item = items[("50-18", None)]
    assert item["completed"] is True
    assert item["edition"] == "WTSA-20"
    kinds = [(update["kind"], update["author"]) for update in item["updates"]]
    assert kinds == [("completed", "Alice")]
    assert items[("50-25", None)]["updates"][0]["text"] == NOTE_50_25


def test_the_file_is_dated_in_geneva() -> None:
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # already 1 December in Geneva
    assert file_name("WTSA-20", ExportFormat.DOCX, late) == "action-plan-WTSA-20-2026-12-01.docx"
