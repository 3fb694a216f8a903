"""What a channel message causes: its updates recorded and the bot's replies queued in the
outbox, in one transaction, each reply under a key that makes it once.

The plan is the real WTSA-20 one (50-18 and 50-20 have met their periodic goals); the
outbox is read back as rows and delivered by a stand-in for Slack that gives each
message a ``ts``, as :func:`bot.slack.poster.slack_poster` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.plan.queries import all_items
from bot.plan.search import Document, SearchIndex
from bot.plan.updates import intake, replies
from bot.plan.updates.intake import Deleted, Recorded
from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import IncomingMessage, RecordStatus
from bot.posting.channel import (
    RECORDED_REACTION,
    answer_key,
    message_deleted,
    message_edited,
    message_posted,
    queue_answer,
    reply_key,
)
from bot.posting.outbox import Outgoing, deliver
from bot.render import Renderer, Reply
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import OutboxPost, SlackMessage, StatusUpdate
from bot.store.vocabulary import PostMethod, PostStatus
from tests.support.common import FixedClock
from tests.support.snapshots import import_once

TS = "1700000000.000100"
THREAD = "1699999999.000100"
RENDERER = Renderer()


@pytest.fixture
def plan_db(db: Database, plan_text: str, clock: FixedClock) -> Database:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    return db


@dataclass(frozen=True)
class Queued:
    key: str
    method: PostMethod
    status: PostStatus
    text: str
    params: dict[str, str]


def outbox(db: Database) -> list[Queued]:
    with db.unit_of_work() as session:
        rows = session.scalars(select(OutboxPost).order_by(OutboxPost.id))
        return [Queued(r.key, r.method, r.status, r.text, dict(r.params)) for r in rows]


def index(session: Session) -> SearchIndex:
    return SearchIndex(
        Document(item.code, item.action, "", item.status)
        for item in all_items(session, include_obsolete=False)
    )


def incoming(text: str, *, thread: str | None = None, user: str = "U1") -> IncomingMessage:
    return IncomingMessage(
        team_id="T1",
        channel="C1",
        ts=TS,
        user_id=user,
        author="Alice",
        text=text,
        thread_ts=thread,
    )


def posted(
    db: Database,
    clock: FixedClock,
    text: str,
    *,
    event: str = "T1:Ev1",
    thread: str | None = None,
    user: str = "U1",
    editors: frozenset[str] = frozenset(),
    renderer: Renderer = RENDERER,
) -> Recorded:
    return message_posted(
        db,
        incoming(text, thread=thread, user=user),
        parse_message(text),
        event_key=event,
        settings=Settings(database_url=db.url, editors=editors),
        now=clock(),
        renderer=renderer,
        index=index,
    )


def edited(db: Database, clock: FixedClock, text: str, *, event: str = "T1:Ev2") -> Recorded:
    return message_edited(
        db,
        incoming(text),
        parse_message(text),
        event_key=event,
        settings=Settings(database_url=db.url),
        now=clock(),
        renderer=RENDERER,
        index=index,
    )


def deleted(db: Database, clock: FixedClock, *, event: str = "T1:Ev3") -> Deleted:
    return message_deleted(db, "T1", "C1", TS, event_key=event, now=clock())


class Slack:
    """Makes posts: a message gets the next ``ts``, an update answers the ts it updated."""

    def __init__(self) -> None:
        self.made: list[Outgoing] = []

    def __call__(self, outgoing: Outgoing) -> str:
        self.made.append(outgoing)
        if outgoing.method == PostMethod.MESSAGE:
            return f"1700000001.{len(self.made):06d}"
        return outgoing.params.get("ts", "") if outgoing.method == PostMethod.UPDATE else ""


def message_id(recorded: Recorded) -> int:
    assert recorded.outcome.message_id is not None, recorded.outcome
    return recorded.outcome.message_id


COMPLETED = "50-18 marked completed (was: periodic goals met)"


def test_a_message_s_confirmation_is_queued_once_however_often_it_is_handled(
    plan_db: Database, clock: FixedClock
) -> None:
    first = posted(plan_db, clock, "50-18 done")
    key = reply_key(message_id(first))
    assert outbox(plan_db) == [
        Queued(
            "T1:Ev1:react",
            PostMethod.REACTION,
            PostStatus.PENDING,
            "",
            {"ts": TS, "name": RECORDED_REACTION},
        ),
        Queued(key, PostMethod.MESSAGE, PostStatus.PENDING, COMPLETED, {"thread_ts": TS}),
    ]
    # the same event handled again, and the same message under another event id
    assert posted(plan_db, clock, "50-18 done").outcome.status == RecordStatus.DUPLICATE
    again = posted(plan_db, clock, "50-18 done", event="T1:Ev9")
    assert again.outcome.status == RecordStatus.DUPLICATE
    assert [q.key for q in outbox(plan_db)] == ["T1:Ev1:react", key]


def test_a_message_in_a_thread_is_confirmed_in_that_thread(
    plan_db: Database, clock: FixedClock
) -> None:
    recorded = posted(plan_db, clock, "50-18 done", thread=THREAD)
    reply = outbox(plan_db)[-1]
    assert (reply.key, reply.params) == (reply_key(message_id(recorded)), {"thread_ts": THREAD})


def test_an_edit_before_the_confirmation_is_posted_gives_it_new_words(
    plan_db: Database, clock: FixedClock
) -> None:
    first = posted(plan_db, clock, "50-18 done")
    key = reply_key(message_id(first))
    assert edited(plan_db, clock, "50-20 done").outcome.status == RecordStatus.RECORDED
    queued = {q.key: q for q in outbox(plan_db)}
    assert sorted(queued) == ["T1:Ev1:react", "T1:Ev2:react", key]  # no second reply
    assert queued[key].text == (
        "50-18 back to periodic goals met (was: completed)\n"
        "50-20 marked completed (was: periodic goals met)"
    )
    slack = Slack()
    deliver(plan_db, slack, clock())
    messages = [o for o in slack.made if o.method == PostMethod.MESSAGE]
    assert [(o.key, o.text) for o in messages] == [(key, queued[key].text)]


def test_an_edit_after_the_confirmation_was_posted_updates_it(
    plan_db: Database, clock: FixedClock
) -> None:
    first = posted(plan_db, clock, "50-18 done")
    slack = Slack()
    deliver(plan_db, slack, clock())
    (reply,) = [o for o in slack.made if o.method == PostMethod.MESSAGE]
    edited(plan_db, clock, "50-20 done")
    update = outbox(plan_db)[-1]
    assert (update.key, update.method, update.params) == (
        "T1:Ev2:update",
        PostMethod.UPDATE,
        {"ts": "1700000001.000002"},
    )
    assert update.text.endswith("50-20 marked completed (was: periodic goals met)")
    assert reply.key == reply_key(message_id(first))
    # the edit delivered again changes nothing and queues nothing more
    assert edited(plan_db, clock, "50-20 done").outcome.status != RecordStatus.RECORDED
    assert outbox(plan_db)[-1].key == "T1:Ev2:update"


def record_before_the_outbox(db: Database, clock: FixedClock, text: str, reply_ts: str) -> int:
    """A message recorded and confirmed before replies went through the outbox: its row
    keeps where its confirmation is (``reply_ts``), and the outbox has no ``reply:`` row."""
    with db.unit_of_work() as session:
        recorded = intake.record(
            session,
            incoming(text),
            parse_message(text),
            settings=Settings(database_url=db.url),
            now=clock(),
            index=index,
        )
        message = session.get_one(SlackMessage, message_id(recorded))
        message.reply_ts = reply_ts
        session.commit()
    return message_id(recorded)


def test_an_edit_of_a_message_confirmed_before_the_outbox_updates_its_reply(
    plan_db: Database, clock: FixedClock
) -> None:
    record_before_the_outbox(plan_db, clock, "50-18 done", "1600000000.000001")
    edited(plan_db, clock, "50-20 done")
    assert [(q.key, q.method, q.params) for q in outbox(plan_db)] == [
        ("T1:Ev2:react", PostMethod.REACTION, {"ts": TS, "name": RECORDED_REACTION}),
        ("T1:Ev2:update", PostMethod.UPDATE, {"ts": "1600000000.000001"}),
    ]


def test_a_delete_of_a_message_confirmed_before_the_outbox_updates_its_reply(
    plan_db: Database, clock: FixedClock
) -> None:
    record_before_the_outbox(plan_db, clock, "50-18 done", "1600000000.000001")
    deleted(plan_db, clock)
    (update,) = outbox(plan_db)
    assert (update.key, update.method, update.params) == (
        "T1:Ev3:update",
        PostMethod.UPDATE,
        {"ts": "1600000000.000001"},
    )
    assert "50-18 back to periodic goals met" in update.text


def dies(_outgoing: Outgoing) -> str:
    raise KeyboardInterrupt  # the process stops while posting: the post stays claimed


def test_an_edit_while_the_confirmation_is_being_posted_gets_its_own_reply(
    plan_db: Database, clock: FixedClock
) -> None:
    first = posted(plan_db, clock, "50-18 done")
    key = reply_key(message_id(first))
    with pytest.raises(KeyboardInterrupt):
        deliver(plan_db, dies, clock(), keys=[key])
    edited(plan_db, clock, "50-20 done")
    queued = {q.key: q for q in outbox(plan_db)}
    assert queued[key].status == PostStatus.SENDING
    assert queued[key].text == COMPLETED  # its words were not changed under it
    own = queued["T1:Ev2:reply"]
    assert (own.method, own.status, own.params) == (
        PostMethod.MESSAGE,
        PostStatus.PENDING,
        {"thread_ts": TS},
    )
    assert own.text.endswith("50-20 marked completed (was: periodic goals met)")


def test_a_delete_before_the_confirmation_is_posted_withdraws_it(
    plan_db: Database, clock: FixedClock
) -> None:
    first = posted(plan_db, clock, "50-18 done")
    taken = deleted(plan_db, clock)
    assert [c.item for c in taken.changes] == ["50-18"]
    queued = {q.key: q for q in outbox(plan_db)}
    assert queued[reply_key(message_id(first))].status == PostStatus.EXPIRED
    assert not [key for key in queued if key.startswith("T1:Ev3")]
    slack = Slack()
    deliver(plan_db, slack, clock())
    # only the reaction is tried; Slack's message_not_found ends it (bot.slack.poster)
    assert [o.method for o in slack.made] == [PostMethod.REACTION]


def test_a_delete_after_the_confirmation_was_posted_updates_it(
    plan_db: Database, clock: FixedClock
) -> None:
    posted(plan_db, clock, "50-18 done")
    deliver(plan_db, Slack(), clock())
    taken = deleted(plan_db, clock)
    update = outbox(plan_db)[-1]
    assert (update.key, update.method, update.params) == (
        "T1:Ev3:update",
        PostMethod.UPDATE,
        {"ts": "1700000001.000002"},
    )
    assert update.text == replies.deleted_text(taken.changes)
    assert "50-18 back to periodic goals met" in update.text
    deleted(plan_db, clock, event="T1:Ev4")  # deleted again: nothing more to take back
    assert outbox(plan_db)[-1].key == "T1:Ev3:update"


def test_unknown_ids_are_hinted_to_the_poster_alone(plan_db: Database, clock: FixedClock) -> None:
    recorded = posted(plan_db, clock, "50-99 done")
    assert recorded.outcome.status == RecordStatus.UNKNOWN
    (hint,) = outbox(plan_db)
    assert (hint.key, hint.method, hint.params) == (
        "T1:Ev1:unknown",
        PostMethod.EPHEMERAL,
        {"user": "U1"},
    )
    assert hint.text == replies.unknown_text(["50-99"], recorded.closest)


def test_in_a_thread_the_hint_is_in_the_thread_beside_the_confirmation(
    plan_db: Database, clock: FixedClock
) -> None:
    recorded = posted(plan_db, clock, "50-18 and 50-99 done", thread=THREAD)
    assert [(q.key, q.method, q.params) for q in outbox(plan_db)] == [
        ("T1:Ev1:unknown", PostMethod.EPHEMERAL, {"user": "U1", "thread_ts": THREAD}),
        ("T1:Ev1:react", PostMethod.REACTION, {"ts": TS, "name": RECORDED_REACTION}),
        (reply_key(message_id(recorded)), PostMethod.MESSAGE, {"thread_ts": THREAD}),
    ]


def test_a_denied_update_is_explained_to_the_poster_alone(
    plan_db: Database, clock: FixedClock
) -> None:
    recorded = posted(plan_db, clock, "50-18 done", user="U2", editors=frozenset({"U1"}))
    assert recorded.outcome.status == RecordStatus.DENIED
    assert outbox(plan_db) == [
        Queued(
            "T1:Ev1:denied",
            PostMethod.EPHEMERAL,
            PostStatus.PENDING,
            replies.DENIED,
            {"user": "U2"},
        )
    ]


def test_a_question_is_answered_once_whichever_event_brings_it(plan_db: Database) -> None:
    key = answer_key("T1", "C1", TS)
    assert key == f"answer:T1:C1:{TS}"
    clock = FixedClock()
    for words in ("from the message event", "from the app_mention event"):
        queue_answer(
            plan_db,
            key=key,
            channel="C1",
            thread_ts=THREAD,
            reply=Reply([], words),
            now=clock(),
        )
    assert outbox(plan_db) == [
        Queued(
            key,
            PostMethod.MESSAGE,
            PostStatus.PENDING,
            "from the message event",
            {"thread_ts": THREAD},
        )
    ]


class Broken(Renderer):
    """Fails once the updates are recorded, while the replies are being worded."""

    def blocks(self, *_args: Any, **_kwargs: Any) -> list[dict[str, Any]]:
        raise RuntimeError("the template failed")


def test_a_failure_before_the_commit_leaves_neither_updates_nor_replies(
    plan_db: Database, clock: FixedClock
) -> None:
    with pytest.raises(RuntimeError, match="the template failed"):
        posted(plan_db, clock, "50-18 and 50-99 done", renderer=Broken())
    with plan_db.unit_of_work() as session:
        assert session.scalars(select(SlackMessage.id)).all() == []
        assert (
            session.scalars(
                select(StatusUpdate.id).where(StatusUpdate.message_id.is_not(None))
            ).all()
            == []
        )
    assert outbox(plan_db) == []
    # handled again (the inbox retries it), it is recorded and confirmed once
    recorded = posted(plan_db, clock, "50-18 done")
    assert recorded.outcome.status == RecordStatus.RECORDED
    assert [q.key for q in outbox(plan_db)] == ["T1:Ev1:react", reply_key(message_id(recorded))]
