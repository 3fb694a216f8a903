"""Making the outbox's posts through Slack's Web API, never the same message twice.

Slack's ``chat.postMessage`` takes no idempotency key, and a client that retries a
post whose answer was lost (a timeout, a dropped connection, a 5xx after Slack
stored the message) posts it twice. So posts are made with a client that retries
only what Slack refused outright (429), and every message carries its outbox key in
its ``metadata``. When a post is attempted again (its first attempt failed, or the
process stopped before it could note the result), the key is looked for first, in
the thread (``conversations.replies``) or among the channel's latest messages
(``conversations.history``), and the message found is taken as the post. A post to a
person (a user id for its channel) goes to the bot's direct message with them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.posting.outbox import Outgoing, PostFunction
from bot.settings import Settings
from bot.slack.metrics import InstrumentedWebClient
from bot.store.vocabulary import PostMethod

log = logging.getLogger(__name__)

METADATA_EVENT = "tsagbot_post"
PERSON = re.compile(r"[UW][A-Z0-9]+")
"""A user id as an outbox post's channel: the post goes to that person by direct message."""
LOOKUP_LIMIT = 200
"""Messages looked through: a thread's first ones, or the channel's latest."""
CANNOT_LOOK = frozenset({"missing_scope", "not_in_channel", "channel_not_found"})
"""Errors that say the lookup will never work: then the post is made without it."""
REACTION_DONE = frozenset({"already_reacted", "message_not_found"})
UNREACTION_DONE = frozenset({"no_reaction", "message_not_found"})
"""Errors that end a reaction: it is there, or its message was deleted before it could be."""


def posting_client(settings: Settings) -> WebClient:
    """A Web API client that retries only refused calls (429): a lost answer is not retried."""
    return InstrumentedWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def slack_poster(client: WebClient) -> PostFunction:
    """Post through ``client``; Slack's errors raise, and the outbox tries again later."""

    def post(outgoing: Outgoing) -> str:
        params = outgoing.params
        if outgoing.method == PostMethod.MESSAGE:
            if PERSON.fullmatch(outgoing.channel):
                outgoing = replace(outgoing, channel=direct_message(client, outgoing.channel))
            if outgoing.attempts > 1:
                found = find_posted(client, outgoing)
                if found:
                    log.info("post %s was already made (ts %s)", outgoing.key, found)
                    return found
            response = client.chat_postMessage(
                channel=outgoing.channel,
                text=outgoing.text,
                blocks=outgoing.blocks or None,
                thread_ts=params.get("thread_ts"),
                metadata={"event_type": METADATA_EVENT, "event_payload": {"key": outgoing.key}},
                unfurl_links=False,
                unfurl_media=False,
            )
            return str(response["ts"])
        if outgoing.method == PostMethod.UPDATE:
            try:
                client.chat_update(
                    channel=outgoing.channel,
                    ts=params["ts"],
                    text=outgoing.text,
                    blocks=outgoing.blocks,
                )
            except SlackApiError as error:
                # someone deleted the message: there is nothing left to update
                if error.response.get("error") != "message_not_found":
                    raise
            return params["ts"]
        if outgoing.method == PostMethod.EPHEMERAL:
            client.chat_postEphemeral(
                channel=outgoing.channel,
                user=params["user"],
                thread_ts=params.get("thread_ts"),
                text=outgoing.text,
                blocks=outgoing.blocks or None,
            )
            return ""
        if outgoing.method == PostMethod.UNREACTION:
            return _reaction(client.reactions_remove, outgoing, UNREACTION_DONE)
        return _reaction(client.reactions_add, outgoing, REACTION_DONE)

    return post


def direct_message(client: WebClient, user: str) -> str:
    """The bot's direct-message channel with ``user`` (``conversations.open``, which gives
    the same channel every time), where a post to a person goes and is looked for."""
    return str(client.conversations_open(users=user)["channel"]["id"])


def _reaction(call: Callable[..., Any], outgoing: Outgoing, done: frozenset[str]) -> str:
    """Add or remove the reaction ``params.name``; Slack's ``done`` errors mean it is so."""
    try:
        call(
            channel=outgoing.channel, timestamp=outgoing.params["ts"], name=outgoing.params["name"]
        )
    except SlackApiError as error:
        if error.response.get("error") not in done:
            raise
    return ""


def find_posted(client: WebClient, outgoing: Outgoing) -> str | None:
    """The ``ts`` of the message an earlier attempt of ``outgoing`` made, if Slack has it.

    Raises when Slack cannot be asked now (the post waits for the next attempt);
    returns None when it cannot ever be asked (the bot may not read the channel).
    """
    thread = outgoing.params.get("thread_ts")
    try:
        if thread:
            response = client.conversations_replies(
                channel=outgoing.channel,
                ts=thread,
                include_all_metadata=True,
                limit=LOOKUP_LIMIT,
            )
        else:
            response = client.conversations_history(
                channel=outgoing.channel,
                include_all_metadata=True,
                limit=LOOKUP_LIMIT,
            )
    except SlackApiError as error:
        if error.response.get("error") in CANNOT_LOOK:
            log.warning("cannot look for post %s before posting it again: %s", outgoing.key, error)
            return None
        raise
    for message in response.get("messages") or []:
        if _key_of(message) == outgoing.key:
            return str(message["ts"])
    return None


def _key_of(message: dict[str, Any]) -> str | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != METADATA_EVENT:
        return None
    key = (metadata.get("event_payload") or {}).get("key")
    return key if isinstance(key, str) else None
