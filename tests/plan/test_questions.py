"""Questions about the plan in words, answered from the real plan at a later date.

What each question asks, in many wordings, is the question table's
(tests/support/questions.py, run through the path every question takes by
tests/slack/listeners/test_question_table.py); here, the answers' numbers are
checked against the plan itself.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.meetings.overdue import OverdueCheck
from bot.plan.filters import Changed, Filter, State, parse_filter
from bot.plan.questions import answer_plan_question, command_for
from bot.plan.views import Views
from bot.render import MAX_BLOCKS, Renderer, blocks_to_text
from bot.store.db import Database
from bot.store.models import ActionItem
from tests.plan.conftest import GENEVA, PLANNED

OPEN, DONE, LATE = State.OPEN, State.DONE, State.OVERDUE


@pytest.mark.parametrize(
    ("wanted", "command"),
    [
        (Filter(OPEN, "2"), "open res 2"),
        (Filter(LATE, None, "SG17"), "overdue sg17"),
        (Filter(OPEN, "Opinion 1", "All SGs"), "open opinion 1 all sgs"),
        (Filter(DONE, None, "TSBDir"), "done tsbdir"),
        (Filter(None, "50", "SG17", changed=Changed.THIS_WEEK), "res 50 sg17 changed this week"),
        (Filter(changed=Changed.SINCE_LAST_TSAG), "changed since the last tsag"),
    ],
)
def test_a_listed_answer_names_the_action_command_that_pages_it(
    wanted: Filter, command: str
) -> None:
    assert command_for(wanted) == command
    assert parse_filter(command) == wanted


@pytest.fixture(scope="module")
def session(bundled_plan: Database) -> Iterator[Session]:
    with bundled_plan.unit_of_work() as session:
        yield session


def reply_to(session: Session, text: str) -> str:
    views = Views(Renderer(), GENEVA)
    overdue = OverdueCheck(session, PLANNED, GENEVA)
    reply = answer_plan_question(session, text, views=views, overdue=overdue)
    assert reply is not None
    assert len(reply.blocks) <= MAX_BLOCKS
    return blocks_to_text(reply.blocks) + "\n" + reply.text


def test_who_acts_names_the_bodies(session: Session) -> None:
    said = reply_to(session, "who is responsible for 50-18?")
    assert "SG17, in collaboration with All SGs; reports to TSAG and Council" in said
    assert "Resolution 50 (Section I): action by All SGs, SG17, TSB" in said
    assert "`99-99` is not in the current action plan" in reply_to(session, "who acts on 99-99")


def test_progress_counts_agree_with_the_plan(session: Session) -> None:
    items = list(session.scalars(select(ActionItem).where(ActionItem.appendix == "")))
    done = sum(item.completed for item in items)
    said = reply_to(session, "how many items are completed?")
    assert f"{len(items)} action items" in said
    assert f"{done} completed" in said
    assert f"{len(items) - done} open" in said
    of_50 = [item for item in items if item.resolution.key == "50"]
    said = reply_to(session, "progress of Resolution 50")
    assert said.startswith("Progress of Resolution 50")
    assert f"{len(of_50)} action items of Resolution 50" in said


@pytest.mark.parametrize(
    ("text", "header", "present"),
    [
        ("SG17's open actions", "open action items for SG17", ["50-18", "50-05"]),
        ("overdue for SG17", "2 overdue action items for SG17", ["52-03", "94-02"]),
        (
            "which items of Resolution 2 are not done?",
            "1 open action item of Resolution 2",
            ["02-02"],
        ),
        ("show me Resolution 50", "Resolution 50 – Cybersecurity", ["50-18", "50-28"]),
        ("what's overdue?", "overdue action items", ["01-02"]),
    ],
)
def test_lists_answer_from_the_plan(
    session: Session, text: str, header: str, present: list[str]
) -> None:
    said = reply_to(session, text)
    assert header in said.splitlines()[0]
    for code in present:
        assert f"`{code}`" in said
