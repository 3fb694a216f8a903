"""Personal reminders from Slack: ``/meetings remind me`` (``… off``), the App Home's
button, and the "Snooze 1 day" and "Got it" buttons under each reminder.

The use cases are in :mod:`bot.posting.personal`; a person's time zone is Slack's
(``users.info``), kept when they opt in and refreshed when they open the App Home.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.posting import personal
from bot.posting.dispatch import items_due_at
from bot.posting.home import REMIND_BUTTON
from bot.render import escape
from bot.slack.listeners.home import publish
from bot.slack.services import Services

log = logging.getLogger(__name__)
VERB = "remind"
HOME_BUTTON = REMIND_BUTTON
USAGE = "Try `/meetings remind me` (reminders by direct message) or `/meetings remind me off`."
SORRY = "Sorry, that did not work just now. Try again."


def register(app: App) -> None:
    app.action(personal.SNOOZE_BUTTON)(snooze)
    app.action(personal.GOT_IT_BUTTON)(got_it)
    app.action(HOME_BUTTON)(home_switch)


def switch(services: Services, client: WebClient | None, user: str, on: bool) -> str:
    """Opt ``user`` in (in their Slack zone) or out; what to tell them. When Slack does not
    say, a new subscriber starts in the default zone and one already in keeps theirs."""
    slack_tz = services.user_zone(client, user) if client is not None else None
    with services.db.unit_of_work() as session:
        if not on:
            removed = personal.unsubscribe(session, user)
            session.commit()
            return personal.opt_out_text(removed)
        tz = slack_tz or personal.zone_of(session, user, services.settings.tz)
        added = personal.subscribe(session, user, tz, services.clock())
        kinds = personal.meeting_kinds_text(session, user)
        session.commit()
    return personal.opt_in_text(added, tz, kinds, services.settings)


def answer_remind(ack: Ack, command: dict[str, Any], services: Services, client: WebClient) -> None:
    """``/meetings remind me`` or ``/meetings remind me off``; anything else: how to say it."""
    words = (command.get("text") or "").lower().split()[1:]
    user = str(command.get("user_id", ""))
    if words not in (["me"], ["me", "off"]) or not user:
        ack(response_type="ephemeral", text=USAGE)
        return
    try:
        said = switch(services, client, user, on=words == ["me"])
    except Exception:
        log.exception("/meetings %r failed", command.get("text"))
        said = SORRY
    ack(response_type="ephemeral", text=escape(said))


def _pressed(body: dict[str, Any]) -> tuple[str, str]:
    return str(body["user"]["id"]), str(body["actions"][0].get("value") or "")


def snooze(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services: Services = context["services"]
    user, value = _pressed(body)
    try:
        with services.db.unit_of_work() as session:
            said = personal.snooze(
                session,
                services.renderer,
                services.settings,
                user,
                value,
                services.clock(),
                items_due_at(session, services.settings.tz),
            )
            session.commit()
    except personal.ButtonError as error:
        said = str(error)
    respond(response_type="ephemeral", replace_original=False, text=escape(said))


def got_it(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """No more of this reminder; the message keeps its words, its buttons give way to a line."""
    ack()
    services: Services = context["services"]
    user, value = _pressed(body)
    try:
        with services.db.unit_of_work() as session:
            said = personal.got_it(session, user, value, services.clock())
            session.commit()
    except personal.ButtonError as error:
        respond(response_type="ephemeral", replace_original=False, text=escape(str(error)))
        return
    message = body.get("message") or {}
    kept = [block for block in message.get("blocks", []) if block.get("type") != "actions"]
    line = {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(said)}]}
    respond(replace_original=True, blocks=[*kept, line], text=str(message.get("text") or said))


def home_switch(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The App Home's button: reminders by direct message on or off, then the Home again."""
    ack()
    services: Services = context["services"]
    user, value = _pressed(body)
    switch(services, client, user, on=value == "on")
    publish(services, client, user)
