"""Personal reminders through the real Bolt app: ``/meetings remind me`` (and ``off``), the
App Home's button, and "Snooze 1 day" / "Got it" (``block_actions``) under a reminder.

Requests are signed and shaped as Slack's (:class:`Console`); the Web API and the
``response_url`` are the recording local ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.posting import personal
from bot.posting.home import REMIND_BUTTON
from bot.posting.reminders import ReminderPolicy, reminders_for
from bot.render import Renderer, blocks_to_text
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.local_api import Call
from bot.slack.requests import FORM, block_action_payload, interaction_body
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import Meeting, OutboxPost, ReminderDismissal, ReminderSubscriber
from tests.support.common import FixedClock

ALICE = "U0ALICE"
NOW = datetime(2025, 5, 25, 7, 0, tzinfo=UTC)  # the day before the meeting below
UID = "tsag-2025-05"

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def services(memory_database_url: str) -> Iterator[Services]:
    db = Database(memory_database_url)
    with db.unit_of_work() as session:
        start = datetime(2025, 5, 26, 7, 30, tzinfo=UTC)
        session.add(
            Meeting(
                uid=UID,
                name="TSAG meeting <!channel>",
                kind="tsag",
                start=start,
                end=start + timedelta(hours=9),
                timezone="Europe/Zurich",
                deadline=datetime(2025, 5, 25, 21, 59, tzinfo=UTC),
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.commit()
    yield Services(
        settings=Settings(database_url=memory_database_url), db=db, clock=FixedClock(NOW)
    )
    db.dispose()


@pytest.fixture
def console(services: Services) -> Iterator[Console]:
    console = Console(services, user=ALICE)
    console.api.users[ALICE] = {"display_name": "Alice", "tz": "Asia/Tokyo"}
    yield console
    console.close()


def said(console: Console, text: str) -> str:
    reply = console.command("/meetings", text)
    assert reply.status == 200
    assert isinstance(reply.body, dict)
    assert reply.body["response_type"] == "ephemeral"
    return str(reply.body["text"])


def zones(services: Services) -> dict[str, str]:
    with services.db.unit_of_work() as session:
        rows = session.execute(select(ReminderSubscriber.user_id, ReminderSubscriber.timezone))
        return {user: zone for user, zone in rows}


def test_remind_me_opts_in_in_the_readers_zone_and_off_opts_out(
    console: Console, services: Services
) -> None:
    first = said(console, "remind me")
    assert first.startswith("You will now get reminders by direct message for every meeting")
    assert "at 09:00 your time (Asia/Tokyo)" in first
    assert said(console, "Remind  ME").startswith("You already get reminders")
    assert zones(services) == {ALICE: "Asia/Tokyo"}
    assert said(console, "remind me off").startswith("No more reminders by direct message.")
    assert said(console, "remind me off").startswith("You were not getting reminders")
    assert zones(services) == {}
    assert said(console, "remind everyone <!channel>") == (
        "Try `/meetings remind me` (reminders by direct message) or `/meetings remind me off`."
    )


def click(
    console: Console, action: str, value: str, message: dict[str, Any] | None = None
) -> list[Call]:
    payload = block_action_payload(
        action,
        value,
        user_id=ALICE,
        channel_id="D0ALICE",
        response_url=console.api.response_url("click"),
        message=message,
        trigger_id="T.1",
    )
    reply = console._dispatch(interaction_body(payload), FORM)
    assert reply.status == 200
    return reply.calls


def test_the_home_button_switches_reminders_and_opening_the_home_refreshes_the_zone(
    console: Console, services: Services
) -> None:
    (published,) = [c for c in console.home().calls if c.method == "views.publish"]
    assert "[Remind me by DM]" in blocks_to_text(published.params["view"]["blocks"])
    calls = click(console, REMIND_BUTTON, "on")
    (published,) = [c for c in calls if c.method == "views.publish"]
    assert "[Stop DM reminders]" in blocks_to_text(published.params["view"]["blocks"])
    assert zones(services) == {ALICE: "Asia/Tokyo"}
    console.api.users[ALICE] = {"display_name": "Alice", "tz": "Africa/Nairobi"}
    services._users.clear()  # Slack asked again, as after the cache's hours
    console.home()
    assert zones(services) == {ALICE: "Africa/Nairobi"}
    click(console, REMIND_BUTTON, "off")
    assert zones(services) == {}


def test_when_slack_does_not_say_the_zone_the_kept_one_stays(
    console: Console, services: Services
) -> None:
    """users.info failing: the Home shows Geneva time, the reminders keep Tokyo's 09:00."""
    said(console, "remind me")
    services._users.clear()  # Slack asked again, as after the cache's hours
    console.api.fail_next("users.info", status=200, error="user_not_found", times=3)
    (published,) = [c for c in console.home().calls if c.method == "views.publish"]
    assert "Times in Geneva time." in blocks_to_text(published.params["view"]["blocks"])
    assert zones(services) == {ALICE: "Asia/Tokyo"}
    assert "at 09:00 your time (Asia/Tokyo)" in said(console, "remind me")
    assert zones(services) == {ALICE: "Asia/Tokyo"}


def a_reminder(services: Services) -> dict[str, Any]:
    """The agenda reminder of the meeting as Alice (in Tokyo) gets it by direct message."""
    with services.db.unit_of_work() as session:
        personal.subscribe(session, ALICE, ZoneInfo("Asia/Tokyo"), NOW - timedelta(days=9))
        session.commit()
        meeting = session.scalars(select(Meeting)).one()
        policy = ReminderPolicy(tz=ZoneInfo("Asia/Tokyo"))
        [agenda] = [r for r in reminders_for(meeting, policy) if r.kind == "agenda"]
        post = personal.personal_post(
            Renderer(),
            personal.Personal(ALICE, ZoneInfo("Asia/Tokyo"), agenda),
            now=NOW,
            due_items=lambda _: [],
        )
    return {"type": "message", "text": post.text, "blocks": post.blocks, "ts": "1.0"}


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    return {e["text"]["text"]: e for e in actions["elements"]}


def test_snooze_queues_it_again_tomorrow_and_says_so(console: Console, services: Services) -> None:
    message = a_reminder(services)
    snooze = buttons(message)["Snooze 1 day"]
    calls = click(console, snooze["action_id"], snooze["value"], message)
    (answer,) = [c for c in calls if c.method == "response_url"]
    assert answer.params["text"] == "Snoozed: I will remind you again Mon 26 May 2025 at 16:00."
    assert answer.params["replace_original"] is False
    with services.db.unit_of_work() as session:
        row = session.scalars(select(OutboxPost)).one()
        assert (row.channel, row.kind, row.due_at) == (
            ALICE,
            "personal-agenda",
            NOW + timedelta(days=1),
        )
        assert row.key.startswith(f"personal-snooze:{ALICE}:{UID}:agenda:1:")


def test_got_it_stops_it_and_the_buttons_give_way_to_a_line(
    console: Console, services: Services
) -> None:
    message = a_reminder(services)
    got_it = buttons(message)["Got it"]
    calls = click(console, got_it["action_id"], got_it["value"], message)
    (answer,) = [c for c in calls if c.method == "response_url"]
    assert answer.params["replace_original"] is True
    kinds = [block["type"] for block in answer.params["blocks"]]
    assert "actions" not in kinds
    assert kinds[-1] == "context"
    assert answer.params["blocks"][-1]["elements"][0]["text"] == (
        "Got it: no more agenda reminder of this meeting for you."
    )
    assert "<!channel>" not in json.dumps(answer.params)
    with services.db.unit_of_work() as session:
        assert session.scalars(select(ReminderDismissal.kind)).all() == ["agenda"]


def test_an_old_button_is_one_line(console: Console) -> None:
    calls = click(console, personal.SNOOZE_BUTTON, '{"m": "gone", "k": "agenda", "d": 1}')
    (answer,) = [c for c in calls if c.method == "response_url"]
    assert answer.params["text"] == "That meeting is no longer in the schedule."
