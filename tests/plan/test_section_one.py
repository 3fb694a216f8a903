"""Section I: who acts on each Resolution, collaborates and reports, from both readers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from bot.documents.blocks import Paragraph, Table
from bot.documents.text_export import read_text_export
from bot.plan.importing import load_plan
from bot.plan.interpret import interpret, is_mark
from bot.plan.queries import find_item, item_as_json
from bot.plan.section_one import WTSA_20_LAYOUT, Summary, group_cells, summary_of
from bot.store.db import Database
from bot.store.models import Resolution
from scripts.build_docx_fixtures import build_plan_docx
from tests.support.common import FixedClock
from tests.support.snapshots import import_once

RESOLUTION_18 = Summary(
    action_by="SGs: All SGs; TSAG; TSB",
    collaboration="GenSec: ISCG, ICG, IRG; BDT ITU-D: TDAG; BR ITU-R: RAG",
    report_to="TSAG: ISCG, ISC-TF",
    title=(
        "Principles and procedures for the allocation of work to, and strengthening "
        "coordination and cooperation among, the ITU Radiocommunication, ITU "
        "Telecommunication Standardization and ITU Telecommunication Development Sectors"
    ),
)
SUB_HEADER = ["", "SGs", "TSAG", "TSB", "Membership", "Council", "GenSec", "GenSec"]
SUB_HEADER += ["BDT\nITU-D", "BR\nITU-R", "TSAG", "Council", "WTSA", "PP"]


def groups(summary: Summary) -> tuple[str, str, str]:
    return summary.action_by, summary.collaboration, summary.report_to


def test_text_export_gives_every_resolution_its_row(plan_text: str) -> None:
    plan = interpret(read_text_export(plan_text))
    assert len(plan.summaries) == 59
    assert plan.summaries["18"] == RESOLUTION_18
    assert groups(plan.summaries["1"]) == ("SGs: All; TSAG; TSB", "", "TSAG; WTSA")
    assert plan.summaries["Opinion 1"].action_by == "SGs: SG3; Membership: MSs"
    assert plan.summaries["44"].action_by.startswith("SGs: All SGs, regional groups; TSAG; TSB: X")
    assert not [a for a in plan.anomalies if a.kind == "section-one"]


def test_word_document_reads_the_same(plan_text: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    build_plan_docx(read_text_export(plan_text), path, variants=False)
    from_word = load_plan(path.read_bytes()).plan
    assert from_word.edition == "WTSA-20"
    assert from_word.summaries == interpret(read_text_export(plan_text)).summaries


def _merged_header_docx() -> bytes:
    """Section I as Word writes it: group headings merged across their columns."""
    document = docx.Document()
    document.add_paragraph("Action plan for implementation of WTSA-24 Resolutions")
    document.add_paragraph("Section I - List of WTSA-24 Resolutions and Opinion")
    table = document.add_table(rows=4, cols=14)
    top = table.rows[0].cells
    top[0].text = "Resolution - Title**"
    for (first, last), heading in zip(
        [(1, 6), (7, 9), (10, 13)], ["Action by", "Collaboration with", "Report to"], strict=True
    ):
        merged = top[first].merge(top[last])
        merged.text = heading
    for cell, name in zip(table.rows[1].cells, SUB_HEADER, strict=True):
        cell.text = name
    rows = [
        [
            "Resolution 50 – Cybersecurity",
            "SG17",
            "",
            "X",
            "MSs",
            "",
            "",
            "GCA",
            "",
            "",
            "X",
            "",
            "",
            "",
        ],
        ["Resolution 2 – Study group mandates", "All", "", "√"] + [""] * 10,
    ]
    for cells, values in zip((table.rows[2].cells, table.rows[3].cells), rows, strict=True):
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Section II - Progress reports")
    document.add_paragraph("Resolution 50 - Cybersecurity")
    items = document.add_table(rows=3, cols=5)
    header = ["Action Item", "Action", "Milestone", "Periodic goals met", "Completed"]
    for cell, text in zip(items.rows[0].cells, header, strict=True):
        cell.text = text
    for cell, text in zip(items.rows[1].cells, ["50-01", "Act", "Ongoing", "", ""], strict=True):
        cell.text = text
    items.rows[2].cells[1].text = "Status"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_merged_group_headings() -> None:
    plan = load_plan(_merged_header_docx()).plan
    assert plan.edition == "WTSA-24"
    assert plan.title == "Action plan for implementation of WTSA-24 Resolutions"
    assert plan.summaries["50"] == Summary(
        "SGs: SG17; TSB; Membership: MSs", "GenSec: GCA", "TSAG", "Cybersecurity"
    )
    assert plan.summaries["2"].action_by == "SGs: All; TSB"


def test_unknown_columns_are_an_anomaly(plan_text: str) -> None:
    blocks = read_text_export(plan_text)
    first = next(b for b in blocks if isinstance(b, Table))
    first.rows[1] = [*first.rows[1][:-1], "ITU"]
    plan = interpret(blocks)
    assert plan.summaries == {}
    (anomaly,) = [a for a in plan.anomalies if a.kind == "section-one"]
    assert "columns not understood" in anomaly.message
    assert "WTSA, ITU" in anomaly.message


def test_stored_text_gives_the_cells_back(plan_text: str) -> None:
    blocks = read_text_export(plan_text)
    table = next(b for b in blocks if isinstance(b, Table))
    for row in table.rows[2:]:
        summary = summary_of(row, WTSA_20_LAYOUT, is_mark, "")
        cells = [
            cell
            for text, names in zip(groups(summary), WTSA_20_LAYOUT, strict=True)
            for cell in group_cells(text, names)
        ]
        expected = [" ".join(c.split()) for c in row[1:]]
        expected = ["X" if c and is_mark(c) else c for c in expected]
        assert cells == expected, row[0]
    assert isinstance(blocks[0], Paragraph)


@pytest.fixture
def imported(db: Database, plan_text: str, clock: FixedClock) -> Database:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    return db


def test_import_stores_section_one_on_the_resolutions(imported: Database) -> None:
    with imported.unit_of_work() as session:
        rows = {r.key: r for r in session.scalars(select(Resolution))}
        assert (rows["18"].action_by, rows["18"].collaboration, rows["18"].report_to) == (
            groups(RESOLUTION_18)
        )
        # Resolution 85 has no active items, only obsolete ones and its Section I row.
        assert rows["85"].report_to == "Council"
        (item,) = [i for i in find_item(session, "18-01") if not i.obsolete]
        data = json.loads(json.dumps(item_as_json(item)))
        assert data["resolution_summary"] == {
            "key": "18",
            "edition": "WTSA-20",
            "title": item.resolution.title,  # Section II's heading words it a little apart
            "action_by": RESOLUTION_18.action_by,
            "collaboration": RESOLUTION_18.collaboration,
            "report_to": RESOLUTION_18.report_to,
        }
