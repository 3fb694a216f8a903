"""Questions about the plan in words: what is asked, and the answer from the real plan."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.meetings.overdue import OverdueCheck
from bot.plan.filters import Filter, State, parse_filter
from bot.plan.questions import (
    PlanIntent,
    PlanQuestion,
    answer_plan_question,
    command_for,
    read_plan_question,
)
from bot.plan.views import Views
from bot.render import MAX_BLOCKS, Renderer, blocks_to_text
from bot.store.db import Database
from bot.store.models import ActionItem
from tests.plan.conftest import GENEVA, PLANNED

OPEN, DONE, LATE = State.OPEN, State.DONE, State.OVERDUE
WHO, LIST = PlanIntent.WHO_ACTS, PlanIntent.LIST
SHOW, PROGRESS = PlanIntent.RESOLUTION, PlanIntent.PROGRESS


def who(*codes: str) -> PlanQuestion:
    return PlanQuestion(WHO, codes)


def listing(state: State, resolution: str | None = None, body: str | None = None) -> PlanQuestion:
    return PlanQuestion(LIST, filter=Filter(state, resolution, body))


def progress(resolution: str | None = None, body: str | None = None) -> PlanQuestion:
    return PlanQuestion(PROGRESS, filter=Filter(None, resolution, body))


QUESTIONS: list[tuple[str, PlanQuestion | None]] = [
    ("who is responsible for 50-18?", who("50-18")),
    ("<@U0BOT> who acts on 50-18", who("50-18")),
    ("Who's in charge of 50.18 ?", who("50-18")),
    ("which body acts on 50-18 and 52-03?", who("50-18", "52-03")),
    ("who should act on res 50 item 18", who("50-18")),
    ("responsible for 97-8?", who("97-08")),
    ("owner of 44-14", who("44-14")),
    ("SG17's open actions", listing(OPEN, body="SG17")),
    ("what does SG17 have open", listing(OPEN, body="SG17")),
    ("open items for SG 17", listing(OPEN, body="SG17")),
    ("what is TSB working on?", listing(OPEN, body="TSB")),
    ("which items does TSAG have", listing(OPEN, body="TSAG")),
    ("pending actions of the TSB Director", listing(OPEN, body="TSBDir")),
    ("what has SG17 completed?", listing(DONE, body="SG17")),
    ("which items of Resolution 2 are not done?", listing(OPEN, "2")),
    ("what's still open in res 50", listing(OPEN, "50")),
    ("which actions of Resolution 50 are completed", listing(DONE, "50")),
    ("items of resolution 52 not yet completed", listing(OPEN, "52")),
    ("outstanding items for BDT", listing(OPEN, body="BDT")),
    ("what's overdue?", listing(LATE)),
    ("overdue for SG17", listing(LATE, body="SG17")),
    ("which items are late", listing(LATE)),
    ("anything past due in Resolution 44?", listing(LATE, "44")),
    ("What’s overdue for the TSB?", listing(LATE, body="TSB")),
    ("show me Resolution 50", PlanQuestion(SHOW, filter=Filter(resolution="50"))),
    ("Resolution 50", PlanQuestion(SHOW, filter=Filter(resolution="50"))),
    ("what is in resolution 2?", PlanQuestion(SHOW, filter=Filter(resolution="2"))),
    ("list the items of res 44", PlanQuestion(SHOW, filter=Filter(resolution="44"))),
    ("how many items are completed?", progress()),
    ("progress of Resolution 50", progress("50")),
    ("how far is Resolution 2?", progress("2")),
    ("how many open items does SG17 have?", progress(body="SG17")),
    ("how many action items are overdue", progress()),
    ("stats for TSAG", progress(body="TSAG")),
    # Not plan questions: the schedule's reader (or the help) answers them.
    ("status of 50-18", None),
    ("is 50-18 done?", None),
    ("when is the next TSAG?", None),
    ("what is due at the next TSAG?", None),
    ("deadlines this week", None),
    ("when was the last IRM?", None),
    ("agenda of the next IRM", None),
    ("link to join the IRM?", None),
    ("what changed this week?", None),
    ("help", None),
    ("who is on TSAG?", None),
]


@pytest.mark.parametrize(("text", "expected"), QUESTIONS, ids=[text for text, _ in QUESTIONS])
def test_what_a_question_asks(text: str, expected: PlanQuestion | None) -> None:
    assert read_plan_question(text) == expected


@pytest.mark.parametrize(
    ("wanted", "command"),
    [
        (Filter(OPEN, "2"), "open res 2"),
        (Filter(LATE, None, "SG17"), "overdue sg17"),
        (Filter(OPEN, "Opinion 1", "All SGs"), "open opinion 1 all sgs"),
        (Filter(DONE, None, "TSBDir"), "done tsbdir"),
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
