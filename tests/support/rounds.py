"""The TSAG meeting the reporting-round tests ask for, and the moment they start at."""

from __future__ import annotations

from datetime import timedelta

from bot.store.models import Meeting
from tests.support.common import utc

STARTED = utc(2026, 3, 23, 8)
"""Monday 23 March 2026, 09:00 in Geneva: five weeks before the meeting."""
MEETING = utc(2026, 4, 27, 7, 30)
"""Monday 27 April 2026, 09:30 in Geneva (summer time, since 29 March)."""


def tsag_meeting() -> Meeting:
    """The TSAG meeting of 27 April 2026, as the schedule would hold it at :data:`STARTED`."""
    return Meeting(
        uid="tsag-2026-04",
        name="TSAG meeting",
        kind="tsag",
        start=MEETING,
        end=MEETING + timedelta(days=4, hours=8),
        timezone="Europe/Zurich",
        created_at=STARTED,
        updated_at=STARTED,
    )
