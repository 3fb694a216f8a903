"""Slack's requests to tsagbot's endpoint: in this process for most tests, the real one for a few.

:func:`in_process` builds what ``tsagbot serve`` builds (the database with the bundled
plan and schedule, the Bolt app, the WSGI application with ``/healthz`` and
``/calendar.ics``) and calls that WSGI application directly: no process, no socket on
the way in, the same code from the signature check onwards.  Its Web API (and every
``response_url``) is a :class:`LocalWebApi` on loopback, as for the real process.

For the end-to-end tests, :func:`start_server` starts ``python -m bot serve`` as in
production on a free loopback port, with its Web API (and every ``response_url``)
pointed at the :class:`LocalWebApi`, and waits for ``GET /healthz``.  A fresh database
(a SQLite file by default) gets the bundled WTSA-20 plan on that first start.  Requests
are signed as Slack signs them; over HTTP they must be answered within Slack's three
seconds; what the server writes is kept in a log file, shown by
:func:`server_output` when a test fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
import weakref
import wsgiref.util
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from bot.cli.support import Context
from bot.clock import system_clock
from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.inbox import InboxWorker
from bot.slack.local_api import Call, LocalWebApi
from bot.slack.poster import posting_client, slack_poster
from bot.slack.requests import FORM, sign, slash_command_body
from bot.slack.server import EVENTS_PATH, WSGIApp, make_wsgi_app
from bot.slack.services import Services
from tests.support.blockkit import SORRY, assert_within_limits
from tests.support.http import free_port, wait_for_http

ROOT = Path(__file__).resolve().parents[2]
SECRET = "3c0a1f6d2b9e48a7b5d4c2e1f0a9b8c7"
BOT_TOKEN = "xoxb-1111-2222-tsagbottest"


T = TypeVar("T")
Answer = tuple[int, dict[str, str], bytes]
"""An HTTP answer: status, headers, body."""


class Endpoint:
    """Where Slack sends its requests (``POST /slack/events``), and the Web API it is given."""

    slack: LocalWebApi
    database_url: str

    def send(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        """POST ``body`` with exactly these headers."""
        raise NotImplementedError

    def output(self) -> str:
        """What the server has written (logged) so far."""
        raise NotImplementedError

    def alive(self) -> bool:
        return True

    def quiet(self, seconds: float) -> None:
        """Give what the listeners are still doing time to show: ``seconds``."""
        time.sleep(seconds)

    def post(
        self,
        body: bytes,
        content_type: str = FORM,
        *,
        secret: str = SECRET,
        timestamp: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """POST a body signed as Slack signs it; ``headers`` are sent too (and win)."""
        signed = sign(secret, body, timestamp, content_type)
        signed.update(headers or {})
        return self.send(body, signed)

    def slash_command(self, command: str, text: str, *, user_id: str) -> dict[str, Any]:
        """``COMMAND TEXT``: the acknowledgement's message, checked against Slack's limits."""
        body = slash_command_body(
            command,
            text,
            user_id=user_id,
            response_url=self.slack.response_url(f"command-{uuid.uuid4().hex[:8]}"),
        )
        status, headers, raw = self.post(body)
        assert status == 200, (status, raw[:500])
        assert headers.get("Content-Type", "").startswith("application/json")
        message: dict[str, Any] = json.loads(raw)
        assert message["response_type"] == "ephemeral"
        assert SORRY not in message["text"], f"{command} {text[:80]!r} failed in the server"
        assert_within_limits(message)
        return message


class ListenerPool(ThreadPoolExecutor):
    """Bolt's pool for listeners (five threads, as Bolt's own), that says when all are done."""

    _all: ClassVar[weakref.WeakSet[ListenerPool]] = weakref.WeakSet()

    def __init__(self) -> None:
        super().__init__(max_workers=5, thread_name_prefix="listener")
        self._busy = 0
        self._changed = threading.Condition()
        ListenerPool._all.add(self)

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        with self._changed:
            self._busy += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future[Any]) -> None:
        with self._changed:
            self._busy -= 1
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self._changed:
            idle = self._changed.wait_for(lambda: self._busy == 0, timeout)
        assert idle, f"listeners still running after {timeout}s"

    @classmethod
    def wait_all_idle(cls, timeout: float = 10.0) -> None:
        """Until no listener of any server in this process runs (a listener a listener
        starts is counted before its starter ends)."""
        for pool in list(cls._all):
            pool.wait_idle(timeout)


class LocalServer(Endpoint):
    """What ``tsagbot serve`` runs, called in this process: see :func:`in_process`.

    As in ``serve``, events are stored and handled by an inbox worker, and the other
    listeners run after the acknowledgement (in Bolt's threads), so tests wait for
    their Web API calls (:meth:`quiet`); the scheduler is left out (tests/e2e runs it).
    """

    def __init__(
        self, slack: LocalWebApi, database_url: str, env: Mapping[str, str] | None = None
    ) -> None:
        self.slack = slack
        self.database_url = database_url
        self._log = io.StringIO()
        self._handler = logging.StreamHandler(self._log)
        self._handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        settings = Settings.from_env(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": slack.url,
                "TSAGBOT_DATABASE_URL": database_url,
                **(env or {}),
            }
        )
        context = Context(settings=settings, clock=system_clock)
        with contextlib.redirect_stderr(self._log):  # what serve says as it starts
            db = context.db_with_schedule()
        self.services = Services(settings=settings, db=db, clock=system_clock)
        self.listeners = ListenerPool()
        app = create_app(settings, services=self.services, listener_executor=self.listeners)
        self.application: WSGIApp = make_wsgi_app(app, self.services)
        handler = create_app(
            settings, services=self.services, token_verification=False, process_before_response=True
        )
        post = slack_poster(posting_client(settings))
        self.worker = InboxWorker(handler, self.services, post).start()
        logging.getLogger().addHandler(self._handler)

    def close(self) -> None:
        self.worker.stop()
        self.listeners.shutdown(wait=True)
        logging.getLogger().removeHandler(self._handler)
        self.services.db.dispose()

    def quiet(self, seconds: float) -> None:  # noqa: ARG002 (no need to guess how long)
        """Until every event stored is handled, its posts made, and every listener of every
        server in this process is done: in this process that is known, not waited for."""
        ListenerPool.wait_all_idle()
        self.worker.drain()
        assert self.worker.wait_idle(), "the inbox worker is still busy after 10 s"

    def output(self) -> str:
        return self._log.getvalue()

    def send(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        return self.request("POST", EVENTS_PATH, body, headers)

    def get(self, path: str, method: str = "GET") -> Answer:
        """``GET path`` (``/healthz``, ``/calendar.ics?kind=irm``)."""
        return self.request(method, path, b"", {})

    def request(self, method: str, target: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        """One request through the WSGI application, as waitress would pass it."""
        path, _, query = target.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
        wsgiref.util.setup_testing_defaults(environ)
        started: list[Any] = []

        def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
            # Header names as they come over HTTP, whatever case the application used.
            named = {name.title(): value for name, value in response_headers}
            started[:] = [int(status.split()[0]), named]

        result = self.application(environ, start_response)
        try:
            data = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return started[0], started[1], data


L = TypeVar("L", bound=LocalServer)


@contextlib.contextmanager
def in_process(
    slack: LocalWebApi,
    database_url: str,
    *,
    env: Mapping[str, str] | None = None,
    server_class: type[L] = LocalServer,  # type: ignore[assignment]
) -> Iterator[L]:
    """What ``tsagbot serve`` runs, on ``database_url`` with ``env`` settings, in this process."""
    server = server_class(slack, database_url, env)
    try:
        yield server
    finally:
        server.close()


@dataclass
class Server(Endpoint):
    """A running ``tsagbot serve`` and the fake Slack it talks to."""

    process: subprocess.Popen[bytes]
    base: str
    slack: LocalWebApi
    log: Path
    database_url: str

    @property
    def events(self) -> str:
        return f"{self.base}/slack/events"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """True once GET /healthz answers 200; False if the process ends first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                wait_for_http(f"{self.base}/healthz", timeout=0.25)
            except AssertionError:
                continue
            return True
        return False

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, body: bytes, headers: Mapping[str, str]) -> Answer:
        """POST to /slack/events over HTTP (how fast it answers is scripts/bench_slack.py's)."""
        request = urllib.request.Request(self.events, data=body, headers=dict(headers))
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            with error:
                answer = error.code, dict(error.headers.items()), error.read()
        return answer


S = TypeVar("S", bound=Server)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def start_server(
    folder: Path,
    slack: LocalWebApi,
    *,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    name: str = "serve",
    server_class: type[S] = Server,  # type: ignore[assignment]
) -> S:
    """``python -m bot serve`` on a free loopback port; retried only on a port race.

    ``database_url`` defaults to a new SQLite file in ``folder``; ``env`` adds settings
    (``TSAGBOT_EDITORS``...) to an environment cleared of every ``SLACK_*``/``TSAGBOT_*``.
    """
    database_url = database_url or f"sqlite:///{folder / 'tsagbot.sqlite3'}"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TSAGBOT_"))}
    environment.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.url,
        TSAGBOT_DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    environment.update(env or {})
    for attempt in range(3):
        port = free_port()
        log = folder / f"{name}-{attempt}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--port", str(port), "--host", "127.0.0.1"],
                cwd=ROOT,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        server = server_class(process, f"http://127.0.0.1:{port}", slack, log, database_url)
        if server.wait_ready():
            return server
        stop(process)
        if "address already in use" not in server.output().lower():
            break
    raise AssertionError(f"tsagbot serve did not start; its output:\n{server.output()}")


@contextlib.contextmanager
def serving(
    folder: Path,
    slack: LocalWebApi,
    *,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    name: str = "serve",
    server_class: type[S] = Server,  # type: ignore[assignment]
) -> Iterator[S]:
    """:func:`start_server`, stopped at the end; its output is printed if it had crashed."""
    running = start_server(
        folder, slack, database_url=database_url, env=env, name=name, server_class=server_class
    )
    try:
        yield running
    finally:
        crashed = running.process.poll() is not None
        stop(running.process)
        if crashed:
            print(f"tsagbot serve had exited:\n{running.output()}", file=sys.stderr)


@contextlib.contextmanager
def server_output(server: Endpoint) -> Iterator[None]:
    """What the server writes during the block, printed to stderr (pytest shows it on failure)."""
    assert server.alive(), f"tsagbot serve has exited:\n{server.output()}"
    start = len(server.output())
    try:
        yield
    finally:
        written = server.output()[start:]
        if written:
            print(f"--- tsagbot serve wrote during this test ---\n{written}", file=sys.stderr)
        if not server.alive():
            print("--- tsagbot serve exited ---", file=sys.stderr)


def wait_for_call(
    slack: LocalWebApi, method: str, matches: Callable[[Call], bool], timeout: float = 5.0
) -> Call:
    """The first call to ``method`` that ``matches``, waiting for it to arrive."""
    deadline = time.monotonic() + timeout
    count = 1
    while True:
        remaining = max(deadline - time.monotonic(), 0.01)
        calls = slack.wait_for(method, count, timeout=remaining)
        mine = [call for call in calls if matches(call)]
        if mine:
            return mine[0]
        if time.monotonic() >= deadline:
            raise AssertionError(f"no matching call to {method} within {timeout}s: {calls}")
        count = len(calls) + 1


def wait_for_response(slack: LocalWebApi, name: str, timeout: float = 5.0) -> Call:
    """The first call to ``slack.response_url(name)``, waiting for it to arrive."""
    path = f"/response/{name}"
    return wait_for_call(slack, "response_url", lambda call: call.path == path, timeout)
