"""Channel messages: record the status updates people post, confirm them in the thread.

The listener reads the event, asks :mod:`bot.plan.updates.parse` what the text says,
records it with :mod:`bot.plan.updates.record` in one transaction, and only then
talks to Slack (a reaction and one thread reply with an Undo button).  Posting
is retried by the Web API client's retry handlers; a post that still fails is
logged and leaves the recorded update as it is, neither lost nor doubled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.meetings.questions import mentions
from bot.plan.lookup import nearest_ids
from bot.plan.updates.parse import ParsedMessage, parse_message
from bot.plan.updates.record import (
    Change,
    IncomingMessage,
    Outcome,
    active_item,
    edit_message,
    find_message,
    flags,
    may_change_flags,
    record_message,
    retract_message,
    state_word,
)
from bot.slack.services import Services
from bot.store.models import SlackMessage

log = logging.getLogger(__name__)

UNDO_BUTTON = "update_undo"
PLAIN_SUBTYPES = frozenset({"thread_broadcast", "file_share", "me_message"})
RECORDED_REACTION = "white_check_mark"


def register(app: App) -> None:
    app.event("message")(handle_message_event)
    app.action(UNDO_BUTTON)(handle_undo)


def _services(context: BoltContext) -> Services:
    services: Services = context["services"]
    return services


def is_from_a_bot(message: dict[str, Any], context: BoltContext) -> bool:
    return bool(
        message.get("bot_id")
        or message.get("subtype") == "bot_message"
        or (context.bot_user_id and message.get("user") == context.bot_user_id)
    )


def channel_accepted(services: Services, channel: str) -> bool:
    allowed = services.settings.update_channels
    return not allowed or channel in allowed


def handle_message_event(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = _services(context)
    subtype = event.get("subtype")
    channel = event.get("channel", "")
    if not channel_accepted(services, channel):
        return
    if subtype == "message_changed":
        on_edited(event, body, context, client)
    elif subtype == "message_deleted":
        on_deleted(event, body, context, client)
    elif (subtype is None or subtype in PLAIN_SUBTYPES) and not is_from_a_bot(event, context):
        on_posted(event, body, context, client)


def _incoming(
    services: Services,
    client: WebClient,
    body: dict[str, Any],
    message: dict[str, Any],
    channel: str,
) -> IncomingMessage:
    user = message.get("user", "")
    permalink = None
    try:
        permalink = client.chat_getPermalink(channel=channel, message_ts=message["ts"])["permalink"]
    except SlackApiError:
        log.warning("no permalink for %s/%s", channel, message["ts"])
    return IncomingMessage(
        team_id=body.get("team_id") or message.get("team", ""),
        channel=channel,
        ts=message["ts"],
        user_id=user,
        author=services.display_name(client, user) if user else "",
        text=message.get("text", ""),
        thread_ts=message.get("thread_ts"),
        permalink=permalink,
    )


def on_posted(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = _services(context)
    parsed = parse_message(event.get("text", ""))
    if not parsed.updates:
        # a question that mentions the bot is answered by the app_mention listener
        if parsed.question and not mentions(event.get("text", ""), context.bot_user_id):
            answer_question(services, client, event, parsed)
        return
    incoming = _incoming(services, client, body, event, event["channel"])
    outcome = _in_transaction(
        services,
        lambda session: record_message(
            session, incoming, parsed, editors=services.settings.editors, now=services.clock()
        ),
    )
    confirm(services, client, incoming, outcome)


def _in_transaction(services: Services, work: Callable[[Session], Outcome]) -> Outcome:
    """Run one recording in its own unit of work; a lost race counts as a duplicate."""
    with services.db.unit_of_work() as session:
        outcome: Outcome = work(session)
        try:
            session.commit()
        except IntegrityError:
            log.info("message already recorded by another request")
            return Outcome("duplicate")
    return outcome


def confirm(
    services: Services, client: WebClient, incoming: IncomingMessage, outcome: Outcome
) -> None:
    """Say where the message was posted what changed; ephemeral for problems."""
    try:
        if outcome.unknown:
            _tell_unknown(services, client, incoming, outcome.unknown)
        if outcome.status == "denied":
            client.chat_postEphemeral(
                channel=incoming.channel,
                user=incoming.user_id,
                thread_ts=incoming.thread_ts,
                text="Only the action plan's editors may change an item's flags here; "
                "nothing was recorded. Ask the secretariat to add you (TSAGBOT_EDITORS).",
            )
        if outcome.status != "recorded" or outcome.message_id is None:
            return
        _react(client, incoming)
        blocks, text = confirmation(services, outcome.changes, outcome.message_id)
        reply_ts = _reply_ts(services, outcome.message_id)
        if reply_ts:
            client.chat_update(channel=incoming.channel, ts=reply_ts, blocks=blocks, text=text)
        else:
            posted = client.chat_postMessage(
                channel=incoming.channel,
                thread_ts=incoming.thread_ts or incoming.ts,
                blocks=blocks,
                text=text,
            )
            _remember_reply(services, outcome.message_id, posted.get("ts"))
    except SlackApiError as error:
        log.error("recorded, but the confirmation could not be posted: %s", error)


def _react(client: WebClient, incoming: IncomingMessage) -> None:
    """The check mark on the message.  It is already there when an edit is confirmed, and
    a reaction that cannot be added must not keep the thread reply from being posted."""
    try:
        client.reactions_add(
            channel=incoming.channel, timestamp=incoming.ts, name=RECORDED_REACTION
        )
    except SlackApiError as error:
        if error.response.get("error") != "already_reacted":
            log.warning(
                "could not add the reaction to %s/%s: %s", incoming.channel, incoming.ts, error
            )


def _reply_ts(services: Services, message_id: int) -> str | None:
    with services.db.unit_of_work() as session:
        message = session.get(SlackMessage, message_id)
        return message.reply_ts if message else None


def _remember_reply(services: Services, message_id: int, reply_ts: str | None) -> None:
    with services.db.unit_of_work() as session:
        message = session.get(SlackMessage, message_id)
        if message is not None and reply_ts:
            message.reply_ts = reply_ts
            session.commit()


def confirmation(
    services: Services, changes: list[Change], message_id: int, *, undone_by: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    lines = [change.describe() for change in changes] or ["Nothing changed."]
    text = "\n".join(lines)
    if undone_by:
        footer = f"Taken back by <@{undone_by}>."
        buttons: list[dict[str, Any]] = []
    else:
        footer = "Recorded in the action plan. `/action ID` shows an item and its history."
        buttons = [
            {"label": "Undo", "action_id": UNDO_BUTTON, "value": str(message_id), "style": None}
        ]
    view = {"text": text, "footer": footer, "buttons": buttons}
    return services.renderer.blocks("update_confirmation.json.j2", view=view), text


def _tell_unknown(
    services: Services, client: WebClient, incoming: IncomingMessage, unknown: list[str]
) -> None:
    with services.db.unit_of_work() as session:
        index = services.search_index(session)
    parts = []
    for code in unknown:
        close = ", ".join(nearest_ids(index, code, limit=3))
        parts.append(
            f"{code} is not in the action plan" + (f" (closest: {close})" if close else "")
        )
    client.chat_postEphemeral(
        channel=incoming.channel,
        user=incoming.user_id,
        thread_ts=incoming.thread_ts,
        text="; ".join(parts) + ". Nothing was recorded for it.",
    )


def answer_question(
    services: Services, client: WebClient, event: dict[str, Any], parsed: ParsedMessage
) -> None:
    """``is 50-18 done?``: the item's state, in the thread, recording nothing."""
    lines = []
    with services.db.unit_of_work() as session:
        for code in parsed.question:
            item = active_item(session, code)
            if item is None:
                lines.append(f"{code} is not in the action plan.")
                continue
            line = f"{item.code} is {state_word(flags(item))}"
            if item.milestone:
                line += f" (milestone: {' '.join(item.milestone.split())})"
            lines.append(line + ".")
    try:
        client.chat_postMessage(
            channel=event["channel"],
            thread_ts=event.get("thread_ts") or event["ts"],
            text="\n".join(lines),
        )
    except SlackApiError as error:
        log.error("could not answer a question in its thread: %s", error)


def on_edited(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = _services(context)
    message = event.get("message") or {}
    previous = event.get("previous_message") or {}
    if is_from_a_bot(message, context) or message.get("text") == previous.get("text"):
        return  # unfurls, thread replies and the bot's own edits change no words
    parsed = parse_message(message.get("text", ""))
    incoming = _incoming(services, client, body, message, event["channel"])
    outcome = _in_transaction(
        services,
        lambda session: edit_message(
            session, incoming, parsed, editors=services.settings.editors, now=services.clock()
        ),
    )
    if outcome.status == "recorded":
        confirm(services, client, incoming, outcome)


def on_deleted(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = _services(context)
    channel, ts = event["channel"], event.get("deleted_ts", "")
    team = body.get("team_id", "")
    with services.db.unit_of_work() as session:
        message = find_message(session, team, channel, ts)
        if message is None or message.deleted:
            return
        changes = retract_message(
            session, message, reason="delete", actor="", actor_id="", now=services.clock()
        )
        message.deleted = True
        reply_ts = message.reply_ts
        session.commit()
    if reply_ts and changes:  # nothing to take back after an Undo: its reply says so
        text = "The message was deleted; its updates are taken back:\n" + "\n".join(
            c.describe() for c in changes
        )
        try:
            client.chat_update(channel=channel, ts=reply_ts, text=text, blocks=[])
        except SlackApiError as error:
            log.error("could not update the confirmation of a deleted message: %s", error)


def handle_undo(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services = _services(context)
    user = body.get("user", {}).get("id", "")
    try:
        message_id = int(body["actions"][0]["value"])
    except (KeyError, IndexError, ValueError):
        respond(response_type="ephemeral", replace_original=False, text="Nothing to undo.")
        return
    author = services.display_name(context.client, user) if context.client else user
    refusal = None
    with services.db.unit_of_work() as session:
        # locked, like find_message: a double click takes the update back once
        message = session.get(SlackMessage, message_id, with_for_update=True)
        if message is None:
            refusal = "Nothing to undo."
        elif user != message.user_id and not (
            services.settings.editors and may_change_flags(user, services.settings.editors)
        ):
            refusal = "Only the person who posted the update, or an editor, can undo it."
        else:
            changes = retract_message(
                session, message, reason="undo", actor=author, actor_id=user, now=services.clock()
            )
            channel, ts = message.channel, message.ts
            session.commit()
            if not changes:
                refusal = "Already undone."
    if refusal:
        respond(response_type="ephemeral", replace_original=False, text=refusal)
        return
    blocks, text = confirmation(services, changes, message_id, undone_by=user)
    respond(replace_original=True, blocks=blocks, text=text)
    try:
        context.client.reactions_remove(channel=channel, timestamp=ts, name=RECORDED_REACTION)
    except SlackApiError as error:
        log.warning("could not remove the reaction after an undo: %s", error)
