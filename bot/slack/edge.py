"""The HTTP edge in front of Bolt: size, signature and shape are checked on raw bytes first.

Bolt reads and decodes the whole body, parses it, and only then checks Slack's
signature (logging the body of a badly signed request at INFO). Here, in order:

1. a body over :data:`MAX_BODY` is refused with 413 without being read (its
   ``Content-Length`` says so; a body without one is read with a cap);
2. the ``v0`` signature (HMAC-SHA256 of ``v0:<timestamp>:<body>`` with the
   signing secret, the timestamp within five minutes) is checked on the raw
   bytes: 401 otherwise, before anything is decoded;
3. the signed body must be what Slack sends (UTF-8; a JSON object, or a form
   with a command or a JSON object ``payload``): 400 otherwise;
4. only then is it handed to Bolt, which checks the signature again.

A refusal is one log line, never the body, and at most one line per reason a
minute (the others are counted in the next line and in ``/metrics``), so an
unauthenticated client can make the server neither allocate, nor log much.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from bot.slack import metrics

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

MAX_BODY = 1024 * 1024
"""Slack's own payloads stay far below this; anything larger is not from Slack."""
SIGNATURE_WINDOW = 5 * 60
"""Seconds a signed request stays valid (Slack's recommendation, and Bolt's)."""
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
_DIGITS = re.compile(r"[0-9]{1,12}")
_LABEL = re.compile(r"[a-z0-9_.]{1,48}")


class Refused(Exception):
    """A request the edge answers itself: an HTTP status and a reason safe to log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


_STATUS_LINES = {
    400: "400 Bad Request",
    401: "401 Unauthorized",
    405: "405 Method Not Allowed",
    413: "413 Content Too Large",
}


def read_body(environ: Environ, limit: int = MAX_BODY) -> bytes:
    """The body, at most ``limit`` bytes, or :class:`Refused` (413) without reading a larger one."""
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    stream = environ.get("wsgi.input")
    if declared:
        if not _DIGITS.fullmatch(declared):
            raise Refused(400, "bad Content-Length")
        length = int(declared)
        if length > limit:
            raise Refused(413, f"body of {length} bytes (the limit is {limit})")
        body = stream.read(length) if stream is not None and length else b""
    elif stream is not None and (
        environ.get("wsgi.input_terminated")
        or "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
    ):
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise Refused(413, f"body without a length over {limit} bytes")
    else:
        body = b""
    return bytes(body)


def signature_valid(secret: bytes, timestamp: str, signature: str, body: bytes, now: float) -> bool:
    """Slack's ``v0`` request signature, checked on the raw bytes in constant time."""
    if not _DIGITS.fullmatch(timestamp) or abs(now - int(timestamp)) > SIGNATURE_WINDOW:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("latin-1", "replace"))


def payload_type(content_type: str, body: bytes) -> str:
    """What a signed body is (an event type, ``slash_command``, ``block_actions``...).

    Raises :class:`Refused` (400) for anything Bolt could not read: another content
    type, bytes that are not UTF-8, JSON that is not an object, a form without a
    command or a JSON object ``payload``. Mirrors how Bolt reads a body
    (``slack_bolt.request.internals.parse_body``).
    """
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in (FORM, JSON):
        raise Refused(400, "unsupported content type")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    if media == JSON or text.startswith("{"):
        data = _json_object(text)
        if data.get("type") == "event_callback":
            event = data.get("event")
            if not isinstance(event, dict):
                raise Refused(400, "event_callback without an event object")
            return _label(event.get("type"))
        return _label(data.get("type"))
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        return _label(_json_object(fields["payload"]).get("type"))
    if "command" in fields:
        return "slash_command"
    raise Refused(400, "form without a command or a payload")


def _json_object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(400, "body is not JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "JSON body is not an object")
    return data


def _label(value: object) -> str:
    """A metric label from Slack's data, bounded so that labels cannot grow without end."""
    return value if isinstance(value, str) and _LABEL.fullmatch(value) else "other"


class ThrottledLog:
    """At most one line per reason per ``every`` seconds; the lines left out are counted."""

    def __init__(
        self, logger: logging.Logger, every: float = 60.0, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._logger = logger
        self._every = every
        self._now = now
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}

    def warning(self, key: str, message: str, *args: object) -> None:
        """Log unless ``key`` was logged less than ``every`` seconds ago (keys: a fixed few)."""
        with self._lock:
            now = self._now()
            last = self._last.get(key)
            if last is not None and now - last < self._every:
                self._skipped[key] = self._skipped.get(key, 0) + 1
                return
            self._last[key] = now
            skipped = self._skipped.pop(key, 0)
        if skipped:
            message += " (and %d more like it since the last such line)"
            args = (*args, skipped)
        self._logger.warning(message, *args)


@dataclass
class SlackEdge:
    """WSGI middleware that lets only well-formed, signed requests through to ``bolt``."""

    bolt: WSGIApp
    signing_secret: str
    wall_clock: Callable[[], float] = time.time
    """The clock signatures are checked against: the real one, as Bolt's own check uses."""
    refusals: ThrottledLog = field(default_factory=lambda: ThrottledLog(log))

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        try:
            body = self._admit(environ)
        except Refused as refusal:
            self.refusals.warning(
                str(refusal.status),
                "refused %s %s from %s: %d %s",
                environ.get("REQUEST_METHOD", "?"),
                environ.get("PATH_INFO", ""),
                environ.get("REMOTE_ADDR", "?"),
                refusal.status,
                refusal.reason,
            )
            return respond(start_response, _STATUS_LINES[refusal.status], refusal.reason)
        inner = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        try:
            return list(self.bolt(inner, start_response))
        except Exception as error:
            # Bolt failed to read a body Slack signed: nothing a retry would change.
            self.refusals.warning(
                f"bolt:{type(error).__name__}",
                "Slack request could not be handled: %s",
                type(error).__name__,
            )
            log.debug("Bolt failed on a signed request", exc_info=True)
            return respond(start_response, _STATUS_LINES[400], "request could not be read")

    def _admit(self, environ: Environ) -> bytes:
        if environ.get("REQUEST_METHOD") != "POST":
            raise Refused(405, "Slack's endpoint takes POST only")
        body = read_body(environ)
        valid = signature_valid(
            self.signing_secret.encode("utf-8"),
            str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")),
            str(environ.get("HTTP_X_SLACK_SIGNATURE", "")),
            body,
            self.wall_clock(),
        )
        if not valid:
            metrics.SIGNATURE_FAILURES.inc()
            raise Refused(401, "missing, wrong or expired Slack signature")
        kind = payload_type(str(environ.get("CONTENT_TYPE", "")), body)
        metrics.EVENTS_RECEIVED.labels(type=kind).inc()
        if environ.get("HTTP_X_SLACK_RETRY_NUM"):
            metrics.SLACK_RETRIES.inc()
        return body


def respond(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = (text + "\n").encode("utf-8")
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


class _NoBodies(logging.Filter):
    """Drops Bolt's INFO line that carries the whole body of a badly signed request."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Invalid request signature detected")


def quiet_bolt() -> None:
    """Keep request bodies out of the log even if a badly signed one reached Bolt.

    Bolt copies the root logger's level into ``slack_bolt.RequestVerification`` when
    an ``App`` is built, so the level alone is not enough: a filter stays put.
    """
    logger = logging.getLogger("slack_bolt.RequestVerification")
    logger.setLevel(logging.WARNING)
    if not any(isinstance(existing, _NoBodies) for existing in logger.filters):
        logger.addFilter(_NoBodies())
