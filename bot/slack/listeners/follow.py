"""``/action follow 50``, ``/action follow sg17 for me``, ``/meetings follow irm``,
``/action following``, ``/action unfollow 50``: the words, for both commands.

The commands' listeners (:mod:`bot.slack.listeners.action`, ``meetings``) hand these
verbs here; the use case is :func:`bot.posting.follows.run_command`.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.posting.follows import (
    VERBS,
    Answer,
    FollowError,
    Outcome,
    follower_of,
    label,
    run_command,
)
from bot.render import Mrkdwn, Reply, channel_link, clip, escape, mrkdwn
from bot.slack.membership import can_post
from bot.slack.services import Services
from bot.store.vocabulary import FollowTopic

__all__ = ["VERBS", "answer_follow", "follow_reply"]

log = logging.getLogger(__name__)
NOT_IN = "Invite @tsagbot to this channel first: it cannot post the changes here."
SORRY = "Sorry, that did not work: tsagbot could not change what is followed just now. Try again."

LISTED = 100
"""Follows listed (a label is at most about 30 characters: well within one text)."""


def answer_follow(
    ack: Ack, command: dict[str, Any], services: Services, client: WebClient, *, meetings: bool
) -> None:
    """Acknowledge a follow command (``follow``, ``unfollow``, ``following``) with its reply."""
    verb, _, rest = (command.get("text") or "").strip().partition(" ")
    user, channel = str(command.get("user_id", "")), str(command.get("channel_id", ""))
    try:
        follower, _ = follower_of(rest, user=user, channel=channel)
        if verb.lower() == "follow" and not follower.personal and not can_post(client, channel):
            ack(response_type="ephemeral", text=NOT_IN)  # its notices could never be posted
            return
        reply = follow_reply(services, verb, rest, user=user, channel=channel, meetings=meetings)
    except Exception:
        log.exception("%s %r failed", command.get("command"), command.get("text"))
        ack(response_type="ephemeral", text=SORRY)
        return
    if reply.blocks:
        ack(response_type="ephemeral", blocks=reply.blocks, text=reply.text)
    else:
        ack(response_type="ephemeral", text=reply.text)


def follow_reply(
    services: Services, verb: str, text: str, *, user: str, channel: str, meetings: bool
) -> Reply:
    """The reply to a follow command, seen by the one who typed it."""
    try:
        with services.db.unit_of_work() as session:
            answer = run_command(
                session,
                verb.lower(),
                text,
                user=user,
                channel=channel,
                meetings=meetings,
                now=services.clock(),
            )
            session.commit()
            if answer.outcome is None:
                return _listing(services, answer)
    except FollowError as error:
        return Reply([], escape(str(error)))
    return Reply([], _said(answer))


def _who(answer: Answer) -> Mrkdwn:
    if answer.follower.personal:
        return Mrkdwn("You")
    return mrkdwn("{}", channel_link(answer.follower.id))


def _said(answer: Answer) -> Mrkdwn:
    assert answer.target is not None
    what, who, person = answer.target.label, _who(answer), answer.follower.personal
    if answer.outcome == Outcome.FOLLOWED:
        where = "by direct message" if person else "here"
        if answer.target.topic == FollowTopic.MEETING_KIND:
            hears = "their meetings and deadlines come first on tsagbot's Home tab"
            return mrkdwn("{} now {} {}: {}.", who, _s("follow", person), what, hears)
        return mrkdwn(
            "{} now {} {}: each change recorded in it is told {}.",
            who,
            _s("follow", person),
            what,
            where,
        )
    if answer.outcome == Outcome.ALREADY:
        return mrkdwn("{} already {} {}.", who, _s("follow", person), what)
    if answer.outcome == Outcome.UNFOLLOWED:
        return mrkdwn("{} no longer {} {}.", who, _s("follow", person), what)
    return mrkdwn("{} did not follow {}; nothing changed.", who, what)


def _s(verb: str, person: bool) -> str:
    """``follow`` for "You", ``follows`` for a channel."""
    return verb if person else verb + "s"


def _listing(services: Services, answer: Answer) -> Reply:
    who = "You follow" if answer.follower.personal else "This channel follows"
    lines = [escape(label(row.topic, row.target)) for row in answer.follows][:LISTED]
    title = mrkdwn("*{}*", who) if lines else mrkdwn("{} nothing yet.", who)
    view = {
        "title": title,
        "lines": lines,
        "footer": Mrkdwn(
            "`/action follow 50` · `/action follow sg17` · `/meetings follow irm`; "
            "add `for me` to follow by direct message. `/action unfollow …` stops."
        ),
    }
    blocks = services.renderer.blocks("following.json.j2", view=view)
    text = clip(mrkdwn("{}: {}", who, Mrkdwn(", ").join(lines)), 300) if lines else title
    return Reply(blocks, text)
