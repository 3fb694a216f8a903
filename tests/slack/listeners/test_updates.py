"""Status updates posted in channels, exactly as Slack sends them.

What ``tsagbot serve`` runs (:func:`tests.support.serving.in_process`), on a fresh
database (a SQLite file, and a fresh PostgreSQL database when
``TSAGBOT_TEST_POSTGRES_URL`` is set), loads the bundled WTSA-20 plan, in which 50-18
and 50-20 have met their periodic goals and 50-22, 50-23 are open.  Each test sends
signed ``event_callback`` requests and checks both what the bot asked of Slack's Web
API (a :class:`LocalWebApi` on loopback, made to answer ``already_reacted`` and
``message_not_found`` as Slack does) and what the database holds.

Every request must be acknowledged with 200; as in ``serve``, the listeners run after
the acknowledgement, so their effects are waited for.  "Nothing happens" is checked by
posting a later update (a note on :data:`SENTINEL`), waiting for its reply, then until
every listener is done (over HTTP, in tests/e2e: :data:`QUIET` seconds more).

Between tests the items' flags are set back to the plan's and only rows written
since are looked at, so one server per backend serves the module; the settings
``TSAGBOT_EDITORS=U1`` and ``TSAGBOT_UPDATE_CHANNELS=C1`` get a second server, and
the race between two replicas a third one on the first one's database (tests/e2e runs
that race between two real processes).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, func, select, update
from sqlalchemy.orm import Session

from bot.cli.main import cli
from bot.posting.channel import reply_key
from bot.posting.outbox import deliver, sent_ts
from bot.slack.local_api import Call, LocalWebApi
from bot.slack.requests import (
    JSON,
    block_action_payload,
    event_body,
    interaction_body,
    message_event,
)
from bot.store.models import ActionItem, SlackMessage, StatusUpdate
from tests.support.common import BACKENDS, fresh_postgres_database
from tests.support.serving import (
    Endpoint,
    LocalServer,
    in_process,
    server_output,
    serving,
    wait_for_call,
)

ALICE, BOB = "U1", "U2"
PEOPLE = {
    ALICE: {"name": "alice", "real_name": "Alice Martin", "display_name": "Alice"},
    BOB: {"name": "bob", "real_name": "Bob Jones", "display_name": "Bob"},
}
BOT_USER, BOT_ID = "UBOT", "B1"  # LocalWebApi's own bot
CHANNEL, OTHER_CHANNEL = "C1", "C2"
UNDO = "update_undo"
REACTION = "white_check_mark"
SENTINEL = "50-27"
QUIET = 0.3
"""Seconds to wait for stray calls once the sentinel's reply has arrived, where listeners
cannot be watched (over HTTP); in this process they are waited for until done."""
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
WRITES = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "chat.delete",
        "reactions.add",
        "reactions.remove",
    }
)
TS_FIELDS = ("ts", "thread_ts", "timestamp", "message_ts")
UNDONE_WRITES = sorted(["reactions.add", "chat.postMessage", "reactions.remove", "chat.update"])
"""A message recorded, then undone: its check mark and confirmation, then both taken back
(the Undo's two posts in either order: two deliverers may each take one)."""
WAS = {"50-08": "periodic goals met", "50-18": "periodic goals met", "50-20": "periodic goals met"}
WAS |= {"50-22": "open", "50-23": "open"}  # the plan's states, as the replies word them

_stamps = itertools.count(1)


def new_ts() -> str:
    """A message timestamp no other test, nor the fake, uses."""
    n = next(_stamps)
    return f"{1_760_000_000 + n}.{n % 1_000_000:06d}"


def new_event_id() -> str:
    """An event id no other test uses (Slack's ids are unique per event)."""
    return f"Ev0{uuid.uuid4().hex[:10].upper()}"


# -- Slack's answers the fake does not give by itself -----------------------------------------


class SlackState:
    """Reactions and posted messages, so that Slack's errors for them come back as they would.

    ``reactions.add`` answers ``already_reacted`` for a reaction already there;
    ``chat.postMessage`` answers a timestamp kept here (``reply_ts``) and
    ``chat.update`` answers ``message_not_found`` for any other timestamp.
    """

    def __init__(self, fake: LocalWebApi) -> None:
        self._lock = threading.Lock()
        self._reactions: set[tuple[str, str, str]] = set()
        self._replies: dict[tuple[str, str], str] = {}
        self._posted: set[str] = set()
        fake.respond("reactions.add", self._react)
        fake.respond("chat.postMessage", self._post)
        fake.respond("chat.update", self._update)

    def _react(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (str(params.get("channel")), str(params.get("timestamp")), str(params.get("name")))
        with self._lock:
            if key in self._reactions:
                return {"ok": False, "error": "already_reacted"}
            self._reactions.add(key)
        return {"ok": True}

    def _post(self, params: dict[str, Any]) -> dict[str, Any] | None:
        channel = params.get("channel")
        if not channel or not (params.get("text") or params.get("blocks")):
            return None  # the fake's own error answer
        ts = new_ts()
        with self._lock:
            self._posted.add(ts)
            if params.get("thread_ts"):
                self._replies[(channel, params["thread_ts"])] = ts
        message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": ts}
        message.update({k: params[k] for k in ("text", "blocks", "thread_ts") if k in params})
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _update(self, params: dict[str, Any]) -> dict[str, Any] | None:
        with self._lock:
            known = params.get("ts") in self._posted
        return None if known else {"ok": False, "error": "message_not_found"}

    def reply_ts(self, channel: str, thread_ts: str) -> str:
        with self._lock:
            return self._replies[(channel, thread_ts)]


# -- what the database holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    kind: str
    text: str
    author: str
    author_id: str
    source: str
    link: str | None
    documents: list[str]
    previous: dict[str, Any]
    retracted_by: str
    message_ts: str | None


@dataclass(frozen=True)
class Item:
    completed: bool
    periodic_goals_met: bool
    updates: list[Update]
    """Written during this test, oldest first."""
    status: str = ""

    def active(self, ts: str | None = None) -> list[Update]:
        return [
            u
            for u in self.updates
            if not u.retracted_by
            and u.kind in ("completed", "periodic", "reopened", "note")
            and (ts is None or u.message_ts == ts)
        ]

    def kinds(self) -> list[str]:
        return [u.kind + (f"/{u.retracted_by}" if u.retracted_by else "") for u in self.updates]


def read_engine(url: str) -> Engine:
    """An engine for looking at (and resetting) the server's database from the test."""
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": 15})
    return create_engine(url, pool_size=2)


# -- the workspace: a server, its fake Slack and its database ----------------------------------


def permalink(channel: str, ts: str) -> str:
    return f"https://example.slack.com/archives/{channel}/p{ts.replace('.', '')}"


def mentions(call: Call, stamps: set[str]) -> bool:
    return any(call.params.get(name) in stamps for name in TS_FIELDS)


def undo_button(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    found = [
        element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == UNDO
    ]
    assert len(found) == 1, blocks
    return found[0]


def lines(call: Call) -> list[str]:
    return str(call.params["text"]).splitlines()


@dataclass
class Workspace:
    server: Endpoint
    fake: LocalWebApi
    slack: SlackState
    engine: Engine
    marks: tuple[int, int] = (0, 0)
    """The highest status_updates and slack_messages ids before this test."""

    def reset(self) -> None:
        """The plan's flags again; rows written so far are left out of what tests see."""
        table = ActionItem.__table__
        with self.engine.begin() as connection:
            connection.execute(
                update(table).values(
                    completed=table.c.doc_completed,
                    periodic_goals_met=table.c.doc_periodic_goals_met,
                )
            )
            updates = connection.scalar(select(func.coalesce(func.max(StatusUpdate.id), 0)))
            messages = connection.scalar(select(func.coalesce(func.max(SlackMessage.id), 0)))
        self.marks = (int(updates or 0), int(messages or 0))
        self.fake.clear()

    # -- sending

    def deliver(
        self, body: bytes, *, headers: dict[str, str] | None = None, to: Endpoint | None = None
    ) -> None:
        """POST an Events API body; Slack needs 200."""
        status, _, raw = (to or self.server).post(body, JSON, headers=headers)
        assert status == 200, (status, raw[:300])

    def send(self, event: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        self.deliver(event_body(event), **kwargs)
        return event

    def say(
        self, text: str, *, user: str = ALICE, channel: str = CHANNEL, **extra: Any
    ) -> dict[str, Any]:
        """A person posts ``text``; the event as sent."""
        return self.send(message_event(text, user=user, channel=channel, ts=new_ts(), **extra))

    # -- waiting for what the listeners do

    def reply(self, event: dict[str, Any], timeout: float = 5.0) -> Call:
        """The bot's (successful) reply in the thread of ``event``."""
        ts = event.get("thread_ts") or event["ts"]
        return wait_for_call(
            self.fake,
            "chat.postMessage",
            lambda call: call.status == 200 and call.params.get("thread_ts") == ts,
            timeout,
        )

    def confirmed(self, event: dict[str, Any]) -> Call:
        """The reply, once the bot has stored its timestamp (it edits the reply later)."""
        reply = self.reply(event)
        reply_ts = self.slack.reply_ts(CHANNEL, event["ts"])
        self.until(lambda: self.stored_reply(event["ts"]) == reply_ts)
        return reply

    def reaction(self, event: dict[str, Any]) -> Call:
        return wait_for_call(
            self.fake, "reactions.add", lambda call: call.params.get("timestamp") == event["ts"]
        )

    def ephemeral(self, user: str) -> Call:
        return wait_for_call(
            self.fake, "chat.postEphemeral", lambda call: call.params.get("user") == user
        )

    def updated(self, ts: str) -> Call:
        """The bot's edit (chat.update) of its message ``ts``."""
        return wait_for_call(self.fake, "chat.update", lambda call: call.params.get("ts") == ts)

    def settle(self) -> str:
        """Post a later update, wait for its reply, then for the listeners; the sentinel's ts."""
        event = self.say(f"update {SENTINEL}: sentinel")
        self.reply(event)
        self.server.quiet(QUIET)
        return str(event["ts"])

    def calls_about(self, *events: dict[str, Any], method: str | None = None) -> list[Call]:
        stamps = {str(e[key]) for e in events for key in ("ts", "deleted_ts") if e.get(key)}
        return [
            call
            for call in self.fake.calls
            if mentions(call, stamps) and (method is None or call.method == method)
        ]

    def writes_about(self, event: dict[str, Any]) -> list[str]:
        """The methods, in order, of the successful writes that concern ``event``."""
        return [c.method for c in self.calls_about(event) if c.method in WRITES and c.status == 200]

    def other_writes(self, sentinel: str) -> list[Call]:
        """Posts, reactions and edits (failed ones too) other than the sentinel's."""
        return [
            call
            for call in self.fake.calls
            if call.method in WRITES and not mentions(call, {sentinel})
        ]

    def until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Poll the database until ``condition`` holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "the database did not change in time"
            time.sleep(0.02)

    # -- the database

    def item(self, code: str) -> Item:
        with Session(self.engine) as session:
            item = session.scalars(
                select(ActionItem).where(ActionItem.code == code, ActionItem.appendix == "")
            ).one()
            rows = session.execute(
                select(StatusUpdate, SlackMessage.ts)
                .outerjoin(SlackMessage, StatusUpdate.message_id == SlackMessage.id)
                .where(StatusUpdate.item_id == item.id, StatusUpdate.id > self.marks[0])
                .order_by(StatusUpdate.id)
            ).all()
            updates = [
                Update(
                    u.kind,
                    u.words,
                    u.author,
                    u.author_id,
                    u.source,
                    u.link,
                    list(u.documents or []),
                    dict(u.previous or {}),
                    u.retracted_by,
                    ts,
                )
                for u, ts in rows
            ]
            return Item(item.completed, item.periodic_goals_met, updates, item.status)

    def message(self, ts: str) -> SlackMessage | None:
        with Session(self.engine) as session:
            return session.scalars(select(SlackMessage).where(SlackMessage.ts == ts)).first()

    def stored_reply(self, ts: str) -> str | None:
        """Where the outbox says the confirmation of the message ``ts`` was posted."""
        message = self.message(ts)
        if message is None:
            return None
        with Session(self.engine) as session:
            return sent_ts(session, reply_key(message.id))

    def recorded(self) -> list[str]:
        """Timestamps of the messages recorded during this test."""
        with Session(self.engine) as session:
            query = select(SlackMessage.ts).where(SlackMessage.id > self.marks[1])
            return list(session.scalars(query.order_by(SlackMessage.id)))

    def assert_untouched(self, *codes: str) -> None:
        for code in codes:
            item = self.item(code)
            assert (item.completed, item.periodic_goals_met) == (False, WAS[code] != "open")
            assert item.updates == [], item.kinds()

    # -- the Undo button

    def click_undo(self, reply: Call, *, user: str = ALICE) -> Call:
        """Press the reply's Undo button; the bot's answer: the confirmation updated in
        place (``chat.update``, through the outbox), or a refusal said to the presser alone
        (the click's ``response_url``)."""
        button = undo_button(reply.params["blocks"])
        channel, thread = reply.params["channel"], reply.params["thread_ts"]
        reply_ts = self.slack.reply_ts(channel, thread)
        name = f"undo-{uuid.uuid4().hex[:8]}"
        payload = block_action_payload(
            UNDO,
            button["value"],
            user_id=user,
            user_name=PEOPLE[user]["name"],
            channel_id=channel,
            message_ts=reply_ts,
            response_url=self.fake.response_url(name),
            message={
                "type": "message",
                "user": BOT_USER,
                "bot_id": BOT_ID,
                "ts": reply_ts,
                "thread_ts": thread,
                "text": reply.params["text"],
                "blocks": reply.params["blocks"],
            },
        )
        clicked = time.time()
        status, _, raw = self.server.post(interaction_body(payload))
        assert status == 200, raw[:300]
        self.server.quiet(QUIET)
        refusals = [c for c in self.fake.calls_to("response_url") if c.path.endswith(f"/{name}")]
        if refusals:
            return refusals[0]
        return wait_for_call(
            self.fake,
            "chat.update",
            lambda call: call.params.get("ts") == reply_ts and call.at >= clicked,
        )


def changed(original: dict[str, Any], text: str, **message_extra: Any) -> dict[str, Any]:
    """The ``message_changed`` event Slack sends when ``original`` is edited to ``text``.

    The same text is an unfurl (``attachments`` added), not an edit by a person.
    """
    now = new_ts()
    before = {k: v for k, v in original.items() if k not in ("channel", "event_ts", "channel_type")}
    after = {**before, "text": text, **message_extra}
    if text != original.get("text"):
        after["edited"] = {"user": original.get("user", ""), "ts": now}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "message": after,
        "channel": original["channel"],
        "previous_message": before,
        "event_ts": now,
        "ts": now,
        "channel_type": "channel",
    }


def deleted(original: dict[str, Any]) -> dict[str, Any]:
    """The ``message_deleted`` event Slack sends when ``original`` is deleted."""
    now = new_ts()
    before = {k: v for k, v in original.items() if k not in ("channel", "event_ts", "channel_type")}
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "deleted_ts": original["ts"],
        "channel": original["channel"],
        "previous_message": before,
        "event_ts": now,
        "ts": now,
        "channel_type": "channel",
    }


# -- servers ------------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'tsagbot.sqlite3'}"
    else:
        with contextlib.contextmanager(fresh_postgres_database)() as url:
            yield url


@contextlib.contextmanager
def workspace(
    backend: str, folder: Path, env: dict[str, str] | None = None, *, real_process: bool = False
) -> Iterator[Workspace]:
    """A server on a fresh database and its fake Slack: in this process, or (``real_process``)
    ``tsagbot serve`` over HTTP, as tests/e2e uses it."""
    with LocalWebApi() as fake, fresh_database(backend, folder) as url:
        if real_process:
            server: contextlib.AbstractContextManager[Endpoint] = serving(
                folder, fake, database_url=url, env=env
            )
        else:
            server = in_process(fake, url, env=env)
        with server as running:
            fake.users.update(PEOPLE)
            engine = read_engine(url)
            try:
                yield Workspace(running, fake, SlackState(fake), engine)
            finally:
                engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def _plain(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with workspace(backend, tmp_path_factory.mktemp(f"updates-{backend}")) as running:
        yield running


@pytest.fixture(scope="module")
def _restricted(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    env = {"TSAGBOT_EDITORS": ALICE, "TSAGBOT_UPDATE_CHANNELS": CHANNEL}
    with workspace(backend, tmp_path_factory.mktemp(f"restricted-{backend}"), env) as running:
        yield running


@pytest.fixture
def replica(_plain: Workspace) -> Iterator[LocalServer]:
    """A second server on the same database and the same fake Slack, for one test: left
    running, its inbox worker would deliver the outbox too (every two seconds) and take
    a post from under the next test that counts them."""
    with in_process(_plain.fake, _plain.server.database_url) as server:
        yield server


@pytest.fixture
def ws(_plain: Workspace) -> Iterator[Workspace]:
    """The server with default settings, its flags reset."""
    _plain.reset()
    with server_output(_plain.server):
        yield _plain


@pytest.fixture
def restricted(_restricted: Workspace) -> Iterator[Workspace]:
    """A server with TSAGBOT_EDITORS=U1 and TSAGBOT_UPDATE_CHANNELS=C1."""
    _restricted.reset()
    with server_output(_restricted.server):
        yield _restricted


WORDING_ON_SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True, scope="module")
"""For the tables of wordings: what a message means does not depend on the database engine,
and the way through the store of each kind of update runs on PostgreSQL in the tests below."""

# -- what counts as an update -------------------------------------------------------------------

POSITIVE: list[tuple[str, list[tuple[str, str]]]] = [
    # completed
    ("50-18 done", [("50-18", "completed")]),
    ("50-18 complete", [("50-18", "completed")]),
    ("50-18 completed", [("50-18", "completed")]),
    ("50-18 finished", [("50-18", "completed")]),
    ("50-18 finalised", [("50-18", "completed")]),
    ("50-18 is closed", [("50-18", "completed")]),
    ("50-18 has been completed", [("50-18", "completed")]),
    ("50-18 ✅", [("50-18", "completed")]),
    ("50-18 ✔️", [("50-18", "completed")]),
    ("50-18 ☑️", [("50-18", "completed")]),
    ("50-18 :white_check_mark:", [("50-18", "completed")]),
    ("50-18 :heavy_check_mark:", [("50-18", "completed")]),
    ("50-18 :ballot_box_with_check:", [("50-18", "completed")]),
    ("closed 50-18", [("50-18", "completed")]),
    ("Done: 50-18", [("50-18", "completed")]),
    ("complete: 50-18", [("50-18", "completed")]),
    ("marked 50-18 as done", [("50-18", "completed")]),
    ("50-18 and 50-20 done", [("50-18", "completed"), ("50-20", "completed")]),
    ("50-22, 50-23 done", [("50-22", "completed"), ("50-23", "completed")]),
    ("50-18/50-20 done", [("50-18", "completed"), ("50-20", "completed")]),
    ("50-18 &amp; 50-20 closed", [("50-18", "completed"), ("50-20", "completed")]),
    # periodic goals met
    ("periodic goals met for 50-22", [("50-22", "periodic")]),
    ("50-22 periodic goals achieved", [("50-22", "periodic")]),
    ("50-22 met its periodic goals", [("50-22", "periodic")]),
    ("50-22 on track", [("50-22", "periodic")]),
    # reopened (after a first message completed the item)
    ("reopen 50-18", [("50-18", "reopened")]),
    ("50-18 reopened", [("50-18", "reopened")]),
    ("re-opened 50-18", [("50-18", "reopened")]),
    ("50-18 open again", [("50-18", "reopened")]),
    ("50-18 not done after all", [("50-18", "reopened")]),
    # notes
    ("update 50-18: SG2 agreed the text", [("50-18", "note")]),
    ("note 50-18 - waiting for SG17", [("50-18", "note")]),
    ("status update on 50-18: draft in TD300", [("50-18", "note")]),
    ("50-18: SG17 sent an LS to SG2", [("50-18", "note")]),
    ("fyi 50-18: LS sent", [("50-18", "note")]),
    # several at once
    ("50-18 done. Note 50-18: see TD206", [("50-18", "completed"), ("50-18", "note")]),
    (
        "Status from SG17:\n50-18 done\n50-22 on track",
        [("50-18", "completed"), ("50-22", "periodic")],
    ),
    # forgiving ids
    ("50-8 done", [("50-08", "completed")]),
    ("50\u201118 done", [("50-18", "completed")]),  # non-breaking hyphen
    ("50\u201318 done", [("50-18", "completed")]),  # en dash
    ("50.18 done", [("50-18", "completed")]),
    ("R50-18 done", [("50-18", "completed")]),
    ("res 50 item 18 done", [("50-18", "completed")]),
    ("Resolution 50, item 18 done", [("50-18", "completed")]),
]

FLAGS = {"completed": {"completed": True}, "periodic": {"periodic_goals_met": True}}
FLAGS |= {"reopened": {"completed": False}, "note": {}}


def describe(code: str, kind: str) -> str:
    """The reply's line for an update of an item in the plan's state (reopened: completed);
    for a note, how it starts (the note follows, quoted)."""
    if kind == "note":
        return f"{code}: note recorded: “"
    if kind == "reopened":
        return f"{code} reopened (was: completed)"
    verb = {"completed": "marked completed", "periodic": "marked periodic goals met"}[kind]
    return f"{code} {verb} (was: {WAS[code]})"


@WORDING_ON_SQLITE
@pytest.mark.parametrize(("text", "expected"), POSITIVE, ids=[text for text, _ in POSITIVE])
def test_each_form_of_update_is_recorded(
    ws: Workspace, text: str, expected: list[tuple[str, str]]
) -> None:
    for code in sorted({code for code, kind in expected if kind == "reopened"}):
        ws.reply(ws.say(f"{code} done"))
    event = ws.say(text)
    reply = ws.reply(event)
    described = [describe(code, kind) for code, kind in expected]
    said = lines(reply)
    assert [line[: len(start)] for line, start in zip(said, described, strict=True)] == described
    assert ws.reaction(event).params["name"] == REACTION
    for code in {code for code, _ in expected}:
        item = ws.item(code)
        mine = [(code, kind) for code_, kind in expected if code_ == code]
        assert [(code, u.kind) for u in item.active(event["ts"])] == mine
        state = {"completed": False, "periodic_goals_met": WAS[code] != "open"}
        for _, kind in mine:
            state |= FLAGS[kind]
        assert {"completed": item.completed, "periodic_goals_met": item.periodic_goals_met} == state
    assert len(ws.calls_about(event, method="chat.postMessage")) == 1


def test_done_with_a_document_is_recorded_and_confirmed_in_the_thread(ws: Workspace) -> None:
    event = ws.say("50-18 done, see TD206")
    reply = ws.reply(event)
    reaction = ws.reaction(event)
    sentinel = ws.settle()

    assert reaction.params | {"team_id": "T1"} == {
        "channel": CHANNEL,
        "timestamp": event["ts"],
        "name": REACTION,
        "team_id": "T1",
    }
    assert reply.params["channel"] == CHANNEL
    assert reply.params["thread_ts"] == event["ts"]
    assert reply.params["text"] == "50-18 marked completed (was: periodic goals met)"
    assert reply.params["blocks"][0]["text"]["text"] == reply.params["text"]
    message = ws.message(event["ts"])
    assert message is not None
    button = undo_button(reply.params["blocks"])
    assert (button["text"]["text"], button["value"]) == ("Undo", str(message.id))
    assert ws.stored_reply(event["ts"]) == ws.slack.reply_ts(CHANNEL, event["ts"])
    assert message.permalink == permalink(CHANNEL, event["ts"])
    assert (message.user_id, message.channel, message.team_id) == (ALICE, CHANNEL, "T1")
    # exactly one reply and one reaction; nothing else was posted
    assert ws.writes_about(event) == ["reactions.add", "chat.postMessage"]
    assert sorted(c.method for c in ws.other_writes(sentinel)) == [
        "chat.postMessage",
        "reactions.add",
    ]

    shown = show_json(ws.server.database_url, "50-18")
    assert (shown["completed"], shown["periodic_goals_met"]) == (True, True)
    mine = [u for u in shown["updates"] if u["link"] == permalink(CHANNEL, event["ts"])]
    assert len(mine) == 1
    assert mine[0] | {"created_at": ""} == {
        "kind": "completed",
        "text": "50-18 done, see TD206",
        "author": "Alice",
        "author_id": ALICE,
        "reporter_id": "",  # the poster reported it: no one else's words
        "source": "slack",
        "link": permalink(CHANNEL, event["ts"]),
        "documents": ["TD206"],
        "previous": {"completed": False, "periodic_goals_met": True},
        "created_at": "",
    }


def show_json(database_url: str, code: str) -> dict[str, Any]:
    """``tsagbot show CODE --json`` on the server's database."""
    unset: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("SLACK_", "TSAGBOT_"))
    }
    done = CliRunner().invoke(cli, ["--db", database_url, "show", code, "--json"], env=unset)
    assert done.exit_code == 0, done.output
    shown: dict[str, Any] = json.loads(done.stdout)
    return shown


# -- what does not count ------------------------------------------------------------------------


def _texts(*texts: str) -> Callable[[], list[dict[str, Any]]]:
    return lambda: [message_event(text, ts=new_ts()) for text in texts]


def _bots() -> list[dict[str, Any]]:
    other_app = message_event("50-18 done", user="U0OTHERBOT", ts=new_ts(), bot_id="B2")
    legacy = message_event("50-18 done", ts=new_ts(), subtype="bot_message", bot_id="B2")
    legacy.pop("user")
    legacy["username"] = "otherbot"
    own_user = message_event("50-18 done", user=BOT_USER, ts=new_ts())
    own_bot = message_event("50-18 done", user=BOT_USER, ts=new_ts(), bot_id=BOT_ID)
    return [other_app, legacy, own_user, own_bot]


def _subtypes() -> list[dict[str, Any]]:
    return [
        message_event("50-18 done", user=BOB, ts=new_ts(), subtype="channel_join"),
        message_event(
            "<@U2> has joined the channel", user=BOB, ts=new_ts(), subtype="channel_join"
        ),
        message_event("50-18 done", user=BOB, ts=new_ts(), subtype="channel_leave"),
        message_event("set the channel topic: 50-18 done", ts=new_ts(), subtype="channel_topic"),
    ]


EXPLAINED = (
    "50-18 not done",
    "50-18 isn't done yet",
    "50-18 is not completed",
    "50-18: not done yet",
    "50-18 almost done",
    "50-18 will be done next week",
    "50-18 done next week",
    "maybe 50-18 done",
    "need to reopen 50-18",
    "50-18 or 50-20 done",
    "50-18 to 50-22 done",
    "50-18",
)
"""Messages about items that record nothing: each poster is told why, alone."""

NEGATIVE: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "requests": _texts("close 50-18", "see 50-18 for context"),
    "questions without status": _texts(
        "can someone look at 50-18?", "what about 50-18?", "who owns 50-18?"
    ),
    "ids in links, code and quotes": _texts(
        "see https://example.com/50-18 done",
        "<https://wiki.example.org/50-18|tracker> done",
        "`50-18 done`",
        "```50-18 done```",
        "&gt; 50-18 done",
        "~50-18 done~",
    ),
    "mentions without a status word": _texts(
        "<@U2> 50-18", "<@UBOT> 50-18", "cc <@U2> on 50-18 and 50-20", "hello"
    ),
    "bot messages": _bots,
    "channel_join, channel_leave, channel_topic": _subtypes,
}


@WORDING_ON_SQLITE
@pytest.mark.parametrize("make", NEGATIVE.values(), ids=NEGATIVE.keys())
def test_what_is_not_an_update_changes_nothing_and_posts_nothing(
    ws: Workspace, make: Callable[[], list[dict[str, Any]]]
) -> None:
    events = make()
    for event in events:
        ws.send(event)
    sentinel = ws.settle()
    assert ws.calls_about(*events) == []
    assert ws.other_writes(sentinel) == []
    assert ws.recorded() == [sentinel]
    ws.assert_untouched("50-18", "50-20", "50-22")


def test_what_records_nothing_is_explained_to_its_poster_alone(ws: Workspace) -> None:
    events = [ws.say(text, user=BOB) for text in EXPLAINED]
    sentinel = ws.settle()
    hints = [call for call in ws.other_writes(sentinel) if call.method == "chat.postEphemeral"]
    assert len(hints) == len(ws.other_writes(sentinel)) == len(EXPLAINED)
    assert all(hint.params["user"] == BOB and hint.status == 200 for hint in hints)
    assert all(hint.params["text"].startswith("Nothing recorded for 50-") for hint in hints)
    assert ws.calls_about(*events) == []  # no reaction, no reply
    assert ws.recorded() == [sentinel]
    ws.assert_untouched("50-18", "50-20", "50-22")


def test_a_status_question_is_answered_in_its_thread(ws: Workspace) -> None:
    asked = ws.say("is 50-18 done?")
    answer = ws.reply(asked)
    assert answer.params["text"].startswith(
        "50-18: periodic goals met, not completed (milestone: Ongoing"
    )
    assert "blocks" not in answer.params

    ws.reply(ws.say("50-18 done"))
    in_thread = ws.say("has 50-18 been closed?", thread_ts=asked["ts"])
    second = wait_for_call(
        ws.fake,
        "chat.postMessage",
        lambda call: call.params.get("thread_ts") == asked["ts"] and call is not answer,
    )
    assert second.params["text"].startswith("50-18: completed")
    unknown = ws.say("is 50-99 done?")
    assert ws.reply(unknown).params["text"] == "50-99 is not in the action plan."

    sentinel = ws.settle()
    assert ws.writes_about(asked) == ["chat.postMessage", "chat.postMessage"]
    assert ws.writes_about(unknown) == ["chat.postMessage"]
    assert ws.calls_about(asked, unknown, in_thread, method="reactions.add") == []
    recorded = ws.recorded()
    assert asked["ts"] not in recorded
    assert in_thread["ts"] not in recorded
    assert len(ws.other_writes(sentinel)) == 5  # 3 answers, the "done" and its reaction


def test_an_unknown_id_is_explained_to_its_author_alone(ws: Workspace) -> None:
    event = ws.say("50-99 done")
    told = ws.ephemeral(ALICE)
    sentinel = ws.settle()
    assert told.params["channel"] == CHANNEL
    match = re.fullmatch(
        r"50-99 is not in the action plan \(closest: ([^)]+)\)\. Nothing was recorded for it\.",
        told.params["text"],
    )
    assert match, told.params["text"]
    closest = match.group(1).split(", ")
    assert 1 <= len(closest) <= 3
    assert all(re.fullmatch(r"50-\d\d", c) for c in closest)
    assert ws.writes_about(event) == []
    assert ws.recorded() == [sentinel]
    ws.assert_untouched("50-18")


def test_a_known_and_an_unknown_id_record_the_known_one(ws: Workspace) -> None:
    event = ws.say("50-18 and 50-99 done")
    assert lines(ws.reply(event)) == ["50-18 marked completed (was: periodic goals met)"]
    assert ws.ephemeral(ALICE).params["text"].startswith("50-99 is not in the action plan")
    assert ws.item("50-18").completed


def test_an_update_in_a_thread_is_confirmed_in_that_thread(ws: Workspace) -> None:
    parent = ws.say("SG17 status")
    event = ws.say("50-18 done", thread_ts=parent["ts"])
    reply = ws.reply(event)
    assert reply.params["thread_ts"] == parent["ts"]
    assert ws.reaction(event).params["timestamp"] == event["ts"]


# -- Undo -----------------------------------------------------------------------------------


def test_undo_restores_the_state_and_replaces_the_confirmation(ws: Workspace) -> None:
    event = ws.say("50-18 done, see TD206")
    reply = ws.reply(event)
    assert ws.item("50-18").completed

    answer = ws.click_undo(reply)
    assert (answer.method, answer.params["channel"]) == ("chat.update", CHANNEL)
    assert answer.params["text"] == "50-18 back to periodic goals met (was: completed)"
    blocks = answer.params["blocks"]
    assert [b["type"] for b in blocks] == ["section", "context"]  # no Undo button any more
    assert blocks[1]["elements"][0]["text"] == f"Taken back by <@{ALICE}>."
    item = ws.item("50-18")
    assert (item.completed, item.periodic_goals_met) == (False, True)
    assert item.kinds() == ["completed/undo", "undo"]
    assert (item.updates[1].author, item.updates[1].author_id) == ("Alice", ALICE)

    again = ws.click_undo(reply)
    assert again.params["replace_original"] is False
    assert again.params["text"] == "Already undone."
    assert ws.item("50-18").kinds() == ["completed/undo", "undo"]


def test_only_the_author_may_undo_without_editors(ws: Workspace) -> None:
    reply = ws.reply(ws.say("50-18 done"))
    answer = ws.click_undo(reply, user=BOB)
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["replace_original"] is False
    assert answer.params["text"].startswith("Only the person who posted the update")
    item = ws.item("50-18")
    assert item.completed
    assert item.kinds() == ["completed"]


# -- permissions ------------------------------------------------------------------------------


def test_a_non_editor_cannot_change_flags(restricted: Workspace) -> None:
    event = restricted.say("50-18 done", user=BOB)
    told = restricted.ephemeral(BOB)
    sentinel = restricted.settle()
    assert told.params["channel"] == CHANNEL
    assert "Only the action plan's editors" in told.params["text"]
    assert restricted.writes_about(event) == []
    assert [c.method for c in restricted.other_writes(sentinel)] == ["chat.postEphemeral"]
    assert restricted.recorded() == [sentinel]
    restricted.assert_untouched("50-18")


def test_a_non_editor_note_is_recorded_and_an_editor_may_undo_it(restricted: Workspace) -> None:
    event = restricted.say("update 50-18: SG17 sent the LS to SG2", user=BOB)
    reply = restricted.reply(event)
    assert reply.params["text"] == "50-18: note recorded: “SG17 sent the LS to SG2”"
    item = restricted.item("50-18")
    assert (item.completed, item.periodic_goals_met) == (False, True)
    (note,) = item.updates
    assert (note.kind, note.text, note.author, note.author_id) == (
        "note",
        "SG17 sent the LS to SG2",
        "Bob",
        BOB,
    )

    answer = restricted.click_undo(reply, user=ALICE)  # an editor, not the author
    assert answer.method == "chat.update"
    assert (
        answer.params["text"]
        == "50-18: update taken back, no change (periodic goals met, not completed)"
    )
    assert restricted.item("50-18").kinds() == ["note/undo", "undo"]


def test_a_non_editor_cannot_undo_an_editors_update(restricted: Workspace) -> None:
    reply = restricted.reply(restricted.say("50-18 done"))
    answer = restricted.click_undo(reply, user=BOB)
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["replace_original"] is False
    assert answer.params["text"].startswith("Only the person who posted the update")
    item = restricted.item("50-18")
    assert item.completed
    assert item.kinds() == ["completed"]


def test_messages_outside_the_update_channels_are_ignored(restricted: Workspace) -> None:
    events = [
        restricted.say("50-18 done", channel=OTHER_CHANNEL),
        restricted.say("is 50-18 done?", channel=OTHER_CHANNEL),
        restricted.say("update 50-20: elsewhere", channel=OTHER_CHANNEL),
    ]
    sentinel = restricted.settle()
    assert restricted.calls_about(*events) == []
    assert restricted.other_writes(sentinel) == []
    assert restricted.recorded() == [sentinel]
    restricted.assert_untouched("50-18", "50-20")


# -- edits ------------------------------------------------------------------------------------


def test_an_edited_document_is_corrected_without_a_second_update(ws: Workspace) -> None:
    event = ws.say("50-18 done, see TD206")
    ws.confirmed(event)
    ws.send(changed(event, "50-18 done, see TD207"))
    ws.until(lambda: [u.documents for u in ws.item("50-18").updates] == [["TD207"]])
    sentinel = ws.settle()

    item = ws.item("50-18")
    assert item.kinds() == ["completed"]
    assert item.updates[0].text == "50-18 done, see TD207"
    assert item.completed
    message = ws.message(event["ts"])
    assert message is not None
    assert message.text == "50-18 done, see TD207"
    assert message.edited_at is not None
    assert ws.writes_about(event) == ["reactions.add", "chat.postMessage"]
    assert len(ws.other_writes(sentinel)) == 2


def test_an_edit_to_another_item_moves_the_completion(ws: Workspace) -> None:
    event = ws.say("50-18 done, see TD206")
    reply = ws.confirmed(event)
    ws.send(changed(event, "50-20 done"))
    reply_ts = ws.slack.reply_ts(CHANNEL, event["ts"])
    edit = ws.updated(reply_ts)

    assert lines(edit) == [
        "50-18 back to periodic goals met (was: completed)",
        "50-20 marked completed (was: periodic goals met)",
    ]
    assert (
        undo_button(edit.params["blocks"])["value"] == undo_button(reply.params["blocks"])["value"]
    )
    first, second = ws.item("50-18"), ws.item("50-20")
    assert (first.completed, first.periodic_goals_met) == (False, True)
    assert first.kinds() == ["completed/edit", "edit"]
    assert second.completed
    assert second.kinds() == ["completed"]
    assert second.updates[0].message_ts == event["ts"]
    assert len(ws.calls_about(event, method="chat.postMessage")) == 1


def test_an_edit_into_chatter_takes_the_update_back(ws: Workspace) -> None:
    event = ws.say("50-18 done")
    ws.confirmed(event)
    ws.send(changed(event, "50-18 not done yet, sorry"))
    edit = ws.updated(ws.slack.reply_ts(CHANNEL, event["ts"]))
    assert lines(edit) == ["50-18 back to periodic goals met (was: completed)"]
    item = ws.item("50-18")
    assert (item.completed, item.kinds()) == (False, ["completed/edit", "edit"])


def test_an_edit_of_chatter_into_an_update_records_it(ws: Workspace) -> None:
    event = ws.say("50-18 dnoe")
    ws.send(changed(event, "50-18 done"))
    reply = ws.reply(event)
    assert lines(reply) == ["50-18 marked completed (was: periodic goals met)"]
    assert ws.reaction(event).params["name"] == REACTION
    item = ws.item("50-18")
    assert item.completed
    assert [u.message_ts for u in item.active()] == [event["ts"]]


def test_an_unfurl_changes_nothing(ws: Workspace) -> None:
    text = "50-18 done, see <https://www.itu.int/md/T22-TSAG-230530-TD-GEN-0206|TD206>"
    event = ws.say(text)
    ws.reply(event)
    unfurl = {
        "from_url": "https://www.itu.int/md/T22-TSAG-230530-TD-GEN-0206",
        "title": "TD206: Report of the Rapporteur",
        "id": 1,
    }
    ws.send(changed(event, text, attachments=[unfurl]))
    sentinel = ws.settle()
    assert [c.method for c in ws.calls_about(event)] == [
        "reactions.add",
        "chat.postMessage",
    ]
    assert len(ws.other_writes(sentinel)) == 2
    item = ws.item("50-18")
    assert item.kinds() == ["completed"]
    assert item.updates[0].documents == ["TD206"]


def test_edits_of_bot_messages_are_ignored(ws: Workspace) -> None:
    event = ws.say("50-18 done")
    reply = ws.reply(event)
    reply_ts = ws.slack.reply_ts(CHANNEL, event["ts"])
    own = {
        "type": "message",
        "user": BOT_USER,
        "bot_id": BOT_ID,
        "text": reply.params["text"],
        "ts": reply_ts,
        "thread_ts": event["ts"],
        "channel": CHANNEL,
    }
    other = message_event("50-20 pending", ts=new_ts(), subtype="bot_message", bot_id="B2")
    other.pop("user")
    edits = [changed(own, "50-20 done"), changed(other, "50-20 done")]
    for edit in edits:
        ws.send(edit)
    sentinel = ws.settle()
    assert ws.calls_about(other, *edits) == []
    assert sorted(c.method for c in ws.other_writes(sentinel)) == [
        "chat.postMessage",
        "reactions.add",
    ]
    ws.assert_untouched("50-20")
    assert ws.item("50-18").kinds() == ["completed"]


# -- deletes ----------------------------------------------------------------------------------


def test_a_deleted_message_is_taken_back(ws: Workspace) -> None:
    event = ws.say("50-18 done")
    ws.confirmed(event)
    gone = deleted(event)
    ws.send(gone)
    ws.send(gone, headers=RETRY)  # delivered twice: taken back once
    edit = ws.updated(ws.slack.reply_ts(CHANNEL, event["ts"]))
    sentinel = ws.settle()
    assert lines(edit) == [
        "The message was deleted; its updates are taken back:",
        "50-18 back to periodic goals met (was: completed)",
    ]
    assert edit.params.get("blocks") in ([], None, "[]")
    item = ws.item("50-18")
    assert (item.completed, item.periodic_goals_met) == (False, True)
    assert item.kinds() == ["completed/delete", "delete"]
    message = ws.message(event["ts"])
    assert message is not None
    assert message.deleted
    assert ws.calls_about(edit.params, method="chat.update") == [edit]
    assert len(ws.other_writes(sentinel)) == 3


def test_a_deleted_message_leaves_a_later_update_standing(ws: Workspace) -> None:
    first = ws.say("50-18 done")
    ws.confirmed(first)
    later = ws.say("50-18 ✅ SG17 confirmed")
    assert lines(ws.confirmed(later)) == ["50-18: recorded, no change (completed)"]
    ws.send(deleted(first))
    edit = ws.updated(ws.slack.reply_ts(CHANNEL, first["ts"]))
    assert lines(edit)[1:] == ["50-18: update taken back, no change (completed)"]
    item = ws.item("50-18")
    assert item.completed
    assert item.kinds() == ["completed/delete", "completed", "delete"]
    assert item.updates[2].text.endswith("(a later update stands, so the state is kept)")


def test_deleting_an_undone_message_leaves_the_undone_confirmation(ws: Workspace) -> None:
    event = ws.say("50-18 done")
    reply = ws.confirmed(event)
    ws.click_undo(reply)
    ws.send(deleted(event))
    ws.until(lambda: getattr(ws.message(event["ts"]), "deleted", False))
    sentinel = ws.settle()
    # the Undo's own update of the confirmation; the deletion adds none: it says
    # "Taken back by ..." already
    assert [c.params["text"] for c in ws.fake.calls_to("chat.update")] == [
        "50-18 back to periodic goals met (was: completed)"
    ]
    assert sorted(c.method for c in ws.other_writes(sentinel)) == UNDONE_WRITES
    item = ws.item("50-18")
    assert (item.completed, item.kinds()) == (False, ["completed/undo", "undo"])


def test_an_edit_after_undo_records_nothing_and_says_nothing(ws: Workspace) -> None:
    event = ws.say("50-18 done")
    reply = ws.confirmed(event)
    ws.click_undo(reply)
    ws.send(changed(event, "50-18 and 50-20 done, see TD206"))
    sentinel = ws.settle()
    # nothing but the Undo's own writes: the reply still says "Taken back by ..."
    assert sorted(c.method for c in ws.other_writes(sentinel)) == UNDONE_WRITES
    item = ws.item("50-18")
    assert (item.completed, item.kinds()) == (False, ["completed/undo", "undo"])
    assert item.updates[0].text == "50-18 done"
    ws.assert_untouched("50-20")


def test_deleting_both_completions_reopens_the_item(ws: Workspace) -> None:
    first = ws.say("50-18 done")
    ws.confirmed(first)
    later = ws.say("50-18 ✅ SG17 confirmed")
    ws.confirmed(later)
    ws.send(deleted(first))
    ws.updated(ws.slack.reply_ts(CHANNEL, first["ts"]))
    ws.send(deleted(later))
    ws.updated(ws.slack.reply_ts(CHANNEL, later["ts"]))
    assert not ws.item("50-18").completed  # no message says it is completed any more


# -- exactly once -----------------------------------------------------------------------------


def assert_recorded_once(ws: Workspace, event: dict[str, Any], sentinel: str) -> None:
    item = ws.item("50-18")
    assert item.kinds() == ["completed"]
    assert item.completed
    assert ws.recorded() == [event["ts"], sentinel]
    # once each, in either order: the worker and a retry may each deliver one of them
    assert sorted(ws.writes_about(event)) == ["chat.postMessage", "reactions.add"]
    assert len([c for c in ws.other_writes(sentinel) if c.status == 200]) == 2


def test_a_retried_delivery_counts_once(ws: Workspace) -> None:
    event = message_event("50-18 done", ts=new_ts())
    body = event_body(event, event_id=new_event_id())
    ws.deliver(body)
    ws.deliver(body, headers=RETRY)
    ws.reply(event)
    assert_recorded_once(ws, event, ws.settle())


def test_one_message_under_two_event_ids_counts_once(ws: Workspace) -> None:
    event = message_event("50-18 done", ts=new_ts())
    ws.deliver(event_body(event, event_id=new_event_id()))
    ws.reply(event)
    ws.deliver(event_body(event, event_id=new_event_id()))
    assert_recorded_once(ws, event, ws.settle())


@pytest.mark.parametrize("replicas", [1, 2], ids=["one server", "two replicas"])
def test_identical_events_at_once_count_once(
    ws: Workspace, replicas: int, request: pytest.FixtureRequest
) -> None:
    servers = [ws.server] if replicas == 1 else [ws.server, request.getfixturevalue("replica")]
    event = message_event("50-18 done", ts=new_ts())
    body = event_body(event, event_id=new_event_id())
    senders = 4
    barrier = threading.Barrier(senders)

    def send(n: int) -> None:
        barrier.wait(timeout=10)
        ws.deliver(body, headers=RETRY if n else None, to=servers[n % len(servers)])

    with ThreadPoolExecutor(max_workers=senders) as pool:
        list(pool.map(send, range(senders)))
    ws.reply(event)
    assert_recorded_once(ws, event, ws.settle())


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(0)`` ... ``work(count - 1)`` in threads released together."""
    barrier = threading.Barrier(count)

    def run(n: int) -> Any:
        barrier.wait(timeout=10)
        return work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_an_edit_delivered_at_once_twice_counts_once(ws: Workspace) -> None:
    event = ws.say("50-18 done")
    ws.confirmed(event)
    body = event_body(changed(event, "50-20 done"), event_id=new_event_id())
    at_once(4, lambda n: ws.deliver(body, headers=RETRY if n else None))
    reply_ts = ws.slack.reply_ts(CHANNEL, event["ts"])
    ws.updated(reply_ts)
    ws.settle()
    assert ws.item("50-18").kinds() == ["completed/edit", "edit"]
    second = ws.item("50-20")
    assert second.completed
    assert second.kinds() == ["completed"]
    updates = [c for c in ws.fake.calls_to("chat.update") if c.params["ts"] == reply_ts]
    assert len(updates) == 1


def test_a_delete_delivered_at_once_twice_counts_once(ws: Workspace) -> None:
    event = ws.say("50-18 done")
    ws.confirmed(event)
    body = event_body(deleted(event), event_id=new_event_id())
    at_once(4, lambda n: ws.deliver(body, headers=RETRY if n else None))
    reply_ts = ws.slack.reply_ts(CHANNEL, event["ts"])
    ws.updated(reply_ts)
    ws.settle()
    item = ws.item("50-18")
    assert (item.completed, item.kinds()) == (False, ["completed/delete", "delete"])
    updates = [c for c in ws.fake.calls_to("chat.update") if c.params["ts"] == reply_ts]
    assert len(updates) == 1


def test_undo_clicked_twice_at_once_counts_once(ws: Workspace) -> None:
    reply = ws.confirmed(ws.say("50-18 done"))
    answers = at_once(2, lambda _n: ws.click_undo(reply))
    assert sorted(a.params["text"] for a in answers) == [
        "50-18 back to periodic goals met (was: completed)",
        "Already undone.",
    ]
    item = ws.item("50-18")
    assert (item.completed, item.kinds()) == (False, ["completed/undo", "undo"])


# -- Slack failing ----------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True, scope="module")
def test_a_rate_limited_reply_waits_and_is_posted_once(ws: Workspace) -> None:
    """Slack's pause is the client's, whatever the database (it waits a real second)."""
    ws.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    event = ws.say("50-18 done")
    reply = ws.reply(event, timeout=10)
    sentinel = ws.settle()
    posts = ws.calls_about(event, method="chat.postMessage")
    assert [call.status for call in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.9  # Retry-After: 1 was respected
    assert reply.params["text"] == "50-18 marked completed (was: periodic goals met)"
    assert_recorded_once(ws, event, sentinel)
    assert ws.stored_reply(event["ts"]) == ws.slack.reply_ts(CHANNEL, event["ts"])


def retry_outbox(ws: Workspace, after: timedelta) -> None:
    """The outbox's next attempt, as the worker makes it ``after`` from now."""
    server = ws.server
    assert isinstance(server, LocalServer)
    deliver(server.services.db, server.worker.post, datetime.now(UTC) + after)


@pytest.mark.parametrize("lost", [False, True], ids=["server error", "answer lost"])
def test_a_failed_reply_is_retried_and_posted_once(ws: Workspace, lost: bool) -> None:
    """A 500 (Slack stored nothing) is posted again a minute later; a post whose answer was
    lost (Slack stored it) is found by its metadata and not posted again."""
    if lost:
        ws.fake.lose_next_answer("chat.postMessage")
    else:
        ws.fake.fail_next("chat.postMessage", status=500)
    event = ws.say("50-18 done")
    ws.server.quiet(QUIET)
    first = ws.calls_about(event, method="chat.postMessage")
    assert len(first) == 1  # the client does not retry a post by itself
    retry_outbox(ws, timedelta(minutes=2))
    sentinel = ws.settle()
    posts = ws.calls_about(event, method="chat.postMessage")
    assert len(posts) == (1 if lost else 2)
    lookups = ws.calls_about(event, method="conversations.replies")
    assert [call.params["ts"] for call in lookups] == [event["ts"]]
    assert_recorded_once(ws, event, sentinel)
    assert ws.stored_reply(event["ts"]) == ws.slack.reply_ts(CHANNEL, event["ts"])


def test_recording_does_not_wait_for_slack_to_name_the_poster(ws: Workspace) -> None:
    """A poster Slack cannot name yet is recorded by id, and named once Slack answers."""
    newcomer = "U0NEWCOMER"
    ws.fake.users[newcomer] = {"display_name": "Dana"}
    ws.fake.fail_next("users.info", status=200, error="fatal_error")
    first = ws.say("50-18 done", user=newcomer)
    ws.reply(first)
    ws.server.quiet(QUIET)
    assert [(u.author, u.author_id) for u in ws.item("50-18").updates] == [(newcomer, newcomer)]
    later = ws.say("note 50-20: draft sent", user=newcomer)
    ws.reply(later)
    ws.server.quiet(QUIET)
    item = ws.item("50-20")
    assert [(u.author, u.author_id) for u in item.updates] == [("Dana", newcomer)]
    assert "Dana via Slack] draft sent" in item.status  # the note's line in the status too
    assert newcomer not in item.status
