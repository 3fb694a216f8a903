"""The iCalendar feed, read back by the ``icalendar`` package.

Every check compares against exact instants: what a subscriber's calendar app
shows must be the UTC instant the bot stored, in winter, in summer and on the
days the clocks change, whether the app uses its own zone database or the
feed's VTIMEZONE.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Timezone, vText

from bot.meetings.ical import calendar_feed, fold, vtimezone
from bot.store.models import AgendaItem, Meeting

ZURICH = ZoneInfo("Europe/Zurich")
NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
CREATED = datetime(2024, 11, 1, 8, 0, tzinfo=UTC)
UPDATED = datetime(2024, 12, 2, 9, 30, tzinfo=UTC)


def make_meeting(
    uid: str = "tsag-2025-02",
    name: str = "TSAG meeting",
    start: datetime = datetime(2025, 2, 3, 8, 30, tzinfo=UTC),
    end: datetime = datetime(2025, 2, 7, 16, 0, tzinfo=UTC),
    **fields: Any,
) -> Meeting:
    values: dict[str, Any] = {
        "kind": "tsag",
        "all_day": False,
        "timezone": "Europe/Zurich",
        "mode": "",
        "place": "",
        "link": "",
        "deadline": None,
        "documents": [],
        "source": "",
        "created_at": CREATED,
        "updated_at": UPDATED,
    }
    values.update(fields)
    return Meeting(uid=uid, name=name, start=start, end=end, **values)


def feed(*meetings: Meeting, tz: ZoneInfo = ZURICH) -> bytes:
    return calendar_feed(meetings, tz=tz, now=NOW)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(data: bytes) -> dict[str, Any]:
    return {str(event["UID"]): event for event in parse(data).walk("VEVENT")}


def unfold(data: bytes) -> list[str]:
    """The content lines, unfolded (RFC 5545 3.1)."""
    assert data.endswith(b"\r\n")
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def event_lines(data: bytes) -> list[str]:
    """The content lines inside VEVENTs."""
    inside, found = False, []
    for line in unfold(data):
        inside = (inside or line == "BEGIN:VEVENT") and line != "END:VEVENT"
        if inside:
            found.append(line)
    return found


def with_private_tzid(data: bytes) -> bytes:
    """The feed with its zone renamed, so icalendar must read times through the VTIMEZONE.

    icalendar resolves a TZID it knows (Europe/Zurich) with its own zone
    database; under an unknown name it builds the zone from the VTIMEZONE.
    """
    private = f"Tsagbot Test {uuid.uuid4().hex}"
    lines = [line.replace("TZID=Europe/Zurich", f"TZID={private}") for line in unfold(data)]
    lines = [f"TZID:{private}" if line == "TZID:Europe/Zurich" else line for line in lines]
    return b"".join(fold(line) for line in lines)


# Timed meetings


TIMED_CASES = [
    pytest.param(  # CET, +01:00
        datetime(2025, 2, 3, 8, 30, tzinfo=UTC),
        datetime(2025, 2, 7, 16, 0, tzinfo=UTC),
        "DTSTART;TZID=Europe/Zurich:20250203T093000",
        "DTEND;TZID=Europe/Zurich:20250207T170000",
        id="winter",
    ),
    pytest.param(  # CEST, +02:00
        datetime(2025, 7, 1, 7, 0, tzinfo=UTC),
        datetime(2025, 7, 1, 15, 30, tzinfo=UTC),
        "DTSTART;TZID=Europe/Zurich:20250701T090000",
        "DTEND;TZID=Europe/Zurich:20250701T173000",
        id="summer",
    ),
    pytest.param(  # clocks go forward at 01:00 UTC: 01:30 CET, then 03:30 CEST
        datetime(2025, 3, 30, 0, 30, tzinfo=UTC),
        datetime(2025, 3, 30, 1, 30, tzinfo=UTC),
        "DTSTART;TZID=Europe/Zurich:20250330T013000",
        "DTEND;TZID=Europe/Zurich:20250330T033000",
        id="spring-change",
    ),
    pytest.param(  # clocks go back at 01:00 UTC: 02:30 happens twice; the second only in UTC
        datetime(2025, 10, 26, 0, 30, tzinfo=UTC),
        datetime(2025, 10, 26, 1, 30, tzinfo=UTC),
        "DTSTART;TZID=Europe/Zurich:20251026T023000",
        "DTEND:20251026T013000Z",
        id="autumn-change",
    ),
]


@pytest.mark.parametrize(("start", "end", "start_line", "end_line"), TIMED_CASES)
def test_timed_meeting_is_written_in_local_time_and_resolves_to_its_utc_instant(
    start: datetime, end: datetime, start_line: str, end_line: str
) -> None:
    data = feed(make_meeting(start=start, end=end))

    lines = unfold(data)
    assert start_line in lines
    assert end_line in lines
    event = events(data)["tsag-2025-02@tsagbot"]
    # astimezone: an aware time in a repeated hour never equals one in another zone (PEP 495)
    assert event["DTSTART"].dt.astimezone(UTC) == start
    assert event["DTSTART"].dt.utcoffset() == start.astimezone(ZURICH).utcoffset()
    assert event["DTEND"].dt.astimezone(UTC) == end


@pytest.mark.parametrize(
    ("start", "end"), [pytest.param(*case.values[:2], id=case.id) for case in TIMED_CASES]
)
def test_timed_meeting_resolves_through_the_feeds_own_vtimezone(
    start: datetime, end: datetime
) -> None:
    data = with_private_tzid(feed(make_meeting(start=start, end=end)))

    event = events(data)["tsag-2025-02@tsagbot"]
    assert event["DTSTART"].dt.tzinfo is not None
    assert not isinstance(event["DTSTART"].dt.tzinfo, ZoneInfo)
    assert event["DTSTART"].dt.astimezone(UTC) == start
    assert event["DTEND"].dt.astimezone(UTC) == end


def test_meeting_that_ends_when_it_starts_has_no_dtend() -> None:
    moment = datetime(2025, 2, 3, 8, 30, tzinfo=UTC)
    event = events(feed(make_meeting(start=moment, end=moment)))["tsag-2025-02@tsagbot"]

    assert event["DTSTART"].dt == moment
    assert "DTEND" not in event


# All-day meetings


@pytest.mark.parametrize(
    ("start", "end", "zone", "first", "after_last"),
    [
        pytest.param(  # 3-7 February, midnights in CET
            datetime(2025, 2, 2, 23, 0, tzinfo=UTC),
            datetime(2025, 2, 7, 23, 0, tzinfo=UTC),
            "Europe/Zurich",
            date(2025, 2, 3),
            date(2025, 2, 8),
            id="winter",
        ),
        pytest.param(  # 1 July, midnights in CEST
            datetime(2025, 6, 30, 22, 0, tzinfo=UTC),
            datetime(2025, 7, 1, 22, 0, tzinfo=UTC),
            "Europe/Zurich",
            date(2025, 7, 1),
            date(2025, 7, 2),
            id="summer",
        ),
        pytest.param(  # 29-31 March, across the spring change
            datetime(2025, 3, 28, 23, 0, tzinfo=UTC),
            datetime(2025, 3, 31, 22, 0, tzinfo=UTC),
            "Europe/Zurich",
            date(2025, 3, 29),
            date(2025, 4, 1),
            id="across-the-change",
        ),
        pytest.param(  # entered in Tokyo: the dates are Tokyo's, not the feed zone's
            datetime(2025, 2, 2, 15, 0, tzinfo=UTC),
            datetime(2025, 2, 4, 15, 0, tzinfo=UTC),
            "Asia/Tokyo",
            date(2025, 2, 3),
            date(2025, 2, 5),
            id="other-zone",
        ),
    ],
)
def test_all_day_meeting_is_written_as_dates_with_an_exclusive_end(
    start: datetime, end: datetime, zone: str, first: date, after_last: date
) -> None:
    data = feed(make_meeting(start=start, end=end, all_day=True, timezone=zone))

    lines = unfold(data)
    assert f"DTSTART;VALUE=DATE:{first:%Y%m%d}" in lines
    assert f"DTEND;VALUE=DATE:{after_last:%Y%m%d}" in lines
    event = events(data)["tsag-2025-02@tsagbot"]
    assert type(event["DTSTART"].dt) is date
    assert event["DTSTART"].dt == first
    assert event["DTEND"].dt == after_last


# Text


NAME = "Genève – “quoted”, part 1; see\nnext line \\ end"


def test_text_is_escaped_and_round_trips() -> None:
    data = feed(
        make_meeting(
            name=NAME,
            place="Room A, Building B; floor 2",
            source="TSAG-TD10, rev. 1; \\\\server\\share",
            mode="physical",
        )
    )

    assert "SUMMARY:Genève – “quoted”\\, part 1\\; see\\nnext line \\\\ end" in unfold(data)
    event = events(data)["tsag-2025-02@tsagbot"]
    assert str(event["SUMMARY"]) == NAME
    assert str(event["LOCATION"]) == "Room A, Building B; floor 2"
    assert str(event["DESCRIPTION"]) == (
        "Mode: physical\nSource: TSAG-TD10, rev. 1; \\\\server\\share"
    )


def test_carriage_returns_and_control_characters_do_not_break_lines() -> None:
    data = feed(make_meeting(name="first\r\nsecond\rthird\x07 bell\tand tab"))

    assert "SUMMARY:first\\nsecond\\nthird bell\tand tab" in unfold(data)
    assert str(events(data)["tsag-2025-02@tsagbot"]["SUMMARY"]) == (
        "first\nsecond\nthird bell\tand tab"
    )


def test_physical_lines_are_folded_at_75_octets_with_crlf() -> None:
    name = "Genève – “quoted” " * 12 + "😀" * 40 + "x" * 80
    data = feed(make_meeting(name=name, place="é" * 120, link="https://example.org/" + "a" * 150))

    physical = data.split(b"\r\n")
    assert physical[-1] == b""
    for line in physical[:-1]:
        assert len(line) <= 75, line
        assert b"\n" not in line
        assert b"\r" not in line
        line.decode("utf-8")  # no character split across a fold
    assert max(len(line) for line in physical) == 75
    assert f"SUMMARY:{name}" in unfold(data)
    assert str(events(data)["tsag-2025-02@tsagbot"]["SUMMARY"]) == name


@pytest.mark.parametrize(
    ("line", "folded"),
    [
        ("A" * 75, b"A" * 75 + b"\r\n"),
        ("A" * 76, b"A" * 75 + b"\r\n A\r\n"),
        ("A" * 74 + "é", b"A" * 74 + b"\r\n \xc3\xa9\r\n"),
        ("A" * 73 + "é", b"A" * 73 + b"\xc3\xa9\r\n"),
        ("A" * 75 + "B" * 74 + "C", b"A" * 75 + b"\r\n " + b"B" * 74 + b"\r\n C\r\n"),
        ("A" * 73 + "😀", b"A" * 73 + b"\r\n \xf0\x9f\x98\x80\r\n"),
    ],
)
def test_fold_counts_octets_and_never_splits_a_character(line: str, folded: bytes) -> None:
    assert fold(line) == folded


# Calendar and events


def test_empty_schedule_is_a_valid_calendar() -> None:
    data = calendar_feed([], tz=ZURICH, now=NOW)

    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    calendar = parse(data)
    assert calendar.walk("VEVENT") == []
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "TSAG and WTSA meetings"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Zurich"
    assert str(calendar["PRODID"]) == "-//tsagbot//Meeting schedule//EN"


def test_calendar_name_and_domain() -> None:
    data = calendar_feed(
        [make_meeting()], tz=ZURICH, now=NOW, name="ITU-T, TSAG; all", domain="example.org"
    )

    # X- properties are TEXT (RFC 5545 3.8.8.2); icalendar leaves them undecoded,
    # so compare with icalendar's own escaping of the name
    written = str(parse(data)["X-WR-CALNAME"])
    assert written == "ITU-T\\, TSAG\\; all"
    assert written.encode() == vText("ITU-T, TSAG; all").to_ical()
    assert list(events(data)) == ["tsag-2025-02@example.org"]


def test_event_properties() -> None:
    meeting = make_meeting(
        kind="working_party",
        mode="hybrid",
        place="ITU headquarters, Geneva",
        link="https://www.itu.int/go/tsag/é",
        deadline=datetime(2025, 1, 24, 22, 59, tzinfo=UTC),
        documents=["TD100", "TD200"],
        source="TSAG-TD10",
    )
    meeting.agenda.append(AgendaItem(position=0, title="Opening", documents=["TD1", "TD2"]))
    meeting.agenda.append(AgendaItem(position=1, title="Closing", documents=[]))

    event = events(feed(meeting))["tsag-2025-02@tsagbot"]

    assert event["DTSTAMP"].dt == NOW
    assert event["CREATED"].dt == CREATED
    assert event["LAST-MODIFIED"].dt == UPDATED
    assert str(event["LOCATION"]) == "ITU headquarters, Geneva"
    assert str(event["URL"]) == "https://www.itu.int/go/tsag/%C3%A9"
    assert [str(category) for category in event["CATEGORIES"].cats] == ["Working party"]
    assert str(event["DESCRIPTION"]) == (
        "Mode: hybrid\n"
        "Link: https://www.itu.int/go/tsag/é\n"
        "Contribution deadline: 24 January 2025, 23:59 (Europe/Zurich)\n"
        "Documents: TD100, TD200\n"
        "Agenda:\n"
        "1. Opening (TD1, TD2)\n"
        "2. Closing\n"
        "Source: TSAG-TD10"
    )


@pytest.mark.parametrize(
    ("mode", "place", "link", "location", "url"),
    [
        ("virtual", "", "https://zoom.example/j/1", "https://zoom.example/j/1", True),
        ("", "", "https://zoom.example/j/1", "https://zoom.example/j/1", True),
        ("physical", "", "https://itu.int", None, True),
        ("hybrid", "Geneva", "https://itu.int", "Geneva", True),
        ("virtual", "", "see the chat", "see the chat", False),
    ],
)
def test_location_and_url(
    mode: str, place: str, link: str, location: str | None, url: bool
) -> None:
    event = events(feed(make_meeting(mode=mode, place=place, link=link)))["tsag-2025-02@tsagbot"]

    assert (str(event["LOCATION"]) if "LOCATION" in event else None) == location
    assert ("URL" in event) is url


@pytest.mark.parametrize(
    ("deadline", "text"),
    [
        (datetime(2025, 2, 3, 22, 59, tzinfo=UTC), "3 February 2025, 23:59 (Europe/Zurich)"),
        (datetime(2025, 7, 10, 21, 59, tzinfo=UTC), "10 July 2025, 23:59 (Europe/Zurich)"),
    ],
)
def test_contribution_deadline_is_its_own_event(deadline: datetime, text: str) -> None:
    meeting = make_meeting(
        name="TSAG, 2025",
        start=datetime(2025, 9, 1, 7, 0, tzinfo=UTC),
        end=datetime(2025, 9, 5, 15, 0, tzinfo=UTC),
        deadline=deadline,
        link="https://itu.int/tsag",
        source="TSAG-TD10",
    )

    data = feed(meeting)

    found = events(data)
    assert list(found) == ["tsag-2025-02-deadline@tsagbot", "tsag-2025-02@tsagbot"]
    marker = found["tsag-2025-02-deadline@tsagbot"]
    assert str(marker["SUMMARY"]) == "Contribution deadline: TSAG, 2025"
    assert marker["DTSTART"].dt == deadline
    assert "DTEND" not in marker
    assert "DURATION" not in marker
    assert str(marker["TRANSP"]) == "TRANSPARENT"
    assert str(marker["URL"]) == "https://itu.int/tsag"
    assert str(marker["DESCRIPTION"]) == (
        f"Contributions to TSAG, 2025 are due by {text}.\n"
        "The meeting starts 1 September 2025, 09:00 (Europe/Zurich).\n"
        "Source: TSAG-TD10"
    )
    assert f"Contribution deadline: {text}" in str(found["tsag-2025-02@tsagbot"]["DESCRIPTION"])
    assert f"DTSTART;TZID=Europe/Zurich:{deadline.astimezone(ZURICH):%Y%m%dT%H%M%S}" in (
        unfold(data)
    )


def test_output_is_sorted_and_deterministic() -> None:
    def schedule() -> list[Meeting]:
        return [
            make_meeting(uid="c", start=datetime(2025, 3, 1, 8, 0, tzinfo=UTC)),
            make_meeting(uid="b", start=datetime(2025, 2, 1, 8, 0, tzinfo=UTC)),
            make_meeting(
                uid="a",
                start=datetime(2025, 3, 1, 8, 0, tzinfo=UTC),
                deadline=datetime(2025, 2, 10, 22, 59, tzinfo=UTC),
            ),
        ]

    first = feed(*schedule())
    second = feed(*reversed(schedule()))

    assert first == second
    assert list(events(first)) == ["b@tsagbot", "a-deadline@tsagbot", "a@tsagbot", "c@tsagbot"]


# VTIMEZONE


def offsets_from_transitions(zone: Timezone) -> Callable[[datetime], timedelta]:
    """icalendar's own reading of the VTIMEZONE (the one it uses with pytz)."""
    times, info = zone.get_transitions()

    def offset(moment: datetime) -> timedelta:
        index = bisect.bisect_right(times, moment.astimezone(UTC).replace(tzinfo=None)) - 1
        assert index >= 0, f"{moment} is before the first observance"
        return info[index][0]

    return offset


def offsets_from_tzinfo(zone: tzinfo) -> Callable[[datetime], timedelta]:
    def offset(moment: datetime) -> timedelta:
        result = moment.astimezone(zone).utcoffset()
        assert result is not None
        return result

    return offset


def samples(tz: ZoneInfo, first: datetime, last: datetime) -> Iterator[datetime]:
    """Four instants a day, and every five minutes on each day the zone changes."""
    day = first
    while day <= last:
        following = day + timedelta(days=1)
        changes = day.astimezone(tz).utcoffset() != following.astimezone(tz).utcoffset()
        step = timedelta(minutes=5) if changes else timedelta(hours=6)
        moment = day
        while moment < following:
            yield moment
            moment += step
        day = following


def zone_of(data: bytes) -> Timezone:
    (zone,) = parse(data).walk("VTIMEZONE")
    assert isinstance(zone, Timezone)
    return zone


def check_offsets(data: bytes, tz: ZoneInfo, first: datetime, last: datetime) -> None:
    zone = zone_of(data)
    readers = {
        "to_tz": offsets_from_tzinfo(zone.to_tz(lookup_tzid=False)),
        "get_transitions": offsets_from_transitions(zone),
    }
    for moment in samples(tz, first, last):
        expected = moment.astimezone(tz).utcoffset()
        for reader, offset in readers.items():
            assert offset(moment) == expected, (reader, moment)


def test_zurich_vtimezone_is_one_yearly_rule_each_way() -> None:
    data = feed(
        make_meeting(
            uid="a",
            start=datetime(2021, 6, 1, 7, 0, tzinfo=UTC),
            end=datetime(2021, 6, 1, 9, 0, tzinfo=UTC),
        ),
        make_meeting(
            uid="b",
            start=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
            end=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        ),
    )

    zone = zone_of(data)
    (daylight,) = zone.walk("DAYLIGHT")
    (standard,) = zone.walk("STANDARD")
    assert daylight["DTSTART"].dt == datetime(2020, 3, 29, 2, 0)
    assert daylight["RRULE"]["BYMONTH"] == [3]
    assert daylight["RRULE"]["BYDAY"] == ["-1SU"]
    assert standard["DTSTART"].dt == datetime(2020, 10, 25, 3, 0)
    assert standard["RRULE"]["BYDAY"] == ["-1SU"]
    assert str(standard["TZNAME"]) == "CET"
    assert str(daylight["TZNAME"]) == "CEST"


@pytest.mark.parametrize(
    ("local", "offset_hours"),
    [
        (datetime(2021, 1, 15, 9, 0), 1),
        (datetime(2021, 7, 15, 9, 0), 2),
        (datetime(2024, 3, 31, 1, 59), 1),
        (datetime(2024, 3, 31, 3, 0), 2),
        (datetime(2024, 10, 27, 1, 59), 2),
        (datetime(2024, 10, 27, 3, 0), 1),
        (datetime(2026, 2, 1, 9, 0), 1),
        (datetime(2026, 8, 1, 9, 0), 2),
    ],
)
def test_zurich_vtimezone_converts_local_times_like_zoneinfo(
    local: datetime, offset_hours: int
) -> None:
    data = feed(
        make_meeting(
            uid="a",
            start=datetime(2021, 6, 1, 7, 0, tzinfo=UTC),
            end=datetime(2021, 6, 1, 9, 0, tzinfo=UTC),
        ),
        make_meeting(
            uid="b",
            start=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
            end=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        ),
    )
    from_feed = zone_of(data).to_tz(lookup_tzid=False)

    expected = local.replace(tzinfo=ZURICH).astimezone(UTC)
    assert expected == local.replace(tzinfo=UTC) - timedelta(hours=offset_hours)
    assert local.replace(tzinfo=from_feed).astimezone(UTC) == expected


def test_zurich_vtimezone_matches_zoneinfo_at_every_instant_it_covers() -> None:
    first = datetime(2021, 1, 1, tzinfo=UTC)
    last = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    data = feed(
        make_meeting(uid="a", start=first, end=first + timedelta(hours=1)),
        make_meeting(uid="b", start=last, end=last + timedelta(hours=1)),
    )

    check_offsets(data, ZURICH, first, last + timedelta(hours=1))


@pytest.mark.parametrize(
    "key",
    [
        "Asia/Kolkata",
        "Australia/Sydney",
        "Australia/Lord_Howe",  # half-hour daylight saving
        "America/New_York",
        "America/Santiago",
        "Europe/Dublin",  # negative daylight saving in the zone data
        "Africa/Casablanca",  # moves around Ramadan, no yearly rule
        "Asia/Tehran",  # fixed dates, then no daylight saving from 2023
        "UTC",
    ],
)
def test_any_zone_vtimezone_matches_zoneinfo(key: str) -> None:
    tz = ZoneInfo(key)
    first = datetime(2022, 1, 1, tzinfo=UTC)
    last = datetime(2024, 12, 31, 12, 0, tzinfo=UTC)
    data = feed(
        make_meeting(uid="a", start=first, end=first + timedelta(hours=1)),
        make_meeting(uid="b", start=last, end=last + timedelta(hours=1)),
        tz=tz,
    )

    check_offsets(data, tz, first, last + timedelta(hours=1))
    found = events(data)
    assert found["a@tsagbot"]["DTSTART"].dt == first
    assert found["b@tsagbot"]["DTSTART"].dt == last
    assert [str(zone["TZID"]) for zone in parse(data).walk("VTIMEZONE")] == [key]


def test_zone_without_daylight_saving_has_one_standard_observance() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    start = datetime(2025, 7, 1, 4, 0, tzinfo=UTC)
    data = feed(make_meeting(start=start, end=start + timedelta(hours=2)), tz=kolkata)

    zone = zone_of(data)
    assert zone.walk("DAYLIGHT") == []
    (standard,) = zone.walk("STANDARD")
    assert standard["TZOFFSETTO"].td == timedelta(hours=5, minutes=30)
    assert standard["TZOFFSETFROM"].td == timedelta(hours=5, minutes=30)
    assert str(standard["TZNAME"]) == "IST"
    assert "DTSTART;TZID=Asia/Kolkata:20250701T093000" in unfold(data)
    assert events(data)["tsag-2025-02@tsagbot"]["DTSTART"].dt == start


@pytest.mark.parametrize(
    ("start", "line", "offset_hours"),
    [
        (datetime(2025, 1, 20, 22, 0, tzinfo=UTC), "20250121T090000", 11),  # AEDT
        (datetime(2025, 7, 20, 23, 0, tzinfo=UTC), "20250721T090000", 10),  # AEST
        (datetime(2025, 4, 5, 15, 30, tzinfo=UTC), "20250406T023000", 11),  # before the change
        (datetime(2025, 4, 5, 16, 30, tzinfo=UTC), "20250406T023000", 10),  # the repeated hour
        (datetime(2025, 10, 4, 16, 30, tzinfo=UTC), "20251005T033000", 11),  # after it
    ],
)
def test_southern_hemisphere_zone(start: datetime, line: str, offset_hours: int) -> None:
    sydney = ZoneInfo("Australia/Sydney")
    data = feed(make_meeting(start=start, end=start + timedelta(hours=3)), tz=sydney)

    zone = zone_of(data)
    assert {str(part["TZNAME"]) for part in zone.walk("DAYLIGHT")} == {"AEDT"}
    assert {str(part["TZNAME"]) for part in zone.walk("STANDARD")} == {"AEST"}
    written = [text for text in event_lines(data) if text.startswith("DTSTART")]
    if start.astimezone(sydney).fold:
        assert written == [f"DTSTART:{start:%Y%m%dT%H%M%S}Z"]
    else:
        assert written == [f"DTSTART;TZID=Australia/Sydney:{line}"]
    event = events(data)["tsag-2025-02@tsagbot"]
    assert event["DTSTART"].dt.astimezone(UTC) == start
    assert start.astimezone(zone.to_tz(lookup_tzid=False)).utcoffset() == timedelta(
        hours=offset_hours
    )


def test_vtimezone_covers_the_year_before_the_first_instant() -> None:
    lines = vtimezone(ZURICH, datetime(2025, 1, 5, tzinfo=UTC), datetime(2025, 1, 6, tzinfo=UTC))

    assert lines == [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Zurich",
        "BEGIN:DAYLIGHT",
        "DTSTART:20240331T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;UNTIL=20250331T010000Z",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:20241027T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20251027T010000Z",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
