"""When an action item is due, read from its free-text milestone.

A milestone such as ``"Council 2023,\\nWTSA-24"`` is split into terms (on commas,
semicolons, newlines and "and"), and each term is read on its own:

* ``Ongoing`` (and ``continuous``, ``as needed``...) has no date.
* ``TSAG2023``, ``WTSA-24``, ``Council 2023``, ``PP22`` name one meeting: the first
  meeting of that body whose local start falls in that year (two-digit years
  are 20xx). The due day is the meeting's local start date. When the schedule
  has no such meeting the day is estimated from the calendar (see
  :func:`estimated_day`) and the due date is marked ``estimated``.
* ``3 months before WTSA-24`` and ``One year before WTSA-24`` move that day back by
  whole calendar months; ``Before WTSA-24`` is due by the meeting's start.
* ``Last TSAG before WTSA-24`` is the last TSAG meeting of the schedule that starts
  before the WTSA-24 meeting of the schedule; without both, it has no date.
* ``Each TSAG meeting``, ``Council meetings``, ``next TSAG``, ``each IRM`` and a bare
  body (``Council``, ``IRM``) recur: they are due at the next such meeting on or
  after today, so they are never past. Only the Council is estimated when the
  schedule has none ahead (TSAG, IRM and the others meet too irregularly).
* ``First SG meeting`` is understood but has no date: which study group meeting is
  the first one depends on a WTSA the text does not name.
* ``Annual`` is due on 31 December of today's year.
* ``2022``, ``2023/2024``, ``June 2025``, ``Q3 2025``, ``H1 2025``, ``End of 2025``,
  ``2025-06-30`` are due on the last day they cover; ``Before 2025`` on the day
  before the first day it covers.
* Anything else is an ``unknown`` term, never an error.

Everything here is pure: the caller passes the schedule and today's date.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.meetings.model import MeetingKind, tidy
from bot.meetings.when import MONTHS, TimeError, local_date, parse_date


class TermKind(StrEnum):
    """What one part of a milestone names (see :class:`Term`)."""

    ONGOING = "ongoing"
    MEETING = "meeting"
    EACH = "each"
    DATE = "date"
    ANNUAL = "annual"
    UNKNOWN = "unknown"


class DueState(StrEnum):
    """Where an item stands against its milestone (see :class:`ItemDue`)."""

    SOON = "soon"
    LATER = "later"
    PAST = "past"
    ONGOING = "ongoing"
    UNKNOWN = "unknown"


LAST_BEFORE = "last_before:"


@dataclass(frozen=True)
class Term:
    """One part of a milestone.

    ``kind`` is ``ongoing``, ``meeting`` (one meeting, named by body and year),
    ``each`` (a recurring meeting), ``date``, ``annual`` or ``unknown``. ``which``
    is ``""``, ``"first"``, ``"next"``, ``"before"`` or ``"last_before:<body><year>"``.
    ``on`` is the day an explicit date term is due.
    """

    text: str
    kind: TermKind
    body: str = ""
    year: int | None = None
    months_before: int = 0
    which: str = ""
    on: date | None = None


class MeetingLike(Protocol):
    """What this module reads of a meeting; ``bot.store.models.Meeting`` has it."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...


@dataclass(frozen=True)
class DueDate:
    """The local day a term is due, and the schedule meeting it was read from, if any.

    ``estimated`` is True only when a term names a meeting that the schedule
    lacks, so the day is a calendar guess; explicit dates are not estimates.
    """

    day: date
    term: Term
    meeting: MeetingLike | None = None
    estimated: bool = False


@dataclass(frozen=True)
class ItemDue:
    """Where an item stands against its milestone.

    ``state`` is ``soon`` (the next due day is within ``soon_days``), ``later``,
    ``past`` (every dated term is before today), ``ongoing`` (nothing dated, but
    an ongoing or recurring term) or ``unknown`` (nothing dated or understood).
    """

    state: DueState
    next: DueDate | None = None
    last_past: DueDate | None = None


# -- reading the text ---------------------------------------------------------

_SPLIT = re.compile(r"[,;\n\r]+|\s+and\s+|\s*&\s*", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^)]*\)")
_ONGOING_WORDS = frozenset(
    {
        "ongoing",
        "on-going",
        "on going",
        "continuous",
        "continuing",
        "continuously",
        "permanent",
        "as needed",
        "as required",
        "as appropriate",
        "when needed",
        "when required",
    }
)
_ANNUAL_WORDS = frozenset({"annual", "annually", "yearly", "every year", "each year"})
_FILLERS = ("by ", "at ", "the ", "in ", "on ", "until ", "till ")
_BODIES: tuple[tuple[str, str], ...] = (
    ("TSAG", r"tsag"),
    ("WTSA", r"wtsa|world telecommunication standardization assembly"),
    ("IRM", r"irms?|inter-?regional(?: preparatory)?(?: meetings?)?"),
    ("RPM", r"rpms?|regional preparatory(?: meetings?)?"),
    ("Council", r"council"),
    ("PP", r"pp|plenipotentiary(?: conference)?"),
    ("SG", r"sgs?|study groups?"),
)
_BODY_PATTERNS = tuple((body, re.compile(pattern)) for body, pattern in _BODIES)
_REF = re.compile(
    r"^(?:itu(?:-t)? )?(?P<body>"
    + "|".join(pattern for _, pattern in _BODIES)
    + r")(?: meetings?)?(?: ?-? ?(?P<year>\d{4}|\d{2}))?(?: meetings?)?$"
)
_BODY_KINDS = {
    "TSAG": MeetingKind.TSAG,
    "WTSA": MeetingKind.WTSA,
    "IRM": MeetingKind.IRM,
    "RPM": MeetingKind.REGIONAL,
}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_MONTHS_BEFORE = re.compile(
    r"^(?P<n>\d{1,2}|[a-z]+) (?P<unit>months?|years?) (?:before|prior to|ahead of) (?P<rest>.+)$"
)
_BEFORE = re.compile(r"^(?:before|prior to|ahead of) (?P<rest>.+)$")
_LAST_BEFORE = re.compile(r"^last (?P<ref>.+?) before (?P<target>.+)$")
_LEADING = re.compile(r"^(?P<word>first|next|each|every|all) (?P<rest>.+)$")
_YEAR = re.compile(r"^(\d{4})$")
_YEARS = re.compile(r"^(\d{4}) ?[/-] ?(\d{4}|\d{2})$")
_MONTH = re.compile(r"^(?P<month>[a-z]+)\.? (?P<year>\d{4})$")
_QUARTER = re.compile(
    r"^(?:q(?P<q>[1-4]) ?-? ?(?P<year>\d{4})|(?P<year2>\d{4}) ?-? ?q(?P<q2>[1-4]))$"
)
_HALF = re.compile(r"^h(?P<h>[12]) ?-? ?(?P<year>\d{4})$")
_END_OF = re.compile(r"^(?:the )?end(?: of|-| )\s*")


@lru_cache(maxsize=4096)
def parse_milestone(text: str) -> tuple[Term, ...]:
    """The terms of a milestone, in the order written; empty parts are dropped."""
    parts = (tidy(part).strip(" .") for part in _SPLIT.split(text))
    return tuple(_parse_part(part) for part in parts if part)


def _parse_part(text: str) -> Term:
    key = _normal(text)
    if key in _ONGOING_WORDS:
        return Term(text, TermKind.ONGOING)
    if key in _ANNUAL_WORDS:
        return Term(text, TermKind.ANNUAL)
    key = _strip_fillers(key)
    return (
        _relative(text, key)
        or _meeting_reference(text, key)
        or _dated(text, key)
        or Term(text, TermKind.UNKNOWN)
    )


def _normal(text: str) -> str:
    text = _PARENTHESES.sub(" ", text).replace("–", "-").replace("—", "-")
    return tidy(text).lower().strip(" .:")


def _strip_fillers(key: str) -> str:
    stripped = True
    while stripped:
        stripped = False
        for filler in _FILLERS:
            if key.startswith(filler):
                key, stripped = key[len(filler) :], True
    return key


def _term(
    text: str, kind: TermKind, body: str = "", year: int | None = None, which: str = ""
) -> Term:
    return Term(text, kind, body, year, 0, which)


def _relative(text: str, key: str) -> Term | None:
    """``3 months before X``, ``One year before X``, ``Before X``."""
    match = _MONTHS_BEFORE.match(key)
    if match:
        count = int(match["n"]) if match["n"].isdigit() else _NUMBERS.get(match["n"], 0)
        months = count * 12 if match["unit"].startswith("year") else count
        found = _meeting_reference(text, match["rest"])
        return replace(found, months_before=months) if found and months else None
    match = _BEFORE.match(key)
    if not match:
        return None
    found = _meeting_reference(text, match["rest"])
    if found:
        return replace(found, which=found.which or "before")
    period = _period(match["rest"])
    if period:
        first, _ = period
        return Term(
            text, TermKind.DATE, year=first.year, which="before", on=first - timedelta(days=1)
        )
    return None


def _meeting_reference(text: str, key: str) -> Term | None:
    """A meeting named by body and year, or a recurring meeting; None if not one."""
    match = _LAST_BEFORE.match(key)
    if match:
        return _last_before(text, match["ref"], match["target"])
    match = _LEADING.match(key)
    if match:
        return _led(text, match["word"], match["rest"])
    found = _reference(key)
    if found is None:
        return None
    body, year = found
    return _term(text, TermKind.EACH if year is None else TermKind.MEETING, body, year)


def _last_before(text: str, ref: str, target: str) -> Term | None:
    """``Last TSAG before WTSA-24``: a body without a year, a target with one."""
    body, target_ref = _reference(ref), _reference(target)
    if body is None or target_ref is None or body[1] is not None or target_ref[1] is None:
        return None
    return _term(
        text, TermKind.MEETING, body[0], which=f"{LAST_BEFORE}{target_ref[0]}{target_ref[1]}"
    )


def _led(text: str, word: str, rest: str) -> Term | None:
    """``First SG meeting``, ``next TSAG``, ``Each TSAG meeting``."""
    found = _reference(rest)
    if found is None:
        return None
    body, year = found
    if word == "first":
        return _term(text, TermKind.MEETING, body, year, which="first")
    if year is not None:
        return None
    return _term(text, TermKind.EACH, body, which="next" if word == "next" else "")


def _reference(key: str) -> tuple[str, int | None] | None:
    """The body and year of ``TSAG2023``, ``WTSA-24``, ``Council``, ``PP-22``..."""
    match = _REF.match(key)
    if not match:
        return None
    body = next(name for name, pattern in _BODY_PATTERNS if pattern.fullmatch(match["body"]))
    if match["year"] is None:
        return body, None
    if body == "SG" and len(match["year"]) == 2:
        return None  # SG17 is study group 17, not 2017
    year = _year(match["year"])
    return (body, year) if year is not None else None


def _year(digits: str) -> int | None:
    """A four-digit year in 1900..2199, or a two-digit one read as 20xx."""
    year = 2000 + int(digits) if len(digits) == 2 else int(digits)
    return year if 1900 <= year <= 2199 else None


def _dated(text: str, key: str) -> Term | None:
    period = _period(key)
    if period is None:
        return None
    _, last = period
    return Term(text, TermKind.DATE, year=last.year, on=last)


def _period(key: str) -> tuple[date, date] | None:
    """The first and last day of ``2022``, ``2023/2024``, ``June 2025``, ``Q3 2025``..."""
    key = _END_OF.sub("", key)
    for reader in (_read_years, _read_month, _read_quarter, _read_half, _read_day):
        found = reader(key)
        if found:
            return found
    return None


def _whole_years(first: int | None, last: int | None) -> tuple[date, date] | None:
    if first is None or last is None or last < first:
        return None
    return date(first, 1, 1), date(last, 12, 31)


def _months(year: int | None, first: int, last: int) -> tuple[date, date] | None:
    if year is None:
        return None
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _read_years(key: str) -> tuple[date, date] | None:
    match = _YEAR.match(key)
    if match:
        return _whole_years(_year(match[1]), _year(match[1]))
    match = _YEARS.match(key)
    if match:
        last = match[2] if len(match[2]) == 4 else match[1][:2] + match[2]
        return _whole_years(_year(match[1]), _year(last))
    return None


def _read_month(key: str) -> tuple[date, date] | None:
    match = _MONTH.match(key)
    if not match or match["month"] not in MONTHS:
        return None
    month = MONTHS[match["month"]]
    return _months(_year(match["year"]), month, month)


def _read_quarter(key: str) -> tuple[date, date] | None:
    match = _QUARTER.match(key)
    if not match:
        return None
    quarter = int(match["q"] or match["q2"])
    return _months(_year(match["year"] or match["year2"]), quarter * 3 - 2, quarter * 3)


def _read_half(key: str) -> tuple[date, date] | None:
    match = _HALF.match(key)
    if not match:
        return None
    half = int(match["h"])
    return _months(_year(match["year"]), half * 6 - 5, half * 6)


def _read_day(key: str) -> tuple[date, date] | None:
    try:
        day = parse_date(key)
    except TimeError:
        return None
    return (day, day) if _year(str(day.year)) else None


# -- the schedule ---------------------------------------------------------------

_COUNCIL = re.compile(r"\bcouncil\b", re.IGNORECASE)
_NOT_COUNCIL = re.compile(r"working group|\bcwg\b|expert group", re.IGNORECASE)
_PLENIPOTENTIARY = re.compile(r"plenipotentiary|\bpp-?\d{2}\b", re.IGNORECASE)
_STUDY_GROUP = re.compile(r"study group|\bsg ?\d+\b", re.IGNORECASE)
_KIND_BODIES = {kind.value: body for body, kind in _BODY_KINDS.items()}


def body_of(meeting: MeetingLike) -> str:
    """The body a milestone would name this meeting by, or ``""``.

    TSAG, WTSA, IRM and RPM follow the meeting's kind. The Council, the
    Plenipotentiary and study groups have no kind of their own: they are
    meetings of kind ``other`` whose name says so (``ITU Council 2023``, not a
    Council working group; ``Plenipotentiary``/``PP-22``; ``Study Group``/``SG17``).
    """
    body = _KIND_BODIES.get(meeting.kind, "")
    if body:
        return body
    if meeting.kind != MeetingKind.OTHER:
        return ""
    if _COUNCIL.search(meeting.name) and not _NOT_COUNCIL.search(meeting.name):
        return "Council"
    if _PLENIPOTENTIARY.search(meeting.name):
        return "PP"
    if _STUDY_GROUP.search(meeting.name):
        return "SG"
    return ""


def estimated_day(body: str, year: int) -> date:
    """The calendar guess for a meeting of ``body`` in ``year`` that the schedule lacks.

    The ITU Council usually meets in June or July: 15 July. A Plenipotentiary
    Conference opens between late September and early November: 1 October,
    so that a reminder comes before it rather than after. Anything else
    (TSAG, WTSA...): 31 December, the latest it can be.
    """
    if body == "Council":
        return date(year, 7, 15)
    if body == "PP":
        return date(year, 10, 1)
    return date(year, 12, 31)


def months_earlier(day: date, months: int) -> date:
    """``day`` moved back by whole calendar months, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class Schedule:
    """The meetings, indexed once by body and local start date, in ``tz``."""

    def __init__(self, meetings: Iterable[MeetingLike], tz: ZoneInfo) -> None:
        self.tz = tz
        self._meetings: dict[str, list[MeetingLike]] = {}
        self._days: dict[str, list[date]] = {}
        self._first: dict[tuple[str, int], MeetingLike] = {}
        for meeting in sorted(meetings, key=lambda meeting: meeting.start):
            body = body_of(meeting)
            if body:
                day = self.day(meeting)
                self._meetings.setdefault(body, []).append(meeting)
                self._days.setdefault(body, []).append(day)
                self._first.setdefault((body, day.year), meeting)

    def day(self, meeting: MeetingLike) -> date:
        return local_date(meeting.start, self.tz)

    def first_in(self, body: str, year: int) -> MeetingLike | None:
        return self._first.get((body, year))

    def from_day(self, body: str, day: date) -> Iterator[MeetingLike]:
        """Meetings of ``body`` starting on or after ``day``, earliest first."""
        days = self._days.get(body, [])
        meetings = self._meetings.get(body, [])
        return iter(meetings[bisect.bisect_left(days, day) :])

    def last_before(self, body: str, day: date) -> MeetingLike | None:
        days = self._days.get(body, [])
        index = bisect.bisect_left(days, day)
        return self._meetings[body][index - 1] if index else None

    def meeting_for(self, term: Term) -> MeetingLike | None:
        """The one schedule meeting a ``meeting`` term names, if the schedule has it."""
        if term.kind != TermKind.MEETING:
            return None
        if term.which.startswith(LAST_BEFORE):
            target = _reference(term.which.removeprefix(LAST_BEFORE).lower())
            if target is None or target[1] is None:
                return None
            found = self.first_in(target[0], target[1])
            return self.last_before(term.body, self.day(found)) if found else None
        return self.first_in(term.body, term.year) if term.year is not None else None


# -- due dates ---------------------------------------------------------------------


def due_dates(terms: Iterable[Term], schedule: Schedule, today: date) -> list[DueDate]:
    """The due date of every term that has one, earliest first."""
    found = (_due(term, schedule, today) for term in terms)
    return sorted((due for due in found if due is not None), key=lambda due: due.day)


def _due(term: Term, schedule: Schedule, today: date) -> DueDate | None:
    if term.kind == TermKind.DATE and term.on is not None:
        return DueDate(term.on, term)
    if term.kind == TermKind.ANNUAL:
        return DueDate(date(today.year, 12, 31), term)
    if term.kind == TermKind.EACH:
        return _recurring(term, schedule, today)
    if term.kind == TermKind.MEETING:
        return _one_meeting(term, schedule)
    return None


def _one_meeting(term: Term, schedule: Schedule) -> DueDate | None:
    meeting = schedule.meeting_for(term)
    if meeting is not None:
        return DueDate(months_earlier(schedule.day(meeting), term.months_before), term, meeting)
    if term.year is None:
        return None
    guess = estimated_day(term.body, term.year)
    return DueDate(months_earlier(guess, term.months_before), term, None, estimated=True)


def _recurring(term: Term, schedule: Schedule, today: date) -> DueDate | None:
    """The next meeting whose due day is on or after today; the Council is estimated."""
    for meeting in schedule.from_day(term.body, today):
        day = months_earlier(schedule.day(meeting), term.months_before)
        if day >= today:
            return DueDate(day, term, meeting)
    if term.body == "Council":
        return _next_council_guess(term, schedule, today)
    return None


def _next_council_guess(term: Term, schedule: Schedule, today: date) -> DueDate:
    """The first estimated Council (15 July) due on or after today, in a year the
    schedule has no Council for (a year it has one for is already decided)."""
    year = today.year
    while True:
        day = months_earlier(estimated_day("Council", year), term.months_before)
        if day >= today and schedule.first_in("Council", year) is None:
            return DueDate(day, term, None, estimated=True)
        year += 1


def item_due(milestone: str, schedule: Schedule, today: date, *, soon_days: int = 14) -> ItemDue:
    """Where an item with this milestone stands on ``today``."""
    terms = parse_milestone(milestone)
    dues = due_dates(terms, schedule, today)
    upcoming = next((due for due in dues if due.day >= today), None)
    past = [due for due in dues if due.day < today]
    last_past = past[-1] if past else None
    if upcoming is not None:
        soon = (upcoming.day - today).days <= soon_days
        return ItemDue(DueState.SOON if soon else DueState.LATER, upcoming, last_past)
    if last_past is not None:
        return ItemDue(DueState.PAST, None, last_past)
    undated = any(term.kind in (TermKind.ONGOING, TermKind.EACH, TermKind.ANNUAL) for term in terms)
    return ItemDue(DueState.ONGOING if undated else DueState.UNKNOWN)


def names_meeting(milestone: str, meeting: MeetingLike, schedule: Schedule) -> bool:
    """Whether an item with this milestone is due at ``meeting``.

    A recurring term (``Each TSAG meeting``, ``next TSAG``, ``Council``) names every
    meeting of its body. A dated term names only the meeting it resolves to:
    ``TSAG2023`` names the first TSAG of 2023, not the later ones. ``Before
    WTSA-24`` names the WTSA; ``3 months before WTSA-24`` names no meeting (it is
    due on a day before it). A meeting of another body is never named.
    """
    body = body_of(meeting)
    if not body:
        return False
    return any(_names(term, body, meeting, schedule) for term in parse_milestone(milestone))


def _names(term: Term, body: str, meeting: MeetingLike, schedule: Schedule) -> bool:
    if term.body != body or term.months_before:
        return False
    if term.kind == TermKind.EACH:
        return True
    resolved = schedule.meeting_for(term)
    return resolved is not None and _same(resolved, meeting)


def _same(one: MeetingLike, other: MeetingLike) -> bool:
    return one is other or (one.kind, one.name, one.start) == (other.kind, other.name, other.start)
