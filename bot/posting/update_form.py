"""The *Post an update* form, submitted: its updates recorded and their confirmation
queued, in one transaction, exactly as a channel message's (:mod:`bot.posting.channel`).

The listener calls :func:`form_submitted` inside the request Slack waits for (one short
transaction, well within its three seconds), so that what cannot be recorded is said
in the form itself. The confirmation, with its Undo button, goes through the outbox
under the key a message's confirmation has (``reply:<message id>``): to the channel the
form names, or to the person alone by direct message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.plan.search import SearchIndex
from bot.plan.updates import intake, replies
from bot.plan.updates.form import (
    DOCUMENTS_LENGTH,
    KINDS,
    MAX_ITEMS,
    NOTE_LENGTH,
    Field,
    FormError,
    FormInput,
    Prefill,
    option_text,
    read_form,
)
from bot.plan.updates.intake import IndexOf, Recorded
from bot.plan.updates.record import Change, IncomingMessage, RecordStatus
from bot.plan.updates.replies import DENIED, form_lead
from bot.posting.channel import reply_key
from bot.posting.outbox import Post, enqueue
from bot.render import Mrkdwn, Renderer, Reply, mention, mrkdwn, one_line
from bot.settings import Settings
from bot.store.db import Database

UPDATE_MODAL = "update_modal"
TITLE = "Post an update"
MAX_LINK = 1000
"""A message's link longer than this is not kept (the form's metadata holds 3,000)."""
INTRO = Mrkdwn(
    "Recorded exactly as a status update posted in a channel: the same rules (only "
    "editors change an item's flags), history and Undo."
)


@dataclass(frozen=True)
class Source:
    """The message a form was opened from (*Record as update*)."""

    author: str
    """Its author's user id (the reporter); empty for a bot's message."""
    text: str
    channel: str
    link: str | None = None


def form_view(
    renderer: Renderer, index: SearchIndex, start: Prefill, source: Source | None = None
) -> dict[str, Any]:
    """The *Post an update* modal, started with ``start``; from a message, ``source``."""
    documents = {document.key: document for document in index.documents}
    intro = INTRO
    metadata: dict[str, str] = {}
    if source is not None:
        said = one_line(source.text, 300)
        who = mention(source.author) if source.author else Mrkdwn("a bot")
        intro = mrkdwn("From {}'s message: “{}”\n{}", who, said, INTRO)
        metadata = {"reporter": source.author}
        if source.link and len(source.link) <= MAX_LINK:
            metadata["link"] = source.link
    kinds = [{"value": str(kind), "text": text} for kind, text in KINDS.items()]
    view = {
        "intro": intro,
        **{f"{name.name.lower()}_block": name.value for name in Field},
        "max_items": MAX_ITEMS,
        "note_length": NOTE_LENGTH,
        "documents_length": DOCUMENTS_LENGTH,
        "initial_items": [
            {"value": code, "text": option_text(documents[code])}
            for code in start.items
            if code in documents
        ],
        "kinds": kinds,
        "initial_kind": next(k for k in kinds if k["value"] == start.kind),
        "initial_note": start.note,
        "initial_documents": ", ".join(start.documents)[:DOCUMENTS_LENGTH],
        "initial_channel": source.channel
        if source and source.channel.startswith(("C", "G"))
        else "",
    }
    return {
        "type": "modal",
        "callback_id": UPDATE_MODAL,
        "title": {"type": "plain_text", "text": TITLE},
        "submit": {"type": "plain_text", "text": "Record"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata),
        "blocks": renderer.blocks("update_modal.json.j2", view=view),
    }


def form_submitted(
    db: Database,
    incoming: IncomingMessage,
    form: FormInput,
    *,
    settings: Settings,
    now: datetime,
    renderer: Renderer,
    index: IndexOf,
) -> Recorded:
    """Record what a form says and queue its confirmation to ``incoming.channel``.

    :class:`FormError` when it cannot be recorded (nothing is stored then); a form
    submitted again records nothing more (``RecordStatus.DUPLICATE``).
    """
    with db.unit_of_work() as session:
        parsed = read_form(session, form)
        recorded = intake.record(session, incoming, parsed, settings=settings, now=now, index=index)
        outcome = recorded.outcome
        if outcome.status == RecordStatus.DENIED:
            raise FormError(Field.KIND, DENIED)
        if outcome.status == RecordStatus.UNKNOWN:
            raise FormError(Field.ITEMS, "These items are no longer in the plan.")
        if outcome.status == RecordStatus.RECORDED and outcome.message_id is not None:
            reply = confirmation(renderer, outcome.changes, outcome.message_id, incoming)
            post = Post(
                key=reply_key(outcome.message_id),
                kind="reply",
                channel=incoming.channel,
                text=reply.text,
                blocks=reply.blocks,
                due_at=now,
            )
            enqueue(session, [post], now)
        session.commit()
    return recorded


def confirmation(
    renderer: Renderer, changes: list[Change], message_id: int, incoming: IncomingMessage
) -> Reply:
    """What was recorded, by whom, from which message, with an Undo button."""
    return replies.confirmation(
        renderer,
        changes,
        message_id,
        lead=form_lead(incoming.user_id, incoming.reporter_id, incoming.permalink),
    )
