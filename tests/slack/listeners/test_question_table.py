"""Every question of :mod:`tests.support.questions`, through the path every question takes.

A mention, a reply in the bot's thread, the console and ``tsagbot ask`` all call
:func:`bot.slack.listeners.meetings.question_reply`; each row is asked there, on the
table's clock, against one SQLite database in memory holding the bundled plan, the
table's schedule and its recorded updates.  The row says what answers it (the plan's
reader or the schedule's, and which kind), the ids, meetings, window, body, state
and Resolution it names, words the reply shows and hides; and asking records nothing.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.meetings import questions as ask
from bot.plan.questions import read_plan_question
from bot.render import MAX_BLOCKS, blocks_to_text
from bot.settings import Settings
from bot.slack.listeners.action import plan_question_reply
from bot.slack.listeners.meetings import question_reply
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import ActionItem, AgendaItem, Meeting, SlackMessage, StatusUpdate
from bot.store.vocabulary import UpdateSource
from tests.support.common import FixedClock
from tests.support.questions import FINAL_FLAGS, NOW, QUESTIONS, SCHEDULE, UPDATES, Asked
from tests.support.snapshots import ensure_plan_once


def test_the_table_is_large_and_varied() -> None:
    assert len(QUESTIONS) >= 150
    assert len({row.text for row in QUESTIONS}) == len(QUESTIONS)
    kinds = {row.kind for row in QUESTIONS}
    assert kinds >= set(ask.QuestionKind) - {ask.OVERVIEW}
    assert kinds >= {"who_acts", "list", "resolution", "progress"}


def _load(db: Database) -> None:
    ensure_plan_once(db, FixedClock(NOW))
    with db.unit_of_work() as session:
        for m in SCHEDULE:
            session.add(
                Meeting(
                    uid=m.uid,
                    name=m.name,
                    kind=m.kind,
                    start=m.start,
                    end=m.end,
                    timezone="Europe/Zurich",
                    link=m.link,
                    deadline=m.deadline,
                    documents=list(m.documents),
                    source="question table",
                    created_at=NOW,
                    updated_at=NOW,
                    agenda=[
                        AgendaItem(position=n, title=title, documents=list(documents))
                        for n, (title, documents) in enumerate(m.agenda, start=1)
                    ],
                )
            )
        items = {
            item.code: item
            for item in session.scalars(
                select(ActionItem).where(ActionItem.code.in_({u.code for u in UPDATES}))
            )
            if not item.obsolete
        }
        for update in UPDATES:
            session.add(
                StatusUpdate(
                    item=items[update.code],
                    kind=update.kind,
                    text=update.text,
                    author="Chair",
                    source=UpdateSource.CLI,
                    previous=update.previous,
                    created_at=update.at,
                    retracted_at=update.at if update.retracted else None,
                    retracted_by="undo" if update.retracted else "",
                )
            )
        for code, state in FINAL_FLAGS.items():
            items[code].completed = state["completed"]
            items[code].periodic_goals_met = state["periodic_goals_met"]
        session.commit()


@pytest.fixture(scope="module")
def services(migrated_sqlite: Path) -> Iterator[Services]:
    """The bundled plan, the table's schedule and updates: SQLite in memory, one for all."""
    name = f"file:tsagbot-{uuid.uuid4().hex}?mode=memory&cache=shared"
    keeper = sqlite3.connect(name, uri=True)
    with contextlib.closing(sqlite3.connect(migrated_sqlite)) as migrated:
        migrated.backup(keeper)
    url = f"sqlite:///{name}&uri=true"
    db = Database(url)
    try:
        _load(db)
        yield Services(settings=Settings(database_url=url), db=db, clock=FixedClock(NOW))
    finally:
        db.dispose()
        keeper.close()


def what_it_asks(services: Services, row: Asked) -> tuple[object, ...]:
    """The kind, ids, meetings, window, past, body, state and Resolution a question names,
    as the path that answers it reads them: the plan's reader, else the schedule's."""
    with services.db.unit_of_work() as session:
        answered = plan_question_reply(services, session, row.text) is not None
    plan = read_plan_question(row.text)
    if answered and plan is not None:
        wanted = plan.filter
        return (
            plan.intent,
            plan.codes,
            (),
            None,
            False,
            wanted.body or "",
            wanted.state,
            wanted.resolution,
        )
    question = ask.classify(row.text, NOW, services.settings.tz)
    window = question.window.label if question.window else None
    kinds = tuple(kind.value for kind in question.kinds)
    resolution = question.resolution or None
    return (
        question.kind,
        question.codes,
        kinds,
        window,
        question.past,
        question.body,
        None,
        resolution,
    )


def recorded(services: Services) -> tuple[int, int]:
    with services.db.unit_of_work() as session:
        updates = session.scalar(select(func.count()).select_from(StatusUpdate))
        messages = session.scalar(select(func.count()).select_from(SlackMessage))
        return updates or 0, messages or 0


@pytest.mark.parametrize("row", QUESTIONS, ids=[row.text for row in QUESTIONS])
def test_a_question(services: Services, row: Asked) -> None:
    expected = (
        row.kind,
        row.codes,
        row.kinds,
        row.window,
        row.past,
        row.body,
        row.state,
        row.resolution,
    )
    assert what_it_asks(services, row) == expected
    before = recorded(services)
    reply = question_reply(services, row.text, "U0CHAIR", None)
    assert recorded(services) == before
    assert len(reply.blocks) <= MAX_BLOCKS
    assert reply.text
    shown = blocks_to_text(reply.blocks) + "\n" + reply.text
    for words in row.shows:
        assert words in shown, shown
    for words in row.hides:
        assert words not in shown, shown


def test_a_resolution_and_its_progress_count_alike(services: Services) -> None:
    """ "show me Res. 50" and "progress of Resolution 50" give the same open and periodic
    counts, those of the data (the periodic flag counted among open items only)."""
    with services.db.unit_of_work() as session:
        items = [
            item
            for item in session.scalars(select(ActionItem).where(ActionItem.appendix == ""))
            if item.resolution.key == "50"
        ]
        both = next(item for item in items if item.code == "50-18")
        assert both.periodic_goals_met
        assert not both.completed
        both.completed = True  # completed with its periodic goals met: counted once
        session.commit()
        still_open = [item for item in items if not item.completed]
        periodic = sum(item.periodic_goals_met for item in still_open)
    expected = f"{len(still_open)} open, of which {periodic} with periodic goals met"
    try:
        for question in ("show me Res. 50", "progress of Resolution 50"):
            reply = question_reply(services, question, "U0CHAIR", None)
            assert expected in blocks_to_text(reply.blocks), question
    finally:
        with services.db.unit_of_work() as session:
            session.scalars(
                select(ActionItem).where(ActionItem.code == "50-18")
            ).one().completed = False
            session.commit()
