"""When the bot reminds people of a meeting, as plain data.

Three kinds, each switched by a setting:

* ``deadline``: N days before the contribution deadline (7 and 1 by default),
  at the reminder time of day (09:00 Geneva by default);
* ``agenda``: the day before the meeting, at the reminder time of day;
* ``start``: some minutes before a timed meeting (30 by default), or at the
  reminder time of day on the first day of an all-day meeting.

Day-based reminders are placed on the local calendar and then converted to
UTC, so a 09:00 reminder stays at 09:00 Geneva time across the CET/CEST
changes; minute-based ones count back from the meeting's UTC start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.settings import Settings
from bot.store.models import Meeting

CATCH_UP = timedelta(days=62)


@dataclass(frozen=True)
class ReminderPolicy:
    tz: ZoneInfo
    deadline_days: tuple[int, ...] = (7, 1)
    agenda: bool = True
    before_minutes: int = 30
    time_of_day: time = time(9, 0)
    announce_channel: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> ReminderPolicy:
        return cls(
            tz=settings.tz,
            deadline_days=settings.deadline_reminder_days,
            agenda=settings.agenda_reminder,
            before_minutes=settings.reminder_before_minutes,
            time_of_day=settings.reminder_time,
            announce_channel=settings.announce_channel,
        )

    @property
    def lead(self) -> timedelta:
        """How long before a meeting or deadline its earliest reminder can fall."""
        days = max((*self.deadline_days, 1))
        return timedelta(days=days + 1)


class ReminderKind(StrEnum):
    DEADLINE = "deadline"
    """Days before a meeting's contribution deadline."""
    AGENDA = "agenda"
    """The day before a meeting, with its agenda."""
    START = "start"
    """Minutes before a meeting starts."""


@dataclass(frozen=True)
class Reminder:
    at: datetime
    kind: ReminderKind
    meeting: Meeting
    channel: str
    useful_until: datetime
    days_before: int = 0

    @property
    def key(self) -> str:
        """What makes this reminder unique: posting it twice is impossible under this key."""
        what = f"deadline-{self.days_before}d" if self.kind == ReminderKind.DEADLINE else self.kind
        return f"reminder:{what}:{self.meeting.uid}:{self.at:%Y%m%dT%H%MZ}"

    @property
    def group(self) -> tuple[str, str]:
        return self.meeting.uid, self.kind


def _on_day(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time on a local day, in UTC (a time the clocks skip moves forward)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(ZoneInfo("UTC"))


def reminders_for(meeting: Meeting, policy: ReminderPolicy) -> list[Reminder]:
    """Every reminder of one meeting, whenever it falls."""
    tz = policy.tz
    channel = meeting.channel or policy.announce_channel
    found = []
    if meeting.deadline is not None:
        deadline_day = meeting.deadline.astimezone(tz).date()
        for days in policy.deadline_days:
            at = _on_day(deadline_day - timedelta(days=days), policy.time_of_day, tz)
            if at < meeting.deadline:
                found.append(
                    Reminder(at, ReminderKind.DEADLINE, meeting, channel, meeting.deadline, days)
                )
    first_day = meeting.start.astimezone(tz).date()
    if policy.agenda:
        at = _on_day(first_day - timedelta(days=1), policy.time_of_day, tz)
        if at < meeting.start:
            found.append(Reminder(at, ReminderKind.AGENDA, meeting, channel, meeting.start, 1))
    if policy.before_minutes:
        if meeting.all_day:
            at = _on_day(first_day, policy.time_of_day, tz)
            found.append(Reminder(at, ReminderKind.START, meeting, channel, max(meeting.end, at)))
        else:
            at = meeting.start - timedelta(minutes=policy.before_minutes)
            found.append(Reminder(at, ReminderKind.START, meeting, channel, meeting.start))
    return found


def meetings_near(
    session: Session, start: datetime, end: datetime, lead: timedelta
) -> list[Meeting]:
    """Meetings that can have a reminder between ``start`` and ``end``."""
    query = (
        select(Meeting)
        .where(
            or_(
                Meeting.start.between(start - timedelta(days=1), end + lead),
                Meeting.deadline.between(start, end + lead),
            )
        )
        .options(selectinload(Meeting.agenda))
        .order_by(Meeting.start, Meeting.id)
    )
    return list(session.scalars(query))


def reminders_between(
    meetings: Iterable[Meeting], policy: ReminderPolicy, start: datetime, end: datetime
) -> list[Reminder]:
    """Every reminder falling in ``[start, end)``, in time order."""
    found = [
        reminder
        for meeting in meetings
        for reminder in reminders_for(meeting, policy)
        if start <= reminder.at < end
    ]
    return sorted(found, key=lambda reminder: (reminder.at, reminder.meeting.start, reminder.key))


def due_now(meetings: Iterable[Meeting], policy: ReminderPolicy, now: datetime) -> list[Reminder]:
    """The reminders to send at ``now``: fallen due and still useful.

    After downtime several reminders of one kind may have fallen due for a
    meeting (the 7-day and the 1-day deadline reminders); only the latest is
    sent, since it says what is true now; and the day-before agenda is not sent
    once the meeting-day reminder, which repeats the agenda, is due. A reminder
    whose moment has passed (the deadline, the start) is not sent at all.
    """
    latest: dict[tuple[str, str], Reminder] = {}
    for reminder in reminders_between(meetings, policy, now - CATCH_UP, now + timedelta(seconds=1)):
        if reminder.useful_until <= now:
            continue
        previous = latest.get(reminder.group)
        if previous is None or reminder.at >= previous.at:
            latest[reminder.group] = reminder
    chosen = [
        reminder
        for reminder in latest.values()
        if not (
            reminder.kind == ReminderKind.AGENDA
            and (reminder.meeting.uid, ReminderKind.START) in latest
        )
    ]
    return sorted(chosen, key=lambda reminder: (reminder.at, reminder.key))
