"""What a reminder says, composed at the moment it is due."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.meetings.display import deadline_text, kind_label, mode_text, until_text, when_text
from bot.meetings.queries import DueItem
from bot.posting.outbox import Post
from bot.posting.reminders import Reminder, ReminderKind
from bot.render import Renderer, blocks_to_text, chunk_lines, clip, escape, one_line, slack_date

AGENDA_LINES = 25
DUE_LINES = 15


@dataclass(frozen=True)
class Notice:
    headline: str
    details: list[str] = field(default_factory=list)
    agenda: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)
    footer: str = ""


def compose(
    reminder: Reminder, *, now: datetime, tz: ZoneInfo, due: Sequence[DueItem] = ()
) -> Notice:
    """The notice for ``reminder`` as read at ``now`` ("in 2 days" is counted from now)."""
    meeting = reminder.meeting
    name = f"*{escape(meeting.name)}*"
    when = escape(when_text(meeting, tz))
    your_time = "" if meeting.all_day else f" ({slack_date(meeting.start, tz)} your time)"
    if reminder.kind == ReminderKind.DEADLINE:
        assert meeting.deadline is not None
        headline = (
            f":memo: Contribution deadline for {name} {until_text(meeting.deadline, now, tz)}: "
            f"{escape(deadline_text(meeting.deadline, tz))} ({slack_date(meeting.deadline, tz)} "
            "your time)."
        )
        details = [f"The meeting: {when}{your_time}"]
    elif reminder.kind == ReminderKind.AGENDA:
        headline = f":spiral_calendar_pad: Tomorrow: {name}, {when}{your_time}."
        details = []
    else:
        opening = "Today" if meeting.all_day else f"Starting {until_text(meeting.start, now, tz)}"
        headline = f":bell: {opening}: {name}, {when}{your_time}."
        details = []
    details += _where(reminder, tz)
    footer = f"{kind_label(meeting.kind)} · source: {escape(one_line(meeting.source or '—', 200))}"
    return Notice(
        headline=headline,
        details=details,
        agenda=_agenda(reminder),
        documents=[escape(name) for name in meeting.documents],
        due=_due(due) if reminder.kind != ReminderKind.DEADLINE else [],
        footer=footer,
    )


def _where(reminder: Reminder, tz: ZoneInfo) -> list[str]:
    meeting = reminder.meeting
    lines = []
    if mode_text(meeting):
        lines.append(f"Where: {escape(mode_text(meeting))}")
    if meeting.link:
        lines.append(f"Join: <{meeting.link}|{escape(one_line(meeting.link, 80))}>")
    if reminder.kind == ReminderKind.AGENDA and meeting.deadline is not None:
        lines.append(f"Contribution deadline: {escape(deadline_text(meeting.deadline, tz))}")
    return lines


def _agenda(reminder: Reminder) -> list[str]:
    if reminder.kind == ReminderKind.DEADLINE:
        return []
    items = reminder.meeting.agenda
    if not items:
        return ["_No agenda published yet._"] if reminder.kind == ReminderKind.AGENDA else []
    lines = []
    for number, item in enumerate(items[:AGENDA_LINES], start=1):
        documents = f" ({', '.join(item.documents)})" if item.documents else ""
        lines.append(f"{number}. {escape(one_line(item.title, 200))}{escape(documents)}")
    if len(items) > AGENDA_LINES:
        lines.append(f"… and {len(items) - AGENDA_LINES} more items")
    return _fit(lines)


def _due(due: Sequence[DueItem]) -> list[str]:
    lines = [
        f"• *{item.code}* {escape(one_line(item.action, 140))} "
        f"_({escape(one_line(item.milestone, 60))})_"
        for item in due[:DUE_LINES]
    ]
    if len(due) > DUE_LINES:
        lines.append(f"… and {len(due) - DUE_LINES} more: `/meetings` shows them all")
    return _fit(lines)


def _fit(lines: list[str]) -> list[str]:
    """The lines that fit in one section of 3,000 characters."""
    return chunk_lines(lines)[0].split("\n") if lines else []


def reminder_post(
    renderer: Renderer,
    reminder: Reminder,
    *,
    now: datetime,
    tz: ZoneInfo,
    due: Sequence[DueItem] = (),
) -> Post:
    notice = compose(reminder, now=now, tz=tz, due=due)
    blocks = renderer.blocks("reminder.json.j2", notice=notice)
    return Post(
        key=reminder.key,
        kind=f"reminder-{reminder.kind}",
        channel=reminder.channel,
        text=clip(blocks_to_text(blocks[:1]), 3000),
        blocks=blocks,
        due_at=reminder.at,
        useful_until=reminder.useful_until,
    )
