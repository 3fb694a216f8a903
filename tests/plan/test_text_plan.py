"""The text export of the WTSA-20 action plan, read into items."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.documents.blocks import DocumentError, Paragraph, Table
from bot.documents.text_export import read_text_export
from bot.plan.interpret import ParsedPlan, interpret
from scripts.make_golden import record

GOLDEN = Path(__file__).parents[1] / "data" / "wtsa20-items.json"


@pytest.fixture(scope="module")
def plan(plan_text: str) -> ParsedPlan:
    return interpret(read_text_export(plan_text))


def by_id(plan: ParsedPlan, item_id: str, appendix: str = ""):
    return next(i for i in plan.items if i.id == item_id and i.appendix == appendix)


def test_every_item_matches_the_reviewed_record(plan: ParsedPlan) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = [record(item) for item in plan.items]
    assert len(got) == len(expected) == 473
    for want, have in zip(expected, got, strict=True):
        assert have == want, want["id"]


def test_the_397_active_ids_are_those_of_section_ii(plan: ParsedPlan, plan_text: str) -> None:
    lines = plan_text.split("\n")
    start = next(n for n, line in enumerate(lines) if "Section II - Progress" in line)
    end = next(n for n, line in enumerate(lines) if line.endswith("from WTSA-16 Action Plan"))
    pattern = re.compile(r"^ ?\t(?:\[bookmark: [^\]]*\])*(\d{2,3}-\d{2})$")
    raw = [m.group(1) for line in lines[start:end] if (m := pattern.match(line))]
    assert len(raw) == 397
    assert [item.id for item in plan.active] == raw


def test_flags_and_milestones(plan: ParsedPlan) -> None:
    first = by_id(plan, "01-01")
    assert first.action == "TSB to prepare agreement with host country for WTSA-24 (resolves)"
    assert first.milestone == "One year before WTSA-24"
    assert (first.periodic_goals_met, first.completed) == (True, False)
    assert first.status == "PP-22 decided that WTSA-24 will be hosted by India."
    done = by_id(plan, "01-11")
    assert (done.periodic_goals_met, done.completed, done.status) == (
        True,
        True,
        "Done with TSB Circular 1.",
    )
    assert by_id(plan, "70-16").milestone == "Ongoing\nCouncil 2023"
    assert sum(item.completed for item in plan.active) == 11
    assert sum(item.periodic_goals_met for item in plan.active) == 278


def test_status_rows_never_become_items_or_overwrite_them(plan: ParsedPlan) -> None:
    assert len({item.id for item in plan.active}) == 397
    status = by_id(plan, "01-04").status
    assert status.startswith("· SG2 (eight LSG roles):\nSG2 sent its LSG reports")
    assert status.endswith("SG20 sent its LSG reports to TSAG (ref. TSAG-TDs 39, 207).")


def test_last_row_of_a_table_without_its_trailing_cells(plan: ParsedPlan) -> None:
    last = by_id(plan, "20-05")
    assert last.milestone == "Ongoing"
    assert (last.periodic_goals_met, last.completed, last.status) == (False, False, "")
    assert last.resolution == "20"


def test_alias_on_a_second_line(plan: ParsedPlan) -> None:
    assert by_id(plan, "54-04").aliases == ["44-14"]
    assert by_id(plan, "54-06").aliases == ["44-24"]
    assert by_id(plan, "54-03", "Appendix I (WTSA-16)").aliases == ["44-25"]


def test_rows_without_id_are_anomalies_with_their_place(plan: ParsedPlan) -> None:
    places = [anomaly.place for anomaly in plan.anomalies]
    assert len(places) == 10
    assert "Resolution 70, after 70-14" in places
    orphan = next(a for a in plan.anomalies if a.place == "Resolution 89, after 89-07")
    assert orphan.message.startswith("a row with an action but no action item id: ITU-T SGs")
    # The id-less row's status did not overwrite the status of 89-07 above it.
    assert by_id(plan, "89-07").status.startswith("· SG12 workshop on QoS and QoE")
    assert "SG12 in Question 20/12" in orphan.message


def test_appendix_items_are_obsolete_and_leave_active_namesakes_alone(plan: ParsedPlan) -> None:
    assert len(plan.obsolete) == 76
    old = by_id(plan, "22-01", "Appendix II (WTSA-12)")
    assert old.action.startswith("TSAG to consider results of WTSA concerning GSS")
    active = by_id(plan, "22-01")
    assert active.action != old.action
    assert not active.appendix
    assert by_id(plan, "Op-01", "Appendix II (WTSA-12)").resolution == "Opinion 1"
    assert by_id(plan, "11-02", "Appendix I (WTSA-16)").obsolete


def test_resolution_titles_come_from_section_ii(plan: ParsedPlan) -> None:
    titles = {r.key: r.title for r in plan.resolutions}
    assert len(titles) == 58
    assert titles["50"] == "Cybersecurity"
    assert titles["Opinion 1"] == "Practical application of network externality premium"
    assert "Section" not in " ".join(titles)


SMALL = (
    "Section II - Progress reports\n"
    "Resolution 5 - Testing\n"
    "resolves\n"
    "\tto do a numbered thing whose number was lost\n"
    "\t[bookmark: x]Action Item\n\tAction\n\tMilestone\n\tPeriodic goals met\n\tCompleted\n\n"
    "\t05\u201101\n\tFirst action\n\tOngoing\n\t\u2713\n\t\n\n"
    "\t\n\tStatus of the first\n\n"
    " \tAction\n\tMilestone\n\tPeriodic goals met\n\tCompleted\n\n"
    "\t05\u201302\n(04-09)\n\tSecond action\n\tEach TSAG meeting\n2024\n\t\n\tx\n\n"
    " \tAn action without id\n\tOngoing\n\t\n\t\n\n"
    "\t\n\tIts status\n\n"
    "\t05-03\n\tThird action\n\tWTSA-24\n"
    " [bookmark: R6]Resolution 6 - Next\n"
)


def test_small_export_with_every_oddity() -> None:
    plan = interpret(read_text_export(SMALL))
    assert [item.id for item in plan.items] == ["05-01", "05-02", "05-03"]
    first, second, third = plan.items
    assert (first.periodic_goals_met, first.status) == (True, "Status of the first")
    assert second.aliases == ["04-09"]
    assert second.completed
    assert not second.periodic_goals_met
    assert second.milestone == "Each TSAG meeting\n2024"
    assert second.status == ""
    assert third.milestone == "WTSA-24"
    assert third.status == ""
    assert [a.place for a in plan.anomalies] == ["Resolution 5, after 05-02"]
    assert "Its status" in plan.anomalies[0].message


def test_reader_keeps_paragraphs_and_tables_apart() -> None:
    blocks = read_text_export(SMALL)
    assert isinstance(blocks[0], Paragraph)
    assert isinstance(blocks[-1], Paragraph)
    tables = [b for b in blocks if isinstance(b, Table)]
    header_rows = [row for t in tables for row in t.rows if "Milestone" in row]
    assert len(header_rows) == 2


@pytest.mark.parametrize(
    "text",
    ["", "just a letter\n\nwith two paragraphs\n", "\tA\n\tB\n\n", "Section II - X\n\tnope\n"],
)
def test_text_without_action_plan_tables_is_refused(text: str) -> None:
    with pytest.raises(DocumentError, match="no action-plan tables"):
        interpret(read_text_export(text))
