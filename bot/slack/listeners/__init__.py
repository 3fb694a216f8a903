"""One module per Slack surface; each exposes ``register(app)``."""

from __future__ import annotations

from bot.slack.listeners import action, home, meetings, mentions, messages, reminders

COMMAND_MODULES = [action, home, meetings, mentions, messages, reminders]

SLASH_COMMANDS = ("/action", meetings.COMMAND)
"""The slash commands the app answers, as ``manifest.yml`` declares them."""
