"""The use cases of status updates posted in channels: record, edit, delete, undo.

Recording, editing, deleting and undoing run in the caller's session (which also
queues the replies, and commits both at once: :mod:`bot.posting.channel`); naming
a poster afterwards runs in its own unit of work on ``db``. Each takes the time and the
editors as arguments and returns plain data that is worded by
:mod:`bot.plan.updates.replies`.  Nothing here knows about Slack: the listener
reads the event into an :class:`IncomingMessage` first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.plan.lookup import nearest_ids
from bot.plan.search import SearchIndex
from bot.plan.updates.parse import ParsedMessage
from bot.plan.updates.record import (
    Change,
    IncomingMessage,
    Outcome,
    RecordStatus,
    edit_message,
    find_message,
    may_change_flags,
    record_message,
    retract_message,
)
from bot.plan.updates.status_text import refresh_status
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import SlackMessage, StatusUpdate
from bot.store.vocabulary import UpdateKind

log = logging.getLogger(__name__)

IndexOf = Callable[[Session], SearchIndex]
"""The search index of the plan as a session sees it (the caller may keep one cached)."""
CLOSEST = 3
"""Ids suggested for an id that is not in the plan."""


def accepts_updates(settings: Settings, channel: str) -> bool:
    """Whether updates posted in ``channel`` are recorded (every channel when none is set)."""
    allowed = settings.update_channels
    return not allowed or channel in allowed


@dataclass(frozen=True)
class Recorded:
    """What a posted or edited message recorded, and what its thread reply needs."""

    outcome: Outcome
    closest: dict[str, list[str]] = field(default_factory=dict)
    """For each id not in the plan, the ids that look most like it."""
    earlier_reply: str | None = None
    """Where the bot confirmed this message before (an edit updates that reply), if known."""


def record(
    session: Session,
    incoming: IncomingMessage,
    parsed: ParsedMessage,
    *,
    settings: Settings,
    now: datetime,
    index: IndexOf,
) -> Recorded:
    """Record the updates of a message just posted (the caller commits)."""
    outcome = record_message(session, incoming, parsed, editors=settings.editors, now=now)
    return _recorded(session, outcome, index)


def edit(
    session: Session,
    incoming: IncomingMessage,
    parsed: ParsedMessage,
    *,
    settings: Settings,
    now: datetime,
    index: IndexOf,
) -> Recorded:
    """Read an edited message again: correct its updates, never double them (the caller
    commits)."""
    outcome = edit_message(session, incoming, parsed, editors=settings.editors, now=now)
    return _recorded(session, outcome, index)


def _recorded(session: Session, outcome: Outcome, index: IndexOf) -> Recorded:
    closest: dict[str, list[str]] = {}
    missing = [code for code in outcome.unknown if code not in outcome.obsolete]
    if missing:
        found = index(session)
        closest = {code: nearest_ids(found, code, limit=CLOSEST) for code in missing}
    earlier = None
    if outcome.status == RecordStatus.RECORDED and outcome.message_id is not None:
        message = session.get(SlackMessage, outcome.message_id)
        earlier = message.reply_ts if message else None
    return Recorded(outcome, closest, earlier)


def name_author(db: Database, message_id: int, user_id: str, name: str) -> None:
    """Put a person's name on what their message recorded under their user id.

    Recording does not wait for Slack to say who someone is: a person the bot has not
    met yet is recorded by id, and named here once Slack has answered."""
    with db.unit_of_work() as session:
        named = session.scalars(
            select(StatusUpdate).where(
                StatusUpdate.message_id == message_id,
                StatusUpdate.author_id == user_id,
                StatusUpdate.author == user_id,
            )
        ).all()
        for entry in named:
            entry.author = name
        for item in {entry.item for entry in named if entry.kind == UpdateKind.NOTE}:
            refresh_status(session, item)  # a note's line in the status names its author
        session.commit()


@dataclass(frozen=True)
class Deleted:
    """The updates a deleted message took back, and the reply that confirmed them."""

    changes: list[Change]
    message_id: int | None = None
    earlier_reply: str | None = None


def delete(session: Session, team_id: str, channel: str, ts: str, *, now: datetime) -> Deleted:
    """Take back what a deleted message recorded (nothing for a message never recorded);
    the caller commits."""
    message = find_message(session, team_id, channel, ts)
    if message is None or message.deleted:
        return Deleted([])
    changes = retract_message(
        session, message, reason=UpdateKind.DELETE, actor="", actor_id="", now=now
    )
    message.deleted = True
    return Deleted(changes, message.id, message.reply_ts)


class UndoStatus(StrEnum):
    UNDONE = "undone"
    NOTHING = "nothing"
    """No such message: an old or forged button."""
    NOT_ALLOWED = "not_allowed"
    ALREADY = "already"


@dataclass(frozen=True)
class Undone:
    status: UndoStatus
    changes: list[Change] = field(default_factory=list)
    channel: str = ""
    ts: str = ""
    """Where the message that was undone is."""


def may_undo(message: SlackMessage, user_id: str, editors: frozenset[str]) -> bool:
    """Its poster may take a message's updates back, and the editors when editors are set."""
    return user_id == message.user_id or bool(editors and may_change_flags(user_id, editors))


def undo(
    session: Session,
    message_id: int,
    *,
    user_id: str,
    author: str,
    settings: Settings,
    now: datetime,
) -> Undone:
    """The Undo button: its poster or an editor takes back what a message recorded (the
    caller commits)."""
    # locked, like find_message: a double click takes the update back once
    message = session.get(SlackMessage, message_id, with_for_update=True)
    if message is None:
        return Undone(UndoStatus.NOTHING)
    if not may_undo(message, user_id, settings.editors):
        return Undone(UndoStatus.NOT_ALLOWED)
    changes = retract_message(
        session, message, reason=UpdateKind.UNDO, actor=author, actor_id=user_id, now=now
    )
    if not changes:
        return Undone(UndoStatus.ALREADY)
    return Undone(UndoStatus.UNDONE, changes, message.channel, message.ts)
