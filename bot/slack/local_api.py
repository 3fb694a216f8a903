"""A local Slack Web API: on loopback, answering every method tsagbot uses, recording each call.

Nothing here talks to slack.com.  :class:`LocalWebApi` serves the Web API (and
``response_url`` webhooks and file-upload URLs) on 127.0.0.1, so that the real
``slack_sdk.WebClient`` the Bolt app makes (``SLACK_API_URL=api.url``) is answered
here.  The console (``tsagbot ask``/``console``/``say``) prints what it recorded; the
tests and the benchmarks script it (:meth:`~LocalWebApi.fail_next`,
:meth:`~LocalWebApi.respond`) and read it (:meth:`~LocalWebApi.calls_to`,
:meth:`~LocalWebApi.wait_for`).

Typical use::

    with LocalWebApi() as slack:
        client = WebClient(base_url=slack.url, token="xoxb-test")
        client.chat_postMessage(channel="C1", text="hi")
        (call,) = slack.wait_for("chat.postMessage")
        assert call.params["text"] == "hi"
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Call", "LocalWebApi", "Payload"]

#: Fields that Slack API clients may send as JSON *strings* (always, in form bodies);
#: the recorded copy of a call holds them decoded.
JSON_STRING_FIELDS = frozenset(
    {
        "attachments",
        "blocks",
        "files",
        "metadata",
        "outputs",
        "profile",
        "unfurls",
        "user_auth_blocks",
        "view",
    }
)

_BASE_TS = 1_700_000_000


def _ts(n: int) -> str:
    """The n-th message timestamp: ``1700000000.000100``, ``1700000000.000200``, ..."""
    micros = n * 100
    return f"{_BASE_TS + micros // 1_000_000}.{micros % 1_000_000:06d}"


Payload = Mapping[str, Any] | Callable[[dict[str, Any]], Mapping[str, Any] | None]
"""What :meth:`LocalWebApi.respond` accepts: a fixed answer, or one computed from the params
(returning ``None`` falls back to the built-in answer)."""


@dataclass(frozen=True)
class Call:
    """One request the local Web API received.

    ``params`` merges the query string and the body (form fields, JSON object, or
    multipart fields), with :data:`JSON_STRING_FIELDS` decoded; for ``response_url``
    calls it is the JSON body. ``headers`` has lower-case names. ``at`` is
    ``time.time()`` on arrival; ``status`` is the HTTP status it answered,
    ``body`` the raw request body and ``path`` the request path (``/response/r1``).
    """

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int = 200
    body: bytes = b""
    path: str = ""

    @property
    def token(self) -> str | None:
        """The token the caller used: the ``Authorization: Bearer`` header, else ``token``."""
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        token = self.params.get("token")
        return token if isinstance(token, str) else None


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    error: str
    times: int


@dataclass
class _Answer:
    status: int = 200
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json; charset=utf-8"
    dropped: bool = False
    """Close the connection without answering (the call itself took effect)."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: LocalWebApi


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self.server.api._serve(self)

    def do_GET(self) -> None:
        self.server.api._serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the console's and the tests' output quiet."""


class LocalWebApi:
    """A local Slack Web API on 127.0.0.1, run in a background thread.

    Use as a context manager (or :meth:`start` / :meth:`stop`). Endpoints:

    * ``POST {url}<method>`` (``url`` is ``http://127.0.0.1:PORT/api/``): the Web API,
      answered with realistic success payloads; unknown methods answer ``{"ok": true}``.
      Calls without a token answer ``not_authed`` unless ``require_token=False``.
    * ``POST /response/<name>`` (see :meth:`response_url`): recorded as method
      ``"response_url"`` with the JSON body as params; answers ``ok`` like Slack.
    * ``POST /upload/<file_id>`` (issued by ``files.getUploadURLExternal``): recorded
      as method ``"file_upload"``.

    Script it with :meth:`fail_next` and :meth:`respond`; describe people and channels
    with :attr:`users` and :attr:`channels`, e.g.
    ``slack.users["U1"] = {"display_name": "alice", "tz": "Asia/Tokyo"}``.
    """

    def __init__(
        self,
        *,
        team_id: str = "T1",
        team: str = "Example",
        team_domain: str = "example",
        bot_user_id: str = "UBOT",
        bot_id: str = "B1",
        app_id: str = "A1",
        default_tz: str = "Europe/Zurich",
        require_token: bool = True,
    ) -> None:
        self.team_id = team_id
        self.team = team
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.default_tz = default_tz
        self.require_token = require_token
        self.users: dict[str, dict[str, Any]] = {}
        """Profiles by user id. Keys: ``name``, ``real_name``, ``display_name``, ``tz``,
        ``tz_offset``, ``tz_label``, ``email``, ``is_bot``, ``deleted``, ``profile``
        (merged into the profile); anything else lands on the user object as is.
        Unknown ids get a made-up user in ``default_tz``."""
        self.channels: dict[str, dict[str, Any]] = {}
        """Channels by id for ``conversations.info``; keys are merged into the channel
        object (``name``, ``is_private``, ``is_member``, ...). A private channel tsagbot
        is not a member of answers ``channel_not_found``, as Slack does."""
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._lost: dict[str, int] = {}
        self._overrides: dict[str, Payload] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        """The messages posted (``chat.postMessage``), by channel, oldest first, as
        ``conversations.history`` and ``conversations.replies`` answer them."""
        self._counter = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> LocalWebApi:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.api = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> LocalWebApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port served on."""
        if self._server is None:
            raise RuntimeError("LocalWebApi is not running (use it as a context manager)")
        return int(self._server.server_address[1])

    @property
    def root(self) -> str:
        """``http://127.0.0.1:PORT/``."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def url(self) -> str:
        """The Web API base URL, ending in ``/``: give it as ``SLACK_API_URL``/``base_url``."""
        return f"{self.root}api/"

    def response_url(self, name: str = "r1") -> str:
        """A ``response_url`` served here; posts to it are recorded as ``"response_url"``."""
        return f"{self.root}response/{name}"

    # -- inspection ------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A snapshot of every call so far, in arrival order."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """The calls to one method (e.g. ``"chat.postMessage"``), in arrival order."""
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def last(self, method: str) -> Call:
        """The latest call to ``method``; AssertionError if there was none."""
        calls = self.calls_to(method)
        if not calls:
            raise AssertionError(f"no call to {method}; calls so far: {self._summary()}")
        return calls[-1]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` calls to ``method`` arrived (failed ones included).

        Returns those calls; raises AssertionError listing every call so far on timeout.
        """
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                matching = [call for call in self._calls if call.method == method]
                if len(matching) >= count:
                    return matching
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"waited {timeout}s for {count} call(s) to {method}, got "
                        f"{len(matching)}; calls so far: {self._summary_locked()}"
                    )
                self._arrived.wait(remaining)

    def clear(self) -> None:
        """Forget the recorded calls (scripted failures and answers stay)."""
        with self._lock:
            self._calls.clear()

    def _summary(self) -> str:
        with self._lock:
            return self._summary_locked()

    def _summary_locked(self) -> str:
        if not self._calls:
            return "(none)"
        return "; ".join(
            f"{call.method}[{call.status}] {_short(call.params)}" for call in self._calls
        )

    # -- scripting -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        429 answers ``Retry-After: <retry_after>`` (an integer: slack_sdk parses it with
        ``int()``; ``None`` omits it) and ``{"ok": false, "error": "ratelimited"}``; other
        statuses answer ``{"ok": false, "error": error}`` (default ``internal_error`` for
        5xx, ``fatal_error`` otherwise). ``status=200`` with ``error="channel_not_found"``
        is a plain Slack API error.
        """
        if error is None:
            error = {429: "ratelimited"}.get(status) or (
                "internal_error" if status >= 500 else "fatal_error"
            )
        failure = _Failure(status, retry_after if status == 429 else None, error, times)
        with self._lock:
            self._failures.setdefault(method, []).append(failure)

    def lose_next_answer(self, method: str, times: int = 1) -> None:
        """Carry out the next ``times`` calls to ``method``, then close the connection
        without answering: the caller cannot tell whether the call took effect."""
        with self._lock:
            self._lost[method] = self._lost.get(method, 0) + times

    def respond(self, method: str, payload: Payload) -> None:
        """Answer ``method`` with ``payload`` from now on instead of the built-in answer.

        ``payload`` is a mapping or a callable taking the call's params; a callable may
        return ``None`` to use the built-in answer. ``"ok": true`` is added when absent.
        """
        with self._lock:
            self._overrides[method] = payload

    # -- serving ---------------------------------------------------------------------

    def _serve(self, handler: _Handler) -> None:
        try:
            length = int(handler.headers.get("Content-Length") or 0)
            raw = handler.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in handler.headers.items()}
            answer = self._dispatch(handler.path, headers, raw)
        except Exception as error:  # pragma: no cover - a bug in this module
            answer = _Answer(500, {"ok": False, "error": f"local_web_api_bug: {error!r}"})
        if answer.dropped:
            handler.close_connection = True
            return
        data = answer.raw if answer.raw is not None else json.dumps(answer.payload).encode()
        try:
            handler.send_response(answer.status)
            handler.send_header("Content-Type", answer.content_type)
            handler.send_header("Content-Length", str(len(data)))
            for name, value in answer.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True  # the client stopped waiting, as it may of Slack

    def _dispatch(self, target: str, headers: dict[str, str], raw: bytes) -> _Answer:
        split = urlsplit(target)
        parts = split.path.strip("/").split("/", 1)
        if len(parts) != 2 or parts[0] not in ("api", "response", "upload") or not parts[1]:
            return _Answer(404, raw=b"not found", content_type="text/plain")
        kind, rest = parts
        params: dict[str, Any] = dict(parse_qsl(split.query, keep_blank_values=True))
        bad_json = False
        if kind == "upload":
            method = "file_upload"
            params.update(file_id=rest, size=len(raw))
        else:
            try:
                params.update(_parse_body(headers.get("content-type", ""), raw))
            except ValueError:
                bad_json = True
            method = "response_url" if kind == "response" else rest
        call_status, answer = self._answer(method, params, headers, bad_json)
        with self._lock:
            if self._lost.get(method):
                self._lost[method] -= 1
                answer = _Answer(dropped=True)
        call = Call(method, params, headers, time.time(), call_status, raw, split.path)
        with self._arrived:
            self._calls.append(call)
            self._arrived.notify_all()
        return answer

    def _answer(
        self, method: str, params: dict[str, Any], headers: dict[str, str], bad_json: bool
    ) -> tuple[int, _Answer]:
        with self._lock:
            queue = self._failures.get(method)
            failure = queue[0] if queue else None
            if queue and failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)
            override = self._overrides.get(method)
        if failure is not None:
            extra = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
            body = {"ok": False, "error": failure.error}
            return failure.status, _Answer(failure.status, body, extra)
        if method == "response_url":
            return 200, _Answer(raw=b"ok", content_type="text/html")
        if method == "file_upload":
            size = params["size"]
            return 200, _Answer(raw=f"OK - {size}".encode(), content_type="text/plain")
        if bad_json:
            return 200, _Answer(payload={"ok": False, "error": "invalid_json"})
        if self.require_token and not Call(method, params, headers, 0.0).token:
            return 200, _Answer(payload={"ok": False, "error": "not_authed"})
        payload: Mapping[str, Any] | None = None
        if override is not None:
            payload = override(params) if callable(override) else override
        if payload is None:
            builder = _DEFAULTS.get(method)
            payload = builder(self, params) if builder else {"ok": True}
        result = dict(payload)
        result.setdefault("ok", True)
        if (
            method == "chat.postMessage"
            and result["ok"]
            and isinstance(result.get("message"), dict)
        ):
            self._keep(
                str(result.get("channel") or params.get("channel")), result["message"], params
            )
        return 200, _Answer(payload=result)

    def _keep(self, channel: str, message: dict[str, Any], params: dict[str, Any]) -> None:
        """Keep a posted message for ``conversations.history``/``replies``, with its metadata
        (which Slack keeps whatever the answer to the post showed)."""
        kept = dict(message)
        if "metadata" in params:
            kept["metadata"] = params["metadata"]
        with self._lock:
            self.messages.setdefault(channel, []).append(kept)

    # -- built-in answers ------------------------------------------------------------

    def _next_ts(self) -> str:
        with self._lock:
            return _ts(next(self._counter))

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}{next(self._counter):08d}"

    def _message(self, params: Mapping[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "user": self.bot_user_id,
            "type": "message",
            "ts": ts,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": params.get("text", ""),
            "team": self.team_id,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if key in params:
                message[key] = params[key]
        return message

    def _auth_test(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team,
            "user": "tsagbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "bot_user_id": self.bot_user_id,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not any(params.get(key) for key in ("text", "blocks", "attachments")):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        return {"ok": True, "channel": channel, "ts": ts, "message": self._message(params, ts)}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        """The channel's messages, newest first, from ``oldest`` on (top level only)."""
        return self._listing(params, lambda message: not message.get("thread_ts"))

    def _replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """A thread: its parent (when the bot posted it) and its replies, oldest first."""
        thread = str(params.get("ts", ""))
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        found = self._listing(
            params, lambda message: thread in (message["ts"], message.get("thread_ts"))
        )
        found["messages"].reverse()
        return found

    def _listing(
        self, params: dict[str, Any], keep: Callable[[dict[str, Any]], bool]
    ) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        oldest = float(params.get("oldest") or 0)
        limit = int(params.get("limit") or 100)
        with self._lock:
            posted = list(self.messages.get(channel, []))
        found = [m for m in reversed(posted) if keep(m) and float(m["ts"]) >= oldest]
        return {"ok": True, "messages": found[:limit], "has_more": len(found) > limit}

    def _post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        ts = str(params["ts"])
        return {
            "ok": True,
            "channel": params["channel"],
            "ts": ts,
            "text": params.get("text", ""),
            "message": self._message(params, ts),
        }

    def _delete(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": params["channel"], "ts": params.get("ts", "")}

    def _permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        ts = str(params.get("message_ts", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        permalink = (
            f"https://{self.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        )
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _schedule(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "channel": params.get("channel", ""),
            "scheduled_message_id": self._next_id("Q"),
            "post_at": params.get("post_at"),
            "message": self._message(params, ""),
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user", ""))
        if not user_id:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": self.user_object(user_id)}

    def user_object(self, user_id: str) -> dict[str, Any]:
        """The ``user`` object ``users.info`` answers for ``user_id`` (see :attr:`users`)."""
        spec = dict(self.users.get(user_id, {}))
        is_bot = bool(spec.pop("is_bot", user_id == self.bot_user_id))
        name = str(spec.pop("name", "tsagbot" if is_bot else f"user-{user_id.lower()}"))
        real_name = str(spec.pop("real_name", name.replace("-", " ").title()))
        display_name = str(spec.pop("display_name", name))
        tz = str(spec.pop("tz", self.default_tz))
        offset, label = _tz_facts(tz)
        tz_offset = int(spec.pop("tz_offset", offset))
        tz_label = str(spec.pop("tz_label", label))
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": display_name,
            "display_name_normalized": display_name,
            "first_name": real_name.split(" ")[0],
            "last_name": " ".join(real_name.split(" ")[1:]),
            "title": "",
            "status_text": "",
            "status_emoji": "",
            "image_48": f"https://example.invalid/{user_id}_48.png",
            "team": self.team_id,
        }
        if "email" in spec:
            profile["email"] = spec.pop("email")
        profile.update(spec.pop("profile", {}))
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": bool(spec.pop("deleted", False)),
            "color": "9f69e7",
            "real_name": real_name,
            "tz": tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": _BASE_TS,
        }
        user.update(spec)
        return user

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(params.get("channel", ""))
        if not channel_id:
            return {"ok": False, "error": "channel_not_found"}
        is_im = channel_id.startswith("D")
        channel: dict[str, Any] = {
            "id": channel_id,
            "name": f"channel-{channel_id.lower()}",
            "is_channel": channel_id.startswith("C"),
            "is_group": channel_id.startswith("G"),
            "is_im": is_im,
            "is_mpim": False,
            "is_private": channel_id.startswith(("G", "D")),
            "is_archived": False,
            "is_general": False,
            "is_member": True,
            "created": _BASE_TS - 86_400,
            "creator": "U0",
            "context_team_id": self.team_id,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        if is_im:
            del channel["name"]
            channel["user"] = "U" + channel_id[1:]
        channel.update(self.channels.get(channel_id, {}))
        if channel["is_private"] and not channel["is_member"]:
            return {"ok": False, "error": "channel_not_found"}  # Slack hides it from tsagbot
        return {"ok": True, "channel": channel}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users", "")).split(",")
        channel_id = params.get("channel") or ("D" + users[0][1:] if users[0] else "")
        if not channel_id:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": channel_id}}

    def _view(self, params: dict[str, Any], default_type: str) -> dict[str, Any]:
        view = params.get("view")
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        answer = {
            "id": params.get("view_id") or self._next_id("V"),
            "team_id": self.team_id,
            "type": default_type,
            "state": {"values": {}},
            "hash": f"{_BASE_TS}.{uuid.uuid4().hex[:8]}",
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "private_metadata": "",
            "callback_id": "",
            "external_id": params.get("external_id", ""),
        }
        answer.update(view)
        return {"ok": True, "view": answer}

    def _upload_url(self, _params: dict[str, Any]) -> dict[str, Any]:
        file_id = self._next_id("F")
        return {"ok": True, "upload_url": f"{self.root}upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        if not isinstance(files, list):
            return {"ok": False, "error": "invalid_arguments"}
        return {
            "ok": True,
            "files": [{"id": f.get("id"), "title": f.get("title", "")} for f in files],
        }

    def _connections_open(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket=fake"}


_DEFAULTS: dict[str, Callable[[LocalWebApi, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": LocalWebApi._auth_test,
    "chat.postMessage": LocalWebApi._post_message,
    "chat.postEphemeral": LocalWebApi._post_ephemeral,
    "chat.update": LocalWebApi._update,
    "chat.delete": LocalWebApi._delete,
    "chat.getPermalink": LocalWebApi._permalink,
    "conversations.history": LocalWebApi._history,
    "conversations.replies": LocalWebApi._replies,
    "chat.scheduleMessage": LocalWebApi._schedule,
    "users.info": LocalWebApi._users_info,
    "conversations.info": LocalWebApi._conversations_info,
    "conversations.open": LocalWebApi._conversations_open,
    "views.open": lambda api, params: api._view(params, "modal"),
    "views.push": lambda api, params: api._view(params, "modal"),
    "views.update": lambda api, params: api._view(params, "modal"),
    "views.publish": lambda api, params: api._view(params, "home"),
    "files.getUploadURLExternal": LocalWebApi._upload_url,
    "files.completeUploadExternal": LocalWebApi._complete_upload,
    "apps.connections.open": LocalWebApi._connections_open,
}


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """Decode a request body; ValueError when it claims JSON but is not a JSON object."""
    mime = content_type.split(";")[0].strip().lower()
    params: dict[str, Any]
    if not raw.strip():
        # slack_sdk sends an empty body labelled application/json for param-less calls.
        return {}
    if mime == "application/json":
        decoded = json.loads(raw)
        if not isinstance(decoded, dict):
            raise ValueError("JSON body is not an object")
        params = decoded
    elif mime == "multipart/form-data":
        params = _parse_multipart(content_type, raw)
    else:
        params = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    for key in JSON_STRING_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


def _parse_multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is None:
            params[name] = content.decode("utf-8")
        else:
            params[name] = content
    return params


def _tz_facts(tz: str) -> tuple[int, str]:
    """The UTC offset in seconds now and a label for ``tz`` (0 and ``tz`` when unknown)."""
    try:
        now = datetime.now(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return 0, tz
    offset = now.utcoffset()
    return (int(offset.total_seconds()) if offset else 0), (now.tzname() or tz)


def _short(params: Mapping[str, Any]) -> str:
    text = json.dumps(params, default=repr, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "..."
