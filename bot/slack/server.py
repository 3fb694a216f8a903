"""Slack's HTTP mode: a WSGI application served by waitress.

``POST /slack/events`` takes every Slack request (commands, events,
interactivity) and hands it to Bolt, which checks the signature (401 when it is
missing, wrong or older than five minutes).  ``GET /healthz`` answers 200 when
the database answers.  ``GET /calendar.ics`` is the meeting schedule as an
iCalendar feed people subscribe to (``?kind=irm`` keeps one kind).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text

from bot.meetings.ical import calendar_feed
from bot.meetings.model import parse_kind
from bot.meetings.queries import all_meetings
from bot.slack.services import Services
from bot.store.db import Database

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Route = Callable[[dict[str, Any]], tuple[str, list[tuple[str, str]], bytes]]

EVENTS_PATH = "/slack/events"
CALENDAR_PATH = "/calendar.ics"


def database_ready(db: Database) -> bool:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        log.warning("health check: the database does not answer", exc_info=True)
        return False
    return True


def make_wsgi_app(app: App, db: Database, routes: dict[str, Route] | None = None) -> WSGIApp:
    """Slack's endpoint, the health check, and any extra GET routes."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    extra = dict(routes or {})

    def health(_environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        if database_ready(db):
            return "200 OK", [("Content-Type", "text/plain")], b"ok\n"
        return "503 Service Unavailable", [("Content-Type", "text/plain")], b"database\n"

    extra["/healthz"] = health

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        route = extra.get(path)
        if route is not None and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, headers, body = route(environ)
            start_response(status, [*headers, ("Content-Length", str(len(body)))])
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
        return slack(environ, start_response)

    return application


def calendar_route(services: Services) -> Route:
    """``GET /calendar.ics``: the whole schedule, or one kind of meeting with ``?kind=``."""

    def calendar(environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        kinds = [parse_kind(value) for value in query.get("kind", [])]
        if any(kind is None for kind in kinds):
            body = b"unknown kind; use irm, tsag, working_party, rapporteur_group, regional, wtsa\n"
            return "400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")], body
        with services.db.unit_of_work() as session:
            meetings = [
                meeting
                for meeting in all_meetings(session)
                if not kinds or meeting.kind in {str(kind) for kind in kinds}
            ]
            body = calendar_feed(meetings, tz=services.settings.tz, now=services.clock())
        headers = [
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", 'inline; filename="tsagbot.ics"'),
            ("Cache-Control", "max-age=300"),
        ]
        return "200 OK", headers, body

    return calendar


def serve_http(application: WSGIApp, host: str, port: int, threads: int = 8) -> None:
    from waitress import serve

    log.info("tsagbot listening on http://%s:%d%s", host, port, EVENTS_PATH)
    serve(application, host=host, port=port, threads=threads, ident="tsagbot")
