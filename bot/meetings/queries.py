"""Reading the schedule: the next meetings, deadlines, and the items due at a meeting."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.meetings.milestones import Schedule, names_meeting
from bot.plan.editions import current_edition
from bot.store.models import ActionItem, ImportRun, Meeting

SCHEDULE_KINDS = ("schedule", "document")
"""The import log's kinds of file that bring meetings."""


def had_schedule(session: Session) -> bool:
    """Whether the database holds meetings or ever imported a schedule (its meetings
    may all have been deleted on purpose since)."""
    imported = session.scalar(
        select(func.count(ImportRun.id)).where(ImportRun.file_kind.in_(SCHEDULE_KINDS))
    )
    return bool(imported or session.scalar(select(func.count(Meeting.id))))


def all_meetings(session: Session) -> list[Meeting]:
    query = (
        select(Meeting).options(selectinload(Meeting.agenda)).order_by(Meeting.start, Meeting.id)
    )
    return list(session.scalars(query))


def schedule(session: Session, tz: ZoneInfo) -> Schedule:
    """The whole schedule, for reading milestones (``TSAG2023``) against it."""
    return Schedule(all_meetings(session), tz)


def upcoming(
    session: Session,
    now: datetime,
    *,
    kinds: Collection[str] = (),
    until: datetime | None = None,
    limit: int | None = None,
) -> list[Meeting]:
    """Meetings not yet over at ``now``, soonest first."""
    query = select(Meeting).where(Meeting.end > now).options(selectinload(Meeting.agenda))
    if kinds:
        query = query.where(Meeting.kind.in_(kinds))
    if until is not None:
        query = query.where(Meeting.start < until)
    query = query.order_by(Meeting.start, Meeting.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def next_meeting(session: Session, now: datetime, kinds: Collection[str] = ()) -> Meeting | None:
    found = upcoming(session, now, kinds=kinds, limit=1)
    return found[0] if found else None


def last_meeting(session: Session, now: datetime, kinds: Collection[str] = ()) -> Meeting | None:
    """The meeting that started last before ``now`` (one on now included)."""
    query = select(Meeting).where(Meeting.start <= now).options(selectinload(Meeting.agenda))
    if kinds:
        query = query.where(Meeting.kind.in_(kinds))
    return session.scalars(query.order_by(Meeting.start.desc(), Meeting.id.desc())).first()


def deadlines(
    session: Session,
    now: datetime,
    *,
    kinds: Collection[str] = (),
    until: datetime | None = None,
    limit: int | None = None,
) -> list[Meeting]:
    """Meetings whose contribution deadline is still ahead at ``now``, soonest deadline first."""
    query = select(Meeting).where(Meeting.deadline.is_not(None), Meeting.deadline > now)
    if kinds:
        query = query.where(Meeting.kind.in_(kinds))
    if until is not None:
        query = query.where(Meeting.deadline < until)
    query = query.order_by(Meeting.deadline, Meeting.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def meeting_by_uid(session: Session, uid: str) -> Meeting | None:
    query = select(Meeting).where(Meeting.uid == uid).options(selectinload(Meeting.agenda))
    return session.scalars(query).first()


@dataclass(frozen=True)
class DueItem:
    code: str
    action: str
    milestone: str


def open_items(session: Session) -> list[DueItem]:
    """Every open (not completed) active item, in plan order."""
    rows = session.execute(
        select(ActionItem.code, ActionItem.action, ActionItem.milestone)
        .where(ActionItem.appendix == "", ActionItem.completed.is_(False))
        .where(ActionItem.edition == current_edition(session))
        .order_by(ActionItem.position)
    )
    return [DueItem(code, action, milestone) for code, action, milestone in rows]


def due_at(items: list[DueItem], meeting: Meeting, plan_schedule: Schedule) -> list[DueItem]:
    """The items whose milestone names ``meeting``; each distinct milestone is judged once."""
    named = {
        milestone
        for milestone in {item.milestone for item in items}
        if names_meeting(milestone, meeting, plan_schedule)
    }
    return [item for item in items if item.milestone in named]


def items_due_at(session: Session, meeting: Meeting, plan_schedule: Schedule) -> list[DueItem]:
    """Open active items whose milestone names this meeting (``Each TSAG meeting``...)."""
    return due_at(open_items(session), meeting, plan_schedule)
