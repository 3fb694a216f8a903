"""*Add a meeting* and *Edit a meeting*, for tsagbot's admins, from the Home tab.

*Edit a meeting* asks which meeting first (a small form whose submission answers with
the meeting's form: ``response_action: update``). Saving is done inside the request,
as Slack waits for the answer that shows a wrong field under it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.meetings import queries
from bot.meetings.editing import find_meeting
from bot.meetings.schedule_file import FieldError
from bot.posting.home import ADD_MEETING_BUTTON, EDIT_MEETING_BUTTON
from bot.posting.meeting_form import (
    CHOICES,
    CHOOSER_BLOCK,
    CHOOSER_MODAL,
    FIELDS,
    MEETING_MODAL,
    STATUS,
    chooser_view,
    form_view,
    meeting_saved,
)
from bot.slack.listeners.home import publish
from bot.slack.services import Services

log = logging.getLogger(__name__)
SORRY = "Sorry, tsagbot could not save this just now; nothing was saved. Try again."


def register(app: App) -> None:
    app.action(ADD_MEETING_BUTTON)(open_add)
    app.action(EDIT_MEETING_BUTTON)(open_chooser)
    app.view(CHOOSER_MODAL)(chosen)
    app.view(MEETING_MODAL)(submit_meeting)


def open_add(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services: Services = context["services"]
    view = form_view(services.renderer, services.settings)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def open_chooser(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services: Services = context["services"]
    with services.db.unit_of_work() as session:
        meetings = queries.upcoming(session, services.clock(), limit=CHOICES)
        view = chooser_view(services.renderer, meetings)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def chosen(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The meeting picked: its form takes the chooser's place."""
    services: Services = context["services"]
    values = body["view"]["state"]["values"]
    picked = values.get(CHOOSER_BLOCK, {}).get(CHOOSER_BLOCK, {}).get("selected_option") or {}
    with services.db.unit_of_work() as session:
        meeting = find_meeting(session, str(picked.get("value") or ""))
        if meeting is None:
            ack(
                response_action="errors",
                errors={CHOOSER_BLOCK: "That meeting is no longer in the schedule."},
            )
            return
        view = form_view(services.renderer, services.settings, meeting)
    ack(response_action="update", view=view)


def read_fields(values: dict[str, Any]) -> dict[str, str]:
    """The form's fields by their schedule-file key (a select gives its option's value)."""
    fields = {}
    for key, *_ in (*FIELDS, STATUS):
        state = values.get(key, {}).get(key) or {}
        if "selected_option" in state:
            fields[key] = str((state.get("selected_option") or {}).get("value") or "")
        else:
            fields[key] = str(state.get("value") or "")
    return fields


def submit_meeting(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services: Services = context["services"]
    user = str(body["user"]["id"])
    view = body["view"]
    try:
        uid = str(json.loads(view.get("private_metadata") or "{}").get("uid") or "")
    except (json.JSONDecodeError, AttributeError):
        uid = ""
    try:
        saved = meeting_saved(
            services.db,
            read_fields(view["state"]["values"]),
            uid=uid,
            user=user,
            settings=services.settings,
            now=services.clock(),
            renderer=services.renderer,
            form_id=str(view.get("id") or ""),
        )
    except FieldError as error:
        ack(response_action="errors", errors={error.key: str(error)[:300]})
        return
    except Exception:
        log.exception("could not save the meeting form of %s", user)
        ack(response_action="errors", errors={"name": SORRY})
        return
    ack()
    log.info(
        "%s %s meeting %r%s",
        user,
        "added" if saved.added else "changed",
        saved.meeting,
        f" ({', '.join(saved.changed)})" if saved.changed else "",
    )
    publish(services, client, user)
