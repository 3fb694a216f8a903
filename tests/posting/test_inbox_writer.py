"""The inbox's group commit: every request's event is committed before its admit returns,
whichever batch it went in, and stored once however often it comes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.posting.inbox_writer import InboxWriter, NotStored
from bot.store.db import Database
from bot.store.models import InboxEvent

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def stored(db: Database, key: str) -> int:
    with db.unit_of_work(write=False) as session:
        return int(session.scalar(select(func.count()).where(InboxEvent.key == key)) or 0)


def test_events_of_concurrent_requests_are_committed_before_each_is_answered(
    database_url: str,
) -> None:
    db, other = Database(database_url), Database(database_url)
    writer = InboxWriter(db)
    keys = [f"T1:Ev{n % 30}" for n in range(40)]  # ten of them delivered twice
    answers: list[tuple[str, bool, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(keys))

    def request(key: str) -> None:
        start.wait(timeout=10)
        new = writer.admit(key, "message", f'{{"key": "{key}"}}', NOW)
        seen = stored(other, key)  # another connection sees it committed at once
        with lock:
            answers.append((key, new, seen))

    threads = [threading.Thread(target=request, args=(key,)) for key in keys]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(answers) == len(keys)
        assert all(seen == 1 for _key, _new, seen in answers)
        new_keys = sorted(key for key, new, _seen in answers if new)
        assert new_keys == sorted(set(keys))  # each key new exactly once
    finally:
        db.dispose()
        other.dispose()


def test_an_event_the_database_cannot_take_is_not_stored() -> None:
    writer = InboxWriter(Database("postgresql://tsagbot@127.0.0.1:9/gone"))
    with pytest.raises(NotStored):
        writer.admit("T1:Ev1", "message", "{}", NOW)


def test_a_writer_thread_that_cannot_start_fails_that_request_alone(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(database_url)
    writer = InboxWriter(db)
    start = threading.Thread.start

    def no_thread(_thread: threading.Thread) -> None:
        monkeypatch.setattr(threading.Thread, "start", start)  # once
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    try:
        with pytest.raises(NotStored, match="no writer thread"):
            writer.admit("T1:Ev1", "message", "{}", NOW)
        assert writer.admit("T1:Ev2", "message", "{}", NOW)  # the next one is stored
        assert (stored(db, "T1:Ev1"), stored(db, "T1:Ev2")) == (0, 1)
    finally:
        db.dispose()
