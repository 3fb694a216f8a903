"""The index reads another process's changes at most once an interval, and a change
that needs the whole index built again is built off the request path."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from bot.slack.plan_index import PlanIndex
from bot.store.changes import changes_since, current_revision, forget_old_changes
from bot.store.db import Database
from bot.store.models import ActionItem
from tests.support.common import FixedClock
from tests.support.snapshots import import_once

HOUR = 3600.0


@pytest.fixture
def plan_db(db: Database, plan_text: str, clock: FixedClock) -> Database:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    return db


@pytest.fixture
def other(plan_db: Database) -> Iterator[Database]:
    """Another process's handle on the same database."""
    database = Database(plan_db.url)
    yield database
    database.dispose()


def rename(db: Database, words: str) -> None:
    """A bulk statement on the items (possibly every item changed)."""
    with db.unit_of_work() as session:
        session.execute(update(ActionItem).where(ActionItem.code == "50-18").values(action=words))
        session.commit()


def keys(index: PlanIndex, db: Database, query: str) -> list[str]:
    with db.unit_of_work(write=False) as session:
        return [hit.key for hit in index.get(session).search(query)]


def test_another_process_s_change_waits_for_the_interval(
    plan_db: Database, other: Database
) -> None:
    index = PlanIndex(plan_db, interval=HOUR)
    assert keys(index, plan_db, "quokka") == []
    rename(other, "Count the quokkas")
    assert keys(index, plan_db, "quokka") == []  # not asked again within the interval
    index.refresh()
    assert keys(index, plan_db, "quokka") == ["50-18"]


def test_a_change_that_needs_a_rebuild_is_built_by_the_refresher(plan_db: Database) -> None:
    index = PlanIndex(plan_db, interval=HOUR)
    with plan_db.unit_of_work(write=False) as session:
        before = index.get(session)
    index.start_refreshing()
    try:
        rename(plan_db, "Count the quokkas")
        with plan_db.unit_of_work(write=False) as session:
            assert index.get(session) is before  # the request does not wait for the build
        deadline = time.monotonic() + 30
        while index.builds < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert keys(index, plan_db, "quokka") == ["50-18"]
        assert index.builds == 2
    finally:
        index.stop_refreshing()


def test_this_process_s_change_is_applied_by_the_refresher_as_it_commits(
    plan_db: Database,
) -> None:
    index = PlanIndex(plan_db, interval=HOUR)
    with plan_db.unit_of_work(write=False) as session:
        index.get(session)
    index.start_refreshing()
    try:
        with plan_db.unit_of_work() as session:
            item = session.scalar(select(ActionItem).where(ActionItem.code == "50-18"))
            assert item is not None
            item.action = "Count the quokkas"
            session.commit()
        deadline = time.monotonic() + 30  # no request asks meanwhile: the refresher does it
        while index.revision < plan_db.committed_revision and time.monotonic() < deadline:
            time.sleep(0.01)
        assert index.revision == plan_db.committed_revision
        assert keys(index, plan_db, "quokka") == ["50-18"]
        assert index.builds == 1  # updated in place
    finally:
        index.stop_refreshing()


def test_a_process_behind_the_forgotten_revisions_builds_its_index_again(
    plan_db: Database, other: Database
) -> None:
    index = PlanIndex(plan_db, interval=HOUR)
    assert keys(index, plan_db, "quokka") == []
    with other.unit_of_work() as session:
        for words in ("Count the wombats", "Count the quokkas"):  # two revisions
            item = session.scalar(select(ActionItem).where(ActionItem.code == "50-20"))
            assert item is not None
            item.action = words
            session.commit()
        assert forget_old_changes(session, keep=1) > 0  # the first one's rows go
        session.commit()
        newest = current_revision(session)
        assert changes_since(session, newest - 1) == (newest, {item.id})  # still read
        assert changes_since(session, newest - 2) == (newest, {None})  # forgotten: all
    index.refresh()
    assert keys(index, plan_db, "quokka") == ["50-20"]
    assert index.builds == 2  # built again, not updated from rows it could not read
