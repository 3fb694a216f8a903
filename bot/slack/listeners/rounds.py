"""The reporting round in Slack: a body's *Report* button (the update form, started with
the item) and *Nothing new*; the admins' *Start a reporting round* and *Close the
reporting round* on the Home tab.

The use cases are in :mod:`bot.posting.rounds`. A report made with the form is recorded
as any form is (:mod:`bot.slack.listeners.update_form`); the round sees it in the item's
history. Closing uploads the plan's ``.docx`` to each admin by DM (``files.upload``),
beside the summary the outbox posts them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.plan.export.service import ExportError
from bot.plan.updates.form import Prefill
from bot.posting.home import CLOSE_ROUND_BUTTON, START_ROUND_BUTTON
from bot.posting.rounds.contacts import RoundError
from bot.posting.rounds.messages import NOTHING_NEW_BUTTON, REPORT_BUTTON
from bot.posting.rounds.service import (
    close_round,
    find_meeting,
    nothing_new,
    open_round,
    start_round,
)
from bot.posting.update_form import form_view
from bot.render import Mrkdwn, count, escape, mrkdwn
from bot.slack.listeners.action import send_by_dm
from bot.slack.listeners.home import publish
from bot.slack.services import Services

log = logging.getLogger(__name__)
ADMINS_ONLY = Mrkdwn("Only tsagbot's admins (TSAGBOT_ADMINS) may start or close a reporting round.")
SORRY = "Sorry, that did not work just now. Try again."


def register(app: App) -> None:
    app.action(REPORT_BUTTON)(open_report)
    app.action(NOTHING_NEW_BUTTON)(say_nothing_new)
    app.action(START_ROUND_BUTTON)(start_from_home)
    app.action(CLOSE_ROUND_BUTTON)(close_from_home)


def _pressed(body: dict[str, Any]) -> tuple[str, str]:
    return str(body["user"]["id"]), str(body["actions"][0].get("value") or "")


def open_report(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """*Report* beside an item: the update form, started with that item and a note; the
    person who submits it is the update's author."""
    ack()
    services: Services = context["services"]
    _, code = _pressed(body)
    with services.db.unit_of_work() as session:
        view = form_view(services.renderer, services.search_index(session), Prefill(items=[code]))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def say_nothing_new(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """*Nothing new*: the message's items not yet reported count as reported by its body."""
    ack()
    services: Services = context["services"]
    user, value = _pressed(body)
    try:
        pressed = json.loads(value)
        round_id, named, codes = int(pressed["r"]), str(pressed["b"]), list(pressed["i"])
    except (ValueError, KeyError, TypeError):
        respond(response_type="ephemeral", replace_original=False, text=SORRY)
        return
    try:
        with services.db.unit_of_work() as session:
            marked = nothing_new(
                session, round_id, named, [str(c) for c in codes], user=user, now=services.clock()
            )
            session.commit()
    except RoundError as error:
        said = escape(str(error))
    else:
        said = (
            mrkdwn(
                "Thank you: nothing new on {} of {}, for this round.", count(marked, "item"), named
            )
            if marked
            else Mrkdwn("These items are all reported already.")
        )
    respond(response_type="ephemeral", replace_original=False, text=said)


def start_from_home(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The round for the next TSAG meeting, with its default deadline; the Home says what
    was asked, or why not."""
    ack()
    services: Services = context["services"]
    user, _ = _pressed(body)
    if user not in services.settings.admins:
        publish(services, client, user, ADMINS_ONLY)
        return
    now = services.clock()
    try:
        with services.db.unit_of_work() as session:
            meeting = find_meeting(session, None, now)
            started = start_round(
                session,
                services.renderer,
                services.settings,
                meeting,
                deadline=None,
                by=user,
                now=now,
            )
            session.commit()
    except RoundError as error:
        publish(services, client, user, mrkdwn("Cannot start a reporting round: {}.", str(error)))
        return
    services.inbox_arrived.set()  # the worker posts what the outbox now holds
    asked = [a for a in started.asked if a.to]
    unasked = [a.body for a in started.asked if not a.to]
    said = mrkdwn(
        "Reporting round for {} started: {} asked.",
        started.meeting,
        count(len(asked), "body", "bodies"),
    )
    if unasked:
        said = mrkdwn(
            "{} Not asked (no channel or people set: `tsagbot bodies set`): {}.",
            said,
            ", ".join(unasked),
        )
    publish(services, client, user, said)


def close_from_home(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Close the round the Home shows (its id is the button's value): the summary to each
    admin through the outbox, the .docx uploaded to each of them by DM."""
    ack()
    services: Services = context["services"]
    user, value = _pressed(body)
    if user not in services.settings.admins:
        publish(services, client, user, ADMINS_ONLY)
        return
    try:
        with services.db.unit_of_work() as session:
            closed = close_round(
                session,
                services.renderer,
                services.settings,
                open_round(session, round_id=int(value))
                if value.isdigit()
                else open_round(session),
                by=user,
                now=services.clock(),
                where="The updated plan (.docx) is in this conversation.",
            )
            session.commit()
    except (RoundError, ExportError) as error:
        publish(services, client, user, mrkdwn("Cannot close the round: {}.", str(error)))
        return
    services.inbox_arrived.set()
    failed = [admin for admin in closed.told if not send_by_dm(client, admin, closed.exported)]
    said = mrkdwn(
        "Reporting round for {} closed: {} of {} reported. The plan and the summary are sent "
        "to the admins by DM.",
        closed.progress.meeting,
        closed.progress.reported,
        count(closed.progress.total, "item"),
    )
    if failed:
        said = mrkdwn("{} Slack did not take the file for {}.", said, ", ".join(failed))
    publish(services, client, user, said)
