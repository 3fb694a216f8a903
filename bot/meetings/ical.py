"""The meeting schedule as an iCalendar feed (RFC 5545) that calendar apps subscribe to.

Written by hand so the bot needs no calendar library at run time. Timed events
are written in the feed's zone (``DTSTART;TZID=Europe/Zurich:...``) with a
VTIMEZONE derived from :mod:`zoneinfo` itself, so subscribers whose app trusts
the VTIMEZONE over its own zone database (Outlook does) still land on the same
UTC instant as the bot. All-day meetings are written as dates in the zone the
meeting was entered in. Output is deterministic for the same input.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.meetings.model import MeetingKind
from bot.meetings.when import TimeError, zone_named

if TYPE_CHECKING:
    from bot.store.models import Meeting

PRODID = "-//tsagbot//Meeting schedule//EN"
REFRESH = "PT1H"
LINE_OCTETS = 75

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all but tab and newline
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # all but tab
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_URI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"
_SCAN_STEP = timedelta(days=1)


def calendar_feed(
    meetings: Iterable[Meeting],
    *,
    tz: ZoneInfo,
    now: datetime,
    name: str = "TSAG and WTSA meetings",
    domain: str = "tsagbot",
) -> bytes:
    """The schedule as a ``text/calendar`` body (UTF-8, CRLF line endings, folded lines).

    Each meeting is one VEVENT; a contribution deadline is a second VEVENT of
    its own. ``now`` is written as every event's DTSTAMP.
    """
    stamp = _utc(now)
    events: list[_Event] = []
    for meeting in meetings:
        events.append(_meeting_event(meeting, tz=tz, stamp=stamp, domain=domain))
        if meeting.deadline is not None:
            events.append(_deadline_event(meeting, tz=tz, stamp=stamp, domain=domain))
    events.sort(key=lambda event: (event.start, event.uid))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(name)}",
        f"X-WR-TIMEZONE:{_text(tz.key)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    moments = [moment for event in events for moment in event.zoned]
    lines += vtimezone(tz, min(moments, default=stamp), max(moments, default=stamp))
    for event in events:
        lines += event.lines
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


# Content lines


def fold(line: str) -> bytes:
    """One content line as octets: folded every 75 octets, each physical line ending in CRLF.

    A continuation line starts with a space, which counts towards its 75
    octets; a fold never falls inside a multi-byte UTF-8 character.
    """
    data = line.encode("utf-8")
    parts: list[bytes] = []
    start, limit = 0, LINE_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, LINE_OCTETS - 1
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def _text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, newlines as ``\\n``."""
    value = _TEXT_CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def _param(value: str) -> str:
    """A parameter value, quoted when it holds a character that would end the parameter."""
    value = _CONTROL.sub("", value).replace('"', "")
    return f'"{value}"' if any(char in value for char in ":;,") else value


def _uri(link: str) -> str | None:
    """``link`` as a URI value (non-ASCII percent-encoded), or None if it is not a URI."""
    link = link.strip()
    if not _URI.match(link) or _CONTROL.search(link):
        return None
    return quote(link, safe=_URI_SAFE)


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive value is taken to be UTC already, as the store keeps it."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _utc_stamp(moment: datetime) -> str:
    return f"{_utc(moment):%Y%m%dT%H%M%S}Z"


def _date_time(prop: str, moment: datetime, tz: ZoneInfo) -> str:
    """A DATE-TIME property in ``tz``, or in UTC when the local time would be ambiguous.

    A local time that happens twice (the autumn change) means its first
    occurrence (RFC 5545 3.3.5), so an instant in the repeated hour's second
    pass can only be written in UTC.
    """
    moment = _utc(moment)
    local = moment.astimezone(tz).replace(fold=0)
    if local.astimezone(UTC) != moment:
        return f"{prop}:{_utc_stamp(moment)}"
    return f"{prop};TZID={_param(tz.key)}:{local:%Y%m%dT%H%M%S}"


def _local_text(moment: datetime, tz: ZoneInfo) -> str:
    """``3 February 2025, 23:59 (Europe/Zurich)``, without depending on the locale."""
    local = _utc(moment).astimezone(tz)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}, {local:%H:%M} ({tz.key})"


# Events


@dataclass
class _Event:
    start: datetime
    uid: str
    lines: list[str]
    zoned: list[datetime] = field(default_factory=list)  # instants written with TZID


def _meeting_event(meeting: Meeting, *, tz: ZoneInfo, stamp: datetime, domain: str) -> _Event:
    uid = f"{meeting.uid}@{domain}"
    lines = ["BEGIN:VEVENT", *_identity(uid, meeting, stamp)]
    zoned: list[datetime] = []
    if meeting.all_day:
        lines += _all_day_dates(meeting, tz)
    else:
        start, end = _utc(meeting.start), _utc(meeting.end)
        lines.append(_date_time("DTSTART", start, tz))
        zoned.append(start)
        if end > start:  # DTEND must be later; no DTEND is a zero-length event
            lines.append(_date_time("DTEND", end, tz))
            zoned.append(end)
    lines.append(f"SUMMARY:{_text(meeting.name)}")
    location = _location(meeting)
    if location:
        lines.append(f"LOCATION:{_text(location)}")
    lines += _url(meeting.link)
    lines.append(f"CATEGORIES:{_text(_kind_label(meeting.kind))}")
    lines.append(f"DESCRIPTION:{_text(_description(meeting, tz))}")
    lines.append("END:VEVENT")
    return _Event(_utc(meeting.start), uid, lines, zoned)


def _deadline_event(meeting: Meeting, *, tz: ZoneInfo, stamp: datetime, domain: str) -> _Event:
    """The contribution deadline as a zero-length event at the deadline instant.

    It has a DTSTART and no DTEND, which RFC 5545 3.6.1 defines as ending when it
    starts (a DTEND equal to DTSTART is not allowed). Apps show it as a marker at
    the deadline's time, converted to each reader's zone, and it does not block
    their free/busy time (TRANSP:TRANSPARENT). An all-day event would lose the
    time of day and could fall on the wrong date for readers in other zones.
    """
    assert meeting.deadline is not None
    deadline = _utc(meeting.deadline)
    uid = f"{meeting.uid}-deadline@{domain}"
    summary = f"Contribution deadline: {meeting.name}"
    description = [f"Contributions to {meeting.name} are due by {_local_text(deadline, tz)}."]
    description.append(f"The meeting starts {_local_text(meeting.start, tz)}.")
    if meeting.source:
        description.append(f"Source: {meeting.source}")
    lines = [
        "BEGIN:VEVENT",
        *_identity(uid, meeting, stamp),
        _date_time("DTSTART", deadline, tz),
        f"SUMMARY:{_text(summary)}",
        "TRANSP:TRANSPARENT",
        *_url(meeting.link),
        "CATEGORIES:Contribution deadline",
        f"DESCRIPTION:{_text(chr(10).join(description))}",
        "END:VEVENT",
    ]
    return _Event(deadline, uid, lines, [deadline])


def _identity(uid: str, meeting: Meeting, stamp: datetime) -> list[str]:
    return [
        f"UID:{_text(uid)}",
        f"DTSTAMP:{_utc_stamp(stamp)}",
        f"CREATED:{_utc_stamp(meeting.created_at)}",
        f"LAST-MODIFIED:{_utc_stamp(meeting.updated_at)}",
    ]


def _all_day_dates(meeting: Meeting, tz: ZoneInfo) -> list[str]:
    """DATE values in the meeting's own zone, whose midnights its start and end are.

    The end is exclusive: the local date of the end, or the day after when the
    end is not at midnight; an end not after the start makes a one-day event.
    """
    try:
        zone = zone_named(meeting.timezone)
    except TimeError:
        zone = tz
    start = _utc(meeting.start).astimezone(zone)
    end = _utc(meeting.end).astimezone(zone)
    last = end.date() if end.time() == datetime.min.time() else end.date() + timedelta(days=1)
    last = max(last, start.date() + timedelta(days=1))
    return [f"DTSTART;VALUE=DATE:{start:%Y%m%d}", f"DTEND;VALUE=DATE:{last:%Y%m%d}"]


def _location(meeting: Meeting) -> str:
    """The place; for a meeting with no place that is not physical, its link."""
    if meeting.place.strip():
        return meeting.place.strip()
    if meeting.mode != "physical":
        return meeting.link.strip()
    return ""


def _url(link: str) -> list[str]:
    uri = _uri(link)
    return [f"URL:{uri}"] if uri else []


def _kind_label(kind: str) -> str:
    try:
        return MeetingKind(kind).label
    except ValueError:
        return kind


def _description(meeting: Meeting, tz: ZoneInfo) -> str:
    lines: list[str] = []
    if meeting.mode:
        lines.append(f"Mode: {meeting.mode}")
    if meeting.link:
        lines.append(f"Link: {meeting.link}")
    if meeting.deadline is not None:
        lines.append(f"Contribution deadline: {_local_text(meeting.deadline, tz)}")
    if meeting.documents:
        lines.append(f"Documents: {', '.join(meeting.documents)}")
    if meeting.agenda:
        lines.append("Agenda:")
        lines += [
            _agenda_line(number, item.title, item.documents)
            for number, item in enumerate(meeting.agenda, start=1)
        ]
    if meeting.source:
        lines.append(f"Source: {meeting.source}")
    return "\n".join(lines)


def _agenda_line(number: int, title: str, documents: list[str]) -> str:
    suffix = f" ({', '.join(documents)})" if documents else ""
    return f"{number}. {title}{suffix}"


# Time zone


@dataclass(frozen=True)
class _State:
    """What a zone says at an instant; a change of any of these is a transition."""

    offset: timedelta
    dst: timedelta
    name: str


@dataclass(frozen=True)
class _Transition:
    at: datetime  # the first UTC instant of the new state
    before: _State
    after: _State

    @property
    def onset(self) -> datetime:
        """The naive local time of the change, on the clock before it (VTIMEZONE's DTSTART)."""
        return (self.at + self.before.offset).replace(tzinfo=None)


@dataclass
class _Observance:
    """A STANDARD or DAYLIGHT component: one transition, or a yearly run of alike ones."""

    before: _State
    after: _State
    onsets: list[_Transition]


def vtimezone(tz: ZoneInfo, first: datetime, last: datetime) -> list[str]:
    """A VTIMEZONE for ``tz``, correct for every instant from ``first`` to ``last``.

    It covers whole local years, from the year before ``first`` so that the
    observance in force at ``first`` has a real onset. Transitions that recur
    on the same weekday rule each year (the EU's last Sunday of March) become
    one component with an RRULE; irregular ones get a component each.
    """
    first = _utc(first)
    transitions = _transitions_around(tz, first.astimezone(tz).year, _utc(last).astimezone(tz).year)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{_text(tz.key)}"]
    if not transitions or transitions[0].at > first:
        lines += _observance_lines(_baseline(tz, first))
    for observance in _observances(transitions):
        lines += _observance_lines(observance)
    lines.append("END:VTIMEZONE")
    return lines


@lru_cache(maxsize=32)
def _transitions_around(tz: ZoneInfo, first_year: int, last_year: int) -> tuple[_Transition, ...]:
    """The transitions from the local new year before ``first_year`` to the one after ``last_year``.

    Cached: the feed is served again and again for the same span of years.
    """
    start = datetime(first_year - 1, 1, 1, tzinfo=tz).astimezone(UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=tz).astimezone(UTC)
    return tuple(_transitions(tz, start, end))


def _baseline(tz: ZoneInfo, first: datetime) -> _Observance:
    """The observance in force at ``first`` when no transition precedes it in the scan.

    Its onset is the local new year before ``first``'s; nothing in the feed is earlier.
    """
    start = datetime(first.astimezone(tz).year - 1, 1, 1, tzinfo=tz).astimezone(UTC)
    state = _state(tz, start)
    return _Observance(state, state, [_Transition(start, state, state)])


def _state(tz: ZoneInfo, moment: datetime) -> _State:
    local = moment.astimezone(tz)
    offset, dst = local.utcoffset(), local.dst()
    assert offset is not None
    return _State(offset, dst or timedelta(0), local.tzname() or tz.key)


def _transitions(tz: ZoneInfo, start: datetime, end: datetime) -> list[_Transition]:
    """Every change of the zone's state between two UTC instants.

    The zone is sampled day by day, and each day that ends in another state
    is bisected to the second the change happens.
    """
    found: list[_Transition] = []
    here, state = start, _state(tz, start)
    while here < end:
        there = min(here + _SCAN_STEP, end)
        if _state(tz, there) == state:
            here = there
            continue
        at = _bisect(tz, here, there, state)
        found.append(_Transition(at, state, _state(tz, at)))
        here, state = at, found[-1].after
    return found


def _bisect(tz: ZoneInfo, low: datetime, high: datetime, state: _State) -> datetime:
    """The first whole second after ``low`` (in ``state``) where the zone is not in ``state``."""
    low_second, high_second = int(low.timestamp()), int(high.timestamp())
    while high_second - low_second > 1:
        middle = (low_second + high_second) // 2
        if _state(tz, datetime.fromtimestamp(middle, UTC)) == state:
            low_second = middle
        else:
            high_second = middle
    return datetime.fromtimestamp(high_second, UTC)


def _observances(transitions: Iterable[_Transition]) -> list[_Observance]:
    """Transitions grouped into runs that one yearly RRULE reproduces exactly.

    A transition joins a run when it has the same states, month, weekday rule
    and local time as the run's last one, one year later; every transition
    stays an onset of exactly one component, so the VTIMEZONE says what the
    zone says.
    """
    runs: list[_Observance] = []
    open_runs: dict[tuple[object, ...], _Observance] = {}
    for transition in transitions:
        key = (
            transition.before,
            transition.after,
            _yearly_rule(transition.onset),
            transition.onset.time(),
        )
        run = open_runs.get(key)
        if run is not None and run.onsets[-1].onset.year == transition.onset.year - 1:
            run.onsets.append(transition)
            continue
        run = _Observance(transition.before, transition.after, [transition])
        open_runs[key] = run
        runs.append(run)
    return runs


def _yearly_rule(onset: datetime) -> str:
    """``BYMONTH=3;BYDAY=-1SU``: the weekday of the month the onset falls on.

    The last seven days of a month are written as the last such weekday (-1),
    which is how zones phrase their rules; other days as the first to fourth.
    """
    days = calendar.monthrange(onset.year, onset.month)[1]
    week = -1 if onset.day > days - 7 else (onset.day - 1) // 7 + 1
    return f"BYMONTH={onset.month};BYDAY={week}{_WEEKDAYS[onset.weekday()]}"


def _observance_lines(observance: _Observance) -> Iterator[str]:
    kind = "DAYLIGHT" if _puts_clocks_forward(observance) else "STANDARD"
    first, last = observance.onsets[0], observance.onsets[-1]
    yield f"BEGIN:{kind}"
    yield f"DTSTART:{first.onset:%Y%m%dT%H%M%S}"
    if len(observance.onsets) > 1:
        # UNTIL is UTC as RFC 5545 requires; a day's margin keeps the last onset
        # for readers that compare it with local times (dateutil does), and the
        # next yearly occurrence is months away.
        until = _utc_stamp(last.at + timedelta(days=1))
        yield f"RRULE:FREQ=YEARLY;{_yearly_rule(first.onset)};UNTIL={until}"
    yield f"TZOFFSETFROM:{_offset(observance.before.offset)}"
    yield f"TZOFFSETTO:{_offset(observance.after.offset)}"
    yield f"TZNAME:{_text(observance.after.name)}"
    yield f"END:{kind}"


def _puts_clocks_forward(observance: _Observance) -> bool:
    """Whether an observance is written as DAYLIGHT: its onset puts the clocks forward.

    Calendar apps (and dateutil) take daylight saving to add to standard time,
    so zones whose data has negative daylight saving (Europe/Dublin's winter
    GMT, Africa/Casablanca's Ramadan +00) are written the way they expect, the
    forward change being DAYLIGHT. A change that keeps the offset (only the
    name or the flag changes) follows the zone's flag.
    """
    if observance.after.offset != observance.before.offset:
        return observance.after.offset > observance.before.offset
    return observance.after.dst > timedelta(0)


def _offset(offset: timedelta) -> str:
    """``+0100``, ``-0330``, or ``+003408`` when the offset has seconds."""
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")
