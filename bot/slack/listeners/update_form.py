"""*Post an update*: the form, opened from the Home tab's button, the global shortcut or
the message shortcut *Record as update* (prefilled from the message), its item picker's
type-ahead (``block_suggestion``), and its submission.

A submission is recorded inside the request Slack waits for (one short transaction,
:func:`bot.posting.update_form.form_submitted`), not through the inbox as a channel
message is: Slack does not send a form again after a lost answer, and only an answer
given in the request can show what is wrong in the form (``response_action: errors``).
A form sent twice records once (its record is keyed by the form's view id).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.plan.updates import intake
from bot.plan.updates.form import (
    Field,
    FormError,
    FormInput,
    Prefill,
    form_ts,
    option_text,
    prefill,
    suggest,
)
from bot.plan.updates.record import IncomingMessage, RecordStatus
from bot.posting.home import POST_BUTTON
from bot.posting.update_form import UPDATE_MODAL, Source, form_submitted, form_view
from bot.slack import metrics
from bot.slack.membership import can_post
from bot.slack.services import Services

log = logging.getLogger(__name__)

GLOBAL_SHORTCUT = "post_update"
MESSAGE_SHORTCUT = "record_as_update"
"""The shortcuts' ``callback_id``s, as ``manifest.yml`` declares them."""
SORRY = "Sorry, tsagbot could not record this just now; nothing was recorded. Try again."


def register(app: App) -> None:
    app.action(POST_BUTTON)(open_form)
    app.shortcut(GLOBAL_SHORTCUT)(open_form)
    app.shortcut(MESSAGE_SHORTCUT)(open_from_message)
    app.options(Field.ITEMS.value)(suggest_items)
    app.view(UPDATE_MODAL)(submit_form)


def open_form(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The empty form: from the Home tab's *Post an update*, or the global shortcut."""
    ack()
    services: Services = context["services"]
    with services.db.unit_of_work() as session:
        view = form_view(services.renderer, services.search_index(session), Prefill())
    client.views_open(trigger_id=body["trigger_id"], view=view)


def open_from_message(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """*Record as update* on a message: the form, started with what the message says and
    its author as the reporter."""
    ack()
    services: Services = context["services"]
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or "")
    ts = str(message.get("ts") or body.get("message_ts") or "")
    author = "" if message.get("bot_id") else str(message.get("user") or "")
    text = str(message.get("text") or "")
    link = services.permalink(client, channel, ts, message.get("thread_ts")) if ts else None
    source = Source(author=author, text=text, channel=channel, link=link)
    with services.db.unit_of_work() as session:
        index = services.search_index(session)
        view = form_view(services.renderer, index, prefill(session, text), source)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def suggest_items(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The item picker's options for what is typed (Slack's options load URL)."""
    services: Services = context["services"]
    typed = str(body.get("value") or "")
    with services.db.unit_of_work() as session:
        found = suggest(session, services.search_index(session), typed)
    ack(
        options=[
            {"text": {"type": "plain_text", "text": option_text(doc)}, "value": doc.key}
            for doc in found
        ]
    )


def read_values(values: dict[str, Any]) -> tuple[FormInput, str]:
    """What the form says, and the channel picked to confirm in ("" for none)."""

    def field(name: Field) -> dict[str, Any]:
        found: dict[str, Any] = values.get(name.value, {}).get(name.value) or {}
        return found

    items = [str(option["value"]) for option in field(Field.ITEMS).get("selected_options") or []]
    form = FormInput(
        items=items,
        kind=str((field(Field.KIND).get("selected_option") or {}).get("value") or ""),
        note=str(field(Field.NOTE).get("value") or ""),
        documents=str(field(Field.DOCUMENTS).get("value") or ""),
    )
    return form, str(field(Field.CONFIRM).get("selected_conversation") or "")


def submit_form(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Record the form as a channel message would be; say in the form what is wrong."""
    services: Services = context["services"]
    user = str(body["user"]["id"])
    view = body["view"]
    form, channel = read_values(view["state"]["values"])
    if channel and not can_post(client, channel):
        ack(
            response_action="errors",
            errors={
                Field.CONFIRM.value: "tsagbot cannot post there: invite @tsagbot to that "
                "channel, or leave this empty to be told only by direct message."
            },
        )
        return
    metadata = _metadata(view.get("private_metadata"))
    reporter = metadata.get("reporter") or user
    incoming = IncomingMessage(
        team_id=str((body.get("team") or {}).get("id") or view.get("team_id") or ""),
        channel=channel or user,
        ts=form_ts(str(view["id"])),
        user_id=user,
        author=services.known_name(user) or user,
        text=form.note,
        permalink=metadata.get("link"),
        reporter_id=reporter if reporter != user else "",
    )
    try:
        recorded = form_submitted(
            services.db,
            incoming,
            form,
            settings=services.settings,
            now=services.clock(),
            renderer=services.renderer,
            index=services.search_index,
        )
    except FormError as error:
        ack(response_action="errors", errors={error.field.value: str(error)})
        return
    except Exception:
        log.exception("could not record the update form of %s", user)
        ack(response_action="errors", errors={Field.ITEMS.value: SORRY})
        return
    ack()
    outcome = recorded.outcome
    if outcome.status != RecordStatus.RECORDED or outcome.message_id is None:
        return  # the same form sent again: recorded the first time
    metrics.UPDATES_RECORDED.inc(len(outcome.changes))
    services.inbox_arrived.set()  # the worker posts the confirmation the outbox now holds
    if incoming.author == user:
        name = services.display_name(client, user)
        if name != user:
            intake.name_author(services.db, outcome.message_id, user, name)


def _metadata(text: Any) -> dict[str, str]:
    """The form's ``private_metadata``: the reporter and the message's link (set by
    :func:`bot.posting.update_form.form_view`, sent back by Slack as it was)."""
    try:
        found = json.loads(str(text or "{}"))
    except json.JSONDecodeError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {key: str(value) for key, value in found.items() if isinstance(value, str)}
