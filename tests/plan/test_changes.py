"""What changed between two moments, net per item, read from the history (both backends).

The state at each end of the window is read back from the ``previous`` state the
entries after it kept, so a flag changed and changed back is no change of state,
an import's entry (which keeps only the fields it changed) moves only those, and an
update taken back says nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.plan.changes import ItemChange, changes_between
from bot.store.db import Database
from bot.store.models import ActionItem, StatusUpdate
from bot.store.vocabulary import UpdateKind, UpdateSource
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

START = datetime(2026, 3, 23, tzinfo=UTC)
OPEN = {"completed": False, "periodic_goals_met": False}
DONE = {"completed": True, "periodic_goals_met": False}


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def record(db: Database, rows: list[tuple[str, UpdateKind, float, dict[str, bool], str]]) -> None:
    """``(code, kind, hours after START, previous, text)``; the items end as the last says."""
    with db.unit_of_work() as session:
        items = {
            item.code: item
            for item in session.scalars(select(ActionItem).where(ActionItem.appendix == ""))
        }
        for code, kind, hours, previous, text in rows:
            session.add(
                StatusUpdate(
                    item=items[code],
                    kind=kind,
                    text=text,
                    source=UpdateSource.IMPORT if kind == UpdateKind.DOCUMENT else UpdateSource.CLI,
                    previous=previous,
                    created_at=at(hours),
                    retracted_at=at(hours + 1) if text == "taken back" else None,
                )
            )
        items["50-23"].completed = False  # completed, then reopened after the window
        items["50-05"].completed = False  # completed, then reopened in the window
        items["50-06"].completed = True  # completed by the document, in the window
        session.commit()


def test_net_changes_per_item(db: Database) -> None:
    ensure_plan_once(db, FixedClock(START))
    record(
        db,
        [
            ("50-06", UpdateKind.NOTE, -5, OPEN, "before the window"),
            ("50-05", UpdateKind.COMPLETED, 1, OPEN, ""),
            ("50-05", UpdateKind.REOPENED, 2, DONE, ""),
            ("50-23", UpdateKind.COMPLETED, 3, OPEN, ""),
            ("50-23", UpdateKind.NOTE, 4, DONE, "report in TD206"),
            ("50-23", UpdateKind.REOPENED, 30, DONE, ""),
            ("50-22", UpdateKind.NOTE, 5, OPEN, "taken back"),
            ("50-06", UpdateKind.DOCUMENT, 6, {"completed": False}, "TD300 marks it completed"),
            ("50-01", UpdateKind.NOTE, 6, OPEN, "TSB gave it priority"),
        ],
    )
    with db.unit_of_work() as session:
        found = changes_between(session, START, at(24))
        by_sg17 = changes_between(session, START, at(24), body="SG17")
        later = changes_between(session, at(24), at(48))
    resolution = "Resolution 50"
    assert found == [
        ItemChange("50-01", resolution, "open", "open", ["TSB gave it priority"], 1),
        ItemChange("50-05", resolution, "open", "open", [], 2),
        ItemChange("50-06", resolution, "open", "completed", ["TD300 marks it completed"], 1),
        ItemChange("50-23", resolution, "open", "completed", ["report in TD206"], 2),
    ]
    assert [change.code for change in by_sg17] == ["50-05", "50-06", "50-23"]
    assert later == [ItemChange("50-23", resolution, "completed", "open", [], 1)]


def test_net_changes_follow_recording_order_when_the_clock_went_back(db: Database) -> None:
    """``tsagbot say --at`` twice restarts the clock: the reopening is recorded after the
    completion but stored with an earlier time. Completed, then reopened: no change."""
    ensure_plan_once(db, FixedClock(START))
    record(
        db,
        [
            ("50-05", UpdateKind.COMPLETED, 5, OPEN, ""),
            ("50-05", UpdateKind.REOPENED, 2, DONE, ""),
        ],
    )
    with db.unit_of_work() as session:
        found = changes_between(session, START, at(24))
    assert found == [ItemChange("50-05", "Resolution 50", "open", "open", [], 2)]
