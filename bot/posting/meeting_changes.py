"""A meeting to come was moved, called off, or given another place or link: one notice.

An import (``tsagbot meetings import``) hands the changes it made to :func:`announce`
in its own transaction, so the notices are queued with the change or not at all. Each
goes to the meeting's channel (or the announce channel) and to everyone following the
meeting's kind, once: its outbox key is the meeting's uid, a digest of the change and
the recipient. Reminders need nothing here: they are computed from the meeting's row
at each tick, so they follow the new time (and a cancelled meeting has none); what was
queued for the old time and not yet delivered is withdrawn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.meetings.display import kind_label, when_text
from bot.meetings.merge import MeetingChange, Slot
from bot.posting.outbox import Post, enqueue, like_literal, withdraw_matching
from bot.posting.personal import zone_of
from bot.render import Mrkdwn, Renderer, Reply, clip, link, mrkdwn, one_line
from bot.settings import Settings
from bot.store.models import Follow, Meeting
from bot.store.vocabulary import FollowTopic


def change_digest(change: MeetingChange) -> str:
    """What tells this change from another of the same meeting (12 hex digits): where it
    was, since when, and where it went (moved there, back, and there again is told each
    time; the same change handed over twice is told once)."""
    before = change.before
    parts = [
        _slot_key(before),
        before.changed_at.isoformat(),
        _slot_key(change.after) if change.after else "cancelled",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def _slot_key(slot: Slot) -> str:
    return (
        f"{slot.start.isoformat()}/{slot.end.isoformat()}/{slot.all_day}/{slot.place}/{slot.link}"
    )


def recipients(session: Session, change: MeetingChange, announce_channel: str) -> list[str]:
    """The meeting's channel (or the announce channel), then its kind's followers, once each."""
    found = [change.channel or announce_channel]
    found += session.scalars(
        select(Follow.follower)
        .where(Follow.topic == FollowTopic.MEETING_KIND, Follow.target == change.kind)
        .order_by(Follow.id)
    )
    return [where for where in dict.fromkeys(found) if where]


def _when(slot: Slot, tz: ZoneInfo) -> str:
    return when_text(Meeting(start=slot.start, end=slot.end, all_day=slot.all_day), tz)


def notice(renderer: Renderer, change: MeetingChange, tz: ZoneInfo) -> Reply:
    """The notice's words: ``*IRM-3* moved from … to …``, a new place, a link; times in
    ``tz`` (each says its zone: ``14:00–16:00 Geneva time``)."""
    name = one_line(change.name, 200)
    before, after = change.before, change.after
    details: list[Mrkdwn] = []
    if after is None:
        headline = mrkdwn(":x: *{}* on {} is cancelled.", name, _when(before, tz))
        text = f"{name} on {_when(before, tz)} is cancelled"
    elif change.moved:
        headline = mrkdwn(
            ":calendar: *{}* moved from {} to {}.", name, _when(before, tz), _when(after, tz)
        )
        text = f"{name} moved to {_when(after, tz)}"
    else:
        headline = mrkdwn(":calendar: *{}*, {}: new details.", name, _when(after, tz))
        text = f"{name}: new details"
    if after is not None and after.place != before.place:
        details.append(
            mrkdwn("*Place*: {} (was: {})", one_line(after.place, 300), one_line(before.place, 300))
        )
    if after is not None and after.link != before.link:
        details.append(mrkdwn("*Join*: {}", link(after.link, one_line(after.link, 80))))
    view = {
        "headline": clip(headline, 2900),
        "details": details,
        "footer": mrkdwn(
            "{} · `/meetings` shows the schedule; reminders follow the new time",
            kind_label(change.kind),
        )
        if after is not None
        else mrkdwn("{} · `/meetings` shows the schedule", kind_label(change.kind)),
    }
    return Reply(renderer.blocks("meeting_change.json.j2", view=view), text)


def change_posts(
    session: Session,
    renderer: Renderer,
    settings: Settings,
    change: MeetingChange,
    now: datetime,
) -> list[Post]:
    """The notice for each recipient: a channel's in Geneva time, a person's in the zone
    kept for their reminders (Geneva time if they have none)."""
    digest = change_digest(change)
    until = max(change.before.start, change.after.start if change.after else change.before.start)
    posts = []
    for where in recipients(session, change, settings.announce_channel):
        tz = zone_of(session, where, settings.tz) if is_person(where) else settings.tz
        reply = notice(renderer, change, tz)
        posts.append(
            Post(
                key=f"meeting-change:{change.uid}:{digest}:{where}",
                kind="meeting-change",
                channel=where,
                text=reply.text,
                blocks=reply.blocks,
                due_at=now,
                useful_until=until,
            )
        )
    return posts


def is_person(where: str) -> bool:
    """A user id (``U…``, ``W…``) rather than a channel (``C…``, ``G…``, ``D…``)."""
    return where[:1] in ("U", "W")


def withdraw_reminders(session: Session, uid: str) -> int:
    """Reminders of the meeting queued and not yet delivered: they spoke of the old time;
    how many. The channel's, the personal ones and their snoozed copies. (Those due at the
    new time are queued afresh under keys of their own.)"""
    escaped = like_literal(uid)
    patterns = (
        f"reminder:%:{escaped}:%",
        f"personal:%:reminder:%:{escaped}:%",
        f"personal-snooze:%:{escaped}:%",
    )
    return withdraw_matching(session, patterns, "the meeting changed before it was posted")


def announce(
    session: Session,
    changes: Sequence[MeetingChange],
    now: datetime,
    *,
    renderer: Renderer,
    settings: Settings,
) -> list[str]:
    """Queue one notice per change and recipient (the keys queued now), and withdraw the
    reminders queued for the old times; the caller commits."""
    posts: list[Post] = []
    for change in changes:
        withdraw_reminders(session, change.uid)
        posts += change_posts(session, renderer, settings, change, now)
    return enqueue(session, posts, now)
