"""One module per Slack surface; each exposes ``register(app)``.

The modules are named here, not imported: :class:`Registry` imports and registers
them, all at once for a server, or as requests need them for the console (a slash
command its own module, any other request every module), so that
``tsagbot ask "/action 50-18"`` does not import what the Home tab, the forms and the
meeting questions need. No two modules listen for the same thing (a test checks it),
so the order in which they come to be registered changes nothing.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App

LISTENER_MODULES = (
    "action",
    "home",
    "meetings",
    "mentions",
    "messages",
    "reminders",
    "update_form",
    "meeting_form",
    "rounds",
)

SLASH_COMMANDS = {"/action": "action", "/meetings": "meetings"}
"""The slash commands the app answers, as ``manifest.yml`` declares them, and the
module of each."""


class Registry:
    """Registers the listener modules on one app, each once."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.registered: list[str] = []
        self._lock = threading.Lock()

    def register(self, names: Iterable[str] = LISTENER_MODULES) -> None:
        with self._lock:
            for name in names:
                if name not in self.registered:
                    module = importlib.import_module(f"{__name__}.{name}")
                    module.register(self.app)
                    self.registered.append(name)

    def on_demand(self, body: dict[str, Any], next: Callable[[], Any]) -> Any:
        """Bolt middleware: register the listeners this request may need before Bolt
        looks for one (a slash command's module, else every module)."""
        command = body.get("command")
        self.register([SLASH_COMMANDS[command]] if command in SLASH_COMMANDS else LISTENER_MODULES)
        return next()
