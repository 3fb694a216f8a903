"""Events Slack delivered, kept in the database before Slack is told they were received.

Slack never delivers again an event it got a ``200`` for, so an event is *admitted*
(inserted under Slack's event id, with its raw body) before the acknowledgement.
Then a worker *claims* it for a lease (a conditional update only one process can
win), runs the app's listeners on it, and marks it *done*. A process that stops
with an event claimed leaves it to be claimed again when the lease ends, by itself
after a restart or by another replica. A listener that fails leaves the event to be
tried again after a growing pause, up to :data:`GIVE_UP_AFTER` times.

What a listener does is safe to do twice: recording is keyed by the message
(``slack_messages``), and the posts it makes are keyed by the event in the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.store.db import Database
from bot.store.leases import pause
from bot.store.models import InboxEvent
from bot.store.vocabulary import InboxStatus

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
"""The default of ``TSAGBOT_INBOX_LEASE_SECONDS``: a listener takes well under a second."""
FIRST_PAUSE = timedelta(seconds=10)
LONGEST_PAUSE = timedelta(minutes=30)
GIVE_UP_AFTER = 12
CLAIMABLE = (InboxStatus.PENDING, InboxStatus.WORKING, InboxStatus.FAILED)
WAITING = (InboxStatus.PENDING, InboxStatus.FAILED)


def new_row(key: str, kind: str, body: str, now: datetime) -> dict[str, Any]:
    """The row of an event just received: pending, due at once (stored, many to a
    commit, by :mod:`bot.posting.inbox_writer`)."""
    return {
        "key": key,
        "kind": kind,
        "body": body,
        "status": InboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "received_at": now,
        "done_at": None,
        "last_error": "",
    }


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    body: str
    attempts: int


def claim_due(
    db: Database, now: datetime, *, lease: timedelta = LEASE, limit: int = 20
) -> list[Claimed]:
    """Claim up to ``limit`` events that are due, oldest first, for ``lease`` each.

    One conditional update claims them all (one commit): an event another worker
    claimed meanwhile no longer matches it, so each event goes to one worker. The
    events due are looked up first without the write lock, so that a worker with
    nothing to do does not make a request wait.
    """
    due = (InboxEvent.status.in_(CLAIMABLE), InboxEvent.next_attempt_at <= now)
    with db.unit_of_work(write=False) as session:
        ids = session.scalars(
            select(InboxEvent.id).where(*due).order_by(InboxEvent.id).limit(limit)
        ).all()
    if not ids:
        return []
    with db.unit_of_work() as session:
        rows = session.execute(
            update(InboxEvent)
            .where(InboxEvent.id.in_(ids), *due)
            .values(
                status=InboxStatus.WORKING,
                attempts=InboxEvent.attempts + 1,
                next_attempt_at=now + lease,
            )
            .returning(InboxEvent.id, InboxEvent.key, InboxEvent.body, InboxEvent.attempts)
            .execution_options(synchronize_session=False)
        ).all()
        session.commit()
    return sorted((Claimed(*row) for row in rows), key=lambda event: event.id)


def finish(db: Database, row_id: int, now: datetime) -> None:
    """Mark an event handled (one whose mark a crash lost is handled again, which its
    listeners allow)."""
    with db.unit_of_work() as session:
        session.execute(
            update(InboxEvent)
            .where(InboxEvent.id == row_id)
            .values(status=InboxStatus.DONE, done_at=now, last_error="")
        )
        session.commit()


def failed(db: Database, event: Claimed, now: datetime, error: str) -> InboxStatus:
    """Leave the event to be tried again after a pause, or give it up; the new status."""
    wait = pause(event.attempts, FIRST_PAUSE, LONGEST_PAUSE)
    status = InboxStatus.FAILED if event.attempts < GIVE_UP_AFTER else InboxStatus.ABANDONED
    with db.unit_of_work() as session:
        session.execute(
            update(InboxEvent)
            .where(InboxEvent.id == event.id)
            .values(status=status, next_attempt_at=now + wait, last_error=error[:500])
        )
        session.commit()
    return status


def release(db: Database, row_ids: list[int], now: datetime) -> None:
    """Hand claimed events back at once (a stopping worker): claimable without waiting,
    their claim not counted as an attempt."""
    if not row_ids:
        return
    with db.unit_of_work() as session:
        session.execute(
            update(InboxEvent)
            .where(InboxEvent.id.in_(row_ids), InboxEvent.status == InboxStatus.WORKING)
            .values(
                status=InboxStatus.PENDING, next_attempt_at=now, attempts=InboxEvent.attempts - 1
            )
        )
        session.commit()


@dataclass(frozen=True)
class Backlog:
    waiting: int
    """Events not yet done (pending, being worked on, or failed and waiting)."""
    oldest: datetime | None
    """When the oldest of them was received."""


def backlog(session: Session) -> Backlog:
    waiting, oldest = session.execute(
        select(func.count(InboxEvent.id), func.min(InboxEvent.received_at)).where(
            InboxEvent.status.in_((*WAITING, InboxStatus.WORKING))
        )
    ).one()
    return Backlog(int(waiting or 0), oldest)


KEEP_DONE = timedelta(days=2)
"""How long a handled event is kept: its key guards against Slack's retries (which
stop within the hour), and its body helps to explain what happened."""


def forget_done(session: Session, now: datetime) -> int:
    """Delete the events handled more than :data:`KEEP_DONE` ago; how many went. The
    caller commits."""
    before = now - KEEP_DONE
    result = session.execute(
        delete(InboxEvent).where(InboxEvent.status == InboxStatus.DONE, InboxEvent.done_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)
