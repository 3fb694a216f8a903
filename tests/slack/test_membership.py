"""Asking Slack whether tsagbot can post somewhere, within a form's three seconds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.slack.local_api import LocalWebApi
from bot.slack.membership import can_post


@pytest.fixture
def slack() -> Iterator[LocalWebApi]:
    with LocalWebApi() as api:
        yield api


def client(slack: LocalWebApi) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.url)


def answering(channel: dict[str, Any]) -> Any:
    return lambda _params: {"ok": True, "channel": channel}


def test_a_private_channel_without_tsagbot_is_refused_a_public_one_is_not(
    slack: LocalWebApi,
) -> None:
    slack.respond("conversations.info", answering({"is_private": True, "is_member": False}))
    assert not can_post(client(slack), "G0SECRET")
    slack.respond("conversations.info", answering({"is_private": False, "is_member": False}))
    assert can_post(client(slack), "C0PUBLIC")


def test_slack_too_slow_to_say_is_taken_as_yes(slack: LocalWebApi) -> None:
    released = threading.Event()

    def late(_params: dict[str, Any]) -> dict[str, Any]:
        released.wait(5)
        return {"ok": True, "channel": {"is_private": True, "is_member": False}}

    slack.respond("conversations.info", late)
    try:
        assert can_post(client(slack), "G0SLOW", timeout=0.2)
    finally:
        released.set()
