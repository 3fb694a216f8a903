""" "is 50-18 done?" gets one answer, whether the bot is mentioned or not: the same
question, answered by the same function, worded with or without markup."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.meetings import questions as ask
from bot.meetings.service import ensure_schedule
from bot.meetings.views import item_status_lines
from bot.plan.importing import import_bytes
from bot.plan.updates.parse import parse_message
from bot.store.db import Database
from tests.support.common import FixedClock

# On SQLite alone: this is about how a status question reads, mentioned or not, not the database
# engine; the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

GENEVA = ZoneInfo("Europe/Zurich")


@pytest.fixture
def plan_db(db: Database, plan_text: str, clock: FixedClock) -> Database:
    import_bytes(db, plan_text.encode(), "plan.txt", clock)
    ensure_schedule(db, clock, GENEVA)
    return db


@pytest.mark.parametrize("text", ["is 50-18 done?", "are 50-18 and 50-99 done?"])
def test_mentioned_or_not_the_answer_is_the_same(
    plan_db: Database, clock: FixedClock, text: str
) -> None:
    asked = ask.classify(f"<@UBOT> {text}", clock(), GENEVA)  # the app_mention listener
    in_channel = ask.Question(ask.ITEM_STATUS, codes=tuple(parse_message(text).question))
    assert asked.kind == ask.ITEM_STATUS
    assert asked.codes == in_channel.codes
    with plan_db.unit_of_work() as session:
        mentioned = ask.answer(session, asked, clock(), GENEVA)
        unmentioned = ask.answer(session, in_channel, clock(), GENEVA)
    assert mentioned.items == unmentioned.items
    rich = item_status_lines(mentioned.items)
    plain = item_status_lines(unmentioned.items, markup=False)
    assert plain == [line.replace("`", "").replace("*", "") for line in rich]
    assert plain[0].startswith(
        "50-18: periodic goals met, not completed (milestone: Ongoing; Each TSAG"
    )
    assert plain[1:] == (["50-99 is not in the action plan."] if "50-99" in text else [])
