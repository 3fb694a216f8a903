"""The admins' *Add a meeting* / *Edit a meeting* form: its views, and saving it.

Only the user ids in ``TSAGBOT_ADMINS`` may save one (nobody when it is empty). The
fields are the schedule file's and are checked as it checks them; what is wrong is
said under its field. A meeting's reminders are worked out from the stored meeting
whenever they fall due (:mod:`bot.posting.dispatch`), and their keys hold its time, so
a saved change moves them; a reminder of the meeting already queued and not yet posted
is withdrawn, as it speaks of what the meeting was.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.meetings.editing import (
    MOVED,
    MeetingGone,
    add_meeting,
    edit_meeting,
    find_meeting,
    form_fields,
    meeting_label,
)
from bot.meetings.merge import MeetingChange, Slot
from bot.meetings.model import KIND_LABELS, Mode
from bot.meetings.schedule_file import FieldError, read_fields
from bot.posting.meeting_changes import change_posts, withdraw_reminders
from bot.posting.outbox import enqueue
from bot.render import Mrkdwn, Renderer, escape, mrkdwn, one_line
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import Meeting

MEETING_MODAL = "meeting_modal"
FORM_UIDS = uuid.UUID("5a2f3b8e-6c1d-4e7a-9b0f-2d4c6e8a1b3c")
"""The namespace of the uids of meetings added with the form (from the form's view id)."""
CHOOSER_MODAL = "meeting_chooser"
CHOOSER_BLOCK = "meeting_choice"
CHOICES = 100
"""Meetings the chooser offers (a select's limit)."""
MAX_VALUE = 3000
"""Slack's limit for a text input (and its initial value)."""
DENIED = "Only tsagbot's admins (TSAGBOT_ADMINS) may add or edit meetings; nothing was saved."
FIELDS = (
    ("name", "Name", "Third inter-regional meeting for WTSA-24", False),
    ("kind", "Kind", "", False),
    ("start", "Start", "2025-05-26 09:30, or a date alone for all-day", False),
    ("end", "End", "13:30, 2025-05-30 18:00, or the last day", True),
    ("timezone", "Time zone", "Europe/Zurich", True),
    ("mode", "Mode", "", True),
    ("place", "Place", "Geneva, ITU headquarters", True),
    ("link", "Link", "https://www.itu.int/...", True),
    ("deadline", "Contribution deadline", "2025-05-12, or 2025-05-12 12:00", True),
    ("channel", "Channel", "C0123456789 or #tsag (its reminders go there)", True),
    ("documents", "Documents", "TD 553R2, C 91", True),
    ("agenda", "Agenda", "One item a line; — documents: TD 553R2 after it", True),
)
"""Each field of the form: its key (the schedule file's), label, placeholder, optional."""
MODE_NOT_SAID = "not-said"
"""The Mode menu's first choice: a menu cannot be emptied once chosen, so this clears it."""
STATUS = ("status", "Status", "", True)
"""The edit form's last field: *Called off* cancels the meeting (the schedule file's
``status: cancelled``)."""
STATUS_OPTIONS = [
    {"value": "scheduled", "text": "Scheduled"},
    {"value": "cancelled", "text": "Called off (cancelled)"},
]


@dataclass(frozen=True)
class Saved:
    meeting: str
    added: bool
    changed: list[str]
    withdrawn: int = 0
    """Reminders of the meeting queued before the change and no longer posted."""


def is_admin(settings: Settings, user: str) -> bool:
    return user in settings.admins


def meeting_saved(
    db: Database,
    fields: dict[str, str],
    *,
    uid: str,
    user: str,
    settings: Settings,
    now: datetime,
    renderer: Renderer,
    form_id: str = "",
) -> Saved:
    """Add the meeting the form describes, or (``uid``) change that one.

    A new meeting's uid comes from ``form_id`` (Slack's view id), so that the same form
    sent again (a retry, a double click) adds nothing. :class:`FieldError` for a field
    that is wrong, or a user who may not; nothing is saved then."""
    if not is_admin(settings, user):
        raise FieldError("name", DENIED)
    if fields.get("mode") == MODE_NOT_SAID:
        fields = {**fields, "mode": ""}
    draft = read_fields(fields, default_tz=settings.tz, source=f"Slack, by {user}")
    with db.unit_of_work() as session:
        if not uid:
            new_uid = uuid.uuid5(FORM_UIDS, form_id).hex if form_id else ""
            added = find_meeting(session, new_uid) if new_uid else None
            if added is not None:
                return Saved(added.name, True, [])  # the same form sent again: added once
            meeting = add_meeting(session, draft, now=now, uid=new_uid)
            saved = Saved(meeting.name, True, [])
        else:
            existing = find_meeting(session, uid)
            before = Slot.of(existing) if existing is not None else None
            if draft.cancelled and existing is not None and before is not None:
                withdrawn = withdraw_reminders(session, uid)
                change = MeetingChange(
                    uid, existing.name, existing.kind, existing.channel, before, None
                )
                _tell(session, change, renderer=renderer, settings=settings, now=now)
                session.delete(existing)
                session.commit()
                return Saved(existing.name, False, ["status"], withdrawn)
            try:
                meeting, changed = edit_meeting(session, uid, draft, now=now)
            except MeetingGone as error:
                raise FieldError("name", "That meeting is no longer in the schedule.") from error
            moved = any(name in MOVED for name in changed)
            withdrawn = withdraw_reminders(session, uid) if moved else 0
            if before is not None:
                change = MeetingChange(
                    uid, meeting.name, meeting.kind, meeting.channel, before, Slot.of(meeting)
                )
                _tell(session, change, renderer=renderer, settings=settings, now=now)
            saved = Saved(meeting.name, False, changed, withdrawn)
        session.commit()
    return saved


def _tell(
    session: Session,
    change: MeetingChange,
    *,
    renderer: Renderer,
    settings: Settings,
    now: datetime,
) -> None:
    """An edit that moves a meeting still to come, calls it off, or gives it another place
    or link is told to its channel and its followers once, as a schedule import's change
    is (its queued reminders are withdrawn by the caller)."""
    if change.before.start > now and change.worth_telling:
        enqueue(session, change_posts(session, renderer, settings, change, now), now)


def form_view(
    renderer: Renderer, settings: Settings, meeting: Meeting | None = None
) -> dict[str, Any]:
    """The form, empty (*Add a meeting*) or holding ``meeting`` (*Edit a meeting*)."""
    values = (
        {**form_fields(meeting), "status": "scheduled"}
        if meeting
        else {"timezone": settings.timezone}
    )
    kinds = [{"value": str(kind), "text": label} for kind, label in KIND_LABELS.items()]
    modes = [
        {"value": MODE_NOT_SAID, "text": "Not said"},
        *({"value": str(mode), "text": str(mode).capitalize()} for mode in Mode),
    ]
    fields = [
        {
            "key": key,
            "label": label,
            "placeholder": placeholder,
            "optional": optional,
            "value": values.get(key, "")[:MAX_VALUE],
            "options": {"kind": kinds, "mode": modes, "status": STATUS_OPTIONS}.get(key, []),
            "multiline": key == "agenda",
        }
        for key, label, placeholder, optional in ((*FIELDS, STATUS) if meeting else FIELDS)
    ]
    intro = (
        mrkdwn("Changing *{}*. Its reminders follow the change.", one_line(meeting.name, 150))
        if meeting
        else Mrkdwn("A meeting, as a line of the schedule file would give it.")
    )
    view = {"intro": intro, "fields": fields}
    return {
        "type": "modal",
        "callback_id": MEETING_MODAL,
        "title": {"type": "plain_text", "text": "Edit a meeting" if meeting else "Add a meeting"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({"uid": meeting.uid if meeting else ""}),
        "blocks": renderer.blocks("meeting_modal.json.j2", view=view),
    }


def chooser_view(renderer: Renderer, meetings: list[Meeting]) -> dict[str, Any]:
    """*Edit a meeting*: which one (the next ones in the schedule)."""
    options = [{"value": m.uid, "text": meeting_label(m)} for m in meetings[:CHOICES]]
    view = {
        "intro": escape("Which meeting? The next ones in the schedule.")
        if options
        else escape("No meeting ahead in the schedule."),
        "block": CHOOSER_BLOCK,
        "options": options,
    }
    chooser: dict[str, Any] = {
        "type": "modal",
        "callback_id": CHOOSER_MODAL,
        "title": {"type": "plain_text", "text": "Edit a meeting"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": renderer.blocks("meeting_chooser.json.j2", view=view),
    }
    if options:
        chooser["submit"] = {"type": "plain_text", "text": "Next"}
    return chooser
