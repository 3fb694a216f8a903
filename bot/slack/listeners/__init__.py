"""One module per Slack surface; each exposes ``register(app)``."""

from __future__ import annotations

from bot.slack.listeners import (
    action,
    home,
    meeting_form,
    meetings,
    mentions,
    messages,
    reminders,
    rounds,
    update_form,
)

COMMAND_MODULES = [
    action,
    home,
    meetings,
    mentions,
    messages,
    reminders,
    update_form,
    meeting_form,
    rounds,
]

SLASH_COMMANDS = ("/action", meetings.COMMAND)
"""The slash commands the app answers, as ``manifest.yml`` declares them."""
