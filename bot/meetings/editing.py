"""One meeting added or changed by hand (the admins' *Add a meeting* / *Edit a meeting*
form), and a stored meeting written back in the schedule file's words for the form.

The form's fields are read as the schedule file's keys are
(:func:`bot.meetings.schedule_file.read_fields`); what is stored here is what the form
says, whole: an edit replaces every field (its series and creation stay).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.meetings.model import MeetingDraft
from bot.meetings.schedule_file import AGENDA_DOCUMENTS, END_OF_DAY
from bot.plan.updates.parse import extract_documents
from bot.store.models import AgendaItem, Meeting

TIME = "%Y-%m-%d %H:%M"
DAY = "%Y-%m-%d"
MOVED = ("start", "end", "all_day", "timezone", "deadline", "channel")
"""The fields a meeting's reminders depend on (when, and where they are posted)."""


class MeetingGone(LookupError):
    """The meeting an edit names is no longer in the schedule."""


def find_meeting(session: Session, uid: str) -> Meeting | None:
    return session.scalar(
        select(Meeting).where(Meeting.uid == uid).options(selectinload(Meeting.agenda))
    )


def add_meeting(session: Session, draft: MeetingDraft, *, now: datetime, uid: str = "") -> Meeting:
    """A new meeting as ``draft`` says (the caller commits); ``uid`` when the caller
    derives it (a form's id: the form sent twice adds the meeting once)."""
    meeting = Meeting(uid=uid or uuid.uuid4().hex, series="", created_at=now, source=draft.source)
    _apply(meeting, draft, now)
    session.add(meeting)
    session.flush()
    return meeting


def edit_meeting(
    session: Session, uid: str, draft: MeetingDraft, *, now: datetime
) -> tuple[Meeting, list[str]]:
    """The meeting ``uid`` made as ``draft`` says, and the names of the fields that changed
    (the caller commits). :class:`MeetingGone` when it is no longer stored."""
    meeting = find_meeting(session, uid)
    if meeting is None:
        raise MeetingGone(uid)
    before = _fields(meeting)
    _apply(meeting, draft, now)
    session.flush()
    after = _fields(meeting)
    return meeting, [name for name in after if before[name] != after[name]]


def _fields(meeting: Meeting) -> dict[str, object]:
    names = ("name", "kind", *MOVED, "mode", "place", "link", "documents")
    found: dict[str, object] = {name: getattr(meeting, name) for name in names}
    found["agenda"] = [(item.title, tuple(item.documents)) for item in meeting.agenda]
    return found


def _apply(meeting: Meeting, draft: MeetingDraft, now: datetime) -> None:
    meeting.name, meeting.kind = draft.name, str(draft.kind)
    meeting.start, meeting.end, meeting.all_day = draft.start, draft.end, draft.all_day
    meeting.timezone, meeting.mode = draft.timezone, str(draft.mode or "")
    meeting.place, meeting.link, meeting.deadline = draft.place, draft.link, draft.deadline
    meeting.documents, meeting.channel = list(draft.documents), draft.channel
    meeting.evidence, meeting.updated_at = draft.evidence, now
    wanted = [(entry.title, tuple(entry.documents)) for entry in draft.agenda]
    if [(item.title, tuple(item.documents)) for item in meeting.agenda] != wanted:
        meeting.agenda = [
            AgendaItem(position=position, title=title, documents=list(documents))
            for position, (title, documents) in enumerate(wanted)
        ]


def form_fields(meeting: Meeting) -> dict[str, str]:
    """The meeting as its form shows it, in the schedule file's words (local times in
    its own zone), so that saving it unchanged changes nothing."""
    tz = ZoneInfo(meeting.timezone)
    start, end = meeting.start.astimezone(tz), meeting.end.astimezone(tz)
    if meeting.all_day:
        last = (end - timedelta(days=1)).date()
        start_text = start.strftime(DAY)
        end_text = last.strftime(DAY) if last != start.date() else ""
    else:
        start_text = start.strftime(TIME)
        if end == start:
            end_text = ""
        elif end.date() == start.date():
            end_text = end.strftime("%H:%M")
        else:
            end_text = end.strftime(TIME)
    deadline = ""
    if meeting.deadline is not None:
        local = meeting.deadline.astimezone(tz)
        deadline = local.strftime(DAY if local.time() == END_OF_DAY else TIME)
    return {
        "name": meeting.name,
        "kind": meeting.kind,
        "start": start_text,
        "end": end_text,
        "timezone": meeting.timezone,
        "place": meeting.place,
        "mode": meeting.mode,
        "link": meeting.link,
        "deadline": deadline,
        "agenda": "\n".join(_agenda_line(item) for item in meeting.agenda),
        "documents": ", ".join(meeting.documents),
        "channel": meeting.channel,
    }


def _agenda_line(item: AgendaItem) -> str:
    """An agenda item as the form shows it: its title, and the documents it does not
    cite after ``— documents:`` (:func:`bot.meetings.schedule_file.form_agenda`)."""
    cited = set(extract_documents(item.title))
    others = [document for document in item.documents if document not in cited]
    return item.title + (AGENDA_DOCUMENTS + ", ".join(others) if others else "")


def meeting_label(meeting: Meeting, limit: int = 75) -> str:
    """``26 May 2025 · TSAG meeting``, within a select option's 75 characters."""
    day = meeting.start.astimezone(ZoneInfo(meeting.timezone)).strftime("%d %b %Y")
    text = f"{day} · {' '.join(meeting.name.split())}"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
