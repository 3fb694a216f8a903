"""With ``TSAGBOT_DOCUMENT_URL`` set, the references of a note are links: in the thread's
confirmation and on the item card, through the real Bolt app; without it, plain text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.plan.importing import ensure_plan
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.services import Services
from bot.store.db import Database
from tests.support.common import FixedClock
from tests.support.snapshots import load_once

NOW = datetime(2025, 2, 1, 9, 0, tzinfo=UTC)
TEMPLATE = "https://www.itu.int/md/T25-{group}-{kind}-{number:04d}{revision}/en"

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(params=[TEMPLATE, ""], ids=["template", "none"])
def console(request: pytest.FixtureRequest, memory_database_url: str) -> Iterator[Console]:
    clock = FixedClock(NOW)
    db = Database(memory_database_url)
    load_once(db, ("plan", NOW.isoformat()), lambda: ensure_plan(db, clock))
    settings = Settings(database_url=memory_database_url, document_url=request.param)
    console = Console(Services(settings=settings, db=db, clock=clock), user="U0ALICE")
    yield console
    console.close()
    db.dispose()


def test_a_notes_references_are_links_where_a_template_is_set(console: Console) -> None:
    linked = bool(console.services.settings.document_url)
    link = "<https://www.itu.int/md/T25-TSAG-TD-0553R2/en|{}>"
    reply = console.message("50-18 note: sent to TSB in TD 553R2", channel="C0UPDATES")
    confirmation = str(reply.calls)
    card = str(console.command("/action", "50-18").body)
    for shown, written in [(confirmation, "TD 553R2"), (card, "TD 553R2"), (card, "TD553R2")]:
        assert (link.format(written) in shown) is linked, (written, shown)
        assert written in shown
