"""Personal reminders: the meeting reminders, by direct message, in each reader's own day.

A person opts in (``/meetings remind me``, or the App Home's button) and gets the
reminders of the meeting kinds they follow personally (``/meetings follow irm for
me``), or of every meeting if they follow none. The day-based ones (contribution
deadlines, the agenda the day before) come at ``TSAGBOT_REMINDER_TIME`` (09:00) in
*their* time zone, which Slack tells (``users.info``) when they opt in and again when
they open the App Home; the meeting-day one comes the configured minutes before the
start. Each is one post of the outbox under a key of the person and the reminder, so
it goes out once whichever replica's tick finds it.

Under each: "Snooze 1 day" queues the same reminder again a day later (worded as at
that moment), and "Got it" stops that kind of reminder of that meeting for that person
(the 1-day deadline reminder after the 7-day one) and drops a snoozed copy not yet sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.meetings.display import clock_text, day_text, kind_label
from bot.meetings.queries import DueItem
from bot.posting.notices import reminder_post
from bot.posting.outbox import Post, enqueue, like_literal, withdraw_matching
from bot.posting.reminders import (
    CATCH_UP,
    Reminder,
    ReminderKind,
    ReminderPolicy,
    due_now,
    meetings_near,
    reminders_for,
)
from bot.render import Renderer
from bot.settings import Settings
from bot.store.insert import insert_unless
from bot.store.models import (
    Follow,
    Meeting,
    OutboxPost,
    ReminderDismissal,
    ReminderSubscriber,
)
from bot.store.vocabulary import FollowTopic

SNOOZE_BUTTON = "reminder_snooze"
GOT_IT_BUTTON = "reminder_got_it"
SNOOZE = timedelta(days=1)

DueItems = Callable[[Meeting], list[DueItem]]
"""The open action items due at a meeting (what the meeting-day reminder lists)."""


def zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    """The time zone Slack gave a person, or ``fallback`` when it gave none we know."""
    try:
        return ZoneInfo(name) if name else fallback
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


# --------------------------------------------------------------------------- opting in


def subscribe(session: Session, user: str, tz: ZoneInfo, now: datetime) -> bool:
    """Opt ``user`` in (their zone kept); False if they already were (the zone refreshed)."""
    added = insert_unless(
        session,
        ReminderSubscriber,
        [{"user_id": user, "timezone": tz.key, "created_at": now, "updated_at": now}],
        ["user_id"],
    )
    if not added:
        refresh_zone(session, user, tz, now)
    return bool(added)


def unsubscribe(session: Session, user: str) -> bool:
    """Opt ``user`` out; False if they were not in."""
    result = session.execute(delete(ReminderSubscriber).where(ReminderSubscriber.user_id == user))
    return getattr(result, "rowcount", 0) > 0


def refresh_zone(session: Session, user: str, tz: ZoneInfo, now: datetime) -> None:
    """Keep the zone Slack gives now (a person who travelled, a changed setting)."""
    session.execute(
        update(ReminderSubscriber)
        .where(ReminderSubscriber.user_id == user, ReminderSubscriber.timezone != tz.key)
        .values(timezone=tz.key, updated_at=now)
    )


def subscribed(session: Session, user: str) -> bool:
    found = session.scalar(select(ReminderSubscriber.id).where(ReminderSubscriber.user_id == user))
    return found is not None


# --------------------------------------------------------------------------- the tick


@dataclass(frozen=True)
class Personal:
    """One reminder for one person."""

    user: str
    tz: ZoneInfo
    reminder: Reminder

    @property
    def key(self) -> str:
        """The person, the meeting, the reminder and the meeting's UTC moment it counts to
        (the deadline or the start), never the local 09:00: a person whose zone changes
        (travel, a new setting) does not get again what they were sent."""
        reminder = self.reminder
        meeting = reminder.meeting
        moment = meeting.start
        if reminder.kind == ReminderKind.DEADLINE and meeting.deadline is not None:
            moment = meeting.deadline
        return (
            f"personal:{self.user}:reminder:{reminder.kind}:{meeting.uid}:"
            f"{reminder.days_before}:{moment:%Y%m%dT%H%MZ}"
        )

    @property
    def earlier_key(self) -> str:
        """The key these were queued under before (with the local 09:00): one queued so
        is not sent again."""
        return f"personal:{self.user}:{self.reminder.key}"


def _kinds_followed(session: Session) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    rows = session.execute(
        select(Follow.follower, Follow.target).where(
            Follow.topic == FollowTopic.MEETING_KIND, Follow.personal.is_(True)
        )
    )
    for user, kind in rows:
        kinds.setdefault(user, set()).add(kind)
    return kinds


def _dismissed(session: Session) -> set[tuple[str, str, str]]:
    rows = session.execute(
        select(ReminderDismissal.user_id, ReminderDismissal.meeting_uid, ReminderDismissal.kind)
    )
    return {(user, uid, kind) for user, uid, kind in rows}


def due_personal(session: Session, settings: Settings, now: datetime) -> list[Personal]:
    """The personal reminders to send at ``now``, not yet queued.

    Only reminders falling after the person opted in count (opting in does not bring
    the reminders of the last weeks), and none they said "Got it" to."""
    subscribers = list(session.scalars(select(ReminderSubscriber).order_by(ReminderSubscriber.id)))
    if not subscribers:
        return []
    base = ReminderPolicy.from_settings(settings)
    meetings = meetings_near(session, now - CATCH_UP, now + timedelta(days=1), base.lead)
    kinds = _kinds_followed(session)
    dismissed = _dismissed(session)
    found: list[Personal] = []
    for subscriber in subscribers:
        tz = zone(subscriber.timezone, settings.tz)
        policy = replace(base, tz=tz)
        wanted = kinds.get(subscriber.user_id)
        theirs = [m for m in meetings if not wanted or m.kind in wanted]
        for reminder in due_now(theirs, policy, now):
            mark = (subscriber.user_id, reminder.meeting.uid, str(reminder.kind))
            if reminder.at >= subscriber.created_at and mark not in dismissed:
                found.append(Personal(subscriber.user_id, tz, _to(reminder, subscriber.user_id)))
    queued = _queued(session, [key for p in found for key in (p.key, p.earlier_key)])
    return [p for p in found if p.key not in queued and p.earlier_key not in queued]


def _to(reminder: Reminder, user: str) -> Reminder:
    return replace(reminder, channel=user)


def _queued(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(session.scalars(select(OutboxPost.key).where(OutboxPost.key.in_(keys))))


def buttons(personal: Personal) -> list[dict[str, str | None]]:
    reminder = personal.reminder
    value = json.dumps(
        {"m": reminder.meeting.uid, "k": str(reminder.kind), "d": reminder.days_before}
    )
    return [
        {"label": "Snooze 1 day", "action_id": SNOOZE_BUTTON, "value": value, "style": None},
        {"label": "Got it", "action_id": GOT_IT_BUTTON, "value": value, "style": "primary"},
    ]


def personal_post(
    renderer: Renderer,
    personal: Personal,
    *,
    now: datetime,
    due_items: DueItems,
    key: str | None = None,
    due_at: datetime | None = None,
) -> Post:
    """The direct message of ``personal``, worded in the person's zone as at ``now``."""
    reminder = personal.reminder
    due = due_items(reminder.meeting) if reminder.kind != ReminderKind.DEADLINE else []
    post = reminder_post(
        renderer, reminder, now=now, tz=personal.tz, due=due, buttons=buttons(personal)
    )
    return replace(
        post,
        key=key or personal.key,
        kind=f"personal-{reminder.kind}",
        channel=personal.user,
        due_at=due_at or reminder.at,
    )


def enqueue_personal(
    session: Session, renderer: Renderer, settings: Settings, now: datetime, due_items: DueItems
) -> list[str]:
    """Queue the personal reminders due at ``now``; the keys queued now. The caller commits."""
    posts = [
        personal_post(renderer, personal, now=now, due_items=due_items)
        for personal in due_personal(session, settings, now)
    ]
    return enqueue(session, posts, now)


# --------------------------------------------------------------------------- the buttons


class ButtonError(ValueError):
    """The button names no reminder now (an old message, a meeting gone): one line."""


@dataclass(frozen=True)
class Pressed:
    meeting: str
    kind: ReminderKind
    days_before: int


def read_button(value: str) -> Pressed:
    try:
        data = json.loads(value)
        return Pressed(str(data["m"]), ReminderKind(str(data["k"])), int(data["d"]))
    except (ValueError, KeyError, TypeError) as error:
        raise ButtonError("That button no longer works.") from error


def _reminder(
    session: Session, settings: Settings, user: str, pressed: Pressed, tz: ZoneInfo
) -> Reminder:
    meeting = session.scalar(select(Meeting).where(Meeting.uid == pressed.meeting))
    if meeting is None:
        raise ButtonError("That meeting is no longer in the schedule.")
    policy = replace(ReminderPolicy.from_settings(settings), tz=tz)
    for reminder in reminders_for(meeting, policy):
        if (reminder.kind, reminder.days_before) == (pressed.kind, pressed.days_before):
            return _to(reminder, user)
    raise ButtonError("That reminder is no longer in the schedule.")


def zone_of(session: Session, user: str, fallback: ZoneInfo) -> ZoneInfo:
    """The zone kept for ``user``'s reminders, or ``fallback`` when none is."""
    name = session.scalar(
        select(ReminderSubscriber.timezone).where(ReminderSubscriber.user_id == user)
    )
    return zone(name, fallback)


def snooze(
    session: Session,
    renderer: Renderer,
    settings: Settings,
    user: str,
    value: str,
    now: datetime,
    due_items: DueItems,
) -> str:
    """Queue the reminder again a day from ``now``; what to tell the person (one line).
    The caller commits. ButtonError if the button names no reminder now."""
    pressed = read_button(value)
    tz = zone_of(session, user, settings.tz)
    reminder = _reminder(session, settings, user, pressed, tz)
    later = (now + SNOOZE).replace(second=0, microsecond=0)
    if later >= reminder.useful_until:
        return "Not snoozed: a day from now is too late for this reminder."
    personal = Personal(user, tz, reminder)
    key = f"{_snooze_prefix(user, pressed)}{later:%Y%m%d}"  # one snoozed copy a day
    post = personal_post(renderer, personal, now=later, due_items=due_items, key=key, due_at=later)
    enqueue(session, [post], now)
    return f"Snoozed: I will remind you again {day_text(later, tz)} at {clock_text(later, tz)}."


def _snooze_prefix(user: str, pressed: Pressed) -> str:
    return f"personal-snooze:{user}:{pressed.meeting}:{pressed.kind}:{pressed.days_before}:"


def got_it(session: Session, user: str, value: str, now: datetime) -> str:
    """No more reminders of this kind of this meeting to ``user``; a snoozed copy not yet
    sent is dropped. What to tell the person (one line); the caller commits."""
    pressed = read_button(value)
    insert_unless(
        session,
        ReminderDismissal,
        [
            {
                "user_id": user,
                "meeting_uid": pressed.meeting,
                "kind": str(pressed.kind),
                "created_at": now,
            }
        ],
        ["user_id", "meeting_uid", "kind"],
    )
    snoozed = like_literal(_snooze_prefix(user, pressed)) + "%"
    withdraw_matching(session, [snoozed], "got it before it was posted")
    what = {
        ReminderKind.DEADLINE: "contribution deadline reminders",
        ReminderKind.AGENDA: "agenda reminder",
        ReminderKind.START: "meeting-day reminder",
    }[pressed.kind]
    return f"Got it: no more {what} of this meeting for you."


def meeting_kinds_text(session: Session, user: str) -> str:
    """``the IRM and TSAG meetings you follow`` or ``every meeting``."""
    kinds = sorted(
        session.scalars(
            select(Follow.target).where(
                Follow.follower == user,
                Follow.personal.is_(True),
                Follow.topic == FollowTopic.MEETING_KIND,
            )
        )
    )
    if not kinds:
        return "every meeting (follow a kind, such as `/meetings follow irm for me`, to narrow)"
    return "the meetings you follow: " + ", ".join(kind_label(kind) for kind in kinds)


def opt_in_text(added: bool, tz: ZoneInfo, kinds: str, settings: Settings) -> str:
    at = settings.reminder_time.strftime("%H:%M")
    start = "You will now get" if added else "You already get"
    return (
        f"{start} reminders by direct message for {kinds}: deadlines and agendas at {at} "
        f"your time ({tz.key}), the meeting-day one before the start. "
        "`/meetings remind me off` stops them."
    )


def opt_out_text(removed: bool) -> str:
    if removed:
        return "No more reminders by direct message. `/meetings remind me` starts them again."
    return "You were not getting reminders by direct message. `/meetings remind me` starts them."
