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
    # The Messages tab takes slash commands (`/meetings remind me`, `/action follow 50`,
    # personal there); a read-only tab would hide its composer. Plain DMs are not read.
    assert features["app_home"]["messages_tab_read_only_enabled"] is False
    assert "message.im" not in settings["event_subscriptions"]["bot_events"]
    assert {"app_home_opened", "app_mention", "message.channels"} <= set(
        settings["event_subscriptions"]["bot_events"]
    )
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # users:read: each reader's zone; im:write and im:history: DMs, and looking in one
    # before posting again; chat:write: every post
    assert {"users:read", "im:write", "im:history", "chat:write", "commands"} <= scopes
    assert {command["command"] for command in features["slash_commands"]} == set(SLASH_COMMANDS)
    assert settings["interactivity"]["is_enabled"] is True  # buttons, the Follow… form


def test_the_manifest_declares_the_update_forms_shortcuts_and_options_url() -> None:
    from bot.slack.listeners.update_form import GLOBAL_SHORTCUT, MESSAGE_SHORTCUT

    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    shortcuts = {s["callback_id"]: s["type"] for s in manifest["features"]["shortcuts"]}
    assert shortcuts == {GLOBAL_SHORTCUT: "global", MESSAGE_SHORTCUT: "message"}
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["message_menu_options_url"] == interactivity["request_url"]
    assert interactivity["request_url"].endswith("/slack/events")  # Bolt serves both there
    # commands: shortcuts; channels:read, groups:read: whether the bot is in a channel
    assert {"commands", "channels:read", "groups:read"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )
