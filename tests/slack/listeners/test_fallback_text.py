"""The notification text beside the blocks is mrkdwn too: nothing a person typed goes live."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.plan.importing import ensure_plan
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.services import Services
from bot.store.db import Database
from tests.support.common import FixedClock

HOSTILE = ["<!channel>", "<!here>", "<@U0BOSS>", "<https://evil.example|TD206>"]


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """One console for the module: escaping is about text, not about the database."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('fallback') / 'tsagbot.sqlite3'}")
    db.upgrade()
    clock = FixedClock()
    ensure_plan(db, clock)
    settings = Settings(database_url=db.engine.url.render_as_string(hide_password=False))
    console = Console(Services(settings=settings, db=db, clock=clock))
    yield console
    console.close()
    db.dispose()


@pytest.mark.parametrize("markup", HOSTILE)
def test_a_search_for_markup_echoes_it_escaped(console: Console, markup: str) -> None:
    reply = console.command("/action", f"{markup} security")
    assert isinstance(reply.body, dict)
    text = str(reply.body["text"])
    assert "<" not in text
    assert markup.replace("<", "&lt;").replace(">", "&gt;") in text
