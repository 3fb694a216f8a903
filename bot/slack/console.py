"""The local console: Slack requests made here, run through the real Bolt app.

``tsagbot ask "/action 50-18"`` and ``tsagbot console`` build the same app that
``tsagbot serve`` runs, sign a request exactly as Slack would, dispatch it, and
print the reply.  Web API calls the listeners make (posting a message, adding a
reaction) are answered and recorded here instead of going to Slack.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode

from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.render import blocks_to_text
from bot.slack.app import create_app
from bot.slack.services import Services

CONSOLE_TEAM = "T0CONSOLE"
CONSOLE_USER = "U0CONSOLE"
CONSOLE_CHANNEL = "C0CONSOLE"
CONSOLE_BOT_USER = "U0TSAGBOT"
UPLOAD_PATH = "/upload/"
FILE_METHODS = frozenset(
    {
        "conversations.open",
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    }
)
BOT_HANDLE = re.compile(r"(?<![\w<@])@tsagbot\b", re.IGNORECASE)


@dataclass
class RecordedCall:
    method: str
    args: dict[str, Any]


def _decode_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """Web API arguments from a form or JSON body; JSON-string fields decoded."""
    if not raw.strip():
        return {}
    if "json" in content_type:
        data = json.loads(raw)
        return data if isinstance(data, dict) else {}
    args: dict[str, Any] = dict(parse_qsl(raw.decode(), keep_blank_values=True))
    for key in ("blocks", "attachments"):
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


class LocalWebApi:
    """The Slack Web API as the console needs it: on loopback, answering and recording.

    Bolt makes a fresh Web API client for every request from the app's base URL,
    so calls are captured where they arrive, over HTTP, exactly as Slack would
    receive them.  Replies posted to a ``response_url`` land here too.
    """

    def __init__(self, timezone: str = "") -> None:
        self.timezone = timezone
        """Every user's ``tz``, as their Slack profile would have it."""
        self.calls: list[RecordedCall] = []
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                path = self.path.split("?")[0]
                if path.startswith(UPLOAD_PATH):  # a file's bytes, after getUploadURLExternal
                    args: dict[str, Any] = {"file_id": path.rsplit("/", 1)[-1], "bytes": raw}
                else:
                    args = _decode_body(raw, self.headers.get("Content-Type", ""))
                method = "response_url" if path.startswith("/response") else path.rsplit("/", 1)[-1]
                method = "file_upload" if path.startswith(UPLOAD_PATH) else method
                body = json.dumps(api.record(method, args)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 (quiet)
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{self.root}/api/"
        self.response_url = f"http://127.0.0.1:{self.server.server_address[1]}/response"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def record(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.calls.append(RecordedCall(method, args))
            return self._answer(method, args)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "team_id": CONSOLE_TEAM,
                "user_id": CONSOLE_BOT_USER,
                "bot_id": "B0TSAGBOT",
                "team": "console",
                "url": "https://console.invalid/",
            }
        if method == "users.info":
            user = str(args.get("user", ""))
            profile = {"display_name": "you" if user == CONSOLE_USER else user}
            return {
                "ok": True,
                "user": {"id": user, "name": user, "tz": self.timezone, "profile": profile},
            }
        if method in FILE_METHODS:
            return self._file_answer(method, args)
        if method == "chat.getPermalink":
            ts = str(args.get("message_ts", "")).replace(".", "")
            return {"ok": True, "permalink": f"console://{args.get('channel')}/p{ts}"}
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        return {"ok": True, "channel": args.get("channel", CONSOLE_CHANNEL), "ts": ts}

    def _file_answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """A direct message channel and the three steps of ``files_upload_v2``."""
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "")).lstrip("U")}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"{self.root}{UPLOAD_PATH}{file_id}",
            }
        if method == "file_upload":
            return {"ok": True}
        files = args.get("files")
        listed = json.loads(files) if isinstance(files, str) else files or []
        return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in listed]}


@dataclass
class ConsoleReply:
    """What a request produced: the acknowledgement body and the Web API calls."""

    status: int
    body: dict[str, Any] | str
    calls: list[RecordedCall] = field(default_factory=list)

    def messages(self) -> list[dict[str, Any]]:
        """Every message the user would see, in order: the reply, then posts."""
        found: list[dict[str, Any]] = []
        if isinstance(self.body, dict) and (self.body.get("blocks") or self.body.get("text")):
            found.append(self.body)
        for call in self.calls:
            if call.method.startswith("chat.") and ("blocks" in call.args or "text" in call.args):
                found.append({"method": call.method, **call.args})
            elif call.method == "reactions.add":
                found.append(
                    {"method": call.method, "text": f"(reacted :{call.args.get('name')}:)"}
                )
        return found

    def as_text(self) -> str:
        parts = []
        for message in self.messages():
            blocks = message.get("blocks")
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            parts.append(blocks_to_text(blocks) if blocks else str(message.get("text", "")))
        return "\n\n".join(part for part in parts if part) or "(no reply)"


class Console:
    """Sends Slack-shaped requests, signed, through a Bolt app built for the console."""

    def __init__(self, services: Services, *, user: str = CONSOLE_USER) -> None:
        self.secret = secrets.token_hex(16)
        settings = replace(
            services.settings, slack_bot_token="xoxb-console", slack_signing_secret=self.secret
        )
        self.api = LocalWebApi(services.settings.timezone)
        settings = replace(settings, slack_api_url=self.api.url)
        self.services = replace(services, settings=settings)
        # The console prints a reply once everything the request caused is done, so
        # listeners finish before dispatch returns (Slack gets its ack first instead).
        self.app: App = create_app(
            settings,
            services=self.services,
            token_verification=False,
            process_before_response=True,
        )
        self.user = user
        self.channel = CONSOLE_CHANNEL

    def _dispatch(self, body: str, content_type: str) -> ConsoleReply:
        timestamp = str(int(time.time()))
        base = f"v0:{timestamp}:{body}".encode()
        signature = "v0=" + hmac.new(self.secret.encode(), base, hashlib.sha256).hexdigest()
        headers: dict[str, str | Sequence[str]] = {
            "content-type": content_type,
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signature,
        }
        before = len(self.api.calls)
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        try:
            parsed: dict[str, Any] | str = json.loads(response.body) if response.body else {}
        except json.JSONDecodeError:
            parsed = response.body
        return ConsoleReply(response.status, parsed, self.api.calls[before:])

    def close(self) -> None:
        self.api.close()

    def message(self, text: str, *, channel: str | None = None) -> ConsoleReply:
        """Post a channel message as this user, as Slack's Events API would deliver it.

        ``@tsagbot`` in the text mentions the bot; a message that mentions it comes
        as Slack sends it, twice: a ``message`` event, then an ``app_mention`` event.
        """
        text = BOT_HANDLE.sub(f"<@{CONSOLE_BOT_USER}>", text)
        ts = f"{time.time():.6f}"
        event = {
            "type": "message",
            "channel": channel or self.channel,
            "user": self.user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "channel",
        }
        reply = self._event(event)
        if f"<@{CONSOLE_BOT_USER}>" not in text:
            return reply
        mention = {k: v for k, v in event.items() if k != "channel_type"}
        answer = self._event({**mention, "type": "app_mention"})
        return ConsoleReply(
            max(reply.status, answer.status), reply.body, [*reply.calls, *answer.calls]
        )

    def _event(self, event: dict[str, Any]) -> ConsoleReply:
        ts = str(event["ts"])
        envelope = {
            "token": "console",
            "team_id": CONSOLE_TEAM,
            "api_app_id": "A0CONSOLE",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{secrets.token_hex(6).upper()}",
            "event_time": int(float(ts)),
            "authorizations": [
                {"team_id": CONSOLE_TEAM, "user_id": CONSOLE_BOT_USER, "is_bot": True}
            ],
        }
        return self._dispatch(json.dumps(envelope), "application/json")

    def command(self, command: str, text: str) -> ConsoleReply:
        form = {
            "token": "console",
            "team_id": CONSOLE_TEAM,
            "team_domain": "console",
            "channel_id": self.channel,
            "channel_name": "console",
            "user_id": self.user,
            "user_name": "you",
            "command": command,
            "text": text,
            "api_app_id": "A0CONSOLE",
            "response_url": self.api.response_url,
            "trigger_id": "console.trigger",
        }
        return self._dispatch(urlencode(form), "application/x-www-form-urlencoded")


def split_command(line: str) -> tuple[str, str]:
    """``"/action 50-18"`` → ``("/action", "50-18")``; plain words go to ``/action``."""
    line = line.strip()
    if line.startswith("/"):
        command, _, text = line.partition(" ")
        return command, text.strip()
    return "/action", line
