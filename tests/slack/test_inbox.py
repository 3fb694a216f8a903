"""Events stored before Slack hears they were received, then handled by the inbox worker.

Slack's requests go through the WSGI application ``tsagbot serve`` runs (signed, as
Slack signs them), whose app only stores events; an :class:`InboxWorker` on a second
app (``process_before_response=True``) is run by hand (:meth:`InboxWorker.drain`) on a
:class:`FixedClock`, so pauses pass without waiting. The Web API is a LocalWebApi.
"""

from __future__ import annotations

import io
import json
import shutil
import threading
import wsgiref.util
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.posting import inbox
from bot.posting.inbox import FIRST_PAUSE, GIVE_UP_AFTER, KEEP_DONE
from bot.posting.outbox import Post, enqueue
from bot.settings import Settings
from bot.slack import metrics
from bot.slack.app import create_app
from bot.slack.inbox import InboxWorker, event_key
from bot.slack.local_api import LocalWebApi
from bot.slack.poster import posting_client, slack_poster
from bot.slack.requests import event_body, message_event, sign
from bot.slack.server import WSGIApp, make_wsgi_app
from bot.slack.services import Services
from bot.store import changes
from bot.store.db import Database
from bot.store.models import InboxEvent, OutboxPost, PlanChange, SlackMessage
from bot.store.vocabulary import InboxStatus, PostStatus
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

SECRET = "5f4dcc3b5aa765d61d8327deb882cf99"


@dataclass
class Bot:
    """The acknowledging side (``front``) and the worker of one tsagbot, on one database."""

    services: Services
    clock: FixedClock
    slack: LocalWebApi
    front: WSGIApp
    handler: App
    worker: InboxWorker

    def request(
        self, method: str, path: str, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes]:
        """One request through the WSGI application, as waitress would pass it."""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
        wsgiref.util.setup_testing_defaults(environ)
        status: list[int] = []

        def start_response(line: str, _headers: Any, _exc: Any = None) -> None:
            status.append(int(line[:3]))

        data = b"".join(self.front(environ, start_response))
        return status[0], data

    def send(self, body: bytes, *, retry: bool = False) -> tuple[int, bytes]:
        """POST ``body`` signed as Slack signs it (as its retry, with ``retry``)."""
        headers = sign(SECRET, body)
        if retry:
            headers.update({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
        return self.request("POST", "/slack/events", body, headers)

    def events(self) -> list[InboxEvent]:
        with self.services.db.unit_of_work() as session:
            rows = list(session.scalars(select(InboxEvent).order_by(InboxEvent.id)))
            session.expunge_all()
        return rows

    def later(self, delta: timedelta) -> None:
        self.clock.now += delta


def build(db: Database, clock: FixedClock, slack: LocalWebApi) -> Bot:
    settings = Settings(
        db.url, slack_signing_secret=SECRET, slack_bot_token="xoxb-test", slack_api_url=slack.url
    )
    services = Services(settings=settings, db=db, clock=clock)
    client = WebClient(token="xoxb-test", base_url=slack.url)
    front = create_app(settings, client, services=services, token_verification=False)
    handler = create_app(
        settings, client, services=services, token_verification=False, process_before_response=True
    )
    worker = InboxWorker(handler, services, slack_poster(posting_client(settings)))
    return Bot(services, clock, slack, make_wsgi_app(front, services), handler, worker)


@pytest.fixture
def each_bot(db: Database, clock: FixedClock) -> Iterator[Bot]:
    """On each backend: for what the inbox's queries decide."""
    ensure_plan_once(db, clock)
    with LocalWebApi() as slack:
        yield build(db, clock, slack)


@pytest.fixture
def bot(sqlite_url: str, migrated_sqlite: Path, clock: FixedClock) -> Iterator[Bot]:
    """On a SQLite file (a copy of the migrated one): for what the worker decides."""
    shutil.copyfile(migrated_sqlite, sqlite_url.removeprefix("sqlite:///"))
    db = Database(sqlite_url)
    try:
        ensure_plan_once(db, clock)
        with LocalWebApi() as slack:
            yield build(db, clock, slack)
    finally:
        db.dispose()


def count(name: str) -> float:
    return metrics.PROCESS.get_sample_value(f"{name}_total") or 0.0


def reaction_event(ts: str = "1700000000.000100") -> dict[str, Any]:
    """An event no listener of tsagbot's takes: the tests give it one that fails."""
    return {
        "type": "reaction_added",
        "user": "U1",
        "reaction": "eyes",
        "item": {"type": "message", "channel": "C1", "ts": ts},
        "event_ts": ts,
    }


# -- the key ---------------------------------------------------------------------------------


def test_an_event_s_key_is_slack_s_event_id_in_its_workspace() -> None:
    assert event_key({"team_id": "T1", "event_id": "Ev123", "event": {}}) == "T1:Ev123"
    assert event_key({"event_id": "Ev123"}) == ":Ev123"
    # without an id, the event itself, whatever the order of its fields
    one = event_key({"event": {"type": "message", "ts": "1.0"}})
    assert one == event_key({"event_id": "", "event": {"ts": "1.0", "type": "message"}})
    assert one.startswith("sha256:")
    assert one != event_key({"event": {"type": "message", "ts": "2.0"}})


# -- storing ---------------------------------------------------------------------------------


def test_an_event_is_stored_and_acknowledged_without_running_a_listener(each_bot: Bot) -> None:
    bot = each_bot
    stored = count("tsagbot_inbox_events_stored")
    body = event_body(message_event("50-18 done", ts="1700000000.000100"), event_id="Ev1")
    assert bot.send(body) == (200, b"")
    (event,) = bot.events()
    assert (event.key, event.kind, event.status, event.attempts) == (
        "T1:Ev1",
        "message",
        InboxStatus.PENDING,
        0,
    )
    assert event.body == body.decode()  # the raw body, as signed
    assert (event.received_at, event.next_attempt_at) == (bot.clock.now, bot.clock.now)
    assert count("tsagbot_inbox_events_stored") == stored + 1
    assert bot.services.inbox_arrived.is_set()  # the worker is woken at once
    # nothing read nor posted before the worker runs (Bolt checks its token, once)
    assert [call.method for call in bot.slack.calls] == ["auth.test"]
    with bot.services.db.unit_of_work() as session:
        assert session.scalars(select(SlackMessage.id)).all() == []


def test_slack_s_retry_of_a_stored_event_is_acknowledged_and_counted_as_a_duplicate(
    bot: Bot,
) -> None:
    body = event_body(message_event("50-18 done"), event_id="Ev1")
    bot.send(body)
    duplicates = count("tsagbot_inbox_duplicates")
    bot.later(timedelta(seconds=3))
    assert bot.send(body, retry=True) == (200, b"")
    assert count("tsagbot_inbox_duplicates") == duplicates + 1
    (event,) = bot.events()
    assert event.received_at == bot.clock.now - timedelta(seconds=3)


def test_what_is_not_an_event_is_answered_directly_and_not_stored(bot: Bot) -> None:
    body = json.dumps({"token": "t", "challenge": "c-7", "type": "url_verification"}).encode()
    status, answer = bot.send(body)
    assert (status, json.loads(answer)) == (200, {"challenge": "c-7"})
    assert bot.events() == []


def test_an_event_the_database_cannot_take_gets_503_so_that_slack_delivers_it_again(
    clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    with LocalWebApi() as slack:
        bot = build(Database("postgresql://tsagbot@127.0.0.1:9/gone"), clock, slack)
        stored = count("tsagbot_inbox_events_stored")
        body = event_body(message_event("50-18 done"), event_id="Ev1")
        assert bot.send(body)[0] == 503
    assert count("tsagbot_inbox_events_stored") == stored
    assert "could not store a message event, Slack will deliver it again" in caplog.text
    assert not bot.services.inbox_arrived.is_set()  # nothing to wake the worker for


# -- handling --------------------------------------------------------------------------------


def test_the_worker_handles_a_stored_event_then_posts_its_replies(each_bot: Bot) -> None:
    bot = each_bot
    handled = count("tsagbot_inbox_events_handled")
    bot.send(event_body(message_event("50-18 done", ts="1700000000.000100"), event_id="Ev1"))
    bot.send(event_body(message_event("50-18 done", ts="1700000000.000100"), event_id="Ev2"))
    bot.worker.drain()
    events = bot.events()
    assert [(e.key, e.status, e.attempts, e.done_at) for e in events] == [
        ("T1:Ev1", InboxStatus.DONE, 1, bot.clock.now),
        ("T1:Ev2", InboxStatus.DONE, 1, bot.clock.now),
    ]
    assert count("tsagbot_inbox_events_handled") == handled + 2
    # one message under two event ids: recorded once, confirmed once
    assert [
        c.method for c in bot.slack.calls if c.method in ("reactions.add", "chat.postMessage")
    ] == [
        "reactions.add",
        "chat.postMessage",
    ]
    reply = bot.slack.last("chat.postMessage")
    assert reply.params["thread_ts"] == "1700000000.000100"
    assert reply.params["text"] == "50-18 marked completed (was: periodic goals met)"
    with bot.services.db.unit_of_work() as session:
        statuses = session.scalars(select(OutboxPost.status)).all()
    assert set(statuses) == {PostStatus.SENT}
    assert bot.worker.run_once() == 0  # nothing left


def test_draining_posts_everything_due_however_many_batches_it_takes(bot: Bot) -> None:
    now = bot.clock.now
    posts = [Post(f"test:{n}", "reply", "C0UPDATES", f"post {n}", [], now) for n in range(120)]
    with bot.services.db.unit_of_work() as session:
        enqueue(session, posts, now)
        session.commit()
    bot.worker.drain()
    assert len(bot.slack.calls_to("chat.postMessage")) == 120
    assert bot.worker.run_once() == 0


def test_handled_events_are_forgotten_by_the_worker_after_two_days(bot: Bot) -> None:
    bot.send(event_body(message_event("hello"), event_id="Ev1"))
    bot.worker.drain()
    bot.later(KEEP_DONE + timedelta(seconds=1))
    assert [e.key for e in bot.events()] == ["T1:Ev1"]
    bot.worker.run_once()
    assert bot.events() == []


def test_the_worker_forgets_the_rows_of_the_plan_s_old_revisions(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(changes, "KEEP_REVISIONS", 2)
    monkeypatch.setattr(changes, "FORGET_AT_ONCE", 1)  # as many transactions as rows
    with bot.services.db.unit_of_work() as session:
        revisions = [changes.bump(session.connection(), [None, 1]) for _ in range(4)]
        session.commit()
    bot.later(KEEP_DONE)  # the worker tidies once an hour
    bot.worker.run_once()
    with bot.services.db.unit_of_work(write=False) as session:
        assert sorted(session.scalars(select(PlanChange.revision))) == sorted(2 * revisions[2:])


def test_an_event_handled_before_a_slow_one_of_its_claim_is_not_handled_again(
    bot: Bot,
) -> None:
    seen: list[str] = []
    slow, go = threading.Event(), threading.Event()

    def listener(event: dict[str, Any]) -> None:
        seen.append(event["item"]["ts"])
        if event["item"]["ts"].endswith("101"):  # the second event of the claim is slow
            slow.set()
            assert go.wait(10)

    bot.handler.event("reaction_added")(listener)
    for n in range(2):
        bot.send(event_body(reaction_event(f"1700000000.00010{n}"), event_id=f"Ev{n}"))
    first = threading.Thread(target=bot.worker.run_once)
    first.start()
    try:
        assert slow.wait(10)
        bot.later(inbox.LEASE + timedelta(seconds=1))  # the slow one outlives its lease
        InboxWorker(bot.handler, bot.services, bot.worker.post).run_once()  # a replica
    finally:
        go.set()
        first.join(10)
    assert seen.count("1700000000.000100") == 1, seen


def test_the_events_handled_stay_done_when_recording_a_later_failure_fails(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def listener(event: dict[str, Any]) -> None:
        if event["item"]["ts"].endswith("101"):
            raise RuntimeError("the second event fails")

    def database_locked(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("UPDATE inbox_events", {}, Exception("database is locked"))

    bot.handler.event("reaction_added")(listener)
    for n in range(2):
        bot.send(event_body(reaction_event(f"1700000000.00010{n}"), event_id=f"Ev{n}"))
    monkeypatch.setattr(inbox, "failed", database_locked)
    with pytest.raises(OperationalError):
        bot.worker.run_once()
    assert [(event.key, event.status) for event in bot.events()] == [
        ("T1:Ev0", InboxStatus.DONE),
        ("T1:Ev1", InboxStatus.WORKING),
    ]


def failing(bot: Bot, failures: int) -> list[str]:
    """A ``reaction_added`` listener that fails its first ``failures`` calls; the calls."""
    seen: list[str] = []

    def listener(event: dict[str, Any]) -> None:
        seen.append(event["item"]["ts"])
        if len(seen) <= failures:
            raise RuntimeError(f"failure {len(seen)}")

    bot.handler.event("reaction_added")(listener)
    return seen


def test_an_event_whose_listener_fails_is_tried_again_after_a_pause(bot: Bot) -> None:
    calls = failing(bot, failures=1)
    failed = count("tsagbot_inbox_events_failed")
    bot.send(event_body(reaction_event(), event_id="Ev1"))
    bot.worker.drain()
    (event,) = bot.events()
    assert (event.status, event.attempts) == (InboxStatus.FAILED, 1)
    assert event.next_attempt_at == bot.clock.now + FIRST_PAUSE
    assert event.last_error == "listener answered 500"
    assert count("tsagbot_inbox_events_failed") == failed + 1
    bot.later(FIRST_PAUSE - timedelta(seconds=1))
    bot.worker.drain()
    assert len(calls) == 1  # still pausing
    bot.later(timedelta(seconds=1))
    bot.worker.drain()
    (event,) = bot.events()
    assert (event.status, event.attempts, event.last_error) == (InboxStatus.DONE, 2, "")
    assert len(calls) == 2


def test_an_event_that_always_fails_is_abandoned(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    calls = failing(bot, failures=GIVE_UP_AFTER + 5)
    bot.send(event_body(reaction_event(), event_id="Ev1"))
    for _ in range(GIVE_UP_AFTER + 2):
        bot.worker.drain()
        bot.later(timedelta(hours=1))
    assert len(calls) == GIVE_UP_AFTER
    (event,) = bot.events()
    assert (event.status, event.attempts) == (InboxStatus.ABANDONED, GIVE_UP_AFTER)
    assert f"gave up on inbox event T1:Ev1 after {GIVE_UP_AFTER} attempts" in caplog.text
    with bot.services.db.unit_of_work() as session:
        assert inbox.backlog(session).waiting == 0  # abandoned is not waiting


def test_a_listener_that_raises_past_bolt_leaves_the_event_to_be_tried_again(bot: Bot) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise ValueError("bolt itself failed")

    bot.send(event_body(reaction_event(), event_id="Ev1"))
    bot.handler.dispatch = explode  # type: ignore[method-assign]
    bot.worker.drain()
    (event,) = bot.events()
    assert (event.status, event.last_error) == (
        InboxStatus.FAILED,
        "ValueError: bolt itself failed",
    )


def blocking(bot: Bot) -> tuple[threading.Event, threading.Event, list[str]]:
    """A ``reaction_added`` listener that waits for ``go`` once it has ``entered``."""
    entered, go = threading.Event(), threading.Event()
    seen: list[str] = []

    def listener(event: dict[str, Any]) -> None:
        seen.append(event["item"]["ts"])
        entered.set()
        assert go.wait(10)

    bot.handler.event("reaction_added")(listener)
    return entered, go, seen


def test_a_stopping_worker_finishes_the_event_in_hand_and_hands_back_the_others(
    each_bot: Bot,
) -> None:
    bot = each_bot
    entered, go, seen = blocking(bot)
    for n in range(3):
        bot.send(event_body(reaction_event(f"1700000000.00010{n}"), event_id=f"Ev{n}"))
    running = threading.Thread(target=bot.worker.run_once)
    running.start()
    assert entered.wait(10)
    assert not bot.worker.wait_idle(timeout=0.01)  # busy with the first event
    assert bot.worker.stop() is True  # never started as a thread: nothing to join
    go.set()
    running.join(10)
    assert bot.worker.wait_idle()
    # handed back: claimable at once, and the claim is not counted as an attempt
    assert [(e.status, e.attempts) for e in bot.events()] == [
        (InboxStatus.DONE, 1),
        (InboxStatus.PENDING, 0),
        (InboxStatus.PENDING, 0),
    ]
    assert [e.next_attempt_at for e in bot.events()][1:] == [bot.clock.now] * 2
    # the stopped worker takes nothing more; another replica takes them at once
    assert bot.worker.run_once() == 0
    bot.worker.drain()
    assert seen == ["1700000000.000100"]
    replica = InboxWorker(bot.handler, bot.services, bot.worker.post)
    replica.drain()
    assert seen == ["1700000000.000100", "1700000000.000101", "1700000000.000102"]
    assert {e.status for e in bot.events()} == {InboxStatus.DONE}


def test_a_worker_thread_handles_what_arrives_and_stops(bot: Bot) -> None:
    entered, go, seen = blocking(bot)
    go.set()
    worker = bot.worker.start()
    try:
        bot.send(event_body(reaction_event(), event_id="Ev1"))
        assert entered.wait(10)  # the arrival wakes it
    finally:
        assert worker.stop() is True
    assert seen == ["1700000000.000100"]
    assert bot.events()[0].status == InboxStatus.DONE


# -- metrics ---------------------------------------------------------------------------------


def metric_lines(bot: Bot, prefix: str) -> list[str]:
    status, text = bot.request("GET", "/metrics")
    assert status == 200
    return [line for line in text.decode().splitlines() if line.startswith(prefix)]


def test_metrics_show_the_inbox_backlog_and_its_oldest_event(each_bot: Bot) -> None:
    bot = each_bot
    assert metric_lines(bot, "tsagbot_inbox_backlog") == ["tsagbot_inbox_backlog 0.0"]
    assert metric_lines(bot, "tsagbot_inbox_oldest") == ["tsagbot_inbox_oldest_age_seconds 0.0"]
    types = metric_lines(bot, "# TYPE tsagbot_inbox_")
    for line in [
        "# TYPE tsagbot_inbox_events_stored_total counter",
        "# TYPE tsagbot_inbox_duplicates_total counter",
        "# TYPE tsagbot_inbox_events_handled_total counter",
        "# TYPE tsagbot_inbox_events_failed_total counter",
        "# TYPE tsagbot_inbox_backlog gauge",
        "# TYPE tsagbot_inbox_oldest_age_seconds gauge",
    ]:
        assert line in types
    failing(bot, failures=1)
    bot.send(event_body(reaction_event(), event_id="Ev1"))
    bot.send(event_body(message_event("hello"), event_id="Ev2"))
    assert "tsagbot_inbox_backlog 2.0" in metric_lines(bot, "tsagbot_inbox_backlog")
    (age,) = metric_lines(bot, "tsagbot_inbox_oldest_age_seconds")
    assert float(age.split()[1]) > 0  # received on the fixed clock, in the past
    bot.worker.drain()
    assert metric_lines(bot, "tsagbot_inbox_backlog") == ["tsagbot_inbox_backlog 1.0"]  # failed
    bot.later(FIRST_PAUSE)
    bot.worker.drain()
    assert metric_lines(bot, "tsagbot_inbox_backlog") == ["tsagbot_inbox_backlog 0.0"]
    assert metric_lines(bot, "tsagbot_inbox_oldest") == ["tsagbot_inbox_oldest_age_seconds 0.0"]
