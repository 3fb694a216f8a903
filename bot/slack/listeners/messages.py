"""Channel messages: record the status updates people post, confirm them in the thread.

Events reach these listeners from the inbox (:mod:`bot.slack.inbox`), stored before
Slack was told they were received. The listener reads the event, asks
:mod:`bot.plan.updates.parse` what the text says, and hands it to a use case of
:mod:`bot.posting.channel`, which records it and queues the bot's replies (a
reaction, one thread reply with an Undo button, hints for the poster alone) in one
transaction. The outbox posts them, once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.meetings import questions as ask
from bot.meetings.views import item_status_lines
from bot.plan.updates import intake, replies
from bot.plan.updates.intake import Recorded, UndoStatus, accepts_updates
from bot.plan.updates.parse import ParsedMessage, parse_message
from bot.plan.updates.record import IncomingMessage, RecordStatus
from bot.posting import channel as conversation
from bot.render import Reply
from bot.slack import metrics
from bot.slack.inbox import FROM_INBOX, event_key
from bot.slack.listeners.meetings import question_reply
from bot.slack.listeners.undo import undo_pressed
from bot.slack.services import Services

log = logging.getLogger(__name__)

UNDO_BUTTON = replies.UNDO_BUTTON
PLAIN_SUBTYPES = frozenset({"thread_broadcast", "file_share", "me_message"})


def register(app: App) -> None:
    app.event("message")(handle_message_event)
    app.action(UNDO_BUTTON)(handle_undo)


def _services(context: BoltContext) -> Services:
    services: Services = context["services"]
    return services


def _event_key(context: BoltContext, body: dict[str, Any]) -> str:
    return str(context.get(FROM_INBOX) or event_key(body))


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
    if subtype is None and asks_in_the_bots_thread(services, body, event, context):
        answer_in_thread(services, body, event, client)
        return
    if not accepts_updates(services.settings, event.get("channel", "")):
        return
    if subtype == "message_changed":
        on_edited(event, body, context, client)
    elif subtype == "message_deleted":
        on_deleted(event, body, context)
    elif (subtype is None or subtype in PLAIN_SUBTYPES) and not is_from_a_bot(event, context):
        on_posted(event, body, context, client)


def _incoming(
    services: Services,
    client: WebClient,
    body: dict[str, Any],
    message: dict[str, Any],
    channel: str,
) -> IncomingMessage:
    """The message as recording needs it, without waiting for Slack: the author's name if
    it is known already (else their id, named afterwards: :func:`_name_author`), the
    link built from the workspace's address."""
    user = message.get("user", "")
    return IncomingMessage(
        team_id=body.get("team_id") or message.get("team", ""),
        channel=channel,
        ts=message["ts"],
        user_id=user,
        author=(services.known_name(user) or user) if user else "",
        text=message.get("text", ""),
        thread_ts=message.get("thread_ts"),
        permalink=services.permalink(client, channel, message["ts"], message.get("thread_ts")),
    )


def _name_author(
    services: Services, client: WebClient, incoming: IncomingMessage, recorded: Recorded
) -> None:
    message_id = recorded.outcome.message_id
    if not incoming.user_id or incoming.author != incoming.user_id or message_id is None:
        return
    name = services.display_name(client, incoming.user_id)
    if name != incoming.user_id:
        intake.name_author(services.db, message_id, incoming.user_id, name)


def on_posted(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services = _services(context)
    parsed = parse_message(event.get("text", ""))
    if not parsed.updates:
        # a question that mentions the bot is answered by the app_mention listener
        if parsed.question and not ask.mentions(event.get("text", ""), context.bot_user_id):
            answer_question(services, body, event, parsed)
        elif parsed.deserves_hint and event.get("user"):
            conversation.queue_hint(
                services.db,
                key=f"{_event_key(context, body)}:nothing",
                channel=event["channel"],
                user=event["user"],
                thread_ts=event.get("thread_ts"),
                text=replies.nothing_recorded_text(parsed.silent),
                now=services.clock(),
            )
        return
    incoming = _incoming(services, client, body, event, event["channel"])
    recorded = conversation.message_posted(
        services.db,
        incoming,
        parsed,
        event_key=_event_key(context, body),
        settings=services.settings,
        now=services.clock(),
        renderer=services.renderer,
        index=services.search_index,
    )
    _count(recorded)
    _name_author(services, client, incoming, recorded)


def _count(recorded: Recorded) -> None:
    if recorded.outcome.status == RecordStatus.RECORDED:
        metrics.UPDATES_RECORDED.inc(len(recorded.outcome.changes))


def asks_in_the_bots_thread(
    services: Services, body: dict[str, Any], event: dict[str, Any], context: BoltContext
) -> bool:
    """A reply, recording nothing and not mentioning the bot (a mention is answered by
    the app_mention listener), in a thread where the bot answered a question."""
    thread_ts, text = event.get("thread_ts"), event.get("text", "")
    if not thread_ts or thread_ts == event.get("ts") or is_from_a_bot(event, context):
        return False
    if ask.mentions(text, context.bot_user_id) or parse_message(text).updates:
        return False
    team = body.get("team_id") or ""
    return conversation.answered_in(services.db, team, event.get("channel", ""), thread_ts)


def answer_in_thread(
    services: Services, body: dict[str, Any], event: dict[str, Any], client: WebClient
) -> None:
    """Answer a reply in the bot's thread as the question a mention would be."""
    channel, ts, text = event["channel"], event["ts"], event.get("text", "")
    try:
        reply = question_reply(services, text, event.get("user", ""), client)
    except Exception:
        log.exception("could not answer %r", text[:200])
        reply = Reply([], "Sorry, that did not work: tsagbot could not answer just now.")
    conversation.queue_answer(
        services.db,
        key=conversation.answer_key(body.get("team_id") or "", channel, ts),
        channel=channel,
        thread_ts=event["thread_ts"],
        reply=reply,
        now=services.clock(),
    )


def answer_question(
    services: Services, body: dict[str, Any], event: dict[str, Any], parsed: ParsedMessage
) -> None:
    """``is 50-18 done?``: the item's state, in the thread, recording nothing.

    The answer is the one a mention gets (:func:`bot.meetings.questions.answer`),
    worded as text alone."""
    question = ask.Question(ask.ITEM_STATUS, codes=tuple(parsed.question))
    settings = services.settings
    now = services.clock()
    with services.db.unit_of_work() as session:
        found = ask.answer(session, question, now, settings.tz)
    channel, ts = event["channel"], event["ts"]
    conversation.queue_answer(
        services.db,
        key=conversation.answer_key(body.get("team_id") or "", channel, ts),
        channel=channel,
        thread_ts=event.get("thread_ts") or ts,
        reply=Reply([], "\n".join(item_status_lines(found.items, markup=False))),
        now=now,
    )


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
    recorded = conversation.message_edited(
        services.db,
        incoming,
        parsed,
        event_key=_event_key(context, body),
        settings=services.settings,
        now=services.clock(),
        renderer=services.renderer,
        index=services.search_index,
    )
    _count(recorded)
    _name_author(services, client, incoming, recorded)


def on_deleted(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    services = _services(context)
    conversation.message_deleted(
        services.db,
        body.get("team_id", ""),
        event["channel"],
        event.get("deleted_ts", ""),
        event_key=_event_key(context, body),
        now=services.clock(),
    )


def handle_undo(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """The Undo button: acknowledged once the undo and its replies are stored; the outbox
    then updates the confirmation and takes the check mark off. A refusal is said at once
    to the person who pressed it."""
    undone = undo_pressed(_services(context), context.client, body)
    ack()
    if undone.status != UndoStatus.UNDONE:
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=replies.UNDO_REFUSALS[undone.status],
        )
