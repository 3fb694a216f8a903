"""The shared table of channel messages, posted through the real Bolt app.

The parser's test reads every message of the table (tests/support/channel_messages.py)
for its words; this one checks that the listener does what the table says with one
message of each *shape* (which kind it records, or several, whether it cites
documents, asks, earns a hint, or is left alone: what the listener's work depends on,
once the words are read): the updates and their documents in the database, then exactly the posts
that go with them (a check mark and a thread confirmation; an answer in the thread;
a hint for the poster alone; or nothing).  A message costs the app about a tenth of
a second (inbox, listener, outbox), so the whole table would cost the suite some 17
seconds for nothing more.  It runs in this process on SQLite in memory, the messages
one after another through :class:`bot.slack.console.Console`, which handles each
event and delivers its posts before it returns: one test, no waiting.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.plan.updates.parse import Silence
from bot.plan.updates.replies import SILENCES
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.local_api import Call
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import StatusUpdate
from tests.support.channel_messages import MESSAGES, Expected, expected
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

# On SQLite alone: this is about what each shape of channel message does, not the database engine;
# the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

CHAIR, CHANNEL = "U0CHAIR", "C0SG17"
WRITES = ("chat.postMessage", "chat.postEphemeral", "chat.update", "reactions.add")


@pytest.fixture
def console(memory_database_url: str) -> Iterator[Console]:
    db = Database(memory_database_url)
    clock = FixedClock()
    ensure_plan_once(db, clock)
    console = Console(
        Services(settings=Settings(database_url=memory_database_url), db=db, clock=clock),
        user=CHAIR,
    )
    yield console
    console.close()
    db.dispose()


def recorded(db: Database, after: int) -> list[tuple[str, str, list[str]]]:
    """(id, kind, documents) of the updates written after the update ``after``."""
    with db.unit_of_work() as session:
        rows = session.scalars(
            select(StatusUpdate).where(StatusUpdate.id > after).order_by(StatusUpdate.id)
        ).all()
        return [(row.item.code, str(row.kind), list(row.documents or [])) for row in rows]


def last_update(db: Database) -> int:
    with db.unit_of_work() as session:
        return int(session.scalar(select(func.coalesce(func.max(StatusUpdate.id), 0))) or 0)


def problems(want: Expected, done: list[tuple[str, str, list[str]]], calls: list[Call]) -> str:
    """What the listener did differently from the table, or ""."""
    writes = [call for call in calls if call.method in WRITES]
    methods = sorted(call.method for call in writes)
    if [(code, kind) for code, kind, _ in done] != want.updates:
        return f"recorded {done}"
    if any(documents != want.documents for _, _, documents in done):
        return f"documents {done}"
    if want.updates:
        reply = next(c for c in writes if c.method == "chat.postMessage")
        lines = str(reply.params["text"]).splitlines()
        ok = len(lines) == len(want.updates) and "update_undo" in str(reply.params["blocks"])
        return "" if ok and methods == ["chat.postMessage", "reactions.add"] else str(methods)
    if want.question:
        answer = str(writes[0].params.get("text", "")) if writes else ""
        ok = methods == ["chat.postMessage"] and answer.startswith(want.question[0])
        return "" if ok else f"answer {methods} {answer!r}"
    if want.hint:
        hint = str(writes[0].params.get("text", "")) if writes else ""
        why = SILENCES[Silence(want.hint)]
        ok = methods == ["chat.postEphemeral"] and writes[0].params.get("user") == CHAIR
        ok = ok and hint.startswith("Nothing recorded for ") and f": {why}." in hint
        return "" if ok else f"hint {methods} {hint!r}"
    return "" if not writes else f"posted {methods}"


def shapes() -> list[tuple[str, str]]:
    """The first message of the table of each shape (see the module docstring)."""
    found: dict[tuple[object, ...], tuple[str, str]] = {}
    for text, effect in MESSAGES:
        want = expected(effect)
        kinds = {kind for _, kind in want.updates}
        recorded = kinds.pop() if len(kinds) == 1 else "several kinds" if kinds else ""
        asks = "" if want.updates else "answered" if want.question else "asked" * want.asked
        shape = (recorded, bool(want.documents and want.updates), asks, bool(want.hint))
        found.setdefault(shape, (text, effect))
    return list(found.values())


def test_one_message_of_each_shape_does_what_the_table_says(console: Console) -> None:
    db = console.services.db
    failures = []
    table = shapes()
    assert len(table) >= 12  # each kind, with documents, mixed, asked, hinted, left alone
    for text, effect in table:
        mark = last_update(db)
        reply = console.message(text, channel=CHANNEL)
        assert reply.status == 200, (text, reply.body)
        problem = problems(expected(effect), recorded(db, mark), reply.calls)
        if problem:
            failures.append(f"{text!r} ({effect}): {problem}")
    assert failures == []
