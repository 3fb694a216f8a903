"""*Post an update*, through the real Bolt app, in Slack's own payload shapes: the Home
tab's button (``block_actions``), the global shortcut (``shortcut``), *Record as update*
on a message (``message_action``), the item picker's type-ahead (``block_suggestion``)
and the submission (``view_submission``), with ``TSAGBOT_EDITORS`` set to Alice.

Everything goes through :class:`Console` (requests signed as Slack signs them, its
recording Web API); a form records through the same rules as a channel message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.plan.importing import ensure_plan
from bot.plan.updates.form import Field
from bot.plan.updates.replies import DENIED, UNDO_BUTTON
from bot.plan.views import update_line
from bot.posting.home import POST_BUTTON
from bot.posting.update_form import UPDATE_MODAL
from bot.render import blocks_to_text
from bot.settings import Settings
from bot.slack.console import CONSOLE_TEAM, Console
from bot.slack.listeners.update_form import GLOBAL_SHORTCUT, MESSAGE_SHORTCUT
from bot.slack.local_api import Call
from bot.slack.requests import FORM, block_action_payload, interaction_body
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import ActionItem, SlackMessage, StatusUpdate
from bot.store.vocabulary import UpdateKind
from tests.slack.listeners.test_home import check_view, open_home
from tests.support.common import FixedClock
from tests.support.snapshots import load_once

ALICE, BOB = "U0ALICE", "U0BOB"
"""Alice is an editor, Bob is not."""
UPDATES = "C0UPDATES"
NOW = datetime(2025, 2, 1, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def services(memory_database_url: str) -> Iterator[Services]:
    clock = FixedClock(NOW)
    db = Database(memory_database_url)
    load_once(db, ("plan", NOW.isoformat()), lambda: ensure_plan(db, clock))
    settings = Settings(database_url=memory_database_url, editors=frozenset({ALICE}))
    yield Services(settings=settings, db=db, clock=clock)
    db.dispose()


@pytest.fixture
def console(services: Services) -> Iterator[Console]:
    console = Console(services, user=ALICE)
    console.api.users[ALICE] = {"display_name": "Alice"}
    console.api.users[BOB] = {"display_name": "Bob"}
    yield console
    console.close()


def _user(user: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": CONSOLE_TEAM}


def _send(console: Console, payload: dict[str, Any]) -> tuple[dict[str, Any] | str, list[Call]]:
    reply = console._dispatch(interaction_body(payload), FORM)
    assert reply.status == 200
    return reply.body, reply.calls


def _opened(calls: list[Call], trigger: str) -> dict[str, Any]:
    (opened,) = [call for call in calls if call.method == "views.open"]
    assert opened.params["trigger_id"] == trigger
    view: dict[str, Any] = opened.params["view"]
    check_view(view, "modal")
    assert view["callback_id"] == UPDATE_MODAL
    return view


def element(view: dict[str, Any], field: Field) -> dict[str, Any]:
    (block,) = [block for block in view["blocks"] if block.get("block_id") == field.value]
    found: dict[str, Any] = block["element"]
    return found


def global_shortcut(console: Console, user: str = ALICE) -> dict[str, Any]:
    payload = {
        "type": "shortcut",
        "token": "console",
        "action_ts": "1738400400.000001",
        "team": {"id": CONSOLE_TEAM, "domain": "console"},
        "user": _user(user),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": GLOBAL_SHORTCUT,
        "trigger_id": "T.global",
    }
    _, calls = _send(console, payload)
    return _opened(calls, "T.global")


def message_shortcut(console: Console, text: str, author: str = BOB) -> dict[str, Any]:
    payload = {
        "type": "message_action",
        "token": "console",
        "action_ts": "1738400400.000002",
        "team": {"id": CONSOLE_TEAM, "domain": "console"},
        "user": _user(ALICE),
        "channel": {"id": UPDATES, "name": "updates"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": MESSAGE_SHORTCUT,
        "trigger_id": "T.message",
        "response_url": console.api.response_url("shortcut"),
        "message_ts": "1738400000.000100",
        "message": {
            "type": "message",
            "user": author,
            "ts": "1738400000.000100",
            "text": text,
            "team": CONSOLE_TEAM,
        },
    }
    _, calls = _send(console, payload)
    return _opened(calls, "T.message")


def suggestions(console: Console, typed: str) -> list[str]:
    payload = {
        "type": "block_suggestion",
        "user": _user(ALICE),
        "container": {"type": "view", "view_id": "V0FORM"},
        "api_app_id": "A0CONSOLE",
        "token": "console",
        "action_id": Field.ITEMS.value,
        "block_id": Field.ITEMS.value,
        "value": typed,
        "team": {"id": CONSOLE_TEAM, "domain": "console"},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {"id": "V0FORM", "type": "modal", "callback_id": UPDATE_MODAL},
    }
    body, _ = _send(console, payload)
    assert isinstance(body, dict)
    options = body["options"]
    assert len(options) <= 100
    assert all(len(option["text"]["text"]) <= 75 for option in options)
    return [option["value"] for option in options]


def submit(
    console: Console,
    user: str,
    items: list[str],
    kind: str,
    *,
    note: str = "",
    documents: str = "",
    channel: str | None = UPDATES,
    view_id: str = "V0FORM",
    metadata: str = "{}",
) -> tuple[dict[str, Any] | str, list[Call]]:
    """The form as Slack sends its ``view_submission``."""
    options = [{"text": {"type": "plain_text", "text": code}, "value": code} for code in items]
    values = {
        Field.ITEMS.value: {
            Field.ITEMS.value: {"type": "multi_external_select", "selected_options": options}
        },
        Field.KIND.value: {
            Field.KIND.value: {
                "type": "radio_buttons",
                "selected_option": {"text": {"type": "plain_text", "text": kind}, "value": kind},
            }
        },
        Field.NOTE.value: {Field.NOTE.value: {"type": "plain_text_input", "value": note or None}},
        Field.DOCUMENTS.value: {
            Field.DOCUMENTS.value: {"type": "plain_text_input", "value": documents or None}
        },
        Field.CONFIRM.value: {
            Field.CONFIRM.value: {"type": "conversations_select", "selected_conversation": channel}
        },
    }
    payload = {
        "type": "view_submission",
        "team": {"id": CONSOLE_TEAM, "domain": "console"},
        "user": _user(user),
        "api_app_id": "A0CONSOLE",
        "token": "console",
        "trigger_id": "T.submit",
        "view": {
            "id": view_id,
            "team_id": CONSOLE_TEAM,
            "type": "modal",
            "callback_id": UPDATE_MODAL,
            "private_metadata": metadata,
            "blocks": [],
            "state": {"values": values},
            "hash": "1.abc",
            "app_id": "A0CONSOLE",
            "bot_id": "B0TSAGBOT",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _send(console, payload)


def item(services: Services, code: str) -> ActionItem:
    with services.db.unit_of_work() as session:
        found = session.scalar(select(ActionItem).where(ActionItem.code == code))
        assert found is not None
        session.expunge(found)
        return found


def updates(services: Services) -> list[StatusUpdate]:
    with services.db.unit_of_work() as session:
        rows = list(
            session.scalars(
                select(StatusUpdate)
                .order_by(StatusUpdate.id)
                .options(selectinload(StatusUpdate.item))
            )
        )
        session.expunge_all()
        return rows


def posted(calls: list[Call]) -> list[Call]:
    return [call for call in calls if call.method == "chat.postMessage"]


def test_the_home_tab_and_the_global_shortcut_open_the_empty_form(console: Console) -> None:
    home = open_home(console)
    buttons = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert next(b["action_id"] for b in buttons) == POST_BUTTON
    click = block_action_payload(POST_BUTTON, "post", user_id=ALICE, trigger_id="T.home")
    for key in ("channel", "message", "response_url"):
        del click[key]
    click["container"] = {"type": "view", "view_id": "V0HOME"}
    click["view"] = {"id": "V0HOME", "type": "home", "callback_id": "", "blocks": []}
    _, calls = _send(console, click)
    for view in (_opened(calls, "T.home"), global_shortcut(console)):
        assert element(view, Field.ITEMS)["type"] == "multi_external_select"
        assert "initial_options" not in element(view, Field.ITEMS)
        assert element(view, Field.KIND)["initial_option"]["value"] == "note"
        assert element(view, Field.CONFIRM)["type"] == "conversations_select"
        assert json.loads(view["private_metadata"]) == {}


PICKED = [
    ("50-18", "50-18", {"50-18"}),  # an id
    ("item 50.18", "50-18", {"50-18"}),
    ("44-14", "44-14", {"54-04"}),  # and 54-04, that lists it as its earlier number
    ("50-1", "50-01", {"50-10", "50-17", "50-18"}),  # an id being typed
    ("r50", "50-01", {"50-28"}),  # a Resolution: its items
    ("TD206", "", {"50-18", "52-03"}),  # a document: the items citing it
    ("regional groups", "", {"54-04", "54-05"}),  # words
    ("reginal gruops", "", {"54-04", "54-05"}),  # typos
]
"""What is typed in the item picker, the option it shows first (if it matters), and
options it shows among others."""


def test_the_item_picker_answers_ids_aliases_documents_words_and_typos(console: Console) -> None:
    for typed, first, among in PICKED:  # one test: the index is built once
        found = suggestions(console, typed)
        assert len(found) == len(set(found)), typed
        assert among <= set(found), typed
        assert not first or found[0] == first, typed
    assert suggestions(console, "zzqx") == []


def test_record_as_update_prefills_the_form_from_the_message(console: Console) -> None:
    view = message_shortcut(console, "50-18 done, see TD206 <!channel>")
    assert [o["value"] for o in element(view, Field.ITEMS)["initial_options"]] == ["50-18"]
    assert element(view, Field.KIND)["initial_option"]["value"] == "completed"
    assert element(view, Field.NOTE)["initial_value"].startswith("50-18 done, see TD206")
    assert element(view, Field.DOCUMENTS)["initial_value"] == "TD206"
    assert element(view, Field.CONFIRM)["initial_conversation"] == UPDATES
    metadata = json.loads(view["private_metadata"])
    assert metadata["reporter"] == BOB
    assert metadata["link"].endswith(f"/archives/{UPDATES}/p1738400000000100")
    said = f"From @{BOB}'s message: “50-18 done, see TD206 <!channel>”"  # escaped in Slack
    assert said in blocks_to_text(view["blocks"])

    note = message_shortcut(console, "update 2-1 and 50-20: sent to TSB")
    assert [o["value"] for o in element(note, Field.ITEMS)["initial_options"]] == [
        "02-01",
        "50-20",
    ]
    assert element(note, Field.KIND)["initial_option"]["value"] == "note"
    assert element(note, Field.NOTE)["initial_value"] == "sent to TSB"


def test_the_form_records_through_the_same_rules_as_a_message(
    console: Console, services: Services
) -> None:
    # Bob is not an editor: his flag change is refused in the form, nothing is stored
    body, calls = submit(console, BOB, ["50-22"], "completed", view_id="V0BOB")
    assert isinstance(body, dict)
    assert body["response_action"] == "errors"
    assert body["errors"] == {Field.KIND.value: DENIED}
    assert not updates(services)
    assert not posted(calls)
    assert item(services, "50-22").completed is False

    # ... his note is anyone's: recorded, confirmed to him alone by direct message
    body, calls = submit(console, BOB, ["50-22"], "note", note="SG17 sent its report", channel=None)
    assert not body
    (confirmed,) = posted(calls)
    (dm,) = [call for call in calls if call.method == "conversations.open"]
    assert dm.params["users"] == BOB
    assert confirmed.params["channel"] == "D" + BOB[1:]  # the DM Slack opened
    assert "50-22: note recorded: “SG17 sent its report”" in confirmed.params["text"]

    # Alice is an editor: her completion is recorded with its documents, in the channel
    body, calls = submit(
        console, ALICE, ["50-22", "50-23"], "completed", documents="TD206, C 91", view_id="V1"
    )
    assert not body
    (confirmed,) = posted(calls)
    assert confirmed.params["channel"] == UPDATES
    assert "thread_ts" not in confirmed.params
    text = blocks_to_text(confirmed.params["blocks"])
    assert f"@{ALICE} recorded with Post an update." in text
    assert "50-22 marked completed (was: open)" in text
    assert item(services, "50-22").completed
    assert item(services, "50-23").completed
    note, *done = updates(services)
    assert (note.kind, note.author_id, note.author, note.text) == (
        UpdateKind.NOTE,
        BOB,
        "Bob",
        "SG17 sent its report",
    )
    assert [(u.item.code, u.kind, u.author_id) for u in done] == [
        ("50-22", UpdateKind.COMPLETED, ALICE),
        ("50-23", UpdateKind.COMPLETED, ALICE),
    ]
    assert done[0].documents == ["TD206", "C91"]
    assert "SG17 sent its report" in item(services, "50-22").status  # the note's line


@pytest.mark.parametrize(
    ("kind", "items", "note", "documents", "field", "says"),
    [
        ("note", ["50-22"], "", "", Field.NOTE, "Write the note"),
        ("completed", [], "", "", Field.ITEMS, "Pick at least one"),
        ("completed", ["99-99"], "", "", Field.ITEMS, "99-99 is not an active item"),
        ("archived", ["50-22"], "", "", Field.KIND, "Say what happened"),
        ("completed", ["50-22"], "", "TD206, the report", Field.DOCUMENTS, "names no document"),
    ],
)
def test_what_cannot_be_recorded_is_said_in_the_form(
    console: Console,
    services: Services,
    kind: str,
    items: list[str],
    note: str,
    documents: str,
    field: Field,
    says: str,
) -> None:
    body, calls = submit(console, ALICE, items, kind, note=note, documents=documents)
    assert isinstance(body, dict)
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [field.value]
    assert says in body["errors"][field.value]
    assert not updates(services)
    assert not posted(calls)


CHANNELS = [
    # (channel, what conversations.info knows of it, refused)
    ("G0HIDDEN", {"is_private": True, "is_member": False}, True),  # channel_not_found
    ("C0LOCKED", None, True),  # not_in_channel
    ("C0ELSEWHERE", {"is_member": False}, False),  # public: chat:write.public posts there
]


@pytest.mark.parametrize(("channel", "facts", "refused"), CHANNELS)
def test_a_channel_tsagbot_cannot_post_in_is_refused_in_the_form(
    console: Console,
    services: Services,
    channel: str,
    facts: dict[str, Any] | None,
    refused: bool,
) -> None:
    if facts is None:
        console.api.fail_next("conversations.info", status=200, error="not_in_channel")
    else:
        console.api.channels[channel] = facts
    body, calls = submit(console, ALICE, ["50-22"], "completed", channel=channel)
    if refused:
        assert isinstance(body, dict)
        assert list(body["errors"]) == [Field.CONFIRM.value]
        assert "invite @tsagbot to that channel" in body["errors"][Field.CONFIRM.value]
        assert not updates(services)
        assert not posted(calls)
    else:
        assert not body
        assert len(updates(services)) == 1
        assert [call.params["channel"] for call in posted(calls)] == [channel]


def test_a_form_sent_twice_records_once(console: Console, services: Services) -> None:
    first, calls = submit(console, ALICE, ["50-22"], "completed", view_id="V0TWICE")
    again, more = submit(console, ALICE, ["50-22"], "completed", view_id="V0TWICE")
    assert not first
    assert not again
    assert len(posted(calls + more)) == 1
    assert len(updates(services)) == 1
    with services.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(SlackMessage)) == 1


def test_undo_takes_a_forms_update_back_and_a_reported_message_is_the_submitters_with_its_reporter(
    console: Console, services: Services
) -> None:
    link = "https://console.slack.com/archives/C0UPDATES/p1738400000000100"
    metadata = json.dumps({"reporter": BOB, "link": link})
    body, calls = submit(console, ALICE, ["50-22"], "completed", metadata=metadata)
    assert not body
    (confirmed,) = posted(calls)
    assert f"reported by <@{BOB}>" in confirmed.params["text"]
    (done,) = updates(services)
    # the submitter wrote the update (and may Undo it); the message's author reported it
    assert (done.author_id, done.author, done.reporter_id, done.link) == (ALICE, "Alice", BOB, link)
    with services.db.unit_of_work() as session:
        line = update_line(session.get_one(StatusUpdate, done.id), ZoneInfo("UTC"))
    assert "by Alice: " in line
    assert f"(reported by <@{BOB}>)" in line

    blocks = confirmed.params["blocks"]
    (undo,) = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert undo["action_id"] == UNDO_BUTTON
    ts = console.api.messages[UPDATES][-1]["ts"]
    click = block_action_payload(
        UNDO_BUTTON, undo["value"], user_id=ALICE, channel_id=UPDATES, message_ts=ts
    )
    click["response_url"] = console.api.response_url("undo")
    _, calls = _send(console, click)
    assert item(services, "50-22").completed is False
    (updated,) = [call for call in calls if call.method == "chat.update"]
    assert updated.params["ts"] == ts
    assert updated.params["text"].startswith(f"<@{ALICE}> recorded with *Post an update*")
    assert updated.params["text"].endswith(". 50-22 back to open (was: completed)")
    assert f"@{ALICE} recorded with Post an update" in blocks_to_text(updated.params["blocks"])
    assert f"Taken back by @{ALICE}." in blocks_to_text(updated.params["blocks"])
    assert not [call for call in calls if call.method.startswith("reactions.")]


def test_the_forms_confirmation_links_its_documents_where_a_template_is_set(
    services: Services,
) -> None:
    template = "https://www.itu.int/md/T25-{group}-{kind}-{number:04d}{revision}/en"
    settings = replace(services.settings, document_url=template)
    console = Console(replace(services, settings=settings), user=ALICE)
    try:
        body, calls = submit(console, ALICE, ["50-18"], "note", note="sent to TSB in TD 553R2")
        assert not body
        (confirmed,) = posted(calls)
        link = "<https://www.itu.int/md/T25-TSAG-TD-0553R2/en|TD 553R2>"
        assert link in json.dumps(confirmed.params["blocks"])
    finally:
        console.close()
