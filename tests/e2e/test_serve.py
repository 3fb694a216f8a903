"""The real ``tsagbot serve`` over HTTP, as Slack reaches it: the few things only a process shows.

Signatures checked on the wire, answers within Slack's three seconds, Slack's retries
(``X-Slack-Retry-Num``), two replicas on one database, a restart, rate limits and server
errors from the Web API.  Everything else about the listeners is tested in this process
(tests/slack/listeners), through the same WSGI application.

One server serves the module, on PostgreSQL when ``TSAGBOT_TEST_POSTGRES_URL`` is set
(where replicas share a database in production), else on a SQLite file; the restart
replaces it, the replica runs beside it.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.slack.requests import (
    JSON,
    block_action_payload,
    event_body,
    interaction_body,
    message_event,
    url_verification_body,
)
from tests.slack.listeners.test_action import button, forged_requests, header
from tests.slack.listeners.test_updates import (
    RETRY,
    Workspace,
    assert_recorded_once,
    new_event_id,
    new_ts,
    workspace,
)
from tests.support.common import POSTGRES_URL
from tests.support.serving import (
    Server,
    server_output,
    serving,
    stop,
    wait_for_response,
)

ALICE, BOB = "U0ALICE", "U0BOB"

BACKEND = "postgresql" if POSTGRES_URL else "sqlite"


@pytest.fixture(scope="module")
def servers() -> Iterator[contextlib.ExitStack]:
    """Every server the module starts, stopped at its end."""
    with contextlib.ExitStack() as stack:
        yield stack


@pytest.fixture(scope="module")
def _http(servers: contextlib.ExitStack, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp("serve")
    return servers.enter_context(workspace(BACKEND, folder, real_process=True))


@pytest.fixture
def ws(_http: Workspace) -> Iterator[Workspace]:
    _http.reset()
    with server_output(_http.server):
        yield _http


@pytest.fixture
def server(ws: Workspace) -> Server:
    assert isinstance(ws.server, Server)
    return ws.server


# -- /action over HTTP ------------------------------------------------------------------------


def test_serve_loads_the_bundled_plan_and_answers_health_checks(server: Server) -> None:
    assert "loaded the bundled WTSA-20 action plan, 397 items" in server.output()
    with urllib.request.urlopen(f"{server.base}/healthz", timeout=5) as response:
        assert (response.status, response.read()) == (200, b"ok\n")
    request = urllib.request.Request(f"{server.base}/healthz", method="HEAD")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert (response.status, response.read()) == (200, b"")


def test_url_verification_is_answered_over_http(server: Server) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    status, _, raw = server.post(url_verification_body(challenge), JSON)
    assert status == 200
    assert json.loads(raw) == {"challenge": challenge}


def test_a_command_and_its_button_over_http(server: Server) -> None:
    card = server.slash_command("/action", "50-18", user_id=ALICE)["blocks"]
    assert header(card) == "50-18 · Resolution 50 – Cybersecurity"
    post = button(card, "action_post")
    name = f"click-{uuid.uuid4().hex[:8]}"
    payload = block_action_payload(
        post["action_id"],
        post["value"],
        user_id=BOB,
        user_name="bob",
        response_url=server.slack.response_url(name),
        message={"type": "message", "text": "", "blocks": []},
    )
    status, _, raw = server.post(interaction_body(payload))
    assert status == 200, raw[:500]
    call = wait_for_response(server.slack, name)
    assert call.params["response_type"] == "in_channel"
    assert header(call.params["blocks"]) == "50-18 · Resolution 50 – Cybersecurity"


def test_requests_not_signed_by_slack_are_refused_over_http(server: Server) -> None:
    before = len(server.slack.calls)
    for case, headers, body in forged_requests(server):
        request = urllib.request.Request(server.events, data=body, headers=headers, method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        with refused.value as error:
            assert error.code == 401, case
            assert b"50-18" not in error.read(), case
    after = server.slack.calls[before:]
    assert [c for c in after if c.path.startswith("/response/forged")] == []
    assert [c for c in after if c.method.startswith("chat.")] == []


# -- status updates over HTTP -------------------------------------------------------------------


def test_a_retried_delivery_counts_once(ws: Workspace) -> None:
    event = message_event("50-18 done", ts=new_ts())
    body = event_body(event, event_id=new_event_id())
    ws.deliver(body)
    ws.deliver(body, headers=RETRY)
    ws.reply(event)
    assert_recorded_once(ws, event, ws.settle())


def test_a_rate_limited_reply_is_retried_and_posted_once(ws: Workspace) -> None:
    """Over HTTP, Retry-After respected. (A 500 or a lost answer waits for the outbox's next
    attempt, a minute later: tests/slack/listeners/test_updates.py moves the clock for it.)"""
    ws.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    event = ws.say("50-18 done")
    reply = ws.reply(event, timeout=10)
    sentinel = ws.settle()
    posts = ws.calls_about(event, method="chat.postMessage")
    assert [call.status for call in posts] == [429, 200]
    assert reply.params["text"] == "50-18 marked completed (was: periodic goals met)"
    assert_recorded_once(ws, event, sentinel)


def test_identical_events_at_once_to_two_replicas_count_once(ws: Workspace, tmp_path: Path) -> None:
    with serving(tmp_path, ws.fake, database_url=ws.server.database_url, name="replica") as replica:
        both = [ws.server, replica]
        event = message_event("50-18 done", ts=new_ts())
        body = event_body(event, event_id=new_event_id())
        barrier = threading.Barrier(4)

        def send(n: int) -> None:
            barrier.wait(timeout=10)
            ws.deliver(body, headers=RETRY if n else None, to=both[n % 2])

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(send, range(4)))
        ws.reply(event)
        assert_recorded_once(ws, event, ws.settle())


def test_a_delivery_retried_after_a_restart_counts_once(
    ws: Workspace, tmp_path: Path, server: Server, servers: contextlib.ExitStack
) -> None:
    """The module's server is stopped; the new one serves what is left of the module."""
    event = message_event("50-18 done", ts=new_ts())
    body = event_body(event, event_id=new_event_id())
    ws.deliver(body)
    ws.confirmed(event)
    stop(server.process)
    restarted = servers.enter_context(
        serving(tmp_path, ws.fake, database_url=server.database_url, name="restarted")
    )
    ws.server = restarted
    ws.deliver(body, headers=RETRY)
    assert_recorded_once(ws, event, ws.settle())
