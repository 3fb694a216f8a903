"""One module per Slack surface; each exposes ``register(app)``."""

from __future__ import annotations

from bot.commands import action, messages

COMMAND_MODULES = [action, messages]
