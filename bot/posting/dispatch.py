"""What the bot posts by itself at a given moment: due reminders and the weekly digest.

Every function takes ``now``; the scheduler passes the clock's time, tests and
``tsagbot reminders/digest --dry-run`` pass any moment they like. Composing
and delivering are separate: :meth:`Dispatcher.compose_reminders` and
:meth:`Dispatcher.compose_digest` say what would be posted, and the ``run_``
methods put it in the outbox and deliver it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.meetings.milestones import Schedule
from bot.meetings.queries import DueItem, due_at, open_items, schedule
from bot.posting.digest import build_digest
from bot.posting.digest_text import render_digest
from bot.posting.follow_notices import enqueue_follow_notices
from bot.posting.notices import reminder_post
from bot.posting.outbox import Delivery, Post, PostFunction, deliver, enqueue
from bot.posting.personal import enqueue_personal
from bot.posting.reminders import (
    CATCH_UP,
    Reminder,
    ReminderKind,
    ReminderPolicy,
    due_now,
    meetings_near,
    reminders_between,
)
from bot.posting.rounds.reminders import enqueue_round_reminders
from bot.render import Renderer
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import Meeting, OutboxPost

log = logging.getLogger(__name__)

DIGEST_USEFUL_FOR = timedelta(days=2)


@dataclass(frozen=True)
class DigestSlot:
    at: datetime
    useful_until: datetime

    @property
    def key(self) -> str:
        return f"digest:{self.at.astimezone(ZoneInfo('UTC')):%Y-%m-%dT%H:%MZ}"


def digest_slot(cron: str, tz: ZoneInfo, now: datetime) -> DigestSlot | None:
    """The latest digest time at or before ``now`` that is still worth posting.

    A digest stays worth posting until the next one is due or for two days,
    whichever comes first; so a bot that was down on Monday morning posts the
    digest when it comes back on Monday afternoon, but not a week late.
    """
    trigger = CronTrigger.from_crontab(cron, timezone=tz)
    moment = trigger.get_next_fire_time(None, now - DIGEST_USEFUL_FOR)
    latest = None
    while moment is not None and moment <= now:
        latest = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    if latest is None:
        return None
    until = latest + DIGEST_USEFUL_FOR
    if moment is not None:
        until = min(until, moment)
    return DigestSlot(latest, until) if now < until else None


@dataclass
class Dispatcher:
    db: Database
    settings: Settings
    renderer: Renderer

    @property
    def policy(self) -> ReminderPolicy:
        return ReminderPolicy.from_settings(self.settings)

    def compose_reminders(
        self, session: Session, reminders: list[Reminder], now: datetime | None
    ) -> list[Post]:
        """The posts of ``reminders`` as worded at ``now`` ("starting in 20 minutes").

        With ``now`` None, each is worded as at its own moment, as the scheduler
        would post it (``tsagbot reminders --from --to`` lists them so).
        """
        items_due = _ItemsDue(session, self.settings.tz)
        posts = []
        for reminder in reminders:
            due = items_due.at(reminder.meeting) if reminder.kind != ReminderKind.DEADLINE else []
            moment = reminder.at if now is None else now
            posts.append(
                reminder_post(self.renderer, reminder, now=moment, tz=self.settings.tz, due=due)
            )
        return posts

    def reminders_in(self, session: Session, start: datetime, end: datetime) -> list[Reminder]:
        """Every reminder falling in ``[start, end)``, whether or not it was sent."""
        policy = self.policy
        meetings = meetings_near(session, start, end, policy.lead)
        return reminders_between(meetings, policy, start, end)

    def due_reminders(self, session: Session, now: datetime) -> list[Reminder]:
        """The reminders to post at ``now`` that were not yet put in the outbox."""
        policy = self.policy
        meetings = meetings_near(session, now - CATCH_UP, now, policy.lead)
        due = due_now(meetings, policy, now)
        known = _known_keys(session, [reminder.key for reminder in due])
        return [reminder for reminder in due if reminder.key not in known]

    def enqueue_reminders(self, now: datetime) -> None:
        """Enqueue the reminders due at ``now`` that were never enqueued."""
        with self.db.unit_of_work() as session:
            fresh = self.due_reminders(session, now)
            if fresh:
                enqueue(session, self.compose_reminders(session, fresh, now), now)
                session.commit()

    def enqueue_personal_reminders(self, now: datetime) -> None:
        """Enqueue the personal reminders (by direct message, in each reader's day) due now."""
        with self.db.unit_of_work() as session:
            items_due = _ItemsDue(session, self.settings.tz)
            if enqueue_personal(session, self.renderer, self.settings, now, items_due.at):
                session.commit()

    def enqueue_round_reminders(self, now: datetime) -> None:
        """Enqueue the reminders of the open reporting rounds due at ``now``."""
        with self.db.unit_of_work() as session:
            if enqueue_round_reminders(session, self.renderer, self.settings, now):
                session.commit()

    def run_tick(self, post: PostFunction, now: datetime) -> Delivery:
        """What the scheduler does each minute: the reminders due at ``now`` are enqueued and
        delivered (with the retries due) with the notices to followers of the changes recorded
        since the last tick and the reporting rounds' reminders, then the digest, if its time
        came, after them."""
        self.enqueue_reminders(now)
        try:
            enqueue_follow_notices(self.db, self.renderer, now)
        except Exception:  # the reminders must still go out; the next tick tries again
            log.exception("queueing the notices to followers failed")
        try:
            self.enqueue_personal_reminders(now)
        except Exception:  # the others must still go out; the next tick tries again
            log.exception("queueing the personal reminders failed")
        try:
            self.enqueue_round_reminders(now)
        except Exception:  # the others must still go out; the next tick tries again
            log.exception("queueing the reporting round reminders failed")
        delivery = deliver(self.db, post, now, lease=self.settings.outbox_lease)
        if self.enqueue_digest(now):
            later = deliver(self.db, post, now, lease=self.settings.outbox_lease)
            delivery.sent += later.sent
            delivery.failed += later.failed
            delivery.expired += later.expired
        return delivery

    def compose_digest(self, session: Session, now: datetime, slot: DigestSlot) -> list[Post]:
        """The digest of ``slot``, as of the slot's time even when posted late after downtime."""
        channel = self.settings.digest_channel
        digest = build_digest(session, min(now, slot.at), self.settings.tz)
        messages = render_digest(self.renderer, digest)
        return [
            Post(
                key=slot.key if number == 1 else f"{slot.key}/{number}",
                kind="digest",
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                due_at=slot.at,
                useful_until=slot.useful_until,
            )
            for number, message in enumerate(messages, start=1)
        ]

    def enqueue_digest(self, now: datetime) -> bool:
        """Enqueue the digest of the current slot unless it already was; whether it was now."""
        slot = digest_slot(self.settings.digest_cron, self.settings.tz, now)
        if slot is None:
            return False
        with self.db.unit_of_work() as session:
            if _known_keys(session, [slot.key]):
                return False
            posts = self.compose_digest(session, now, slot)
            if not enqueue(session, posts, now, together=True):
                return False
            session.commit()
            return True

    def run_digest(self, post: PostFunction, now: datetime) -> Delivery:
        """Enqueue the digest of the current slot unless it already was, then deliver."""
        self.enqueue_digest(now)
        return deliver(self.db, post, now, lease=self.settings.outbox_lease)


def items_due_at(session: Session, tz: ZoneInfo) -> Callable[[Meeting], list[DueItem]]:
    """The open action items due at a meeting, the plan read once for all the calls."""
    return _ItemsDue(session, tz).at


class _ItemsDue:
    """The open items due at each meeting of a batch of reminders.

    After downtime, or on a day of many meetings, a batch holds tens of
    reminders; the items and the schedule are read once for all of them.
    """

    def __init__(self, session: Session, tz: ZoneInfo) -> None:
        self.session = session
        self.tz = tz
        self._loaded: tuple[Schedule, list[DueItem]] | None = None

    def at(self, meeting: Meeting) -> list[DueItem]:
        if self._loaded is None:
            self._loaded = schedule(self.session, self.tz), open_items(self.session)
        plan_schedule, items = self._loaded
        return due_at(items, meeting, plan_schedule)


def _known_keys(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(session.scalars(select(OutboxPost.key).where(OutboxPost.key.in_(keys))))
