"""``tsagbot serve`` ends with one line, never a traceback, when it cannot start."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from bot.slack.local_api import LocalWebApi
from tests.support.cli import run


@pytest.fixture
def slack() -> Iterator[LocalWebApi]:
    with LocalWebApi() as api:
        yield api


def test_a_slack_that_cannot_be_reached_is_one_line(sqlite_url: str) -> None:
    """auth.test is asked once, without the Web API client's retries, so nothing listens
    on the port the answer is refused at once."""
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
    }
    result = run("serve", "--port", "0", db=sqlite_url, env=env)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "tsagbot: cannot reach Slack at http://127.0.0.1:9/api/: [Errno 111] Connection refused"
    )
    assert "Traceback" not in result.stderr


def test_a_port_in_use_is_one_line(sqlite_url: str, slack: LocalWebApi) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret"}
    env |= {"SLACK_API_URL": slack.url, "TSAGBOT_SCHEDULER": "off"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--host", "127.0.0.1", "--port", str(port), db=sqlite_url, env=env)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"tsagbot: cannot listen on 127.0.0.1:{port}: Address already in use"
    )
