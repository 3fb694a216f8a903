"""The local console: Slack requests made here, run through the real Bolt app.

``tsagbot ask "/action 50-18"`` and ``tsagbot console`` build the same app that
``tsagbot serve`` runs, sign a request exactly as Slack would, dispatch it, and
print the reply.  Web API calls the listeners make (posting a message, adding a
reaction) are answered and recorded here instead of going to Slack.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.render import blocks_to_text, mrkdwn_to_text
from bot.slack.app import create_app
from bot.slack.inbox import InboxWorker
from bot.slack.listeners import SLASH_COMMANDS
from bot.slack.local_api import Call, LocalWebApi
from bot.slack.poster import posting_client, slack_poster
from bot.slack.requests import (
    FORM,
    JSON,
    app_mention_event,
    event_body,
    message_event,
    sign,
    slash_command_body,
)
from bot.slack.services import Services

CONSOLE_TEAM = "T0CONSOLE"
CONSOLE_USER = "U0CONSOLE"
CONSOLE_CHANNEL = "C0CONSOLE"
CONSOLE_BOT_USER = "U0TSAGBOT"
CONSOLE_APP = "A0CONSOLE"
HOME = "/home"
"""Not a Slack command: the console's way to show the Home tab, as text."""
BOT_HANDLE = re.compile(r"(?<![\w<@])@tsagbot\b", re.IGNORECASE)


@dataclass
class ConsoleReply:
    """What a request produced: the acknowledgement body and the Web API calls."""

    status: int
    body: dict[str, Any] | str
    calls: list[Call] = field(default_factory=list)

    def messages(self) -> list[dict[str, Any]]:
        """Every message the user would see, in order: the reply, then posts."""
        found: list[dict[str, Any]] = []
        if isinstance(self.body, dict) and (self.body.get("blocks") or self.body.get("text")):
            found.append(self.body)
        for call in self.calls:
            if call.method.startswith("chat.") and (
                "blocks" in call.params or "text" in call.params
            ):
                found.append({"method": call.method, **call.params})
            elif call.method == "views.publish" and isinstance(call.params.get("view"), dict):
                found.append({"method": call.method, **call.params["view"]})
            elif call.method == "reactions.add":
                found.append(
                    {"method": call.method, "text": f"(reacted :{call.params.get('name')}:)"}
                )
            elif call.method == "files.getUploadURLExternal":
                name, size = call.params.get("filename"), call.params.get("length")
                text = f"(sent {name}, {size} bytes, in a direct message; here, "
                found.append({"method": call.method, "text": text + "`tsagbot export` writes it)"})
        return found

    def as_text(self) -> str:
        parts = []
        for message in self.messages():
            blocks = message.get("blocks")
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            text = str(message.get("text", ""))
            parts.append(blocks_to_text(blocks) if blocks else mrkdwn_to_text(text))
        return "\n\n".join(part for part in parts if part) or "(no reply)"


class Console:
    """Sends Slack-shaped requests, signed, through a Bolt app built for the console."""

    def __init__(self, services: Services, *, user: str = CONSOLE_USER) -> None:
        self.secret = secrets.token_hex(16)
        self.api = console_web_api(services.settings.timezone)
        settings = replace(
            services.settings,
            slack_bot_token="xoxb-console",
            slack_signing_secret=self.secret,
            slack_api_url=self.api.url,
        )
        self.services = replace(services, settings=settings)
        # The console prints a reply once everything the request caused is done, so
        # listeners finish before dispatch returns (Slack gets its ack first instead),
        # and the events a request stored are handled (and their posts made) at once.
        self.app: App = create_app(
            settings,
            services=self.services,
            token_verification=False,
            process_before_response=True,
            listeners_on_demand=True,
        )
        self.worker = InboxWorker(self.app, self.services, slack_poster(posting_client(settings)))
        self.user = user
        self.channel = CONSOLE_CHANNEL

    def _dispatch(self, body: bytes, content_type: str) -> ConsoleReply:
        signed = sign(self.secret, body, content_type=content_type)
        headers: dict[str, str | Sequence[str]] = {k.lower(): v for k, v in signed.items()}
        before = len(self.api.calls)
        response = self.app.dispatch(BoltRequest(body=body.decode(), headers=headers))
        self.worker.drain()  # the events just stored, and the posts they queued
        try:
            parsed: dict[str, Any] | str = json.loads(response.body) if response.body else {}
        except json.JSONDecodeError:
            parsed = response.body
        return ConsoleReply(response.status, parsed, self.api.calls[before:])

    def close(self) -> None:
        self.api.stop()

    def message(self, text: str, *, channel: str | None = None) -> ConsoleReply:
        """Post a channel message as this user, as Slack's Events API would deliver it.

        ``@tsagbot`` in the text mentions the bot; a message that mentions it comes
        as Slack sends it, twice: a ``message`` event, then an ``app_mention`` event.
        """
        text = BOT_HANDLE.sub(f"<@{CONSOLE_BOT_USER}>", text)
        where = {"user": self.user, "channel": channel or self.channel, "ts": f"{time.time():.6f}"}
        reply = self._event(message_event(text, team_id=CONSOLE_TEAM, **where))
        if f"<@{CONSOLE_BOT_USER}>" not in text:
            return reply
        mention = app_mention_event(
            text, bot_user_id=CONSOLE_BOT_USER, team_id=CONSOLE_TEAM, **where
        )
        answer = self._event(mention)
        return ConsoleReply(
            max(reply.status, answer.status), reply.body, [*reply.calls, *answer.calls]
        )

    def ask(self, line: str) -> ConsoleReply:
        """A line as ``tsagbot ask`` and the console read it: a slash command, or else a
        question to the bot, asked by mentioning it (``@tsagbot`` is added if missing),
        so that it takes the path of every question in words."""
        line = line.strip()
        if line.startswith("/"):
            return self.command(*split_command(line))
        return self.message(line if BOT_HANDLE.match(line) else f"@tsagbot {line}")

    def _event(self, event: dict[str, Any]) -> ConsoleReply:
        body = event_body(
            event,
            team_id=CONSOLE_TEAM,
            api_app_id=CONSOLE_APP,
            event_time=int(float(event["ts"])),
            bot_user_id=CONSOLE_BOT_USER,
            token="console",
        )
        return self._dispatch(body, JSON)

    def home(self) -> ConsoleReply:
        """Open tsagbot's Home tab, as Slack's ``app_home_opened`` event says it was."""
        event = {
            "type": "app_home_opened",
            "user": self.user,
            "channel": "D" + self.user[1:],
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
        return self._dispatch(
            event_body(
                event,
                team_id=CONSOLE_TEAM,
                api_app_id=CONSOLE_APP,
                bot_user_id=CONSOLE_BOT_USER,
                token="console",
            ),
            JSON,
        )

    def command(self, command: str, text: str) -> ConsoleReply:
        if command == HOME:
            return self.home()
        if command not in SLASH_COMMANDS:
            known = " or ".join(f"`{name} help`" for name in SLASH_COMMANDS)
            return ConsoleReply(
                404, {"text": f"`{command}` is not a tsagbot command; try {known}."}
            )
        body = slash_command_body(
            command,
            text,
            user_id=self.user,
            user_name="you",
            channel_id=self.channel,
            team_id=CONSOLE_TEAM,
            response_url=self.api.response_url("console"),
            trigger_id="console.trigger",
            channel_name="console",
            team_domain="console",
            api_app_id=CONSOLE_APP,
            token="console",
        )
        return self._dispatch(body, FORM)


def console_web_api(timezone: str) -> LocalWebApi:
    """The Web API the console's app talks to: every user in ``timezone``, the console's
    user named "you", links that say they are the console's."""
    api = LocalWebApi(
        team_id=CONSOLE_TEAM,
        team="console",
        team_domain="console",
        bot_user_id=CONSOLE_BOT_USER,
        bot_id="B0TSAGBOT",
        app_id=CONSOLE_APP,
        default_tz=timezone,
    )

    def user(params: dict[str, Any]) -> None:
        user_id = str(params.get("user", ""))
        name = "you" if user_id == CONSOLE_USER else user_id
        api.users.setdefault(user_id, {"name": user_id, "display_name": name})
        return None  # the built-in answer, from api.users

    def permalink(params: dict[str, Any]) -> dict[str, Any]:
        ts = str(params.get("message_ts", "")).replace(".", "")
        return {"ok": True, "permalink": f"console://{params.get('channel')}/p{ts}"}

    api.respond("users.info", user)
    api.respond("chat.getPermalink", permalink)
    return api.start()


def split_command(line: str) -> tuple[str, str]:
    """``"/action 50-18"`` → ``("/action", "50-18")``; plain words go to ``/action``."""
    line = line.strip()
    if line.startswith("/"):
        command, _, text = line.partition(" ")
        return command, text.strip()
    return "/action", line
