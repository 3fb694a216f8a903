"""Recording, undoing, editing and deleting updates, on real databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.plan.queries import all_items, find_item, update_as_json
from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import (
    EFFECTS,
    Change,
    IncomingMessage,
    edit_message,
    find_message,
    record_message,
    retract_message,
)
from bot.store.db import Database
from bot.store.vocabulary import UpdateKind
from tests.support.common import FixedClock
from tests.support.snapshots import import_once


@pytest.fixture
def plan_db(db: Database, plan_text: str, clock: FixedClock) -> Database:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    return db


def incoming(text: str, ts: str = "1700000000.000100", user: str = "U1") -> IncomingMessage:
    return IncomingMessage(
        team_id="T1",
        channel="C1",
        ts=ts,
        user_id=user,
        author="Alice",
        text=text,
        permalink=f"https://example.slack.com/archives/C1/p{ts.replace('.', '')}",
    )


def record(db: Database, clock: FixedClock, text: str, **kwargs: str) -> str:
    message = incoming(text, **kwargs)
    with db.unit_of_work() as session:
        outcome = record_message(
            session, message, parse_message(text), editors=frozenset(), now=clock()
        )
        session.commit()
    return outcome.status


def state(db: Database, code: str) -> tuple[bool, bool, int]:
    with db.unit_of_work() as session:
        (item,) = [i for i in find_item(session, code) if not i.obsolete]
        active = [u for u in item.updates if u.retracted_at is None and u.kind in EFFECTS]
        return item.completed, item.periodic_goals_met, len(active)


def test_done_message_marks_completed_with_its_details(
    plan_db: Database, clock: FixedClock
) -> None:
    assert state(plan_db, "50-18") == (False, True, 0)
    assert record(plan_db, clock, "50-18 done, see TD206") == "recorded"
    assert state(plan_db, "50-18") == (True, True, 1)
    with plan_db.unit_of_work() as session:
        (item,) = find_item(session, "50-18")
        (update,) = item.updates
        assert (update.kind, update.author, update.author_id) == ("completed", "Alice", "U1")
        assert update.documents == ["TD206"]
        assert update.link
        assert "p1700000000000100" in update.link
        assert update.previous == {"completed": False, "periodic_goals_met": True}
        assert update.created_at == clock()


def test_one_message_counts_once(plan_db: Database, clock: FixedClock) -> None:
    assert record(plan_db, clock, "50-18 and 50-20 done") == "recorded"
    assert record(plan_db, clock, "50-18 and 50-20 done") == "duplicate"
    assert state(plan_db, "50-18")[2] == 1
    assert state(plan_db, "50-20")[2] == 1


def test_chatter_records_nothing(plan_db: Database, clock: FixedClock) -> None:
    for text in ("50-18 is not done yet", "is 50-18 done?", "see 50-18 for context", "hello"):
        assert record(plan_db, clock, text, ts="1700000001.000100") == "nothing"
    assert state(plan_db, "50-18") == (False, True, 0)


def test_unknown_ids_and_editors(plan_db: Database, clock: FixedClock) -> None:
    assert record(plan_db, clock, "50-99 done") == "unknown"
    with plan_db.unit_of_work() as session:
        outcome = record_message(
            session,
            incoming("50-18 done", ts="1700000002.000100", user="U2"),
            parse_message("50-18 done"),
            editors=frozenset({"U1"}),
            now=clock(),
        )
        session.commit()
    assert outcome.status == "denied"
    assert state(plan_db, "50-18") == (False, True, 0)


def test_undo_restores_and_keeps_the_history(plan_db: Database, clock: FixedClock) -> None:
    record(plan_db, clock, "50-18 done")
    clock.now += timedelta(minutes=5)
    with plan_db.unit_of_work() as session:
        message = find_message(session, "T1", "C1", "1700000000.000100")
        assert message is not None
        (change,) = retract_message(
            session, message, reason="undo", actor="Alice", actor_id="U1", now=clock()
        )
        session.commit()
    assert change.describe() == "50-18 back to periodic goals met (was: completed)"
    assert state(plan_db, "50-18") == (False, True, 0)
    with plan_db.unit_of_work() as session:
        (item,) = find_item(session, "50-18")
        assert [(u.kind, u.retracted_by) for u in item.updates] == [
            ("completed", "undo"),
            ("undo", ""),
        ]


def test_delete_keeps_a_later_update(plan_db: Database, clock: FixedClock) -> None:
    record(plan_db, clock, "50-18 done", ts="1700000000.000100")
    clock.now += timedelta(minutes=1)
    record(plan_db, clock, "reopen 50-18", ts="1700000000.000200")
    clock.now += timedelta(minutes=1)
    with plan_db.unit_of_work() as session:
        first = find_message(session, "T1", "C1", "1700000000.000100")
        assert first is not None
        retract_message(session, first, reason="delete", actor="", actor_id="", now=clock())
        session.commit()
    assert state(plan_db, "50-18") == (False, True, 1)


def test_edit_corrects_without_doubling(plan_db: Database, clock: FixedClock) -> None:
    record(plan_db, clock, "50-18 done, see TD206")
    for text, expected in (
        ("50-18 done, see TD207", (True, True, 1)),
        ("50-20 done", (False, True, 0)),
    ):
        clock.now += timedelta(minutes=1)
        with plan_db.unit_of_work() as session:
            edit_message(
                session, incoming(text), parse_message(text), editors=frozenset(), now=clock()
            )
            session.commit()
        assert state(plan_db, "50-18") == expected
    assert state(plan_db, "50-20")[0] is True
    with plan_db.unit_of_work() as session:
        (item,) = find_item(session, "50-18")
        assert item.updates[0].documents == ["TD207"]


def test_deleting_both_completions_reopens_the_item(plan_db: Database, clock: FixedClock) -> None:
    record(plan_db, clock, "50-18 done", ts="1700000000.000100")
    record(plan_db, clock, "50-18 done again", ts="1700000000.000200")
    for ts in ("1700000000.000100", "1700000000.000200"):
        clock.now += timedelta(minutes=1)
        with plan_db.unit_of_work() as session:
            message = find_message(session, "T1", "C1", ts)
            assert message is not None
            retract_message(session, message, reason="delete", actor="", actor_id="", now=clock())
            session.commit()
    assert state(plan_db, "50-18") == (False, True, 0)


def stored_text(db: Database, ts: str) -> tuple[str, int, list[str]]:
    """A message's text, the characters its updates store, and what each update says."""
    with db.unit_of_work() as session:
        message = find_message(session, "T1", "C1", ts)
        assert message is not None
        updates = message.updates
        return message.text, sum(len(u.text) for u in updates), [u.words for u in updates]


def test_a_long_message_about_many_items_stores_its_text_once(
    plan_db: Database, clock: FixedClock
) -> None:
    # 40 items, not the plan's 397: recording each item costs a few queries, and one
    # copy per item would show as well here (1.6 million characters instead of none).
    with plan_db.unit_of_work() as session:
        codes = [item.code for item in all_items(session, include_obsolete=False)][:40]
    filler = "The rapporteur group reported steady progress on its work programme. "
    text = ", ".join(codes) + " done. "
    text = (text + filler * (40_000 // len(filler)))[:40_000]
    assert record(plan_db, clock, text) == "recorded"
    kept, stored, said = stored_text(plan_db, "1700000000.000100")
    assert (len(kept), len(said)) == (40_000, 40)
    assert stored == 0
    assert set(said) == {text}


def test_an_edit_keeps_the_words_of_the_updates_it_takes_back(
    plan_db: Database, clock: FixedClock
) -> None:
    record(plan_db, clock, "50-18 done, see <https://x.org/td206|TD206> &amp; more")
    assert stored_text(plan_db, "1700000000.000100") == (
        "50-18 done, see TD206 (https://x.org/td206) & more",  # as people read it
        0,
        ["50-18 done, see TD206 (https://x.org/td206) & more"],
    )
    for text in ("50-18 done, see TD207", "50-20 done"):
        with plan_db.unit_of_work() as session:
            edit_message(
                session, incoming(text), parse_message(text), editors=frozenset(), now=clock()
            )
            session.commit()
        clock.now += timedelta(minutes=1)
    assert stored_text(plan_db, "1700000000.000100")[0] == "50-20 done"
    with plan_db.unit_of_work() as session:
        (first,) = find_item(session, "50-18")
        (second,) = find_item(session, "50-20")
        updates = [*first.updates, *second.updates]
        assert [(u.kind, u.retracted_by, u.text) for u in updates] == [
            ("completed", "edit", "50-18 done, see TD207"),  # the words it was made with
            ("edit", "", "edit: completed of 20 Nov 2026 09:00 UTC taken back"),
            ("completed", "", ""),  # the message's words now
        ]
        assert [update_as_json(u)["text"] for u in updates] == [
            "50-18 done, see TD207",
            updates[1].text,
            "50-20 done",
        ]


PERIODIC = {"completed": False, "periodic_goals_met": True}
DONE = {"completed": True, "periodic_goals_met": True}


@pytest.mark.parametrize(
    ("kind", "before", "after", "said"),
    [
        (
            UpdateKind.PERIODIC,
            PERIODIC,
            PERIODIC,
            "50-01: recorded, no change (periodic goals met, not completed)",
        ),
        (UpdateKind.COMPLETED, DONE, DONE, "50-01: recorded, no change (completed)"),
        (UpdateKind.UNDO, DONE, DONE, "50-01: update taken back, no change (completed)"),
        (UpdateKind.PERIODIC, {}, PERIODIC, "50-01 marked periodic goals met (was: open)"),
    ],
)
def test_a_change_reads_as_a_sentence(
    kind: UpdateKind, before: dict[str, bool], after: dict[str, bool], said: str
) -> None:
    assert Change(1, "50-01", kind, before, after).describe() == said
