"""Following: a channel or a person asks to hear of each change to a Resolution or a body
(``/action follow 50``, ``/action follow sg17 for me``), or follows a kind of meeting
(``/meetings follow irm``).

A follow made in a channel is the channel's: its notices go to the channel. ``for me``
(or a command typed in a direct message) makes it the person's: its notices go to
them by direct message. These functions parse what was typed, check that it names
something the plan or the schedule knows, and store or drop the follow; the caller
commits. :mod:`bot.posting.follow_notices` tells the followers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.meetings.model import MeetingKind, parse_kind
from bot.plan.bodies import body_named
from bot.plan.editions import current_edition
from bot.plan.ids import canonical_id
from bot.store.insert import insert_unless
from bot.store.models import Follow, Resolution
from bot.store.vocabulary import FollowTopic

FOR_ME = re.compile(r"(?:^|\s+)for\s+me\s*$", re.IGNORECASE)
RESOLUTION = re.compile(r"(?:res(?:olution)?\.?\s*|r)?(?P<key>\d{1,3})", re.IGNORECASE)
VERBS = frozenset({"follow", "unfollow", "following"})


class FollowError(ValueError):
    """What was typed names nothing that can be followed: one line to show as it is."""


@dataclass(frozen=True)
class Target:
    topic: FollowTopic
    target: str

    @property
    def label(self) -> str:
        return label(self.topic, self.target)


@dataclass(frozen=True)
class Follower:
    """Where notices go: the channel, or the person (``personal``) by direct message."""

    id: str
    personal: bool


class Outcome(StrEnum):
    FOLLOWED = "followed"
    ALREADY = "already"
    UNFOLLOWED = "unfollowed"
    NOT_FOLLOWED = "not_followed"


def label(topic: FollowTopic, target: str) -> str:
    """``Resolution 50``, ``SG17``, ``Inter-regional meetings``."""
    if topic == FollowTopic.RESOLUTION:
        return f"Resolution {target}"
    if topic == FollowTopic.BODY:
        return target
    return MeetingKind(target).label.removesuffix(" meeting") + " meetings"


def follower_of(text: str, *, user: str, channel: str) -> tuple[Follower, str]:
    """Who follows, and the rest of the text: ``... for me``, or a command typed in a DM
    (channel ``D…``), is the person's; else the channel's."""
    rest, personal = FOR_ME.sub("", text), bool(FOR_ME.search(text))
    if personal or not channel or channel.startswith("D"):
        return Follower(user, True), rest.strip()
    return Follower(channel, False), rest.strip()


def plan_target(session: Session, text: str) -> Target:
    """A Resolution (``50``, ``Resolution 50``) or a body (``sg17``) of the plan."""
    text = " ".join(text.split())
    if not text:
        raise FollowError("Say what to follow: a Resolution (`50`) or a body (`sg17`).")
    body = body_named(text)
    if body is not None:
        return Target(FollowTopic.BODY, body)
    match = RESOLUTION.fullmatch(text)
    if match is None:
        item = canonical_id(text)
        if item is not None:
            raise FollowError(
                f"Follow {item}'s Resolution instead: `/action follow {item.split('-')[0]}`."
            )
        raise FollowError(
            f"“{text[:80]}” is neither a Resolution (`50`) nor a body (`sg17`, `tsag`)."
        )
    key = str(int(match["key"]))
    known = session.scalar(
        select(Resolution.id).where(
            Resolution.key == key, Resolution.edition == current_edition(session)
        )
    )
    if known is None:
        raise FollowError(f"Resolution {key} is not in the action plan.")
    return Target(FollowTopic.RESOLUTION, key)


def meeting_target(text: str) -> Target:
    """A kind of meeting (``irm``, ``tsag``, ``working party``)."""
    kind = parse_kind(text)
    if kind is None:
        kinds = ", ".join(f"`{kind.value}`" for kind in MeetingKind)
        raise FollowError(f"“{text.strip()[:80]}” is not a kind of meeting; one of {kinds}.")
    return Target(FollowTopic.MEETING_KIND, kind.value)


def follow(
    session: Session, follower: Follower, target: Target, *, by: str, now: datetime
) -> Outcome:
    """Store the follow; following twice is following once (the unique key decides)."""
    row = {
        "follower": follower.id,
        "personal": follower.personal,
        "topic": target.topic,
        "target": target.target,
        "created_by": by,
        "created_at": now,
    }
    added = insert_unless(session, Follow, [row], ("follower", "topic", "target"))
    return Outcome.FOLLOWED if added else Outcome.ALREADY


def unfollow(session: Session, follower: Follower, target: Target) -> Outcome:
    result = session.execute(
        delete(Follow).where(
            Follow.follower == follower.id,
            Follow.topic == target.topic,
            Follow.target == target.target,
        )
    )
    return Outcome.UNFOLLOWED if getattr(result, "rowcount", 0) else Outcome.NOT_FOLLOWED


def following(session: Session, follower: str) -> list[Follow]:
    """What ``follower`` (a channel or a person) follows, Resolutions first."""
    rows = session.scalars(select(Follow).where(Follow.follower == follower))
    order = list(FollowTopic)
    return sorted(
        rows,
        key=lambda row: (order.index(row.topic), row.target.zfill(4), row.target),
    )


@dataclass(frozen=True)
class Answer:
    """What a follow command did: its outcome on one target, or the list (``following``)."""

    follower: Follower
    outcome: Outcome | None = None
    target: Target | None = None
    follows: tuple[Follow, ...] = ()


def run_command(
    session: Session,
    verb: str,
    text: str,
    *,
    user: str,
    channel: str,
    meetings: bool,
    now: datetime,
) -> Answer:
    """``follow X``, ``unfollow X`` or ``following`` (each may end ``for me``), from
    ``/action`` (Resolutions and bodies) or ``/meetings`` (kinds of meeting).

    :class:`FollowError` for what names nothing to follow; nothing is changed then.
    """
    follower, rest = follower_of(text, user=user, channel=channel)
    if verb == "following":
        return Answer(follower, follows=tuple(following(session, follower.id)))
    target = meeting_target(rest) if meetings else plan_target(session, rest)
    if verb == "follow":
        return Answer(follower, follow(session, follower, target, by=user, now=now), target)
    return Answer(follower, unfollow(session, follower, target), target)


MEETINGS_SUFFIX = re.compile(r"\s+meetings?\s*$", re.IGNORECASE)


def any_target(session: Session, text: str) -> Target:
    """A Resolution, a body or a kind of meeting, as typed in the Home tab's *Follow…*:
    ``50``, ``sg17``, ``irm``; ``tsag`` is the body, ``tsag meetings`` the kind."""
    if MEETINGS_SUFFIX.search(text):
        return meeting_target(MEETINGS_SUFFIX.sub("", text))
    try:
        return plan_target(session, text)
    except FollowError:
        if parse_kind(text) is not None:
            return meeting_target(text)
        raise


def follow_personally(session: Session, text: str, *, user: str, now: datetime) -> Answer:
    """The Home tab's *Follow…*: ``user`` follows what ``text`` names, by direct message."""
    follower, target = Follower(user, True), any_target(session, text)
    return Answer(follower, follow(session, follower, target, by=user, now=now), target)
