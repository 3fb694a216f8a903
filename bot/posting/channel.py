"""What a channel message causes: its updates recorded and its replies queued, at once.

Each use case records (or edits, or takes back) what a message says and puts the
bot's replies in the outbox in the same transaction, so a crash leaves either both
or neither; the outbox then posts them (:func:`bot.posting.outbox.deliver`).

The replies' keys make each of them once however often the event is handled:

* ``reply:<message id>``: the thread confirmation of a message's updates. An edit
  updates that reply in place once it is posted, or gives it new words while it
  is still waiting;
* ``answer:<team>:<channel>:<ts>``: the answer to a question asked in a message,
  once per message whichever event (``message``, ``app_mention``) brings it;
* ``<event key>:<what>``: the reaction, the hints for the poster alone (``:unknown``,
  ``:denied``, and ``:nothing`` for a message about items that recorded nothing), and
  the updates of an earlier reply, once per event Slack delivered;
* ``undo:<message id>``: the confirmation's new words after an Undo, and the check
  mark taken off (a message is undone once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.plan.updates import intake, replies
from bot.plan.updates.form import is_form
from bot.plan.updates.intake import Deleted, IndexOf, Recorded, Undone, UndoStatus
from bot.plan.updates.parse import ParsedMessage
from bot.plan.updates.record import IncomingMessage, RecordStatus
from bot.posting.outbox import (
    Post,
    enqueue,
    queued,
    revise_waiting,
    sent_ts,
    withdraw_waiting,
)
from bot.render import Mrkdwn, Renderer, Reply
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import OutboxPost, SlackMessage
from bot.store.vocabulary import PostMethod

RECORDED_REACTION = "white_check_mark"


def reply_key(message_id: int) -> str:
    return f"reply:{message_id}"


def answer_key(team_id: str, channel: str, ts: str) -> str:
    return f"answer:{team_id}:{channel}:{ts}"


def answered_in(db: Database, team_id: str, channel: str, thread_ts: str) -> bool:
    """Whether the bot answered a question in this thread (its first message's): a reply
    there is a question to it, mentioned or not."""
    key = answer_key(team_id, channel, thread_ts)
    with db.unit_of_work() as session:
        return session.scalar(select(OutboxPost.id).where(OutboxPost.key == key)) is not None


def message_posted(
    db: Database,
    incoming: IncomingMessage,
    parsed: ParsedMessage,
    *,
    event_key: str,
    settings: Settings,
    now: datetime,
    renderer: Renderer,
    index: IndexOf,
) -> Recorded:
    """Record a new message's updates and queue its replies."""
    with db.unit_of_work() as session:
        recorded = intake.record(session, incoming, parsed, settings=settings, now=now, index=index)
        enqueue(session, _replies(session, incoming, recorded, event_key, renderer, now), now)
        session.commit()
    return recorded


def message_edited(
    db: Database,
    incoming: IncomingMessage,
    parsed: ParsedMessage,
    *,
    event_key: str,
    settings: Settings,
    now: datetime,
    renderer: Renderer,
    index: IndexOf,
) -> Recorded:
    """Correct what an edited message recorded and its confirmation.

    Only an edit that changed what is recorded says so; a refused or empty edit is silent.
    """
    with db.unit_of_work() as session:
        recorded = intake.edit(session, incoming, parsed, settings=settings, now=now, index=index)
        posts: list[Post] = []
        if recorded.outcome.status == RecordStatus.RECORDED:
            posts = _replies(session, incoming, recorded, event_key, renderer, now)
        enqueue(session, posts, now)
        session.commit()
    return recorded


def message_deleted(
    db: Database, team_id: str, channel: str, ts: str, *, event_key: str, now: datetime
) -> Deleted:
    """Take back what a deleted message recorded, and say so in its confirmation."""
    with db.unit_of_work() as session:
        deleted = intake.delete(session, team_id, channel, ts, now=now)
        enqueue(session, _deleted_replies(session, deleted, channel, event_key, now), now)
        session.commit()
    return deleted


def message_undone(
    db: Database,
    message_id: int,
    *,
    user_id: str,
    author: str,
    settings: Settings,
    now: datetime,
    renderer: Renderer,
    confirmation: tuple[str, str] | None,
) -> Undone:
    """The Undo button: take a message's updates back, and queue the new words of its
    confirmation (``confirmation``: where the button was pressed, its channel and ts) and
    the removal of the check mark, in one transaction."""
    with db.unit_of_work() as session:
        undone = intake.undo(
            session, message_id, user_id=user_id, author=author, settings=settings, now=now
        )
        if undone.status == UndoStatus.UNDONE:
            lead = _form_lead(session, message_id) if is_form(undone.ts) else None
            reply = replies.confirmation(
                renderer, undone.changes, message_id, undone_by=user_id, lead=lead
            )
            where = confirmation or (undone.channel, sent_ts(session, reply_key(message_id)))
            posts = []
            if not is_form(undone.ts):  # a form's record has no message to take the mark off
                posts.append(
                    _post(
                        f"undo:{message_id}:reaction",
                        "reaction",
                        undone.channel,
                        "",
                        [],
                        now,
                        {"ts": undone.ts, "name": RECORDED_REACTION},
                        PostMethod.UNREACTION,
                    )
                )
            if where[1]:
                posts.append(_update(f"undo:{message_id}", where[0], where[1], reply, now))
            enqueue(session, posts, now)
        session.commit()
    return undone


def _form_lead(session: Session, message_id: int) -> Mrkdwn | None:
    """A form's confirmation keeps its first line when it is taken back."""
    message = session.get(SlackMessage, message_id)
    if message is None:
        return None
    reporter = next((update.reporter_id for update in message.updates if update.reporter_id), "")
    return replies.form_lead(message.user_id, reporter, message.permalink)


def queue_answer(
    db: Database,
    *,
    key: str,
    channel: str,
    thread_ts: str,
    reply: Reply,
    now: datetime,
) -> None:
    """Queue the answer to a question in its thread; nothing when it is already queued."""
    post = _post(key, "answer", channel, reply.text, reply.blocks, now, {"thread_ts": thread_ts})
    with db.unit_of_work() as session:
        enqueue(session, [post], now)
        session.commit()


def queue_hint(
    db: Database,
    *,
    key: str,
    channel: str,
    user: str,
    thread_ts: str | None,
    text: str,
    now: datetime,
) -> None:
    """Queue a hint for one person alone (``chat.postEphemeral``); once per ``key``."""
    params = {"user": user}
    if thread_ts:
        params["thread_ts"] = thread_ts
    with db.unit_of_work() as session:
        enqueue(session, [_hint(key, channel, text, params, now)], now)
        session.commit()


def _replies(
    session: Session,
    incoming: IncomingMessage,
    recorded: Recorded,
    event_key: str,
    renderer: Renderer,
    now: datetime,
) -> list[Post]:
    outcome = recorded.outcome
    posts = []
    hint = {"user": incoming.user_id}
    if incoming.thread_ts:
        hint["thread_ts"] = incoming.thread_ts
    if outcome.unknown:
        text = replies.unknown_text(outcome.unknown, recorded.closest, outcome.obsolete)
        posts.append(_hint(f"{event_key}:unknown", incoming.channel, text, hint, now))
    if outcome.status == RecordStatus.DENIED:
        posts.append(_hint(f"{event_key}:denied", incoming.channel, replies.DENIED, hint, now))
    if outcome.status != RecordStatus.RECORDED or outcome.message_id is None:
        return posts
    posts.append(
        _post(
            f"{event_key}:react",
            "reaction",
            incoming.channel,
            "",
            [],
            now,
            {"ts": incoming.ts, "name": RECORDED_REACTION},
            PostMethod.REACTION,
        )
    )
    reply = replies.confirmation(renderer, outcome.changes, outcome.message_id)
    key = reply_key(outcome.message_id)
    earlier = recorded.earlier_reply or sent_ts(session, key)
    if earlier:
        posts.append(_update(f"{event_key}:update", incoming.channel, earlier, reply, now))
    elif not revise_waiting(session, key, reply.text, reply.blocks):
        # the first confirmation; or an edit while the first is being posted: its own reply
        own = f"{event_key}:reply" if queued(session, key) else key
        thread = {"thread_ts": incoming.thread_ts or incoming.ts}
        posts.append(_post(own, "reply", incoming.channel, reply.text, reply.blocks, now, thread))
    return posts


def _deleted_replies(
    session: Session, deleted: Deleted, channel: str, event_key: str, now: datetime
) -> list[Post]:
    if not deleted.changes or deleted.message_id is None:
        return []  # nothing to take back after an Undo: its reply says so
    key = reply_key(deleted.message_id)
    earlier = deleted.earlier_reply or sent_ts(session, key)
    if earlier is None:
        withdraw_waiting(session, key)
        return []
    reply = Reply([], replies.deleted_text(deleted.changes))
    return [_update(f"{event_key}:update", channel, earlier, reply, now)]


def _hint(key: str, channel: str, text: str, params: dict[str, str], now: datetime) -> Post:
    return _post(key, "hint", channel, text, [], now, params, PostMethod.EPHEMERAL)


def _update(key: str, channel: str, ts: str, reply: Reply, now: datetime) -> Post:
    return _post(
        key, "reply", channel, reply.text, reply.blocks, now, {"ts": ts}, PostMethod.UPDATE
    )


def _post(
    key: str,
    kind: str,
    channel: str,
    text: str,
    blocks: list[dict[str, Any]],
    now: datetime,
    params: dict[str, str],
    method: PostMethod = PostMethod.MESSAGE,
) -> Post:
    return Post(
        key=key,
        kind=kind,
        channel=channel,
        text=text,
        blocks=blocks,
        due_at=now,
        method=method,
        params=params,
    )
