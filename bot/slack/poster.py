"""Posting the outbox's messages through Slack's Web API."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.posting.outbox import PostFunction


def slack_poster(client: WebClient) -> PostFunction:
    """Post through the Bolt app's Web API client; Slack's error raises and is retried later."""

    def post(channel: str, text: str, blocks: list[dict[str, Any]]) -> str:
        response = client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
        )
        return str(response["ts"])

    return post
