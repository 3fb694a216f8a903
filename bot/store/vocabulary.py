"""The words the database stores for kinds and statuses, as ``StrEnum``s.

The columns keep the plain strings they always held (``VARCHAR(n)``, no
constraint, no migration): :class:`Words` only turns them into members on the
way out and checks them on the way in, so a misspelt kind fails at the write,
not in a later reader.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar

from sqlalchemy import String, TypeDecorator
from sqlalchemy.engine import Dialect


class UpdateKind(StrEnum):
    """What one entry of an item's history did."""

    COMPLETED = "completed"
    PERIODIC = "periodic"
    REOPENED = "reopened"
    NOTE = "note"
    DOCUMENT = "document"
    """A re-imported document changed the item's flags or status."""
    UNDO = "undo"
    EDIT = "edit"
    DELETE = "delete"


class UpdateSource(StrEnum):
    """Where an entry of an item's history came from."""

    SLACK = "slack"
    CLI = "cli"
    IMPORT = "import"


class FollowTopic(StrEnum):
    """What a channel or a person follows: a Resolution, a body, or a kind of meeting."""

    RESOLUTION = "resolution"
    BODY = "body"
    MEETING_KIND = "meeting_kind"


class PostStatus(StrEnum):
    """Where a post of the outbox stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"
    NO_CHANNEL = "no_channel"
    ABANDONED = "abandoned"


class InboxStatus(StrEnum):
    """Where an event Slack delivered stands in the inbox."""

    PENDING = "pending"
    WORKING = "working"
    """Claimed by a worker for one lease; claimable again when the lease ends."""
    DONE = "done"
    FAILED = "failed"
    """Its listener failed; it is tried again after a pause."""
    ABANDONED = "abandoned"


class PostMethod(StrEnum):
    """The Web API method an outbox post is made with."""

    MESSAGE = "chat.postMessage"
    EPHEMERAL = "chat.postEphemeral"
    """Seen by one person (``params.user``); Slack keeps no copy to look for."""
    UPDATE = "chat.update"
    """Replaces the message ``params.ts``: doing it twice changes nothing."""
    REACTION = "reactions.add"
    """Adds the reaction ``params.name`` to the message ``params.ts``."""
    UNREACTION = "reactions.remove"
    """Takes the bot's reaction ``params.name`` off the message ``params.ts``."""


E = TypeVar("E", bound=StrEnum)


class Words(TypeDecorator[E], Generic[E]):
    """A ``VARCHAR(length)`` column that holds the values of one ``StrEnum``."""

    impl = String
    cache_ok = True

    def __init__(self, words: type[E], length: int) -> None:
        super().__init__(length)
        self.words = words

    def process_bind_param(self, value: E | str | None, _dialect: Dialect) -> str | None:
        return None if value is None else self.words(value).value

    def process_result_value(self, value: str | None, _dialect: Dialect) -> E | None:
        return None if value is None else self.words(value)
