"""The outbox: each post made once, failed posts kept and retried, stale ones dropped."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.posting.outbox import LEASE, Post, deliver, enqueue
from bot.store.db import Database
from bot.store.models import OutboxPost

NOW = datetime(2025, 2, 11, 11, 30, tzinfo=UTC)


def post(key: str, *, channel: str = "C0CHAN", useful: datetime | None = None) -> Post:
    return Post(
        key=key,
        kind="reminder-start",
        channel=channel,
        text=f"text of {key}",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": key}}],
        due_at=NOW,
        useful_until=useful,
    )


class Slack:
    """Records posts; fails the first ``failures`` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.posts: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def __call__(self, channel: str, text: str, _blocks: list[dict[str, Any]]) -> str:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise RuntimeError("ratelimited")
            self.posts.append((channel, text))
            return f"1700000000.{len(self.posts):06d}"


def put(db: Database, *posts: Post, now: datetime = NOW, together: bool = False) -> list[str]:
    with db.unit_of_work() as session:
        added = enqueue(session, list(posts), now, together=together)
        session.commit()
    return added


def row(db: Database, key: str) -> OutboxPost:
    with db.unit_of_work() as session:
        found = session.scalars(select(OutboxPost).where(OutboxPost.key == key)).one()
        session.expunge(found)
    return found


def test_a_key_is_enqueued_once_and_posted_once(db: Database) -> None:
    assert put(db, post("a"), post("b")) == ["a", "b"]
    assert put(db, post("a"), post("c")) == ["c"]
    slack = Slack()
    assert deliver(db, slack, NOW).sent == ["a", "b", "c"]
    assert deliver(db, slack, NOW + timedelta(hours=1)).sent == []
    assert slack.posts == [
        ("C0CHAN", "text of a"),
        ("C0CHAN", "text of b"),
        ("C0CHAN", "text of c"),
    ]
    sent = row(db, "a")
    assert (sent.status, sent.message_ts, sent.sent_at, sent.attempts) == (
        "sent",
        "1700000000.000001",
        NOW,
        1,
    )


def test_a_failed_post_is_kept_and_retried_after_a_pause(db: Database) -> None:
    put(db, post("a"))
    slack = Slack(failures=2)
    assert deliver(db, slack, NOW).failed == ["a"]
    failed = row(db, "a")
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, "ratelimited")
    assert failed.next_attempt_at == NOW + timedelta(minutes=1)
    assert deliver(db, slack, NOW + timedelta(seconds=30)).failed == []  # still pausing
    assert deliver(db, slack, NOW + timedelta(minutes=1)).failed == ["a"]
    assert row(db, "a").next_attempt_at == NOW + timedelta(minutes=3)  # pause doubled
    assert deliver(db, slack, NOW + timedelta(minutes=3)).sent == ["a"]
    assert slack.posts == [("C0CHAN", "text of a")]


def test_a_post_no_longer_useful_is_dropped_not_posted(db: Database) -> None:
    put(db, post("a", useful=NOW + timedelta(minutes=30)))
    slack = Slack(failures=1)
    deliver(db, slack, NOW)
    delivery = deliver(db, slack, NOW + timedelta(minutes=31))
    assert delivery.expired == ["a"]
    assert row(db, "a").status == "expired"
    assert slack.posts == []


def test_a_post_claimed_by_a_process_that_died_is_retried_after_its_lease(db: Database) -> None:
    put(db, post("a"))

    def dies(_channel: str, _text: str, _blocks: list[dict[str, Any]]) -> str:
        raise KeyboardInterrupt  # not an Exception: the process stops mid-post

    with pytest.raises(KeyboardInterrupt):
        deliver(db, dies, NOW)
    assert row(db, "a").status == "sending"
    slack = Slack()
    assert deliver(db, slack, NOW + LEASE - timedelta(seconds=1)).sent == []
    assert deliver(db, slack, NOW + LEASE).sent == ["a"]


def test_without_a_channel_the_post_is_recorded_and_not_posted(db: Database) -> None:
    put(db, post("a", channel=""))
    slack = Slack()
    assert deliver(db, slack, NOW).sent == []
    assert row(db, "a").status == "no_channel"


def test_the_parts_of_a_digest_go_in_together_or_not_at_all(db: Database) -> None:
    assert put(db, post("digest:x"), post("digest:x/2"), together=True) == [
        "digest:x",
        "digest:x/2",
    ]
    # A second process composed three parts for the same slot: none of them goes in.
    assert put(db, post("digest:x"), post("digest:x/2"), post("digest:x/3"), together=True) == []


def test_two_processes_delivering_at_once_post_each_once(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        put(first, *(post(f"k{number}") for number in range(30)))
        slack = Slack()
        barrier = threading.Barrier(2)

        def run(db: Database) -> None:
            barrier.wait()
            deliver(db, slack, NOW)

        threads = [threading.Thread(target=run, args=(db,)) for db in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(text for _, text in slack.posts) == sorted(
            f"text of k{number}" for number in range(30)
        )
    finally:
        first.dispose()
        second.dispose()
