"""The real WTSA-20 plan imported, then updated by people, for the export tests."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from lxml import etree  # type: ignore[import-untyped]
from sqlalchemy import select

from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import IncomingMessage, record_message
from bot.store.db import Database
from bot.store.models import ActionItem, Resolution, StatusUpdate
from bot.store.vocabulary import UpdateSource
from tests.support.common import FixedClock
from tests.support.snapshots import import_once, load_once

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
NOTE_50_25 = "SG17 sent its report in TSAG-TD206"


@pytest.fixture
def plan_db(db: Database, plan_text: str, clock: FixedClock) -> Database:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    clock.now += timedelta(days=1)
    return db


def say(db: Database, clock: FixedClock, text: str, *, author: str, ts: str) -> None:
    """A channel message recorded as Slack delivers it."""
    message = IncomingMessage("T1", "C1", ts, f"U-{author}", author, text)
    with db.unit_of_work() as session:
        outcome = record_message(
            session, message, parse_message(text), editors=frozenset(), now=clock()
        )
        session.commit()
    assert outcome.status == "recorded", outcome


@pytest.fixture
def updated_db(db: Database, plan_text: str, clock: FixedClock) -> Database:
    """The plan as ``plan_db``, then 50-18 completed by Alice, 50-25 noted by Bob, a line of
    50-09's status cut by Carol (the clock an hour on after each).

    Nothing records a cut yet; it stands for any later way of rewording a status.  Loaded
    for real once per process and backend, then copied.
    """
    start = clock()

    def load() -> None:
        import_once(db, plan_text.encode(), "plan.txt", clock)
        clock.now += timedelta(days=1)
        say(db, clock, "50-18 done, see TD206", author="Alice", ts="1.1")
        clock.now += timedelta(hours=1)
        say(db, clock, f"update 50-25: {NOTE_50_25}", author="Bob", ts="1.2")
        clock.now += timedelta(hours=1)
        with db.unit_of_work() as session:
            item = session.scalars(select(ActionItem).where(ActionItem.code == "50-09")).one()
            item.status = "\n".join(item.status.split("\n")[1:])
            session.add(
                StatusUpdate(
                    item=item,
                    kind="edit",
                    text="first line cut",
                    author="Carol",
                    source=UpdateSource.CLI,
                    created_at=clock(),
                )
            )
            session.commit()

    plan = hashlib.sha256(plan_text.encode()).hexdigest()
    load_once(db, ("export tests: updated plan", plan, start.isoformat()), load)
    clock.now = start + timedelta(days=1, hours=2)
    return db


def document_xml(data: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def items_state(db: Database) -> dict[tuple[str, str], dict[str, Any]]:
    """What an import decides about each item: the fields a round trip must keep."""
    with db.unit_of_work() as session:
        return {
            (item.code, item.appendix): {
                "action": item.action,
                "milestone": item.milestone,
                "aliases": list(item.aliases or []),
                "periodic_goals_met": item.periodic_goals_met,
                "completed": item.completed,
                "status": item.status,
                "resolution": item.resolution.key,
            }
            for item in session.scalars(select(ActionItem))
        }


def section_one_state(db: Database) -> dict[str, tuple[str, str, str, str]]:
    """Section I as stored: per Resolution, its title and who acts, collaborates, reports."""
    with db.unit_of_work() as session:
        return {
            row.key: (row.title, row.action_by, row.collaboration, row.report_to)
            for row in session.scalars(select(Resolution))
        }
