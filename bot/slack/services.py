"""What every listener needs, built once per app: settings, database, clock, views."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.clock import Clock, system_clock
from bot.plan.editions import current_edition
from bot.plan.search import Document, SearchIndex
from bot.plan.views import Views
from bot.render import Renderer
from bot.settings import Settings
from bot.store.changes import changes_since, current_revision
from bot.store.db import Database
from bot.store.models import ActionItem, Resolution, StatusUpdate
from bot.store.vocabulary import UpdateSource

USER_TTL = 6 * 3600.0


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock = system_clock
    renderer: Renderer = field(default_factory=Renderer)
    index_interval: float = 1.0
    """Seconds between two reads of the plan's revision (another process's changes)."""
    index_builds: int = 0
    """How many times the whole index was built (the rest are updates in place)."""
    _index: SearchIndex | None = None
    _index_revision: int = 0
    _index_edition: str = ""
    _index_codes: dict[int, str] = field(default_factory=dict)
    _checked_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _users: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict)
    _workspace_url: str | None = None
    inbox_arrived: threading.Event = field(default_factory=threading.Event)
    """Set when an event is stored, so that the inbox worker wakes at once."""

    def __post_init__(self) -> None:
        if self.settings.document_url and not self.renderer.document_url:
            self.renderer = Renderer(self.settings.document_url)

    def permalink(
        self, client: WebClient, channel: str, ts: str, thread_ts: str | None
    ) -> str | None:
        """A message's link, built as Slack builds it from the workspace's address
        (asked of Slack once, ``auth.test``); None while Slack cannot say."""
        if self._workspace_url is None:
            try:
                url = str(client.auth_test().get("url") or "")
            except (SlackApiError, OSError):
                return None
            self._workspace_url = url if url.endswith("/") else url + "/"
        link = f"{self._workspace_url}archives/{channel}/p{ts.replace('.', '')}"
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel}"
        return link

    def _user(self, client: WebClient, user_id: str) -> dict[str, Any] | None:
        """A user's ``users.info`` object, asked of Slack once per user for
        :data:`USER_TTL` seconds (people change time zone when they travel); None when
        Slack cannot say just now, and then asked again next time."""
        kept = self._users.get(user_id)
        if kept is not None and time.monotonic() - kept[0] < USER_TTL:
            return kept[1]
        try:
            user = dict(client.users_info(user=user_id)["user"])
        except (SlackApiError, OSError):
            return kept[1] if kept is not None else None
        self._users[user_id] = (time.monotonic(), user)
        return user

    def known_name(self, user_id: str) -> str | None:
        """A user's display name if Slack has told it already (no call to Slack)."""
        kept = self._users.get(user_id)
        return None if kept is None else _name(kept[1], user_id)

    def display_name(self, client: WebClient, user_id: str) -> str:
        """A user's display name, or their id when Slack cannot say."""
        user = self._user(client, user_id)
        return user_id if user is None else _name(user, user_id)

    def user_zone(self, client: WebClient, user_id: str) -> ZoneInfo | None:
        """The time zone of a user's Slack profile (``user.tz``), or None when unknown."""
        user = self._user(client, user_id) if user_id else None
        name = str((user or {}).get("tz") or "")
        try:
            return ZoneInfo(name) if name else None
        except (ZoneInfoNotFoundError, ValueError):
            return None

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Services:
        db = Database(settings.database_url, create_folder=settings.own_database)
        db.upgrade()
        return cls(settings=settings, db=db, clock=clock)

    def views(self, command: str = "/action") -> Views:
        return Views(self.renderer, self.settings.tz, command)

    @property
    def index_built(self) -> bool:
        return self._index is not None

    def search_index(self, session: Session) -> SearchIndex:
        """The index of the current plan's active items: built once (at start-up), then
        updated in place for the items changed since, which this process learns at once
        for its own changes and, for other processes', by reading the plan's revision
        at most every :attr:`index_interval` seconds.  Built again only when the
        current edition changes, a bulk statement changed any item, or more than half
        of the items changed."""
        with self._lock:
            now = time.monotonic()
            if self._index is None:
                self._build(session)
            elif (
                self.db.committed_revision > self._index_revision
                or now - self._checked_at >= self.index_interval
            ):
                self._catch_up(session)
            self._checked_at = now
            assert self._index is not None
            return self._index

    def _build(self, session: Session) -> None:
        revision, edition = current_revision(session), current_edition(session)
        found = indexed_items(session, edition)
        self._index = SearchIndex(
            (document for _, document, _ in found), (position for _, _, position in found)
        )
        self._index_codes = {item_id: document.key for item_id, document, _ in found}
        self._index_revision, self._index_edition = revision, edition
        self.index_builds += 1

    def _catch_up(self, session: Session) -> None:
        assert self._index is not None
        newest, changed = changes_since(session, self._index_revision)
        if newest <= self._index_revision:
            return
        ids = {item_id for item_id in changed if item_id is not None}
        if (
            None in changed
            or len(ids) * 2 > len(self._index_codes)
            or current_edition(session) != self._index_edition
        ):
            self._build(session)
            return
        found = indexed_items(session, self._index_edition, ids)
        still = {item_id for item_id, _, _ in found}
        removed = [self._index_codes.pop(i) for i in ids - still if i in self._index_codes]
        self._index = self._index.updated(
            [(document, position) for _, document, position in found], removed
        )
        self._index_codes.update((item_id, document.key) for item_id, document, _ in found)
        self._index_revision = newest


def _name(user: dict[str, Any], user_id: str) -> str:
    profile = user.get("profile", {})
    name = profile.get("display_name") or profile.get("real_name") or user.get("name")
    return str(name or user_id)


def build_index(session: Session) -> SearchIndex:
    """The index of the current plan's active items, with what people recorded on them
    (the words and document references of every update still standing, from Slack or
    the command line) so that ``/action TD206`` finds a note citing it."""
    found = indexed_items(session, current_edition(session))
    return SearchIndex(
        (document for _, document, _ in found), (position for _, _, position in found)
    )


def indexed_items(
    session: Session, edition: str, ids: Collection[int] | None = None
) -> list[tuple[int, Document, int]]:
    """The active items of ``edition`` (of them, those with ``ids``) as the index holds
    them: each item's id, its document and its position, in plan order."""
    query = (
        select(
            ActionItem.id,
            ActionItem.code,
            ActionItem.action,
            Resolution.title,
            ActionItem.status,
            ActionItem.position,
        )
        .join(Resolution)
        .where(ActionItem.appendix == "", ActionItem.edition == edition)
        .order_by(ActionItem.position)
    )
    updates = (
        select(StatusUpdate)
        .join(ActionItem)
        .where(ActionItem.appendix == "", ActionItem.edition == edition)
        .where(StatusUpdate.retracted_at.is_(None), StatusUpdate.source != UpdateSource.IMPORT)
        .options(selectinload(StatusUpdate.message))
        .order_by(StatusUpdate.id)
    )
    if ids is not None:
        query = query.where(ActionItem.id.in_(ids))
        updates = updates.where(StatusUpdate.item_id.in_(ids))
    rows = session.execute(query).all()
    notes: dict[int, list[str]] = {}
    for update in session.scalars(updates):
        notes.setdefault(update.item_id, []).extend([update.words, *(update.documents or [])])
    return [
        (
            item_id,
            Document(code, action, title, status, "\n".join(notes.get(item_id, []))),
            position,
        )
        for item_id, code, action, title, status, position in rows
    ]
