"""Where each responsible body is asked for its updates: a channel and/or its people.

The bodies are the ones :mod:`bot.plan.bodies` reads from the plan (the bodies that act
on an item, from its text or Section I), named as it names them (``SG17``, ``TSB``,
``All SGs``); ``sg 17`` or ``Study Group 17`` given here is stored as ``SG17``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.plan.bodies import bodies_in, body_named, responsibility
from bot.plan.editions import current_edition
from bot.render import SLACK_CHANNEL, SLACK_USER
from bot.store.models import ActionItem, BodyContact


class RoundError(ValueError):
    """A round or a body cannot be set as asked; ``str()`` is one line."""


def body_name(text: str) -> str:
    """The body ``text`` names, as the plan's bodies are named; :class:`RoundError` if none."""
    named = body_named(text)
    if named is not None:
        return named
    found = bodies_in(text)
    if len(found) == 1 and found[0].lower() == " ".join(text.split()).lower():
        return found[0]
    raise RoundError(
        f"{text.strip()[:40]!r} names no responsible body (try SG17, TSB, TSBDir, TSAG, "
        "Membership, All SGs)"
    )


def set_contact(
    session: Session,
    body: str,
    *,
    channel: str | None,
    users: list[str] | None,
    by: str,
    now: datetime,
) -> BodyContact:
    """Map ``body`` to a channel and/or people; what is not given stays as it was."""
    name = body_name(body)
    if channel is None and users is None:
        raise RoundError("give --channel C… and/or --users U1,U2")
    if channel and not SLACK_CHANNEL.fullmatch(channel):
        raise RoundError(f"{channel[:40]!r} is not a Slack channel id (C… or G…)")
    bad = [user for user in users or [] if not SLACK_USER.fullmatch(user)]
    if bad:
        raise RoundError(f"{bad[0][:40]!r} is not a Slack user id (U… or W…)")
    contact = session.scalar(select(BodyContact).where(BodyContact.body == name))
    if contact is None:
        contact = BodyContact(body=name, channel="", users=[])
        session.add(contact)
    if channel is not None:
        contact.channel = channel
    if users is not None:
        contact.users = list(dict.fromkeys(users))
    contact.updated_by = by
    contact.updated_at = now
    session.flush()
    return contact


def contacts(session: Session) -> dict[str, BodyContact]:
    return {contact.body: contact for contact in session.scalars(select(BodyContact))}


def destinations(contact: BodyContact | None) -> list[str]:
    """Where a body's messages go: its channel, else each of its people (by DM)."""
    if contact is None:
        return []
    return [contact.channel] if contact.channel else list(contact.users)


def plan_bodies(session: Session) -> Counter[str]:
    """The bodies acting on the current plan's active items, with their number of items."""
    query = (
        select(ActionItem)
        .where(ActionItem.appendix == "", ActionItem.edition == current_edition(session))
        .options(selectinload(ActionItem.resolution))
    )
    found: Counter[str] = Counter()
    for item in session.scalars(query):
        found.update(responsibility(item).acts)
    return found
