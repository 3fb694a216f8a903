"""Which items each transaction changed, for the search indexes of every process.

A unit of work that changes what search reads (an item, its Resolution's title, an
update or the message it reads its words from, an edition) notes the items while it
flushes; just before it commits, it bumps the one-row ``plan_revision`` and writes one
``plan_changes`` row per item with that revision.  The counter is taken last, so its
lock (PostgreSQL) is held only for the commit and orders the revisions as they become
visible.  A bulk statement on those tables (``session.execute(delete(ActionItem))``)
changes possibly every item: ``None``.  Writes outside a session go unnoticed.  The
rows of all but the latest :data:`KEEP_REVISIONS` revisions are deleted once an hour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from bot.store.insert import dialect_insert
from bot.store.models import (
    ActionItem,
    Edition,
    PlanChange,
    PlanRevision,
    Resolution,
    SlackMessage,
    StatusUpdate,
)

CHANGED = "tsagbot.changed_items"
REVISION = "tsagbot.plan_revision"
EVERY_ITEM = None
ROWS_AT_ONCE = 1_000
"""``plan_changes`` rows written by one statement: an import of 100,000 new items would
otherwise hold them all, and the driver's copy of them, at once (40 MB)."""
WATCHED = frozenset(
    model.__tablename__ for model in (ActionItem, Resolution, StatusUpdate, SlackMessage, Edition)
)


def track(sessions: sessionmaker[Session], committed: Callable[[int], None]) -> None:
    """Note the plan's changes in every session ``sessions`` makes; ``committed`` is told
    each revision this process commits."""
    event.listen(sessions, "after_flush", _noticed)
    event.listen(sessions, "do_orm_execute", _bulk)
    event.listen(sessions, "before_commit", _record)

    def told(session: Session) -> None:
        revision = session.info.pop(REVISION, None)
        if revision is not None:
            committed(revision)

    event.listen(sessions, "after_commit", told)
    event.listen(sessions, "after_transaction_end", _forget)


def current_revision(connection: Connection | Session) -> int:
    """The plan's revision (one row by its key)."""
    return int(connection.scalar(select(PlanRevision.revision).where(PlanRevision.id == 1)) or 0)


def changes_since(session: Session, revision: int) -> tuple[int, set[int | None]]:
    """The newest revision and the items changed after ``revision`` (None: any item,
    also when the rows of the revisions just after ``revision`` were forgotten)."""
    newest = current_revision(session)
    if newest <= revision:
        return newest, set()
    rows = session.execute(
        select(PlanChange.revision, PlanChange.item_id).where(
            PlanChange.revision > revision, PlanChange.revision <= newest
        )
    ).all()
    # Every revision writes at least one row, and the oldest are deleted first: read in
    # the same statement as the others, the next revision's rows tell that none is gone.
    if all(row.revision != revision + 1 for row in rows):
        return newest, {EVERY_ITEM}
    return newest, {row.item_id for row in rows}


KEEP_REVISIONS = 10_000
"""How many of the latest revisions keep their ``plan_changes`` rows. A serving process
reads the revision every second, so one that is further behind was stopped: it builds
its index again (:func:`changes_since` says any item) instead of reading the rows."""


FORGET_AT_ONCE = 5_000
"""Rows deleted in one transaction: the first tidy after a long time may find millions,
and a request waiting to store its event must not wait for all of them (SQLite)."""


def forget_old_changes(session: Session, keep: int | None = None) -> int:
    """Delete the rows of all but the latest ``keep`` (:data:`KEEP_REVISIONS`)
    revisions, the oldest :data:`FORGET_AT_ONCE` of them at most; how many went (call
    again until none). The caller commits."""
    before = current_revision(session) - (KEEP_REVISIONS if keep is None else keep)
    oldest = (
        select(PlanChange.id)
        .where(PlanChange.revision <= before)
        .order_by(PlanChange.revision, PlanChange.id)
        .limit(FORGET_AT_ONCE)
    )
    result = session.execute(delete(PlanChange).where(PlanChange.id.in_(oldest)))
    return int(getattr(result, "rowcount", 0) or 0)


def _changed(session: Session) -> set[int | None]:
    found: set[int | None] = session.info.setdefault(CHANGED, set())
    return found


def _noticed(session: Session, _context: Any) -> None:
    items: set[int | None] = set()
    resolutions, messages = [], []
    dirty = [row for row in session.dirty if session.is_modified(row, include_collections=False)]
    for row in (*session.new, *dirty, *session.deleted):
        if isinstance(row, ActionItem):
            items.add(row.id)
        elif isinstance(row, StatusUpdate) and row.item_id is not None:
            items.add(row.item_id)
        elif isinstance(row, Resolution) and row not in session.new:
            resolutions.append(row.id)
        elif isinstance(row, SlackMessage) and row not in session.new:
            messages.append(row.id)
        elif isinstance(row, Edition) and row in session.new:
            items.add(EVERY_ITEM)
    if resolutions:
        query = select(ActionItem.id).where(ActionItem.resolution_id.in_(resolutions))
        items.update(session.connection().scalars(query))
    if messages:
        query = select(StatusUpdate.item_id).where(StatusUpdate.message_id.in_(messages))
        items.update(session.connection().scalars(query))
    _changed(session).update(items)


def _bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED:
        _changed(state.session).add(EVERY_ITEM)


def _record(session: Session) -> None:
    session.flush()
    changed = session.info.pop(CHANGED, None)
    if changed:
        session.info[REVISION] = bump(session.connection(), changed)


def bump(connection: Connection, items: Iterable[int | None]) -> int:
    """A new revision that changed ``items``; the caller's transaction commits it."""
    increment = (
        update(PlanRevision).where(PlanRevision.id == 1).values(revision=PlanRevision.revision + 1)
    )
    if not connection.execute(increment).rowcount:  # the first change: the row is made
        first = dialect_insert(connection.dialect.name)(PlanRevision).values(id=1, revision=0)
        connection.execute(first.on_conflict_do_nothing())
        connection.execute(increment)
    revision = current_revision(connection)
    changed = list(items)
    for start in range(0, len(changed), ROWS_AT_ONCE):
        rows = [
            {"revision": revision, "item_id": item}
            for item in changed[start : start + ROWS_AT_ONCE]
        ]
        connection.execute(insert(PlanChange), rows)
    return revision


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(CHANGED, None)
        session.info.pop(REVISION, None)
