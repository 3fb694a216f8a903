"""Which action items are overdue: their milestone has passed and they are not completed.

Read through the milestone engine (:func:`bot.meetings.milestones.item_due`): an
item is overdue when every dated term of its milestone is before today
(``past``); ``Ongoing`` and recurring milestones (``Each TSAG meeting``) never
are.  :class:`OverdueCheck` is the function :mod:`bot.plan.filters` takes, built
on the schedule only when first asked, and reading each milestone text once.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.meetings.milestones import DueState, Schedule, item_due
from bot.meetings.queries import schedule
from bot.meetings.when import local_date
from bot.store.models import ActionItem


class OverdueCheck:
    """``check(item)``: whether ``item`` is overdue at ``now`` (see the module docstring)."""

    def __init__(self, session: Session, now: datetime, tz: ZoneInfo) -> None:
        self.session = session
        self.today = local_date(now, tz)
        self.tz = tz
        self._schedule: Schedule | None = None
        self._past: dict[str, bool] = {}

    def __call__(self, item: ActionItem) -> bool:
        if item.completed or item.obsolete:
            return False
        if item.milestone not in self._past:
            if self._schedule is None:
                self._schedule = schedule(self.session, self.tz)
            due = item_due(item.milestone, self._schedule, self.today)
            self._past[item.milestone] = due.state == DueState.PAST
        return self._past[item.milestone]
