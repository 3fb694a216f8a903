"""When reminders fall: Geneva wall-clock times across the CET/CEST changes, catch-up rules."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.posting.notices import compose
from bot.posting.reminders import ReminderPolicy, due_now, reminders_between, reminders_for
from bot.store.models import Meeting
from tests.support.common import utc

GENEVA = ZoneInfo("Europe/Zurich")
POLICY = ReminderPolicy(tz=GENEVA, announce_channel="C0ANNOUNCE")


def meeting(
    start: datetime,
    end: datetime | None = None,
    *,
    deadline: datetime | None = None,
    all_day: bool = False,
    channel: str = "",
    uid: str = "m1",
) -> Meeting:
    return Meeting(
        uid=uid,
        name=f"Meeting {uid}",
        kind="rapporteur_group",
        start=start,
        end=end or start + timedelta(hours=2),
        all_day=all_day,
        timezone="Europe/Zurich",
        deadline=deadline,
        channel=channel,
        documents=[],
        agenda=[],
        source="test",
    )


def at_and_kind(reminders: list) -> list[tuple[datetime, str]]:
    return [(reminder.at, reminder.key.split(":")[1]) for reminder in reminders]


def test_the_wp2_e_meeting_reminders_fall_at_geneva_times() -> None:
    # RG-IEM e-meeting, 11 February 2025 13:00-15:00 Geneva, deadline 3 February 23:59.
    rg = meeting(utc(2025, 2, 11, 12), utc(2025, 2, 11, 14), deadline=utc(2025, 2, 3, 22, 59))
    assert at_and_kind(sorted(reminders_for(rg, POLICY), key=lambda r: r.at)) == [
        (utc(2025, 1, 27, 8), "deadline-7d"),  # 09:00 CET
        (utc(2025, 2, 2, 8), "deadline-1d"),
        (utc(2025, 2, 10, 8), "agenda"),
        (utc(2025, 2, 11, 11, 30), "start"),  # 30 minutes before 13:00 CET
    ]


def test_day_reminders_keep_nine_oclock_geneva_across_the_spring_change() -> None:
    # Deadline on Friday 3 April 2026 (CEST); 7 days before is 27 March (CET).
    rg = meeting(utc(2026, 4, 7, 11), deadline=utc(2026, 4, 3, 21, 59))
    deadline = [r for r in reminders_for(rg, POLICY) if r.kind == "deadline"]
    assert [r.at for r in deadline] == [utc(2026, 3, 27, 8), utc(2026, 4, 2, 7)]


def test_day_reminders_keep_nine_oclock_geneva_across_the_autumn_change() -> None:
    # Meeting on Monday 26 October 2026, the day after the clocks go back.
    tsag = meeting(utc(2026, 10, 26, 8), deadline=utc(2026, 10, 19, 21, 59))
    found = {r.key.split(":")[1]: r.at for r in reminders_for(tsag, POLICY)}
    assert found == {
        "deadline-7d": utc(2026, 10, 12, 7),  # CEST
        "deadline-1d": utc(2026, 10, 18, 7),
        "agenda": utc(2026, 10, 25, 8),  # Sunday 25 October 09:00 CET
        "start": utc(2026, 10, 26, 7, 30),  # 08:30 CET
    }


def test_a_meeting_on_the_night_of_the_change_is_reminded_thirty_real_minutes_before() -> None:
    # 03:15 CEST on 29 March 2026 is 01:15 UTC; the clocks jumped 02:00 -> 03:00.
    night = meeting(utc(2026, 3, 29, 1, 15))
    (start,) = [r for r in reminders_for(night, POLICY) if r.kind == "start"]
    assert start.at == utc(2026, 3, 29, 0, 45)  # 01:45 CET, thirty minutes earlier


def test_all_day_meetings_are_reminded_in_the_morning_of_their_first_day() -> None:
    wtsa = meeting(utc(2024, 10, 14, 22), utc(2024, 10, 24, 22), all_day=True)
    found = {r.kind: (r.at, r.useful_until) for r in reminders_for(wtsa, POLICY)}
    assert found["start"] == (utc(2024, 10, 15, 7), utc(2024, 10, 24, 22))
    assert found["agenda"] == (utc(2024, 10, 14, 7), utc(2024, 10, 14, 22))


def test_settings_switch_each_kind_off_and_change_the_times() -> None:
    rg = meeting(utc(2025, 2, 11, 12), deadline=utc(2025, 2, 3, 22, 59))
    quiet = ReminderPolicy(tz=GENEVA, deadline_days=(), agenda=False, before_minutes=0)
    assert reminders_for(rg, quiet) == []
    other = ReminderPolicy(
        tz=GENEVA, deadline_days=(3,), agenda=False, before_minutes=10, time_of_day=time(8, 15)
    )
    assert at_and_kind(sorted(reminders_for(rg, other), key=lambda r: r.at)) == [
        (utc(2025, 1, 31, 7, 15), "deadline-3d"),
        (utc(2025, 2, 11, 11, 50), "start"),
    ]


def test_the_channel_is_the_meetings_or_the_announce_channel() -> None:
    assert {r.channel for r in reminders_for(meeting(utc(2025, 2, 11, 12)), POLICY)} == {
        "C0ANNOUNCE"
    }
    own = meeting(utc(2025, 2, 11, 12), channel="C0OWN")
    assert {r.channel for r in reminders_for(own, POLICY)} == {"C0OWN"}
    assert {r.channel for r in reminders_for(own, ReminderPolicy(tz=GENEVA))} == {"C0OWN"}


def test_a_window_holds_the_reminders_falling_in_it_in_time_order() -> None:
    first = meeting(utc(2025, 2, 11, 12), deadline=utc(2025, 2, 3, 22, 59), uid="a")
    second = meeting(utc(2025, 2, 10, 12), uid="b")
    found = reminders_between([first, second], POLICY, utc(2025, 2, 2), utc(2025, 2, 11))
    assert [(r.meeting.uid, r.kind) for r in found] == [
        ("a", "deadline"),  # 2 February, 09:00
        ("b", "agenda"),  # 9 February, 09:00
        ("a", "agenda"),  # 10 February, 09:00
        ("b", "start"),  # 10 February, 12:30
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2025, 1, 27, 7, 59), []),
        (utc(2025, 1, 27, 8), ["deadline-7d"]),
        # Down from before the 7-day reminder until after the 1-day one: only the latest.
        (utc(2025, 2, 2, 9), ["deadline-1d"]),
        # Back after the deadline, before the day-before reminder: nothing about the deadline.
        (utc(2025, 2, 4, 9), []),
        (utc(2025, 2, 10, 8), ["agenda"]),
        # Back ten minutes before the start: the start reminder, which repeats the agenda.
        (utc(2025, 2, 11, 11, 50), ["start"]),
        # Back after the start: no reminder is useful any more.
        (utc(2025, 2, 11, 12, 0), []),
    ],
)
def test_due_now_sends_what_is_still_useful_after_downtime(
    now: datetime, expected: list[str]
) -> None:
    rg = meeting(utc(2025, 2, 11, 12), deadline=utc(2025, 2, 3, 22, 59))
    assert [r.key.split(":")[1] for r in due_now([rg], POLICY, now)] == expected


def test_a_reminder_key_changes_when_the_meeting_moves() -> None:
    before = reminders_for(meeting(utc(2025, 2, 11, 12)), POLICY)
    after = reminders_for(meeting(utc(2025, 2, 11, 13)), POLICY)
    start_keys = [r.key for r in before + after if r.kind == "start"]
    assert start_keys == [
        "reminder:start:m1:20250211T1130Z",
        "reminder:start:m1:20250211T1230Z",
    ]


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (utc(2025, 2, 10, 8), "Tomorrow"),  # the day before, on time
        (utc(2025, 2, 11, 8), "Today"),  # back on the meeting day, before the start reminder
    ],
)
def test_the_agenda_reminder_names_the_day_as_read_when_it_is_sent(now: datetime, day: str) -> None:
    rg = meeting(utc(2025, 2, 11, 12))
    [agenda] = due_now([rg], POLICY, now)
    assert agenda.kind == "agenda"
    notice = compose(agenda, now=now, tz=GENEVA)
    assert notice.headline.startswith(f":spiral_calendar_pad: {day}: *Meeting m1*, ")
