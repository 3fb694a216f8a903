"""Posts the bot makes by itself, each exactly once: an outbox in the database.

A post is first *enqueued*: inserted under its unique key with its whole
payload. Whichever process inserts a key first owns the post; the others find
the key taken and do nothing, so restarts and replicas cannot post it twice.
Then it is *delivered*: a process claims it for a short lease (a conditional
update only one process can win), posts it to Slack, and marks it sent. A
failed post stays in the outbox and is retried with a growing pause until it
is sent or no longer useful (a reminder after its meeting has started).

One gap is left, and it is the one Slack's API leaves: if a process dies after
Slack accepted a post and before the outbox could mark it sent, the lease
expires and the post is made again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.db import Database
from bot.store.models import OutboxPost
from bot.store.vocabulary import PostStatus

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=1)
GIVE_UP_AFTER = 48  # attempts; with the pauses above, about two days
INSERT_BATCH = 500

DELIVERABLE = (PostStatus.PENDING, PostStatus.SENDING, PostStatus.FAILED)

PostFunction = Callable[[str, str, list[dict[str, Any]]], str]
"""Posts (channel, text, blocks) and returns the message's ``ts``; raises on failure."""


@dataclass(frozen=True)
class Post:
    key: str
    kind: str
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    due_at: datetime
    useful_until: datetime | None = None


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
        "next_attempt_at": now,
        "last_error": "" if post.channel else "no channel: set TSAGBOT_ANNOUNCE_CHANNEL",
        "message_ts": None,
        "created_at": now,
        "sent_at": None,
    }


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """``INSERT ... ON CONFLICT (key) DO NOTHING``: the keys that were free and are now ours."""
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    insert: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise NotImplementedError(f"the outbox needs PostgreSQL or SQLite, not {dialect}")
    added: set[str] = set()
    for first in range(0, len(rows), INSERT_BATCH):
        statement = (
            insert(OutboxPost)
            .values(rows[first : first + INSERT_BATCH])
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(OutboxPost.key)
        )
        added.update(session.scalars(statement))
    return added


def deliver(db: Database, post: PostFunction, now: datetime, *, limit: int = 50) -> Delivery:
    """Post what is due in the outbox, oldest first; each post is claimed before it is made."""
    delivery = Delivery()
    with db.unit_of_work() as session:
        rows = session.execute(
            select(OutboxPost.id, OutboxPost.key)
            .where(OutboxPost.status.in_(DELIVERABLE), OutboxPost.next_attempt_at <= now)
            .order_by(OutboxPost.due_at, OutboxPost.id)
            .limit(limit)
        ).all()
    for row_id, key in rows:
        claimed = _claim(db, row_id, now)
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
            ts = post(claimed.channel, claimed.text, claimed.blocks)
        except Exception as error:  # a failed post must be kept and retried, whatever failed
            log.warning("posting %s failed (attempt %d): %s", key, claimed.attempts, error)
            _failed(db, row_id, claimed.attempts, now, error)
            delivery.failed.append(key)
            continue
        _finish(db, row_id, status=PostStatus.SENT, ts=ts, sent_at=now)
        delivery.sent.append(key)
    return delivery


@dataclass(frozen=True)
class _Claimed:
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    useful_until: datetime | None
    attempts: int


def _claim(db: Database, row_id: int, now: datetime) -> _Claimed | None:
    """Take the post for one lease; None when another process holds or has sent it."""
    with db.unit_of_work() as session:
        result = session.execute(
            update(OutboxPost)
            .where(
                OutboxPost.id == row_id,
                OutboxPost.status.in_(DELIVERABLE),
                OutboxPost.next_attempt_at <= now,
            )
            .values(
                status=PostStatus.SENDING,
                attempts=OutboxPost.attempts + 1,
                next_attempt_at=now + LEASE,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            return None
        row = session.get_one(OutboxPost, row_id)
        claimed = _Claimed(row.channel, row.text, list(row.blocks), row.useful_until, row.attempts)
        session.commit()
    return claimed


def _failed(db: Database, row_id: int, attempts: int, now: datetime, error: Exception) -> None:
    pause = min(FIRST_PAUSE * 2 ** (attempts - 1), LONGEST_PAUSE)
    status = PostStatus.FAILED if attempts < GIVE_UP_AFTER else PostStatus.ABANDONED
    with db.unit_of_work() as session:
        session.execute(
            update(OutboxPost)
            .where(OutboxPost.id == row_id)
            .values(status=status, next_attempt_at=now + pause, last_error=str(error)[:500])
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
