"""Meeting times as people read them: Geneva time, and each reader's own.

Slack shows a ``<!date^...>`` token in the zone of whoever reads it, so a
message posted in a channel carries one token and every member sees their own
time. A reply to one person can also name that person's zone, read from their
Slack profile.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.meetings.model import KIND_LABELS, MeetingKind
from bot.render import Mrkdwn, count, slack_date
from bot.store.models import Meeting

DASH = "–"


def zone_label(tz: ZoneInfo) -> str:
    """``Geneva time`` for the zones Geneva uses, else the zone's city."""
    if tz.key in {"Europe/Zurich", "Europe/Geneva"}:
        return "Geneva time"
    return tz.key.rsplit("/", 1)[-1].replace("_", " ") + " time"


def day_text(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%B %Y}"


def clock_text(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def last_day(meeting: Meeting, tz: ZoneInfo) -> datetime:
    """The start of an all-day meeting's last day (its end is the midnight after)."""
    return max(meeting.start, meeting.end - timedelta(hours=12)).astimezone(tz)


def when_text(meeting: Meeting, tz: ZoneInfo) -> str:
    """``Tue 11 February 2025, 13:00–15:00 Geneva time`` or ``14–25 October 2024``."""
    if meeting.all_day:
        first, last = meeting.start.astimezone(tz), last_day(meeting, tz)
        if first.date() == last.date():
            return day_text(first, tz)
        if (first.year, first.month) == (last.year, last.month):
            return f"{first:%a} {first.day}{DASH}{last:%a} {last.day} {last:%B %Y}"
        return f"{day_text(first, tz)} {DASH} {day_text(last, tz)}"
    start = f"{day_text(meeting.start, tz)}, {clock_text(meeting.start, tz)}"
    if meeting.end <= meeting.start:
        return f"{start} {zone_label(tz)}"
    if meeting.end.astimezone(tz).date() == meeting.start.astimezone(tz).date():
        return f"{start}{DASH}{clock_text(meeting.end, tz)} {zone_label(tz)}"
    end = f"{day_text(meeting.end, tz)}, {clock_text(meeting.end, tz)}"
    return f"{start} {DASH} {end} {zone_label(tz)}"


def reader_text(meeting: Meeting, tz: ZoneInfo, reader: ZoneInfo | None) -> str:
    """The same times in the reader's zone, or "" when it is the same clock or a whole day."""
    if reader is None or meeting.all_day or _same_clock(meeting.start, tz, reader):
        return ""
    start = meeting.start.astimezone(reader)
    text = f"{day_text(start, reader)}, {clock_text(start, reader)}"
    if meeting.end > meeting.start:
        text += f"{DASH}{clock_text(meeting.end, reader)}"
    return f"{text} {zone_label(reader)}"


def _same_clock(moment: datetime, tz: ZoneInfo, other: ZoneInfo) -> bool:
    return moment.astimezone(tz).utcoffset() == moment.astimezone(other).utcoffset()


def slack_time(moment: datetime, tz: ZoneInfo, *, with_day: bool = True) -> Mrkdwn:
    """A Slack date token that each reader sees in their own zone; Geneva text as fallback,
    its zone named as :func:`bot.render.slack_date` names it (``CET``), so that a line
    of both reads one zone: ``22 Jan 2025 13:00 CET–15:00 CET``."""
    if with_day:
        return slack_date(moment, tz)
    fallback = f"{clock_text(moment, tz)} {moment.astimezone(tz).tzname() or zone_label(tz)}"
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{{time}}|{fallback}>")


def deadline_text(deadline: datetime, tz: ZoneInfo) -> str:
    return f"{day_text(deadline, tz)}, {clock_text(deadline, tz)} {zone_label(tz)}"


def kind_label(kind: str) -> str:
    try:
        return KIND_LABELS[MeetingKind(kind)]
    except ValueError:
        return " ".join(kind.split())[:40]


def mode_text(meeting: Meeting) -> str:
    parts = [meeting.mode.capitalize() if meeting.mode else "", meeting.place]
    return ", ".join(part for part in parts if part)


def until_text(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """``in 30 minutes``, ``in 5 hours``, ``tomorrow``, ``in 7 days`` (local calendar days)."""
    minutes = round((moment - now).total_seconds() / 60)
    if minutes <= 0:
        return "now"
    if minutes < 90:
        return f"in {count(minutes, 'minute')}"
    days = (moment.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days == 0:
        return f"in {count(round(minutes / 60), 'hour')}"
    if days == 1:
        return "tomorrow"
    return f"in {count(days, 'day')}"


def milestone_text(milestone: str) -> str:
    """A milestone on one line, its lines kept apart: ``Ongoing; Each TSAG meeting``."""
    lines = (" ".join(line.split()) for line in milestone.splitlines())
    return "; ".join(line.rstrip(";,.") for line in lines if line)
