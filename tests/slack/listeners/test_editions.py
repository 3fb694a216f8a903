"""Editions, Section I and notes-become-status as a Slack user sees them, through the console."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.plan.importing import import_bytes
from bot.plan.updates.record import retract_message
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import SlackMessage
from scripts.make_wtsa24_plan import NEW_ACTION, wtsa24_from
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

# On SQLite alone: this is about how older editions show in replies and buttons, not the database
# engine; the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def console(db: Database, clock: FixedClock) -> Iterator[Console]:
    ensure_plan_once(db, clock)
    settings = Settings(database_url=db.engine.url.render_as_string(hide_password=False))
    console = Console(Services(settings=settings, db=db, clock=clock))
    yield console
    console.close()


def action(console: Console, text: str) -> str:
    return console.command("/action", text).as_text()


def test_a_note_shows_in_the_status_and_undo_takes_it_back(
    console: Console, db: Database, clock: FixedClock
) -> None:
    posted = console.message("update 50-25: SG17 sent its report in TSAG-TD206")
    assert posted.status == 200
    line = "[2026-11-20, you via Slack] SG17 sent its report in TSAG-TD206"
    assert line in action(console, "50-25").splitlines()
    with db.unit_of_work() as session:  # what the confirmation's Undo button does
        message = session.scalars(select(SlackMessage)).one()
        retract_message(session, message, reason="undo", actor="you", actor_id="U", now=clock())
        session.commit()
    assert line not in action(console, "50-25")


def test_a_newer_plan_keeps_the_older_items_apart(
    console: Console, db: Database, plan_text: str, clock: FixedClock
) -> None:
    console.message("50-18 done")
    assert "Completed: ✅ Yes" in action(console, "50-18")
    import_bytes(db, wtsa24_from(plan_text).encode(), "wtsa24.txt", clock)
    current = action(console, "50-18")
    assert NEW_ACTION in current
    assert "Completed: No" in current
    assert "WTSA-20 also had a 50-18: `/action 50-18 wtsa-20`" in current
    older = action(console, "50-18 wtsa-20")
    assert "Completed: ✅ Yes" in older
    assert "An item of the WTSA-20 plan, which the WTSA-24 plan has replaced" in older
    # Updates now go to the current edition's items only.
    console.message("50-18 done")
    assert "Completed: ✅ Yes" in action(console, "50-18")


def test_the_resolution_view_says_who_acts(console: Console) -> None:
    listing = action(console, "50")
    assert (
        "Action by: SGs: All SGs, SG17; TSB; Membership: MSs, SMs, Associates, academia; "
        "GenSec: SecGen · Collaboration with: GenSec: GCA; BDT ITU-D: ITU-D Question 3/2; "
        "BR ITU-R · Report to: TSAG; Council"
    ) in listing


def test_several_ids_of_an_older_plan_keep_its_name_in_their_buttons(
    console: Console, db: Database, plan_text: str, clock: FixedClock
) -> None:
    import_bytes(db, wtsa24_from(plan_text).encode(), "wtsa24.txt", clock)
    (message,) = console.command("/action", "50-18, 50-20 wtsa-20").messages()
    values = [
        element["value"]
        for block in message["blocks"]
        for element in [block.get("accessory", {}), *block.get("elements", [])]
        if "value" in element
    ]
    assert values[:2] == ["50-18 wtsa-20", "50-20 wtsa-20"]
    assert "50-18 50-20 wtsa-20" in values[2]  # "Post in channel" names the edition too
    older = console.command("/action", values[0]).as_text()
    assert "An item of the WTSA-20 plan, which the WTSA-24 plan has replaced" in older
