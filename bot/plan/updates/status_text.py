"""Notes become status: the status text as the next version of the plan will say it.

``doc_status`` is what the last imported document said; ``status`` is that text
followed by one dated line per note recorded since and still standing::

    [2026-12-01, SG17 via Slack] SG17 sent its report in TSAG-TD206

(the day in Geneva, the author's display name, the document references the
note cites that its words do not already show).  The status is rebuilt from
those two sources whenever a note is recorded, corrected or taken back, so an
undo, an edit or a deletion gives back the text as it was, and re-importing the
same document (whose status equals ``doc_status``) keeps the lines and never
doubles them.

A document that words an item's status differently from the last one settles
the notes recorded before it: its text becomes the status (the secretariat
took the lines into it, or decided against them), and only notes recorded after
that import are added to it.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import ActionItem, StatusUpdate
from bot.store.vocabulary import UpdateKind, UpdateSource

GENEVA = ZoneInfo("Europe/Zurich")
VIA = {UpdateSource.SLACK: "via Slack", UpdateSource.CLI: "via the command line"}
_SQUASH = re.compile(r"[\s\-‐‑–]+")


def _squashed(text: str) -> str:
    return _SQUASH.sub("", text).upper()


def note_line(note: StatusUpdate) -> str:
    """The status line a note adds: ``[YYYY-MM-DD, Author via Slack] text (documents)``."""
    day = note.created_at.astimezone(GENEVA).date().isoformat()
    who = " ".join((note.author or "someone").split())
    via = VIA.get(note.source, f"via {note.source}")
    text = " ".join(note.text.split())
    shown = _squashed(text)
    missing = [ref for ref in note.documents or [] if _squashed(ref) not in shown]
    if missing:
        text += f" ({', '.join(missing)})"
    return f"[{day}, {who} {via}] {text}"


def pending_notes(session: Session, item: ActionItem) -> list[StatusUpdate]:
    """Standing notes recorded since a document last worded the item's status."""
    updates = list(
        session.scalars(
            select(StatusUpdate)
            .where(StatusUpdate.item_id == item.id)
            .where(StatusUpdate.kind.in_((UpdateKind.NOTE, UpdateKind.DOCUMENT)))
            .order_by(StatusUpdate.id)
        )
    )
    settled = max(
        (u.id for u in updates if u.kind == UpdateKind.DOCUMENT and "status" in (u.previous or {})),
        default=0,
    )
    notes = [u for u in updates if u.kind == UpdateKind.NOTE and u.id > settled]
    return [u for u in notes if u.retracted_at is None and u.text.strip()]


def refresh_status(session: Session, item: ActionItem) -> None:
    """Set ``item.status`` to the document's text and the lines of the pending notes."""
    session.flush()
    lines = [note_line(note) for note in pending_notes(session, item)]
    item.status = "\n".join(part for part in (item.doc_status, *lines) if part)
