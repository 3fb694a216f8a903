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
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.meetings.service import ensure_schedule
from bot.plan.importing import ensure_plan
from bot.posting.home import EXPORT_BUTTON, UNDO_BUTTON
from bot.render import blocks_to_text
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.listeners.home import FOLLOW_BLOCK, FOLLOW_MODAL
from bot.slack.local_api import Call
from bot.slack.requests import FORM, block_action_payload, interaction_body
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import ActionItem, Meeting
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


def press(console: Console, action_id: str, value: str, user: str = ALICE) -> list[Call]:
    """A button of the Home tab pressed, in Slack's payload shape: a view for container,
    no message, no ``response_url``. The Web API calls it caused."""
    payload = block_action_payload(action_id, value, user_id=user, trigger_id="T.1")
    for key in ("channel", "message", "response_url"):
        del payload[key]
    payload["container"] = {"type": "view", "view_id": "V0HOME"}
    payload["view"] = {"id": "V0HOME", "type": "home", "callback_id": "", "blocks": []}
    reply = console._dispatch(interaction_body(payload), FORM)
    assert reply.status == 200
    assert not reply.body  # acknowledged; what it says comes in the Home
    return reply.calls


def republished(calls: list[Call], user: str) -> tuple[str, dict[str, Any]]:
    """The notice on top of the Home published again for ``user``, and that Home."""
    (published,) = [call for call in calls if call.method == "views.publish"]
    assert published.params["user_id"] == user
    view: dict[str, Any] = published.params["view"]
    check_view(view, "home")
    notice = view["blocks"][1]
    assert notice["type"] == "section"
    return str(notice["text"]["text"]), view


def home_click(console: Console) -> Call:
    """*Follow…* pressed on the Home tab: the modal Slack is asked to open."""
    calls = press(console, "home_follow", "follow")
    (opened,) = [call for call in calls if call.method == "views.open"]
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


def undo_buttons(view: dict[str, Any]) -> list[str]:
    """The values (message ids) of the *Undo* buttons beside the reader's own updates."""
    return [
        block["accessory"]["value"]
        for block in view["blocks"]
        if block.get("accessory", {}).get("action_id") == UNDO_BUTTON
    ]


def buttons(view: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


def completed(services: Services, code: str) -> bool:
    with services.db.unit_of_work() as session:
        found = session.scalar(select(ActionItem.completed).where(ActionItem.code == code))
        assert found is not None
        return found


def test_undo_from_the_home_tab_takes_the_update_back_as_its_confirmation_would(
    console: Console, services: Services
) -> None:
    console.message("50-22 done", channel="C0UPDATES")
    confirmation = console.api.messages["C0UPDATES"][-1]["ts"]
    view = open_home(console)
    assert EXPORT_BUTTON in buttons(view)  # no editors set: everyone may export
    (undo,) = undo_buttons(view)
    assert part(view, "Your latest updates").startswith("• 50-22 marked completed — @U0ALICE")

    calls = press(console, UNDO_BUTTON, undo)
    notice, home = republished(calls, ALICE)
    assert notice == "Taken back:\n50-22 back to open (was: completed)"
    assert completed(services, "50-22") is False
    assert part(home, "Your latest updates") == "You have recorded no update yet."
    assert not undo_buttons(home)
    (updated,) = [call for call in calls if call.method == "chat.update"]
    assert (updated.params["channel"], updated.params["ts"]) == ("C0UPDATES", confirmation)
    assert f"Taken back by @{ALICE}." in blocks_to_text(updated.params["blocks"])
    (unmarked,) = [call for call in calls if call.method == "reactions.remove"]
    assert unmarked.params["name"] == "white_check_mark"

    for value, said in [(undo, "Already undone."), ("forged", "Nothing to undo.")]:
        calls = press(console, UNDO_BUTTON, value)
        assert republished(calls, ALICE)[0] == said
        assert not [call for call in calls if call.method in ("chat.update", "reactions.remove")]


@pytest.fixture
def restricted(services: Services) -> Iterator[Console]:
    """The console of a workspace whose only editor is Alice."""
    settings = replace(services.settings, editors=frozenset({ALICE}))
    console = Console(replace(services, settings=settings), user=ALICE)
    console.api.users[ALICE] = {"display_name": "Alice", "tz": "Asia/Tokyo"}
    console.api.users[BOB] = {"display_name": "Bob", "tz": "America/Los_Angeles"}
    yield console
    console.close()


def test_with_editors_set_only_they_export_and_undo_anothers_update(
    restricted: Console, services: Services
) -> None:
    restricted.message("50-22 done", channel="C0UPDATES")
    (alices,) = undo_buttons(open_home(restricted, ALICE))
    bobs_home = open_home(restricted, BOB)
    assert EXPORT_BUTTON not in buttons(bobs_home)
    assert not undo_buttons(bobs_home)

    calls = press(restricted, UNDO_BUTTON, alices, user=BOB)  # a forged or stale button
    notice, _ = republished(calls, BOB)
    assert notice == "Only the person who posted the update, or an editor, can undo it."
    assert completed(services, "50-22") is True
    assert not [call for call in calls if call.method in ("chat.update", "reactions.remove")]

    calls = press(restricted, EXPORT_BUTTON, "docx", user=BOB)
    assert republished(calls, BOB)[0] == "Only the action plan's editors may export it."
    assert not [call for call in calls if call.method.startswith("files.")]

    assert EXPORT_BUTTON in buttons(open_home(restricted, ALICE))
    calls = press(restricted, EXPORT_BUTTON, "docx")
    name = "action-plan-WTSA-20-2025-02-01.docx"
    assert republished(calls, ALICE)[0] == f"The action plan ({name}) is sent to you in a DM."
    (asked,) = [call for call in calls if call.method == "files.getUploadURLExternal"]
    assert asked.params["filename"] == name
    (sent,) = [call for call in calls if call.method == "files.completeUploadExternal"]
    assert sent.params["channel_id"] == "D0ALICE"


def test_the_homes_updates_link_their_documents_where_a_template_is_set(
    services: Services,
) -> None:
    template = "https://www.itu.int/md/T25-{group}-{kind}-{number:04d}{revision}/en"
    settings = replace(services.settings, document_url=template)
    console = Console(replace(services, settings=settings), user=ALICE)
    console.api.users[ALICE] = {"display_name": "Alice", "tz": "Asia/Tokyo"}
    try:
        console.command("/action", "follow 50 for me")
        console.message("50-18 note: sent to TSB in TD 553R2", channel="C0UPDATES")
        view = open_home(console)
        link = "<https://www.itu.int/md/T25-TSAG-TD-0553R2/en|TD 553R2>"
        shown = [  # the line in "Latest in what you follow" and in "Your latest updates"
            text
            for text in _texts(view["blocks"])
            if "50-18" in text and "sent to TSB" in text and "@U0ALICE" in text
        ]
        assert len(shown) == 2
        assert all(link in text for text in shown), shown
        for title in ("Latest in what you follow", "Your latest updates"):
            assert "TD 553R2" in part(view, title)
    finally:
        console.close()
