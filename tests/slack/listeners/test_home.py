"""tsagbot's Home tab, through the real Bolt app: ``app_home_opened`` → ``views.publish``,
in the reader's own zone, and its *Follow…* form (``block_actions`` → ``views.open``,
``view_submission``).

Everything goes through :class:`Console` (requests signed as Slack signs them, Slack's
payload shapes, its recording Web API), at a fixed time before the bundled schedule's
RG-IEM e-meetings, with a TSAG meeting added to the schedule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.service import ensure_schedule
from bot.plan.importing import ensure_plan
from bot.render import blocks_to_text
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.listeners.home import FOLLOW_BLOCK, FOLLOW_MODAL
from bot.slack.local_api import Call
from bot.slack.requests import FORM, block_action_payload, interaction_body
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import Meeting
from tests.support.common import FixedClock
from tests.support.snapshots import load_once

ALICE, BOB = "U0ALICE", "U0BOB"
NOW = datetime(2025, 2, 1, 9, 0, tzinfo=UTC)
GENEVA = ZoneInfo("Europe/Zurich")

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def services(memory_database_url: str) -> Iterator[Services]:
    clock = FixedClock(NOW)
    db = Database(memory_database_url)

    def load() -> None:
        ensure_plan(db, clock)
        ensure_schedule(db, clock, GENEVA)

    load_once(db, ("plan and schedule", NOW.isoformat()), load)
    with db.unit_of_work() as session:
        start = datetime(2025, 5, 26, 7, 30, tzinfo=UTC)  # 09:30 in Geneva
        session.add(
            Meeting(
                uid="tsag-2025-05",
                name="TSAG meeting <!channel>",
                kind="tsag",
                start=start,
                end=start + timedelta(days=4, hours=9),
                timezone="Europe/Zurich",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.commit()
    yield Services(settings=Settings(database_url=memory_database_url), db=db, clock=clock)
    db.dispose()


@pytest.fixture
def console(services: Services) -> Iterator[Console]:
    console = Console(services, user=ALICE)
    console.api.users[ALICE] = {"display_name": "Alice", "tz": "Asia/Tokyo"}
    console.api.users[BOB] = {"display_name": "Bob", "tz": "America/Los_Angeles"}
    yield console
    console.close()


def open_home(console: Console, user: str = ALICE) -> dict[str, Any]:
    """The view published when ``user`` opens the Home tab, checked against Slack's limits."""
    console.user = user
    reply = console.home()
    assert reply.status == 200
    (published,) = [call for call in reply.calls if call.method == "views.publish"]
    assert published.params["user_id"] == user
    view: dict[str, Any] = published.params["view"]
    check_view(view, "home")
    return view


def check_view(view: dict[str, Any], kind: str) -> None:
    assert view["type"] == kind
    assert 0 < len(view["blocks"]) <= 100
    for text in _texts(view["blocks"]):
        assert len(text) <= 3000
    assert "<!channel>" not in json.dumps(view)


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from _texts(value)
    elif isinstance(node, list):
        for child in node:
            yield from _texts(child)


def part(view: dict[str, Any], title: str) -> str:
    """The text of the Home's part whose title line starts with ``title``, up to the next
    divider."""
    text = blocks_to_text(view["blocks"])
    for chunk in text.split("-" * 40):
        first, _, rest = chunk.strip().partition("\n")
        if first.startswith(title):
            return rest.strip()
    raise AssertionError(f"no part {title!r} in\n{text}")


def test_home_without_follows_shows_every_meeting_in_the_readers_zone(console: Console) -> None:
    view = open_home(console)
    text = blocks_to_text(view["blocks"])
    assert "Times in Tokyo time. Meetings of every kind." in text
    assert "You follow nothing yet" in text
    meetings = part(view, "Next meetings").splitlines()
    assert meetings[0] == (
        "• TSAG RG-IEM e-meeting (Rapporteur group) — Tue 11 February 2025, 21:00–23:00 Tokyo time"
    )
    assert "• TSAG meeting <!channel> (TSAG) — Mon 26 May 2025, 16:30" in part(
        view, "Next meetings"
    )
    deadlines = part(view, "Contribution deadlines").splitlines()
    assert deadlines[0] == (
        "• TSAG RG-IEM e-meeting — contributions by Tue 4 February 2025, 07:59 Tokyo time"
    )
    assert part(view, "Due at TSAG meeting <!channel> (Mon 26 May 2025").endswith(
        "Follow a Resolution or a body to see its items due at the next TSAG meeting."
    )
    assert part(view, "Your latest updates") == "You have recorded no update yet."


def test_home_shows_what_the_reader_follows_and_their_own_updates(
    console: Console, services: Services
) -> None:
    console.user = ALICE
    console.command("/action", "follow 50 for me")
    console.command("/meetings", "follow rg for me")
    services.clock.now += timedelta(minutes=1)  # type: ignore[attr-defined]
    console.user = BOB
    console.message("50-20 done", channel="C0UPDATES")
    console.message("02-02 done", channel="C0UPDATES")  # not followed
    console.user = ALICE
    console.message("update 2-1: sent to TSB", channel="C0UPDATES")

    view = open_home(console)
    text = blocks_to_text(view["blocks"])
    assert "Times in Tokyo time. Meetings of the kinds you follow: Rapporteur group." in text
    assert "You follow Resolution 50, Rapporteur group meetings." in text
    assert "TSAG meeting" not in part(view, "Next meetings")  # not a kind Alice follows
    due = part(view, "Due at TSAG meeting <!channel> (Mon 26 May 2025, 16:30")
    assert due.startswith("• 50-18 SG17, in close collaboration with all other ITU-T SGs")
    latest = part(view, "Latest in what you follow")
    assert latest.startswith("• 50-20 marked completed — @U0BOB")
    assert "02-02" not in latest
    assert part(view, "Your latest updates").startswith("• 02-01 note: sent to TSB — @U0ALICE")

    los_angeles = blocks_to_text(open_home(console, BOB)["blocks"])
    assert "Times in Los Angeles time. Meetings of every kind." in los_angeles
    assert "• 50-20 marked completed — @U0BOB" in los_angeles  # Bob's own update


def home_click(console: Console) -> Call:
    """*Follow…* pressed on the Home tab: the modal Slack is asked to open."""
    payload = block_action_payload("home_follow", "follow", user_id=ALICE, trigger_id="T.1")
    for key in ("channel", "message", "response_url"):
        del payload[key]
    payload["container"] = {"type": "view", "view_id": "V0HOME"}
    payload["view"] = {"id": "V0HOME", "type": "home", "callback_id": "", "blocks": []}
    reply = console._dispatch(interaction_body(payload), FORM)
    assert reply.status == 200
    (opened,) = [call for call in reply.calls if call.method == "views.open"]
    assert opened.params["trigger_id"] == "T.1"
    return opened


def submit(console: Console, typed: str) -> tuple[dict[str, Any] | str, list[Call]]:
    """The *Follow* form sent as Slack sends a ``view_submission``."""
    payload = {
        "type": "view_submission",
        "team": {"id": "T0CONSOLE", "domain": "console"},
        "user": {"id": ALICE, "username": "alice", "name": "alice", "team_id": "T0CONSOLE"},
        "api_app_id": "A0CONSOLE",
        "token": "console",
        "trigger_id": "T.2",
        "view": {
            "id": "V0MODAL",
            "team_id": "T0CONSOLE",
            "type": "modal",
            "callback_id": FOLLOW_MODAL,
            "private_metadata": "",
            "blocks": [],
            "state": {
                "values": {
                    FOLLOW_BLOCK: {FOLLOW_BLOCK: {"type": "plain_text_input", "value": typed}}
                }
            },
            "hash": "1.abc",
            "app_id": "A0CONSOLE",
            "bot_id": "B0TSAGBOT",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    reply = console._dispatch(interaction_body(payload), FORM)
    assert reply.status == 200
    return reply.body, reply.calls


def test_follow_from_the_home_tab(console: Console) -> None:
    modal = home_click(console).params["view"]
    check_view(modal, "modal")
    assert modal["callback_id"] == FOLLOW_MODAL

    body, calls = submit(console, "<!channel>")
    assert isinstance(body, dict)
    assert body["response_action"] == "errors"
    assert "neither a Resolution" in body["errors"][FOLLOW_BLOCK]
    assert not [call for call in calls if call.method == "views.publish"]

    for typed, followed in [
        ("sg17", "SG17"),
        ("tsag", "SG17, TSAG"),
        ("tsag meetings", "SG17, TSAG, TSAG meetings"),
    ]:
        body, calls = submit(console, typed)
        assert not body
        (published,) = [call for call in calls if call.method == "views.publish"]
        check_view(published.params["view"], "home")
        assert f"You follow {followed}." in blocks_to_text(published.params["view"]["blocks"])
