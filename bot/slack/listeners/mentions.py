"""Questions asked by mentioning the bot, answered in their thread.

``@tsagbot when is the next IRM?``, ``@tsagbot what is due at the next TSAG?``,
``@tsagbot status of 50-18``, ``@tsagbot what changed this week?``: the question
is read and answered by :mod:`bot.meetings.questions` through
:func:`bot.slack.listeners.meetings.question_reply`, the path every question in
words takes, and the answer is posted in the thread.  A question it cannot answer gets a short reply
saying what it can answer, never silence.

A channel message that mentions the bot reaches the app twice, as a ``message``
event and as an ``app_mention`` event.  One answer each, by this rule:

* the ``message`` listener (:mod:`bot.slack.listeners.messages`) records the status
  updates of every message, and confirms them in the thread, but answers no
  question in a message that mentions the bot;
* this listener answers the questions, and stays silent on a message that records
  updates (``@tsagbot 50-18 done``) in a channel that takes them: the message
  listener's confirmation is its answer.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.plan.updates.intake import accepts_updates
from bot.plan.updates.parse import parse_message
from bot.posting.channel import answer_key, queue_answer
from bot.render import Reply
from bot.slack.listeners.meetings import question_reply
from bot.slack.listeners.messages import is_from_a_bot
from bot.slack.services import Services

log = logging.getLogger(__name__)
NOT_RECORDED = (
    "Status updates are recorded only in the channels set for them (TSAGBOT_UPDATE_CHANNELS); "
    "nothing was recorded."
)


def register(app: App) -> None:
    app.event("app_mention")(handle_app_mention)


def handle_app_mention(
    event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    answer_mention(context["services"], client, event, body, context)


def answer_mention(
    services: Services,
    client: WebClient,
    event: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
) -> None:
    """Queue the answer in the thread: once per message, however often it is delivered."""
    if is_from_a_bot(event, context):
        return
    channel, ts, text = event.get("channel", ""), event.get("ts", ""), event.get("text", "")
    note = ""
    if parse_message(text).updates:
        if accepts_updates(services.settings, channel):
            return  # recorded, and confirmed in the thread, by the message listener
        note = NOT_RECORDED
    if not channel or not ts:
        return
    try:
        reply = question_reply(services, text, event.get("user", ""), client, note=note)
    except Exception:
        log.exception("could not answer %r", text[:200])
        reply = Reply([], "Sorry, that did not work: tsagbot could not answer just now.")
    queue_answer(
        services.db,
        key=answer_key(body.get("team_id") or "", channel, ts),
        channel=channel,
        thread_ts=event.get("thread_ts") or ts,
        reply=reply,
        now=services.clock(),
    )
