"""What every listener needs, built once per app: settings, database, clock, views."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.clock import Clock, system_clock
from bot.plan.views import Views
from bot.posting.inbox_writer import InboxWriter
from bot.render import Renderer
from bot.settings import Settings
from bot.slack.plan_index import PlanIndex
from bot.slack.plan_index import build_index as build_index
from bot.store.db import Database

if TYPE_CHECKING:
    from bot.plan.search import SearchIndex

USER_TTL = 6 * 3600.0


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock = system_clock
    renderer: Renderer = field(default_factory=Renderer)
    index_interval: float = 1.0
    """Seconds between two reads of the plan's revision (another process's changes)."""
    _plan_index: PlanIndex = field(init=False)
    _users: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict)
    _workspace_url: str | None = None
    inbox_arrived: threading.Event = field(default_factory=threading.Event)
    """Set when an event is stored, so that the inbox worker wakes at once."""
    inbox_writer: InboxWriter = field(init=False)
    """Stores the events of concurrent requests, many to a commit."""

    def __post_init__(self) -> None:
        self._plan_index = PlanIndex(self.db, self.index_interval)
        self.inbox_writer = InboxWriter(self.db)
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
        return self._plan_index.built

    @property
    def index_builds(self) -> int:
        """How many times the whole search index was built (the rest are updates)."""
        return self._plan_index.builds

    @property
    def plan_index(self) -> PlanIndex:
        return self._plan_index

    def search_index(self, session: Session) -> SearchIndex:
        """The index of the current plan's active items (:mod:`bot.slack.plan_index`)."""
        return self._plan_index.get(session)


def _name(user: dict[str, Any], user_id: str) -> str:
    profile = user.get("profile", {})
    name = profile.get("display_name") or profile.get("real_name") or user.get("name")
    return str(name or user_id)
