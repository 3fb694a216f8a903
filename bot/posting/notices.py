"""What a reminder says, composed at the moment it is due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.meetings.display import (
    deadline_text,
    kind_label,
    milestone_text,
    mode_text,
    until_text,
    when_text,
)
from bot.meetings.queries import DueItem
from bot.posting.outbox import Post
from bot.posting.reminders import Reminder, ReminderKind
from bot.render import (
    CHUNK,
    MAX_TEXT,
    PLAIN_DOCUMENTS,
    DocumentLinks,
    Mrkdwn,
    Renderer,
    blocks_to_text,
    chunk_lines,
    clip,
    count,
    escape,
    link,
    mrkdwn,
    one_line,
    slack_date,
)

AGENDA_LINES = 25
DUE_LINES = 15


@dataclass(frozen=True)
class Notice:
    """A reminder's parts: mrkdwn, or plain text the template escapes."""

    headline: Mrkdwn
    details: list[Mrkdwn] = field(default_factory=list)
    agenda: list[Mrkdwn] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    due: list[Mrkdwn] = field(default_factory=list)
    footer: str = ""
    buttons: list[dict[str, Any]] = field(default_factory=list)
    """"Snooze 1 day" and "Got it" under a personal reminder (:mod:`bot.posting.personal`)."""


def compose(
    reminder: Reminder,
    *,
    now: datetime,
    tz: ZoneInfo,
    due: Sequence[DueItem] = (),
    links: DocumentLinks = PLAIN_DOCUMENTS,
) -> Notice:
    """The notice for ``reminder`` as read at ``now`` ("in 2 days" is counted from now)."""
    meeting = reminder.meeting
    name = one_line(meeting.name, 200)
    when = when_text(meeting, tz)
    your_time = (
        Mrkdwn() if meeting.all_day else mrkdwn(" ({} your time)", slack_date(meeting.start, tz))
    )
    details: list[Mrkdwn] = []
    if reminder.kind == ReminderKind.DEADLINE:
        assert meeting.deadline is not None
        headline = mrkdwn(
            ":memo: Contribution deadline for *{}* {}: {} ({} your time).",
            name,
            until_text(meeting.deadline, now, tz),
            deadline_text(meeting.deadline, tz),
            slack_date(meeting.deadline, tz),
        )
        details.append(mrkdwn("The meeting: {}{}", when, your_time))
    elif reminder.kind == ReminderKind.AGENDA:
        headline = mrkdwn(
            ":spiral_calendar_pad: {}: *{}*, {}{}.",
            _day_word(meeting.start, now, tz),
            name,
            when,
            your_time,
        )
    else:
        opening = "Today" if meeting.all_day else f"Starting {until_text(meeting.start, now, tz)}"
        headline = mrkdwn(":bell: {}: *{}*, {}{}.", opening, name, when, your_time)
    details += _where(reminder, tz)
    footer = f"{kind_label(meeting.kind)} · source: {one_line(meeting.source or '—', 200)}"
    return Notice(
        headline=headline,
        details=details,
        agenda=_agenda(reminder, links),
        documents=[clip(links.join(meeting.documents), CHUNK)] if meeting.documents else [],
        due=_due(due) if reminder.kind != ReminderKind.DEADLINE else [],
        footer=footer,
    )


def _day_word(start: datetime, now: datetime, tz: ZoneInfo) -> str:
    """``Tomorrow`` for the day-before agenda, ``Today`` when it is sent late, on the day."""
    days = (start.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days <= 0:
        return "Today"
    return "Tomorrow" if days == 1 else f"In {days} days"


def _where(reminder: Reminder, tz: ZoneInfo) -> list[Mrkdwn]:
    meeting = reminder.meeting
    lines = []
    if mode_text(meeting):
        lines.append(mrkdwn("Where: {}", one_line(mode_text(meeting), 300)))
    if meeting.link:
        lines.append(mrkdwn("Join: {}", link(meeting.link, one_line(meeting.link, 80))))
    if reminder.kind == ReminderKind.AGENDA and meeting.deadline is not None:
        lines.append(mrkdwn("Contribution deadline: {}", deadline_text(meeting.deadline, tz)))
    return lines


def _agenda(reminder: Reminder, links: DocumentLinks) -> list[Mrkdwn]:
    if reminder.kind == ReminderKind.DEADLINE:
        return []
    items = reminder.meeting.agenda
    if not items:
        return (
            [Mrkdwn("_No agenda published yet._")] if reminder.kind == ReminderKind.AGENDA else []
        )
    lines = []
    for number, item in enumerate(items[:AGENDA_LINES], start=1):
        documents = mrkdwn(" ({})", links.join(item.documents)) if item.documents else ""
        lines.append(mrkdwn("{}. {}{}", number, one_line(item.title, 200), documents))
    if len(items) > AGENDA_LINES:
        lines.append(Mrkdwn(f"… and {count(len(items) - AGENDA_LINES, 'more item')}"))
    return _fit(lines)


def _due(due: Sequence[DueItem]) -> list[Mrkdwn]:
    lines = [
        mrkdwn(
            "• *{}* {} _({})_",
            item.code,
            one_line(item.action, 140),
            one_line(milestone_text(item.milestone), 60),
        )
        for item in due[:DUE_LINES]
    ]
    if len(due) > DUE_LINES:
        lines.append(Mrkdwn(f"… and {len(due) - DUE_LINES} more: `/meetings` shows them all"))
    return _fit(lines)


def _fit(lines: list[Mrkdwn]) -> list[Mrkdwn]:
    """The lines that fit in one section of 3,000 characters."""
    return [Mrkdwn(line) for line in chunk_lines(lines)[0].split("\n")] if lines else []


def reminder_post(
    renderer: Renderer,
    reminder: Reminder,
    *,
    now: datetime,
    tz: ZoneInfo,
    due: Sequence[DueItem] = (),
    buttons: Sequence[dict[str, Any]] = (),
) -> Post:
    notice = replace(
        compose(reminder, now=now, tz=tz, due=due, links=renderer.links), buttons=list(buttons)
    )
    blocks = renderer.blocks("reminder.json.j2", notice=notice)
    return Post(
        key=reminder.key,
        kind=f"reminder-{reminder.kind}",
        channel=reminder.channel,
        # The headline read as text (dates by their labels), escaped again: Slack parses
        # the notification text as mrkdwn too.
        text=clip(escape(blocks_to_text(blocks[:1])), MAX_TEXT),
        blocks=blocks,
        due_at=reminder.at,
        useful_until=reminder.useful_until,
    )
