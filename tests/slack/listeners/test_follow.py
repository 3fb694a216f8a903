"""Following: ``/action follow 50``, ``/action follow sg17 for me``, ``/meetings follow irm``,
and the notices followers get, through the real Bolt app.

The commands and the channel messages go through :class:`Console` (signed requests,
Slack's payload shapes, its recording Web API); the notices are what the scheduler's
tick queues and posts (:meth:`Dispatcher.run_tick`), run here by hand at the clock's
time. The race between two replicas runs on PostgreSQL, with two in-process servers
on one database, each ticking at once.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.posting.dispatch import Dispatcher
from bot.posting.outbox import Delivery
from bot.render import blocks_to_text
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.local_api import Call, LocalWebApi
from bot.slack.poster import posting_client, slack_poster
from bot.slack.requests import event_body, message_event
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import Follow, OutboxPost
from tests.support.blockkit import assert_within_limits
from tests.support.common import POSTGRES_URL, FixedClock, fresh_postgres_database
from tests.support.serving import LocalServer, in_process
from tests.support.snapshots import ensure_plan_once

ALICE, BOB = "U0ALICE", "U0BOB"
UPDATES, FOLLOWING = "C0UPDATES", "C0FOLLOW"


@pytest.fixture
def services(memory_database_url: str, clock: FixedClock) -> Iterator[Services]:
    db = Database(memory_database_url)
    ensure_plan_once(db, clock)
    yield Services(settings=Settings(database_url=memory_database_url), db=db, clock=clock)
    db.dispose()


@pytest.fixture
def console(services: Services) -> Iterator[Console]:
    console = Console(services, user=ALICE)
    console.channel = FOLLOWING
    yield console
    console.close()


def command(console: Console, line: str, *, user: str = ALICE, channel: str = FOLLOWING) -> str:
    console.user, console.channel = user, channel
    name, _, text = line.partition(" ")
    reply = console.command(name, text)
    assert reply.status == 200
    assert isinstance(reply.body, dict)
    assert reply.body["response_type"] == "ephemeral"
    assert_within_limits(reply.body)
    assert "<!channel>" not in json.dumps(reply.body)  # what was typed is shown, inert
    return reply.as_text()


def say(console: Console, text: str, *, user: str = BOB, channel: str = UPDATES) -> None:
    console.user = user
    console.message(text, channel=channel)


def tick(console: Console, services: Services, at: datetime | None = None) -> Delivery:
    """What the scheduler does each minute, at the clock's time (or ``at``)."""
    dispatcher = Dispatcher(services.db, services.settings, services.renderer)
    post = slack_poster(posting_client(console.services.settings))
    return dispatcher.run_tick(post, at or services.clock())


def notices(api: LocalWebApi, channel: str) -> list[Call]:
    """The bot's top-level posts in ``channel`` (not its thread confirmations)."""
    return [
        call
        for call in api.calls_to("chat.postMessage")
        if call.params.get("channel") == channel and not call.params.get("thread_ts")
    ]


def follows(services: Services) -> set[tuple[str, bool, str, str]]:
    with services.db.unit_of_work() as session:
        rows = session.scalars(select(Follow))
        return {(row.follower, row.personal, row.topic.value, row.target) for row in rows}


# -- the commands --------------------------------------------------------------------------

COMMANDS = [
    # (command, user, channel, the reply, what is followed afterwards)
    (
        "/action follow 50",
        ALICE,
        FOLLOWING,
        "#C0FOLLOW now follows Resolution 50: each change recorded in it is told here.",
        {(FOLLOWING, False, "resolution", "50")},
    ),
    (
        "/action follow Resolution 50",
        ALICE,
        FOLLOWING,
        "#C0FOLLOW already follows Resolution 50.",
        {(FOLLOWING, False, "resolution", "50")},
    ),
    (
        "/action follow SG 17 for me",
        ALICE,
        FOLLOWING,
        "You now follow SG17: each change recorded in it is told by direct message.",
        {(FOLLOWING, False, "resolution", "50"), (ALICE, True, "body", "SG17")},
    ),
    (
        "/meetings follow inter-regional",
        BOB,
        "D0BOB",
        "You now follow Inter-regional meetings: their meetings and deadlines come first "
        "on tsagbot's Home tab.",
        {
            (FOLLOWING, False, "resolution", "50"),
            (ALICE, True, "body", "SG17"),
            (BOB, True, "meeting_kind", "irm"),
        },
    ),
    (
        "/action following",
        ALICE,
        FOLLOWING,
        "This channel follows\nResolution 50",
        None,
    ),
    (
        "/action following for me",
        BOB,
        FOLLOWING,
        "You follow\nInter-regional meetings",
        None,
    ),
    (
        "/action follow 50-18",
        ALICE,
        FOLLOWING,
        "Follow 50-18's Resolution instead: `/action follow 50`.",
        None,
    ),
    ("/action follow 999", ALICE, FOLLOWING, "Resolution 999 is not in the action plan.", None),
    (
        "/action follow <!channel>",
        ALICE,
        FOLLOWING,
        "“<!channel>” is neither a Resolution (`50`) nor a body (`sg17`, `tsag`).",
        None,
    ),
    ("/meetings follow lunch", ALICE, FOLLOWING, "“lunch” is not a kind of meeting", None),
    (
        "/action unfollow 50",
        ALICE,
        FOLLOWING,
        "#C0FOLLOW no longer follows Resolution 50.",
        {(ALICE, True, "body", "SG17"), (BOB, True, "meeting_kind", "irm")},
    ),
    (
        "/action unfollow 50",
        ALICE,
        FOLLOWING,
        "#C0FOLLOW did not follow Resolution 50; nothing changed.",
        None,
    ),
]


@pytest.mark.sqlite_only
def test_follow_commands_say_what_they_did_and_change_only_that(console: Console) -> None:
    """One conversation, in order: each command's reply, and what is followed after it."""
    services = console.services
    expected = follows(services)
    for line, user, channel, said, after in COMMANDS:
        text = command(console, line, user=user, channel=channel)
        assert text.startswith(said), (line, text)
        expected = expected if after is None else after
        assert follows(services) == expected, line


NOT_A_MEMBER = [
    # (channel, how conversations.info answers, the command, refused)
    ("G0SECRET", {"is_private": True, "is_member": False}, "/action follow 50", True),
    ("C0LOCKED", "not_in_channel", "/action follow sg17", True),
    (
        "G0SHOWN",
        {"id": "G0SHOWN", "is_private": True, "is_member": False},
        "/action follow 50",
        True,
    ),
    ("C0OPEN", {"is_member": False}, "/action follow 50", False),  # chat:write.public
    ("G0SECRET", {"is_private": True, "is_member": False}, "/action follow 50 for me", False),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("channel", "answer", "line", "refused"), NOT_A_MEMBER)
def test_a_channel_tsagbot_is_not_in_cannot_follow(
    console: Console, channel: str, answer: dict[str, Any] | str, line: str, refused: bool
) -> None:
    if isinstance(answer, str):
        console.api.fail_next("conversations.info", status=200, error=answer)
    elif "id" in answer:  # Slack shows the channel, saying tsagbot is not in it
        console.api.respond("conversations.info", {"channel": answer})
    else:
        console.api.channels[channel] = answer
    text = command(console, line, channel=channel)
    if refused:
        assert text == "Invite @tsagbot to this channel first: it cannot post the changes here."
        assert not follows(console.services)
    else:
        assert "now follow" in text
        assert len(follows(console.services)) == 1


# -- the notices ---------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_followers_get_each_change_once_in_one_message(
    console: Console, services: Services, clock: FixedClock
) -> None:
    command(console, "/action follow 50")
    command(console, "/action follow sg17 for me", user=ALICE)
    command(console, "/action follow 2 for me", user=BOB)
    clock.now += timedelta(seconds=5)
    say(console, "50-18 done")  # Resolution 50, SG17's
    say(console, "update 50-20: the report is in TSAG-TD206 <!channel>")  # Resolution 50
    say(console, "reopen 02-01", user=ALICE)  # Resolution 2: BOB hears, not ALICE
    say(console, "50-22 done", channel=FOLLOWING)  # told in the channel already

    tick(console, services)

    (channel_notice,) = notices(console.api, FOLLOWING)
    text = channel_notice.params["text"]
    assert text == "2 changes in what this channel follows: Resolution 50"
    lines = console_text(channel_notice)
    assert "50-18 marked completed — @U0BOB" in lines
    assert "50-20 note: the report is in TSAG-TD206 @channel — @U0BOB" in lines
    assert "50-22" not in lines
    assert "<!channel>" not in str(channel_notice.params["blocks"])  # escaped, not live

    (alice_dm,) = notices(console.api, "D0ALICE")  # 50-18 and 50-22 name SG17
    assert alice_dm.params["text"] == "2 changes in what you follow: SG17"
    assert "50-22 marked completed" in console_text(alice_dm)
    (bob_dm,) = notices(console.api, "D0BOB")
    assert "02-01 reopened — @U0ALICE" in console_text(bob_dm)
    assert "50-18" not in console_text(bob_dm)

    before = len(console.api.calls_to("chat.postMessage"))
    clock.now += timedelta(minutes=1)
    tick(console, services)  # a later tick tells nothing again
    assert len(console.api.calls_to("chat.postMessage")) == before


@pytest.mark.sqlite_only
def test_a_failed_notice_is_retried_and_posted_once(
    console: Console, services: Services, clock: FixedClock
) -> None:
    command(console, "/action follow 50")
    clock.now += timedelta(seconds=5)
    say(console, "50-18 done")
    console.api.fail_next("chat.postMessage", status=500)
    first = tick(console, services)
    assert [key.split(":")[0] for key in first.failed] == ["follow"]
    assert notices(console.api, FOLLOWING)[-1].status == 500
    clock.now += timedelta(minutes=2)
    again = tick(console, services)
    assert again.sent == first.failed
    posted = [call for call in notices(console.api, FOLLOWING) if call.status == 200]
    assert len(posted) == 1
    assert "50-18 marked completed" in console_text(posted[0])


def console_text(call: Call) -> str:
    blocks = call.params["blocks"]
    assert_within_limits({"blocks": blocks, "text": call.params["text"]})
    return blocks_to_text(blocks)


# -- two replicas -------------------------------------------------------------------------


@pytest.fixture
def replicas() -> Iterator[tuple[LocalWebApi, LocalServer, LocalServer]]:
    """Two servers on one fresh PostgreSQL database, with one fake Slack."""
    with (
        LocalWebApi() as fake,
        contextlib.contextmanager(fresh_postgres_database)() as url,
        in_process(fake, url, server_class=LocalServer) as first,
        in_process(fake, url, server_class=LocalServer) as second,
    ):
        yield fake, first, second


@pytest.mark.skipif(not POSTGRES_URL, reason="TSAGBOT_TEST_POSTGRES_URL is not set")
def test_two_replicas_ticking_at_once_tell_each_change_once(
    replicas: tuple[LocalWebApi, LocalServer, LocalServer],
) -> None:
    fake, first, second = replicas
    reply = first.slash_command("/action", "follow 50", user_id="U1")  # in C1
    assert reply["text"].startswith("<#C1> now follows Resolution 50")
    second.slash_command("/action", "follow 50 for me", user_id="U2")
    events = [
        message_event("50-18 done", user="U3", channel="C2", ts="1760000001.000001"),
        message_event("50-20 done", user="U3", channel="C2", ts="1760000002.000002"),
    ]
    for n, event in enumerate(events):
        for server in (first, second):  # each delivered to both, as Slack retries may
            status, _, _ = server.post(
                event_body(event, event_id=f"Ev0FOLLOW{n}"), "application/json"
            )
            assert status == 200
    first.quiet(0)
    second.quiet(0)
    now = datetime.now(UTC) + timedelta(seconds=1)
    barrier = threading.Barrier(4)

    def run(n: int) -> Delivery:
        server = (first, second)[n % 2]
        services = server.services
        barrier.wait(timeout=10)
        post = slack_poster(posting_client(services.settings))
        return Dispatcher(services.db, services.settings, services.renderer).run_tick(post, now)

    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = [key for delivery in pool.map(run, range(4)) for key in delivery.sent]
    assert sorted(key.rsplit(":", 1)[0] for key in sent) == ["follow:C1", "follow:U2"]

    for channel in ("C1", "D2"):
        posted = [c for c in notices(fake, channel) if c.status == 200]
        told = "\n".join(console_text(call) for call in posted)
        assert told.count("50-18 marked completed") == 1, told
        assert told.count("50-20 marked completed") == 1, told
    with first.services.db.unit_of_work() as session:
        keys = list(session.scalars(select(OutboxPost.key).where(OutboxPost.kind == "follow")))
    assert len(keys) == len(set(keys))
