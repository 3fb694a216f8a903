"""A round's default deadline: the meeting's own, else twelve days before it starts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.posting.rounds.service import default_deadline
from bot.store.models import Meeting
from tests.support.common import utc

GENEVA = ZoneInfo("Europe/Zurich")


def test_a_meeting_of_whole_days_without_a_deadline_is_answered_by_the_end_of_a_day() -> None:
    whole_days = Meeting(start=utc(2030, 5, 19, 22), all_day=True, deadline=None)  # 20 May
    assert default_deadline(whole_days, GENEVA) == utc(2030, 5, 7, 21, 59)  # 7 May, 23:59


def test_a_timed_meeting_is_answered_twelve_days_before_at_its_time_or_by_its_deadline() -> None:
    timed = Meeting(start=utc(2030, 5, 20, 7, 30), all_day=False, deadline=None)
    assert default_deadline(timed, GENEVA) == utc(2030, 5, 8, 7, 30)
    timed.deadline = utc(2030, 5, 1, 21, 59)
    assert default_deadline(timed, GENEVA) == utc(2030, 5, 1, 21, 59)
