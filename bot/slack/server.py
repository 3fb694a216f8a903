"""Slack's HTTP mode: a WSGI application served by waitress.

* ``POST /slack/events`` takes every Slack request (commands, events,
  interactivity) through the edge (:mod:`bot.slack.edge`: size, signature and
  shape checked on the raw bytes) to Bolt, which checks the signature again.
* ``GET /healthz``: the process is alive. ``GET /readyz``: the database
  answers and its schema is current (503 otherwise).
* ``GET /metrics``: Prometheus metrics (:mod:`bot.slack.metrics`).
* ``GET /calendar.ics``: the meeting schedule as an iCalendar feed people
  subscribe to (``?kind=irm`` keeps one kind), built once per version of the
  schedule and answered with ``ETag``/``304``.

The GET routes share at most half the worker threads: a flood of calendar
clients or scrapers gets 503 rather than the threads Slack's requests need.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.meetings.ical import calendar_feed
from bot.meetings.model import parse_kind
from bot.meetings.queries import all_meetings
from bot.slack import metrics
from bot.slack.edge import MAX_BODY, SlackEdge, StartResponse, ThrottledLog, quiet_bolt
from bot.slack.health import readiness
from bot.slack.services import Services
from bot.store.models import AgendaItem, Meeting

log = logging.getLogger(__name__)

Environ = dict[str, Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Headers = list[tuple[str, str]]
Response = tuple[str, Headers, bytes]
Route = Callable[[Environ], Response]

EVENTS_PATH = "/slack/events"
CALENDAR_PATH = "/calendar.ics"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
TEXT = [("Content-Type", "text/plain; charset=utf-8")]


@dataclass(frozen=True)
class HttpLimits:
    """How much of the server one client can hold: threads, connections, time, bytes."""

    threads: int = 8
    channel_timeout: int = 30
    """Seconds an idle connection is kept (waitress's default is 120)."""
    max_body: int = MAX_BODY

    @property
    def connection_limit(self) -> int:
        """Open connections; each holds at most a request's buffers, never a thread."""
        return self.threads * 16

    @property
    def side_threads(self) -> int:
        """Threads the GET routes may use at once; the others stay free for Slack."""
        return max(1, self.threads // 2)


def make_wsgi_app(app: App, services: Services, limits: HttpLimits | None = None) -> WSGIApp:
    """Slack's endpoint behind the edge, and the GET routes, counted in ``/metrics``."""
    limits = limits or HttpLimits()
    quiet_bolt()
    slack = SlackEdge(
        SlackRequestHandler(app, path=EVENTS_PATH), services.settings.slack_signing_secret or ""
    )
    routes: dict[str, Route] = {
        HEALTH_PATH: lambda _environ: ("200 OK", TEXT, b"ok\n"),
        READY_PATH: ready_route(services),
        METRICS_PATH: metrics_route(services),
        CALENDAR_PATH: CalendarCache(services),
    }
    side = GetRoutes(routes, threading.BoundedSemaphore(limits.side_threads))

    def application(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        label = path if path in routes or path == EVENTS_PATH else "other"
        status = ["500"]

        def noting_status(line: str, headers: Headers, exc_info: Any = None) -> Any:
            status[0] = line[:3]
            return start_response(line, headers, exc_info)

        start = time.perf_counter()
        try:
            if path == EVENTS_PATH:
                return slack(environ, noting_status)
            return side(environ, noting_status)
        finally:
            metrics.HTTP_REQUESTS.labels(route=label, status=status[0]).inc()
            metrics.HTTP_LATENCY.labels(route=label).observe(time.perf_counter() - start)

    return application


@dataclass
class GetRoutes:
    """The GET (and HEAD) routes, a bounded number at a time; never a traceback to the client."""

    routes: dict[str, Route]
    slots: threading.BoundedSemaphore
    failures: ThrottledLog = field(default_factory=lambda: ThrottledLog(log))

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        route = self.routes.get(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD")
        if route is None:
            status, headers, body = "404 Not Found", TEXT, b"not found\n"
        elif method not in ("GET", "HEAD"):
            status, headers, body = "405 Method Not Allowed", TEXT, b"GET only\n"
        elif not self.slots.acquire(blocking=False):
            status, headers, body = "503 Service Unavailable", [*TEXT, ("Retry-After", "5")], b""
        else:
            try:
                status, headers, body = route(environ)
            except Exception:
                self.failures.warning(
                    environ.get("PATH_INFO", ""), "GET %s failed", environ.get("PATH_INFO")
                )
                log.debug("the route's failure", exc_info=True)
                status, headers, body = "500 Internal Server Error", TEXT, b"failed\n"
            finally:
                self.slots.release()
        if not status.startswith("304"):  # a 304 has no body, and no length of its own
            headers = [*headers, ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [b"" if method == "HEAD" else body]


def ready_route(services: Services) -> Route:
    """Ready: the database answers, its schema is current, and the search index is built
    (the first check builds it, so a replica's first ``/action`` search is not the slow one)."""

    def ready(_environ: Environ) -> Response:
        reason = readiness(services.db) or _index_built(services)
        if reason is None:
            return "200 OK", TEXT, b"ready\n"
        return "503 Service Unavailable", TEXT, (reason + "\n").encode("utf-8")

    return ready


def _index_built(services: Services) -> str | None:
    try:
        with services.db.unit_of_work(write=False) as session:
            services.search_index(session)
    except Exception as error:
        return f"the search index cannot be built ({type(error).__name__})"
    return None


def metrics_route(services: Services) -> Route:
    def scrape(_environ: Environ) -> Response:
        body = metrics.exposition(services.db)
        return "200 OK", [("Content-Type", metrics.CONTENT_TYPE)], body

    return scrape


def schedule_version(session: Session) -> tuple[object, ...]:
    """Changes whenever a meeting or an agenda item is added, removed or changed.

    One small aggregate query: the counts, the highest ids and the last update.
    """
    meetings = session.execute(
        select(func.count(Meeting.id), func.max(Meeting.id), func.max(Meeting.updated_at))
    ).one()
    agenda = session.execute(select(func.count(AgendaItem.id), func.max(AgendaItem.id))).one()
    return (*meetings, *agenda)


@dataclass(frozen=True)
class _Feed:
    etag: str
    body: bytes


class CalendarCache:
    """``GET /calendar.ics``: the feed, built once per schedule version and kind filter.

    A client that sends the ``ETag`` it has in ``If-None-Match`` gets ``304`` and no body.
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        self._lock = threading.Lock()
        self._version: tuple[object, ...] | None = None
        self._feeds: dict[tuple[str, ...], _Feed] = {}

    def __call__(self, environ: Environ) -> Response:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        parsed = [parse_kind(value) for value in query.get("kind", [])]
        if any(kind is None for kind in parsed):
            body = b"unknown kind; use irm, tsag, working_party, rapporteur_group, regional, wtsa\n"
            return "400 Bad Request", TEXT, body
        kinds = tuple(sorted({str(kind) for kind in parsed}))
        feed = self._feed(kinds)
        headers = [
            ("ETag", feed.etag),
            ("Cache-Control", "max-age=300"),
        ]
        wanted = _tags(environ.get("HTTP_IF_NONE_MATCH", ""))
        if feed.etag in wanted or "*" in wanted:
            return "304 Not Modified", headers, b""
        headers += [
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", 'inline; filename="tsagbot.ics"'),
        ]
        return "200 OK", headers, feed.body

    def _feed(self, kinds: tuple[str, ...]) -> _Feed:
        services = self.services
        with services.db.unit_of_work(write=False) as session:
            version = schedule_version(session)
            with self._lock:
                if version != self._version:
                    self._version, self._feeds = version, {}
                feed = self._feeds.get(kinds)
                if feed is not None:
                    return feed
            meetings = [
                meeting for meeting in all_meetings(session) if not kinds or meeting.kind in kinds
            ]
            body = calendar_feed(meetings, tz=services.settings.tz, now=services.clock())
        feed = _Feed(f'"{hashlib.sha256(body).hexdigest()[:32]}"', body)
        with self._lock:
            if version == self._version:
                self._feeds[kinds] = feed
        return feed


def _tags(header: str) -> set[str]:
    """The entity tags of an ``If-None-Match`` header (weak ones compare equal, RFC 9110)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def serve_http(
    application: WSGIApp, host: str, port: int, limits: HttpLimits | None = None
) -> None:
    """Serve with waitress, sized so that idle or slow clients cannot hold it."""
    from waitress.server import create_server

    limits = limits or HttpLimits()
    server = create_server(
        application,
        host=host,
        port=port,
        ident="tsagbot",
        threads=limits.threads,
        connection_limit=limits.connection_limit,
        channel_timeout=limits.channel_timeout,
        cleanup_interval=max(1, limits.channel_timeout // 3),
        # waitress refuses a body whose length reaches this (413), before reading it.
        max_request_body_size=limits.max_body + 1,
        max_request_header_size=64 * 1024,
    )
    log.info("tsagbot listening on http://%s:%d%s", host, port, EVENTS_PATH)
    server.run()
