"""The HTTP edge and the GET routes, called in-process as waitress calls them (WSGI environs).

Every request is built by hand, so that a test can hand the server a body that
must not be read, a signature that is wrong by one byte, or bytes Bolt cannot parse.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.meetings.service import ensure_schedule
from bot.plan.importing import ensure_plan
from bot.posting.scheduler import ProcessLock, SchedulerRunner
from bot.settings import Settings
from bot.slack import metrics
from bot.slack.app import create_app, make_client
from bot.slack.edge import MAX_BODY, SlackEdge, ThrottledLog, quiet_bolt
from bot.slack.local_api import LocalWebApi
from bot.slack.logs import JsonFormatter, OneLineFormatter
from bot.slack.requests import FORM, JSON, sign, slash_command_body
from bot.slack.server import GetRoutes, HttpLimits, make_wsgi_app
from bot.slack.services import Services
from bot.store.db import Database, alembic_config
from bot.store.models import Meeting
from tests.support.common import FixedClock
from tests.support.snapshots import load_once

SECRET = "8f14e45fceea167a5a36dedd4bea2543"
MARKER = "SECRET-BODY-TEXT"
"""Put in request bodies; must never appear in the log."""
NOWHERE = "http://127.0.0.1:9/api/"
"""The Web API for apps that must not call it (port 9 discards)."""


class Exploding(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError(f"the body was read ({size} bytes)")

    readline = read  # type: ignore[assignment]


class Counted(io.BytesIO):
    """A request body that remembers how much was asked of it."""

    asked: list[int]

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked = []

    def read(self, size: int | None = -1) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


class Answer:
    def __init__(self, application: Any, environ: dict[str, Any]) -> None:
        self.status = ""
        self.headers: dict[str, str] = {}

        def start_response(status: str, headers: list[tuple[str, str]], _exc: Any = None) -> None:
            self.status = status
            self.headers = dict(headers)

        chunks: Iterable[bytes] = application(environ, start_response)
        self.body = b"".join(chunks)

    @property
    def code(self) -> int:
        return int(self.status[:3])


def environ(
    path: str = "/slack/events",
    method: str = "POST",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    stream: Any = None,
    query: str = "",
) -> dict[str, Any]:
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
        "wsgi.input": stream if stream is not None else io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)) if stream is None else "",
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    return env


def signed(body: bytes, content_type: str = JSON, **kwargs: Any) -> dict[str, Any]:
    return environ(body=body, headers=sign(SECRET, body, content_type=content_type, **kwargs))


def make_services(db: Database, clock: FixedClock) -> Services:
    settings = Settings(db.url, slack_signing_secret=SECRET, slack_bot_token="xoxb-test")

    def load() -> None:
        ensure_plan(db, clock)
        ensure_schedule(db, clock, settings.tz)

    load_once(db, ("bundled plan and schedule", settings.tz.key, clock().isoformat()), load)
    return Services(settings=settings, db=db, clock=clock)


@contextlib.contextmanager
def wsgi_app(services: Services) -> Iterator[Any]:
    with LocalWebApi() as slack:
        app = create_app(
            services.settings,
            WebClient(token="xoxb-test", base_url=slack.url),
            services=services,
            token_verification=False,
        )
        yield make_wsgi_app(app, services)


@pytest.fixture
def services(sqlite_url: str, migrated_sqlite: Path, clock: FixedClock) -> Iterator[Services]:
    """On a SQLite file (a copy of the migrated one): for what does not depend on the
    database."""
    shutil.copyfile(migrated_sqlite, sqlite_url.removeprefix("sqlite:///"))
    db = Database(sqlite_url)
    yield make_services(db, clock)
    db.dispose()


@pytest.fixture
def application(services: Services) -> Iterator[Any]:
    with wsgi_app(services) as application:
        yield application


@pytest.fixture
def each_services(db: Database, clock: FixedClock) -> Services:
    """On each backend: for the routes that read the database."""
    return make_services(db, clock)


@pytest.fixture
def each_application(each_services: Services) -> Iterator[Any]:
    with wsgi_app(each_services) as application:
        yield application


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="slack_bolt")
    caplog.set_level(logging.INFO)
    return caplog


def sample(name: str, **labels: str) -> float:
    return metrics.PROCESS.get_sample_value(name, labels) or 0.0


def assert_no_body_logged(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        text = record.getMessage() + (
            logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
        )
        assert MARKER not in text, record.getMessage()
        assert "Traceback" not in text


# -- size -----------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_without_being_read(application: Any) -> None:
    env = environ(stream=Exploding())
    env["CONTENT_LENGTH"] = str(200 * 1024 * 1024)
    answer = Answer(application, env)
    assert answer.code == 413


def test_a_body_without_a_length_is_read_with_a_cap(application: Any) -> None:
    stream = Counted(b"x" * (3 * MAX_BODY))
    env = environ(stream=stream, headers={"Transfer-Encoding": "chunked"})
    answer = Answer(application, env)
    assert answer.code == 413
    assert stream.asked == [MAX_BODY + 1]


def test_a_body_of_exactly_the_limit_is_read_then_judged_by_its_signature(
    application: Any,
) -> None:
    answer = Answer(application, environ(body=b"a" * MAX_BODY, headers={"Content-Type": FORM}))
    assert answer.code == 401


def test_a_length_that_is_not_a_number_is_a_bad_request(application: Any) -> None:
    env = environ(stream=Exploding())
    env["CONTENT_LENGTH"] = "12, 12"
    assert Answer(application, env).code == 400


# -- signature ------------------------------------------------------------------------------


def unsigned_cases() -> list[tuple[str, dict[str, str]]]:
    body = f'{{"type": "url_verification", "challenge": "{MARKER}"}}'.encode()
    good = sign(SECRET, body, content_type=JSON)
    return [
        ("no signature", {"Content-Type": JSON}),
        ("wrong secret", sign("not-the-secret", body, content_type=JSON)),
        ("six minutes old", sign(SECRET, body, int(time.time()) - 360, JSON)),
        ("timestamp not a number", {**good, "X-Slack-Request-Timestamp": "1e9"}),
        ("signature not ASCII", {**good, "X-Slack-Signature": "v0=\u00e9"}),
        ("one hex digit off", {**good, "X-Slack-Signature": _one_digit_off(good)}),
    ]


def _one_digit_off(headers: dict[str, str]) -> str:
    """The signature with its last digit changed (to another digit, whatever it was)."""
    signature = headers["X-Slack-Signature"]
    return signature[:-1] + ("1" if signature.endswith("0") else "0")


@pytest.mark.parametrize(("case", "headers"), unsigned_cases(), ids=lambda v: str(v)[:20])
def test_an_unsigned_request_gets_401_and_its_body_is_not_logged(
    application: Any, logged: pytest.LogCaptureFixture, case: str, headers: dict[str, str]
) -> None:
    body = f'{{"type": "url_verification", "challenge": "{MARKER}"}}'.encode()
    before = sample("tsagbot_slack_signature_failures_total")
    answer = Answer(application, environ(body=body, headers=headers))
    assert answer.code == 401, case
    assert MARKER.encode() not in answer.body
    assert sample("tsagbot_slack_signature_failures_total") == before + 1
    assert_no_body_logged(logged)


def test_a_newline_in_an_unsigned_body_cannot_forge_a_log_line(
    application: Any, logged: pytest.LogCaptureFixture
) -> None:
    body = f"command=/action&text=x\n2026-01-01 INFO forged: {MARKER}".encode()
    forged = {"Content-Type": FORM, "X-Slack-Signature": "v0=\nforged", "User-Agent": "\nforged"}
    for _ in range(3):
        assert Answer(application, environ(body=body, headers=forged)).code == 401
    assert_no_body_logged(logged)
    assert all("\n" not in record.getMessage() for record in logged.records)


def test_refusals_are_logged_at_most_once_a_minute_per_reason(
    logged: pytest.LogCaptureFixture,
) -> None:
    now = [1000.0]
    edge = SlackEdge(
        bolt=lambda _env, _start: [b""],
        signing_secret=SECRET,
        refusals=ThrottledLog(logging.getLogger("test.edge"), every=60, now=lambda: now[0]),
    )
    for _ in range(500):
        Answer(edge, environ(body=b"x", headers={"Content-Type": FORM}))
    now[0] += 61
    Answer(edge, environ(body=b"x", headers={"Content-Type": FORM}))
    lines = [r.getMessage() for r in logged.records if r.name == "test.edge"]
    assert len(lines) == 2
    assert "499 more" in lines[1]


def test_bolt_never_logs_the_body_of_a_badly_signed_request(
    services: Services, logged: pytest.LogCaptureFixture
) -> None:
    """Even behind no edge: Bolt's own INFO line with the body is filtered out."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    app = create_app(
        services.settings,
        WebClient(token="xoxb-test", base_url=NOWHERE),
        services=services,
        token_verification=False,
    )
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.DEBUG)
    quiet_bolt()
    body = f'{{"type": "url_verification", "challenge": "{MARKER}"}}'.encode()
    headers = sign("wrong", body, content_type=JSON)
    answer = Answer(SlackRequestHandler(app), environ(body=body, headers=headers))
    assert answer.code == 401
    assert_no_body_logged(logged)


# -- shape ----------------------------------------------------------------------------------


MALFORMED = [
    ("text/plain", b'{"type": "url_verification", "challenge": "c"}'),
    ("application/xml", b"<x/>"),
    (JSON, b"\xff\xfe not utf-8"),
    (JSON, b'{"type": "event_callback", "x": "SECRET-BODY-TEXT'),
    (JSON, b"[1, 2, 3]"),
    (JSON, b'"a string"'),
    (JSON, b"[" * 100_000),
    (JSON, b'{"type": "event_callback", "event": "message"}'),
    (FORM, b"text=50-18&user_id=U1"),
    (FORM, b"payload=%7BSECRET-BODY-TEXT"),
    (FORM, b"payload=%5B%5D"),
    (FORM, b"{not json either"),
    (FORM, b""),
]


@pytest.mark.parametrize(("content_type", "body"), MALFORMED)
def test_a_malformed_signed_request_gets_400_and_one_log_line(
    application: Any, logged: pytest.LogCaptureFixture, content_type: str, body: bytes
) -> None:
    answer = Answer(application, signed(body, content_type))
    assert answer.code == 400, answer.body
    warnings = [r for r in logged.records if r.levelno >= logging.WARNING]
    assert len(warnings) <= 1
    assert all(r.exc_info is None for r in warnings)
    assert_no_body_logged(logged)


def test_a_body_bolt_fails_on_gets_400_and_one_line_without_a_traceback(
    logged: pytest.LogCaptureFixture,
) -> None:
    def failing_bolt(_env: Any, _start: Any) -> list[bytes]:
        raise KeyError(MARKER)

    edge = SlackEdge(bolt=failing_bolt, signing_secret=SECRET)
    answer = Answer(edge, signed(b'{"type": "event_callback", "event": {"type": "message"}}'))
    assert answer.code == 400
    warnings = [r for r in logged.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == ["Slack request could not be handled: KeyError"]
    assert_no_body_logged(logged)


def test_a_signed_request_reaches_bolt_and_is_counted_by_type(application: Any) -> None:
    before = sample("tsagbot_slack_events_received_total", type="url_verification")
    body = b'{"token": "t", "challenge": "c-42", "type": "url_verification"}'
    answer = Answer(application, signed(body))
    assert answer.code == 200
    assert json.loads(answer.body) == {"challenge": "c-42"}
    assert sample("tsagbot_slack_events_received_total", type="url_verification") == before + 1


def test_a_signed_slash_command_is_answered_by_bolt(application: Any) -> None:
    answer = Answer(application, signed(slash_command_body("/action", "50-18"), FORM))
    assert answer.code == 200
    assert "50-18" in json.loads(answer.body)["text"]


def test_slacks_endpoint_takes_post_only(application: Any) -> None:
    answer = Answer(application, environ(method="GET", stream=Exploding()))
    assert answer.code == 405


# -- GET routes -----------------------------------------------------------------------------


def test_healthz_answers_while_the_process_lives(application: Any) -> None:
    assert Answer(application, environ("/healthz", "GET")).body == b"ok\n"
    head = Answer(application, environ("/healthz", "HEAD"))
    assert (head.code, head.body, head.headers["Content-Length"]) == (200, b"", "3")


def test_readyz_is_ready_on_a_database_at_the_migrations_head(each_application: Any) -> None:
    answer = Answer(each_application, environ("/readyz", "GET"))
    assert (answer.code, answer.body) == (200, b"ready\n")


def test_readyz_builds_the_search_index_first(services: Services) -> None:
    services = Services(settings=services.settings, db=services.db)
    assert not services.index_built
    app = create_app(
        services.settings,
        WebClient(token="xoxb-test", base_url=NOWHERE),
        services=services,
        token_verification=False,
    )
    assert Answer(make_wsgi_app(app, services), environ("/readyz", "GET")).code == 200
    assert services.index_built


def test_readyz_is_503_on_a_database_behind_on_migrations(
    each_application: Any, each_services: Services
) -> None:
    config = alembic_config(each_services.db.engine)
    command.stamp(config, "0002")
    try:
        answer = Answer(each_application, environ("/readyz", "GET"))
    finally:
        command.stamp(config, "head")  # the test databases are reused
    assert answer.code == 503
    assert b"at 0002" in answer.body
    assert b"tsagbot migrate" in answer.body


def test_readyz_is_503_on_a_database_that_does_not_answer(services: Services) -> None:
    gone = Services(settings=services.settings, db=Database("postgresql://tsagbot@127.0.0.1:9/x"))
    app = create_app(
        gone.settings,
        WebClient(token="xoxb-test", base_url=NOWHERE),
        services=gone,
        token_verification=False,
    )
    answer = Answer(make_wsgi_app(app, gone), environ("/readyz", "GET"))
    assert answer.code == 503
    assert b"does not answer" in answer.body


def test_unknown_paths_and_methods(application: Any) -> None:
    assert Answer(application, environ("/nothing", "GET")).code == 404
    assert Answer(application, environ("/metrics", "POST", stream=Exploding())).code == 405


def test_get_routes_beyond_their_threads_get_503_at_once(
    logged: pytest.LogCaptureFixture,
) -> None:
    slots = threading.BoundedSemaphore(1)

    def failing(_env: Any) -> Any:
        raise RuntimeError(MARKER)

    routes = GetRoutes({"/x": lambda _env: ("200 OK", [], b"x"), "/fail": failing}, slots)
    assert Answer(routes, environ("/x", "GET")).code == 200
    slots.acquire()
    busy = Answer(routes, environ("/x", "GET"))
    assert (busy.code, busy.headers["Retry-After"]) == (503, "5")
    slots.release()
    failed = Answer(routes, environ("/fail", "GET"))
    assert failed.code == 500
    assert MARKER.encode() not in failed.body
    warnings = [r for r in logged.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == ["GET /fail failed"]
    assert all(r.exc_info is None for r in warnings)


def test_limits_are_sized_for_the_thread_pool() -> None:
    limits = HttpLimits(threads=8)
    assert limits.connection_limit == 128
    assert limits.side_threads == 4
    assert limits.channel_timeout == 30


# -- calendar -------------------------------------------------------------------------------


def test_the_calendar_is_cached_by_schedule_version_with_etags(
    each_application: Any, each_services: Services, clock: FixedClock
) -> None:
    first = Answer(each_application, environ("/calendar.ics", "GET"))
    assert first.code == 200
    assert first.body.startswith(b"BEGIN:VCALENDAR")
    etag = first.headers["ETag"]

    again = Answer(
        each_application, environ("/calendar.ics", "GET", headers={"If-None-Match": etag})
    )
    assert (again.code, again.body, again.headers["ETag"]) == (304, b"", etag)
    assert "Content-Length" not in again.headers
    weak = {"If-None-Match": f'"other", W/{etag}'}
    assert Answer(each_application, environ("/calendar.ics", "GET", headers=weak)).code == 304

    irm = Answer(each_application, environ("/calendar.ics", "GET", query="kind=irm"))
    assert irm.code == 200
    assert irm.headers["ETag"] != etag

    with each_services.db.unit_of_work() as session:
        meeting = session.scalars(select(Meeting).order_by(Meeting.start)).first()
        assert meeting is not None
        meeting.name = "Renamed meeting"
        meeting.updated_at = clock() + timedelta(minutes=1)
        session.commit()
    changed = Answer(
        each_application, environ("/calendar.ics", "GET", headers={"If-None-Match": etag})
    )
    assert changed.code == 200
    assert changed.headers["ETag"] != etag
    assert b"Renamed meeting" in changed.body


def test_an_unknown_calendar_kind_is_a_bad_request(application: Any) -> None:
    answer = Answer(application, environ("/calendar.ics", "GET", query="kind=party"))
    assert answer.code == 400


# -- metrics and logs -----------------------------------------------------------------------


METRIC_NAMES = [
    "tsagbot_http_requests_total",
    "tsagbot_http_request_duration_seconds",
    "tsagbot_slack_signature_failures_total",
    "tsagbot_slack_events_received_total",
    "tsagbot_slack_retries_received_total",
    "tsagbot_slack_api_duration_seconds",
    "tsagbot_slack_api_errors_total",
    "tsagbot_scheduler_leader",
    "tsagbot_database_up",
    "tsagbot_outbox_posts",
]


def test_metrics_name_everything_in_prometheus_text_format(each_application: Any) -> None:
    Answer(each_application, environ(body=b"x", headers={"Content-Type": FORM}))
    answer = Answer(each_application, environ("/metrics", "GET"))
    assert answer.code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = answer.body.decode()
    for name in METRIC_NAMES:
        assert f"# TYPE {name} " in text, name
    assert 'tsagbot_outbox_posts{status="pending"} 0.0' in text
    assert "tsagbot_database_up 1.0" in text
    assert 'tsagbot_http_requests_total{route="/slack/events",status="401"}' in text


def test_web_api_calls_are_timed_and_their_errors_counted() -> None:
    with LocalWebApi() as slack:
        client = make_client(
            Settings("sqlite://", slack_bot_token="xoxb-t", slack_api_url=slack.url)
        )
        before = sample("tsagbot_slack_api_duration_seconds_count", method="auth.test")
        client.auth_test()
        assert sample("tsagbot_slack_api_duration_seconds_count", method="auth.test") == before + 1
        slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
        errors = sample(
            "tsagbot_slack_api_errors_total", method="chat.postMessage", error="channel_not_found"
        )
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel="C1", text="hi")
        assert (
            sample(
                "tsagbot_slack_api_errors_total",
                method="chat.postMessage",
                error="channel_not_found",
            )
            == errors + 1
        )


def test_the_scheduler_reports_its_leadership(services: Services) -> None:
    runner = SchedulerRunner(
        services.db,
        services.settings,
        lambda *_args: "1.0",
        lock=ProcessLock(),
        on_leading=metrics.scheduler_leading,
    )
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while not runner.leading and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sample("tsagbot_scheduler_leader") == 1
    finally:
        runner.stop()
    assert sample("tsagbot_scheduler_leader") == 0


def record(message: str, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("bot.x", logging.WARNING, __file__, 1, message, (), exc_info)


def test_json_logs_are_one_object_per_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError as error:
        line = JsonFormatter().format(record("two\nlines", error))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "two\nlines"
    assert entry["level"] == "WARNING"
    assert "ValueError: boom" in entry["exception"]


def test_text_logs_are_one_line_per_event() -> None:
    line = OneLineFormatter("%(levelname)s %(message)s").format(record("two\nlines\rhere"))
    assert line == "WARNING two\\nlines\\rhere"
