"""Telling followers of each change recorded in what they follow, once.

The scheduler's tick (every minute) calls :func:`enqueue_follow_notices`. It takes the
recent updates not yet handed to followers and *claims* them: a row per update in
``followed_updates`` under a unique key, inserted only where the key is free. In the
same transaction it queues, for each follower, one message listing that follower's
changes among the updates it claimed, keyed ``follow:<follower>:<first update id>``.
Two replicas (or a retried tick) claim disjoint sets of updates, so a change reaches
a follower once; the outbox then posts each message once (:mod:`bot.posting.outbox`).
An update recorded while a tick runs is claimed by the next one: nothing is skipped by
a watermark that a late commit could pass.

What is told: an item marked completed, its periodic goals met, reopened, or a note
(the four things people record); imports, undos and edits are not, and an update
already taken back when the tick comes is dropped. A channel is not told of a change
posted in that channel (its thread already has the confirmation), nor a person of
their own change. A follow hears only of changes recorded after it was made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from bot.plan.bodies import matches as responsible
from bot.plan.bodies import responsibility
from bot.plan.documents import linked
from bot.posting.follows import label
from bot.posting.outbox import Post, enqueue
from bot.render import (
    MAX_BLOCKS,
    PLAIN_DOCUMENTS,
    DocumentLinks,
    Mrkdwn,
    Renderer,
    Reply,
    chunk_lines,
    clip,
    link,
    mention,
)
from bot.render import mrkdwn as md
from bot.store.db import Database
from bot.store.insert import insert_new
from bot.store.models import ActionItem, Follow, FollowedUpdate, StatusUpdate
from bot.store.vocabulary import FollowTopic, UpdateKind, UpdateSource

LOOKBACK = timedelta(days=1)
"""Updates older than this when a tick first sees them (the bot was down) are not told."""
BATCH = 500
TOLD = frozenset({UpdateKind.COMPLETED, UpdateKind.PERIODIC, UpdateKind.REOPENED, UpdateKind.NOTE})
NOTE_CHARACTERS = 300
TITLE_CHARACTERS = 1000
MAX_SECTIONS = MAX_BLOCKS - 5


@dataclass(frozen=True)
class FollowerGroup:
    """A follower (a channel, or a person by direct message) and all it follows."""

    id: str
    personal: bool
    follows: list[Follow]

    def hears_of(self, update: StatusUpdate) -> Follow | None:
        """The follow through which this follower hears of ``update``, if any."""
        if update.channel == self.id or update.author_id == self.id:
            return None
        for follow in self.follows:
            if update.created_at >= follow.created_at and matches(follow, update.item):
                return follow
        return None


def matches(follow: Follow, item: ActionItem) -> bool:
    """Whether a change to ``item`` concerns what ``follow`` follows."""
    if follow.topic == FollowTopic.RESOLUTION:
        return item.resolution.key == follow.target
    if follow.topic == FollowTopic.BODY:
        return responsible(responsibility(item), follow.target)
    return False


def enqueue_follow_notices(db: Database, renderer: Renderer, now: datetime) -> list[str]:
    """Claim the updates not yet told and queue each follower's message; the keys queued."""
    with db.unit_of_work() as session:
        followers = _followers(session)
        if not followers:
            return []
        updates = _claim(session, now)
        posts = [
            post
            for follower in followers
            if (post := notice(renderer, follower, updates, now)) is not None
        ]
        keys = enqueue(session, posts, now)
        session.commit()
    return keys


def _followers(session: Session) -> list[FollowerGroup]:
    grouped: dict[tuple[str, bool], list[Follow]] = defaultdict(list)
    rows = session.scalars(
        select(Follow).where(Follow.topic != FollowTopic.MEETING_KIND).order_by(Follow.id)
    )
    for follow in rows:
        grouped[follow.follower, follow.personal].append(follow)
    return [FollowerGroup(who, personal, follows) for (who, personal), follows in grouped.items()]


def _claim(session: Session, now: datetime) -> list[StatusUpdate]:
    """The recent updates no process has claimed, claimed now (in the caller's transaction)."""
    candidates = list(
        session.scalars(
            select(StatusUpdate)
            .where(
                StatusUpdate.created_at >= now - LOOKBACK,
                ~exists().where(FollowedUpdate.update_id == StatusUpdate.id),
            )
            .order_by(StatusUpdate.id)
            .limit(BATCH)
            .options(
                selectinload(StatusUpdate.item).selectinload(ActionItem.resolution),
                selectinload(StatusUpdate.message),
            )
        )
    )
    rows = [{"key": str(u.id), "update_id": u.id, "handled_at": now} for u in candidates]
    claimed = insert_new(session, FollowedUpdate, rows)
    return [
        update
        for update in candidates
        if str(update.id) in claimed
        and update.active
        and update.kind in TOLD
        and update.source != UpdateSource.IMPORT
    ]


def notice(
    renderer: Renderer, follower: FollowerGroup, updates: Sequence[StatusUpdate], now: datetime
) -> Post | None:
    """One message telling ``follower`` of the updates that concern it; None when none do."""
    heard = [(update, follow) for update in updates if (follow := follower.hears_of(update))]
    if not heard:
        return None
    lines = [change_line(update, renderer.links) for update, _ in heard]
    sections = chunk_lines(lines)
    more = len(sections) - MAX_SECTIONS
    topics = sorted({label(follow.topic, follow.target) for _, follow in heard})
    who = "you follow" if follower.personal else "this channel follows"
    view = {
        "title": clip(md("Changes in what {}: {}", who, ", ".join(topics)), TITLE_CHARACTERS),
        "sections": sections[:MAX_SECTIONS],
        "more": md("… and {} more: `/action ID` shows each item.", more) if more > 0 else "",
        "footer": Mrkdwn("`/action following` lists what is followed here; `/action unfollow …`"),
    }
    blocks = renderer.blocks("follow_notice.json.j2", view=view)
    text = md("{} in what {}: {}", _changes(len(heard)), who, ", ".join(topics))
    reply = Reply(blocks, text)
    return Post(
        key=f"follow:{follower.id}:{heard[0][0].id}",
        kind="follow",
        channel=follower.id,
        text=reply.text,
        blocks=reply.blocks,
        due_at=now,
    )


def _changes(number: int) -> str:
    return "1 change" if number == 1 else f"{number} changes"


def change_line(update: StatusUpdate, links: DocumentLinks = PLAIN_DOCUMENTS) -> Mrkdwn:
    """``• *50-18* marked completed — @alice, message``."""
    code = update.item.code
    if update.kind == UpdateKind.COMPLETED:
        what = md("*{}* marked completed", code)
    elif update.kind == UpdateKind.PERIODIC:
        what = md("*{}* periodic goals met", code)
    elif update.kind == UpdateKind.REOPENED:
        what = md("*{}* reopened", code)
    else:
        words = clip(" ".join(update.words.split()), NOTE_CHARACTERS)
        what = md("*{}* note: {}", code, linked(links, words))
    who = mention(update.author_id) if update.author_id else md("{}", update.author or "someone")
    where = md(" ({})", link(update.link, "message")) if update.link else Mrkdwn("")
    return md("• {} — {}{}", what, who, where)
