"""What changed in the plan between two moments, net per item, from the recorded history.

"What changed this week?" is answered from :class:`~bot.store.models.StatusUpdate`
rows, in the order they were recorded (by id: a clock moved back, as ``tsagbot say
--at`` does, can store a later entry with an earlier time).  The entries in the
window are those made in it; the state before them is the ``previous`` state of
the first (every entry keeps the flags as they were before it), the state after
them that of the entry recorded next, or the item's flags as they are when none
was.  Comparing the two gives the net change: done, then reopened within the
window is no change of state.  Notes standing (not taken back) in the window are listed
with it.  Undo, edit and delete entries say nothing of their own here: they only
move the state, which the comparison sees.

A body (``SG17``) keeps the items it is responsible for, as
:mod:`bot.plan.bodies` reads them: the same items ``/action sg17`` lists.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.plan.bodies import matches, responsibility
from bot.plan.editions import current_edition
from bot.plan.updates.record import flags, state_phrase
from bot.store.models import ActionItem, Resolution, StatusUpdate
from bot.store.vocabulary import UpdateKind

BOOKKEEPING = frozenset({UpdateKind.UNDO, UpdateKind.EDIT, UpdateKind.DELETE})
NOTE_KINDS = frozenset({UpdateKind.NOTE, UpdateKind.DOCUMENT})


@dataclass
class ItemChange:
    """One item's net change in a window: its state at both ends and the notes made."""

    code: str
    resolution: str
    before: str
    after: str
    notes: list[str] = field(default_factory=list)
    updates: int = 0
    """Standing entries of its history in the window (flag changes and notes)."""

    @property
    def changed_state(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Span:
    """A span of time a change list covers, ``start`` excluded, and how to name it."""

    start: datetime
    end: datetime
    label: str


def _state_from(item: ActionItem, later: list[StatusUpdate]) -> dict[str, bool]:
    """The item's flags before ``later`` (the tail of its history, in recording order):
    its flags now, with each entry's ``previous`` put back, latest first (an import's
    entry keeps only the fields it changed)."""
    state = flags(item)
    for update in reversed(later):
        state.update({k: bool(v) for k, v in (update.previous or {}).items() if k in state})
    return state


def changes_between(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    body: str = "",
    resolution: str = "",
    codes: Collection[str] = (),
) -> list[ItemChange]:
    """The items of the current plan whose history has entries in ``start < created_at
    <= end``, in plan order, each with its net change; ``body`` (as
    :func:`bot.plan.bodies.body_named` names it) keeps the items it is responsible for,
    ``resolution`` (a key: ``2``, ``Opinion 1``) those of one Resolution, ``codes``
    those items."""
    touched = select(StatusUpdate.item_id).where(StatusUpdate.created_at > start)
    rows = session.scalars(
        select(StatusUpdate)
        .join(ActionItem, StatusUpdate.item_id == ActionItem.id)
        .join(Resolution, ActionItem.resolution_id == Resolution.id)
        .where(
            StatusUpdate.item_id.in_(touched),
            ActionItem.appendix == "",
            ActionItem.edition == current_edition(session),
        )
        .order_by(Resolution.position, ActionItem.position, StatusUpdate.id)
        .options(
            selectinload(StatusUpdate.message),
            selectinload(StatusUpdate.item).selectinload(ActionItem.resolution),
        )
    )
    by_item: dict[int, list[StatusUpdate]] = {}
    for update in rows:
        by_item.setdefault(update.item_id, []).append(update)
    found = []
    for history in by_item.values():
        positions = [i for i, u in enumerate(history) if start < u.created_at <= end]
        if not positions:
            continue
        first, last = positions[0], positions[-1]
        inside = [history[i] for i in positions]
        standing = [u for u in inside if u.active and u.kind not in BOOKKEEPING]
        item = history[0].item
        notes = [u.words for u in standing if u.kind in NOTE_KINDS and u.words]
        if body and not matches(responsibility(item), body):
            continue
        if (resolution and item.resolution.key != resolution) or (codes and item.code not in codes):
            continue
        before = state_phrase(_state_from(item, history[first:]))
        after = state_phrase(_state_from(item, history[last + 1 :]))
        if before == after and not notes and not standing:
            continue
        found.append(
            ItemChange(item.code, item.resolution.label, before, after, notes, len(standing))
        )
    return found
