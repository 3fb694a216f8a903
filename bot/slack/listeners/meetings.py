"""``/meetings``: the next meetings and contribution deadlines, a meeting's card.

Replies are ephemeral and come in the acknowledgement itself, like ``/action``'s,
with times in Geneva time and in the reader's zone from their Slack profile.
Their buttons open a meeting's card, show the next page of a list, or post the
view in the channel, where Slack shows every reader their own time.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.meetings import queries
from bot.meetings import questions as ask
from bot.meetings.views import (
    PAGE_BUTTON,
    POST_BUTTON,
    SHOW_BUTTON,
    Audience,
    MeetingViews,
)
from bot.render import Reply, ViewKind, read_spec
from bot.slack.listeners import follow, reminders
from bot.slack.listeners.action import plan_question_reply
from bot.slack.listeners.buttons import respond_with_view
from bot.slack.services import Services

log = logging.getLogger(__name__)
COMMAND = "/meetings"
SORRY = "Sorry, that did not work: tsagbot could not read the schedule just now. Try again."
PROFILE_TIMEOUT = 1
"""Seconds the command waits for the user's profile: its reply must reach Slack within 3."""


def register(app: App) -> None:
    app.command(COMMAND)(handle_meetings_command)
    app.action(SHOW_BUTTON)(show_meeting)
    app.action(PAGE_BUTTON)(show_page)
    app.action(POST_BUTTON)(post_in_channel)


def meeting_views(services: Services, command: str = COMMAND) -> MeetingViews:
    settings = services.settings
    return MeetingViews(
        services.renderer,
        settings.tz,
        services.clock(),
        public_url=settings.public_url,
        command=command,
    )


def meetings_reply(
    services: Services, text: str, audience: Audience, *, command: str = COMMAND, page: int = 1
) -> Reply:
    """The reply to ``/meetings TEXT`` (the function the console and tests call too)."""
    views = meeting_views(services, command)
    audience = replace(audience, command=text)
    with services.db.unit_of_work() as session:
        question = ask.parse_command(text, views.now, views.tz)
        found = ask.answer(session, question, views.now, views.tz, page=page)
        return views.for_answer(found, audience)


def question_reply(
    services: Services, text: str, user: str, client: WebClient | None, *, note: str = ""
) -> Reply:
    """The answer to a question in words, however it was asked (a mention, a reply in the
    bot's thread, the console, ``tsagbot ask``), in the asker's zone too."""
    views = meeting_views(services)
    audience = Audience(reader_zone(services, client, user), private=False, note=note)
    with services.db.unit_of_work() as session:
        plan_answer = plan_question_reply(services, session, text)
        if plan_answer is not None:  # who acts, a body's or a Resolution's items, progress
            return plan_answer
        question = ask.classify(text, views.now, views.tz)
        found = ask.answer(session, question, views.now, views.tz)
        return views.for_answer(found, audience)


def card_reply(services: Services, uid: str, audience: Audience) -> Reply:
    """A meeting's card, with the open action items due at it."""
    views = meeting_views(services)
    with services.db.unit_of_work() as session:
        meeting = queries.meeting_by_uid(session, uid)
        if meeting is None:
            return views.gone()
        due = queries.items_due_at(session, meeting, queries.schedule(session, views.tz))
        return views.card(meeting, due, audience)


def quick(client: WebClient) -> WebClient:
    """A client for one call that must not hold up an acknowledgement: no retries."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=PROFILE_TIMEOUT,
        retry_handlers=[],
    )


def reader_zone(services: Services, client: WebClient | None, user: str) -> ZoneInfo | None:
    return services.user_zone(client, user) if client is not None and user else None


def handle_meetings_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    services: Services = context["services"]
    text = command.get("text") or ""
    if text.strip().partition(" ")[0].lower() in follow.VERBS:
        follow.answer_follow(ack, command, services, client, meetings=True)
        return
    if text.strip().partition(" ")[0].lower() == reminders.VERB:
        reminders.answer_remind(ack, command, services, quick(client))
        return
    try:
        reader = reader_zone(services, quick(client), command.get("user_id", ""))
        reply = meetings_reply(services, text, Audience(reader), command=command["command"])
    except Exception:
        log.exception("/meetings %r failed", text)
        ack(response_type="ephemeral", text=SORRY)
        return
    ack(response_type="ephemeral", blocks=reply.blocks, text=reply.text)


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0]["value"])


def _user(body: dict[str, Any]) -> str:
    return str(body.get("user", {}).get("id", ""))


def _in_private(body: dict[str, Any]) -> bool:
    """Whether the button sits in a reply only its reader sees (else a channel message)."""
    return bool(body.get("container", {}).get("is_ephemeral"))


def show_meeting(
    ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext, client: WebClient
) -> None:
    """ "Open": the meeting's card, in place of a private list, or privately under a
    message in the channel (which must stay as everyone sees it)."""
    ack()
    services: Services = context["services"]
    reader = reader_zone(services, client, _user(body))
    reply = card_reply(services, _value(body), Audience(reader))
    if _in_private(body):
        respond(replace_original=True, blocks=reply.blocks, text=reply.text)
    else:
        respond(
            response_type="ephemeral",
            replace_original=False,
            blocks=reply.blocks,
            text=reply.text,
        )


def render_spec(services: Services, value: str, audience: Audience) -> Reply:
    """Render the view a button names: a ``/meetings`` reply (and page), or a card.

    ValueError when the value is not one of these buttons' (an old or forged one)."""
    view = read_spec(value)
    if view.kind == ViewKind.CARD:
        return card_reply(services, view.argument, audience)
    if view.kind != ViewKind.MEETINGS:
        raise ValueError(f"not a /meetings view: {view.kind}")
    return meetings_reply(services, view.argument, audience, page=view.page)


def show_page(
    ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext, client: WebClient
) -> None:
    """The next page of a private list, in place."""
    ack()
    services: Services = context["services"]
    reader = reader_zone(services, client, _user(body))
    respond_with_view(
        respond, lambda: render_spec(services, _value(body), Audience(reader)), in_channel=False
    )


def post_in_channel(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """Post the private view for everyone in the channel, saying who shared it.

    Everyone reads it in their own zone, so it names none: Slack's date tokens do.
    """
    ack()
    audience = Audience(None, private=False, shared_by=_user(body) or None)
    respond_with_view(
        respond, lambda: render_spec(context["services"], _value(body), audience), in_channel=True
    )
