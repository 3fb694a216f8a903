"""A large synthetic plan and schedule, for the digest's splitting tests and its benchmark."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.store.models import FIRST_EDITION, ActionItem, ImportRun, Meeting, Resolution, StatusUpdate


def fill_synthetic(
    session: Session,
    now: datetime,
    *,
    items: int = 10_000,
    updates: int = 2_000,
    meetings: int = 1_000,
    resolutions: int = 100,
) -> None:
    """A large plan in a few bulk inserts (a second or so): items, this week's updates, meetings.

    Milestones mix the forms of the real plan (meeting names, relative and
    recurring terms, years, ``Ongoing``); updates fall within the week before
    ``now``, one in ten taken back and one in ten from an import; meetings of
    every body run from five years before ``now`` to five years after.
    """
    milestones = [
        "TSAG2023",
        "WTSA-24",
        "3 months before WTSA-28",
        "Annual",
        "Council 2023",
        "Ongoing",
        "Each TSAG meeting",
        "2027",
        "TSAG2026, Ongoing",
        "One year before WTSA-28",
    ]
    session.execute(
        insert(Resolution),
        [
            {"key": str(n), "title": f"Resolution title {n}", "position": n}
            for n in range(resolutions)
        ],
    )
    keys = {n: key for n, key in session.execute(select(Resolution.position, Resolution.id))}
    session.execute(
        insert(ActionItem),
        [
            {
                "code": f"{n % resolutions}-{n // resolutions:03d}",
                "resolution_id": keys[n % resolutions],
                "action": f"Action number {n} " + "with a long description " * 4,
                "milestone": milestones[n % len(milestones)],
                "completed": n % 7 == 0,
                "position": n,
            }
            for n in range(items)
        ],
    )
    ids = list(session.scalars(select(ActionItem.id).order_by(ActionItem.id)))
    week = timedelta(days=7).total_seconds()
    session.execute(
        insert(StatusUpdate),
        [
            {
                "item_id": ids[(n * 7919) % len(ids)],
                "kind": ("note", "completed", "periodic", "reopened")[n % 4],
                "text": f"Update {n}: " + "progress reported & discussed <here> " * 5,
                "author": f"Person {n % 37}",
                "source": "import" if n % 10 == 9 else "slack",
                "link": f"https://tsag.slack.com/archives/C0UPDATES/p{1763000000000000 + n}",
                "created_at": now - timedelta(seconds=week * (n + 0.5) / updates),
                "retracted_at": now if n % 10 == 3 else None,
            }
            for n in range(updates)
        ],
    )
    kinds = ["tsag", "wtsa", "irm", "working_party", "rapporteur_group", "other"]
    span = timedelta(days=3650) / meetings
    first = now - timedelta(days=1825)
    session.execute(
        insert(Meeting),
        [
            {
                "uid": f"synthetic-{n}",
                "name": "ITU Council" if n % 6 == 5 else f"Meeting {n}",
                "kind": kinds[n % len(kinds)],
                "start": first + span * n,
                "end": first + span * n + timedelta(hours=3),
                "timezone": "Europe/Zurich",
                "deadline": first + span * n - timedelta(days=12),
                "created_at": now,
                "updated_at": now,
            }
            for n in range(meetings)
        ],
    )
    session.add(
        ImportRun(
            file_name="synthetic",
            sha256="0" * 64,
            file_kind="text",
            edition=FIRST_EDITION,
            created_at=first,
        )
    )
