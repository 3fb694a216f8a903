"""The database schema: Resolutions, action items, their update history, imports.

Every change to these classes needs an Alembic migration in ``migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from bot.store.vocabulary import (
    FollowTopic,
    InboxStatus,
    PostMethod,
    PostStatus,
    UpdateKind,
    UpdateSource,
    Words,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no zone, so values are converted to UTC on the way in and
    tagged as UTC on the way out; PostgreSQL stores ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Rows made without an edition belong to the first plan tsagbot held, as migration
# 0004 decided for the rows that existed before editions; imports always name one.
FIRST_EDITION = "WTSA-20"


class Edition(Base):
    """One Assembly's action plan (``WTSA-20``, ``WTSA-24``).

    The edition with the highest ``year`` is the current one: ``/action``, search,
    the digest and questions read its items; older editions keep theirs, with
    their history, as obsolete items of that edition.
    """

    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(16), unique=True)  # "WTSA-20"
    year: Mapped[int] = mapped_column(Integer, index=True)  # 2020
    title: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Resolution(Base):
    """A Resolution (or Opinion) of one edition, with its Section I summary row.

    ``action_by``, ``collaboration`` and ``report_to`` are the Section I cells
    (who acts, who collaborates, to whom it reports) as the document words them.
    """

    __tablename__ = "resolutions"
    __table_args__ = (UniqueConstraint("edition", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition: Mapped[str] = mapped_column(String(16), default=FIRST_EDITION)
    key: Mapped[str] = mapped_column(String(32))  # "50", "Opinion 1"
    title: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    action_by: Mapped[str] = mapped_column(Text, default="")
    collaboration: Mapped[str] = mapped_column(Text, default="")
    report_to: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[ActionItem]] = relationship(back_populates="resolution")

    @property
    def label(self) -> str:
        return self.key if self.key.startswith("Opinion") else f"Resolution {self.key}"


class ActionItem(Base):
    """One action item of the plan, active or obsolete.

    ``completed``, ``periodic_goals_met`` and ``status`` are the current values,
    which people may change between two versions of the document; the ``doc_``
    columns keep what the last imported document said, so that a re-import
    only overrides what the document itself changed.  ``status`` is
    ``doc_status`` followed by a dated line per note recorded since and still
    standing (``bot.plan.updates.status_text``).  ``edition`` is the Assembly
    whose plan the item is in; numbers are unique within an edition only.
    """

    __tablename__ = "action_items"
    __table_args__ = (UniqueConstraint("edition", "code", "appendix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition: Mapped[str] = mapped_column(String(16), index=True, default=FIRST_EDITION)
    code: Mapped[str] = mapped_column(String(16), index=True)  # "50-18"
    appendix: Mapped[str] = mapped_column(String(64), default="")  # "" = active item
    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolutions.id"))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    action: Mapped[str] = mapped_column(Text, default="")
    milestone: Mapped[str] = mapped_column(Text, default="")
    periodic_goals_met: Mapped[bool] = mapped_column(Boolean, default=False)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(Text, default="")
    doc_periodic_goals_met: Mapped[bool] = mapped_column(Boolean, default=False)
    doc_completed: Mapped[bool] = mapped_column(Boolean, default=False)
    doc_status: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    resolution: Mapped[Resolution] = relationship(back_populates="items")
    updates: Mapped[list[StatusUpdate]] = relationship(
        back_populates="item", order_by="StatusUpdate.id"
    )
    alias_rows: Mapped[list[ItemAlias]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def obsolete(self) -> bool:
        return bool(self.appendix)

    @validates("aliases")
    def _index_aliases(self, _key: str, aliases: list[str]) -> list[str]:
        """Keep :class:`ItemAlias` in step with the list, whoever assigns it (an import,
        a merge): the rows of the numbers still listed stay, the others go."""
        kept = {row.code: row for row in self.alias_rows if row.code in aliases}
        self.alias_rows = [
            kept.get(code) or ItemAlias(code=code) for code in dict.fromkeys(aliases)
        ]
        return aliases


class ItemAlias(Base):
    """One earlier number an item lists (``ActionItem.aliases``), indexed, so that an
    id is found among the aliases without reading every item's list."""

    __tablename__ = "item_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("action_items.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(16), index=True)

    item: Mapped[ActionItem] = relationship(back_populates="alias_rows")


# The kinds of update that a message makes about an item as a whole: they say what
# the message says, so they read its text instead of keeping a copy each.
READS_ITS_MESSAGE = frozenset({UpdateKind.COMPLETED, UpdateKind.PERIODIC, UpdateKind.REOPENED})


class StatusUpdate(Base):
    """One entry of an item's history; rows are appended, never rewritten.

    ``text`` is the update's own words: a note's text, an import's or the command
    line's update, what a retraction took back.  A flag change recorded from a
    Slack message keeps none (``""``): its words are the message's, stored once in
    ``slack_messages.text`` however many items the message updates, and
    :attr:`words` is what every reader shows.  An edit that changes a message's
    words gives its updates already taken back the words they were made with.
    """

    __tablename__ = "status_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"), index=True)
    kind: Mapped[UpdateKind] = mapped_column(Words(UpdateKind, 32))
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(255), default="")
    author_id: Mapped[str] = mapped_column(String(64), default="")
    reporter_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    """Who wrote the message recorded with *Record as update*, when not its author."""
    source: Mapped[UpdateSource] = mapped_column(Words(UpdateSource, 16))
    link: Mapped[str | None] = mapped_column(Text, nullable=True)
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    previous: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("slack_messages.id"), nullable=True, index=True
    )
    channel: Mapped[str] = mapped_column(String(64), default="")
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    retracted_by: Mapped[str] = mapped_column(String(32), default="")  # undo, edit, delete

    item: Mapped[ActionItem] = relationship(back_populates="updates")
    message: Mapped[SlackMessage | None] = relationship(back_populates="updates")

    @property
    def active(self) -> bool:
        return self.retracted_at is None

    @property
    def reads_its_message(self) -> bool:
        """Whether this update says what its message says (and keeps no text of its own)."""
        return not self.text and self.message_id is not None and self.kind in READS_ITS_MESSAGE

    @property
    def words(self) -> str:
        """What the update says, as every view, digest and export shows it.

        Readers of many updates load the messages with them
        (``selectinload(StatusUpdate.message)``): one query for all, not one each.
        """
        if self.reads_its_message and self.message is not None:
            return self.message.text
        return self.text


class SlackMessage(Base):
    """A channel message that recorded updates.

    The unique key on (workspace, channel, message time) is what makes a message
    count once, however often Slack delivers it and however many replicas run.
    ``text`` is the message as people read it (markup resolved, mentions and
    quoted lines dropped: ``ParsedMessage.text``), the words of its flag updates.
    """

    __tablename__ = "slack_messages"
    __table_args__ = (UniqueConstraint("team_id", "channel", "ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    user_id: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    permalink: Mapped[str | None] = mapped_column(Text, nullable=True)
    reply_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    updates: Mapped[list[StatusUpdate]] = relationship(
        back_populates="message", order_by="StatusUpdate.id"
    )


class ImportRun(Base):
    """One import of a file: an action plan (``edition`` set) or a schedule.

    ``document_date`` is the day an action-plan document speaks for (the latest day
    its statuses report, no later than the import); None when it names no day.
    """

    __tablename__ = "import_runs"
    __table_args__ = (Index("ix_import_runs_edition_created", "edition", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_kind: Mapped[str] = mapped_column(String(16))  # docx, text
    edition: Mapped[str] = mapped_column(String(16), default="")  # "WTSA-20"
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    anomalies: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    document_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class Meeting(Base):
    """One meeting of the schedule; times in UTC, shown in ``timezone`` or the reader's zone.

    ``uid`` is stable across re-imports and edits: it names the meeting in the
    calendar feed and in the keys of the reminders sent about it.
    """

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16), default="")  # virtual, physical, hybrid
    place: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    series: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
    )


class AgendaItem(Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class OutboxPost(Base):
    """A message the bot posts (reminder, digest part, confirmation, answer), once.

    The unique ``key`` says what the post is (``reminder:start:<uid>:<time>``,
    ``digest:<slot>/1``, ``<event key>:confirm``); whichever process inserts it
    first owns it, so restarts and replicas cannot post it twice. The payload is
    stored when the post is due, so a retry after a failure posts exactly what was
    first composed. ``method`` is the Web API method; ``params`` what it needs
    besides the channel and the text (``thread_ts``, ``ts``, ``user``, ``name``).
    """

    __tablename__ = "outbox_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    useful_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[PostStatus] = mapped_column(Words(PostStatus, 16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    method: Mapped[PostMethod] = mapped_column(
        Words(PostMethod, 32), default=PostMethod.MESSAGE, server_default=PostMethod.MESSAGE.value
    )
    params: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")


class InboxEvent(Base):
    """An event Slack delivered, stored before Slack is told it was received.

    The unique ``key`` is Slack's event id, the same on every delivery and retry, so
    an event is stored once however often it comes and whichever replica it reaches.
    A worker claims a row for a lease (as the outbox does), runs the app's listeners
    on ``body``, and marks it done; a row left claimed by a process that stopped is
    claimed again when its lease ends.
    """

    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[InboxStatus] = mapped_column(Words(InboxStatus, 16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_inbox_events_due", "status", "next_attempt_at"),)


class Follow(Base):
    """A channel or a person following a Resolution (``50``), a body (``sg17``) or a kind
    of meeting (``irm``).

    ``follower`` is where the notices go: a channel id, or a user id when ``personal``
    (then they go by direct message). The unique key on (follower, topic, target) makes
    following twice the same as following once, whichever replica takes the command.
    """

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("follower", "topic", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follower: Mapped[str] = mapped_column(String(64), index=True)
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    topic: Mapped[FollowTopic] = mapped_column(Words(FollowTopic, 16))
    target: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowedUpdate(Base):
    """An update already handed to its followers (or found to have none).

    The unique ``key`` (the update's id) is the claim: the process that inserts it
    tells the followers about that update, in the same transaction as the notices it
    queues; any other process finds the key taken and leaves the update alone.
    """

    __tablename__ = "followed_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("status_updates.id"), index=True)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReminderSubscriber(Base):
    """A person who asked for reminders by direct message (``/meetings remind me``).

    ``timezone`` is theirs as Slack says (``users.info``), kept when they opt in and
    refreshed when they open the App Home, so that the day-based reminders come at
    09:00 of their own day. Only reminders falling after ``created_at`` are sent.
    """

    __tablename__ = "reminder_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReminderDismissal(Base):
    """ "Got it" on a personal reminder: no more of that kind for that meeting to that person."""

    __tablename__ = "reminder_dismissals"
    __table_args__ = (UniqueConstraint("user_id", "meeting_uid", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    meeting_uid: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScheduleEntry(Base):
    """A schedule file's entry as last read, by its fingerprint, and the meeting it made.

    A file is read again whenever any of it changed; an entry that is word for word the
    last one read for its meeting says nothing new, so what an admin did since in the
    meeting form (moved the meeting, called it off) stands: the import neither re-adds nor
    reverts it.  An older entry read again (the meeting moved back) is a change.
    """

    __tablename__ = "schedule_entries"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_uid: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BodyContact(Base):
    """Where a responsible body (``SG17``, ``TSB``) is asked for its updates in a reporting
    round: its channel, or by direct message its people (chairs, rapporteurs)."""

    __tablename__ = "body_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(64), default="")
    users: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportingRound(Base):
    """The bodies asked for their updates before one meeting (one round per meeting).

    Whether an item was reported is not stored: any update recorded on it since
    ``started_at`` (a channel message, the form, the console) says so, whichever path
    recorded it; only a body's "Nothing new" is kept, on its :class:`RoundItem`.
    """

    __tablename__ = "reporting_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_uid: Mapped[str] = mapped_column(String(64), unique=True)
    meeting_name: Mapped[str] = mapped_column(Text)
    edition: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by: Mapped[str] = mapped_column(String(64), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by: Mapped[str] = mapped_column(String(64), default="")

    items: Mapped[list[RoundItem]] = relationship(
        back_populates="round", order_by="RoundItem.id", cascade="all, delete-orphan"
    )


class RoundItem(Base):
    """One item a round asks one body about; ``nothing_new_at`` when the body said so."""

    __tablename__ = "round_items"
    __table_args__ = (UniqueConstraint("round_id", "item_id", "body"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("reporting_rounds.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"))
    body: Mapped[str] = mapped_column(String(64))
    nothing_new_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    nothing_new_by: Mapped[str] = mapped_column(String(64), default="")

    round: Mapped[ReportingRound] = relationship(back_populates="items")
    item: Mapped[ActionItem] = relationship()


class PlanRevision(Base):
    """One row: the plan's revision, bumped by every transaction that changes what
    search reads (``bot.store.changes``).  Its row lock orders those transactions, so
    revisions become visible in the order they were taken."""

    __tablename__ = "plan_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


class PlanChange(Base):
    """Which item a revision changed (``item_id`` None: possibly every item), so that
    each process updates its search index for those items alone."""

    __tablename__ = "plan_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, index=True)
    item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
