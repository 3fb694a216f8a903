"""Rows that processes take turns at (the inbox's events, the outbox's posts).

A process *takes* a row for a lease with one conditional update: only one process
can win it, and a row whose lease has ended can be taken again. A row that failed
waits a pause that doubles with each attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.store.models import InboxEvent, OutboxPost


def take(
    session: Session,
    model: type[InboxEvent] | type[OutboxPost],
    row_id: int,
    *,
    free: Sequence[StrEnum],
    taken: StrEnum,
    now: datetime,
    lease: timedelta,
) -> bool:
    """Take the row for ``lease`` if it is in a ``free`` status and due; whether this
    call won it (its attempt counted). The caller commits."""
    result = session.execute(
        update(model)
        .where(model.id == row_id, model.status.in_(free), model.next_attempt_at <= now)
        .values(status=taken, attempts=model.attempts + 1, next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def pause(attempts: int, first: timedelta, longest: timedelta) -> timedelta:
    """How long a row waits after its ``attempts``-th attempt failed: ``first``, doubled
    each time, at most ``longest``."""
    doubled: timedelta = first * 2 ** (attempts - 1)
    return min(doubled, longest)
