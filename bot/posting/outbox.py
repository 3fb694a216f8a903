"""Posts the bot makes, each exactly once: an outbox in the database.

Reminders, digests, thread confirmations, answers and reactions all go here. A
post is first *enqueued*: inserted under its unique key with its whole payload,
in the same transaction as what it reports when it reports something. Whichever
process inserts a key first owns the post; the others find the key taken and do
nothing, so restarts and replicas cannot post it twice. Then it is *delivered*:
a process claims it for a short lease (a conditional update only one process can
win), posts it to Slack, and marks it sent. A failed post stays in the outbox and
is retried with a growing pause until it is sent or no longer useful (a reminder
after its meeting has started).

Slack's ``chat.postMessage`` has no idempotency key, so a post whose outcome is
unknown (the process died after Slack accepted it, or Slack's answer was lost) is
not made again blindly: the post carries its key as message metadata, and the
function that posts (:data:`PostFunction`) looks for that key in the channel or
thread before posting a second attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.store.db import Database
from bot.store.insert import insert_new
from bot.store.leases import pause, take
from bot.store.models import OutboxPost
from bot.store.vocabulary import PostMethod, PostStatus

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
"""The default of ``TSAGBOT_OUTBOX_LEASE_SECONDS``."""
FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=1)
GIVE_UP_AFTER = 48  # attempts; with the pauses above, about two days

DELIVERABLE = (PostStatus.PENDING, PostStatus.SENDING, PostStatus.FAILED)


@dataclass(frozen=True)
class Post:
    key: str
    kind: str
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    due_at: datetime
    useful_until: datetime | None = None
    method: PostMethod = PostMethod.MESSAGE
    params: dict[str, str] = field(default_factory=dict)
    """What ``method`` needs besides the channel and text: ``thread_ts`` (post in a
    thread), ``ts`` (the message to update or react to), ``user`` (an ephemeral
    message's reader), ``name`` (a reaction)."""


@dataclass(frozen=True)
class Outgoing:
    """A claimed post, as the function that posts it gets it."""

    key: str
    method: PostMethod
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    params: dict[str, str]
    attempts: int
    """1 on the first attempt; more when an earlier attempt's outcome is not known."""
    created_at: datetime


PostFunction = Callable[[Outgoing], str]
"""Makes the post and returns the message's ``ts`` (or ``""``); raises on failure."""


@dataclass
class Delivery:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)


def enqueue(
    session: Session, posts: Sequence[Post], now: datetime, *, together: bool = False
) -> list[str]:
    """Insert the posts whose keys are new; the keys this call inserted. The caller commits.

    With ``together`` (the parts of one digest), the first post's key decides for
    all: if another process has it, none of these posts is inserted.
    """
    if not posts:
        return []
    rows = [_row(post, now) for post in posts]
    if together:
        if not _insert_new(session, rows[:1]):
            return []
        added = {posts[0].key} | _insert_new(session, rows[1:])
    else:
        added = _insert_new(session, rows)
    return [post.key for post in posts if post.key in added]


def _row(post: Post, now: datetime) -> dict[str, Any]:
    return {
        "key": post.key,
        "kind": post.kind,
        "channel": post.channel,
        "text": post.text,
        "blocks": post.blocks,
        "due_at": post.due_at,
        "useful_until": post.useful_until,
        "status": PostStatus.PENDING if post.channel else PostStatus.NO_CHANNEL,
        "attempts": 0,
        "next_attempt_at": max(now, post.due_at),  # a post due later (snoozed) waits
        "last_error": "" if post.channel else "no channel: set TSAGBOT_ANNOUNCE_CHANNEL",
        "message_ts": None,
        "created_at": now,
        "sent_at": None,
        "method": post.method,
        "params": post.params,
    }


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    return insert_new(session, OutboxPost, rows)


def deliver(
    db: Database,
    post: PostFunction,
    now: datetime,
    *,
    lease: timedelta = LEASE,
    limit: int = 50,
    keys: Sequence[str] | None = None,
) -> Delivery:
    """Post what is due in the outbox, oldest first; each post is claimed before it is made.

    With ``keys``, only those posts (the replies to the event just handled). A post claimed
    is left to this process for ``lease`` (``TSAGBOT_OUTBOX_LEASE_SECONDS``).
    """
    delivery = Delivery()
    query = (
        select(OutboxPost.id, OutboxPost.key)
        .where(OutboxPost.status.in_(DELIVERABLE), OutboxPost.next_attempt_at <= now)
        .order_by(OutboxPost.due_at, OutboxPost.id)
        .limit(limit)
    )
    if keys is not None:
        query = query.where(OutboxPost.key.in_(list(keys)))
    with db.unit_of_work(write=False) as session:  # the lock is taken post by post
        rows = session.execute(query).all()
    for row_id, key in rows:
        claimed = _claim(db, row_id, now, lease)
        if claimed is None:
            continue
        if claimed.useful_until is not None and claimed.useful_until <= now:
            _finish(
                db,
                row_id,
                status=PostStatus.EXPIRED,
                error="no longer useful when it could be sent",
            )
            delivery.expired.append(key)
            continue
        try:
            ts = post(claimed.outgoing)
        except Exception as error:  # a failed post must be kept and retried, whatever failed
            log.warning("posting %s failed (attempt %d): %s", key, claimed.attempts, error)
            _failed(db, row_id, claimed.attempts, now, error)
            delivery.failed.append(key)
            continue
        _finish(db, row_id, status=PostStatus.SENT, ts=ts or None, sent_at=now)
        delivery.sent.append(key)
    return delivery


@dataclass(frozen=True)
class _Claimed:
    outgoing: Outgoing
    useful_until: datetime | None

    @property
    def attempts(self) -> int:
        return self.outgoing.attempts


def _claim(db: Database, row_id: int, now: datetime, lease: timedelta) -> _Claimed | None:
    """Take the post for one lease; None when another process holds or has sent it."""
    with db.unit_of_work() as session:
        won = take(
            session,
            OutboxPost,
            row_id,
            free=DELIVERABLE,
            taken=PostStatus.SENDING,
            now=now,
            lease=lease,
        )
        if not won:
            return None
        row = session.get_one(OutboxPost, row_id)
        outgoing = Outgoing(
            key=row.key,
            method=row.method,
            channel=row.channel,
            text=row.text,
            blocks=list(row.blocks),
            params=dict(row.params or {}),
            attempts=row.attempts,
            created_at=row.created_at,
        )
        claimed = _Claimed(outgoing, row.useful_until)
        session.commit()
    return claimed


def _failed(db: Database, row_id: int, attempts: int, now: datetime, error: Exception) -> None:
    wait = pause(attempts, FIRST_PAUSE, LONGEST_PAUSE)
    status = PostStatus.FAILED if attempts < GIVE_UP_AFTER else PostStatus.ABANDONED
    with db.unit_of_work() as session:
        session.execute(
            update(OutboxPost)
            .where(OutboxPost.id == row_id)
            .values(status=status, next_attempt_at=now + wait, last_error=str(error)[:500])
        )
        session.commit()


def _finish(
    db: Database,
    row_id: int,
    *,
    status: PostStatus,
    ts: str | None = None,
    sent_at: datetime | None = None,
    error: str = "",
) -> None:
    with db.unit_of_work() as session:
        session.execute(
            update(OutboxPost)
            .where(OutboxPost.id == row_id)
            .values(status=status, message_ts=ts, sent_at=sent_at, last_error=error)
        )
        session.commit()


def queued(session: Session, key: str) -> bool:
    """Whether a post ``key`` was ever enqueued (whatever became of it)."""
    return session.scalar(select(OutboxPost.id).where(OutboxPost.key == key)) is not None


def sent_ts(session: Session, key: str) -> str | None:
    """Where the post ``key`` was posted (its ``ts``), once it is."""
    return session.scalar(
        select(OutboxPost.message_ts).where(
            OutboxPost.key == key, OutboxPost.status == PostStatus.SENT
        )
    )


WAITING = (PostStatus.PENDING, PostStatus.FAILED)
"""Posts no process has claimed yet: they may still be given new words or withdrawn."""


def like_literal(text: str) -> str:
    """``text`` as a literal part of a LIKE pattern escaped with a backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def withdraw_matching(session: Session, patterns: Sequence[str], reason: str) -> int:
    """Drop the posts no process has claimed yet whose keys match one of the LIKE
    ``patterns`` (their literal parts made with :func:`like_literal`); how many. The caller
    commits."""
    result = session.execute(
        update(OutboxPost)
        .where(or_(*(OutboxPost.key.like(pattern, escape="\\") for pattern in patterns)))
        .where(OutboxPost.status.in_(WAITING))
        .values(status=PostStatus.EXPIRED, last_error=reason)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def revise_waiting(session: Session, key: str, text: str, blocks: list[dict[str, Any]]) -> bool:
    """Give a post that no process has claimed yet new words; False if it is on its way or
    gone. The caller commits."""
    result = session.execute(
        update(OutboxPost)
        .where(
            OutboxPost.key == key,
            OutboxPost.status.in_(WAITING),
        )
        .values(text=text, blocks=blocks)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def withdraw_waiting(session: Session, key: str) -> bool:
    """Drop a post that no process has claimed yet; False if it is on its way or gone."""
    result = session.execute(
        update(OutboxPost)
        .where(
            OutboxPost.key == key,
            OutboxPost.status.in_(WAITING),
        )
        .values(status=PostStatus.EXPIRED, last_error="withdrawn before it was posted")
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1
