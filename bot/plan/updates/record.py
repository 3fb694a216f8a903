"""Recording what a channel message says about action items, and taking it back.

A message is recorded once: its row in ``slack_messages`` has a unique key on
(workspace, channel, message time), so a retried or doubly delivered event, or
two replicas racing, find the row already there and change nothing.  Every
update keeps the flags the item had before it, so that an undo, an edit or a
deletion can restore them, unless a later update has changed them since.

The message's words are stored once, in its row: a flag update keeps no copy
(:attr:`StatusUpdate.words` reads them), so one long message that completes
four hundred items costs its length once, not four hundred times.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.plan.editions import current_edition
from bot.plan.queries import find_item
from bot.plan.updates.parse import ItemUpdate, ParsedMessage
from bot.plan.updates.status_text import refresh_status
from bot.render import one_line
from bot.store.models import READS_ITS_MESSAGE, ActionItem, ItemAlias, SlackMessage, StatusUpdate
from bot.store.vocabulary import UpdateKind, UpdateSource

NOTE_QUOTE = 120
"""Characters of a note the confirmation quotes."""
FLAG_KINDS = frozenset({UpdateKind.COMPLETED, UpdateKind.PERIODIC, UpdateKind.REOPENED})
RETRACTIONS = frozenset({UpdateKind.UNDO, UpdateKind.EDIT, UpdateKind.DELETE})
SUPERSEDING_KINDS = FLAG_KINDS | {UpdateKind.DOCUMENT}
EFFECTS: dict[UpdateKind, dict[str, bool]] = {
    UpdateKind.COMPLETED: {"completed": True},
    UpdateKind.PERIODIC: {"periodic_goals_met": True},
    UpdateKind.REOPENED: {"completed": False},
    UpdateKind.NOTE: {},
}
VERBS = {
    UpdateKind.COMPLETED: "marked completed",
    UpdateKind.PERIODIC: "marked periodic goals met",
    UpdateKind.REOPENED: "reopened",
    UpdateKind.NOTE: "note recorded",
}


@dataclass(frozen=True)
class IncomingMessage:
    team_id: str
    channel: str
    ts: str
    user_id: str
    author: str
    text: str
    thread_ts: str | None = None
    permalink: str | None = None
    reporter_id: str = ""
    """Who reported the updates, when not the one recording them (the *Record as update*
    shortcut: the message's author). ``author`` stays the one recording them: they wrote
    the update and may Undo it; the reporter is shown as "reported by"."""


def flags(item: ActionItem) -> dict[str, bool]:
    return {"completed": item.completed, "periodic_goals_met": item.periodic_goals_met}


def state_word(state: dict[str, Any]) -> str:
    if state.get("completed"):
        return "completed"
    return "periodic goals met" if state.get("periodic_goals_met") else "open"


def state_phrase(state: dict[str, Any]) -> str:
    """The state as it reads after ``50-18:``: the periodic flag says the item is not done."""
    if not state.get("completed") and state.get("periodic_goals_met"):
        return "periodic goals met, not completed"
    return state_word(state)


@dataclass(frozen=True)
class Change:
    """One thing a message did to one item, worded for the thread reply."""

    update_id: int
    item: str
    kind: UpdateKind
    before: dict[str, bool]
    after: dict[str, bool]
    note: str = ""
    """A note's text, quoted in the confirmation so the poster sees what was recorded."""
    namesakes: tuple[str, ...] = ()
    """Other active items that list this item's number as their earlier number (54-04
    lists 44-14): the confirmation names them, so the poster knows which one changed."""

    def describe(self) -> str:
        said = self._said()
        if self.namesakes and self.kind not in RETRACTIONS:
            others = ", ".join(self.namesakes)
            said += f" (also the earlier number of {others}; say {others} for that one)"
        return said

    def _said(self) -> str:
        if self.kind in RETRACTIONS:
            if self.before == self.after:
                return f"{self.item}: update taken back, no change ({state_phrase(self.after)})"
            return f"{self.item} back to {state_word(self.after)} (was: {state_word(self.before)})"
        if self.kind == UpdateKind.NOTE:
            quoted = f": “{one_line(self.note, NOTE_QUOTE)}”" if self.note else ""
            return f"{self.item}: note recorded{quoted}"
        if self.before == self.after:
            return f"{self.item}: recorded, no change ({state_phrase(self.after)})"
        return f"{self.item} {VERBS[self.kind]} (was: {state_word(self.before)})"


class RecordStatus(StrEnum):
    """What became of a message's updates."""

    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    """Already recorded (a retried or doubly delivered event)."""
    NOTHING = "nothing"
    UNKNOWN = "unknown"
    """Every id it names is missing from the plan."""
    DENIED = "denied"
    CORRECTED = "corrected"
    """An edit that changed only the wording: the same updates, their texts corrected."""
    UNDONE = "undone"
    """An edit of a message whose updates were undone: it records nothing again."""


@dataclass
class Outcome:
    status: RecordStatus
    changes: list[Change] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    """Ids that are not in the plan, or only as obsolete items (:attr:`obsolete`)."""
    message_id: int | None = None
    obsolete: dict[str, str] = field(default_factory=dict)
    """For each unknown id that is an obsolete item, where: ``Appendix II (WTSA-12) of
    the WTSA-20 plan``."""


def active_item(session: Session, code: str) -> ActionItem | None:
    found = [item for item in find_item(session, code) if not item.obsolete]
    return found[0] if found else None


def may_change_flags(user_id: str, editors: frozenset[str]) -> bool:
    return not editors or user_id in editors


def may_record(user_id: str, editors: frozenset[str], kinds: Iterable[UpdateKind]) -> bool:
    """Notes are anyone's; flag changes are the editors' when editors are set."""
    return may_change_flags(user_id, editors) or not FLAG_KINDS.intersection(kinds)


def obsolete_where(item: ActionItem) -> str:
    """Where an obsolete item is: ``Appendix II (WTSA-12) of the WTSA-20 plan``."""
    return f"{item.appendix} of the {item.edition} plan"


def _resolve(
    session: Session, updates: list[ItemUpdate]
) -> tuple[list[tuple[ItemUpdate, ActionItem]], list[str]]:
    resolved, unknown = [], []
    for update in updates:
        item = active_item(session, update.item)
        if item is None:
            unknown.append(update.item)
        else:
            resolved.append((update, item))
    return resolved, list(dict.fromkeys(unknown))


def _obsolete(session: Session, unknown: list[str]) -> dict[str, str]:
    found = {}
    for code in unknown:
        items = find_item(session, code)
        if items and all(item.obsolete for item in items):
            found[code] = obsolete_where(items[0])
    return found


def own_text(update: ItemUpdate) -> str:
    """What an update stores of its own: a note its text; a flag change nothing, as it
    says what the whole message says (``SlackMessage.text``)."""
    return "" if update.kind in READS_ITS_MESSAGE else update.text


def _apply(
    session: Session,
    message: SlackMessage,
    update: ItemUpdate,
    item: ActionItem,
    incoming: IncomingMessage,
    documents: list[str],
    now: datetime,
    earlier: dict[str, list[str]],
) -> Change:
    # Lock the item (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers)
    # so that two messages about it at the same moment each see the other's change.
    session.refresh(item, with_for_update=True)
    before = flags(item)
    for name, value in EFFECTS[update.kind].items():
        setattr(item, name, value)
    entry = StatusUpdate(
        item=item,
        kind=update.kind,
        text=own_text(update),
        author=incoming.author,
        author_id=incoming.user_id,
        reporter_id=incoming.reporter_id,
        source=UpdateSource.SLACK,
        link=incoming.permalink,
        documents=documents,
        previous=before,
        created_at=now,
        message=message,
        channel=incoming.channel,
    )
    session.add(entry)
    session.flush()
    if update.kind == UpdateKind.NOTE:
        refresh_status(session, item)
    note = update.text if update.kind == UpdateKind.NOTE else ""
    also = tuple(earlier.get(item.code, ()))
    return Change(entry.id, item.code, update.kind, before, flags(item), note, also)


def _earlier_numbers(
    session: Session, resolved: list[tuple[ItemUpdate, ActionItem]]
) -> dict[str, list[str]]:
    """Of the items the message names, each number that other active items of the
    current plan list as their earlier number, with those items (``44-14``:
    ``54-04``), read in one query (by the indexed ``item_aliases.code``) for a whole
    message."""
    named = {item.code for _, item in resolved}
    found: dict[str, list[str]] = {}
    rows = session.execute(
        select(ItemAlias.code, ActionItem.code)
        .join(ActionItem, ItemAlias.item_id == ActionItem.id)
        .where(ItemAlias.code.in_(sorted(named)))
        .where(ActionItem.edition == current_edition(session), ActionItem.appendix == "")
        .order_by(ActionItem.position, ItemAlias.id)
    )
    for alias, code in rows:
        if code not in named:
            found.setdefault(alias, []).append(code)
    return found


def record_message(
    session: Session,
    incoming: IncomingMessage,
    parsed: ParsedMessage,
    *,
    editors: frozenset[str],
    now: datetime,
) -> Outcome:
    """Record the updates of one message (the caller commits)."""
    if not parsed.updates:
        return Outcome(RecordStatus.NOTHING)
    resolved, unknown = _resolve(session, parsed.updates)
    obsolete = _obsolete(session, unknown)
    if not resolved:
        return Outcome(RecordStatus.UNKNOWN, unknown=unknown, obsolete=obsolete)
    if not may_record(incoming.user_id, editors, [update.kind for update, _ in resolved]):
        return Outcome(RecordStatus.DENIED, unknown=unknown, obsolete=obsolete)
    message = SlackMessage(
        team_id=incoming.team_id,
        channel=incoming.channel,
        ts=incoming.ts,
        thread_ts=incoming.thread_ts,
        user_id=incoming.user_id,
        text=parsed.text,
        permalink=incoming.permalink,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        return Outcome(RecordStatus.DUPLICATE)
    earlier = _earlier_numbers(session, resolved)
    changes = [
        _apply(session, message, update, item, incoming, list(parsed.documents), now, earlier)
        for update, item in resolved
    ]
    return Outcome(
        RecordStatus.RECORDED,
        changes=changes,
        unknown=unknown,
        message_id=message.id,
        obsolete=obsolete,
    )


def _superseded(session: Session, update: StatusUpdate) -> bool:
    later = (
        select(StatusUpdate.id)
        .where(StatusUpdate.item_id == update.item_id)
        .where(StatusUpdate.id > update.id)
        .where(StatusUpdate.retracted_at.is_(None))
        .where(StatusUpdate.kind.in_(SUPERSEDING_KINDS))
    )
    return bool(session.scalar(select(exists(later))))


def _state_before(session: Session, update: StatusUpdate) -> dict[str, Any]:
    """The flags as they would be had ``update`` never been made.

    That is the state it saw, unless the update that made that state has been
    taken back too: then the state before that one, and so on back to the
    latest update that still stands.
    """
    state = dict(update.previous or {})
    earlier = session.scalars(
        select(StatusUpdate)
        .where(StatusUpdate.item_id == update.item_id)
        .where(StatusUpdate.id < update.id)
        .where(StatusUpdate.kind.in_(SUPERSEDING_KINDS))
        .order_by(StatusUpdate.id.desc())
    )
    for entry in earlier:
        if entry.retracted_at is None:
            break
        state = dict(entry.previous or {})
    return state


def retract(
    session: Session,
    update: StatusUpdate,
    *,
    reason: UpdateKind,
    actor: str,
    actor_id: str,
    now: datetime,
) -> Change | None:
    """Take an update back; restore the flags before it unless a later update changed them."""
    if update.retracted_at is not None:
        return None
    item = update.item
    before = flags(item)
    restore = update.kind in FLAG_KINDS and not _superseded(session, update)
    if restore:
        for name, value in _state_before(session, update).items():
            if name in ("completed", "periodic_goals_met"):
                setattr(item, name, bool(value))
    update.retracted_at, update.retracted_by = now, reason
    if update.kind == UpdateKind.NOTE:
        refresh_status(session, item)
    note = f"{reason}: {update.kind} of {update.created_at:%d %b %Y %H:%M} UTC taken back"
    if update.kind in FLAG_KINDS and not restore:
        note += " (a later update stands, so the state is kept)"
    entry = StatusUpdate(
        item=item,
        kind=reason,
        text=note,
        author=actor,
        author_id=actor_id,
        source=UpdateSource.SLACK,
        link=update.link,
        documents=[],
        previous=before,
        created_at=now,
        message_id=update.message_id,
        channel=update.channel,
    )
    session.add(entry)
    session.flush()
    return Change(entry.id, item.code, reason, before, flags(item))


def find_message(session: Session, team_id: str, channel: str, ts: str) -> SlackMessage | None:
    """The recorded message, locked until the caller commits (``SELECT ... FOR UPDATE``).

    An edit, a deletion or an undo delivered twice at once then runs one after the other,
    and the second sees what the first did; SQLite's ``BEGIN IMMEDIATE`` does the same.
    """
    return session.scalar(
        select(SlackMessage)
        .where(
            SlackMessage.team_id == team_id, SlackMessage.channel == channel, SlackMessage.ts == ts
        )
        .with_for_update()
    )


def active_updates(message: SlackMessage) -> list[StatusUpdate]:
    return [u for u in message.updates if u.retracted_at is None and u.kind in EFFECTS]


def retract_message(
    session: Session,
    message: SlackMessage,
    *,
    reason: UpdateKind,
    actor: str,
    actor_id: str,
    now: datetime,
) -> list[Change]:
    """Take back every update a message made, newest first."""
    changes = []
    for update in reversed(active_updates(message)):
        change = retract(session, update, reason=reason, actor=actor, actor_id=actor_id, now=now)
        if change is not None:
            changes.append(change)
    return changes


def undone(message: SlackMessage) -> bool:
    """Whether someone pressed Undo on the message's confirmation (and nothing stands)."""
    updates = message.updates
    return any(u.retracted_by == UpdateKind.UNDO for u in updates) and not active_updates(message)


def _reword(message: SlackMessage, text: str, now: datetime) -> None:
    """Give an edited message its new words.

    Its standing updates read them; the updates already taken back keep the words
    they were made with, so the history still says what each one recorded.  That
    costs a copy per update taken back, and only when the words change.
    """
    if text != message.text:
        for entry in message.updates:
            if not entry.active and entry.reads_its_message:
                entry.text = message.text
    message.text, message.edited_at = text, now


def edit_message(
    session: Session,
    incoming: IncomingMessage,
    parsed: ParsedMessage,
    *,
    editors: frozenset[str],
    now: datetime,
) -> Outcome:
    """Read an edited message again: correct its updates, never double them.

    Undo on the bot's confirmation means "this message records nothing": an edit
    of an undone message, whatever its new words, records nothing, changes
    nothing (the undone updates keep the words they were made with) and the bot
    says nothing about it.  Whoever wants the update after all posts it again.
    """
    message = find_message(session, incoming.team_id, incoming.channel, incoming.ts)
    if message is None:
        return record_message(session, incoming, parsed, editors=editors, now=now)
    if undone(message):
        return Outcome(RecordStatus.UNDONE, message_id=message.id)
    resolved, unknown = _resolve(session, parsed.updates)
    obsolete = _obsolete(session, unknown)
    current = active_updates(message)
    wanted = {(item.code, update.kind) for update, item in resolved}
    if wanted == {(u.item.code, u.kind) for u in current}:
        texts = {(item.code, update.kind): own_text(update) for update, item in resolved}
        for entry in current:
            entry.text = texts[(entry.item.code, entry.kind)]
            entry.documents = list(parsed.documents)
            if entry.kind == UpdateKind.NOTE:
                refresh_status(session, entry.item)
        _reword(message, parsed.text, now)
        return Outcome(
            RecordStatus.CORRECTED, unknown=unknown, message_id=message.id, obsolete=obsolete
        )
    kinds = [u.kind for u in current] + [update.kind for update, _ in resolved]
    if not may_record(incoming.user_id, editors, kinds):
        return Outcome(RecordStatus.DENIED, unknown=unknown, obsolete=obsolete)
    changes = retract_message(
        session,
        message,
        reason=UpdateKind.EDIT,
        actor=incoming.author,
        actor_id=incoming.user_id,
        now=now,
    )
    _reword(message, parsed.text, now)
    earlier = _earlier_numbers(session, resolved)
    changes += [
        _apply(session, message, update, item, incoming, list(parsed.documents), now, earlier)
        for update, item in resolved
    ]
    return Outcome(
        RecordStatus.RECORDED,
        changes=changes,
        unknown=unknown,
        message_id=message.id,
        obsolete=obsolete,
    )
