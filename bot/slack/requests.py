"""Requests as Slack sends them: signed, and their bodies byte for byte in Slack's shape.

The console (``tsagbot ask``/``console``/``say``) builds its requests here and so do
the tests and the benchmarks.  :func:`sign` signs a body the way Slack does
(https://api.slack.com/authentication/verifying-requests-from-slack); the builders
produce slash commands, Events API envelopes, ``message``/``app_mention`` events and
interactivity payloads; :func:`post_signed` sends one over HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

__all__ = [
    "FORM",
    "JSON",
    "app_mention_event",
    "block_action_payload",
    "event_body",
    "interaction_body",
    "message_event",
    "post_signed",
    "sign",
    "slash_command_body",
    "url_verification_body",
]

FORM = "application/x-www-form-urlencoded"
"""Content type of slash commands and interactivity payloads."""
JSON = "application/json"
"""Content type of Events API requests."""

#: Where a request built without a ``response_url`` points: loopback, port 9 (discard),
#: so a stray reply fails fast instead of leaving the machine.
UNSET_RESPONSE_URL = "http://127.0.0.1:9/response/unset"

_BASE_TS = 1_700_000_000
_builder_ts = itertools.count(10_001)


def _next_builder_ts() -> str:
    """A fresh message timestamp, far from :class:`~bot.slack.local_api.LocalWebApi`'s own."""
    micros = next(_builder_ts) * 100
    return f"{_BASE_TS + micros // 1_000_000}.{micros % 1_000_000:06d}"


def sign(
    secret: str,
    body: bytes,
    timestamp: int | None = None,
    content_type: str | None = None,
) -> dict[str, str]:
    """Headers signing ``body`` as Slack does: ``v0=`` HMAC-SHA256 of ``v0:{ts}:{body}``.

    ``timestamp`` defaults to now (pass an old one to test replay rejection).
    ``Content-Type`` is ``content_type``, else guessed: :data:`JSON` for a body starting
    with ``{``, :data:`FORM` otherwise.
    """
    ts = int(time.time()) if timestamp is None else int(timestamp)
    base = b"v0:" + str(ts).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if content_type is None:
        content_type = JSON if body.lstrip()[:1] == b"{" else FORM
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }


def post_signed(
    base_url: str,
    body: bytes,
    content_type: str,
    secret: str,
    timestamp: int | None = None,
    extra_headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], bytes]:
    """POST ``body`` signed with ``secret`` to the full URL ``base_url``.

    Returns ``(status, headers, body)`` for every HTTP answer, 4xx/5xx included.
    ``extra_headers`` are sent too (and win), e.g. ``{"X-Slack-Retry-Num": "1"}``.
    """
    headers = sign(secret, body, timestamp, content_type)
    headers.update(extra_headers or {})
    request = urllib.request.Request(base_url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()


# -- request bodies as Slack sends them ------------------------------------------------------


def slash_command_body(
    command: str = "/action",
    text: str = "50-18",
    user_id: str = "U1",
    user_name: str = "alice",
    channel_id: str = "C1",
    team_id: str = "T1",
    response_url: str = UNSET_RESPONSE_URL,
    trigger_id: str | None = None,
    *,
    channel_name: str | None = None,
    team_domain: str = "example",
    api_app_id: str = "A1",
    token: str = "verification-token",
) -> bytes:
    """A slash command request body (form-encoded, fields in Slack's order).

    Pass ``response_url=slack.response_url()`` to capture replies; the default points
    at a closed loopback port.
    """
    if channel_name is None:
        channel_name = "directmessage" if channel_id.startswith("D") else "general"
    fields = {
        "token": token,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or _trigger_id(),
    }
    return urlencode(fields).encode()


def event_body(
    event: Mapping[str, Any],
    event_id: str | None = None,
    team_id: str = "T1",
    api_app_id: str = "A1",
    event_time: int | None = None,
    *,
    bot_user_id: str = "UBOT",
    token: str = "verification-token",
) -> bytes:
    """An Events API ``event_callback`` envelope (JSON) around ``event``.

    ``event_id`` defaults to a fresh ``Ev...`` id; ``authorizations`` names the bot user.
    """
    envelope = {
        "token": token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{uuid.uuid4().hex}",
    }
    return json.dumps(envelope).encode()


def message_event(
    text: str,
    user: str = "U1",
    channel: str = "C1",
    ts: str | None = None,
    thread_ts: str | None = None,
    subtype: str | None = None,
    *,
    team_id: str = "T1",
    **extra: Any,
) -> dict[str, Any]:
    """A ``message`` event; ``ts`` defaults to a fresh timestamp, ``extra`` keys are added."""
    ts = ts or _next_builder_ts()
    event: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "team": team_id,
        "channel": channel,
        "event_ts": ts,
        "channel_type": _channel_type(channel),
    }
    if subtype is None:
        event["client_msg_id"] = str(uuid.uuid4())
    else:
        event["subtype"] = subtype
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


def app_mention_event(
    text: str,
    user: str = "U1",
    channel: str = "C1",
    ts: str | None = None,
    thread_ts: str | None = None,
    bot_user_id: str = "UBOT",
    *,
    team_id: str = "T1",
    **extra: Any,
) -> dict[str, Any]:
    """An ``app_mention`` event; ``<@bot_user_id>`` is prefixed unless ``text`` has it."""
    ts = ts or _next_builder_ts()
    mention = f"<@{bot_user_id}>"
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": text if mention in text else f"{mention} {text}",
        "ts": ts,
        "team": team_id,
        "channel": channel,
        "event_ts": ts,
        "client_msg_id": str(uuid.uuid4()),
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


def interaction_body(payload: Mapping[str, Any]) -> bytes:
    """An interactivity request body: form field ``payload`` holding the JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def block_action_payload(
    action_id: str,
    value: str,
    user_id: str = "U1",
    channel_id: str = "C1",
    message_ts: str | None = None,
    response_url: str = UNSET_RESPONSE_URL,
    *,
    block_id: str = "actions",
    action_type: str = "button",
    user_name: str = "alice",
    team_id: str = "T1",
    api_app_id: str = "A1",
    bot_user_id: str = "UBOT",
    trigger_id: str | None = None,
    message: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload for a click on a button (or a ``static_select`` pick).

    ``message`` is the message the element sits in (a minimal bot message by default).
    """
    message_ts = message_ts or _next_builder_ts()
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": action_type,
        "action_ts": f"{int(time.time())}.000000",
    }
    if action_type == "static_select":
        option = {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}
        action["selected_option"] = option
    else:
        action["text"] = {"type": "plain_text", "text": value, "emoji": True}
        action["value"] = value
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": "verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id or _trigger_id(),
        "team": {"id": team_id, "domain": "example"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "general"},
        "message": dict(message)
        if message is not None
        else {
            "type": "message",
            "user": bot_user_id,
            "ts": message_ts,
            "bot_id": "B1",
            "app_id": api_app_id,
            "text": "",
            "team": team_id,
            "blocks": [],
        },
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }


def url_verification_body(challenge: str, token: str = "verification-token") -> bytes:
    """The Events API handshake Slack sends when the request URL is set (JSON)."""
    return json.dumps({"token": token, "challenge": challenge, "type": "url_verification"}).encode()


def _trigger_id() -> str:
    return f"{int(time.time())}.1.{uuid.uuid4().hex}"


def _channel_type(channel: str) -> str:
    return {"D": "im", "G": "group"}.get(channel[:1], "channel")
