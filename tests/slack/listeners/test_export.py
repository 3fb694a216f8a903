"""``/action export``: the file goes privately to whoever asked, through the real Bolt app.

Run in-process with :class:`Console`, which signs each request as Slack does and
answers the Web API calls (``conversations.open``, the three steps of
``files_upload_v2``) on loopback, recording them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from bot.settings import Settings
from bot.slack.console import Console, ConsoleReply
from bot.slack.services import Services
from bot.store.db import Database
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

# On SQLite alone: this is about who may export and where the file goes, not the database engine;
# the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

ALICE, BOB = "U0ALICE", "U0BOB"


@pytest.fixture
def services(db: Database, clock: FixedClock) -> Services:
    ensure_plan_once(db, clock)
    settings = Settings(database_url=db.engine.url.render_as_string(hide_password=False))
    return Services(settings=settings, db=db, clock=clock)


@pytest.fixture
def console(services: Services) -> Iterator[Console]:
    console = Console(services, user=ALICE)
    yield console
    console.close()


def calls(reply: ConsoleReply, method: str) -> list[dict[str, object]]:
    """The parameters of each call to ``method``; an upload's bytes under ``"bytes"``."""
    return [
        {**call.params, "bytes": call.body} if method == "file_upload" else call.params
        for call in reply.calls
        if call.method == method
    ]


def test_export_uploads_the_docx_into_a_dm_with_the_asker(console: Console) -> None:
    reply = console.command("/action", "export")
    assert reply.status == 200
    assert isinstance(reply.body, dict)
    assert reply.body["response_type"] == "ephemeral"
    assert reply.body["text"] == (
        "The action plan (action-plan-WTSA-20-2026-11-20.docx) is sent to you in a DM."
    )
    (opened,) = calls(reply, "conversations.open")
    assert opened["users"] == ALICE
    (asked,) = calls(reply, "files.getUploadURLExternal")
    assert asked["filename"] == "action-plan-WTSA-20-2026-11-20.docx"
    (uploaded,) = calls(reply, "file_upload")
    data = uploaded["bytes"]
    assert isinstance(data, bytes)
    assert int(str(asked["length"])) == len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b">50-18<" in archive.read("word/document.xml")
    (completed,) = calls(reply, "files.completeUploadExternal")
    assert completed["channel_id"] == "D0ALICE"  # the DM, never the channel asked from
    assert "chat.postMessage" not in [call.method for call in reply.calls]


def test_export_in_a_spreadsheet(console: Console) -> None:
    reply = console.command("/action", "export xlsx")
    (uploaded,) = calls(reply, "file_upload")
    data = uploaded["bytes"]
    assert isinstance(data, bytes)
    assert load_workbook(io.BytesIO(data)).sheetnames == ["WTSA-20"]


def test_an_unknown_format_is_one_line_and_uploads_nothing(console: Console) -> None:
    reply = console.command("/action", "export pdf")
    assert isinstance(reply.body, dict)
    assert reply.body["text"] == (
        "Cannot export: unknown export format 'pdf' (one of: docx, xlsx, csv)."
    )
    assert calls(reply, "file_upload") == []


def ask_export(services: Services, user: str) -> ConsoleReply:
    console = Console(services, user=user)
    try:
        return console.command("/action", "export csv")
    finally:
        console.close()


def test_only_editors_may_export_when_editors_are_set(services: Services) -> None:
    settings = replace(services.settings, editors=frozenset({ALICE}))
    restricted = replace(services, settings=settings)
    refused = ask_export(restricted, BOB)
    assert isinstance(refused.body, dict)
    assert refused.body["text"] == "Only the action plan's editors may export it."
    assert calls(refused, "conversations.open") == []
    assert calls(refused, "file_upload") == []
    allowed = ask_export(restricted, ALICE)
    (uploaded,) = calls(allowed, "file_upload")
    assert isinstance(uploaded["bytes"], bytes)
    assert uploaded["bytes"].startswith(b"\xef\xbb\xbfEdition,")


def test_the_console_says_which_file_was_sent(console: Console) -> None:
    reply = console.command("/action", "export csv")
    (asked,) = calls(reply, "files.getUploadURLExternal")
    assert reply.as_text().splitlines()[-1] == (
        f"(sent {asked['filename']}, {asked['length']} bytes, in a direct message; "
        "here, `tsagbot export` writes it)"
    )
