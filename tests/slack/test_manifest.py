"""``manifest.yml`` declares what the app's listeners and posts need from Slack."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.listeners import SLASH_COMMANDS

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def test_the_manifest_declares_the_home_tab_events_scopes_and_commands() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["app_home"]["messages_tab_enabled"] is True  # notices come by DM
    assert {"app_home_opened", "app_mention", "message.channels"} <= set(
        settings["event_subscriptions"]["bot_events"]
    )
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # users:read: each reader's zone; im:write and im:history: DMs, and looking in one
    # before posting again; chat:write: every post
    assert {"users:read", "im:write", "im:history", "chat:write", "commands"} <= scopes
    assert {command["command"] for command in features["slash_commands"]} == set(SLASH_COMMANDS)
    assert settings["interactivity"]["is_enabled"] is True  # buttons, the Follow… form
