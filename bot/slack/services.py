"""What every listener needs, built once per app: settings, database, clock, views."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.clock import Clock, system_clock
from bot.plan.editions import current_edition
from bot.plan.search import Document, SearchIndex
from bot.plan.views import Views
from bot.render import Renderer
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import ActionItem, ImportRun, Resolution, StatusUpdate
from bot.store.vocabulary import UpdateSource

USER_TTL = 6 * 3600.0


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock = system_clock
    renderer: Renderer = field(default_factory=Renderer)
    _index: SearchIndex | None = None
    _index_version: tuple[int, int, int] | None = None
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
        """The index of active items, rebuilt only when the plan has changed."""
        version = plan_version(session)
        with self._lock:
            if self._index is None or self._index_version != version:
                self._index = build_index(session)
                self._index_version = version
            return self._index


def _name(user: dict[str, Any], user_id: str) -> str:
    profile = user.get("profile", {})
    name = profile.get("display_name") or profile.get("real_name") or user.get("name")
    return str(name or user_id)


def plan_version(session: Session) -> tuple[int, int, int]:
    row = session.execute(
        select(
            select(func.count(ActionItem.id)).scalar_subquery(),
            select(func.coalesce(func.max(ImportRun.id), 0)).scalar_subquery(),
            select(func.coalesce(func.max(StatusUpdate.id), 0)).scalar_subquery(),
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def build_index(session: Session) -> SearchIndex:
    """The index of the current plan's active items, with what people recorded on them
    (the words and document references of every update still standing, from Slack or
    the command line) so that ``/action TD206`` finds a note citing it."""
    edition = current_edition(session)
    rows = session.execute(
        select(
            ActionItem.id, ActionItem.code, ActionItem.action, Resolution.title, ActionItem.status
        )
        .join(Resolution)
        .where(ActionItem.appendix == "", ActionItem.edition == edition)
        .order_by(ActionItem.position)
    ).all()
    notes: dict[int, list[str]] = {}
    updates = session.scalars(
        select(StatusUpdate)
        .join(ActionItem)
        .where(ActionItem.appendix == "", ActionItem.edition == edition)
        .where(StatusUpdate.retracted_at.is_(None), StatusUpdate.source != UpdateSource.IMPORT)
        .options(selectinload(StatusUpdate.message))
        .order_by(StatusUpdate.id)
    )
    for update in updates:
        notes.setdefault(update.item_id, []).extend([update.words, *(update.documents or [])])
    return SearchIndex(
        Document(code, action, title, status, "\n".join(notes.get(item_id, [])))
        for item_id, code, action, title, status in rows
    )
