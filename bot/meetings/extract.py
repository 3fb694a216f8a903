"""Find meetings in ITU meeting documents (reports, liaisons, agendas).

:func:`find_meetings` reads the blocks of a document (see
:mod:`bot.documents.blocks`) and returns the meetings it announces or reports,
each with the sentence or table row it came from.

The reading is deliberately conservative: a wrong meeting in the schedule is
worse than a missed one, which a person can add by hand. A sentence gives a
meeting only when it has

* a full date (``8 January 2021``, ``Friday 8 January 2021`` with the right
  weekday, ``29 July – 2 August 2024``, ``26-28 of March 2024``), not a date
  after ``by``, ``before``, ``until``, ``deadline``...;
* a meeting word (meeting, e-meeting, call, session, plenary, assembly, WTSA,
  TSAG, IRM, workshop...);
* words saying the meeting takes place then: ``will take place``, ``is
  planned``, ``scheduled``, ``held on``, ``convened``, ``meeting on DATE``,
  ``the DATE meeting``, or a parenthesis ``(virtual, DATE, TIME)`` /
  ``(Geneva, DATE)``. Meetings of bodies the bot does not track (kind
  ``other``: study groups, workshops, forums) need an announcement of the
  future (``will take place``, ``planned``, ``scheduled``): reports of past
  events elsewhere are context, not schedule.

A paragraph that is only a parenthesis, such as ``(Geneva, 1 August 2024)``
under a title, is read with the title above it. A table whose header names a
date column (``Date, Time (Geneva time) | Objectives | Contribution
Deadline``) is a schedule: each row is a meeting, named after the heading above
the table. A sentence announcing a series over a period (``weekly ... calls in
the time period 18 January – 19 February 2021``) followed by lines ``Every
Tuesday, 12:30-15:30 hours CET, on matters of COMMITTEE 3`` gives one meeting
per matching day of the period.

Times are ranges (``12:30-15:30``, ``1300-1600 hours``, ``13:00 – 15:00``) or a
single ``at 15:00`` (a meeting that ends when it starts: the end is unknown);
zones are the words :func:`bot.meetings.when.zone_named` knows (``CET``,
``CEST``, ``Geneva time``, ``UTC``). Without a time a meeting lasts whole days.
A contribution deadline given as a day ends at 23:59 that day in the meeting's
zone.

The same meeting named in several sentences of one document (same kind and
series, same local day, overlapping or unknown times) is reported once: from
the mention with a time and the most details, with the documents of all
mentions and the name most mentions give it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from bot.documents.blocks import Block, Paragraph, Table
from bot.documents.text_export import strip_bookmarks
from bot.meetings.model import AgendaEntry, MeetingDraft, MeetingKind, Mode, tidy
from bot.meetings.when import (
    GENEVA,
    MONTHS,
    WEEKDAYS,
    TimeError,
    local_date,
    local_datetime,
    parse_date,
    parse_time,
    whole_days,
    zone_named,
)
from bot.plan.updates.parse import extract_documents


@dataclass(frozen=True)
class Found:
    """A meeting found in a document, with where and from what it was read."""

    draft: MeetingDraft
    where: str  # "line 15" or "table 2, row 3" (1-based)
    evidence: str  # the sentence or row it came from: one line, at most 300 characters


EVIDENCE_LIMIT = 300
DEADLINE_TIME = time(23, 59)

# --------------------------------------------------------------------------- words

_WEEKDAY = (
    r"(?:monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri"
    r"|saturday|sat|sunday|sun)"
)
_MONTH = (
    r"(?:january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug"
    r"|september|sept|sep|october|oct|november|nov|december|dec)"
)
_YEAR = r"(?:19|20)\d{2}(?!\d)"
_ORD = r"(?:st|nd|rd|th)?"
_DASH = r"\s*(?:[-‐‒–—]|\bto\b|\buntil\b|\btill\b|\bthrough\b)\s*"
_LEFT = r"(?<![\w.:/])"  # a number that does not continue a word, time or reference

_RANGE = re.compile(
    rf"{_LEFT}(?:(?P<wd1>{_WEEKDAY})\.?,?\s+)?(?P<d1>\d{{1,2}}){_ORD}"
    rf"(?:\s+(?:of\s+)?(?P<m1>{_MONTH})\b\.?(?:,?\s+(?P<y1>{_YEAR}))?)?"
    rf"{_DASH}(?:(?P<wd2>{_WEEKDAY})\.?,?\s+)?(?:the\s+)?(?P<d2>\d{{1,2}}){_ORD}"
    rf"\s+(?:of\s+)?(?P<m2>{_MONTH})\b\.?,?\s+(?P<y2>{_YEAR})",
    re.IGNORECASE,
)
_SINGLE = re.compile(
    rf"{_LEFT}(?:(?P<wd2>{_WEEKDAY})\.?,?\s+(?:the\s+)?)?(?P<d2>\d{{1,2}}){_ORD}"
    rf"\s+(?:of\s+)?(?P<m2>{_MONTH})\b\.?,?\s+(?P<y2>{_YEAR})",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    rf"{_LEFT}(?:(?P<wd2>{_WEEKDAY})\.?,?\s+)?(?P<m2>{_MONTH})\b\.?\s+"
    rf"(?:(?P<d1>\d{{1,2}}){_ORD}{_DASH})?(?P<d2>\d{{1,2}}){_ORD},\s*(?P<y2>{_YEAR})",
    re.IGNORECASE,
)
_QUICK_YEAR = re.compile(_YEAR)
_QUICK_MONTH = re.compile(rf"\b{_MONTH}\b", re.IGNORECASE)

_CLOCK = r"(?:[01]?\d|2[0-4])(?:[:.h][0-5]\d|[0-5]\d)"
_HOURS = r"(?:\s*(?:hours|hour|hrs|hr|h)\b)"
_TIME_RANGE = re.compile(
    rf"{_LEFT}(?P<a>{_CLOCK})(?!\d){_HOURS}?\s*(?:[-‐‒–—]|\bto\b|\buntil\b|\btill\b)\s*"
    rf"(?P<b>{_CLOCK})(?![\d:])(?P<hours>{_HOURS})?",
    re.IGNORECASE,
)
_TIME_AT = re.compile(rf"\bat\s+(?P<a>{_CLOCK})(?![\d:])(?P<hours>{_HOURS})?", re.IGNORECASE)
_ZONE_WORDS = r"(?:Geneva\s+time|Geneva|Central\s+European(?:\s+Summer)?\s+Time|CEST|CET|UTC|GMT)"
_ZONE_AFTER = re.compile(rf"\s*,?\s*\(?\s*(?P<zone>{_ZONE_WORDS})\b")
_ZONE_ANYWHERE = re.compile(rf"\b{_ZONE_WORDS}\b")

_MEETING_WORD = re.compile(
    r"\b(?:e-)?meetings?\b|\bcalls?\b|\bsessions?\b|\bplenar(?:y|ies)\b|\bassembly\b"
    r"|\bworkshops?\b|\bsymposi(?:um|a)\b|\bforums?\b|\bwebinars?\b|\bsummits?\b"
    r"|\bconferences?\b|\b(?:WTSA|TSAG|IRM)\b",
    re.IGNORECASE,
)
_FUTURE_CUE = re.compile(
    r"\bwill\s+(?:take\s+place|be\s+(?:held|convened|organi[sz]ed|hosted)|convene|meet)\b"
    r"|\b(?:planned|scheduled|foreseen)\b|\bto\s+be\s+(?:held|convened)\b",
    re.IGNORECASE,
)
_PAST_CUE = re.compile(r"\b(?:took\s+place|takes?\s+place|held|convened)\b", re.IGNORECASE)
_MEETING_ON = re.compile(
    r"\b(?:(?:e-)?meetings?|calls?|sessions?|plenary|IRM)\s+(?:on|of|held\s+on)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_DATE_MEETING = re.compile(
    r"^\s+(?:[\w-]+\s+){0,2}?(?:(?:e-)?meeting|call|session|plenary)s?\b", re.IGNORECASE
)
_PAREN_HEAD = re.compile(
    r"\(\s*(?P<head>[^(),;]{1,40}(?:,\s*[^(),;\d]{1,40})?),\s*(?:from\s+|the\s+)?$"
)
_NOT_A_MEETING_DAY = re.compile(
    r"\b(?:by|before|until|till|since|as\s+of|dated|(?:no|not)\s+later\s+than|due(?:\s+on)?"
    r"|deadline(?:\s+(?:is|of|on))?:?)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_DEADLINE_BEFORE = re.compile(r"\b(?:deadline|due)\b[^.;]{0,40}$", re.IGNORECASE)

_KINDS = (
    (MeetingKind.IRM, re.compile(r"(?i:\binter[-‐‑ ]?regional\b)|\bIRM\b")),
    (MeetingKind.RAPPORTEUR_GROUP, re.compile(r"(?i:\brapporteur\s+groups?\b)|\bRG-[A-Z]")),
    (MeetingKind.WORKING_PARTY, re.compile(r"(?i:\bworking\s+part(?:y|ies)\b)|\bWP\s?\d")),
    (MeetingKind.REGIONAL, re.compile(r"(?i:\b(?:regional\s+)?preparatory\s+meetings?\b)")),
    (MeetingKind.TSAG, re.compile(r"\bTSAG\b")),
    (MeetingKind.WTSA, re.compile(r"\bWTSA\b|(?i:\bassembly\b)")),
)
_MODES = (
    (Mode.HYBRID, re.compile(r"\bhybrid\b", re.IGNORECASE)),
    (
        Mode.VIRTUAL,
        re.compile(r"\bvirtual(?:ly)?\b|\be-meetings?\b|\bonline\b|\bremote(?:ly)?\b", re.I),
    ),
    (Mode.PHYSICAL, re.compile(r"\bphysical(?:ly)?\b|\bin[- ]person\b|\bface-to-face\b", re.I)),
)

_EDITION = re.compile(r"\bWTSA-\d{2}\b")
_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_ORDINAL_NAMES = {number: word.capitalize() for word, number in _ORDINAL_WORDS.items()}
_IRM_ORDINAL = re.compile(
    r"\b(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))"
    r"(?:\s+and\s+(?:final|last))?\s+(?:[\w-]+\s+){0,3}?(?:inter[-‐‑ ]?regional|IRM)\b",
    re.IGNORECASE,
)
_WORKING_PARTY = re.compile(
    r"\bWorking\s+Party\s+(?P<n>\d+)(?:\s*/\s*(?P<of>TSAG|SG\s?\d+))?"
    r"|\bWP\s?(?P<wn>\d+)(?:\s*/\s*(?P<wof>TSAG|SG\s?\d+))?",
    re.IGNORECASE,
)
_PLENARY = re.compile(r"\b(?P<which>opening|closing)\s+plenary\b", re.IGNORECASE)
_RG_CODE = re.compile(r"\bRG-[A-Z][A-Za-z]*\b")
_REGIONAL_BODY = re.compile(r"\b(?:ATU|APT|CEPT|CITEL|ASMG|LAS|RCC|ASTeam)\b")
_COMMITTEE = re.compile(r"\b(?:(?P<ed>WTSA-\d{2})\s+)?committee\s+(?P<n>\d+|[IVX]+)\b", re.I)

_SERIES_WORDS = re.compile(r"\b(?:weekly|series|every\s+week)\b", re.IGNORECASE)
_EVERY = re.compile(
    rf"\b(?:every|each)\s+(?P<days>{_WEEKDAY}s?(?:\s*(?:,|\band\b|&)\s*{_WEEKDAY}s?)*)\b",
    re.IGNORECASE,
)
_WEEKDAY_WORD = re.compile(_WEEKDAY, re.IGNORECASE)
_MATTERS = re.compile(r"\bon\s+(?:matters\s+of|the\s+topic\s+of)\s+(?P<topic>[^;.]+)", re.I)

_AGENDA_TITLE = re.compile(r"^(?:(?:draft|revised|provisional)\s+)*agenda\b", re.IGNORECASE)
_AGENDA_ITEM = re.compile(r"^(?P<number>\d{1,2})(?P<sub>(?:\.\d{1,2})*)\.?\s+(?P<title>\D.*)$")
_AGENDA_END = re.compile(r"^(?:annex|appendix|attachment)\b|^_{3,}", re.IGNORECASE)

_BULLET = re.compile(r"^(?:[·•▪◦‣*–-]|\d{1,2}\))\s*")
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z0-9“\"‘(·•])")
_LAST_WORD = re.compile(r"([\w.]+)$")
_ABBREVIATIONS = frozenset(
    {"mr", "ms", "mrs", "dr", "prof", "no", "nos", "rev", "e.g", "i.e", "cf", "vol", "st"}
    | {"art", "doc", "res", "fig", "approx", "ref", "para", "op", "cit", "al"}
)
_SUBJECT_END = re.compile(
    r"\b(?:will|is|are|was|were|to\s+be|planned|scheduled|held|takes?|took)\b|[,(;:]", re.I
)
_SUBJECT_TAIL = re.compile(r"\s+(?:on|of|in|from|at|for|the)$", re.IGNORECASE)

_HEADER_DATE = re.compile(r"^\s*dates?\b", re.IGNORECASE)
_HEADER_COLUMNS = {
    "time": re.compile(r"^\s*(?:start\s+)?times?\b", re.IGNORECASE),
    "deadline": re.compile(r"\bdeadline", re.IGNORECASE),
    "topic": re.compile(r"\b(?:objectives?|agenda|topics?|purpose|subject|theme)\b", re.I),
    "name": re.compile(r"^\s*(?:meeting|event|group|title|name)\b", re.IGNORECASE),
    "place": re.compile(r"\b(?:venue|place|location)\b", re.IGNORECASE),
}
_HEADING_LOOKBACK = 3  # paragraphs above a schedule table that may name its meetings
_SERIES_LOOKAHEAD = 4  # lines after a series announcement that may give its days


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class _Unit:
    """A run of text read on its own: a paragraph, or a piece of a table cell."""

    text: str
    where: str
    order: int
    in_table: bool


@dataclass(frozen=True)
class _Context:
    """What the whole document says that a sentence may leave out."""

    edition: str  # the WTSA the document is about, e.g. "WTSA-24", or ""
    body: str  # "TSAG" when the document is a TSAG document, else ""
    default_tz: ZoneInfo
    source: str


@dataclass(frozen=True)
class _Candidate:
    draft: MeetingDraft
    where: str
    evidence: str
    order: int


@dataclass
class _Reading:
    """The document cut into units, and its schedule tables with the headings above them."""

    units: list[_Unit] = field(default_factory=list)
    schedules: list[tuple[Table, _Columns, str, int, list[str]]] = field(default_factory=list)


def _clean(text: str) -> str:
    return tidy(strip_bookmarks(text).replace("\xa0", " "))


def _is_paren_only(text: str) -> bool:
    r"""A paragraph that is only a parenthesis with a number in it: ``(Geneva, 1 August 2024)``.

    Plain string tests: the regular expression ``^\(.*\d.*\)$`` backtracks
    quadratically on a long line that opens a parenthesis and never closes it.
    """
    inner = text.removesuffix(".")
    return (
        len(inner) > 2
        and inner[0] == "("
        and inner[-1] == ")"
        and "\n" not in inner
        and any(char.isdigit() for char in inner[1:-1])
    )


def _unbulleted(text: str) -> str:
    return _BULLET.sub("", text, count=1)


def _cell_pieces(cell: str) -> Iterator[str]:
    """A cell's text cut at bullets and numbered lines; other lines continue the piece."""
    piece: list[str] = []
    for line in strip_bookmarks(cell).split("\n"):
        if piece and _BULLET.match(line.strip()):
            yield " ".join(piece)
            piece = []
        piece.append(line)
    if piece:
        yield " ".join(piece)


def _read(blocks: Sequence[Block]) -> _Reading:
    reading = _Reading()
    order = 0
    table_number = 0
    paragraph_number = 0
    recent: list[str] = []  # paragraphs since the last table, newest first
    joined: dict[int, list[str]] = {}  # unit index -> the parentheses read with it
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraph_number += 1
            text = _unbulleted(_clean(block.text))
            if not text:
                continue
            where = f"line {block.line}" if block.line else f"paragraph {paragraph_number}"
            previous = reading.units[-1] if reading.units else None
            if _is_paren_only(text) and previous is not None and not previous.in_table:
                joined.setdefault(len(reading.units) - 1, [previous.text]).append(text)
            else:
                order += 1
                reading.units.append(_Unit(text, where, order, in_table=False))
            recent = [text, *recent[: _HEADING_LOOKBACK - 1]]
            continue
        table_number += 1
        headings, recent = recent, []
        columns = _columns(block)
        if columns is not None:
            where = f"table {table_number}"
            reading.schedules.append((block, columns, where, order, headings))
            order += len(block.rows)  # each row's meeting is ordered after the prose above
            continue
        for row_number, row in enumerate(block.rows, start=1):
            where = f"table {table_number}, row {row_number}"
            for cell in row:
                for piece in _cell_pieces(cell):
                    text = _unbulleted(_clean(piece))
                    if text:
                        order += 1
                        reading.units.append(_Unit(text, where, order, in_table=True))
    for index, texts in joined.items():  # joined once, at the end: a string grown by += is not
        reading.units[index] = replace(reading.units[index], text=" ".join(texts))
    return reading


def _context(units: Sequence[_Unit], default_tz: ZoneInfo, source: str) -> _Context:
    editions: Counter[str] = Counter()
    body = ""
    for unit in units:
        editions.update(match.upper() for match in _EDITION.findall(unit.text))
        if not body and "TSAG" in unit.text and re.search(r"\bTSAG\b", unit.text):
            body = "TSAG"
    edition = editions.most_common(1)[0][0] if editions else ""
    return _Context(edition, body, default_tz, source)


def _sentences(text: str) -> Iterator[str]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        word = _LAST_WORD.search(text, max(start, match.start() - 20), match.start())
        if word and (word[1].lower() in _ABBREVIATIONS or len(word[1]) == 1):
            continue
        yield text[start : match.start() + 1]
        start = match.end()
    yield text[start:]


def _may_have_dates(text: str) -> bool:
    return bool(_QUICK_YEAR.search(text)) and bool(_QUICK_MONTH.search(text))


# --------------------------------------------------------------------------- dates and times


@dataclass(frozen=True)
class _Days:
    """A date or a range of dates written at ``start:end`` of a sentence."""

    first: date
    last: date
    start: int
    end: int


@dataclass(frozen=True)
class _Clock:
    """A time or a time range written at ``start:end`` of a sentence."""

    begin: time
    finish: time | None
    zone: str
    start: int
    end: int


def _day(weekday: str | None, day: str, month: str, year: str) -> date:
    """The date, checked against its weekday (TimeError when they disagree)."""
    return parse_date(f"{weekday or ''} {day} {month} {year}")


def _days_of(match: re.Match[str]) -> tuple[date, date]:
    groups = match.groupdict()
    year, month = groups["y2"], groups["m2"]
    last = _day(groups.get("wd2"), groups["d2"], month, year)
    if not groups.get("d1"):
        return last, last
    first_month = groups.get("m1") or month
    first_year = groups.get("y1") or year
    first = _day(groups.get("wd1"), groups["d1"], first_month, first_year)
    if first > last and not groups.get("y1"):  # "28 December – 3 January 2021"
        first = _day(groups.get("wd1"), groups["d1"], first_month, str(int(year) - 1))
    if first > last or (last - first).days > 366:
        raise TimeError(f"{match[0]!r} is not a range of days")
    return first, last


def _find_days(text: str) -> list[_Days]:
    """Dates and ranges in reading order; a date with a wrong weekday is dropped."""
    matches = [m for pattern in (_RANGE, _MONTH_FIRST, _SINGLE) for m in pattern.finditer(text)]
    matches.sort(key=lambda m: (m.start(), -m.end()))
    found: list[_Days] = []
    reach = -1
    for match in matches:
        if match.start() < reach:
            continue
        reach = match.end()
        if match.group("m2").lower().rstrip(".") not in MONTHS:
            continue
        try:
            first, last = _days_of(match)
        except TimeError:
            continue
        found.append(_Days(first, last, match.start(), match.end()))
    return found


def _time(text: str) -> time | None:
    try:
        return parse_time(text)
    except TimeError:
        return None


def _zone_after(text: str, position: int) -> str:
    match = _ZONE_AFTER.match(text, position)
    return tidy(match["zone"]) if match else ""


def _find_clocks(text: str) -> list[_Clock]:
    """Times of day: ranges first, then single ``at`` times outside them.

    A time without a separator (``1300``) counts only when ``hours`` or a zone
    follows, so that ``2023-2024`` is never read as a time.
    """
    ranges: list[_Clock] = []
    for match in _TIME_RANGE.finditer(text):
        zone = _zone_after(text, match.end())
        bare = not re.search(r"\D", match["a"] + match["b"])
        begin, finish = _time(match["a"]), _time(match["b"])
        if begin is None or finish is None or (bare and not (match["hours"] or zone)):
            continue
        ranges.append(_Clock(begin, finish, zone, match.start(), match.end()))
    starts = [c.start for c in ranges]  # in order, and the ranges do not overlap
    clocks = list(ranges)
    for match in _TIME_AT.finditer(text):
        before = bisect_right(starts, match.start()) - 1
        if before >= 0 and match.start() < ranges[before].end:
            continue
        zone = _zone_after(text, match.end())
        begin = _time(match["a"])
        if begin is not None and (not match["a"].isdigit() or match["hours"] or zone):
            clocks.append(_Clock(begin, None, zone, match.start(), match.end()))
    return sorted(clocks, key=lambda c: c.start)


def _clock_for(
    index: int, all_days: Sequence[_Days], clocks: Sequence[_Clock], starts: Sequence[int]
) -> _Clock | None:
    """The time written for ``all_days[index]``: the first one after it, before the next date.

    The dates and the times are in reading order, so both are found by bisection:
    a sentence listing thousands of dates is read in n log n, not n².
    """
    days = all_days[index]
    limit = all_days[index + 1].start if index + 1 < len(all_days) else None
    after = bisect_left(starts, days.end)  # starts: the clocks' starts
    if after < len(clocks) and (limit is None or clocks[after].start < limit):
        return clocks[after]
    if len(all_days) == 1:
        before = [c for c in clocks if c.end <= days.start]
        return before[-1] if before else None
    return None


def _zone(name: str) -> ZoneInfo | None:
    try:
        return zone_named(name) if name else None
    except TimeError:
        return ZoneInfo(GENEVA) if "geneva" in name.lower() or "europe" in name.lower() else None


def _span(
    days: _Days | tuple[date, date], clock: _Clock | None, tz: ZoneInfo
) -> tuple[datetime, datetime, bool] | None:
    """UTC start and end, and whether the meeting is all-day; None for a time that is not."""
    first, last = (days.first, days.last) if isinstance(days, _Days) else days
    if clock is None:
        start, end = whole_days(first, last, tz)
        return start, end, True
    try:
        start = local_datetime(first, clock.begin, tz)
        if clock.finish is None:
            return start, start, False
        end = local_datetime(last, clock.finish, tz)
    except TimeError:
        return None
    if end <= start:  # "22:00-01:00": ends the next morning
        try:
            end = local_datetime(last + timedelta(days=1), clock.finish, tz)
        except TimeError:
            return None
    return start, end, False


# --------------------------------------------------------------------------- what the text says


def _kind(text: str) -> MeetingKind:
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return MeetingKind.OTHER


def _mode(text: str) -> Mode | None:
    found = {mode for mode, pattern in _MODES if pattern.search(text)}
    if Mode.HYBRID in found or {Mode.VIRTUAL, Mode.PHYSICAL} <= found:
        return Mode.HYBRID
    return next(iter(found), None)


def _parenthesis_head(text: str, days: _Days) -> str:
    """``virtual`` or ``Geneva`` in ``(virtual, 25 July 2024`` / ``(Geneva, 1 August 2024)``."""
    match = _PAREN_HEAD.search(text, max(0, days.start - 90), days.start)
    if match is None or re.search(r"\d", match["head"]):
        return ""
    return tidy(match["head"])


class _Text:
    """A sentence or row, and what is read from the whole of it once.

    A sentence may name many dates; what does not depend on the date (the
    cues, mode, documents, the name of all but an IRM or an ``other`` meeting)
    is searched for once, so that reading stays linear in the sentence's length.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._names: dict[tuple[MeetingKind, int], str] = {}

    @cached_property
    def future(self) -> bool:
        return bool(_FUTURE_CUE.search(self.text))

    @cached_property
    def past(self) -> bool:
        return bool(_PAST_CUE.search(self.text))

    @cached_property
    def mode(self) -> Mode | None:
        return _mode(self.text)

    @cached_property
    def documents(self) -> tuple[str, ...]:
        return _documents(self.text)

    @cached_property
    def evidence(self) -> str:
        return _evidence(self.text)

    @cached_property
    def edition(self) -> str:
        match = _EDITION.search(self.text)
        return match[0].upper() if match else ""

    @cached_property
    def ordinals(self) -> list[tuple[int, str]]:
        """Where each IRM ordinal (``second ... inter-regional``) starts, and its word."""
        return [(m.start(), m["ord"]) for m in _IRM_ORDINAL.finditer(self.text)]

    @cached_property
    def subject_end(self) -> re.Match[str] | None:
        return _SUBJECT_END.search(self.text)

    def subject_cut(self, position: int) -> int:
        """Where the subject of a meeting dated at ``position`` ends (see :func:`_subject`).

        The first verb, comma or parenthesis of the sentence ends it if it comes
        before the date (a match cannot straddle a date, which starts a word).
        """
        limit = position if position > 0 else len(self.text)
        end = self.subject_end
        if end is not None and end.end() <= limit and end.start() > 0:
            return end.start()
        return min(80, limit)

    def name(self, kind: MeetingKind, position: int, context: _Context) -> str:
        """:func:`_name`, computed once per kind and, where it depends on it, place."""
        if kind is MeetingKind.IRM:
            key = position
        elif kind is MeetingKind.OTHER:
            key = self.subject_cut(position)
        else:
            key = 0
        if (kind, key) not in self._names:
            self._names[(kind, key)] = _name(kind, self, position, context)
        return self._names[(kind, key)]


def _takes_place(sentence: _Text, days: _Days, kind: MeetingKind, head: str) -> bool:
    """Whether the sentence says a meeting takes place on these days (see module docstring)."""
    if sentence.future:
        return True
    if kind is MeetingKind.OTHER:
        return False
    text = sentence.text
    return bool(
        head
        or sentence.past
        or _MEETING_ON.search(text[max(0, days.start - 40) : days.start])
        or _DATE_MEETING.match(text[days.end : days.end + 60])
    )


def _is_deadline(text: str, days: _Days) -> bool:
    return bool(_DEADLINE_BEFORE.search(text[max(0, days.start - 50) : days.start]))


def _is_not_meeting_day(text: str, days: _Days) -> bool:
    return bool(_NOT_A_MEETING_DAY.search(text[max(0, days.start - 30) : days.start]))


def _ordinal_before(sentence: _Text, position: int) -> str:
    """The ordinal of the IRM named nearest before ``position`` (``Second``), or the last one
    named after it, or ""."""
    ordinals = sentence.ordinals
    if not ordinals:
        return ""
    before = bisect_left(ordinals, (position,))
    word = ordinals[before - 1 if before else -1][1].lower()
    number = _ORDINAL_WORDS.get(word) or int(re.sub(r"\D", "", word))
    return _ORDINAL_NAMES.get(number, word)


def _irm_name(sentence: _Text, position: int, context: _Context) -> str:
    edition = sentence.edition or context.edition
    suffix = f" for {edition}" if edition else ""
    near = sentence.text[max(0, position - 120) : position + 40]
    if re.search(r"\bconference\s+calls?\b", near, re.IGNORECASE):
        return f"Inter-regional conference call{suffix}"
    ordinal = _ordinal_before(sentence, position)
    if ordinal:
        return f"{ordinal} inter-regional meeting{suffix}"
    return f"Inter-regional meeting{suffix}"


def _working_party_name(text: str, context: _Context) -> str:
    match = _WORKING_PARTY.search(text)
    if match is None:
        return f"{context.body} Working Party meeting".strip()
    number = match["n"] or match["wn"]
    group = (match["of"] or match["wof"] or context.body).upper().replace(" ", "")
    group = "TSAG" if group == "TSAG" else group
    party = f"{group} Working Party {number}".strip()
    plenary = _PLENARY.search(text)
    if plenary:
        return f"{plenary['which'].capitalize()} plenary of {party}"
    return f"{party} meeting"


def _rapporteur_group_name(text: str, context: _Context) -> str:
    code = _RG_CODE.search(text)
    group = code[0] if code else "Rapporteur Group"
    if re.search(r"\be-meetings?\b", text, re.IGNORECASE):
        what = "e-meeting"
    elif code is None and re.search(r"\bmeetings\b", text, re.IGNORECASE):
        what = "meetings"
    else:
        what = "meeting"
    return f"{context.body} {group} {what}".strip()


def _subject(sentence: _Text, position: int) -> str:
    """The words before the verb, date or parenthesis: what an ``other`` meeting is."""
    subject = sentence.text[: sentence.subject_cut(position)]
    subject = re.sub(r"^(?:the|a|an|in\s+addition,?)\s+", "", subject.strip(), flags=re.I)
    for _ in range(3):  # "... on the" left before the date
        subject = _SUBJECT_TAIL.sub("", subject.strip(" :;-–"))
    if len(subject) > 80:
        subject = subject[:80].rsplit(" ", 1)[0] + "…"
    return subject[:1].upper() + subject[1:] if subject else "Meeting"


def _name(kind: MeetingKind, sentence: _Text, position: int, context: _Context) -> str:
    text = sentence.text
    if kind is MeetingKind.IRM:
        return _irm_name(sentence, position, context)
    if kind is MeetingKind.WORKING_PARTY:
        return _working_party_name(text, context)
    if kind is MeetingKind.RAPPORTEUR_GROUP:
        return _rapporteur_group_name(text, context)
    if kind is MeetingKind.TSAG:
        return "TSAG e-meeting" if re.search(r"\be-meeting", text, re.I) else "TSAG meeting"
    edition = sentence.edition or context.edition
    if kind is MeetingKind.WTSA:
        return edition or "World Telecommunication Standardization Assembly"
    if kind is MeetingKind.REGIONAL:
        body = _REGIONAL_BODY.search(text)
        name = f"{body[0]} regional preparatory meeting" if body else "Regional preparatory meeting"
        return f"{name} for {edition}" if edition else name
    return _subject(sentence, position)


def _evidence(text: str) -> str:
    text = tidy(text)
    if len(text) <= EVIDENCE_LIMIT:
        return text
    return text[: EVIDENCE_LIMIT - 1].rstrip() + "…"


def _documents(*texts: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(doc for text in texts for doc in extract_documents(text)))


# --------------------------------------------------------------------------- sentences


def _sentence_meetings(text: str, unit: _Unit, context: _Context) -> list[_Candidate]:
    """The meetings one sentence announces or reports (see the module docstring)."""
    if not _MEETING_WORD.search(text):
        return []
    all_days = _find_days(text)
    deadlines = [d for d in all_days if _is_deadline(text, d)]
    not_meeting = {d.start for d in deadlines}
    meeting_days = [
        (index, d)
        for index, d in enumerate(all_days)
        if d.start not in not_meeting and not _is_not_meeting_day(text, d)
    ]
    if not meeting_days:
        return []
    sentence = _Text(text)
    kind = _kind(text)
    clocks = _find_clocks(text)
    starts = [c.start for c in clocks]
    sentence_zone = _ZONE_ANYWHERE.search(text)
    found = []
    for index, days in meeting_days:
        head = _parenthesis_head(text, days)
        if not _takes_place(sentence, days, kind, head):
            continue
        clock = _clock_for(index, all_days, clocks, starts)
        candidate = _sentence_candidate(
            sentence, unit, context, kind, days, clock, head, sentence_zone, deadlines
        )
        if candidate is not None:
            found.append(candidate)
    return found


def _sentence_candidate(
    sentence: _Text,
    unit: _Unit,
    context: _Context,
    kind: MeetingKind,
    days: _Days,
    clock: _Clock | None,
    head: str,
    sentence_zone: re.Match[str] | None,
    deadlines: Sequence[_Days],
) -> _Candidate | None:
    head_mode = _mode(head) if head else None
    place = head if head and head_mode is None and head[:1].isupper() else ""
    mode = sentence.mode or head_mode or (Mode.PHYSICAL if place else None)
    zone_word = (clock.zone if clock else "") or (sentence_zone[0] if sentence_zone else "")
    tz = _zone(zone_word) or (ZoneInfo(GENEVA) if place == "Geneva" else context.default_tz)
    span = _span(days, clock, tz)
    if span is None:
        return None
    start, end, all_day = span
    deadline = None
    if deadlines:
        deadline = local_datetime(deadlines[0].last, DEADLINE_TIME, tz)
    evidence = sentence.evidence
    draft = MeetingDraft(
        name=sentence.name(kind, days.start, context),
        kind=kind,
        start=start,
        end=end,
        timezone=tz.key,
        all_day=all_day,
        mode=mode,
        place=place,
        deadline=deadline,
        documents=sentence.documents,
        source=context.source,
        evidence=evidence,
    )
    return _Candidate(draft, unit.where, evidence, unit.order)


# --------------------------------------------------------------------------- series


def _series_header(sentence: str) -> _Days | None:
    """The period of a series announcement (``weekly calls ... 18 January – 19 February``).

    A weekly series without the days it meets on gives no meeting at all: the
    period is not one long meeting.
    """
    if not (_SERIES_WORDS.search(sentence) or _EVERY.search(sentence)):
        return None
    if not _MEETING_WORD.search(sentence):
        return None
    spans = [d for d in _find_days(sentence) if d.first != d.last]
    return spans[0] if spans else None


def _weekdays(text: str) -> list[int]:
    every = _EVERY.search(text)
    if every is None:
        return []
    names = (w.lower() for w in _WEEKDAY_WORD.findall(every["days"]))
    return list(dict.fromkeys(WEEKDAYS[name] for name in names if name in WEEKDAYS))


def _series_topic(text: str, weekdays: Sequence[int]) -> str:
    committee = _COMMITTEE.search(text)
    if committee:
        edition = f"{committee['ed'].upper()} " if committee["ed"] else ""
        return f"{edition}Committee {committee['n'].upper()}"
    matters = _MATTERS.search(text)
    if matters:
        return tidy(matters["topic"]).rstrip(" ,;")[:60]
    return " and ".join(date(2024, 1, 1 + day).strftime("%A") + "s" for day in weekdays)


def _series_meetings(
    header: str, period: _Days, specs: Sequence[_Unit], context: _Context
) -> list[_Candidate]:
    kind = _kind(header)
    irm = kind is MeetingKind.IRM
    call = bool(re.search(r"\bcalls?\b", header, re.IGNORECASE))
    if irm:
        title = "Inter-regional conference call" if call else "Inter-regional meeting"
        short = "IRM weekly call" if call else "IRM weekly meeting"
    else:
        title = _Text(header).name(kind, 0, context)
        short = f"{title} weekly"
    found = []
    for spec in specs:
        text = spec.text
        weekdays = _weekdays(text)
        topic = _series_topic(text, weekdays)
        clocks = _find_clocks(text)
        clock = clocks[0] if clocks else None
        zone_match = _ZONE_ANYWHERE.search(text) or _ZONE_ANYWHERE.search(header)
        tz = _zone((clock.zone if clock else "") or (zone_match[0] if zone_match else ""))
        tz = tz or context.default_tz
        evidence = _evidence(header if spec.text == header else f"{header} {spec.text}")
        mode, documents = _mode(f"{header} {text}"), _documents(text)
        for day in _matching_days(period, weekdays):
            span = _span((day, day), clock, tz)
            if span is None:
                continue
            draft = MeetingDraft(
                name=f"{title} ({topic})",
                kind=kind,
                start=span[0],
                end=span[1],
                timezone=tz.key,
                all_day=span[2],
                mode=mode,
                documents=documents,
                source=context.source,
                evidence=evidence,
                series=f"{short}, {topic}",
            )
            found.append(_Candidate(draft, spec.where, evidence, spec.order))
    return found


def _matching_days(period: _Days, weekdays: Sequence[int]) -> Iterator[date]:
    day = period.first
    while day <= period.last:
        if day.weekday() in weekdays:
            yield day
        day += timedelta(days=1)


def _series_specs(units: Sequence[_Unit], index: int, header: str) -> list[_Unit]:
    """The lines giving a series' days: the header itself, or ``Every Tuesday...`` after it."""
    if _weekdays(header):
        return [replace(units[index], text=header)]
    specs = []
    for unit in units[index + 1 : index + 1 + _SERIES_LOOKAHEAD]:
        if unit.in_table != units[index].in_table or not _EVERY.match(unit.text):
            break
        specs.append(unit)
    return specs


# --------------------------------------------------------------------------- agenda


def _agenda(units: Sequence[_Unit], index: int) -> tuple[AgendaEntry, ...]:
    """The numbered items after an agenda title, each with the documents named under it.

    Sub-items (``3.1``) and bullets are not entries of their own: their
    documents go to the item they belong to, and the entry's title has no number
    (the schedule numbers items when it shows them). The agenda ends at a table, an
    annex, or the next agenda title: each title's agenda is its own, and a
    document of many agendas is read once, not once per title.
    """
    entries: list[tuple[str, list[str]]] = []
    for following in range(index + 1, len(units)):  # not a slice: it would copy the rest
        unit = units[following]
        if unit.in_table or _AGENDA_END.match(unit.text) or _AGENDA_TITLE.match(unit.text):
            break
        item = _AGENDA_ITEM.match(unit.text)
        if item and not item["sub"]:
            entries.append((tidy(item["title"]), extract_documents(unit.text)))
        elif entries:
            entries[-1][1].extend(extract_documents(unit.text))
    return tuple(AgendaEntry(title, tuple(dict.fromkeys(docs))) for title, docs in entries)


def _with_agenda(candidate: _Candidate, agenda: tuple[AgendaEntry, ...]) -> _Candidate:
    documents = tuple(
        dict.fromkeys([*candidate.draft.documents, *(d for e in agenda for d in e.documents)])
    )
    return replace(candidate, draft=replace(candidate.draft, agenda=agenda, documents=documents))


# --------------------------------------------------------------------------- schedule tables


@dataclass(frozen=True)
class _Columns:
    header_row: int  # 0-based
    date: int
    time: int | None = None
    deadline: int | None = None
    topic: int | None = None
    name: int | None = None
    place: int | None = None
    zone: str = ""


def _columns(table: Table) -> _Columns | None:
    """The columns of a schedule table, found from a header row with a date column."""
    for number, row in enumerate(table.rows[:3]):
        cells = [_clean(cell) for cell in row]
        date_column = next((i for i, c in enumerate(cells) if _HEADER_DATE.match(c)), None)
        if date_column is None or _may_have_dates(" ".join(cells)):
            continue
        columns: dict[str, int] = {}
        for role, pattern in _HEADER_COLUMNS.items():
            index = next(
                (i for i, c in enumerate(cells) if i != date_column and pattern.search(c)), None
            )
            if index is not None:
                columns[role] = index
        zone = _ZONE_ANYWHERE.search(" ".join(cells))
        return _Columns(number, date_column, zone=zone[0] if zone else "", **columns)
    return None


def _cell(row: Sequence[str], index: int | None) -> str:
    return _clean(row[index]) if index is not None and index < len(row) else ""


def _filled_rows(table: Table, columns: _Columns) -> Iterator[tuple[int, list[str]]]:
    """Data rows (1-based number, cells); an empty cell repeats the one above (vMerge).

    The deadline is not repeated: an empty deadline cell may as well mean "none".
    """
    width = max(len(row) for row in table.rows)
    above = [""] * width
    for number, row in enumerate(table.rows, start=1):
        if number <= columns.header_row + 1:
            continue
        cells = [_clean(cell) for cell in row] + [""] * (width - len(row))
        if not any(cells):
            continue
        filled = [
            cell or (above[i] if i != columns.deadline else "") for i, cell in enumerate(cells)
        ]
        above = filled
        yield number, filled


def _table_meetings(
    table: Table,
    columns: _Columns,
    where: str,
    order: int,
    headings: Sequence[str],
    context: _Context,
) -> list[_Candidate]:
    titles = [_clean(row[0]) for row in table.rows[: columns.header_row] if row]
    headings = [*reversed(titles), *headings]
    found = []
    for row_number, cells in _filled_rows(table, columns):
        candidate = _row_meeting(cells, columns, headings, context)
        if candidate is not None:
            row_where = f"{where}, row {row_number}"
            found.append(replace(candidate, where=row_where, order=order + row_number))
    return found


def _row_kind(name: str, headings: Sequence[str]) -> tuple[MeetingKind, str]:
    """The kind of a schedule row's meetings and the text that names them."""
    for text in (name, *headings):
        if text and _kind(text) is not MeetingKind.OTHER:
            return _kind(text), text
    return MeetingKind.OTHER, name or (headings[0] if headings else "")


def _row_meeting(
    cells: Sequence[str], columns: _Columns, headings: Sequence[str], context: _Context
) -> _Candidate | None:
    when_text = _cell(cells, columns.date)
    days = _find_days(when_text)
    if not days:
        return None
    time_text = _cell(cells, columns.time) if columns.time is not None else when_text
    clocks = _find_clocks(time_text)
    clock = clocks[0] if clocks else None
    place = _cell(cells, columns.place)
    zone_word = (clock.zone if clock else "") or columns.zone
    tz = _zone(zone_word) or (ZoneInfo(GENEVA) if place == "Geneva" else context.default_tz)
    span = _span(days[0], clock, tz)
    if span is None:
        return None
    name_cell = _cell(cells, columns.name)
    kind, naming = _row_kind(name_cell, headings)
    all_text = " ".join([naming, name_cell, *headings])
    topic = _cell(cells, columns.topic)
    row_text = " | ".join(cell for cell in cells if cell)
    evidence = _evidence(f"{headings[0]}: {row_text}" if headings else row_text)
    named = _Text(naming if kind is MeetingKind.OTHER else all_text)
    name = name_cell or named.name(kind, 0, context)
    draft = MeetingDraft(
        name=name,
        kind=kind,
        start=span[0],
        end=span[1],
        timezone=tz.key,
        all_day=span[2],
        mode=_mode(all_text) or (Mode.PHYSICAL if place else None),
        place=place,
        deadline=_row_deadline(_cell(cells, columns.deadline), tz),
        agenda=(AgendaEntry(topic, _documents(topic)),) if topic else (),
        documents=_documents(row_text),
        source=context.source,
        evidence=evidence,
    )
    return _Candidate(draft, "", evidence, 0)


def _row_deadline(text: str, tz: ZoneInfo) -> datetime | None:
    days = _find_days(text)
    if not days:
        return None
    clocks = _find_clocks(text)
    try:
        at = clocks[0].begin if clocks else DEADLINE_TIME
        return local_datetime(days[0].last, at, tz)
    except TimeError:
        return None


# --------------------------------------------------------------------------- duplicates


def _overlap(a: MeetingDraft, b: MeetingDraft) -> bool:
    if a.all_day or b.all_day or a.start == b.start:
        return True
    return a.start < b.end and b.start < a.end


def _key(draft: MeetingDraft) -> tuple[MeetingKind, str, date]:
    return draft.kind, draft.series, local_date(draft.start, ZoneInfo(draft.timezone))


def _richness(candidate: _Candidate) -> tuple[bool, bool, bool, bool, bool, bool, int]:
    draft = candidate.draft
    return (
        not draft.all_day,
        bool(draft.documents),
        draft.mode is not None,
        bool(draft.place),
        bool(draft.agenda),
        draft.deadline is not None,
        -candidate.order,
    )


def _merge(group: Sequence[_Candidate]) -> Found:
    """One meeting from its mentions: the richest mention, completed by the others."""
    best = max(group, key=_richness)
    ordered = sorted(group, key=lambda c: c.order)
    drafts = [c.draft for c in ordered]
    names = Counter(d.name for d in drafts)
    first_seen = {d.name: i for i, d in reversed(list(enumerate(drafts)))}
    name = max(names, key=lambda n: (names[n], -first_seen[n]))
    base = best.draft
    merged = replace(
        base,
        name=name,
        mode=base.mode or next((d.mode for d in drafts if d.mode), None),
        place=base.place or next((d.place for d in drafts if d.place), ""),
        deadline=base.deadline or next((d.deadline for d in drafts if d.deadline), None),
        agenda=base.agenda or next((d.agenda for d in drafts if d.agenda), ()),
        documents=tuple(dict.fromkeys(doc for d in drafts for doc in d.documents)),
    )
    return Found(merged, best.where, best.evidence)


class _Group:
    """Mentions of one meeting: each overlaps all the others (see :func:`_overlap`).

    Whether a new mention overlaps every timed one is told from two extremes
    instead of a pass over the group, which made a document repeating one
    sentence quadratic: the latest starts and the earliest ends of the timed
    mentions, two of each with different starts, since a mention that starts
    at the same moment as another overlaps it whatever their ends.
    """

    def __init__(self) -> None:
        self.members: list[_Candidate] = []
        self.ends: dict[datetime, datetime] = {}  # start -> earliest end of timed members
        self.latest: list[datetime] = []  # the two latest distinct starts
        self.earliest: list[tuple[datetime, datetime]] = []  # (end, start): two distinct starts

    def admits(self, draft: MeetingDraft) -> bool:
        if draft.all_day:
            return True
        start = draft.start
        latest = next((s for s in self.latest if s != start), None)
        earliest = next((e for e, s in self.earliest if s != start), None)
        return (latest is None or latest < draft.end) and (earliest is None or start < earliest)

    def add(self, candidate: _Candidate) -> None:
        self.members.append(candidate)
        draft = candidate.draft
        if draft.all_day:
            return
        start = draft.start
        end = min(self.ends.get(start, draft.end), draft.end)
        self.ends[start] = end
        self.latest = sorted({*self.latest, start}, reverse=True)[:2]
        earliest = [(e, s) for e, s in self.earliest if s != start]
        self.earliest = sorted([*earliest, (end, start)])[:2]


def _collapse(candidates: Sequence[_Candidate]) -> list[Found]:
    groups: dict[tuple[MeetingKind, str, date], list[_Group]] = {}
    for candidate in sorted(candidates, key=lambda c: c.order):
        same_day = groups.setdefault(_key(candidate.draft), [])
        group = next((g for g in same_day if g.admits(candidate.draft)), None)
        if group is None:
            group = _Group()
            same_day.append(group)
        group.add(candidate)
    found = [_merge(group.members) for same_day in groups.values() for group in same_day]
    return sorted(found, key=lambda f: (f.draft.start, f.draft.end, f.draft.name))


# --------------------------------------------------------------------------- entry point


def _unit_meetings(units: Sequence[_Unit], index: int, context: _Context) -> list[_Candidate]:
    unit = units[index]
    found: list[_Candidate] = []
    for sentence in _sentences(unit.text):
        if not _may_have_dates(sentence):
            continue
        period = _series_header(sentence)
        if period is not None:
            specs = _series_specs(units, index, sentence)
            found += _series_meetings(sentence, period, specs, context)
            continue
        found += _sentence_meetings(sentence, unit, context)
    if found and not unit.in_table and _AGENDA_TITLE.match(unit.text):
        agenda = _agenda(units, index)
        if agenda:
            found = [_with_agenda(c, agenda) for c in found]
    return found


def find_meetings(blocks: Sequence[Block], *, source: str, default_tz: ZoneInfo) -> list[Found]:
    """The meetings a document announces or reports, by start; one per meeting.

    ``source`` (the document's name) goes to each draft's ``source``;
    ``default_tz`` is the zone of dates and times the document gives none for.
    """
    reading = _read(blocks)
    context = _context(reading.units, default_tz, source)
    candidates: list[_Candidate] = []
    for index, unit in enumerate(reading.units):
        if _may_have_dates(unit.text):
            candidates += _unit_meetings(reading.units, index, context)
    for table, columns, where, order, headings in reading.schedules:
        candidates += _table_meetings(table, columns, where, order, headings, context)
    return _collapse(candidates)
