"""Channel messages: record the status updates people post, confirm them in the thread.

The listener reads the event, asks :mod:`bot.plan.updates.parse` what the text says,
hands it to a use case of :mod:`bot.plan.updates.intake` (which records it in one
transaction), and only then talks to Slack: a reaction and one thread reply with an
Undo button, worded by :mod:`bot.plan.updates.replies`.  Posting is retried by the
Web API client's retry handlers; a post that still fails is logged and leaves the
recorded update as it is, neither lost nor doubled.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.meetings import questions as ask
from bot.meetings.views import item_status_lines
from bot.plan.updates import intake, replies
from bot.plan.updates.intake import Recorded, UndoStatus, accepts_updates
from bot.plan.updates.parse import ParsedMessage, parse_message
from bot.plan.updates.record import IncomingMessage, RecordStatus
from bot.slack.services import Services

log = logging.getLogger(__name__)

UNDO_BUTTON = replies.UNDO_BUTTON
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


def handle_message_event(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = _services(context)
    subtype = event.get("subtype")
    if not accepts_updates(services.settings, event.get("channel", "")):
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
        if parsed.question and not ask.mentions(event.get("text", ""), context.bot_user_id):
            answer_question(services, client, event, parsed)
        return
    incoming = _incoming(services, client, body, event, event["channel"])
    recorded = intake.record(
        services.db,
        incoming,
        parsed,
        settings=services.settings,
        clock=services.clock,
        index=services.search_index,
    )
    confirm(services, client, incoming, recorded)


def confirm(
    services: Services, client: WebClient, incoming: IncomingMessage, recorded: Recorded
) -> None:
    """Say where the message was posted what changed; ephemeral for problems."""
    outcome = recorded.outcome
    try:
        if outcome.unknown:
            _tell(client, incoming, replies.unknown_text(outcome.unknown, recorded.closest))
        if outcome.status == RecordStatus.DENIED:
            _tell(client, incoming, replies.DENIED)
        if outcome.status != RecordStatus.RECORDED or outcome.message_id is None:
            return
        _react(client, incoming)
        reply = replies.confirmation(services.renderer, outcome.changes, outcome.message_id)
        if recorded.reply_ts:
            client.chat_update(
                channel=incoming.channel, ts=recorded.reply_ts, blocks=reply.blocks, text=reply.text
            )
        else:
            posted = client.chat_postMessage(
                channel=incoming.channel,
                thread_ts=incoming.thread_ts or incoming.ts,
                blocks=reply.blocks,
                text=reply.text,
            )
            intake.remember_reply(services.db, outcome.message_id, posted.get("ts"))
    except SlackApiError as error:
        log.error("recorded, but the confirmation could not be posted: %s", error)


def _tell(client: WebClient, incoming: IncomingMessage, text: str) -> None:
    """A word for the poster alone, in the message's thread if it has one."""
    client.chat_postEphemeral(
        channel=incoming.channel, user=incoming.user_id, thread_ts=incoming.thread_ts, text=text
    )


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


def answer_question(
    services: Services, client: WebClient, event: dict[str, Any], parsed: ParsedMessage
) -> None:
    """``is 50-18 done?``: the item's state, in the thread, recording nothing.

    The answer is the one a mention gets (:func:`bot.meetings.questions.answer`),
    worded as text alone."""
    question = ask.Question(ask.ITEM_STATUS, codes=tuple(parsed.question))
    settings = services.settings
    with services.db.unit_of_work() as session:
        found = ask.answer(session, question, services.clock(), settings.tz)
    try:
        client.chat_postMessage(
            channel=event["channel"],
            thread_ts=event.get("thread_ts") or event["ts"],
            text="\n".join(item_status_lines(found.items, markup=False)),
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
    recorded = intake.edit(
        services.db,
        incoming,
        parsed,
        settings=services.settings,
        clock=services.clock,
        index=services.search_index,
    )
    if recorded.outcome.status == RecordStatus.RECORDED:
        confirm(services, client, incoming, recorded)


def on_deleted(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = _services(context)
    channel = event["channel"]
    deleted = intake.delete(
        services.db,
        body.get("team_id", ""),
        channel,
        event.get("deleted_ts", ""),
        clock=services.clock,
    )
    if (
        deleted.reply_ts and deleted.changes
    ):  # nothing to take back after an Undo: its reply says so
        try:
            client.chat_update(
                channel=channel,
                ts=deleted.reply_ts,
                text=replies.deleted_text(deleted.changes),
                blocks=[],
            )
        except SlackApiError as error:
            log.error("could not update the confirmation of a deleted message: %s", error)


def handle_undo(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services = _services(context)
    user = body.get("user", {}).get("id", "")
    try:
        message_id = int(body["actions"][0]["value"])
    except (KeyError, IndexError, ValueError):
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=replies.UNDO_REFUSALS[UndoStatus.NOTHING],
        )
        return
    author = services.display_name(context.client, user) if context.client else user
    undone = intake.undo(
        services.db,
        message_id,
        user_id=user,
        author=author,
        settings=services.settings,
        clock=services.clock,
    )
    if undone.status != UndoStatus.UNDONE:
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=replies.UNDO_REFUSALS[undone.status],
        )
        return
    reply = replies.confirmation(services.renderer, undone.changes, message_id, undone_by=user)
    respond(replace_original=True, blocks=reply.blocks, text=reply.text)
    try:
        context.client.reactions_remove(
            channel=undone.channel, timestamp=undone.ts, name=RECORDED_REACTION
        )
    except SlackApiError as error:
        log.warning("could not remove the reaction after an undo: %s", error)
