"""Reading action-item milestones against the meeting schedule and the calendar."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.milestones import (
    DueDate,
    Schedule,
    Term,
    body_of,
    due_dates,
    item_due,
    months_earlier,
    names_meeting,
    parse_milestone,
)
from bot.meetings.model import MeetingKind

GENEVA = ZoneInfo("Europe/Zurich")
ITEMS = Path(__file__).resolve().parents[1] / "data" / "wtsa20-items.json"
TSAG, WTSA, IRM = MeetingKind.TSAG, MeetingKind.WTSA, MeetingKind.IRM


@dataclass(frozen=True)
class FakeMeeting:
    name: str
    kind: str
    start: datetime
    end: datetime


def meeting(name: str, kind: str, first: date, last: date) -> FakeMeeting:
    # 07:00 UTC is 08:00 or 09:00 in Geneva: the same local day.
    return FakeMeeting(
        name,
        kind,
        datetime(first.year, first.month, first.day, 7, tzinfo=UTC),
        datetime(last.year, last.month, last.day, 16, tzinfo=UTC),
    )


TSAG_MAY_2023 = meeting("TSAG meeting", "tsag", date(2023, 5, 30), date(2023, 6, 2))
TSAG_JAN_2024 = meeting("TSAG meeting", "tsag", date(2024, 1, 22), date(2024, 1, 26))
TSAG_JUL_2024 = meeting("TSAG meeting", "tsag", date(2024, 7, 22), date(2024, 7, 26))
WTSA_24 = meeting("WTSA-24", "wtsa", date(2024, 10, 14), date(2024, 10, 25))
COUNCIL_2023 = meeting("ITU Council 2023", "other", date(2023, 7, 11), date(2023, 7, 21))
MEETINGS = [WTSA_24, TSAG_JUL_2024, COUNCIL_2023, TSAG_JAN_2024, TSAG_MAY_2023]


@pytest.fixture
def schedule() -> Schedule:
    return Schedule(MEETINGS, GENEVA)


@pytest.fixture
def empty() -> Schedule:
    return Schedule([], GENEVA)


def real_milestones() -> list[str]:
    items = json.loads(ITEMS.read_text(encoding="utf-8"))
    return sorted({item["milestone"] for item in items if item["appendix"] == ""})


def T(
    text: str,
    kind: str,
    body: str = "",
    year: int | None = None,
    months: int = 0,
    which: str = "",
    on: date | None = None,
) -> Term:
    return Term(text, kind, body, year, months, which, on)


ONGOING = T("Ongoing", "ongoing")
TSAG23 = T("TSAG2023", "meeting", "TSAG", 2023)
WTSA24 = T("WTSA-24", "meeting", "WTSA", 2024)
COUNCIL23 = T("Council 2023", "meeting", "Council", 2023)

REAL = {
    "Ongoing": (ONGOING,),
    "TSAG2023": (TSAG23,),
    "WTSA-24": (WTSA24,),
    "Council 2023": (COUNCIL23,),
    "2022": (T("2022", "date", year=2022, on=date(2022, 12, 31)),),
    "TSAG2023,\nOngoing": (TSAG23, ONGOING),
    "Ongoing, 3 months before Council": (
        ONGOING,
        T("3 months before Council", "each", "Council", months=3),
    ),
    "2023/2024": (T("2023/2024", "date", year=2024, on=date(2024, 12, 31)),),
    "Ongoing\nCouncil 2023": (ONGOING, COUNCIL23),
    "Council 2023\nWTSA-24": (COUNCIL23, WTSA24),
    "TSAG 2023": (T("TSAG 2023", "meeting", "TSAG", 2023),),
    "One year before WTSA-24": (T("One year before WTSA-24", "meeting", "WTSA", 2024, months=12),),
    "3 months before WTSA-24": (T("3 months before WTSA-24", "meeting", "WTSA", 2024, months=3),),
    "TSAG2022": (T("TSAG2022", "meeting", "TSAG", 2022),),
    "Last TSAG before WTSA-24\nWTSA-24": (
        T("Last TSAG before WTSA-24", "meeting", "TSAG", which="last_before:WTSA2024"),
        WTSA24,
    ),
    "TSAG2022,\nCouncil 2022,\nPP22": (
        T("TSAG2022", "meeting", "TSAG", 2022),
        T("Council 2022", "meeting", "Council", 2022),
        T("PP22", "meeting", "PP", 2022),
    ),
    "PP22": (T("PP22", "meeting", "PP", 2022),),
    "TSAG2022\nOngoing": (T("TSAG2022", "meeting", "TSAG", 2022), ONGOING),
    "Council 2023,\nTSAG2023, Ongoing": (COUNCIL23, TSAG23, ONGOING),
    "First SG meeting,\nOngoing": (
        T("First SG meeting", "meeting", "SG", which="first"),
        ONGOING,
    ),
    "2022/2023": (T("2022/2023", "date", year=2023, on=date(2023, 12, 31)),),
    "Council2023": (T("Council2023", "meeting", "Council", 2023),),
    "Annual, Council 2023": (T("Annual", "annual"), COUNCIL23),
    "Ongoing\nEach TSAG meeting": (ONGOING, T("Each TSAG meeting", "each", "TSAG")),
    "Ongoing;\nTSAG2023, WTSA-24": (ONGOING, TSAG23, WTSA24),
    "Council 2023,\nWTSA-24": (COUNCIL23, WTSA24),
    "TSAG2023, WTSA-24": (TSAG23, WTSA24),
    "TSAG2023,\nWTSA-24": (TSAG23, WTSA24),
    "Council meetings": (T("Council meetings", "each", "Council"),),
    "Before WTSA-24": (T("Before WTSA-24", "meeting", "WTSA", 2024, which="before"),),
    "Ongoing, Council 2023": (ONGOING, COUNCIL23),
    "Council": (T("Council", "each", "Council"),),
    "Ongoing\nTSAG2023": (ONGOING, TSAG23),
}

OTHER_FORMS = {
    "WTSA-28": (T("WTSA-28", "meeting", "WTSA", 2028),),
    "TSAG 2025": (T("TSAG 2025", "meeting", "TSAG", 2025),),
    "June 2025": (T("June 2025", "date", year=2025, on=date(2025, 6, 30)),),
    "2025-06-30": (T("2025-06-30", "date", year=2025, on=date(2025, 6, 30)),),
    "Q3 2025": (T("Q3 2025", "date", year=2025, on=date(2025, 9, 30)),),
    "End of 2025": (T("End of 2025", "date", year=2025, on=date(2025, 12, 31)),),
    "H1 2026": (T("H1 2026", "date", year=2026, on=date(2026, 6, 30)),),
    "Before 2025": (T("Before 2025", "date", year=2025, which="before", on=date(2024, 12, 31)),),
    "each IRM": (T("each IRM", "each", "IRM"),),
    "next TSAG": (T("next TSAG", "each", "TSAG", which="next"),),
    "IRM": (T("IRM", "each", "IRM"),),
    "PP-26": (T("PP-26", "meeting", "PP", 2026),),
    "by  the end of\tFebruary 2026.": (
        T("by the end of February 2026", "date", year=2026, on=date(2026, 2, 28)),
    ),
    "Continuous and TSAG2025": (
        T("Continuous", "ongoing"),
        T("TSAG2025", "meeting", "TSAG", 2025),
    ),
    "To be decided": (T("To be decided", "unknown"),),
    "SG17 meeting": (T("SG17 meeting", "unknown"),),
    "2025-13-01": (T("2025-13-01", "unknown"),),
    "0000": (T("0000", "unknown"),),
    "6 weeks before TSAG 2025": (T("6 weeks before TSAG 2025", "unknown"),),
    "": (),
    " ,\n; ": (),
}


def test_the_table_covers_every_real_milestone() -> None:
    assert sorted(REAL) == real_milestones()
    assert len(REAL) == 33


@pytest.mark.parametrize(("text", "terms"), [*REAL.items(), *OTHER_FORMS.items()])
def test_parse(text: str, terms: tuple[Term, ...]) -> None:
    assert parse_milestone(text) == terms


def days(milestone: str, schedule: Schedule, today: date) -> list[tuple[date, bool]]:
    return [
        (due.day, due.estimated) for due in due_dates(parse_milestone(milestone), schedule, today)
    ]


TODAY = date(2023, 1, 10)


@pytest.mark.parametrize(
    ("milestone", "expected"),
    [
        ("TSAG2023", [(date(2023, 5, 30), False)]),
        ("TSAG 2024", [(date(2024, 1, 22), False)]),
        ("WTSA-24", [(date(2024, 10, 14), False)]),
        ("Council 2023", [(date(2023, 7, 11), False)]),
        ("3 months before WTSA-24", [(date(2024, 7, 14), False)]),
        ("One year before WTSA-24", [(date(2023, 10, 14), False)]),
        ("Before WTSA-24", [(date(2024, 10, 14), False)]),
        (
            "Last TSAG before WTSA-24\nWTSA-24",
            [(date(2024, 7, 22), False), (date(2024, 10, 14), False)],
        ),
        (
            "Council 2023,\nTSAG2023, Ongoing",
            [(date(2023, 5, 30), False), (date(2023, 7, 11), False)],
        ),
        (
            "TSAG2022,\nCouncil 2022,\nPP22",
            [(date(2022, 7, 15), True), (date(2022, 10, 1), True), (date(2022, 12, 31), True)],
        ),
        ("WTSA-28", [(date(2028, 12, 31), True)]),
        ("2023/2024", [(date(2024, 12, 31), False)]),
        ("Annual", [(date(2023, 12, 31), False)]),
        ("Each TSAG meeting", [(date(2023, 5, 30), False)]),
        ("Council meetings", [(date(2023, 7, 11), False)]),
        ("3 months before Council", [(date(2023, 4, 11), False)]),
        ("First SG meeting", []),
        ("each IRM", []),
        ("Ongoing", []),
        ("gibberish", []),
    ],
)
def test_due_dates_against_the_schedule(
    schedule: Schedule, milestone: str, expected: list[tuple[date, bool]]
) -> None:
    assert days(milestone, schedule, TODAY) == expected


def test_due_dates_name_their_meeting(schedule: Schedule) -> None:
    found = due_dates(parse_milestone("Last TSAG before WTSA-24\nWTSA-24"), schedule, TODAY)
    assert [due.meeting for due in found] == [TSAG_JUL_2024, WTSA_24]
    assert found[0].term.which == "last_before:WTSA2024"
    [council] = due_dates(parse_milestone("Council 2022"), schedule, TODAY)
    expected = T("Council 2022", "meeting", "Council", 2022)
    assert council == DueDate(date(2022, 7, 15), expected, None, estimated=True)


@pytest.mark.parametrize(
    ("milestone", "expected"),
    [
        ("TSAG2023", [(date(2023, 12, 31), True)]),
        ("WTSA-24", [(date(2024, 12, 31), True)]),
        ("Council 2023", [(date(2023, 7, 15), True)]),
        ("PP22", [(date(2022, 10, 1), True)]),
        ("3 months before WTSA-24", [(date(2024, 9, 30), True)]),
        ("One year before WTSA-24", [(date(2023, 12, 31), True)]),
        ("Last TSAG before WTSA-24", []),
        ("Each TSAG meeting", []),
        ("next TSAG", []),
        ("Council", [(date(2023, 7, 15), True)]),
        ("Ongoing, 3 months before Council", [(date(2023, 4, 15), True)]),
        ("June 2025", [(date(2025, 6, 30), False)]),
        ("2025-06-30", [(date(2025, 6, 30), False)]),
        ("Q3 2025", [(date(2025, 9, 30), False)]),
        ("End of 2025", [(date(2025, 12, 31), False)]),
        ("2022", [(date(2022, 12, 31), False)]),
    ],
)
def test_estimates_without_a_schedule(
    empty: Schedule, milestone: str, expected: list[tuple[date, bool]]
) -> None:
    assert days(milestone, empty, TODAY) == expected


def test_recurring_terms_move_with_today(schedule: Schedule) -> None:
    assert days("Each TSAG meeting", schedule, date(2024, 2, 1)) == [(date(2024, 7, 22), False)]
    assert days("next TSAG", schedule, date(2024, 7, 22)) == [(date(2024, 7, 22), False)]
    assert days("Each TSAG meeting", schedule, date(2024, 7, 23)) == []
    # The 2023 Council is in the schedule, so after it the next one is a guess for 2024.
    assert days("Council meetings", schedule, date(2023, 8, 1)) == [(date(2024, 7, 15), True)]
    # Three months before the 2023 Council (11 April) has gone by on 1 May.
    assert days("3 months before Council", schedule, date(2023, 5, 1)) == [
        (date(2024, 4, 15), True)
    ]
    assert days("Annual", schedule, date(2026, 12, 31)) == [(date(2026, 12, 31), False)]


@pytest.mark.parametrize(
    ("today", "state", "next_day", "past_day"),
    [
        (date(2023, 5, 1), "later", date(2023, 5, 30), None),
        (date(2023, 5, 16), "soon", date(2023, 5, 30), None),
        (date(2023, 5, 15), "later", date(2023, 5, 30), None),
        (date(2023, 5, 30), "soon", date(2023, 5, 30), None),
        (date(2023, 5, 31), "past", None, date(2023, 5, 30)),
    ],
)
def test_item_due_around_one_meeting(
    schedule: Schedule, today: date, state: str, next_day: date | None, past_day: date | None
) -> None:
    due = item_due("TSAG2023", schedule, today)
    assert due.state == state
    assert (due.next.day if due.next else None) == next_day
    assert (due.last_past.day if due.last_past else None) == past_day


def test_item_due_with_past_and_future_terms(schedule: Schedule) -> None:
    due = item_due("Council 2023\nWTSA-24", schedule, date(2024, 1, 1))
    assert due.state == "later"
    assert due.next is not None
    assert due.next.meeting == WTSA_24
    assert due.last_past is not None
    assert due.last_past.meeting == COUNCIL_2023
    assert item_due("Council 2023\nWTSA-24", schedule, date(2024, 10, 1)).state == "soon"
    assert item_due("Council 2023\nWTSA-24", schedule, date(2024, 10, 15)).state == "past"


def test_item_due_soon_days(schedule: Schedule) -> None:
    assert item_due("WTSA-24", schedule, date(2024, 9, 14), soon_days=30).state == "soon"
    assert item_due("WTSA-24", schedule, date(2024, 9, 13), soon_days=30).state == "later"


def test_item_due_undated(schedule: Schedule, empty: Schedule) -> None:
    assert item_due("Ongoing", schedule, TODAY) == item_due("Ongoing", empty, TODAY)
    assert item_due("Ongoing", schedule, TODAY).state == "ongoing"
    assert item_due("Ongoing", schedule, TODAY).next is None
    assert item_due("Ongoing\nEach TSAG meeting", schedule, date(2024, 8, 1)).state == "ongoing"
    assert item_due("Ongoing\nEach TSAG meeting", schedule, date(2024, 7, 10)).state == "soon"
    assert item_due("First SG meeting,\nOngoing", schedule, TODAY).state == "ongoing"
    assert item_due("First SG meeting", schedule, TODAY).state == "unknown"
    assert item_due("Last TSAG before WTSA-24", empty, TODAY).state == "unknown"
    assert item_due("whenever", schedule, TODAY).state == "unknown"
    assert item_due("", schedule, TODAY).state == "unknown"


def test_recurring_items_are_never_past(schedule: Schedule) -> None:
    for today in (date(2022, 1, 1), date(2025, 1, 1), date(2031, 6, 30)):
        assert item_due("Annual", schedule, today).state in ("soon", "later")
        assert item_due("Council", schedule, today).state in ("soon", "later")
        assert item_due("Each TSAG meeting", schedule, today).state != "past"


@pytest.mark.parametrize(
    ("milestone", "named"),
    [
        ("TSAG2023", [TSAG_MAY_2023]),
        ("TSAG 2024", [TSAG_JAN_2024]),
        ("Each TSAG meeting", [TSAG_MAY_2023, TSAG_JAN_2024, TSAG_JUL_2024]),
        ("next TSAG", [TSAG_MAY_2023, TSAG_JAN_2024, TSAG_JUL_2024]),
        ("WTSA-24", [WTSA_24]),
        ("Before WTSA-24", [WTSA_24]),
        ("3 months before WTSA-24", []),
        ("Last TSAG before WTSA-24\nWTSA-24", [TSAG_JUL_2024, WTSA_24]),
        ("Council 2023,\nTSAG2023, Ongoing", [TSAG_MAY_2023, COUNCIL_2023]),
        ("Council", [COUNCIL_2023]),
        ("Council 2022", []),
        ("WTSA-28", []),
        ("Ongoing", []),
        ("2024", []),
        ("Annual", []),
        ("each IRM", []),
    ],
)
def test_names_meeting(schedule: Schedule, milestone: str, named: list[FakeMeeting]) -> None:
    assert [
        m for m in sorted(MEETINGS, key=lambda m: m.start) if names_meeting(milestone, m, schedule)
    ] == named


def test_a_meeting_of_another_kind_is_never_named() -> None:
    group = meeting("Council Working Group 2023", "other", date(2023, 9, 5), date(2023, 9, 6))
    party = meeting("Council 2023 review", "working_party", date(2023, 7, 11), date(2023, 7, 11))
    schedule = Schedule([*MEETINGS, group, party], GENEVA)
    assert body_of(group) == body_of(party) == ""
    assert not names_meeting("Council 2023", group, schedule)
    assert not names_meeting("Council", party, schedule)
    assert names_meeting("Council 2023", COUNCIL_2023, schedule)


def test_a_copy_of_the_meeting_is_named(schedule: Schedule) -> None:
    copy = FakeMeeting(WTSA_24.name, WTSA_24.kind, WTSA_24.start, WTSA_24.end)
    assert copy is not WTSA_24
    assert names_meeting("WTSA-24", copy, schedule)


def test_local_dates_follow_the_zone() -> None:
    late = FakeMeeting(
        "TSAG", "tsag", datetime(2023, 12, 31, 23, 30, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC)
    )
    in_geneva = Schedule([late], GENEVA)
    in_utc = Schedule([late], ZoneInfo("UTC"))
    assert days("TSAG2024", in_geneva, TODAY) == [(date(2024, 1, 1), False)]
    assert days("TSAG2023", in_utc, TODAY) == [(date(2023, 12, 31), False)]


def test_months_earlier_clamps_to_the_month() -> None:
    assert months_earlier(date(2024, 5, 31), 3) == date(2024, 2, 29)
    assert months_earlier(date(2024, 1, 15), 1) == date(2023, 12, 15)
    assert months_earlier(date(2024, 10, 14), 12) == date(2023, 10, 14)


@pytest.mark.parametrize(
    "today", [date(2022, 1, 1), date(2023, 6, 1), date(2024, 8, 1), date(2030, 1, 1)]
)
def test_every_real_milestone_is_understood(
    schedule: Schedule, empty: Schedule, today: date
) -> None:
    for milestone in real_milestones():
        terms = parse_milestone(milestone)
        assert terms, milestone
        assert all(term.kind != "unknown" for term in terms), milestone
        for meetings in (schedule, empty):
            assert item_due(milestone, meetings, today).state != "unknown", milestone
            for candidate in MEETINGS:
                names_meeting(milestone, candidate, meetings)
