"""The hardened edge of the real ``tsagbot serve``, over real HTTP.

Oversized bodies are refused before they are read, unsigned requests get 401 and
leave no trace of their body in the log (written as JSON lines here), idle
connections do not keep Slack out, ``/metrics`` and ``/readyz`` answer, and the
calendar feed refuses a kind it does not know.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from icalendar import Calendar

from bot.slack.health import migration_heads
from bot.slack.local_api import LocalWebApi
from bot.slack.requests import FORM, JSON, url_verification_body
from bot.store.db import Database, alembic_config
from tests.support.serving import ROOT, Server, serving

MARKER = "UNSIGNED-BODY-TEXT"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("edge")
    with (
        LocalWebApi() as slack,
        serving(
            folder, slack, env={"TSAGBOT_LOG_FORMAT": "json", "TSAGBOT_SCHEDULER": "off"}
        ) as running,
    ):
        yield running


def raw_request(server: Server, head: str, body: bytes = b"") -> str:
    """Send ``head`` (and ``body``) on a plain socket; the status line of the answer."""
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head.encode("latin-1") + body)
        answer = connection.recv(4096).decode("latin-1")
    return answer.split("\r\n", 1)[0]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def test_a_huge_declared_body_is_refused_at_once(server: Server) -> None:
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: tsagbot\r\nContent-Type: application/json\r\n"
        f"Content-Length: {200 * 1024 * 1024}\r\n\r\n"
    )
    assert raw_request(server, head, b"{").startswith("HTTP/1.1 413")


def test_a_chunked_body_over_the_limit_is_refused(server: Server) -> None:
    chunk = 64 * 1024
    body = (f"{chunk:x}\r\n".encode() + b"x" * chunk + b"\r\n") * 20 + b"0\r\n\r\n"
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: tsagbot\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    try:
        status = raw_request(server, head, body)
    except ConnectionError:
        status = "closed before the whole body was sent"
    assert status.startswith("HTTP/1.1 413") or status.startswith("closed"), status
    assert server.process.poll() is None


def test_an_unsigned_request_gets_401_and_its_body_stays_out_of_the_log(server: Server) -> None:
    start = server.log.stat().st_size
    body = f"command=/action&text=50-18\n2026-01-01 INFO forged {MARKER}".encode()
    status, _headers, answer = server.post(body, FORM, secret="not-the-secret")
    assert status == 401
    assert MARKER.encode() not in answer
    written = server.log.read_bytes()[start:].decode()
    assert MARKER not in written
    refusals = [json.loads(line) for line in written.splitlines() if "refused POST" in line]
    assert len(refusals) == 1
    assert refusals[0]["level"] == "WARNING"


def test_a_malformed_signed_request_gets_400(server: Server) -> None:
    status, _headers, answer = server.post(b"[1, 2, 3]", JSON)
    assert status == 400, answer
    assert b"Traceback" not in answer


def test_idle_connections_do_not_keep_slack_out(server: Server) -> None:
    port = int(server.base.rsplit(":", 1)[1])
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(110)]
    try:
        status, _headers, answer = server.post(url_verification_body("c-1"), JSON)
    finally:
        for connection in idle:
            connection.close()
    assert (status, json.loads(answer)) == (200, {"challenge": "c-1"})


def test_every_log_line_is_json(server: Server) -> None:
    """Every line is a JSON object, but for the CLI's notes on what it loaded at start."""
    lines = [line for line in server.output().splitlines() if not line.startswith("(")]
    entries = [json.loads(line) for line in lines]
    assert any("tsagbot listening" in entry["message"] for entry in entries)


def test_metrics_over_http(server: Server) -> None:
    server.post(b"{}", JSON, secret="wrong")
    assert server.post(url_verification_body("c-2"), JSON)[0] == 200
    status, text = get(f"{server.base}/metrics")
    assert status == 200
    for name in (
        "tsagbot_http_requests_total",
        "tsagbot_slack_signature_failures_total",
        "tsagbot_slack_events_received_total",
        "tsagbot_slack_api_duration_seconds",
        "tsagbot_outbox_posts",
        "tsagbot_scheduler_leader",
    ):
        assert f"# TYPE {name} " in text, name
    assert 'tsagbot_slack_events_received_total{type="url_verification"}' in text
    failures = next(
        line for line in text.splitlines() if line.startswith("tsagbot_slack_signature_failures")
    )
    assert float(failures.split()[-1]) >= 1


def test_readyz_follows_the_schema(server: Server) -> None:
    assert get(f"{server.base}/readyz") == (200, "ready\n")
    db = Database(server.database_url)
    try:
        config = alembic_config(db.engine)
        command.stamp(config, "0002")
        status, reason = get(f"{server.base}/readyz")
        command.stamp(config, "head")
    finally:
        db.dispose()
    assert status == 503
    assert "tsagbot migrate" in reason
    assert get(f"{server.base}/readyz")[0] == 200


def test_the_calendar_feed_refuses_an_unknown_kind(server: Server) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server.base}/calendar.ics?kind=party", timeout=5)
    assert refused.value.code == 400
    with urllib.request.urlopen(f"{server.base}/calendar.ics?kind=irm", timeout=5) as answer:
        calendar = Calendar.from_ical(answer.read())
    kinds = {str(event["CATEGORIES"].cats[0]) for event in calendar.walk("VEVENT")}
    assert kinds == {"Inter-regional meeting"}


def test_migrate_brings_a_new_database_to_the_head_and_exits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--db", url, "migrate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"at schema revision {', '.join(sorted(migration_heads()))}" in done.stdout
