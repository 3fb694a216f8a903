"""Where ``/action changed ...`` starts: the digest's week, or the last TSAG meeting.

"This week" is the seven days up to now, as the weekly digest counts its week (it
runs on Monday, so a calendar week would be empty when its readers follow its
"``/action changed this week``" line); "since the last TSAG" starts when the last
TSAG meeting of the schedule started.  :class:`ChangeSpans` is the function
:func:`bot.plan.lookup.answer` takes, as it takes the overdue check.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.meetings.model import MeetingKind
from bot.meetings.queries import last_meeting
from bot.plan.changes import Span
from bot.plan.filters import Changed

WEEK_DAYS = 7


class ChangeSpans:
    """``spans(changed)``: the span a ``changed`` filter covers at ``now``, or None when
    it starts at a meeting the schedule does not hold."""

    def __init__(self, session: Session, now: datetime, tz: ZoneInfo) -> None:
        self.session = session
        self.now = now
        self.tz = tz

    def __call__(self, changed: Changed) -> Span | None:
        if changed == Changed.SINCE_LAST_TSAG:
            meeting = last_meeting(self.session, self.now, [MeetingKind.TSAG.value])
            if meeting is None:
                return None
            return Span(meeting.start, self.now, f"since {meeting.name}")
        start = (self.now.astimezone(self.tz) - timedelta(days=WEEK_DAYS)).astimezone(UTC)
        return Span(start, self.now, f"in the last {WEEK_DAYS} days")
