"""Local dates and times as meeting documents and schedule files write them.

Documents write Geneva time as ``CET``, ``CEST`` or ``Geneva time`` whatever
the season, meaning the clock on the wall in Geneva; they are all read as the
zone ``Europe/Zurich`` so that a winter ``CET`` and a summer ``CEST`` both land
on the right UTC instant.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

GENEVA = "Europe/Zurich"

_GENEVA_NAMES = frozenset(
    {"cet", "cest", "geneva", "geneva time", "central european time", "swiss time"}
)
_UTC_NAMES = frozenset({"utc", "gmt", "z"})

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}


class TimeError(ValueError):
    """A date, time or zone that cannot be read; the message says which and why."""


def zone_named(name: str) -> ZoneInfo:
    """The zone a document or file names: an IANA name, CET/CEST/Geneva time, or UTC."""
    key = " ".join(name.strip().lower().split())
    if key in _GENEVA_NAMES:
        return ZoneInfo(GENEVA)
    if key in _UTC_NAMES:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise TimeError(
            f"unknown time zone {name.strip()!r} (use a name like Europe/Zurich)"
        ) from (error)


def local_datetime(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in ``tz``.

    A time that the clocks skip (the spring change) is an error; a time that
    happens twice (the autumn change) is read as its first occurrence.
    """
    wall = datetime.combine(day, at.replace(tzinfo=None), tzinfo=tz)
    there_and_back = wall.astimezone(UTC).astimezone(tz)
    if there_and_back.replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise TimeError(
            f"{day.isoformat()} {at.strftime('%H:%M')} does not exist in {tz.key} "
            "(the clocks go forward then)"
        )
    return wall.astimezone(UTC)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant a local day begins."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def whole_days(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end (midnight after ``last``) of an all-day span, in UTC."""
    return local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MOMENT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
    r"|^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$",
    re.IGNORECASE,
)
_WORDY_DATE = re.compile(
    r"^(?:(?P<weekday>[a-z]+),?\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    r"(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$",
    re.IGNORECASE,
)
_TIME = re.compile(r"^(\d{1,2})(?::|\.|h)?(\d{2})$")


def parse_date(text: str) -> date:
    """``2025-02-11``, ``11 February 2025`` or ``Tuesday 11 February 2025``."""
    cleaned = " ".join(text.strip().split())
    try:
        match = _ISO_DATE.match(cleaned)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _WORDY_DATE.match(cleaned)
        if match and match["month"].lower() in MONTHS:
            day = date(int(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))
            weekday = (match["weekday"] or "").lower()
            if weekday and WEEKDAYS.get(weekday, day.weekday()) != day.weekday():
                raise TimeError(f"{cleaned!r}: {day.isoformat()} is a {day.strftime('%A')}")
            return day
    except ValueError as error:
        if isinstance(error, TimeError):
            raise
        raise TimeError(f"{cleaned!r} is not a real date ({error})") from error
    raise TimeError(f"{cleaned!r} is not a date (write 2025-02-11 or 11 February 2025)")


def parse_time(text: str) -> time:
    """``13:00``, ``13.00``, ``1300`` or ``13h00``."""
    cleaned = text.strip().lower().removesuffix("hours").removesuffix("hrs").strip()
    match = _TIME.match(cleaned)
    if match:
        hour, minute = int(match[1]), int(match[2])
        if hour == 24 and minute == 0:
            return time(23, 59)
        if hour < 24 and minute < 60:
            return time(hour, minute)
        raise TimeError(f"{text.strip()!r} is not a time of day")
    raise TimeError(f"{text.strip()!r} is not a time (write 13:00)")


def parse_date_time(text: str, tz: tzinfo = UTC) -> tuple[date, time | None]:
    """A date with an optional time: ``2025-02-11 13:00``, ``2025-02-11T13:00``.

    ISO 8601 with seconds (what YAML writes for a timestamp) or an offset
    (``2025-02-11T12:00:00Z``, ``2025-02-11T13:00+01:00``) is read too; a moment
    with an offset is given as the day and time it is in ``tz``."""
    if _ISO_MOMENT.match(text.strip()):
        return _iso_moment(text.strip(), tz)
    cleaned = " ".join(text.strip().replace("T", " ", 1).split()) if "T" in text else text
    cleaned = " ".join(cleaned.split())
    head, _, tail = cleaned.rpartition(" ")
    if head and _TIME.match(tail.lower()):
        return parse_date(head), parse_time(tail)
    return parse_date(cleaned), None


def _iso_moment(text: str, tz: tzinfo) -> tuple[date, time]:
    compact = text[:10] + "T" + "".join(text[11:].split()).replace(",", ".")
    try:
        moment = datetime.fromisoformat(compact.upper())
    except ValueError as error:
        raise TimeError(f"{text!r} is not a real date and time ({error})") from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.date(), moment.time().replace(tzinfo=None)
