"""Commands are answered the moment they acknowledge; their work after it goes on."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, BoltRequest
from slack_sdk import WebClient

from bot.slack import early
from bot.slack.early import EarlyApp
from bot.slack.local_api import LocalWebApi

pytestmark = pytest.mark.sqlite_only


def command_request(text: str) -> BoltRequest:
    body = urlencode({"command": "/action", "text": text, "user_id": "U1", "team_id": "T1"})
    return BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})


def early_app(pool: ThreadPoolExecutor, slack: LocalWebApi) -> EarlyApp:
    return EarlyApp(
        listener_executor=pool,
        client=WebClient(token="xoxb-test", base_url=slack.url),
        token_verification_enabled=False,
        request_verification_enabled=False,
    )


def test_the_answer_leaves_before_the_work_after_the_acknowledgement() -> None:
    release, finished = threading.Event(), threading.Event()

    def listener(ack: Ack, command: dict[str, Any]) -> None:
        ack(text=f"looking up {command['text']}")
        release.wait(10)
        finished.set()

    with LocalWebApi() as slack, ThreadPoolExecutor(2) as pool:
        app = early_app(pool, slack)
        app.command("/action")(listener)
        response = app.dispatch(command_request("50-18"))
        assert (response.status, response.body) == (200, "looking up 50-18")
        assert not finished.is_set()
        release.set()
    assert finished.is_set()


def test_a_failure_before_the_acknowledgement_is_the_request_s() -> None:
    def listener(command: dict[str, Any]) -> None:
        raise RuntimeError(command["text"])

    with LocalWebApi() as slack, ThreadPoolExecutor(2) as pool:
        app = early_app(pool, slack)
        app.command("/action")(listener)
        assert app.dispatch(command_request("50-18")).status == 500


def test_a_failure_after_the_request_stopped_waiting_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(early, "ACK_WITHIN", 0.05)
    late = threading.Event()

    def listener(command: dict[str, Any]) -> None:
        late.wait(10)
        raise RuntimeError(f"late failure on {command['text']}")

    with LocalWebApi() as slack, ThreadPoolExecutor(2) as pool:
        app = early_app(pool, slack)
        app.command("/action")(listener)
        app.dispatch(command_request("50-18"))
        late.set()
    assert "late failure on 50-18" in caplog.text
