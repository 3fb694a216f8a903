"""The schedule file: YAML and CSV, series, and errors that name their line or row."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.documents.limits import LIMITS, Limits
from bot.meetings.model import AgendaEntry, MeetingKind, Mode
from bot.meetings.schedule_file import ScheduleFileError, read_schedule
from tests.support.common import utc

GENEVA = ZoneInfo("Europe/Zurich")

EXAMPLE = b"""\
timezone: Europe/Zurich
meetings:
  - name: Third inter-regional meeting for WTSA-24
    kind: IRM
    start: 2024-09-09 13:00
    end: 16:00
    mode: virtual
    link: https://www.itu.int/wtsa/2024/irm/
    deadline: 2024-09-02
    channel: C0IRM00001
    agenda:
      - Opening of the meeting
      - {title: Approval of the agenda, documents: [TD 553R2]}
      - Regional proposals (TD 611R1)
    source: TSAG TD 553R2
  - name: WTSA-24
    kind: wtsa
    start: 2024-10-15
    end: 2024-10-24
    place: New Delhi, India
    mode: physical
  - name: Inter-regional call (WTSA-20 Committee 3)
    kind: irm
    start: 2021-01-19 12:30
    end: 15:30
    repeat: every Tuesday until 2021-02-19
"""


def read(data: bytes, name: str = "schedule.yaml") -> list:
    return read_schedule(data, name, default_tz=GENEVA)


def test_yaml_example_reads_every_field() -> None:
    drafts = read(EXAMPLE)
    irm = drafts[0]
    assert irm.name == "Third inter-regional meeting for WTSA-24"
    assert irm.kind is MeetingKind.IRM
    assert (irm.start, irm.end) == (utc(2024, 9, 9, 11), utc(2024, 9, 9, 14))  # CEST
    assert irm.all_day is False
    assert irm.mode is Mode.VIRTUAL
    assert irm.deadline == utc(2024, 9, 2, 21, 59)  # 23:59 Geneva summer time
    assert irm.channel == "C0IRM00001"
    assert irm.agenda == (
        AgendaEntry("Opening of the meeting"),
        AgendaEntry("Approval of the agenda", ("TD553R2",)),
        AgendaEntry("Regional proposals (TD 611R1)", ("TD611R1",)),
    )
    assert irm.source == "TSAG TD 553R2"
    assert irm.evidence == "schedule.yaml, meeting 1 (line 3)"


def test_a_date_alone_makes_an_all_day_meeting_ending_after_its_last_day() -> None:
    wtsa = read(EXAMPLE)[1]
    assert wtsa.all_day is True
    assert wtsa.start == utc(2024, 10, 14, 22)  # midnight in Geneva, summer time
    assert wtsa.end == utc(2024, 10, 24, 22)  # midnight after 24 October
    assert wtsa.place == "New Delhi, India"
    assert wtsa.source == "schedule.yaml"


def test_a_weekly_series_expands_to_its_meetings_in_winter_time() -> None:
    calls = [draft for draft in read(EXAMPLE) if draft.series]
    assert [draft.start for draft in calls] == [
        utc(2021, 1, 19, 11, 30),
        utc(2021, 1, 26, 11, 30),
        utc(2021, 2, 2, 11, 30),
        utc(2021, 2, 9, 11, 30),
        utc(2021, 2, 16, 11, 30),
    ]
    assert {draft.series for draft in calls} == {"Inter-regional call (WTSA-20 Committee 3)"}


def test_a_series_across_the_spring_change_keeps_its_geneva_time() -> None:
    data = b"""meetings:
  - {name: Weekly call, kind: irm, start: 2026-03-24 12:30, end: 13:30,
     repeat: every Tuesday and Thursday until 2026-04-02}
"""
    starts = [draft.start for draft in read(data)]
    assert starts == [
        utc(2026, 3, 24, 11, 30),  # CET, UTC+1
        utc(2026, 3, 26, 11, 30),
        utc(2026, 3, 31, 10, 30),  # CEST from 29 March, UTC+2
        utc(2026, 4, 2, 10, 30),
    ]


def test_csv_has_the_same_keys_and_agenda_items_separated_by_semicolons() -> None:
    data = (
        b"name,kind,start,end,timezone,place,mode,link,deadline,agenda,channel\n"
        b"RG-IEM e-meeting,rg,2025-02-11 13:00,15:00,Europe/Zurich,,virtual,"
        b"https://itu.int/go/x,2025-02-03,Review WTSA-24 outcomes; Other IEM topics (TD 521),"
        b"C0RG000001\n"
        b"TSAG,tsag,2026-01-26,2026-01-30,Europe/Zurich,Geneva,physical,,,,\n"
    )
    first, second = read(data, "schedule.csv")
    assert first.kind is MeetingKind.RAPPORTEUR_GROUP
    assert (first.start, first.end) == (utc(2025, 2, 11, 12), utc(2025, 2, 11, 14))
    assert first.deadline == utc(2025, 2, 3, 22, 59)
    assert first.agenda == (
        AgendaEntry("Review WTSA-24 outcomes"),
        AgendaEntry("Other IEM topics (TD 521)", ("TD521",)),
    )
    assert first.evidence == "schedule.csv, row 2"
    assert (second.all_day, second.place) == (True, "Geneva")


def test_a_zone_per_meeting_overrides_the_files() -> None:
    data = b"""timezone: Europe/Zurich
meetings:
  - {name: APT preparatory meeting, kind: regional, start: 2024-06-24 10:00, end: 12:00,
     timezone: Australia/Adelaide}
"""
    (draft,) = read(data)
    assert draft.start == utc(2024, 6, 24, 0, 30)
    assert draft.timezone == "Australia/Adelaide"


@pytest.mark.parametrize(
    ("start", "end", "deadline"),
    [
        # YAML's own timestamps: seconds, no quotes
        ("2025-02-11T13:00:00", "2025-02-11T15:00:00", "2025-02-03 23:59:00"),
        # ISO 8601 with offsets: the moment is kept whatever zone it is written in
        ("2025-02-11T12:00:00Z", "2025-02-11T15:00+01:00", "2025-02-03T22:59:00.000Z"),
    ],
)
def test_iso_date_times_with_seconds_and_offsets_are_read(
    start: str, end: str, deadline: str
) -> None:
    data = f"meetings:\n  - {{name: RG-IEM, start: {start}, end: {end}, deadline: {deadline}}}\n"
    (draft,) = read(data.encode())
    assert (draft.start, draft.end) == (utc(2025, 2, 11, 12), utc(2025, 2, 11, 14))
    assert draft.deadline == utc(2025, 2, 3, 22, 59)
    assert draft.all_day is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"meetings:\n  - {name: A, start: 2024-02-30 10:00}\n",
            "meeting 1 (line 2): start: '2024-02-30' is not a real date",
        ),
        (
            b"meetings:\n  - {name: A, start: 2024-02-01 10:00, end: 09:00}\n",
            "meeting 1 (line 2): end '09:00' is before start 10:00",
        ),
        (
            b"meetings:\n  - {name: A, start: 2024-02-01 10:00, timezone: Mars/Olympus}\n",
            "timezone: unknown time zone 'Mars/Olympus'",
        ),
        (b"meetings:\n  - {name: A, kind: irm}\n", "meeting 1 (line 2): 'A' has no start date"),
        (
            b"meetings:\n  - {name: A, start: 2024-02-01, kind: party}\n",
            "unknown kind 'party'",
        ),
        (b"meetings:\n  - {name: A, strat: 2024-02-01}\n", "unknown key 'strat'"),
        (
            b"meetings:\n  - {name: A, start: 2026-03-29 02:30}\n",
            "2026-03-29 02:30 does not exist in Europe/Zurich",
        ),
        (
            b"meetings:\n  - {name: A, start: 2024-02-10, end: 2024-02-01}\n",
            "end 2024-02-01 is before start 2024-02-10",
        ),
        (
            b"meetings:\n  - {name: A, start: 2024-02-01 10:00, deadline: 2024-03-01}\n",
            "deadline '2024-03-01' is after the meeting ends",
        ),
        (
            b"meetings:\n  - {name: A, start: 2024-02-01 10:00, repeat: sometimes}\n",
            "repeat 'sometimes' is not understood",
        ),
        (b"meetings:\n  - {name: A, start: 2024-02-01, link: ftp://x}\n", "is not an http(s)"),
        (b"meetings: [\n", "line 2: not valid YAML"),
        (b"meetings: []\n", "no meetings in the file"),
        (b"PK\x03\x04binary", "not a text file"),
    ],
)
def test_bad_files_fail_naming_the_place(data: bytes, message: str) -> None:
    with pytest.raises(ScheduleFileError) as raised:
        read(data)
    assert message in str(raised.value)
    assert str(raised.value).startswith("schedule.yaml: ")
    assert "\n" not in str(raised.value)


def test_every_bad_row_of_a_csv_is_reported_and_none_is_read() -> None:
    data = (
        b"name,kind,start,end\n"
        b"Good,irm,2024-09-09 13:00,16:00\n"
        b"A,irm,2024-09-31 13:00,14:00\n"
        b"B,tsag,,\n"
        b"C,irm,2024-01-01 13:00,12:00\n"
        b"D,irm,2024-01-01 13:00,14:00,extra\n"
    )
    with pytest.raises(ScheduleFileError) as raised:
        read(data, "bad.csv")
    assert raised.value.errors == [
        "row 3: start: '2024-09-31' is not a real date (day is out of range for month)",
        "row 4: 'B' has no start date",
        "row 5: end '12:00' is before start 13:00",
        "row 6: more cells than columns",
    ]


def test_a_csv_without_name_and_start_columns_is_refused() -> None:
    with pytest.raises(ScheduleFileError, match="row 1: the header must name"):
        read(b"title,date\nX,2024-01-01\n", "x.csv")


# --------------------------------------------------------------------------- limits


def refusal(data: bytes, file_name: str, limits: Limits = LIMITS) -> str:
    with pytest.raises(ScheduleFileError) as refused:
        read_schedule(data, file_name, default_tz=GENEVA, limits=limits)
    return str(refused.value)


def test_yaml_nested_too_deep_is_refused_in_one_line() -> None:
    """Six hundred levels would end PyYAML in a RecursionError (two frames a level)."""
    deep = b"meetings: " + b"[" * 600 + b"]" * 600 + b"\n"
    assert refusal(deep, "deep.yaml") == (
        "deep.yaml: line 1: not valid YAML (nested deeper than 32 levels)"
    )


def test_the_nesting_a_schedule_needs_is_within_the_limit() -> None:
    assert read_schedule(EXAMPLE, "schedule.yaml", default_tz=GENEVA, limits=Limits(yaml_depth=7))
    assert "nested deeper than 6 levels" in refusal(EXAMPLE, "s.yaml", Limits(yaml_depth=6))


def test_a_csv_field_over_the_csv_limit_is_refused_in_one_line() -> None:
    data = b'name,start\nIRM,2024-09-09\n"' + b"x" * 200_000 + b'",2024-09-10\n'
    assert refusal(data, "big.csv") == (
        "big.csv: row 3: a field is longer than 131,072 characters; refused"
    )


def test_a_schedule_file_over_5_mb_is_refused_unread() -> None:
    data = b"#" * (5 * 1024 * 1024 + 1)
    assert refusal(data, "big.yaml") == "big.yaml: larger than 5 MB (5,242,881 bytes); refused"
