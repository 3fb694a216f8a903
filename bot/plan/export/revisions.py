"""What changed in an item since the last import, and who changed it.

The ``doc_`` columns hold what the imported document said; the current columns
hold what the bot holds now.  The difference, flag by flag and status line by
status line, becomes the document's tracked changes.  Each change is credited to
the recorded update that made it: the latest flag update for a flag, the note
that wrote the new status line for a status line, else the item's latest update.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.plan.updates.status_text import note_line
from bot.store.models import ActionItem, StatusUpdate

FALLBACK_AUTHOR = "tsagbot"
FLAG_KINDS = {
    "completed": ("completed", "reopened"),
    "periodic_goals_met": ("periodic",),
}


class Change(StrEnum):
    SAME = "same"
    INSERTED = "inserted"
    DELETED = "deleted"


@dataclass(frozen=True)
class Author:
    """Whom Word's Review pane names for a change, and when it was made."""

    name: str
    date: datetime


@dataclass(frozen=True)
class Piece:
    """A line of a cell (or a tick), unchanged, inserted or deleted."""

    text: str
    change: Change = Change.SAME
    by: Author | None = None


def _author(update: StatusUpdate | None, fallback: datetime) -> Author:
    if update is None:
        return Author(FALLBACK_AUTHOR, fallback)
    name = update.author or update.author_id or FALLBACK_AUTHOR
    return Author(name, update.created_at)


@dataclass
class ItemRevisions:
    """An item's flag and status cells as pieces, with or without revision marks."""

    item: ActionItem
    updates: list[StatusUpdate]
    now: datetime
    tracked: bool = True

    def _latest(self, kinds: tuple[str, ...] | None = None) -> StatusUpdate | None:
        for update in reversed(self.updates):
            if kinds is None or update.kind in kinds:
                return update
        return self.updates[-1] if self.updates else None

    def flag(self, name: str, mark: str) -> list[Piece]:
        """The tick of ``completed`` or ``periodic_goals_met``."""
        current = bool(getattr(self.item, name))
        before = bool(getattr(self.item, f"doc_{name}"))
        if not self.tracked or current == before:
            return [Piece(mark)] if current else []
        by = _author(self._latest(FLAG_KINDS[name]), self.now)
        return [Piece(mark, Change.INSERTED if current else Change.DELETED, by)]

    def status(self) -> list[Piece]:
        """The status text line by line, the lines since the last import marked."""
        current = _lines(self.item.status)
        if not self.tracked:
            return [Piece(line) for line in current]
        before = _lines(self.item.doc_status)
        pieces: list[Piece] = []
        matcher = difflib.SequenceMatcher(a=before, b=current, autojunk=False)
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            if tag == "equal":
                pieces.extend(Piece(line) for line in current[b1:b2])
                continue
            deleted_by = _author(self._latest(), self.now)
            pieces.extend(Piece(line, Change.DELETED, deleted_by) for line in before[a1:a2])
            pieces.extend(
                Piece(line, Change.INSERTED, _author(self._note_for(line), self.now))
                for line in current[b1:b2]
            )
        return pieces

    def _note_for(self, line: str) -> StatusUpdate | None:
        """The note that added this status line (see :mod:`bot.plan.updates.status_text`)."""
        notes = [update for update in reversed(self.updates) if update.kind == "note"]
        for update in notes:
            if note_line(update) == line:
                return update
        for update in notes:
            text = " ".join(update.text.split())
            if text and text in line:
                return update
        return self._latest()


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]
