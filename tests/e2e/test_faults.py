"""``tsagbot serve`` stopped (SIGTERM) or killed (SIGKILL) right after acknowledging updates.

Whatever Slack was told was received is recorded exactly once, and confirmed and reacted
to exactly once, by the restarted process or by a replica: the events wait in the inbox,
the replies in the outbox, and what a killed process had claimed is taken up when its
lease ends (one second here: ``TSAGBOT_INBOX_LEASE_SECONDS``/``TSAGBOT_OUTBOX_LEASE_SECONDS``).
A stopped process exits 0 and hands its scheduler lock over. Each step of the way is
tested in this process (tests/slack/test_faults.py); here, the real signals.

One database serves the module: PostgreSQL when ``TSAGBOT_TEST_POSTGRES_URL`` is set,
else a SQLite file; each test posts notes of its own.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from bot.slack.local_api import LocalWebApi
from bot.slack.requests import JSON, event_body, message_event
from bot.store.models import InboxEvent, OutboxPost, SlackMessage, StatusUpdate
from bot.store.vocabulary import InboxStatus, PostStatus
from tests.slack.listeners.test_updates import (
    CHANNEL,
    SlackState,
    new_event_id,
    new_ts,
    read_engine,
)
from tests.support.common import POSTGRES_URL, fresh_postgres_database
from tests.support.serving import Server, start_server, stop

UPDATES = 20
LEASES = {"TSAGBOT_INBOX_LEASE_SECONDS": "1", "TSAGBOT_OUTBOX_LEASE_SECONDS": "1"}
QUIET = {**LEASES, "TSAGBOT_SCHEDULER": "off"}
LEADING = "holding the scheduler lock"


@pytest.fixture(scope="module")
def faults_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if POSTGRES_URL:
        yield from fresh_postgres_database()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('faults') / 'tsagbot.sqlite3'}"


@pytest.fixture(scope="module")
def engine(faults_database_url: str) -> Iterator[Engine]:
    engine = read_engine(faults_database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def fake() -> Iterator[LocalWebApi]:
    with LocalWebApi() as api:
        SlackState(api)  # reactions.add answers already_reacted as Slack does
        yield api


@pytest.fixture
def started() -> Iterator[list[Server]]:
    """The servers a test starts (:func:`start`), stopped at its end."""
    servers: list[Server] = []
    yield servers
    for server in servers:
        stop(server.process)


def start(
    servers: list[Server], folder: Path, fake: LocalWebApi, url: str, env: dict[str, str]
) -> Server:
    name = f"serve-{len(servers)}"
    server = start_server(folder, fake, database_url=url, env=env, name=name)
    servers.append(server)
    return server


def acknowledged(server: Server, count: int, tag: str) -> list[str]:
    """``count`` notes sent to ``server``, each answered 200; their timestamps."""
    stamps = []
    for n in range(count):
        event = message_event(f"update 50-27: {tag} note {n}", ts=new_ts())
        status, _, raw = server.post(event_body(event, event_id=new_event_id()), JSON)
        assert status == 200, (status, raw[:300])
        stamps.append(str(event["ts"]))
    return stamps


def left_to_do(engine: Engine) -> int:
    """Events not yet handled and posts not yet made."""
    with engine.connect() as connection:
        events = connection.scalar(
            select(func.count(InboxEvent.id)).where(InboxEvent.status != InboxStatus.DONE)
        )
        posts = connection.scalar(
            select(func.count(OutboxPost.id)).where(
                OutboxPost.status.in_((PostStatus.PENDING, PostStatus.SENDING, PostStatus.FAILED))
            )
        )
    return int(events or 0) + int(posts or 0)


def wait_until_done(engine: Engine, servers: list[Server], timeout: float = 20.0) -> None:
    """Until the database says nothing is left to do (nothing more will be posted)."""
    deadline = time.monotonic() + timeout
    while left_to_do(engine):
        outputs = "\n".join(f"--- {s.log.name}\n{s.output()}" for s in servers)
        assert time.monotonic() < deadline, f"work left after {timeout}s:\n{outputs}"
        time.sleep(0.1)


def assert_once_each(engine: Engine, fake: LocalWebApi, stamps: list[str]) -> None:
    """Each message recorded once with one note, confirmed once and reacted to."""
    with engine.connect() as connection:
        messages = Counter(
            connection.scalars(select(SlackMessage.ts).where(SlackMessage.ts.in_(stamps)))
        )
        notes = Counter(
            connection.scalars(
                select(SlackMessage.ts)
                .join(StatusUpdate, StatusUpdate.message_id == SlackMessage.id)
                .where(SlackMessage.ts.in_(stamps))
            )
        )
    replies = Counter(m.get("thread_ts") for m in fake.messages.get(CHANNEL, []))
    reacted = {c.params["timestamp"] for c in fake.calls_to("reactions.add") if c.status == 200}
    expected = Counter(stamps)
    assert messages == expected
    assert notes == expected
    assert Counter({ts: replies[ts] for ts in stamps if replies[ts]}) == expected
    assert reacted >= set(stamps)


def wait_leading(server: Server, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while LEADING not in server.output():
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.1)


def test_sigterm_after_the_acknowledgements_exits_0_and_loses_nothing(
    tmp_path: Path,
    fake: LocalWebApi,
    faults_database_url: str,
    engine: Engine,
    started: list[Server],
) -> None:
    """The stopped process hands back its work and its scheduler lock; the next one
    finishes the work and takes the lock at once."""
    first = start(started, tmp_path, fake, faults_database_url, LEASES)
    wait_leading(first)
    stamps = acknowledged(first, UPDATES, f"sigterm {uuid.uuid4().hex[:6]}")
    first.process.send_signal(signal.SIGTERM)
    try:
        code = first.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve did not stop within 15 s of SIGTERM:\n{first.output()}")
    assert code == 0, first.output()
    second = start(started, tmp_path, fake, faults_database_url, LEASES)
    wait_leading(second)
    wait_until_done(engine, started)
    assert_once_each(engine, fake, stamps)


def test_kill_9_after_the_acknowledgements_loses_nothing(
    tmp_path: Path,
    fake: LocalWebApi,
    faults_database_url: str,
    engine: Engine,
    started: list[Server],
) -> None:
    first = start(started, tmp_path, fake, faults_database_url, QUIET)
    stamps = acknowledged(first, UPDATES, f"kill {uuid.uuid4().hex[:6]}")
    first.process.kill()
    assert first.process.wait(timeout=10) == -signal.SIGKILL
    start(started, tmp_path, fake, faults_database_url, QUIET)
    wait_until_done(engine, started)
    assert_once_each(engine, fake, stamps)


def test_a_replica_killed_mid_stream_leaves_its_work_to_the_other(
    tmp_path: Path,
    fake: LocalWebApi,
    faults_database_url: str,
    engine: Engine,
    started: list[Server],
) -> None:
    """Slack sends to either replica; one is killed halfway, Slack then reaches the other."""
    one = start(started, tmp_path, fake, faults_database_url, QUIET)
    two = start(started, tmp_path, fake, faults_database_url, QUIET)
    tag = f"replicas {uuid.uuid4().hex[:6]}"
    stamps: list[str] = []
    for n in range(UPDATES // 2):
        stamps += acknowledged(one if n % 2 else two, 1, f"{tag} {n}")
    one.process.kill()
    one.process.wait(timeout=10)
    stamps += acknowledged(two, UPDATES // 2, f"{tag} after")
    wait_until_done(engine, started)
    assert_once_each(engine, fake, stamps)
