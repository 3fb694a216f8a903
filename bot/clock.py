"""The clock is passed in, never read inside domain code, so tests can move time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, aware and in UTC."""
    return datetime.now(UTC)


def moved_clock(at: datetime, clock: Clock = system_clock) -> Clock:
    """A clock that reads ``at`` now and runs on from there as ``clock`` runs:
    ``tsagbot console --at 2025-01-20`` shows the bot as it was (or will be) that day."""
    offset = at - clock()

    def moved() -> datetime:
        return clock() + offset

    return moved
