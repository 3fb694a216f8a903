"""The listener modules, registered all at once (a server) or as requests need them (the
console): either way the same listeners answer."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.listeners import LISTENER_MODULES, SLASH_COMMANDS
from bot.slack.services import Services
from bot.store.db import Database
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

pytestmark = pytest.mark.sqlite_only


class Listens:
    """Stands for a Bolt app: records what a module's ``register`` listens for."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, str]] = []

    def __getattr__(self, kind: str) -> Callable[[Any], Callable[[Any], Any]]:
        def listen(constraint: Any) -> Callable[[Any], Any]:
            self.keys.append((kind, repr(constraint)))
            return lambda listener: listener

        return listen


def listens_for(name: str) -> list[tuple[str, str]]:
    listens = Listens()
    importlib.import_module(f"bot.slack.listeners.{name}").register(listens)
    return listens.keys


def test_no_two_modules_listen_for_the_same_thing() -> None:
    """So the order in which the console comes to register them changes nothing."""
    modules = {key: name for name in LISTENER_MODULES for key in set(listens_for(name))}
    counted = Counter(key for name in LISTENER_MODULES for key in set(listens_for(name)))
    assert [key for key, times in counted.items() if times > 1] == []
    assert {kind for kind, _ in modules} == {
        "command",
        "action",
        "view",
        "shortcut",
        "options",
        "event",
    }


def test_each_slash_command_is_answered_by_the_module_named_for_it() -> None:
    for command, name in SLASH_COMMANDS.items():
        assert ("command", repr(command)) in listens_for(name)
    keys = [key for name in LISTENER_MODULES for key in listens_for(name)]
    answered = {key for key in keys if key[0] == "command"}
    assert answered == {("command", repr(command)) for command in SLASH_COMMANDS}


def test_a_console_that_answered_a_command_answers_every_other_request(db: Database) -> None:
    clock = FixedClock()
    ensure_plan_once(db, clock)
    settings = Settings(database_url=db.engine.url.render_as_string(hide_password=False))
    console = Console(Services(settings=settings, db=db, clock=clock))
    try:
        assert console.command("/action", "50-18").as_text().startswith("50-18 · ")
        home = console.home()
        assert [call.method for call in home.calls if call.method == "views.publish"] == [
            "views.publish"
        ]
        assert console.command("/meetings", "help").as_text().startswith("`/meetings`")
        assert "50-18" in console.ask("status of 50-18").as_text()
    finally:
        console.close()
