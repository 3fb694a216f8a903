"""The weekly digest: what changed in the action plan, what fell due, what is ahead.

:func:`build_digest` reads the database in a handful of batch queries and
returns plain data (:class:`Digest`); :func:`render_digest` words it and splits
it into Slack messages. Both take the time as an argument: nothing here reads
the clock.

The digest says what a reader needs on a Monday, not every event of the week:

* per item, the net change of the week (completed then reopened is no change; a
  note then completed is "completed", with the note; several notes are the
  latest and a count), the 30 most recently changed items in full, grouped by
  Resolution, and a count of the others;
* the milestones that fell due this week, each with its open items; the open
  items whose milestone passed before are one line with a count;
* the open items without an update for six months, counted, the oldest few
  named; an item's last update is its last Slack (or command-line) update or the
  date of the last plan document imported, whichever is later;
* at most :data:`MAX_MESSAGES` messages, whatever the week held.

The period is the ``days`` days before ``now`` counted in local (Geneva) time,
so a digest posted every Monday at 09:00 covers exactly the time since the
previous one, even across a change to or from summer time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.meetings import queries
from bot.meetings.display import (
    clock_text,
    day_text,
    kind_label,
    mode_text,
    slack_time,
    when_text,
    zone_label,
)
from bot.meetings.milestones import DueDate, DueState, ItemDue, Schedule, item_due
from bot.plan.editions import current_edition
from bot.plan.updates.record import RETRACTIONS
from bot.render import (
    CHUNK,
    MAX_BLOCKS,
    MAX_TEXT,
    Mrkdwn,
    Renderer,
    chunk_lines,
    clip,
    count,
    escape,
    mrkdwn,
    one_line,
)
from bot.render import link as live_link
from bot.store.models import ActionItem, ImportRun, Meeting, Resolution, StatusUpdate
from bot.store.vocabulary import UpdateKind, UpdateSource

TEMPLATE = "digest.json.j2"
LIST_LIMIT = 15
UPDATES_SHOWN = 30  # the most recently changed items shown in full
STALE_SHOWN = 5  # the longest silent items named
CODES_SHOWN = 10  # the items named on a milestone's line
AUTHORS_SHOWN = 3
MAX_MESSAGES = 5
CHANGED_HINT = "`/action changed this week`"
OVERDUE_HINT = "`/action overdue`"
MEETINGS_HINT = "`/meetings`"
# Slack refuses a message whose blocks hold about 13,000 characters in all
# (msg_blocks_too_long), well below what 50 blocks of 3,000 would allow.
MESSAGE_CHARS = 11_000
# The header and the period line open every message.
FIXED_BLOCKS = 2
BAR_CELLS = 20
MAX_LINK = 500
# A title and any one line always share a chunk, so every chunk shows a line.
MAX_TITLE = 200
MAX_LINE = CHUNK - MAX_TITLE - 1
DAYS_IN_WEEK = 7

# An undo or a deletion is news only when what it took back was in an earlier
# digest; an edit's retraction (kind "edit") is followed by the edited updates,
# which say it all.
TAKE_BACKS = (UpdateKind.UNDO, UpdateKind.DELETE)
TAKEN_BACK_KINDS = (UpdateKind.COMPLETED, UpdateKind.PERIODIC, UpdateKind.REOPENED, UpdateKind.NOTE)
FLAG_NAMES = ("completed", "periodic_goals_met")


class Change(StrEnum):
    """What the week changed of an item's flags, as the digest words it."""

    COMPLETED = "completed"
    REOPENED = "reopened"
    PERIODIC = "periodic goals met"
    PERIODIC_CLEARED = "periodic goals no longer met"
    TAKEN_BACK = "taken back"


@dataclass(frozen=True)
class DigestMessage:
    """One Slack message of a digest: the notification text and the blocks."""

    text: str
    blocks: list[dict[str, Any]]


@dataclass(frozen=True)
class ItemChange:
    """The net change of one item over the period.

    ``changes`` are the flags that differ between the start and the end of the
    period; ``notes`` the standing notes recorded in it; ``text`` the latest
    note's words, else the words of the latest update; ``authors`` everyone whose
    update is part of it, in order; ``at`` and ``link`` those of the latest one.
    """

    code: str
    changes: tuple[Change, ...]
    notes: int
    text: str
    authors: tuple[str, ...]
    link: str | None
    at: datetime

    @property
    def completed(self) -> bool:
        return Change.COMPLETED in self.changes


@dataclass(frozen=True)
class ResolutionUpdates:
    label: str
    title: str
    items: tuple[ItemChange, ...]


@dataclass(frozen=True)
class ItemEntry:
    code: str
    action: str


@dataclass(frozen=True)
class DueEntry:
    """An open item and the due date its milestone resolved to."""

    code: str
    action: str
    day: date
    term: str
    meeting: str
    estimated: bool


@dataclass(frozen=True)
class MilestoneDue:
    """A milestone that fell due in the period, and the open items due at it (plan order)."""

    term: str
    meeting: str
    day: date
    estimated: bool
    codes: tuple[str, ...]


@dataclass(frozen=True)
class StaleEntry:
    """An open item and its latest update (None: none and no plan import on record).

    ``by_document``: that latest update is the plan document's (dated ``last``).
    """

    code: str
    action: str
    last: datetime | None
    by_document: bool = False


@dataclass(frozen=True)
class MeetingEntry:
    name: str
    kind: str
    start: datetime
    end: datetime
    all_day: bool
    when: str
    where: str
    deadline: datetime | None


@dataclass(frozen=True)
class Progress:
    total: int
    completed: int
    periodic: int
    completed_in_period: int

    @property
    def percent(self) -> int:
        """Rounded down, so that 100% means every item."""
        return self.completed * 100 // self.total if self.total else 0


@dataclass
class Digest:
    """What a digest says, as plain data; times are aware UTC datetimes.

    ``updates`` holds every changed item (the rendering shows the most recent);
    ``past_due`` the milestones that fell due in the period, latest first;
    ``past_due_before`` the open items whose milestone passed before it, and
    ``milestones_before`` how many milestones those are.
    """

    tz: ZoneInfo
    start: datetime
    end: datetime
    days: int
    stale_since: datetime
    soon_days: int
    ahead_days: int
    updates: list[ResolutionUpdates] = field(default_factory=list)
    completed: list[ItemEntry] = field(default_factory=list)
    due_soon: list[DueEntry] = field(default_factory=list)
    past_due: list[MilestoneDue] = field(default_factory=list)
    past_due_before: int = 0
    milestones_before: int = 0
    stale: list[StaleEntry] = field(default_factory=list)
    meetings: list[MeetingEntry] = field(default_factory=list)
    deadlines: list[MeetingEntry] = field(default_factory=list)
    progress: Progress = field(default_factory=lambda: Progress(0, 0, 0, 0))

    @property
    def changed_count(self) -> int:
        """How many items changed in the period."""
        return sum(len(group.items) for group in self.updates)

    @property
    def past_due_count(self) -> int:
        return sum(len(due.codes) for due in self.past_due) + self.past_due_before

    @property
    def quiet(self) -> bool:
        return not self.updates


# -- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    id: int
    code: str
    action: str
    milestone: str
    completed: bool
    periodic: bool


def local_days_before(moment: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The same wall-clock time ``days`` local days earlier, in UTC."""
    return (moment.astimezone(tz) - timedelta(days=days)).astimezone(UTC)


def build_digest(
    session: Session,
    now: datetime,
    tz: ZoneInfo,
    *,
    days: int = 7,
    stale_after_days: int = 182,
    ahead_days: int = 14,
    soon_days: int = 14,
) -> Digest:
    """The digest of the ``days`` days up to ``now`` and of the ``ahead_days`` after it."""
    end = now.astimezone(UTC)
    start = local_days_before(end, days, tz)
    until = end + timedelta(days=ahead_days)
    stale_since = local_days_before(end, stale_after_days, tz)
    digest = Digest(tz, start, end, days, stale_since, soon_days, ahead_days)
    edition = current_edition(session)
    items = _active_items(session, edition)
    digest.updates = _updates(session, edition, start, end)
    changed = {
        change.code for group in digest.updates for change in group.items if change.completed
    }
    digest.completed = [ItemEntry(item.code, item.action) for item in items if item.code in changed]
    open_items = [item for item in items if not item.completed]
    today = end.astimezone(tz).date()
    schedule = _schedule(session, tz)
    digest.due_soon, past = _due(open_items, schedule, today, soon_days)
    first_day = start.astimezone(tz).date()
    digest.past_due = _fell_due(past, first_day)
    before = [entry for entry in past if entry.day < first_day]
    digest.past_due_before = len(before)
    digest.milestones_before = len({_milestone_key(entry) for entry in before})
    digest.stale = _stale(session, edition, open_items, end, digest.stale_since, tz)
    digest.meetings = [_meeting(m, tz) for m in queries.upcoming(session, end, until=until)]
    digest.deadlines = [_meeting(m, tz) for m in queries.deadlines(session, end, until=until)]
    digest.progress = Progress(
        total=len(items),
        completed=sum(item.completed for item in items),
        periodic=sum(item.periodic for item in items),
        completed_in_period=len(digest.completed),
    )
    return digest


def _active_items(session: Session, edition: str) -> list[_Item]:
    """Every active item, in plan order."""
    rows = session.execute(
        select(
            ActionItem.id,
            ActionItem.code,
            ActionItem.action,
            ActionItem.milestone,
            ActionItem.completed,
            ActionItem.periodic_goals_met,
        )
        .join(Resolution, ActionItem.resolution_id == Resolution.id)
        .where(ActionItem.appendix == "", ActionItem.edition == edition)
        .order_by(Resolution.position, ActionItem.position, ActionItem.id)
    )
    return [_Item(*row) for row in rows]


def _updates(
    session: Session, edition: str, start: datetime, end: datetime
) -> list[ResolutionUpdates]:
    """The items the period changed, by Resolution in plan order.

    Every entry of an item's history since ``start`` is read (those after ``end``
    too: the first of them says what the flags were at ``end``), in one query.
    """
    rows = session.execute(
        select(
            ActionItem.resolution_id,
            ActionItem.code,
            ActionItem.completed,
            ActionItem.periodic_goals_met,
            StatusUpdate,
        )
        .join(ActionItem, StatusUpdate.item_id == ActionItem.id)
        .join(Resolution, ActionItem.resolution_id == Resolution.id)
        .where(
            StatusUpdate.created_at > start,
            ActionItem.appendix == "",
            ActionItem.edition == edition,
        )
        .order_by(
            Resolution.position,
            ActionItem.position,
            ActionItem.id,
            StatusUpdate.created_at,
            StatusUpdate.id,
        )
        .options(selectinload(StatusUpdate.message))  # the words of each message, once
    )
    taken_back = _taken_back_earlier(session, start, end)
    history: dict[tuple[int, str], list[StatusUpdate]] = {}
    now_flags: dict[str, dict[str, bool]] = {}
    for resolution_id, code, completed, periodic, update in rows:
        history.setdefault((resolution_id, code), []).append(update)
        now_flags[code] = {"completed": completed, "periodic_goals_met": periodic}
    groups: dict[int, list[ItemChange]] = {}
    for (resolution_id, code), updates in history.items():
        change = _net_change(code, updates, now_flags[code], end, taken_back)
        if change is not None:
            groups.setdefault(resolution_id, []).append(change)
    resolutions = session.scalars(select(Resolution).where(Resolution.id.in_(groups)))
    by_id = {resolution.id: resolution for resolution in resolutions}
    return [
        ResolutionUpdates(by_id[key].label, by_id[key].title, tuple(changes))
        for key, changes in groups.items()
    ]


def _flags_at(updates: Iterable[StatusUpdate], otherwise: dict[str, bool]) -> dict[str, bool]:
    """The flags before the first of ``updates`` that recorded them (``otherwise`` if none).

    Every entry keeps the flags it found (``previous``); an import's keeps only
    those it changed, so each flag is read from the first entry that has it.
    """
    found = dict(otherwise)
    for name in FLAG_NAMES:
        for update in updates:
            if name in (update.previous or {}):
                found[name] = bool(update.previous[name])
                break
    return found


def _net_change(
    code: str,
    updates: list[StatusUpdate],
    now_flags: dict[str, bool],
    end: datetime,
    taken_back: set[tuple[int, int | None, datetime]],
) -> ItemChange | None:
    """What the period changed of one item (its entries since the period began), or None."""
    inside = [update for update in updates if update.created_at <= end]
    after = [update for update in updates if update.created_at > end]
    before = _flags_at(inside, _flags_at(after, now_flags))
    at_end = _flags_at(after, now_flags)
    shown = [update for update in inside if _is_news(update, taken_back)]
    if not shown:
        return None
    notes = [update for update in shown if update.kind == UpdateKind.NOTE]
    taking_back = shown[-1].kind in TAKE_BACKS
    changes = []
    if at_end["completed"] != before["completed"]:
        gone = Change.TAKEN_BACK if taking_back else Change.REOPENED
        changes.append(Change.COMPLETED if at_end["completed"] else gone)
    if at_end["periodic_goals_met"] != before["periodic_goals_met"]:
        gone = Change.TAKEN_BACK if taking_back else Change.PERIODIC_CLEARED
        changes.append(Change.PERIODIC if at_end["periodic_goals_met"] else gone)
    if not changes and any(update.kind in TAKE_BACKS for update in shown):
        changes.append(Change.TAKEN_BACK)  # a note of an earlier week taken back
    if not changes and not notes:
        return None  # e.g. completed, then reopened: nothing changed
    latest = shown[-1]
    authors = list(dict.fromkeys(update.author or "someone" for update in shown))
    return ItemChange(
        code=code,
        changes=tuple(dict.fromkeys(changes)),
        notes=len(notes),
        text=(notes[-1] if notes else latest).words,
        authors=tuple(authors),
        link=latest.link,
        at=latest.created_at,
    )


def _is_news(update: StatusUpdate, taken_back: set[tuple[int, int | None, datetime]]) -> bool:
    """A standing update people made, or the taking back of one made before the period."""
    if update.source == UpdateSource.IMPORT or update.kind == UpdateKind.EDIT:
        return False
    if update.kind in TAKE_BACKS:
        return (update.item_id, update.message_id, update.created_at) in taken_back
    return update.retracted_at is None


def _taken_back_earlier(
    session: Session, start: datetime, end: datetime
) -> set[tuple[int, int | None, datetime]]:
    """(item, message, moment) of each undo or deletion in the period of an earlier update."""
    rows = session.execute(
        select(StatusUpdate.item_id, StatusUpdate.message_id, StatusUpdate.retracted_at).where(
            StatusUpdate.retracted_at > start,
            StatusUpdate.retracted_at <= end,
            StatusUpdate.created_at <= start,
            StatusUpdate.retracted_by.in_(TAKE_BACKS),
            StatusUpdate.kind.in_(TAKEN_BACK_KINDS),
        )
    )
    return {(item, message, moment) for item, message, moment in rows if moment is not None}


@dataclass(frozen=True)
class _Scheduled:
    """What a milestone is read against: a meeting's name, kind and times, nothing more."""

    name: str
    kind: str
    start: datetime
    end: datetime


def _schedule(session: Session, tz: ZoneInfo) -> Schedule:
    """The whole schedule, read as four columns: the agendas and documents are not needed."""
    rows = session.execute(select(Meeting.name, Meeting.kind, Meeting.start, Meeting.end))
    return Schedule([_Scheduled(*row) for row in rows], tz)


def _due(
    items: Sequence[_Item], schedule: Schedule, today: date, soon_days: int
) -> tuple[list[DueEntry], list[DueEntry]]:
    """Items due within ``soon_days`` (soonest first) and past due (plan order)."""
    known: dict[str, ItemDue] = {}
    soon: list[DueEntry] = []
    past: list[DueEntry] = []
    for item in items:
        due = known.get(item.milestone)
        if due is None:
            due = known[item.milestone] = item_due(
                item.milestone, schedule, today, soon_days=soon_days
            )
        if due.state == DueState.SOON and due.next is not None:
            soon.append(_due_entry(item, due.next))
        elif due.state == DueState.PAST and due.last_past is not None:
            past.append(_due_entry(item, due.last_past))
    soon.sort(key=lambda entry: entry.day)
    return soon, past


def _due_entry(item: _Item, due: DueDate) -> DueEntry:
    meeting = due.meeting.name if due.meeting is not None else ""
    return DueEntry(item.code, item.action, due.day, due.term.text, meeting, due.estimated)


def _milestone_key(entry: DueEntry) -> tuple[date, str, str]:
    return entry.day, entry.term, entry.meeting


def _fell_due(past: Iterable[DueEntry], first_day: date) -> list[MilestoneDue]:
    """The milestones that fell due on or after ``first_day``, latest first, with their items."""
    found: dict[tuple[date, str, str], list[DueEntry]] = {}
    for entry in past:
        if entry.day >= first_day:
            found.setdefault(_milestone_key(entry), []).append(entry)
    milestones = [
        MilestoneDue(term, meeting, day, entries[0].estimated, tuple(e.code for e in entries))
        for (day, term, meeting), entries in found.items()
    ]
    return sorted(milestones, key=lambda due: (-due.day.toordinal(), due.term.lower()))


def _document_moment(
    session: Session, edition: str, end: datetime, tz: ZoneInfo
) -> datetime | None:
    """When the last plan document imported by ``end`` speaks for: its own date (local
    midnight), else the day it was imported; None when no plan import is on record."""
    row = session.execute(
        select(ImportRun.document_date, ImportRun.created_at)
        .where(ImportRun.edition == edition, ImportRun.created_at <= end)
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    dated, imported = row
    if dated is None:
        return imported
    return datetime.combine(dated, time(), tzinfo=tz).astimezone(UTC)


def _stale(
    session: Session,
    edition: str,
    items: Sequence[_Item],
    end: datetime,
    since: datetime,
    tz: ZoneInfo,
) -> list[StaleEntry]:
    """Open items with no update since ``since``, longest silent first.

    An item's last update is the later of its last standing update made by a
    person (Slack, the command line) and the date of the last plan document
    imported, which restates every item's status as of that day. Taking an
    update back (an undo, an edit, a deletion) is no news of the item.
    """
    rows = session.execute(
        select(StatusUpdate.item_id, func.max(StatusUpdate.created_at))
        .where(
            StatusUpdate.retracted_at.is_(None),
            StatusUpdate.kind.not_in(RETRACTIONS),
            StatusUpdate.source != UpdateSource.IMPORT,
            StatusUpdate.created_at <= end,
        )
        .group_by(StatusUpdate.item_id)
    )
    latest = {item_id: moment for item_id, moment in rows}
    document = _document_moment(session, edition, end, tz)
    found = []
    for item in items:
        said = latest.get(item.id)
        by_document = document is not None and (said is None or said < document)
        last = document if by_document else said
        if last is None or last < since:
            found.append(StaleEntry(item.code, item.action, last, by_document))
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(found, key=lambda entry: entry.last or epoch)


def _meeting(meeting: Meeting, tz: ZoneInfo) -> MeetingEntry:
    return MeetingEntry(
        name=meeting.name,
        kind=meeting.kind,
        start=meeting.start,
        end=meeting.end,
        all_day=meeting.all_day,
        when=when_text(meeting, tz),
        where=mode_text(meeting),
        deadline=meeting.deadline,
    )


# -- wording ----------------------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True)
class Section:
    """A bold title and one-line mrkdwn lines; a section without lines is left out.

    Lines hold no newline: :func:`pack` cuts a section between lines.
    """

    title: str
    lines: Sequence[str]


def render_digest(
    renderer: Renderer,
    digest: Digest,
    *,
    limit: int = LIST_LIMIT,
    updates_shown: int = UPDATES_SHOWN,
) -> list[DigestMessage]:
    """The digest as at most :data:`MAX_MESSAGES` Slack messages, each within Slack's limits.

    Sections stay whole when they fit in one message; a longer one continues in
    the next message under the same title. ``updates_shown`` caps the changed
    items shown in full, ``limit`` the other lists. Lines are clipped, so the caps
    keep any week within the messages allowed; should very long lines still need
    more, the caps are halved until it fits (each list then says how many it left out).
    """
    parts = pack(sections(digest, limit, updates_shown))
    while len(parts) > MAX_MESSAGES and (limit or updates_shown):
        limit, updates_shown = limit // 2, updates_shown // 2
        parts = pack(sections(digest, limit, updates_shown))
    tz = digest.tz
    header = f"Weekly digest — week of {_long_date(digest.start, tz)}"
    period = (
        f"{day_text(digest.start, tz)} {clock_text(digest.start, tz)} – "
        f"{day_text(digest.end, tz)} {clock_text(digest.end, tz)} {zone_label(tz)}"
    )
    summary = _summary(digest)
    messages = []
    for number, part in enumerate(parts, start=1):
        of = f" ({number}/{len(parts)})" if len(parts) > 1 else ""
        message = {
            "header": clip(header + of, 150),
            "period": period + (f" · part {number} of {len(parts)}" if of else ""),
            "sections": part,
        }
        blocks = renderer.blocks(TEMPLATE, message=message)
        messages.append(DigestMessage(clip(escape(f"{header}{of}: {summary}"), MAX_TEXT), blocks))
    return messages


def sections(
    digest: Digest, limit: int = LIST_LIMIT, updates_shown: int = UPDATES_SHOWN
) -> list[Section]:
    """The digest's sections in reading order, empty ones left out."""
    tz = digest.tz
    ahead = _next_days(digest.ahead_days)
    found = [
        _updates_section(digest, updates_shown),
        _capped(
            f"*Completed {_last_days(digest.days)}*",
            digest.completed,
            completed_line,
            limit,
        ),
        _capped(
            f"*Due {_next_days(digest.soon_days)}*",
            digest.due_soon,
            lambda entry: due_line(entry, "due"),
            limit,
        ),
        _past_due_section(digest, limit),
        _stale_section(digest, min(limit, STALE_SHOWN)),
        _capped(
            f"*Meetings {ahead}*",
            digest.meetings,
            lambda entry: meeting_line(entry, tz),
            limit,
            MEETINGS_HINT,
        ),
        _capped(
            f"*Contribution deadlines {ahead}*",
            digest.deadlines,
            lambda entry: deadline_line(entry, tz),
            limit,
            MEETINGS_HINT,
        ),
        Section("*Progress*", progress_lines(digest.progress, digest.days)),
    ]
    return [section for section in found if section.lines]


def most_recent(digest: Digest, shown: int) -> list[ResolutionUpdates]:
    """The ``shown`` most recently changed items, still by Resolution in plan order."""
    changes = [change for group in digest.updates for change in group.items]
    latest = sorted(changes, key=lambda change: change.at, reverse=True)[:shown]
    kept = {id(change) for change in latest}
    groups = [
        ResolutionUpdates(group.label, group.title, tuple(c for c in group.items if id(c) in kept))
        for group in digest.updates
    ]
    return [group for group in groups if group.items]


def _updates_section(digest: Digest, shown: int) -> Section:
    if digest.quiet:
        return Section("", ["_A quiet week: nothing changed in the action plan._"])
    lines: list[str] = []
    for group in most_recent(digest, shown):
        title = mrkdwn(" – {}", one_line(group.title, 80)) if group.title else ""
        lines.append(mrkdwn("*{}*{}", group.label, title))
        lines += [update_line(change, digest.tz) for change in group.items]
    left = digest.changed_count - min(shown, digest.changed_count)
    if left:
        lines.append(f"… and {left} more: {CHANGED_HINT}")
    title = f"*Updates {_last_days(digest.days)}* ({count(digest.changed_count, 'item')})"
    return Section(title, lines)


def _capped(
    title: str,
    entries: Sequence[T],
    line: Callable[[T], Mrkdwn],
    limit: int,
    hint: str = "",
) -> Section:
    shown: list[str] = [line(entry) for entry in entries[:limit]]
    if len(entries) > limit:
        shown.append(f"… and {len(entries) - limit} more" + (f": {hint}" if hint else ""))
    return Section(f"{title} ({len(entries)})", shown)


def _past_due_section(digest: Digest, limit: int) -> Section:
    """The milestones that fell due this week, each with its items; the older ones, counted."""
    lines: list[str] = [milestone_line(due) for due in digest.past_due[:limit]]
    left = digest.past_due[limit:]
    if left:
        items = sum(len(due.codes) for due in left)
        lines.append(f"… and {count(len(left), 'more milestone')} ({count(items, 'open item')})")
    if digest.past_due_before:
        fell = "fell due" if digest.past_due else "passed"
        lines.append(
            f"• {count(digest.past_due_before, 'open item')} past "
            f"{count(digest.milestones_before, 'milestone')} that {fell} before "
            f"{_last_days(digest.days)}: {OVERDUE_HINT}"
        )
    return Section(f"*Past due* ({count(digest.past_due_count, 'open item')})", lines)


def _stale_section(digest: Digest, shown: int) -> Section:
    """Counted, not listed: the items the last plan document speaks for in one line each
    date, the oldest few of those people updated, then how many more."""
    title = f"*No update since {_long_date(digest.stale_since, digest.tz)}*"
    lines: list[str] = []
    by_day: dict[datetime | None, int] = {}
    for entry in digest.stale:
        if entry.by_document or entry.last is None:
            by_day[entry.last] = by_day.get(entry.last, 0) + 1
    for last, number in by_day.items():
        since = (
            f"nothing since the plan document of {_long_date(last, digest.tz)}"
            if last is not None
            else "no update recorded"
        )
        lines.append(f"• {count(number, 'open item')} with {since}")
    updated = [entry for entry in digest.stale if not entry.by_document and entry.last]
    lines += [stale_line(entry, digest.tz) for entry in updated[:shown]]
    if len(updated) > shown:
        lines.append(f"… and {len(updated) - shown} more last updated before then")
    return Section(f"{title} ({len(digest.stale)})", lines)


def update_line(change: ItemChange, tz: ZoneInfo) -> Mrkdwn:
    """``• `50-18` *completed* with 2 notes by Ana, Bo 13 Nov 2026: latest note <link|message>``."""
    what = ", ".join(change.changes)
    if change.notes:
        notes = "a note" if change.notes == 1 else f"{change.notes} notes"
        what = f"{what} with {notes}" if what else ("note" if change.notes == 1 else notes)
    line = mrkdwn(
        "• `{}` *{}* by {} {}",
        change.code,
        what,
        _authors(change.authors),
        _short_date(change.at, tz),
    )
    text = one_line(change.text, 200)
    if text:
        line += mrkdwn(": {}", text)
    if change.link and len(change.link) <= MAX_LINK:
        line += mrkdwn(" {}", live_link(change.link, "message"))
    return line


def _authors(authors: Sequence[str]) -> str:
    names = [one_line(author, 80) for author in authors[:AUTHORS_SHOWN]]
    if len(authors) > AUTHORS_SHOWN:
        names.append(count(len(authors) - AUTHORS_SHOWN, "other"))
    return ", ".join(names)


def completed_line(entry: ItemEntry) -> Mrkdwn:
    return mrkdwn("• :white_check_mark: `{}` {}", entry.code, one_line(entry.action, 110))


def due_line(entry: DueEntry, verb: str) -> Mrkdwn:
    return mrkdwn(
        "• `{}` {} — {} *{}* ({})",
        entry.code,
        one_line(entry.action, 90),
        verb,
        _long_date(entry.day),
        _resolved(entry.term, entry.meeting, entry.estimated),
    )


def milestone_line(due: MilestoneDue) -> Mrkdwn:
    """``• *TSAG2026* → TSAG meeting, due 16 November 2026: 3 open items: `01-01`, …``."""
    codes = ", ".join(f"`{code}`" for code in due.codes[:CODES_SHOWN])
    if len(due.codes) > CODES_SHOWN:
        codes += f" and {len(due.codes) - CODES_SHOWN} more"
    return mrkdwn(
        "• *{}*, due {}: {}: {}",
        _resolved(due.term, due.meeting, due.estimated),
        _long_date(due.day),
        count(len(due.codes), "open item"),
        Mrkdwn(escape(codes)),
    )


def _resolved(term: str, meeting: str, estimated: bool) -> Mrkdwn:
    """What a milestone was read as: ``TSAG2023 → TSAG meeting``, ``TSAG2026, estimated``."""
    term = one_line(term, 60)
    if meeting:
        return mrkdwn("{} → {}", term, one_line(meeting, 60))
    if estimated:
        return mrkdwn("{}, estimated", term)
    return escape(term)


def stale_line(entry: StaleEntry, tz: ZoneInfo) -> Mrkdwn:
    last = f"last update {_long_date(entry.last, tz)}" if entry.last else "no update recorded"
    return mrkdwn("• `{}` {} — {}", entry.code, one_line(entry.action, 90), last)


def meeting_line(entry: MeetingEntry, tz: ZoneInfo) -> Mrkdwn:
    """Times as Slack date tokens, so each reader sees them in their own zone."""
    if entry.all_day:
        when = escape(entry.when)
    elif entry.end.astimezone(tz).date() == entry.start.astimezone(tz).date():
        when = mrkdwn(
            "{}–{}", slack_time(entry.start, tz), slack_time(entry.end, tz, with_day=False)
        )
    else:
        when = mrkdwn("{} – {}", slack_time(entry.start, tz), slack_time(entry.end, tz))
    line = mrkdwn("• *{}* ({}) · {}", one_line(entry.name, 150), kind_label(entry.kind), when)
    if entry.where:
        line += mrkdwn(" · {}", one_line(entry.where, 100))
    return line


def deadline_line(entry: MeetingEntry, tz: ZoneInfo) -> Mrkdwn:
    deadline = slack_time(entry.deadline, tz) if entry.deadline else "?"
    return mrkdwn("• {}: contributions to *{}*", deadline, one_line(entry.name, 150))


def progress_lines(progress: Progress, days: int) -> list[str]:
    if not progress.total:
        return []
    filled = progress.completed * BAR_CELLS // progress.total
    bar = "█" * filled + "░" * (BAR_CELLS - filled)
    return [
        f"{progress.completed} of {count(progress.total, 'active item')} completed "
        f"({progress.percent}%) `{bar}`",
        f"{progress.periodic} with periodic goals met · "
        f"{progress.completed_in_period} completed {_last_days(days)}",
    ]


def _summary(digest: Digest) -> str:
    """The notification text: the figures of each section."""
    counts = [
        (digest.changed_count, "item changed", "items changed"),
        (len(digest.completed), "completed", "completed"),
        (len(digest.due_soon), "due soon", "due soon"),
        (digest.past_due_count, "past due", "past due"),
        (len(digest.stale), "without recent update", "without recent update"),
        (len(digest.meetings), "meeting ahead", "meetings ahead"),
    ]
    said = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    progress = digest.progress
    said.append(f"{progress.completed}/{progress.total} items completed")
    return ", ".join(said)


def _last_days(days: int) -> str:
    return "this week" if days == DAYS_IN_WEEK else f"in the last {days} days"


def _next_days(days: int) -> str:
    return "in the next two weeks" if days == 2 * DAYS_IN_WEEK else f"in the next {days} days"


def _long_date(moment: datetime | date, tz: ZoneInfo | None = None) -> str:
    """``13 November 2026``; a datetime is read in ``tz``."""
    day = moment.astimezone(tz).date() if isinstance(moment, datetime) else moment
    return f"{day.day} {day:%B %Y}"


def _short_date(moment: datetime, tz: ZoneInfo) -> Mrkdwn:
    local = moment.astimezone(tz)
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{{date_short}}|{local.day} {local:%b %Y}>")


# -- splitting -----------------------------------------------------------------------


def pack(found: Iterable[Section]) -> list[list[list[Mrkdwn]]]:
    """Sections as messages of chunks: ``[message][section][chunk]``.

    Each chunk is one block of at most :data:`~bot.render.CHUNK` characters. A
    message holds at most :data:`~bot.render.MAX_BLOCKS` blocks (the header,
    the period line and a divider between sections count) and
    :data:`MESSAGE_CHARS` characters. A section too long for the rest of a
    message starts the next one; too long for a whole message, it fills the
    rest of this one and continues in the next, under its title.
    """
    messages: list[list[list[Mrkdwn]]] = [[]]
    for section in found:
        head = [one_line(section.title, MAX_TITLE)] if section.title else []
        lines = [one_line(line, MAX_LINE) for line in section.lines if line.strip()]
        start = 0
        while start < len(lines):
            # Only as many lines as one message could hold are chunked each time, so a
            # long section costs time in proportion to its length, not its length squared.
            end = _window(lines, start)
            chunks = chunk_lines([*head, *lines[start:end]])
            room = _room(messages[-1], chunks)
            whole = room == len(chunks) and end == len(lines)
            alone = end == len(lines) and _room([], chunks) == len(chunks)
            if messages[-1] and not whole and (room == 0 or alone):
                messages.append([])
                continue
            messages[-1].append(chunks[:room])
            if whole:
                break
            start += sum(chunk.count("\n") + 1 for chunk in chunks[:room]) - len(head)
            continued = f"{_plain_title(head[0])} (continued)" if head else ""
            head = [one_line(continued, MAX_TITLE)] if continued else []
            messages.append([])
    return [message for message in messages if message] or [[]]


def _window(lines: Sequence[str], start: int) -> int:
    """Where the lines from ``start`` stop being able to fit in one message (an end index
    past at least :data:`MESSAGE_CHARS` characters, or the end)."""
    chars = 0
    for end in range(start, len(lines)):
        chars += len(lines[end]) + 1
        if chars > MESSAGE_CHARS + CHUNK:
            return end + 1
    return len(lines)


def _room(message: Sequence[Sequence[str]], chunks: Sequence[str]) -> int:
    """How many of ``chunks`` fit after what ``message`` holds, as one more section."""
    blocks = FIXED_BLOCKS + sum(len(section) for section in message) + len(message)
    chars = sum(len(chunk) for section in message for chunk in section)
    fitting = 0
    for chunk in chunks:
        blocks += 1
        chars += len(chunk)
        if blocks > MAX_BLOCKS or chars > MESSAGE_CHARS:
            break
        fitting += 1
    return fitting


def _plain_title(title: str) -> str:
    """``*Updates this week*`` of ``*Updates this week* (2000)``."""
    return title.rsplit(" (", 1)[0]
