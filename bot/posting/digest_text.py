"""The weekly digest in words: its sections, its lines, and its split into Slack messages.

:func:`render_digest` shows the 30 most recently changed items in full (grouped by
Resolution, the others counted with a pointer to ``/action changed this week``),
caps every other list, and packs the lines into at most :data:`MAX_MESSAGES`
messages, each within Slack's limits. Every text from a document or a person goes
through :mod:`bot.render`'s escaping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bot.meetings.display import (
    clock_text,
    day_text,
    deadline_text,
    kind_label,
    slack_time,
    zone_label,
)
from bot.plan.documents import linked
from bot.posting.digest import (
    Digest,
    DueEntry,
    ItemChange,
    ItemEntry,
    MeetingEntry,
    MilestoneDue,
    Progress,
    ResolutionUpdates,
    StaleEntry,
)
from bot.posting.rounds.service import RoundProgress
from bot.render import (
    CHUNK,
    MAX_BLOCKS,
    MAX_TEXT,
    PLAIN_DOCUMENTS,
    DocumentLinks,
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


@dataclass(frozen=True)
class DigestMessage:
    """One Slack message of a digest: the notification text and the blocks."""

    text: str
    blocks: list[dict[str, Any]]


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
    keep a real week within two or three messages; should very long lines need
    more, the caps are halved until it fits (each list then says how many it left out).
    """
    parts = pack(sections(digest, limit, updates_shown, renderer.links))
    while len(parts) > MAX_MESSAGES and (limit or updates_shown):
        limit, updates_shown = limit // 2, updates_shown // 2
        parts = pack(sections(digest, limit, updates_shown, renderer.links))
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
    digest: Digest,
    limit: int = LIST_LIMIT,
    updates_shown: int = UPDATES_SHOWN,
    links: DocumentLinks = PLAIN_DOCUMENTS,
) -> list[Section]:
    """The digest's sections in reading order, empty ones left out."""
    tz = digest.tz
    ahead = _next_days(digest.ahead_days)
    found = [
        _updates_section(digest, updates_shown, links),
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
        Section("*Reporting round*", [round_line(found, tz) for found in digest.rounds]),
        Section("*Progress*", progress_lines(digest.progress, digest.days)),
    ]
    return [section for section in found if section.lines]


def round_line(found: RoundProgress, tz: ZoneInfo) -> Mrkdwn:
    """``TSAG meeting: 12 of 40 items reported; still to report: SG17, TSB; answers due …``"""
    line = mrkdwn(
        "{}: {} of {} reported",
        one_line(found.meeting, 100),
        found.reported,
        count(found.total, "item"),
    )
    missing = list(found.unreported_bodies())
    if missing:
        line = mrkdwn("{}; still to report: {}", line, one_line(", ".join(missing), 500))
    return mrkdwn("{}; answers due {}", line, deadline_text(found.deadline, tz))


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


def _updates_section(digest: Digest, shown: int, links: DocumentLinks) -> Section:
    if digest.quiet:
        return Section("", ["_A quiet week: nothing changed in the action plan._"])
    lines: list[str] = []
    for group in most_recent(digest, shown):
        title = mrkdwn(" – {}", one_line(group.title, 80)) if group.title else ""
        lines.append(mrkdwn("*{}*{}", group.label, title))
        lines += [update_line(change, digest.tz, links) for change in group.items]
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
    days = round((digest.end - digest.stale_since).total_seconds() / 86400)
    title = f"*No update in {count(days, 'day')}*"  # the one date is each line's own
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


def update_line(change: ItemChange, tz: ZoneInfo, links: DocumentLinks = PLAIN_DOCUMENTS) -> Mrkdwn:
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
        line += mrkdwn(": {}", linked(links, text))
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
        f"{progress.periodic} open with periodic goals met · "
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
