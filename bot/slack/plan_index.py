"""The search index of a serving process, kept in step with the plan off the request path.

Built once, before ``serve`` listens; then updated in place for the items each change
touched (``bot.store.changes``): for this process's own changes, by the refresher
thread the moment they are committed (a request that searches before it is done
catches up itself), and for another replica's after reading the plan's revision, one
row, at most once every ``interval`` seconds.  A change that needs the whole index
built again (a new current edition, a bulk statement, more than half of the items) is
built by the refresher thread while requests go on with the index they have; without
a refresher (tests, the command line) the request builds it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import BindParameter, Select, bindparam, select
from sqlalchemy.orm import Session, selectinload

from bot.plan.editions import current_edition
from bot.store.changes import changes_since, current_revision
from bot.store.db import Database
from bot.store.models import ActionItem, Resolution, StatusUpdate
from bot.store.vocabulary import UpdateSource

if TYPE_CHECKING:
    from bot.plan.search import Document, SearchIndex

log = logging.getLogger(__name__)


@dataclass
class _Built:
    index: SearchIndex
    codes: dict[int, str]  # each indexed item's id: its code, the index's key
    revision: int
    edition: str


class PlanIndex:
    """One process's search index of the plan, and how it follows the plan."""

    def __init__(self, db: Database, interval: float = 1.0) -> None:
        self.db = db
        self.interval = interval
        self.builds = 0
        """How many times the whole index was built (the rest are updates in place)."""
        self._built: _Built | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None

    @property
    def built(self) -> bool:
        return self._built is not None

    @property
    def revision(self) -> int:
        """The plan revision the index is at (0 before it is built)."""
        built = self._built
        return 0 if built is None else built.revision

    def get(self, session: Session) -> SearchIndex:
        """The index, caught up with this process's own changes (and, without a
        refresher, with the others' every ``interval`` seconds)."""
        with self._lock:
            if self._built is None:
                self._install(_build(session))
            elif self.db.committed_revision > self._built.revision:
                self._catch_up(session, rebuild=self._refresher is None)
            elif self._refresher is None and self._due():
                self._catch_up(session, rebuild=True)
            assert self._built is not None
            return self._built.index

    def refresh(self) -> None:
        """Catch up with every process's changes; build the index again if they need
        it, outside the lock, so that searches go on meanwhile."""
        with self.db.unit_of_work(write=False) as session:
            with self._lock:
                if self._built is not None and not self._catch_up(session, rebuild=False):
                    return
            built = _build(session)
        with self._lock:
            self._install(built)
            if self.db.committed_revision <= built.revision:
                self._wake.clear()  # the catch-up above asked for this very build

    def start_refreshing(self) -> None:
        """Refresh every ``interval`` seconds, and at once when asked to (this process
        committed a change to the plan, or a change needs the index built again), in a
        thread."""
        self._refresher = threading.Thread(target=self._run, name="plan-index", daemon=True)
        self.db.on_plan_commit(lambda _revision: self._wake.set())
        self._refresher.start()

    def stop_refreshing(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._refresher is not None:
            self._refresher.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.refresh()
            except Exception:
                log.exception("the search index could not be brought up to date")

    def _due(self) -> bool:
        return time.monotonic() - self._checked_at >= self.interval

    def _install(self, built: _Built) -> None:
        self._built = built
        self._checked_at = time.monotonic()
        self.builds += 1

    def _catch_up(self, session: Session, *, rebuild: bool) -> bool:
        """Update the index in place for the changes since it was made; True when
        they need it built again and ``rebuild`` does not allow it here (the
        refresher is woken to build it)."""
        built = self._built
        assert built is not None
        self._checked_at = time.monotonic()
        newest, changed = changes_since(session, built.revision)
        if newest <= built.revision:
            return False
        ids = {item_id for item_id in changed if item_id is not None}
        if (
            None in changed
            or len(ids) * 2 > len(built.codes)
            or current_edition(session) != built.edition
        ):
            if rebuild:
                self._install(_build(session))
                return False
            self._wake.set()
            return True
        found = indexed_items(session, built.edition, ids)
        still = {item_id for item_id, _, _ in found}
        codes = dict(built.codes)
        removed = [codes.pop(i) for i in ids - still if i in codes]
        index = built.index.updated(
            [(document, position) for _, document, position in found], removed
        )
        codes.update((item_id, document.key) for item_id, document, _ in found)
        self._built = _Built(index, codes, newest, built.edition)
        return False


def _build(session: Session) -> _Built:
    from bot.plan.search import SearchIndex  # and rapidfuzz: only once an index is wanted

    revision, edition = current_revision(session), current_edition(session)
    found = indexed_items(session, edition)
    index = SearchIndex(
        (document for _, document, _ in found), (position for _, _, position in found)
    )
    return _Built(
        index, {item_id: document.key for item_id, document, _ in found}, revision, edition
    )


def build_index(session: Session) -> SearchIndex:
    """The index of the current plan's active items, with what people recorded on them
    (the words and document references of every update still standing, from Slack or
    the command line) so that ``/action TD206`` finds a note citing it."""
    return _build(session).index


def indexed_items(
    session: Session, edition: str, ids: Collection[int] | None = None
) -> list[tuple[int, Document, int]]:
    """The active items of ``edition`` (of them, those with ``ids``) as the index holds
    them: each item's id, its document and its position, in plan order."""
    from bot.plan.search import Document

    query, updates = _indexed(ids is not None)
    params = {"edition": edition} if ids is None else {"edition": edition, "ids": list(ids)}
    rows = session.execute(query, params).all()
    notes: dict[int, list[str]] = {}
    for update in session.scalars(updates, params):
        notes.setdefault(update.item_id, []).extend([update.words, *(update.documents or [])])
    return [
        (
            item_id,
            Document(code, action, title, status, "\n".join(notes.get(item_id, []))),
            position,
        )
        for item_id, code, action, title, status, position in rows
    ]


@cache
def _indexed(some: bool) -> tuple[Select[int, str, str, str, str, int], Select[StatusUpdate]]:
    """The statements of :func:`indexed_items` (for the items ``:ids`` when ``some``),
    built once: the refresher asks them after every change to the plan."""
    edition: BindParameter[str] = bindparam("edition")
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
    if some:
        ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
        query = query.where(ActionItem.id.in_(ids))
        updates = updates.where(StatusUpdate.item_id.in_(ids))
    return query, updates
