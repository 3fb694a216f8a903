"""The weekly digest as plain data: what changed in the action plan, what fell due, what is ahead.

:func:`build_digest` reads the database in a handful of batch queries and returns
a :class:`Digest`; :mod:`bot.posting.digest_text` words it and splits it into
Slack messages. Nothing here reads the clock: the time is an argument.

The digest says what a reader needs on a Monday, not every event of the week:

* per item, the net change of the week (completed then reopened is no change; a
  note then completed is "completed", with the note; several notes are the
  latest and a count);
* the milestones that fell due this week, each with its open items; the open
  items whose milestone passed before are only counted;
* the open items without an update for six months; an item's last update is
  its last Slack (or command-line) update or the date of the last plan document
  imported (the day the document speaks for, not the day of the import),
  whichever is later.

The period is the ``days`` days before ``now`` counted in local (Geneva) time,
so a digest posted every Monday at 09:00 covers exactly the time since the
previous one, even across a change to or from summer time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from bot.meetings import queries
from bot.meetings.display import mode_text, when_text
from bot.meetings.milestones import DueDate, DueState, ItemDue, Schedule, item_due
from bot.plan.editions import current_edition
from bot.plan.updates.record import RETRACTIONS
from bot.plan.views import open_with_periodic_goals
from bot.posting.rounds.service import RoundProgress, open_rounds
from bot.posting.rounds.service import progress as round_progress
from bot.store.models import (
    READS_ITS_MESSAGE,
    ActionItem,
    ImportRun,
    Meeting,
    Resolution,
    SlackMessage,
    StatusUpdate,
)
from bot.store.vocabulary import UpdateKind, UpdateSource

# An undo or a deletion is news only when what it took back was in an earlier
# digest; an edit's retraction (kind "edit") is followed by the edited updates,
# which say it all.
TAKE_BACKS = (UpdateKind.UNDO, UpdateKind.DELETE)
TAKEN_BACK_KINDS = (UpdateKind.COMPLETED, UpdateKind.PERIODIC, UpdateKind.REOPENED, UpdateKind.NOTE)
FLAG_NAMES = ("completed", "periodic_goals_met")
# The digest reads kinds and sources as words and looks the members up: the column
# type's conversion, member by member, cost a tenth of a busy week's digest.
_KINDS = {kind.value: kind for kind in UpdateKind}
_SOURCES = {source.value: source for source in UpdateSource}


class FlagChange(StrEnum):
    """What the week changed of an item's flags, as the digest words it."""

    COMPLETED = "completed"
    REOPENED = "reopened"
    PERIODIC = "periodic goals met"
    PERIODIC_CLEARED = "periodic goals no longer met"
    TAKEN_BACK = "taken back"


@dataclass(frozen=True)
class ItemChange:
    """The net change of one item over the period.

    ``changes`` are the flags that differ between the start and the end of the
    period; ``notes`` the standing notes recorded in it; ``text`` the latest
    note's words, else the words of the latest update; ``authors`` everyone whose
    update is part of it, in order; ``at`` and ``link`` those of the latest one.
    """

    code: str
    changes: tuple[FlagChange, ...]
    notes: int
    text: str
    authors: tuple[str, ...]
    link: str | None
    at: datetime

    @property
    def completed(self) -> bool:
        return FlagChange.COMPLETED in self.changes


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
    rounds: list[RoundProgress] = field(default_factory=list)
    """The reporting rounds open at the digest's time."""

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


class _Item(NamedTuple):
    """What the digest reads of one active item (a tuple: a plan holds thousands)."""

    id: int
    resolution_id: int
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
    digest.updates = _updates(session, items, start, end)
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
        periodic=open_with_periodic_goals((item.completed, item.periodic) for item in items),
        completed_in_period=len(digest.completed),
    )
    digest.rounds = [round_progress(session, found) for found in open_rounds(session)]
    return digest


def _active_items(session: Session, edition: str) -> list[_Item]:
    """Every active item, in plan order.

    The digest's large reads run on the session's connection: rows of columns need
    none of the ORM's loading, which costs a fifth more per row.
    """
    rows = session.connection().execute(
        select(
            ActionItem.id,
            ActionItem.resolution_id,
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


class _Entry(NamedTuple):
    """What the digest reads of one status update: its columns, no ORM object (a busy
    week's 30,000 updates would cost seconds to build as objects).

    ``previous`` is what the entry kept of the flags it found, in the order of
    :data:`FLAG_NAMES`: None where it kept none (an import keeps only those it changed).
    """

    item_id: int
    kind: UpdateKind
    source: UpdateSource
    words: str
    author: str
    link: str | None
    previous: tuple[bool | None, bool | None]
    created_at: datetime
    message_id: int | None
    standing: bool  # not retracted


def _updates(
    session: Session, items: Sequence[_Item], start: datetime, end: datetime
) -> list[ResolutionUpdates]:
    """The items the period changed, by Resolution in plan order (that of ``items``)."""
    histories = _histories(session, start, end)
    if not histories:
        return []
    taken_back = _taken_back_earlier(session, start, end)
    groups: dict[int, list[ItemChange]] = {}
    for item in items:
        history = histories.get(item.id)
        if history is None:
            continue
        now_flags = {"completed": item.completed, "periodic_goals_met": item.periodic}
        change = _net_change(item.code, history, now_flags, (start, end), taken_back)
        if change is not None:
            groups.setdefault(item.resolution_id, []).append(change)
    resolutions = session.scalars(select(Resolution).where(Resolution.id.in_(groups)))
    by_id = {resolution.id: resolution for resolution in resolutions}
    return [
        ResolutionUpdates(by_id[key].label, by_id[key].title, tuple(changes))
        for key, changes in groups.items()
    ]


def _histories(session: Session, start: datetime, end: datetime) -> dict[int, list[_Entry]]:
    """Each item's entries from the first one recorded in the period on, in recording order.

    What an item's entries before its first one in the period say is no part of the
    period's change (the flags before it are read from it and the entries after it), so
    one query reads every entry from the period's first on, in id order: the week's
    entries, however long the history. The entries after the period's say what the
    flags were at its end; the words of each message are joined in (what
    ``StatusUpdate.words`` says).
    """
    first = session.scalar(
        select(func.min(StatusUpdate.id)).where(
            StatusUpdate.created_at > start, StatusUpdate.created_at <= end
        )
    )
    if first is None:
        return {}
    rows = session.connection().execute(
        select(
            StatusUpdate.item_id,
            type_coerce(StatusUpdate.kind, String),
            type_coerce(StatusUpdate.source, String),
            StatusUpdate.text,
            SlackMessage.text,
            StatusUpdate.author,
            StatusUpdate.link,
            *(StatusUpdate.previous[name].as_boolean() for name in FLAG_NAMES),
            StatusUpdate.created_at,
            StatusUpdate.message_id,
            StatusUpdate.retracted_at.is_(None),
        )
        .outerjoin(SlackMessage, StatusUpdate.message_id == SlackMessage.id)
        .where(StatusUpdate.id >= first)
        .order_by(StatusUpdate.id)
    )
    # Taken row by row: 30,000 rows held at once as well as their entries make the
    # garbage collector's passes longer than fetching them one at a time.
    histories: dict[int, list[_Entry]] = {}
    for (
        item_id,
        kind,
        source,
        text,
        message_text,
        author,
        link,
        was_completed,
        was_periodic,
        created_at,
        message_id,
        standing,
    ) in rows:
        reads_message = not text and message_id is not None and kind in READS_ITS_MESSAGE
        words = message_text if reads_message and message_text is not None else text
        entry = _Entry(
            item_id,
            _KINDS[kind],
            _SOURCES[source],
            words,
            author,
            link,
            (was_completed, was_periodic),
            created_at,
            message_id,
            standing,
        )
        histories.setdefault(item_id, []).append(entry)
    return histories


def _flags_at(updates: Iterable[_Entry], otherwise: dict[str, bool]) -> dict[str, bool]:
    """The flags before the first of ``updates`` that recorded them (``otherwise`` if none).

    Every entry keeps the flags it found (``previous``); an import's keeps only
    those it changed, so each flag is read from the first entry that has it.
    """
    found = dict(otherwise)
    for index, name in enumerate(FLAG_NAMES):
        for update in updates:
            kept = update.previous[index]
            if kept is not None:
                found[name] = kept
                break
    return found


def _net_change(
    code: str,
    updates: list[_Entry],
    now_flags: dict[str, bool],
    period: tuple[datetime, datetime],
    taken_back: set[tuple[int, int | None, datetime]],
) -> ItemChange | None:
    """What the period changed of one item, or None. ``updates`` is its history in
    recording order (by id, not by time: a clock moved back stores a later entry with an
    earlier time); the flags before the period's first entry and after its last decide."""
    start, end = period
    positions = [i for i, update in enumerate(updates) if start < update.created_at <= end]
    if not positions:
        return None
    inside = [updates[i] for i in positions]
    before = _flags_at(updates[positions[0] :], now_flags)
    at_end = _flags_at(updates[positions[-1] + 1 :], now_flags)
    shown = [update for update in inside if _is_news(update, taken_back)]
    if not shown:
        return None
    notes = [update for update in shown if update.kind == UpdateKind.NOTE]
    taking_back = shown[-1].kind in TAKE_BACKS
    changes = []
    if at_end["completed"] != before["completed"]:
        gone = FlagChange.TAKEN_BACK if taking_back else FlagChange.REOPENED
        changes.append(FlagChange.COMPLETED if at_end["completed"] else gone)
    if at_end["periodic_goals_met"] != before["periodic_goals_met"]:
        gone = FlagChange.TAKEN_BACK if taking_back else FlagChange.PERIODIC_CLEARED
        changes.append(FlagChange.PERIODIC if at_end["periodic_goals_met"] else gone)
    if not changes and any(update.kind in TAKE_BACKS for update in shown):
        changes.append(FlagChange.TAKEN_BACK)  # a note of an earlier week taken back
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


def _is_news(update: _Entry, taken_back: set[tuple[int, int | None, datetime]]) -> bool:
    """A standing update people made, or the taking back of one made before the period."""
    if update.source == UpdateSource.IMPORT or update.kind == UpdateKind.EDIT:
        return False
    if update.kind in TAKE_BACKS:
        return (update.item_id, update.message_id, update.created_at) in taken_back
    return update.standing


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
    """The day the plan document of ``end`` speaks for (local midnight); None without one.

    That document is the last one imported by ``end``; a digest asked for a moment
    before the plan was first imported (``--at`` on a new install) reads the last
    one whose own date is by then. A document without a date of its own speaks
    for the day it was imported.
    """
    rows = session.execute(
        select(ImportRun.document_date, ImportRun.created_at)
        .where(ImportRun.edition == edition)
        .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
    ).all()
    dated = [
        (imported, datetime.combine(day, time(), tzinfo=tz).astimezone(UTC) if day else imported)
        for day, imported in rows
    ]
    known = [moment for imported, moment in dated if imported <= end]
    ahead = [moment for _, moment in dated if moment <= end]
    return next(iter(known or ahead), None)


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
    rows = session.connection().execute(
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
