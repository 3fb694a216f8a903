"""*Add a meeting* / *Edit a meeting*, for the admins (``TSAGBOT_ADMINS``: Alice), through
the real Bolt app in Slack's payload shapes (``block_actions`` from the Home tab,
``view_submission`` with ``response_action: errors`` and ``update``), on the bundled
schedule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.meetings.service import ensure_schedule
from bot.posting.dispatch import Dispatcher
from bot.posting.home import ADD_MEETING_BUTTON, EDIT_MEETING_BUTTON
from bot.posting.meeting_form import (
    CHOOSER_BLOCK,
    CHOOSER_MODAL,
    DENIED,
    MEETING_MODAL,
    MODE_NOT_SAID,
    form_view,
)
from bot.posting.outbox import Post, enqueue
from bot.render import Renderer
from bot.settings import Settings
from bot.slack.console import CONSOLE_TEAM, Console
from bot.slack.local_api import Call
from bot.slack.requests import FORM, block_action_payload, interaction_body
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import Meeting, OutboxPost
from bot.store.vocabulary import PostStatus
from tests.slack.listeners.test_home import check_view, open_home
from tests.support.common import FixedClock
from tests.support.snapshots import load_once

ALICE, BOB = "U0ALICE", "U0BOB"
"""Alice is an admin, Bob is not."""
NOW = datetime(2025, 2, 1, 9, 0, tzinfo=UTC)
GENEVA = ZoneInfo("Europe/Zurich")
GOOD = {
    "name": "TSAG meeting",
    "kind": "tsag",
    "start": "2025-05-26 09:30",
    "end": "2025-05-30 17:30",
    "timezone": "Europe/Zurich",
    "mode": "hybrid",
    "place": "Geneva",
    "link": "https://www.itu.int/go/tsag",
    "deadline": "2025-05-12",
    "channel": "C0TSAG0001",
    "documents": "TD 553R2",
    "agenda": "Opening\nApproval of the agenda (TD 1)",
}

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def services(memory_database_url: str) -> Iterator[Services]:
    clock = FixedClock(NOW)
    db = Database(memory_database_url)
    load_once(db, ("schedule", NOW.isoformat()), lambda: ensure_schedule(db, clock, GENEVA))
    settings = Settings(database_url=memory_database_url, admins=frozenset({ALICE}))
    yield Services(settings=settings, db=db, clock=clock)
    db.dispose()


@pytest.fixture
def console(services: Services) -> Iterator[Console]:
    console = Console(services, user=ALICE)
    yield console
    console.close()


def _send(console: Console, payload: dict[str, Any]) -> tuple[dict[str, Any] | str, list[Call]]:
    reply = console._dispatch(interaction_body(payload), FORM)
    assert reply.status == 200
    return reply.body, reply.calls


def click(console: Console, action_id: str) -> dict[str, Any]:
    """A button of the Home tab pressed: the modal Slack is asked to open."""
    payload = block_action_payload(action_id, "x", user_id=ALICE, trigger_id="T.home")
    for key in ("channel", "message", "response_url"):
        del payload[key]
    payload["container"] = {"type": "view", "view_id": "V0HOME"}
    payload["view"] = {"id": "V0HOME", "type": "home", "callback_id": "", "blocks": []}
    _, calls = _send(console, payload)
    (opened,) = [call for call in calls if call.method == "views.open"]
    view: dict[str, Any] = opened.params["view"]
    check_view(view, "modal")
    return view


def submission(
    console: Console,
    user: str,
    callback: str,
    values: dict[str, Any],
    metadata: str = "",
    view_id: str = "V0MEETING",
) -> tuple[dict[str, Any] | str, list[Call]]:
    payload = {
        "type": "view_submission",
        "team": {"id": CONSOLE_TEAM, "domain": "console"},
        "user": {"id": user, "username": "u", "name": "u", "team_id": CONSOLE_TEAM},
        "api_app_id": "A0CONSOLE",
        "token": "console",
        "trigger_id": "T.submit",
        "view": {
            "id": view_id,
            "team_id": CONSOLE_TEAM,
            "type": "modal",
            "callback_id": callback,
            "private_metadata": metadata,
            "blocks": [],
            "state": {"values": values},
            "hash": "1.abc",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _send(console, payload)


def save(
    console: Console,
    fields: dict[str, str],
    *,
    user: str = ALICE,
    uid: str = "",
    view_id: str = "V0MEETING",
) -> tuple[dict[str, Any] | str, list[Call]]:
    """The meeting form as Slack sends it: its selects give options, its inputs text."""
    values: dict[str, Any] = {}
    for key, value in fields.items():
        if key in ("kind", "mode", "status"):
            option = {"text": {"type": "plain_text", "text": value}, "value": value}
            values[key] = {key: {"type": "static_select", "selected_option": option or None}}
        else:
            values[key] = {key: {"type": "plain_text_input", "value": value or None}}
    return submission(console, user, MEETING_MODAL, values, json.dumps({"uid": uid}), view_id)


def stored(services: Services, name: str) -> Meeting:
    with services.db.unit_of_work() as session:
        found = session.scalars(select(Meeting).where(Meeting.name == name)).all()
        assert len(found) == 1
        session.expunge(found[0])
        return found[0]


def test_only_an_admins_home_offers_to_add_and_edit_meetings(console: Console) -> None:
    def buttons(user: str) -> list[str]:
        home = open_home(console, user)
        return [
            e["action_id"] for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]
        ]

    assert {ADD_MEETING_BUTTON, EDIT_MEETING_BUTTON} <= set(buttons(ALICE))
    assert not {ADD_MEETING_BUTTON, EDIT_MEETING_BUTTON} & set(buttons(BOB))


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("name", "", "Give the meeting a name"),
        ("start", "", "Give its start"),
        ("start", "2025-13-40 09:30", "start"),
        ("end", "2025-05-25 18:00", "before start"),
        ("timezone", "Mars/Olympus", "timezone"),
        ("link", "ftp://example.org", "not an http(s) address"),
        ("deadline", "2025-06-30", "after the meeting ends"),
        ("channel", "not a channel!", "not a Slack channel id"),
    ],
)
def test_a_wrong_field_is_said_under_it_and_nothing_is_saved(
    console: Console, services: Services, key: str, value: str, says: str
) -> None:
    body, _ = save(console, {**GOOD, key: value})
    assert isinstance(body, dict)
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [key]
    assert says in body["errors"][key]
    with services.db.unit_of_work() as session:
        assert not session.scalars(select(Meeting).where(Meeting.name == "TSAG meeting")).all()


def test_an_admin_adds_a_meeting_and_no_one_else_may(console: Console, services: Services) -> None:
    form = click(console, ADD_MEETING_BUTTON)
    assert form["callback_id"] == MEETING_MODAL
    assert form["title"]["text"] == "Add a meeting"

    body, _ = save(console, GOOD, user=BOB)
    assert isinstance(body, dict)
    assert body["errors"] == {"name": DENIED}

    body, calls = save(console, GOOD)
    assert not body
    assert [call.method for call in calls if call.method == "views.publish"] == ["views.publish"]
    meeting = stored(services, "TSAG meeting")
    assert (meeting.start, meeting.end) == (
        datetime(2025, 5, 26, 7, 30, tzinfo=UTC),
        datetime(2025, 5, 30, 15, 30, tzinfo=UTC),
    )
    assert meeting.deadline == datetime(2025, 5, 12, 21, 59, tzinfo=UTC)  # 23:59 in Geneva
    assert (meeting.kind, meeting.mode, meeting.channel) == ("tsag", "hybrid", "C0TSAG0001")
    assert meeting.documents == ["TD553R2"]

    again, _ = save(console, GOOD)  # the same form sent again (a retry): added once
    assert not again
    assert stored(services, "TSAG meeting").uid == meeting.uid
    other, _ = save(console, {**GOOD, "name": "TSAG meeting"}, view_id="V0OTHER")
    assert not other
    with services.db.unit_of_work() as session:
        found = session.scalars(select(Meeting).where(Meeting.name == "TSAG meeting")).all()
        assert len(found) == 2  # another form adds another meeting


def test_editing_a_meeting_moves_its_reminders_and_says_so(
    console: Console, services: Services
) -> None:
    assert not save(console, GOOD)[0]
    uid = stored(services, "TSAG meeting").uid

    chooser = click(console, EDIT_MEETING_BUTTON)
    (block,) = [b for b in chooser["blocks"] if b.get("block_id") == CHOOSER_BLOCK]
    assert uid in [option["value"] for option in block["element"]["options"]]
    picked = {"type": "static_select", "selected_option": {"value": uid}}
    body, _ = submission(console, ALICE, CHOOSER_MODAL, {CHOOSER_BLOCK: {CHOOSER_BLOCK: picked}})
    assert isinstance(body, dict)
    assert body["response_action"] == "update"
    form = body["view"]
    check_view(form, "modal")
    shown = {
        b["block_id"]: b["element"].get("initial_value")
        or (b["element"].get("initial_option") or {}).get("value", "")
        for b in form["blocks"]
        if b["type"] == "input"
    }
    assert shown == {**GOOD, "documents": "TD553R2", "status": "scheduled"}  # as in the file

    dispatcher = Dispatcher(services.db, services.settings, Renderer())
    old = datetime(2025, 5, 26, 7, 0, tzinfo=UTC)  # 30 minutes before the start
    with services.db.unit_of_work() as session:
        week = dispatcher.reminders_in(session, old - timedelta(days=1), old + timedelta(days=1))
        assert old in [r.at for r in week if r.meeting.uid == uid]
        queued = Post(
            f"reminder:start:{uid}:{old:%Y%m%dT%H%MZ}", "reminder", "C0TSAG0001", "", [], old
        )
        enqueue(session, [queued], NOW)
        session.commit()

    body, _ = save(console, {**GOOD, "start": "2025-05-27 14:00"}, uid=uid)
    assert not body
    new = datetime(2025, 5, 27, 11, 30, tzinfo=UTC)
    with services.db.unit_of_work() as session:
        moved = dispatcher.reminders_in(session, old - timedelta(days=1), new + timedelta(days=1))
        starts = [r.at for r in moved if r.meeting.uid == uid and r.kind == "start"]
        assert starts == [new]
        status = session.scalar(select(OutboxPost.status).where(OutboxPost.key == queued.key))
        assert status == PostStatus.EXPIRED
        # the move is told once, in the meeting's channel, as an import's move is
        (told,) = session.scalars(
            select(OutboxPost).where(OutboxPost.key.like(f"meeting-change:{uid}:%"))
        )
        assert told.channel == "C0TSAG0001"
        assert "moved" in told.text.lower()

    body, _ = save(console, {**GOOD, "start": "2025-05-27 14:00"}, uid=uid)  # saved again
    assert not body
    with services.db.unit_of_work() as session:
        changes = session.scalars(
            select(OutboxPost.key).where(OutboxPost.key.like(f"meeting-change:{uid}:%"))
        )
        assert len(list(changes)) == 1  # nothing changed, nothing more is told


def test_an_edit_may_clear_the_mode_a_menu_cannot_empty(
    console: Console, services: Services
) -> None:
    assert not save(console, GOOD)[0]
    uid = stored(services, "TSAG meeting").uid
    with services.db.unit_of_work() as session:
        edited = session.scalars(select(Meeting).where(Meeting.uid == uid)).one()
        form = form_view(Renderer(), services.settings, edited)
    (mode,) = [b for b in form["blocks"] if b.get("block_id") == "mode"]
    assert mode["element"]["options"][0]["value"] == MODE_NOT_SAID
    assert not save(console, {**GOOD, "mode": MODE_NOT_SAID}, uid=uid)[0]
    assert stored(services, "TSAG meeting").mode == ""


def test_an_edit_may_call_a_meeting_off_and_says_so(console: Console, services: Services) -> None:
    assert not save(console, GOOD)[0]
    uid = stored(services, "TSAG meeting").uid
    picked = {"type": "static_select", "selected_option": {"value": uid}}
    body, _ = submission(console, ALICE, CHOOSER_MODAL, {CHOOSER_BLOCK: {CHOOSER_BLOCK: picked}})
    assert isinstance(body, dict)
    (status,) = [b for b in body["view"]["blocks"] if b.get("block_id") == "status"]
    assert status["element"]["initial_option"]["value"] == "scheduled"
    with services.db.unit_of_work() as session:
        start = datetime(2025, 5, 26, 7, 0, tzinfo=UTC)
        queued = Post(
            f"reminder:start:{uid}:{start:%Y%m%dT%H%MZ}", "reminder", "C0TSAG0001", "", [], start
        )
        enqueue(session, [queued], NOW)
        session.commit()

    body, _ = save(console, {**GOOD, "status": "cancelled"}, uid=uid)
    assert not body
    with services.db.unit_of_work() as session:
        assert session.scalar(select(Meeting).where(Meeting.uid == uid)) is None
        status_of = select(OutboxPost.status).where(OutboxPost.key == queued.key)
        assert session.scalar(status_of) == PostStatus.EXPIRED
        (told,) = session.scalars(
            select(OutboxPost).where(OutboxPost.key.like(f"meeting-change:{uid}:%"))
        )
        assert told.channel == "C0TSAG0001"
        assert "TSAG meeting" in told.text


def test_the_admins_are_user_ids_and_nobody_by_default() -> None:
    assert Settings.from_env({}).admins == frozenset()
    env = {"TSAGBOT_ADMINS": " U0ALICE, U0BOB "}
    assert Settings.from_env(env).admins == {ALICE, BOB}
