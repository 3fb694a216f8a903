"""The outbox: each post made once, failed posts kept and retried, stale ones dropped."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.posting.outbox import (
    LEASE,
    Outgoing,
    Post,
    deliver,
    enqueue,
    queued,
    revise_waiting,
    sent_ts,
    withdraw_waiting,
)
from bot.store.db import Database
from bot.store.models import OutboxPost
from bot.store.vocabulary import PostMethod, PostStatus

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

    def __call__(self, outgoing: Outgoing) -> str:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise RuntimeError("ratelimited")
            self.posts.append((outgoing.channel, outgoing.text))
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

    def dies(_outgoing: Outgoing) -> str:
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


# -- any Web API method, and the replies to one event ----------------------------------------


class Recorder:
    """Keeps what the post function is given; a message gets a ts, the rest ``""``."""

    def __init__(self) -> None:
        self.given: list[Outgoing] = []

    def __call__(self, outgoing: Outgoing) -> str:
        self.given.append(outgoing)
        if outgoing.method != PostMethod.MESSAGE:
            return ""
        return f"1700000000.{len(self.given):06d}"


def test_the_post_function_gets_the_method_and_its_params(db: Database) -> None:
    reaction = Post(
        key="Ev1:react",
        kind="reaction",
        channel="C1",
        text="",
        blocks=[],
        due_at=NOW,
        method=PostMethod.REACTION,
        params={"ts": "1.0", "name": "white_check_mark"},
    )
    hint = Post(
        key="Ev1:unknown",
        kind="hint",
        channel="C1",
        text="50-99 is not in the action plan",
        blocks=[],
        due_at=NOW,
        method=PostMethod.EPHEMERAL,
        params={"user": "U1", "thread_ts": "0.5"},
    )
    put(db, post("a"), reaction, hint, now=NOW - timedelta(minutes=1))
    slack = Recorder()
    assert deliver(db, slack, NOW).sent == ["a", "Ev1:react", "Ev1:unknown"]
    assert [(o.key, o.method, o.params, o.attempts) for o in slack.given] == [
        ("a", PostMethod.MESSAGE, {}, 1),
        ("Ev1:react", PostMethod.REACTION, {"ts": "1.0", "name": "white_check_mark"}, 1),
        ("Ev1:unknown", PostMethod.EPHEMERAL, {"user": "U1", "thread_ts": "0.5"}, 1),
    ]
    assert {o.created_at for o in slack.given} == {NOW - timedelta(minutes=1)}
    assert row(db, "Ev1:react").method == PostMethod.REACTION
    assert row(db, "a").message_ts == "1700000000.000001"
    assert row(db, "Ev1:unknown").message_ts is None  # "": nothing to keep


def test_a_retried_post_tells_the_post_function_it_is_not_the_first_attempt(
    db: Database,
) -> None:
    put(db, post("a"))
    deliver(db, Slack(failures=1), NOW)
    slack = Recorder()
    deliver(db, slack, NOW + timedelta(minutes=1))
    assert [o.attempts for o in slack.given] == [2]


def test_deliver_with_keys_posts_only_those(db: Database) -> None:
    put(db, post("reminder"), post("Ev1:react"), post("reply:1"))
    slack = Slack()
    delivery = deliver(db, slack, NOW, keys=["reply:1", "Ev1:react", "not-queued"])
    assert sorted(delivery.sent) == ["Ev1:react", "reply:1"]
    assert row(db, "reminder").status == PostStatus.PENDING
    assert deliver(db, slack, NOW, keys=[]).sent == []
    assert deliver(db, slack, NOW).sent == ["reminder"]


def test_queued_and_sent_ts_say_what_became_of_a_key(db: Database) -> None:
    with db.unit_of_work() as session:
        assert (queued(session, "a"), sent_ts(session, "a")) == (False, None)
    put(db, post("a"))
    with db.unit_of_work() as session:
        assert (queued(session, "a"), sent_ts(session, "a")) == (True, None)
    deliver(db, Slack(failures=1), NOW)
    with db.unit_of_work() as session:
        assert (queued(session, "a"), sent_ts(session, "a")) == (True, None)  # failed
    deliver(db, Slack(), NOW + timedelta(minutes=1))
    with db.unit_of_work() as session:
        assert (queued(session, "a"), sent_ts(session, "a")) == (True, "1700000000.000001")


def revise(db: Database, key: str, text: str) -> bool:
    with db.unit_of_work() as session:
        revised = revise_waiting(session, key, text, [{"type": "divider"}])
        session.commit()
    return revised


def withdraw(db: Database, key: str) -> bool:
    with db.unit_of_work() as session:
        withdrawn = withdraw_waiting(session, key)
        session.commit()
    return withdrawn


def test_a_waiting_post_gets_new_words_and_a_claimed_or_sent_one_does_not(
    db: Database,
) -> None:
    put(db, post("pending"), post("failed"), post("sending"), post("sent"))
    deliver(db, Slack(), NOW, keys=["sent"])
    deliver(db, Slack(failures=1), NOW, keys=["failed"])
    with pytest.raises(KeyboardInterrupt):
        deliver(db, dies, NOW, keys=["sending"])
    assert [revise(db, key, "new words") for key in ("pending", "failed")] == [True, True]
    assert [revise(db, key, "new words") for key in ("sending", "sent", "none")] == [
        False,
        False,
        False,
    ]
    slack = Slack()
    deliver(db, slack, NOW + timedelta(minutes=1))
    assert slack.posts == [("C0CHAN", "new words"), ("C0CHAN", "new words")]
    assert row(db, "pending").blocks == [{"type": "divider"}]
    assert row(db, "sent").text == "text of sent"


def test_a_withdrawn_post_is_never_posted(db: Database) -> None:
    put(db, post("pending"), post("failed"), post("sending"), post("sent"))
    deliver(db, Slack(), NOW, keys=["sent"])
    deliver(db, Slack(failures=1), NOW, keys=["failed"])
    with pytest.raises(KeyboardInterrupt):
        deliver(db, dies, NOW, keys=["sending"])
    assert [withdraw(db, key) for key in ("pending", "failed")] == [True, True]
    assert [withdraw(db, key) for key in ("sending", "sent", "none")] == [False, False, False]
    withdrawn = row(db, "pending")
    assert (withdrawn.status, withdrawn.last_error) == (
        PostStatus.EXPIRED,
        "withdrawn before it was posted",
    )
    slack = Slack()
    assert deliver(db, slack, NOW + LEASE).sent == ["sending"]  # its lease ended
    assert slack.posts == [("C0CHAN", "text of sending")]
    with db.unit_of_work() as session:
        assert queued(session, "pending")  # a withdrawn key is not queued again
    assert put(db, post("pending")) == []


def dies(_outgoing: Outgoing) -> str:
    raise KeyboardInterrupt  # the process stops mid-post: the post stays claimed
