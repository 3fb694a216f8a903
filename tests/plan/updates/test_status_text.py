"""Notes become status: a dated line per standing note, taken back with the note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.plan.importing import import_bytes
from bot.plan.queries import find_item
from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import (
    IncomingMessage,
    edit_message,
    find_message,
    record_message,
    retract_message,
)
from bot.plan.updates.status_text import note_line
from bot.store.db import Database
from bot.store.models import StatusUpdate
from scripts.make_wtsa24_plan import with_status
from tests.support.common import FixedClock
from tests.support.snapshots import import_once

DOCUMENT_STATUS = (
    "SG17 has security contacts for coordinating activities on security with other study groups."
)
NOTE = "update 50-25: SG17 sent its report in TSAG-TD206"
LINE = "[2026-12-01, SG17 via Slack] SG17 sent its report in TSAG-TD206"
TS = "1700000000.000100"


@pytest.fixture
def late_clock() -> FixedClock:
    """23:30 UTC on 30 November: already 1 December in Geneva."""
    return FixedClock(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))


@pytest.fixture
def plan_db(db: Database, plan_text: str, late_clock: FixedClock) -> Database:
    import_once(db, plan_text.encode(), "plan.txt", late_clock)
    return db


def message(text: str, ts: str = TS) -> IncomingMessage:
    return IncomingMessage("T1", "C1", ts, "U1", "SG17", text)


def record(db: Database, clock: FixedClock, text: str, ts: str = TS) -> str:
    with db.unit_of_work() as session:
        outcome = record_message(
            session, message(text, ts), parse_message(text), editors=frozenset(), now=clock()
        )
        session.commit()
    return outcome.status


def status(db: Database, code: str = "50-25") -> tuple[str, str]:
    with db.unit_of_work() as session:
        (item,) = [i for i in find_item(session, code) if not i.obsolete]
        return item.status, item.doc_status


def take_back(db: Database, clock: FixedClock, reason: str, ts: str = TS) -> None:
    with db.unit_of_work() as session:
        recorded = find_message(session, "T1", "C1", ts)
        assert recorded is not None
        retract_message(session, recorded, reason=reason, actor="SG17", actor_id="U1", now=clock())
        session.commit()


def test_a_note_is_appended_as_a_dated_line(plan_db: Database, late_clock: FixedClock) -> None:
    assert status(plan_db) == (DOCUMENT_STATUS, DOCUMENT_STATUS)
    assert record(plan_db, late_clock, NOTE) == "recorded"
    assert status(plan_db) == (f"{DOCUMENT_STATUS}\n{LINE}", DOCUMENT_STATUS)


@pytest.mark.parametrize("reason", ["undo", "delete"])
def test_undo_and_delete_take_the_line_back(
    plan_db: Database, late_clock: FixedClock, reason: str
) -> None:
    record(plan_db, late_clock, NOTE)
    late_clock.now += timedelta(minutes=5)
    record(plan_db, late_clock, "50-25: TSB published the roadmap", ts="1700000000.000200")
    take_back(plan_db, late_clock, reason)
    later = "[2026-12-01, SG17 via Slack] TSB published the roadmap"
    assert status(plan_db) == (f"{DOCUMENT_STATUS}\n{later}", DOCUMENT_STATUS)
    take_back(plan_db, late_clock, reason, ts="1700000000.000200")
    assert status(plan_db) == (DOCUMENT_STATUS, DOCUMENT_STATUS)


def test_an_edit_rewords_the_line(plan_db: Database, late_clock: FixedClock) -> None:
    record(plan_db, late_clock, NOTE)
    edited = "update 50-25: SG17 sent its final report in TSAG-TD207"
    with plan_db.unit_of_work() as session:
        outcome = edit_message(
            session, message(edited), parse_message(edited), editors=frozenset(), now=late_clock()
        )
        session.commit()
    assert outcome.status == "corrected"
    new_line = "[2026-12-01, SG17 via Slack] SG17 sent its final report in TSAG-TD207"
    assert status(plan_db)[0] == f"{DOCUMENT_STATUS}\n{new_line}"
    # An edit that moves the note to another item takes the line along.
    moved = "update 50-26: SG17 sent its final report in TSAG-TD207"
    with plan_db.unit_of_work() as session:
        edit_message(
            session, message(moved), parse_message(moved), editors=frozenset(), now=late_clock()
        )
        session.commit()
    assert status(plan_db)[0] == DOCUMENT_STATUS
    assert status(plan_db, "50-26")[0].endswith(f"\n{new_line}")


def test_reimporting_the_same_document_keeps_the_lines_once(
    plan_db: Database, plan_text: str, late_clock: FixedClock
) -> None:
    record(plan_db, late_clock, NOTE)
    for _ in range(2):
        summary = import_bytes(plan_db, plan_text.encode(), "plan.txt", late_clock)
        assert summary.updated == []
        assert status(plan_db) == (f"{DOCUMENT_STATUS}\n{LINE}", DOCUMENT_STATUS)


def test_a_document_that_took_the_line_in_settles_the_note(
    plan_db: Database, plan_text: str, late_clock: FixedClock
) -> None:
    record(plan_db, late_clock, NOTE)
    written = f"{DOCUMENT_STATUS}\n{LINE}"
    next_plan = with_status(plan_text, "50-25", written).encode()
    summary = import_bytes(plan_db, next_plan, "next.txt", late_clock)
    # The document says what the bot holds: nothing an item shows changes, and the
    # item's history gets no entry; only what the last document said catches up.
    assert (summary.updated, summary.changes) == ([], [])
    assert status(plan_db) == (written, written)
    # Taking the note back now changes nothing: the document words the status.
    take_back(plan_db, late_clock, "undo")
    assert status(plan_db) == (written, written)
    # A note after that import is added to the document's text.
    late_clock.now += timedelta(days=1)
    record(plan_db, late_clock, "50-25: SG17 met on 1 December", ts="1700000000.000300")
    assert status(plan_db)[0] == (f"{written}\n[2026-12-02, SG17 via Slack] SG17 met on 1 December")


def test_a_document_that_rewords_the_status_settles_notes_before_it(
    plan_db: Database, plan_text: str, late_clock: FixedClock
) -> None:
    record(plan_db, late_clock, NOTE)
    next_plan = with_status(plan_text, "50-25", "Reworded by the secretariat.").encode()
    import_bytes(plan_db, next_plan, "next.txt", late_clock)
    assert status(plan_db) == ("Reworded by the secretariat.", "Reworded by the secretariat.")


def test_the_line_names_documents_its_words_do_not_show() -> None:
    note = StatusUpdate(
        kind="note",
        text="  report   sent ",
        author="Bob  Smith",
        source="slack",
        documents=["TSAG-TD29", "C91"],
        created_at=datetime(2026, 6, 30, 22, 30, tzinfo=UTC),
    )
    assert note_line(note) == "[2026-07-01, Bob Smith via Slack] report sent (TSAG-TD29, C91)"
    note.text = "see TSAG TD 29 and C 91"
    assert note_line(note) == "[2026-07-01, Bob Smith via Slack] see TSAG TD 29 and C 91"
