"""Every question of :mod:`tests.meetings.question_table`: what it asks, and its answer.

Each row is read (classified) on the table's clock, then answered from one SQLite
database in memory holding the bundled plan, the table's schedule and its recorded
updates, and rendered as a mention's reply would be (within Slack's limits, which
the renderer checks).
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.meetings import questions as ask
from bot.meetings.views import Audience, MeetingViews
from bot.render import Renderer, blocks_to_text
from bot.store.db import Database
from bot.store.models import ActionItem, AgendaItem, Meeting, StatusUpdate
from bot.store.vocabulary import UpdateSource
from tests.meetings.question_table import FINAL_FLAGS, NOW, QUESTIONS, SCHEDULE, UPDATES, Asked
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

GENEVA = ZoneInfo("Europe/Zurich")


def test_the_table_is_large_and_varied() -> None:
    assert len(QUESTIONS) >= 60
    assert len({row.text for row in QUESTIONS}) == len(QUESTIONS)
    assert {row.kind for row in QUESTIONS} >= set(ask.QuestionKind) - {ask.OVERVIEW}


@pytest.mark.parametrize("row", QUESTIONS, ids=[row.text for row in QUESTIONS])
def test_what_a_question_asks(row: Asked) -> None:
    question = ask.classify(row.text, NOW, GENEVA)
    window = question.window.label if question.window else None
    said = (question.kind, tuple(k.value for k in question.kinds), window, question.past)
    assert said == (row.kind, row.kinds, row.window, row.past)
    assert (question.body, question.codes) == (row.body, row.codes)


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
def table_db(migrated_sqlite: Path) -> Iterator[Database]:
    """The bundled plan, the table's schedule and updates: SQLite in memory, one for all."""
    name = f"file:tsagbot-{uuid.uuid4().hex}?mode=memory&cache=shared"
    keeper = sqlite3.connect(name, uri=True)
    with contextlib.closing(sqlite3.connect(migrated_sqlite)) as migrated:
        migrated.backup(keeper)
    db = Database(f"sqlite:///{name}&uri=true")
    try:
        _load(db)
        yield db
    finally:
        db.dispose()
        keeper.close()


@pytest.mark.parametrize("row", QUESTIONS, ids=[row.text for row in QUESTIONS])
def test_the_answer(table_db: Database, row: Asked) -> None:
    views = MeetingViews(Renderer(), GENEVA, NOW)
    with table_db.unit_of_work() as session:
        question = ask.classify(row.text, NOW, GENEVA)
        found = ask.answer(session, question, NOW, GENEVA)
        reply = views.for_answer(found, Audience(None, private=False))
    shown = blocks_to_text(reply.blocks)
    for words in row.shows:
        assert words in shown, shown
    for words in row.hides:
        assert words not in shown, shown
    assert reply.text
