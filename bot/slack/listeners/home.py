"""tsagbot's Home tab: published when a person opens it, with a *Follow…* form.

``app_home_opened`` comes through the inbox like every event; the listener asks Slack
for the person's time zone (``users.info``) and publishes their Home
(``views.publish``). *Follow…* opens a small modal; what it names is followed by the
person (by direct message), and the Home is published again.

A Home button has no message to answer under (no ``response_url``), so *Undo* beside
one's own update and *Export the plan* publish the Home again with one line on top:
what was taken back, the file sent by DM, or why not.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.posting.follows import FollowError, follow_personally
from bot.posting.home import (
    EXPORT_BUTTON,
    FOLLOW_BUTTON,
    UNDO_BUTTON,
    home_of,
    home_view,
    undo_notice,
)
from bot.posting.personal import refresh_zone
from bot.render import Mrkdwn
from bot.slack.listeners.action import export_file, send_by_dm
from bot.slack.listeners.undo import undo_pressed
from bot.slack.services import Services

log = logging.getLogger(__name__)
FOLLOW_MODAL = "home_follow_modal"
FOLLOW_BLOCK = "what"
HINT = Mrkdwn(
    "A Resolution (`50`), a body (`sg17`, `tsag`) or a kind of meeting (`irm`, "
    "`tsag meetings`). Each change recorded in it comes to you by direct message; "
    "the meetings of the kinds you follow come first here."
)
UPLOAD_FAILED = "Sorry, Slack did not take the file just now. Try *Export the plan* again."


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
    app.action(FOLLOW_BUTTON)(open_follow)
    app.view(FOLLOW_MODAL)(submit_follow)
    app.action(UNDO_BUTTON)(undo_from_home)
    app.action(EXPORT_BUTTON)(export_from_home)


def home_for(
    services: Services, client: WebClient, user: str, notice: Mrkdwn | None = None
) -> dict[str, Any]:
    """The Home view of ``user``, in their zone (Geneva time when Slack does not say),
    with ``notice`` on top. Only a zone Slack gave is kept for the personal reminders."""
    slack_tz = services.user_zone(client, user)
    tz = slack_tz or services.settings.tz
    with services.db.unit_of_work() as session:
        if slack_tz is not None:
            refresh_zone(session, user, slack_tz, services.clock())  # personal reminders' 09:00
            session.commit()
        settings = services.settings
        admin = user in settings.admins
        home = home_of(session, user, now=services.clock(), tz=tz, admin=admin)
        return home_view(
            services.renderer,
            home,
            admin=admin,
            editors=settings.editors,
            notice=notice,
        )


def publish(services: Services, client: WebClient, user: str, notice: Mrkdwn | None = None) -> None:
    client.views_publish(user_id=user, view=home_for(services, client, user, notice))


def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return  # the Messages tab
    publish(context["services"], client, str(event["user"]))


def open_follow(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services: Services = context["services"]
    blocks = services.renderer.blocks(
        "follow_modal.json.j2", view={"block": FOLLOW_BLOCK, "hint": HINT}
    )
    client.views_open(
        trigger_id=body["trigger_id"],
        view={
            "type": "modal",
            "callback_id": FOLLOW_MODAL,
            "title": {"type": "plain_text", "text": "Follow"},
            "submit": {"type": "plain_text", "text": "Follow"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": blocks,
        },
    )


def submit_follow(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Follow what the form names; a wrong name is said under the field, nothing stored."""
    services: Services = context["services"]
    user = str(body["user"]["id"])
    values = body["view"]["state"]["values"]
    text = str(values.get(FOLLOW_BLOCK, {}).get(FOLLOW_BLOCK, {}).get("value") or "")
    try:
        with services.db.unit_of_work() as session:
            follow_personally(session, text, user=user, now=services.clock())
            session.commit()
    except FollowError as error:
        ack(response_action="errors", errors={FOLLOW_BLOCK: str(error)[:150]})
        return
    ack()
    publish(services, client, user)


def undo_from_home(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """*Undo* beside one's own update: taken back as from its confirmation (which the
    outbox then updates, with the check mark taken off), and the Home says so."""
    ack()
    services: Services = context["services"]
    notice = undo_notice(undo_pressed(services, client, body), services.renderer.links)
    publish(services, client, str(body["user"]["id"]), notice)


def export_from_home(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """*Export the plan*: the Word file by DM, as ``/action export`` sends it, or why not."""
    ack()
    services: Services = context["services"]
    user = str(body["user"]["id"])
    exported, said = export_file(services, user=user, argument="")
    if exported is not None and not send_by_dm(client, user, exported):
        said = Mrkdwn(UPLOAD_FAILED)
    publish(services, client, user, said)
