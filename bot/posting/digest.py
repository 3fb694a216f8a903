"""The weekly digest: what changed in the action plan, what is due, what is ahead.

:func:`build_digest` reads the database in a handful of batch queries and
returns plain data (:class:`Digest`); :func:`render_digest` words it and splits
it into as many Slack messages as Slack's limits require. Both take the time as
an argument: nothing here reads the clock.

The period is the ``days`` days before ``now`` counted in local (Geneva) time,
so a digest posted every Monday at 09:00 covers exactly the time since the
previous one, even across a change to or from summer time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
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
    escape,
    mrkdwn,
    one_line,
)
from bot.render import link as live_link
from bot.store.models import ActionItem, ImportRun, Meeting, Resolution, StatusUpdate
from bot.store.vocabulary import UpdateKind, UpdateSource

TEMPLATE = "digest.json.j2"
LIST_LIMIT = 15
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

KIND_WORDS = {
    UpdateKind.COMPLETED: "completed",
    UpdateKind.PERIODIC: "periodic goals met",
    UpdateKind.REOPENED: "reopened",
    UpdateKind.NOTE: "note",
    UpdateKind.DOCUMENT: "document",
    UpdateKind.UNDO: "taken back",
    UpdateKind.DELETE: "taken back",
}
# An undo or a deletion is news only when what it took back was in an earlier
# digest; an edit's retraction (kind "edit") is followed by the edited updates,
# which say it all.
TAKE_BACKS = (UpdateKind.UNDO, UpdateKind.DELETE)
TAKEN_BACK_KINDS = (UpdateKind.COMPLETED, UpdateKind.PERIODIC, UpdateKind.REOPENED, UpdateKind.NOTE)


@dataclass(frozen=True)
class DigestMessage:
    """One Slack message of a digest: the notification text and the blocks."""

    text: str
    blocks: list[dict[str, Any]]


@dataclass(frozen=True)
class UpdateEntry:
    code: str
    kind: UpdateKind
    text: str
    author: str
    link: str | None
    created_at: datetime


@dataclass(frozen=True)
class ResolutionUpdates:
    label: str
    title: str
    updates: tuple[UpdateEntry, ...]


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
class StaleEntry:
    """An open item and its latest standing update (None: none and no import on record)."""

    code: str
    action: str
    last: datetime | None


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
    """What a digest says, as plain data; times are aware UTC datetimes."""

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
    past_due: list[DueEntry] = field(default_factory=list)
    stale: list[StaleEntry] = field(default_factory=list)
    meetings: list[MeetingEntry] = field(default_factory=list)
    deadlines: list[MeetingEntry] = field(default_factory=list)
    progress: Progress = field(default_factory=lambda: Progress(0, 0, 0, 0))

    @property
    def update_count(self) -> int:
        return sum(len(group.updates) for group in self.updates)

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
    items = _active_items(session)
    digest.updates, completed_ids = _updates(session, start, end)
    digest.completed = [
        ItemEntry(item.code, item.action)
        for item in items
        if item.id in completed_ids and item.completed
    ]
    open_items = [item for item in items if not item.completed]
    today = end.astimezone(tz).date()
    schedule = _schedule(session, tz)
    digest.due_soon, digest.past_due = _due(open_items, schedule, today, soon_days)
    digest.stale = _stale(session, open_items, digest.stale_since)
    digest.meetings = [_meeting(m, tz) for m in queries.upcoming(session, end, until=until)]
    digest.deadlines = [_meeting(m, tz) for m in queries.deadlines(session, end, until=until)]
    digest.progress = Progress(
        total=len(items),
        completed=sum(item.completed for item in items),
        periodic=sum(item.periodic for item in items),
        completed_in_period=len(digest.completed),
    )
    return digest


def _active_items(session: Session) -> list[_Item]:
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
        .where(ActionItem.appendix == "", ActionItem.edition == current_edition(session))
        .order_by(Resolution.position, ActionItem.position, ActionItem.id)
    )
    return [_Item(*row) for row in rows]


def _updates(
    session: Session, start: datetime, end: datetime
) -> tuple[list[ResolutionUpdates], set[int]]:
    """The period's standing updates by Resolution, and the items they completed."""
    rows = session.execute(
        select(
            ActionItem.resolution_id,
            ActionItem.id,
            ActionItem.code,
            StatusUpdate,
        )
        .join(ActionItem, StatusUpdate.item_id == ActionItem.id)
        .join(Resolution, ActionItem.resolution_id == Resolution.id)
        .where(
            StatusUpdate.created_at > start,
            StatusUpdate.created_at <= end,
            StatusUpdate.retracted_at.is_(None),
            StatusUpdate.source != UpdateSource.IMPORT,
            StatusUpdate.kind != UpdateKind.EDIT,
            ActionItem.appendix == "",
            ActionItem.edition == current_edition(session),
        )
        .order_by(
            Resolution.position, ActionItem.position, StatusUpdate.created_at, StatusUpdate.id
        )
        .options(selectinload(StatusUpdate.message))  # the words of each message, once
    )
    taken_back = _taken_back_earlier(session, start, end)
    groups: dict[int, list[UpdateEntry]] = {}
    completed: set[int] = set()
    for resolution_id, item_id, code, update in rows:
        kind, created_at = update.kind, update.created_at
        if kind in TAKE_BACKS and (item_id, update.message_id, created_at) not in taken_back:
            continue
        if kind == UpdateKind.COMPLETED:
            completed.add(item_id)
        entry = UpdateEntry(code, kind, update.words, update.author, update.link, created_at)
        groups.setdefault(resolution_id, []).append(entry)
    resolutions = session.scalars(select(Resolution).where(Resolution.id.in_(groups)))
    by_id = {resolution.id: resolution for resolution in resolutions}
    found = [
        ResolutionUpdates(by_id[key].label, by_id[key].title, tuple(entries))
        for key, entries in groups.items()
    ]
    return found, completed


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
    """Items due within ``soon_days`` (soonest first) and past due (latest first)."""
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
    past.sort(key=lambda entry: entry.day, reverse=True)
    return soon, past


def _due_entry(item: _Item, due: DueDate) -> DueEntry:
    meeting = due.meeting.name if due.meeting is not None else ""
    return DueEntry(item.code, item.action, due.day, due.term.text, meeting, due.estimated)


def _stale(session: Session, items: Sequence[_Item], since: datetime) -> list[StaleEntry]:
    """Open items with no standing update since ``since``, longest silent first.

    Any update counts, an import's included, but not the entry that records
    an undo, an edit or a deletion: taking an update back is no news of the
    item. An item nobody has updated counts from the first import of the plan
    (the import writes no history for the items it creates).
    """
    rows = session.execute(
        select(StatusUpdate.item_id, func.max(StatusUpdate.created_at))
        .where(StatusUpdate.retracted_at.is_(None), StatusUpdate.kind.not_in(RETRACTIONS))
        .group_by(StatusUpdate.item_id)
    )
    latest = {item_id: moment for item_id, moment in rows}
    first_import = session.scalar(select(func.min(ImportRun.created_at)))
    found = []
    for item in items:
        last = latest.get(item.id, first_import)
        if last is None or last < since:
            found.append(StaleEntry(item.code, item.action, last))
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
    renderer: Renderer, digest: Digest, *, limit: int = LIST_LIMIT
) -> list[DigestMessage]:
    """The digest as Slack messages, split so that every one respects Slack's limits.

    Sections stay whole when they fit in one message; a longer one continues
    in the next message under the same title. ``limit`` caps the lists of due,
    past-due and silent items, which the whole plan can fill.
    """
    parts = pack(sections(digest, limit))
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


def sections(digest: Digest, limit: int = LIST_LIMIT) -> list[Section]:
    """The digest's sections in reading order, empty ones left out."""
    tz = digest.tz
    ahead = _next_days(digest.ahead_days)
    found = [
        _updates_section(digest),
        Section(
            f"*Completed {_last_days(digest.days)}* ({len(digest.completed)})",
            [completed_line(entry) for entry in digest.completed],
        ),
        _capped(
            f"*Due {_next_days(digest.soon_days)}*",
            digest.due_soon,
            lambda entry: due_line(entry, "due"),
            limit,
        ),
        _capped("*Past due*", digest.past_due, lambda entry: due_line(entry, "was due"), limit),
        _capped(
            f"*No update since {_long_date(digest.stale_since, tz)}*",
            digest.stale,
            lambda entry: stale_line(entry, tz),
            limit,
        ),
        Section(
            f"*Meetings {ahead}* ({len(digest.meetings)})",
            [meeting_line(entry, tz) for entry in digest.meetings],
        ),
        Section(
            f"*Contribution deadlines {ahead}* ({len(digest.deadlines)})",
            [deadline_line(entry, tz) for entry in digest.deadlines],
        ),
        Section("*Progress*", progress_lines(digest.progress, digest.days)),
    ]
    return [section for section in found if section.lines]


def _updates_section(digest: Digest) -> Section:
    if digest.quiet:
        return Section("", ["_A quiet week: no updates were recorded._"])
    lines = []
    for group in digest.updates:
        title = mrkdwn(" – {}", one_line(group.title, 80)) if group.title else ""
        lines.append(mrkdwn("*{}*{}", group.label, title))
        lines += [update_line(entry, digest.tz) for entry in group.updates]
    return Section(f"*Updates {_last_days(digest.days)}* ({digest.update_count})", lines)


def _capped(title: str, entries: Sequence[T], line: Callable[[T], Mrkdwn], limit: int) -> Section:
    shown = [line(entry) for entry in entries[:limit]]
    if len(entries) > limit:
        shown.append(Mrkdwn(f"… and {len(entries) - limit} more"))
    return Section(f"{title} ({len(entries)})", shown)


def update_line(entry: UpdateEntry, tz: ZoneInfo) -> Mrkdwn:
    """``• `50-18` *completed* by Ana 13 Nov 2026: text <permalink|message>``."""
    what = KIND_WORDS.get(entry.kind, entry.kind)
    who = one_line(entry.author or "someone", 80)
    line = mrkdwn("• `{}` *{}* by {} {}", entry.code, what, who, _short_date(entry.created_at, tz))
    text = one_line(entry.text, 200)
    if text:
        line += mrkdwn(": {}", text)
    if entry.link and len(entry.link) <= MAX_LINK:
        line += mrkdwn(" {}", live_link(entry.link, "message"))
    return line


def completed_line(entry: ItemEntry) -> Mrkdwn:
    return mrkdwn("• :white_check_mark: `{}` {}", entry.code, one_line(entry.action, 110))


def due_line(entry: DueEntry, verb: str) -> Mrkdwn:
    return mrkdwn(
        "• `{}` {} — {} *{}* ({})",
        entry.code,
        one_line(entry.action, 90),
        verb,
        _long_date(entry.day),
        _resolved(entry),
    )


def _resolved(entry: DueEntry) -> Mrkdwn:
    """What the milestone was read as: ``TSAG2023 → TSAG meeting``, ``TSAG2026, estimated``."""
    term = one_line(entry.term, 60)
    if entry.meeting:
        return mrkdwn("{} → {}", term, one_line(entry.meeting, 60))
    if entry.estimated:
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
        f"{progress.completed} of {progress.total} active items completed "
        f"({progress.percent}%) `{bar}`",
        f"{progress.periodic} with periodic goals met · "
        f"{progress.completed_in_period} completed {_last_days(days)}",
    ]


def _summary(digest: Digest) -> str:
    """The notification text: the figures of each section."""
    counts = [
        (digest.update_count, "update", "updates"),
        (len(digest.completed), "completed", "completed"),
        (len(digest.due_soon), "due soon", "due soon"),
        (len(digest.past_due), "past due", "past due"),
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
