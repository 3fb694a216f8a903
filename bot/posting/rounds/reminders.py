"""The reminders of a reporting round: at ``TSAGBOT_REMINDER_TIME`` (09:00) Geneva time,
``TSAGBOT_ROUND_REMINDER_DAYS`` (7 and 2) local days before the round's deadline, to
each body with items still unreported (its channel, or its people by DM).

The scheduler's tick calls :func:`enqueue_round_reminders`; each reminder is a post of
the outbox under a key of the round, the day and the body, so it goes out once however
many ticks or replicas find it due. A reminder is sent within :data:`LATE` of its time
(a bot down longer skips it), and a round started after a reminder's time has none then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.meetings.when import local_date, local_datetime
from bot.posting.outbox import Post, enqueue, like_literal
from bot.posting.rounds.contacts import contacts, destinations
from bot.posting.rounds.messages import ask_posts
from bot.posting.rounds.service import open_rounds, progress
from bot.render import Renderer
from bot.settings import Settings
from bot.store.models import OutboxPost, ReportingRound

LATE = timedelta(days=1)


def reminder_times(found: ReportingRound, settings: Settings) -> list[tuple[int, datetime]]:
    """(days before, moment) of each reminder of the round, in UTC."""
    tz = settings.tz
    day = local_date(found.deadline, tz)
    return [
        (days, local_datetime(day - timedelta(days=days), settings.reminder_time, tz))
        for days in settings.round_reminder_days
    ]


def round_reminder_posts(
    session: Session, renderer: Renderer, settings: Settings, now: datetime
) -> list[Post]:
    """The round reminders due at ``now`` and not queued before (what
    :func:`enqueue_round_reminders` queues, and ``tsagbot reminders --dry-run`` shows)."""
    posts: list[Post] = []
    for found in open_rounds(session):
        if found.deadline <= now:
            continue
        for days, at in reminder_times(found, settings):
            if not found.started_at < at <= now < at + LATE or _sent(session, found.id, days):
                continue
            known = contacts(session)
            missing = progress(session, found).unreported_bodies()
            posts += [
                post
                for body, items in missing.items()
                for post in ask_posts(
                    renderer,
                    found,
                    body,
                    items,
                    destinations(known.get(body)),
                    tz=settings.tz,
                    now=now,
                    reminder_days=days,
                )
            ]
    return posts


def enqueue_round_reminders(
    session: Session, renderer: Renderer, settings: Settings, now: datetime
) -> list[str]:
    """Queue the round reminders due at ``now`` not queued before; the keys queued now.
    The caller commits."""
    return enqueue(session, round_reminder_posts(session, renderer, settings, now), now)


def _sent(session: Session, round_id: int, days: int) -> bool:
    """Whether that reminder was queued already (to any body)."""
    prefix = like_literal(f"round:{round_id}:remind-{days}:")
    query = select(OutboxPost.id).where(OutboxPost.key.like(f"{prefix}%", escape="\\")).limit(1)
    return session.scalar(query) is not None
