"""An Undo button pressed: under an update's confirmation (:mod:`.messages`) or beside
one's own update on the Home tab (:mod:`.home`); both take it back through
:func:`bot.posting.channel.message_undone`, with the same rules and outbox posts."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.plan.updates.intake import Undone, UndoStatus
from bot.posting import channel as conversation
from bot.slack.services import Services


def undo_pressed(services: Services, client: WebClient | None, body: dict[str, Any]) -> Undone:
    """An Undo button (its value: the message's id) pressed, under a confirmation or on the
    Home tab: the updates taken back and the confirmation's new words queued, or why not.
    Only a press under a message names the confirmation (``container``); elsewhere the
    confirmation the bot posted is updated."""
    user = body.get("user", {}).get("id", "")
    try:
        message_id = int(body["actions"][0]["value"])
    except (KeyError, IndexError, ValueError):
        return Undone(UndoStatus.NOTHING)
    author = services.display_name(client, user) if client else user
    container = body.get("container") or {}
    clicked = (str(container.get("channel_id") or ""), str(container.get("message_ts") or ""))
    undone = conversation.message_undone(
        services.db,
        message_id,
        user_id=user,
        author=author,
        settings=services.settings,
        now=services.clock(),
        renderer=services.renderer,
        confirmation=clicked if all(clicked) else None,
    )
    if undone.status == UndoStatus.UNDONE:
        services.inbox_arrived.set()  # the worker posts what the outbox now holds
    return undone
