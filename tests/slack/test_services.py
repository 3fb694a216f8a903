"""The search index of a process: built once, then updated in place for the items each
change touched (this process's own at once, another process's within a second)."""

from __future__ import annotations

import time

import pytest

from bot.plan.importing import import_bytes
from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import IncomingMessage, record_message
from bot.settings import Settings
from bot.slack.services import Services
from bot.store.db import Database
from tests.support.common import FixedClock
from tests.support.snapshots import import_once


@pytest.fixture
def plan_db(db: Database, plan_text: str, clock: FixedClock) -> Database:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    return db


def services_on(db: Database, interval: float = 1.0) -> Services:
    return Services(settings=Settings(database_url=db.url), db=db, index_interval=interval)


def found(services: Services, query: str) -> list[str]:
    with services.db.unit_of_work() as session:
        return [hit.key for hit in services.search_index(session).search(query)]


def record(db: Database, clock: FixedClock, text: str) -> None:
    message = IncomingMessage("T1", "C1", "1700000000.000100", "U1", "Alice", text)
    with db.unit_of_work() as session:
        record_message(session, message, parse_message(text), editors=frozenset(), now=clock())
        session.commit()


def test_a_status_update_changes_the_index_in_place(plan_db: Database, clock: FixedClock) -> None:
    services = services_on(plan_db, interval=3600)
    assert found(services, "zanzibar") == []
    record(plan_db, clock, "50-18 done, the zanzibar liaison is sent")
    assert found(services, "zanzibar") == ["50-18"]
    assert found(services, "zanzibr") == ["50-18"]  # still fuzzy
    assert services.index_builds == 1


def test_an_import_changes_the_index_in_place(
    plan_db: Database, plan_text: str, clock: FixedClock
) -> None:
    services = services_on(plan_db, interval=3600)
    assert found(services, "cybersecurity roadmap")
    changed = plan_text.replace("cybersecurity", "quokka").replace("Cybersecurity", "Quokka")
    assert changed != plan_text
    import_bytes(plan_db, changed.encode(), "plan.txt", clock, allow_clearing=True)
    assert found(services, "quokka")
    assert services.index_builds == 1


def test_another_process_sees_a_change_within_its_interval(
    plan_db: Database, clock: FixedClock
) -> None:
    replica = Database(plan_db.url)
    try:
        other = services_on(replica, interval=0.2)
        assert found(other, "zanzibar") == []
        record(plan_db, clock, "50-18 done, the zanzibar liaison is sent")
        time.sleep(0.25)
        assert found(other, "zanzibar") == ["50-18"]
        assert other.index_builds == 1
    finally:
        replica.dispose()
