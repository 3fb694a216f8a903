"""Questions in words and ``/meetings`` arguments: what they ask, and the answers.

Classification is pure and checked table by table against a moved clock; the
answers are looked up in a real database (SQLite, and PostgreSQL when
configured) holding the bundled plan and a small schedule around Wednesday
25 March 2026, the week the clocks go forward in Geneva.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.meetings import questions as ask
from bot.meetings.model import MeetingKind
from bot.meetings.questions import ItemStatus, Question, Window
from bot.plan.importing import ensure_plan
from bot.store.db import Database
from bot.store.models import ActionItem, AgendaItem, Meeting
from tests.support.common import FixedClock, utc
from tests.support.snapshots import load_once

# On SQLite alone: this is about what a question means and how its answer reads, not the database
# engine; the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

GENEVA = ZoneInfo("Europe/Zurich")
IRM, TSAG, WTSA = MeetingKind.IRM, MeetingKind.TSAG, MeetingKind.WTSA
WP, RG, REGIONAL = MeetingKind.WORKING_PARTY, MeetingKind.RAPPORTEUR_GROUP, MeetingKind.REGIONAL
NOW = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)  # Wednesday 11:00 in Geneva (CET)


THIS_WEEK = Window(utc(2026, 3, 22, 23), utc(2026, 3, 29, 22), "this week")  # 167 hours
NEXT_WEEK = Window(utc(2026, 3, 29, 22), utc(2026, 4, 5, 22), "next week")
END_OF_8_APRIL = utc(2026, 4, 8, 22)  # "the next 14 days" run to the end of the 14th day


# -- classification ---------------------------------------------------------------------------

CLASSIFIED: list[tuple[str, Question]] = [
    ("when is the next IRM?", Question(ask.NEXT_MEETING, (IRM,))),
    ("<@UBOT> when is the next IRM?", Question(ask.NEXT_MEETING, (IRM,))),
    ("When's the next inter-regional meeting", Question(ask.NEXT_MEETING, (IRM,))),
    ("next TSAG", Question(ask.NEXT_MEETING, (TSAG,))),
    ("when is WTSA?", Question(ask.NEXT_MEETING, (WTSA,))),
    ("when is the next working party meeting?", Question(ask.NEXT_MEETING, (WP,))),
    ("next rapporteur group meeting", Question(ask.NEXT_MEETING, (RG,))),
    ("next regional preparatory meeting", Question(ask.NEXT_MEETING, (REGIONAL,))),
    ("next meeting", Question(ask.NEXT_MEETING)),
    ("When is the next meeting?", Question(ask.NEXT_MEETING)),
    ("what is due at the next TSAG?", Question(ask.DUE_AT_NEXT, (TSAG,))),
    ("What’s due at the next IRM", Question(ask.DUE_AT_NEXT, (IRM,))),
    ("what is due at the next meeting?", Question(ask.DUE_AT_NEXT)),
    ("status of 50-18", Question(ask.ITEM_STATUS, codes=("50-18",))),
    ("50-18?", Question(ask.ITEM_STATUS, codes=("50-18",))),
    ("is 50-18 done", Question(ask.ITEM_STATUS, codes=("50-18",))),
    ("<@UBOT> 50.8 and 50\u201120", Question(ask.ITEM_STATUS, codes=("50-08", "50-20"))),
    ("which deadlines are this week?", Question(ask.DEADLINES, window=THIS_WEEK)),
    ("deadlines next week", Question(ask.DEADLINES, window=NEXT_WEEK)),
    ("what is due this week", Question(ask.DEADLINES, window=THIS_WEEK)),
    ("next deadlines", Question(ask.DEADLINES)),
    ("TSAG deadlines", Question(ask.DEADLINES, (TSAG,))),
    (
        "deadlines in the next 14 days",
        Question(ask.DEADLINES, window=Window(NOW, END_OF_8_APRIL, "in the next 14 days")),
    ),
    (
        "contribution deadlines within the next 2 weeks?",
        Question(ask.DEADLINES, window=Window(NOW, END_OF_8_APRIL, "in the next 2 weeks")),
    ),
    ("meetings this week", Question(ask.MEETINGS, window=THIS_WEEK)),
    ("what's on next week?", Question(ask.MEETINGS, window=NEXT_WEEK)),
    ("IRMs next week", Question(ask.MEETINGS, (IRM,), window=NEXT_WEEK)),
    ("upcoming meetings", Question(ask.MEETINGS)),
    ("TSAG meetings", Question(ask.MEETINGS, (TSAG,))),
    ("help", Question(ask.HELP)),
    ("<@UBOT>", Question(ask.HELP)),
    ("what can you do?", Question(ask.HELP)),
    ("thanks!", Question(ask.UNKNOWN)),
    ("what is the weather in Geneva", Question(ask.UNKNOWN)),
    ("lunch at 12.30?", Question(ask.UNKNOWN)),
]


@pytest.mark.parametrize(("text", "expected"), CLASSIFIED, ids=[t for t, _ in CLASSIFIED])
def test_classify(text: str, expected: Question) -> None:
    assert ask.classify(text, NOW, GENEVA) == Question(
        expected.kind, expected.kinds, expected.codes, expected.window, text
    )


COMMANDS: list[tuple[str, Question]] = [
    ("", Question(ask.OVERVIEW)),
    ("  ", Question(ask.OVERVIEW)),
    ("irm", Question(ask.OVERVIEW, (IRM,))),
    ("IRMs", Question(ask.OVERVIEW, (IRM,))),
    ("tsag", Question(ask.OVERVIEW, (TSAG,))),
    ("wtsa", Question(ask.OVERVIEW, (WTSA,))),
    ("wp", Question(ask.OVERVIEW, (WP,))),
    ("rg", Question(ask.OVERVIEW, (RG,))),
    ("regional", Question(ask.OVERVIEW, (REGIONAL,))),
    ("working party", Question(ask.OVERVIEW, (WP,))),
    ("deadlines", Question(ask.DEADLINES)),
    ("deadline tsag", Question(ask.DEADLINES, (TSAG,))),
    ("deadlines this week", Question(ask.DEADLINES, window=THIS_WEEK)),
    ("help", Question(ask.HELP)),
    ("this week", Question(ask.MEETINGS, window=THIS_WEEK)),
    (  # capped at 366 days, as the header says: the end of the 366th day after today
        "next 400 days",
        Question(ask.MEETINGS, window=Window(NOW, utc(2027, 3, 26, 23), "in the next 366 days")),
    ),
    ("when is the next IRM?", Question(ask.NEXT_MEETING, (IRM,))),
    ("50-18", Question(ask.ITEM_STATUS, codes=("50-18",))),
    ("banana", Question(ask.UNKNOWN)),
    ("deadlines banana", Question(ask.UNKNOWN)),
    ("hello", Question(ask.UNKNOWN)),
]


@pytest.mark.parametrize(("text", "expected"), COMMANDS, ids=[t or "(empty)" for t, _ in COMMANDS])
def test_parse_command(text: str, expected: Question) -> None:
    assert ask.parse_command(text, NOW, GENEVA) == Question(
        expected.kind, expected.kinds, expected.codes, expected.window, text
    )


WINDOWS = [
    # the week the clocks go forward (Sunday 29 March 2026): 167 hours
    (NOW, "this week", utc(2026, 3, 22, 23), utc(2026, 3, 29, 22)),
    # late on Sunday in Geneva is still the week before
    (utc(2026, 3, 22, 22, 30), "this week", utc(2026, 3, 15, 23), utc(2026, 3, 22, 23)),
    # Monday 00:30 in Geneva is Sunday in UTC, but already the new week
    (utc(2026, 3, 22, 23, 30), "this week", utc(2026, 3, 22, 23), utc(2026, 3, 29, 22)),
    (NOW, "next week", utc(2026, 3, 29, 22), utc(2026, 4, 5, 22)),
    # the week the clocks go back (Sunday 25 October 2026): 169 hours
    (utc(2026, 10, 21, 12), "this week", utc(2026, 10, 18, 22), utc(2026, 10, 25, 23)),
    (utc(2026, 10, 21, 12), "next week", utc(2026, 10, 25, 23), utc(2026, 11, 1, 23)),
    (NOW, "today", utc(2026, 3, 24, 23), utc(2026, 3, 25, 23)),
    (NOW, "tomorrow", utc(2026, 3, 25, 23), utc(2026, 3, 26, 23)),
    (NOW, "this month", utc(2026, 2, 28, 23), utc(2026, 3, 31, 22)),
    (NOW, "next month", utc(2026, 3, 31, 22), utc(2026, 4, 30, 22)),
    (utc(2026, 12, 10, 12), "next month", utc(2026, 12, 31, 23), utc(2027, 1, 31, 23)),
]


@pytest.mark.parametrize(("now", "name", "start", "end"), WINDOWS)
def test_windows_are_local_days(now: datetime, name: str, start: datetime, end: datetime) -> None:
    window = ask.find_window(f"meetings {name}", now, GENEVA)
    assert window == Window(start, end, name)


SINCE = [
    # a day without a year is the last one: 1 March 2026 is before NOW (25 March 2026)...
    ("since 1 March", utc(2026, 2, 28, 23), "since 1 March 2026"),
    # ...and 1 April is not, so it is the one of 2025 (summer time in Geneva)
    ("since April 1st", utc(2025, 3, 31, 22), "since 1 April 2025"),
    ("since 29 February", utc(2024, 2, 28, 23), "since 29 February 2024"),
    ("since 2026-03-02", utc(2026, 3, 1, 23), "since 2 March 2026"),
    ("since 2 of march 2025", utc(2025, 3, 1, 23), "since 2 March 2025"),
    ("since May", utc(2025, 4, 30, 22), "since May 2025"),
    ("since last month", utc(2026, 1, 31, 23), "since last month"),
    ("since 2025", utc(2024, 12, 31, 23), "since 2025"),
]


@pytest.mark.parametrize(("text", "start", "label"), SINCE)
def test_since_a_day_month_or_week_runs_until_now(text: str, start: datetime, label: str) -> None:
    assert ask.find_window(f"what changed {text}", NOW, GENEVA, past=True) == Window(
        start, NOW, label
    )


def test_a_week_with_a_clock_change_is_not_seven_times_24_hours() -> None:
    spring = ask.window_for("this week", NOW, GENEVA)
    autumn = ask.window_for("this week", utc(2026, 10, 21, 12), GENEVA)
    assert spring.end - spring.start == timedelta(hours=167)
    assert autumn.end - autumn.start == timedelta(hours=169)


@pytest.mark.parametrize(
    ("text", "user", "expected"),
    [
        ("<@UBOT> when?", "UBOT", True),
        ("hi <@UBOT|tsagbot>", "UBOT", True),
        ("hi <@UOTHER>", "UBOT", False),
        ("hi @tsagbot", "UBOT", False),
        ("<@UBOT>", None, False),
    ],
)
def test_mentions(text: str, user: str | None, expected: bool) -> None:
    assert ask.mentions(text, user) is expected


def test_kind_noun() -> None:
    assert ask.kind_noun(()) == "meeting"
    assert ask.kind_noun((IRM,)) == "inter-regional meeting"
    assert ask.kind_noun((TSAG,), plural=True) == "TSAG meetings"
    assert ask.kind_noun((TSAG, WTSA)) == "TSAG meeting or WTSA meeting"
    assert ask.kind_noun((REGIONAL,), plural=True) == "regional preparatory meetings"


# -- answers ----------------------------------------------------------------------------------


def meeting(
    uid: str,
    name: str,
    kind: MeetingKind,
    start: datetime,
    end: datetime,
    *,
    deadline: datetime | None = None,
    all_day: bool = False,
) -> Meeting:
    return Meeting(
        uid=uid,
        name=name,
        kind=kind.value,
        start=start,
        end=end,
        all_day=all_day,
        timezone="Europe/Zurich",
        mode="virtual",
        place="",
        link="",
        deadline=deadline,
        documents=[],
        channel="",
        source="test",
        evidence="",
        series="",
        created_at=NOW,
        updated_at=NOW,
        agenda=[AgendaItem(position=1, title="Opening", documents=[])],
    )


def schedule() -> list[Meeting]:
    return [
        # Thursday 26 March, 13:00-16:00 in Geneva; its deadline passed on Tuesday night
        meeting(
            "irm",
            "IRM-4",
            IRM,
            utc(2026, 3, 26, 12),
            utc(2026, 3, 26, 15),
            deadline=utc(2026, 3, 24, 22, 59),
        ),
        # Monday this week, already over
        meeting("wp", "WP1/TSAG", WP, utc(2026, 3, 23, 8), utc(2026, 3, 23, 9)),
        # Thursday next week
        meeting("rg", "RG-WM", RG, utc(2026, 4, 2, 7), utc(2026, 4, 2, 9)),
        # 20-24 April, all day; contributions by Friday 27 March 23:59
        meeting(
            "tsag-apr",
            "TSAG meeting",
            TSAG,
            utc(2026, 4, 19, 22),
            utc(2026, 4, 24, 22),
            deadline=utc(2026, 3, 27, 22, 59),
            all_day=True,
        ),
        # January: the first TSAG of 2026, long over
        meeting(
            "tsag-jan",
            "TSAG meeting",
            TSAG,
            utc(2026, 1, 19, 23),
            utc(2026, 1, 23, 23),
            all_day=True,
        ),
    ]


@pytest.fixture
def planned(db: Database) -> Database:
    """The bundled plan, and :func:`schedule`."""

    def load() -> None:
        ensure_plan(db, FixedClock(NOW))
        with db.unit_of_work() as session:
            session.add_all(schedule())
            session.commit()

    load_once(db, ("plan and questions schedule", NOW.isoformat()), load)
    return db


def answer(db: Database, text: str, now: datetime = NOW, *, page: int = 1) -> ask.Answer:
    with db.unit_of_work() as session:
        found = ask.answer(session, ask.classify(text, now, GENEVA), now, GENEVA, page=page)
        session.expunge_all()
        return found


def uids(meetings: list[Meeting]) -> list[str]:
    return [m.uid for m in meetings]


@pytest.mark.parametrize(
    ("text", "meetings", "deadlines"),
    [
        ("when is the next IRM?", ["irm"], []),
        ("next meeting", ["irm"], []),
        ("next TSAG", ["tsag-apr"], []),
        ("when is the next WTSA?", [], []),
        ("meetings this week", ["wp", "irm"], []),
        ("meetings next week", ["rg"], []),
        ("upcoming meetings", ["irm", "rg", "tsag-apr"], []),
        ("TSAG meetings", ["tsag-apr"], []),
        ("meetings in the next 10 days", ["irm", "rg"], []),
        ("which deadlines are this week?", [], ["irm", "tsag-apr"]),
        ("deadlines in the next 14 days", [], ["tsag-apr"]),
        ("deadlines next week", [], []),
        ("IRM deadlines", [], []),
    ],
)
def test_answers(planned: Database, text: str, meetings: list[str], deadlines: list[str]) -> None:
    found = answer(planned, text)
    assert (uids(found.meetings), uids(found.deadlines)) == (meetings, deadlines)
    assert found.due == []
    assert found.items == []
    assert not found.more


def test_what_is_due_at_the_next_tsag(planned: Database) -> None:
    found = answer(planned, "what is due at the next TSAG?")
    assert uids(found.meetings) == ["tsag-apr"]
    # the open items whose milestone names each TSAG meeting
    assert [item.code for item in found.due] == ["50-18"]
    assert found.due[0].milestone == "Ongoing\nEach TSAG meeting"


def test_due_items_leave_out_completed_ones(planned: Database) -> None:
    with planned.unit_of_work() as session:
        item = session.scalars(
            select(ActionItem).where(ActionItem.code == "50-18", ActionItem.appendix == "")
        ).one()
        item.completed = True
        session.commit()
    assert answer(planned, "what is due at the next TSAG?").due == []


def test_due_at_the_next_meeting_skips_meetings_no_milestone_can_name(planned: Database) -> None:
    # the next meeting is the IRM; a working party or rapporteur group would be skipped
    later = utc(2026, 3, 27)  # after the IRM: the next ones are RG-WM, then the TSAG
    found = answer(planned, "what is due at the next meeting?", later)
    assert uids(found.meetings) == ["tsag-apr"]


def test_item_status(planned: Database) -> None:
    found = answer(planned, "status of 50-18 and 50-99")
    assert found.items == [
        ItemStatus(
            "50-18",
            True,
            state="periodic goals met, not completed",
            action=found.items[0].action,
            milestone="Ongoing; Each TSAG meeting",
            due_day=date(2026, 4, 20),
            due_at="TSAG meeting",
        ),
        ItemStatus("50-99", False),
    ]
    assert found.items[0].action.startswith("SG17, in close collaboration")


def test_overview_pages(planned: Database) -> None:
    with planned.unit_of_work() as session:
        for n in range(20):
            start = utc(2026, 5, 1, 8) + timedelta(days=n)
            session.add(meeting(f"rg{n}", f"RG {n}", RG, start, start + timedelta(hours=2)))
        session.commit()
    with planned.unit_of_work() as session:
        question = ask.parse_command("rg", NOW, GENEVA)
        first = ask.answer(session, question, NOW, GENEVA)
        third = ask.answer(session, question, NOW, GENEVA, page=3)
        assert uids(first.meetings) == ["rg", *(f"rg{n}" for n in range(7))]
        assert first.more
        assert first.deadlines == []
        assert uids(third.meetings) == [f"rg{n}" for n in range(15, 20)]
        assert not third.more
        assert third.page == 3
        overview = ask.answer(session, ask.parse_command("", NOW, GENEVA), NOW, GENEVA)
        assert uids(overview.meetings)[:3] == ["irm", "rg", "tsag-apr"]
        assert uids(overview.deadlines) == ["tsag-apr"]
