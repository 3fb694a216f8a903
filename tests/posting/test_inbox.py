"""The inbox: an event stored once under Slack's id, claimed by one worker for a lease,
tried again after a growing pause when its listeners fail, and forgotten once handled long
ago (and ``insert_new``, the insert-if-new it and the outbox rely on)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.posting import inbox
from bot.posting.inbox import (
    FIRST_PAUSE,
    GIVE_UP_AFTER,
    KEEP_DONE,
    LEASE,
    LONGEST_PAUSE,
    Claimed,
    backlog,
    claim_due,
    failed,
    finish,
    forget_done,
    release,
)
from bot.posting.inbox_writer import InboxWriter
from bot.store.db import Database
from bot.store.insert import BATCH, insert_new
from bot.store.models import InboxEvent
from bot.store.vocabulary import InboxStatus

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def store(db: Database, *keys: str, now: datetime = NOW) -> list[bool]:
    writer = InboxWriter(db)
    return [writer.admit(key, "message", f'{{"key": "{key}"}}', now) for key in keys]


def row(db: Database, key: str) -> InboxEvent:
    with db.unit_of_work() as session:
        found = session.scalars(select(InboxEvent).where(InboxEvent.key == key)).one()
        session.expunge(found)
    return found


def keys(claimed: list[Claimed]) -> list[str]:
    return [event.key for event in claimed]


def test_an_event_is_stored_once_under_its_key(db: Database) -> None:
    assert store(db, "T1:Ev1", "T1:Ev2") == [True, True]
    assert store(db, "T1:Ev1", now=NOW + timedelta(minutes=5)) == [False]
    first = row(db, "T1:Ev1")
    assert (first.kind, first.body, first.status, first.attempts) == (
        "message",
        '{"key": "T1:Ev1"}',
        InboxStatus.PENDING,
        0,
    )
    assert first.received_at == NOW  # the retry changed nothing
    with db.unit_of_work() as session:
        assert session.scalar(select(InboxEvent.id).where(InboxEvent.key == "T1:Ev1")) == first.id
        assert len(session.scalars(select(InboxEvent)).all()) == 2


def test_an_event_is_claimed_for_a_lease_oldest_first(db: Database) -> None:
    store(db, "a", "b", "c")
    claimed = claim_due(db, NOW, limit=2)
    assert keys(claimed) == ["a", "b"]
    assert [(event.attempts, event.body) for event in claimed] == [
        (1, '{"key": "a"}'),
        (1, '{"key": "b"}'),
    ]
    working = row(db, "a")
    assert (working.status, working.next_attempt_at) == (InboxStatus.WORKING, NOW + LEASE)
    assert keys(claim_due(db, NOW + timedelta(seconds=1))) == ["c"]  # a and b are held
    assert claim_due(db, NOW + LEASE - timedelta(seconds=1)) == []
    # the worker that held a and b stopped without a word: they are claimed again
    again = claim_due(db, NOW + LEASE)
    assert keys(again) == ["a", "b"]
    assert [event.attempts for event in again] == [2, 2]


def test_an_event_due_later_is_not_claimed_yet(db: Database) -> None:
    store(db, "later", now=NOW + timedelta(minutes=1))
    assert claim_due(db, NOW) == []
    assert keys(claim_due(db, NOW + timedelta(minutes=1))) == ["later"]


def test_a_finished_event_is_never_claimed_again(db: Database) -> None:
    store(db, "a")
    (event,) = claim_due(db, NOW)
    finish(db, event.id, NOW + timedelta(seconds=1))
    done = row(db, "a")
    assert (done.status, done.done_at, done.last_error) == (
        InboxStatus.DONE,
        NOW + timedelta(seconds=1),
        "",
    )
    assert claim_due(db, NOW + timedelta(days=1)) == []


def test_a_failed_event_waits_longer_each_time_then_is_abandoned(db: Database) -> None:
    store(db, "a")
    now = NOW
    pauses = []
    for attempt in range(1, GIVE_UP_AFTER + 1):
        (event,) = claim_due(db, now)
        assert event.attempts == attempt
        status = failed(db, event, now, f"KeyError: attempt {attempt}")
        waiting = row(db, "a")
        assert waiting.status == status
        assert waiting.last_error == f"KeyError: attempt {attempt}"
        pause = waiting.next_attempt_at - now
        pauses.append(pause)
        assert claim_due(db, now + pause - timedelta(seconds=1)) == []  # still pausing
        now += pause
        expected = InboxStatus.FAILED if attempt < GIVE_UP_AFTER else InboxStatus.ABANDONED
        assert status == expected
    assert pauses[:3] == [FIRST_PAUSE, 2 * FIRST_PAUSE, 4 * FIRST_PAUSE]
    assert max(pauses) == LONGEST_PAUSE
    assert pauses == sorted(pauses)
    assert claim_due(db, now + timedelta(days=1)) == []  # abandoned: never tried again


def test_a_long_error_is_cut_to_what_the_row_keeps(db: Database) -> None:
    store(db, "a")
    (event,) = claim_due(db, NOW)
    failed(db, event, NOW, "x" * 5000)
    assert row(db, "a").last_error == "x" * 500


def test_released_events_are_claimable_at_once(db: Database) -> None:
    store(db, "a", "b", "c")
    claimed = claim_due(db, NOW)
    finish(db, claimed[0].id, NOW)
    # a stopping worker hands back b and c, and also names a, which it had finished
    release(db, [event.id for event in claimed], NOW)
    assert row(db, "a").status == InboxStatus.DONE  # a finished event stays finished
    assert row(db, "b").status == InboxStatus.PENDING
    assert keys(claim_due(db, NOW)) == ["b", "c"]
    release(db, [], NOW)  # nothing to hand back is nothing to do


def test_the_backlog_counts_what_is_not_done_and_the_oldest(db: Database) -> None:
    with db.unit_of_work() as session:
        assert backlog(session) == inbox.Backlog(0, None)
    store(db, "old", now=NOW - timedelta(minutes=3))
    store(db, "working", "failing", "done")
    claimed = {event.key: event for event in claim_due(db, NOW)}
    release(db, [claimed["old"].id], NOW)
    failed(db, claimed["failing"], NOW, "boom")
    finish(db, claimed["done"].id, NOW)
    with db.unit_of_work() as session:
        assert backlog(session) == inbox.Backlog(3, NOW - timedelta(minutes=3))
    (event,) = claim_due(db, NOW)
    assert event.key == "old"
    finish(db, event.id, NOW)
    with db.unit_of_work() as session:
        assert backlog(session) == inbox.Backlog(2, NOW)


def test_handled_events_are_forgotten_after_two_days(db: Database) -> None:
    store(db, "done-early", "done-late", "waiting", "abandoned")
    claimed = {event.key: event for event in claim_due(db, NOW)}
    finish(db, claimed["done-early"].id, NOW)
    finish(db, claimed["done-late"].id, NOW + timedelta(hours=1))
    with db.unit_of_work() as session:
        session.execute(
            InboxEvent.__table__.update()
            .where(InboxEvent.key == "abandoned")
            .values(status=InboxStatus.ABANDONED)
        )
        session.commit()
    with db.unit_of_work() as session:
        assert forget_done(session, NOW + KEEP_DONE) == 0
        assert forget_done(session, NOW + KEEP_DONE + timedelta(seconds=1)) == 1
        session.commit()
    with db.unit_of_work() as session:
        left = session.scalars(select(InboxEvent.key).order_by(InboxEvent.key)).all()
    # a forgotten key may come again (Slack stopped retrying long before): it is new then
    assert left == ["abandoned", "done-late", "waiting"]
    assert store(db, "done-early") == [True]


def test_insert_new_inserts_only_free_keys_in_batches(db: Database) -> None:
    def rows(numbers: range) -> list[dict[str, object]]:
        return [
            {
                "key": f"k{n}",
                "kind": "message",
                "body": "{}",
                "status": InboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": NOW,
                "received_at": NOW,
                "last_error": "",
            }
            for n in numbers
        ]

    with db.unit_of_work() as session:
        assert insert_new(session, InboxEvent, []) == set()
        assert insert_new(session, InboxEvent, rows(range(10))) == {f"k{n}" for n in range(10)}
        session.commit()
    with db.unit_of_work() as session:
        added = insert_new(session, InboxEvent, rows(range(5, BATCH + 20)))
        session.commit()
    assert added == {f"k{n}" for n in range(10, BATCH + 20)}
    with db.unit_of_work() as session:
        assert len(session.scalars(select(InboxEvent.id)).all()) == BATCH + 20


def test_two_workers_claiming_at_once_get_each_event_once(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        store(first, *(f"e{n:02d}" for n in range(30)))
        barrier = threading.Barrier(2)
        got: list[list[Claimed]] = [[], []]

        def run(n: int, db: Database) -> None:
            barrier.wait(timeout=10)
            got[n] = claim_due(db, NOW, limit=30)

        threads = [
            threading.Thread(target=run, args=(n, db)) for n, db in enumerate((first, second))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        claimed = keys(got[0]) + keys(got[1])
        assert sorted(claimed) == [f"e{n:02d}" for n in range(30)]
    finally:
        first.dispose()
        second.dispose()
