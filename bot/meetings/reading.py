"""Reading a question's words: mentions, typos, the kinds of meeting and the window it names.

Windows are local days: "this week" runs from Monday 00:00 to the next Monday
00:00 in ``tz`` (167 or 169 hours in a week the clocks change), "this month"
from the first to the first of the next month, "in January" the whole month
(the coming January, or the last one for a question about the past, unless a
year is given: "March 2027"); "in the next 14 days" runs from ``now`` to the
end of the 14th day after today, so that the days the header names are the days
the list covers (at most :data:`MAX_WINDOW_DAYS`: "the next 5000 days" is the next
366, and says so; "the next 0 days" is today); "since Monday" from the start of the
last Monday until ``now``, and "since 1 March", "since March", "since last week" from
the start of the day, month or week named until ``now``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.meetings.model import MeetingKind, parse_kind
from bot.meetings.when import local_date, local_midnight
from bot.plan.ids import normalize_dashes
from bot.render import count

MAX_WINDOW_DAYS = 366

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_KIND_TEXT = re.compile(
    r"\b(inter-?regional(?: meetings?)?|irms?|tsags?|wtsa|assembly"
    r"|working[ -]part(?:y|ies)|wps?|rapporteur[ -]groups?|rgs?"
    r"|regional(?: preparatory)?(?: meetings?)?|rpms?)\b"
)
_PLURAL = {"working parties": "working party", "working-parties": "working party"}
_NEXT_DAYS = re.compile(
    r"\b(?:in|within|over|during)?\s*(?:the\s+)?(?:next|coming)\s+(\d{1,6})\s+(days?|weeks?)\b"
)
_WINDOW_TEXT = re.compile(
    r"\b(today|tomorrow|yesterday|this week|next week|last week|this month|next month"
    r"|last month)\b"
)
MONTHS = (
    *("january", "february", "march", "april", "may", "june", "july", "august"),
    *("september", "october", "november", "december"),
)
# "may" is a month only where a month is expected ("in May", "May 2027"): else a verb.
_SHORT_MONTHS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept?", "oct", "nov", "dec")
_MONTH_WORD = "|".join([*(month for month in MONTHS if month != "may"), *_SHORT_MONTHS])
_MONTH = re.compile(
    rf"\b(?:(?P<month>{_MONTH_WORD})\b(?:\s+(?P<year>20\d\d))?"
    rf"|(?:in|during|of|for|since)\s+(?P<may>may)\b(?:\s+(?P<may_year>20\d\d))?"
    rf"|may\s+(?P<year_after_may>20\d\d))"
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SINCE_DAY = re.compile(rf"\bsince (?:last )?(?P<day>{'|'.join(WEEKDAYS)}|yesterday|today)\b")
_SINCE = re.compile(r"\bsince\s+(?P<rest>\S.*)")
_ANY_MONTH = "|".join([*MONTHS, *_SHORT_MONTHS])
_DAY_OF_MONTH = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_ANY_MONTH})"
    rf"|(?P<month_first>{_ANY_MONTH})\s+(?P<day_after>\d{{1,2}})(?:st|nd|rd|th)?)\b"
    r"(?:,?\s+(?P<year>20\d\d)\b)?"
)
_ISO_DAY = re.compile(r"\b(?P<year>20\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
_YEAR = re.compile(r"\b(?:in|during|for|of)\s+(?P<year>20\d\d)\b")

# Words a question is made of; another word one slip away from one of these (two for
# long words) is read as it: "wehn" is "when", "agnda" "agenda", "deadlnes" "deadlines".
VOCABULARY = frozenset(
    (
        "when what which where who how is are was were did does do the a an of at on in to "
        "for and or next last previous latest recent past upcoming coming this that these "
        "week weeks month months day days today tomorrow yesterday since during until list "
        "meeting meetings deadline deadlines agenda documents document docs link join "
        "changed change changes updated updates update status done due open show tell "
        "me my our there any all new happened contribution contributions schedule "
        "calendar irm irms tsag tsags wtsa assembly working party parties rapporteur "
        "group groups regional preparatory inter-regional wp wps rg rgs rpm rpms study "
        "with from about again help please thanks item items action plan have has "
        "will be been find get give see much many more most held take place planned "
        "zoom webex url dial joining online connect "
        f"{' '.join(MONTHS)}"
    ).split()
)
_TARGETS = frozenset(w for w in VOCABULARY if len(w) >= 4) - {"tsags", "irms", "rpms"}
"""The words a slip is read as: not the short ones, nor a kind's plural, which too many
words are one letter away from ("tags", "rags")."""
_WORD = re.compile(r"[a-z][a-z'-]+")


@dataclass(frozen=True)
class Window:
    """A span of time, ``start`` included and ``end`` excluded, as the asker named it."""

    start: datetime
    end: datetime
    label: str


def mentions(text: str, user_id: str | None) -> bool:
    """Whether a message's text mentions ``user_id`` (``<@U123>``, ``<@U123|name>``)."""
    return bool(user_id) and any(m.group(1) == user_id for m in _MENTION.finditer(text))


def strip_mentions(text: str) -> str:
    return " ".join(_MENTION.sub(" ", text).split())


def _corrected(match: re.Match[str]) -> str:
    word = match.group(0)
    if word in VOCABULARY or len(word) < 4:
        return word
    found = process.extractOne(
        word, _TARGETS, scorer=OSA.distance, score_cutoff=1 if len(word) < 7 else 2
    )
    return str(found[0]) if found else word


def clean(text: str) -> str:
    """The words of a question: lower case, one space, typos read, end punctuation off
    (``"when is the next IRM ?"`` is ``"when is the next irm"``)."""
    text = normalize_dashes(strip_mentions(text)).lower()
    text = text.replace("\u2019", "'").replace("&amp;", "&").replace("\u00a0", " ")
    text = _WORD.sub(_corrected, text)
    return " ".join(text.split()).strip(" .!?,;:")


def find_kinds(text: str) -> tuple[MeetingKind, ...]:
    """The kinds of meeting a text names, in the order it names them."""
    found: dict[MeetingKind, None] = {}
    for match in _KIND_TEXT.finditer(clean(text)):
        kind = kind_named(match.group(1))
        if kind is not None:
            found[kind] = None
    return tuple(found)


def kind_named(word: str) -> MeetingKind | None:
    """:func:`parse_kind` that also reads plurals and "meeting": ``IRMs``, ``TSAG meetings``."""
    word = re.sub(r"\s+meetings?$", "", word.strip())
    word = _PLURAL.get(word, word)
    return parse_kind(word) or parse_kind(word.removesuffix("s"))


def window_for(name: str, now: datetime, tz: ZoneInfo) -> Window:
    """``today``, ``tomorrow``, ``yesterday``, ``this``/``next``/``last week`` or ``month``."""
    today = local_date(now, tz)
    if name in ("today", "tomorrow", "yesterday"):
        first = today + timedelta(days={"today": 0, "tomorrow": 1, "yesterday": -1}[name])
        last = first + timedelta(days=1)
    elif name.endswith("week"):
        first = today - timedelta(days=today.weekday())
        first += timedelta(days={"this": 0, "next": 7, "last": -7}[name.split()[0]])
        last = first + timedelta(days=7)
    else:
        first = today.replace(day=1)
        if name == "next month":
            first = _next_month(first)
        elif name == "last month":
            first = (first - timedelta(days=1)).replace(day=1)
        last = _next_month(first)
    return Window(local_midnight(first, tz), local_midnight(last, tz), name)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_window(
    month: int, year: int | None, now: datetime, tz: ZoneInfo, *, past: bool
) -> Window:
    """A named month: of ``year``, else the coming one (this month included), or for a
    question about the past the last one (this month included)."""
    today = local_date(now, tz)
    if year is None:
        year = today.year
        if not past and month < today.month:
            year += 1
        elif past and month > today.month:
            year -= 1
    first = date(year, month, 1)
    label = f"in {MONTHS[month - 1].capitalize()} {year}"
    return Window(local_midnight(first, tz), local_midnight(_next_month(first), tz), label)


def since_day(name: str, now: datetime, tz: ZoneInfo) -> Window:
    """ "since Monday": from the start of the last Monday before today (or of today,
    yesterday) until now."""
    today = local_date(now, tz)
    if name in ("today", "yesterday"):
        first = today - timedelta(days=1 if name == "yesterday" else 0)
        return Window(local_midnight(first, tz), now, f"since {name}")
    first = today - timedelta(days=(today.weekday() - WEEKDAYS.index(name) - 1) % 7 + 1)
    return Window(local_midnight(first, tz), now, f"since {name.capitalize()}")


def since_start(text: str, now: datetime, tz: ZoneInfo) -> Window | None:
    """ "since 1 March", "since 2026-11-20", "since March", "since last week": from the
    start of the day, month or week named (the last one, for a day or month without a
    year) until ``now``; None if ``text`` names no such time."""
    day = _named_day(text, now, tz)
    if day is not None:
        label = f"{day.day} {MONTHS[day.month - 1].capitalize()} {day.year}"
        return Window(local_midnight(day, tz), now, f"since {label}")
    named = find_window(f"in {text}", now, tz, past=True)  # "since May" starts "in May"
    if named is None:
        return None
    return Window(named.start, now, f"since {named.label.removeprefix('in ')}")


def _named_day(text: str, now: datetime, tz: ZoneInfo) -> date | None:
    """The day a text names by its date, the last one up to today when it gives no year
    (29 February: the last leap year's)."""
    iso = _ISO_DAY.search(text)
    found = iso or _DAY_OF_MONTH.search(text)
    if found is None:
        return None
    if iso:
        years, month, number = [int(iso["year"])], int(iso["month"]), int(iso["day"])
    else:
        month = _month_number(found["month"] or found["month_first"])
        number = int(found["day"] or found["day_after"])
        today = local_date(now, tz)
        years = (
            [int(found["year"])] if found["year"] else list(range(today.year, today.year - 8, -1))
        )
    for year in years:
        try:
            day = date(year, month, number)
        except ValueError:
            continue
        if len(years) == 1 or day <= local_date(now, tz):
            return day
    return None


def _month_number(word: str) -> int:
    return next(n for n, name in enumerate(MONTHS, start=1) if name.startswith(word[:3]))


def find_window(text: str, now: datetime, tz: ZoneInfo, *, past: bool = False) -> Window | None:
    """The span of time a question names, if it names one (see the module docstring)."""
    cleaned = clean(text)
    match = _NEXT_DAYS.search(cleaned)
    if match:
        number = int(match.group(1))
        days = number * (7 if match.group(2).startswith("week") else 1)
        if days == 0:
            return window_for("today", now, tz)
        said = count(number, match.group(2).rstrip("s"))
        if days > MAX_WINDOW_DAYS:  # capped, and the header says so
            days, said = MAX_WINDOW_DAYS, count(MAX_WINDOW_DAYS, "day")
        last = local_date(now, tz) + timedelta(days=days + 1)
        return Window(now, local_midnight(last, tz), f"in the next {said}")
    since = _SINCE_DAY.search(cleaned)
    if since:
        return since_day(since["day"], now, tz)
    since = _SINCE.search(cleaned)
    if since:
        found = since_start(since["rest"], now, tz)
        if found is not None:
            return found
    named = _WINDOW_TEXT.search(cleaned)
    if named:
        return window_for(named.group(1), now, tz)
    month = _MONTH.search(cleaned)
    if month:
        word = month["month"] or "may"
        year = month["year"] or month["may_year"] or month["year_after_may"]
        return month_window(_month_number(word), int(year) if year else None, now, tz, past=past)
    year_only = _YEAR.search(cleaned)
    if year_only:
        year = int(year_only["year"])
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        return Window(local_midnight(start, tz), local_midnight(end, tz), f"in {year}")
    return None
