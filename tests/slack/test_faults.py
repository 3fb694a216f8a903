"""A process that dies at each step of an event's way, and a Slack that fails: none lost or doubled.

An event's way through ``serve``: the middleware commits it to the inbox before Slack
gets its 200; a worker claims it, its listener records the update and queues the
replies in one transaction, the worker marks it done; then the outbox claims each
reply, Slack accepts it, the outbox marks it sent. Here the worker "dies" between two
of those steps (a :class:`Crash`, which no ``except Exception`` catches, leaves the
database as a killed process would), and a fresh worker whose clock is past the lease
takes over: the update is recorded once, its confirmation and its reaction are made
once (a post whose outcome was unknown is looked for by its metadata first).

The server is what ``serve`` runs, in this process (:func:`tests.support.serving.in_process`),
its own worker stopped: each test drives the workers itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.posting import inbox
from bot.posting.outbox import Outgoing, PostFunction
from bot.slack.inbox import InboxWorker
from bot.slack.poster import posting_client, slack_poster
from bot.slack.requests import event_body, message_event
from bot.store.models import InboxEvent, OutboxPost
from bot.store.vocabulary import InboxStatus, PostMethod, PostStatus
from tests.slack.listeners.test_updates import (
    CHANNEL,
    REACTION,
    Workspace,
    new_event_id,
    new_ts,
    workspace,
)
from tests.support.common import BACKENDS
from tests.support.serving import LocalServer


class Crash(BaseException):
    """The process dies here: nothing after this line runs, nothing catches it."""


@pytest.fixture(scope="module", params=BACKENDS)
def _bot(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    folder = tmp_path_factory.mktemp(f"faults-{request.param}")
    with workspace(str(request.param), folder) as ws:
        server(ws).worker.stop()
        yield ws


@pytest.fixture
def ws(_bot: Workspace) -> Workspace:
    _bot.reset()
    return _bot


def server(ws: Workspace) -> LocalServer:
    assert isinstance(ws.server, LocalServer)
    return ws.server


def worker(
    ws: Workspace,
    *,
    after: timedelta = timedelta(0),
    post: PostFunction | None = None,
    dispatch: Callable[[Any], Any] | None = None,
) -> InboxWorker:
    """A worker of a fresh process on the same database, its clock ``after`` from now."""
    running = server(ws)
    services = replace(running.services, clock=lambda: datetime.now(UTC) + after)
    app = running.worker.app
    if dispatch is not None:
        app = _Dispatching(dispatch)  # type: ignore[assignment]
    return InboxWorker(app, services, post or running.worker.post)


def past_the_leases(ws: Workspace) -> timedelta:
    """When what a dead process had claimed (an event, a post) may be taken up."""
    settings = server(ws).services.settings
    return max(settings.inbox_lease, settings.outbox_lease) + timedelta(seconds=1)


class _Dispatching:
    """In place of the Bolt app: ``dispatch`` is what happens to a claimed event."""

    def __init__(self, dispatch: Callable[[Any], Any]) -> None:
        self.dispatch = dispatch


def crash(*_args: Any, **_kwargs: Any) -> Any:
    raise Crash


def crash_after(post: PostFunction, method: PostMethod) -> PostFunction:
    """Make the post, then die before the outbox hears that Slack accepted it."""

    def posting(outgoing: Outgoing) -> str:
        ts = post(outgoing)
        if outgoing.method == method:
            raise Crash
        return ts

    return posting


def acknowledged(ws: Workspace) -> dict[str, Any]:
    """``50-18 done``, delivered and answered 200: it is in the inbox, nothing else yet."""
    event = message_event("50-18 done", ts=new_ts())
    ws.deliver(event_body(event, event_id=new_event_id()))
    return event


def replies(ws: Workspace, event: dict[str, Any]) -> list[dict[str, Any]]:
    """The bot's messages Slack holds in the event's thread."""
    return [m for m in ws.fake.messages.get(CHANNEL, []) if m.get("thread_ts") == event["ts"]]


def assert_handled_once(ws: Workspace, event: dict[str, Any]) -> None:
    """Recorded once, one confirmation, the reaction, and nothing left to do."""
    item = ws.item("50-18")
    assert (item.completed, item.kinds()) == (True, ["completed"])
    assert ws.recorded() == [event["ts"]]
    (reply,) = replies(ws, event)
    assert reply["text"] == "50-18 marked completed (was: periodic goals met)"
    assert ws.stored_reply(event["ts"]) == reply["ts"]
    reactions = ws.fake.calls_to("reactions.add")
    assert {c.params["timestamp"] for c in reactions} == {event["ts"]}
    assert {c.params["name"] for c in reactions} == {REACTION}
    with Session(ws.engine) as session:
        events = session.scalars(select(InboxEvent.status)).all()
        posts = session.scalars(select(OutboxPost.status)).all()
    assert set(events) == {InboxStatus.DONE}
    assert set(posts) <= {PostStatus.SENT}


def lookups(ws: Workspace, event: dict[str, Any]) -> list[str]:
    return [
        c.params["ts"]
        for c in ws.fake.calls_to("conversations.replies")
        if c.params.get("ts") == event["ts"]
    ]


# -- the process dies ---------------------------------------------------------------------------


def test_a_crash_after_the_inbox_write_leaves_the_event_to_the_next_process(
    ws: Workspace,
) -> None:
    event = acknowledged(ws)
    with pytest.raises(Crash):
        worker(ws, dispatch=crash).run_once()  # claimed, then died before its listener ran
    assert worker(ws).run_once() == 0  # its lease holds it from a process of the same moment
    assert ws.recorded() == []
    worker(ws, after=past_the_leases(ws)).drain()
    assert_handled_once(ws, event)


def test_a_crash_after_recording_before_the_event_is_done_records_once(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = acknowledged(ws)
    with monkeypatch.context() as patch:
        patch.setattr(inbox, "finish", crash)
        with pytest.raises(Crash):
            worker(ws).run_once()
    assert ws.recorded() == [event["ts"]]  # recorded and the replies queued, at once
    assert replies(ws, event) == []
    worker(ws, after=past_the_leases(ws)).drain()  # handles the event again: nothing new
    assert_handled_once(ws, event)


@pytest.mark.parametrize("method", [PostMethod.MESSAGE, PostMethod.REACTION])
def test_a_crash_after_slack_accepted_a_post_makes_it_once(
    ws: Workspace, method: PostMethod
) -> None:
    """Slack has the post, the outbox still says "sending": the next attempt finds the
    confirmation by its metadata, and Slack says ``already_reacted`` to the reaction."""
    event = acknowledged(ws)
    with pytest.raises(Crash):
        worker(ws, post=crash_after(server(ws).worker.post, method)).run_once()
    made = len(ws.fake.calls_to(method))
    worker(ws).run_once()  # the post the dead process claimed is held by its lease
    assert len(ws.fake.calls_to(method)) == made
    worker(ws, after=past_the_leases(ws)).drain()
    assert_handled_once(ws, event)
    confirmation_found = method == PostMethod.MESSAGE
    assert lookups(ws, event) == ([event["ts"]] if confirmation_found else [])


# -- Slack fails --------------------------------------------------------------------------------

TIMEOUT = 0.5
"""The poster's client timeout here (10 s in serve): Slack answers later than that."""


def slow(ws: Workspace, method: str) -> threading.Event:
    """Slack carries out the next call to ``method`` but answers too late; the event is
    clear while that call is under way."""
    answer = {"chat.postMessage": ws.slack._post}.get(method)
    idle = threading.Event()
    idle.set()
    first = threading.Lock()

    def late(params: dict[str, Any]) -> dict[str, Any] | None:
        if first.acquire(blocking=False):
            idle.clear()
            time.sleep(TIMEOUT + 0.3)
            idle.set()
        return answer(params) if answer else None

    ws.fake.respond(method, late)
    return idle


def fault(ws: Workspace, method: str, kind: str) -> threading.Event:
    """Make Slack fail the next call to ``method``; the event is clear while Slack is still
    carrying out a call it answered too late."""
    if kind == "timeout":
        return slow(ws, method)
    if kind == "429":
        ws.fake.fail_next(method, status=429, retry_after=0)
    elif kind == "500":
        ws.fake.fail_next(method, status=500)
    else:
        ws.fake.lose_next_answer(method)
    idle = threading.Event()
    idle.set()
    return idle


FAULTS = ["429", "500", "lost answer", "timeout"]


@pytest.fixture
def quick_poster(ws: Workspace) -> Iterator[PostFunction]:
    """serve's poster, with a short timeout; Slack's usual answers put back afterwards."""
    client = posting_client(server(ws).services.settings)
    client.timeout = TIMEOUT
    yield slack_poster(client)
    ws.fake.respond("chat.postMessage", ws.slack._post)
    ws.fake.respond("conversations.replies", lambda _params: None)


def attempts(
    ws: Workspace, post: PostFunction, slack_idle: threading.Event, *afters: timedelta
) -> None:
    """The event handled now, then the outbox's later attempts at these moments (each once
    Slack has carried out what it answered too late: minutes pass between them)."""
    for after in (timedelta(0), *afters):
        worker(ws, after=after, post=post).drain()
        assert slack_idle.wait(5)


@pytest.mark.parametrize("kind", FAULTS)
def test_a_confirmation_slack_fails_to_take_is_posted_once(
    ws: Workspace, quick_poster: PostFunction, kind: str
) -> None:
    """429: retried after Retry-After by the client; 500: Slack stored nothing, posted
    again a minute later; lost answer or timeout: Slack stored it, found by its metadata."""
    idle = fault(ws, "chat.postMessage", kind)
    event = acknowledged(ws)
    attempts(ws, quick_poster, idle, timedelta(minutes=2))
    assert_handled_once(ws, event)
    posts = [c for c in ws.fake.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    assert len(posts) == (1 if kind in ("lost answer", "timeout") else 2)
    assert lookups(ws, event) == ([] if kind == "429" else [event["ts"]])


@pytest.mark.parametrize("kind", FAULTS)
def test_a_lookup_slack_fails_to_answer_waits_for_the_next_attempt(
    ws: Workspace, quick_poster: PostFunction, kind: str
) -> None:
    """The confirmation's answer is lost; then the lookup before posting it again fails:
    nothing is posted blindly, and the attempt after finds it."""
    ws.fake.lose_next_answer("chat.postMessage")
    idle = fault(ws, "conversations.replies", kind)
    event = acknowledged(ws)
    attempts(ws, quick_poster, idle, timedelta(minutes=2), timedelta(minutes=6))
    assert_handled_once(ws, event)
    posts = [c for c in ws.fake.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    assert len(posts) == 1
    assert len(lookups(ws, event)) == 2  # the failed one (or refused and retried), the good one
