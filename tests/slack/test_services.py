"""The search index follows the plan without being built again: this process's own
changes at once, another process's through the plan's revision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.plan.importing import import_bytes
from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import (
    IncomingMessage,
    edit_message,
    find_message,
    record_message,
    retract_message,
)
from bot.settings import Settings
from bot.slack.services import Services, build_index
from bot.store.db import Database
from bot.store.vocabulary import UpdateKind
from tests.support.common import FixedClock
from tests.support.snapshots import import_once

TS = "1700000000.000100"


@pytest.fixture
def services(database_url: str, plan_text: str, clock: FixedClock) -> Iterator[Services]:
    db = Database(database_url)
    import_once(db, plan_text.encode(), "plan.txt", clock)
    yield Services(settings=Settings(database_url=database_url), db=db, clock=clock)
    db.dispose()


def record(db: Database, clock: FixedClock, text: str, *, edit: bool = False) -> None:
    incoming = IncomingMessage(
        team_id="T1", channel="C1", ts=TS, user_id="U1", author="A", text=text
    )
    use = edit_message if edit else record_message
    with db.unit_of_work() as session:
        use(session, incoming, parse_message(text), editors=frozenset(), now=clock())
        session.commit()


def found(services: Services, query: str) -> list[str]:
    with services.db.unit_of_work() as session:
        index = services.search_index(session)
        return [hit.key for hit in index.citing(query) or index.search(query)]


def test_a_note_is_found_at_once_and_its_undo_too_without_a_rebuild(
    services: Services, clock: FixedClock
) -> None:
    assert found(services, "TD4711") == []
    assert services.index_builds == 1
    record(services.db, clock, "50-18 note: the zanzibarian draft is in TD4711")
    assert found(services, "TD4711") == ["50-18"]
    assert found(services, "zanzibarian") == ["50-18"]
    assert found(services, "zanzibarain") == ["50-18"]  # a typo still finds it
    with services.db.unit_of_work() as session:
        message = find_message(session, "T1", "C1", TS)
        assert message is not None
        retract_message(
            session, message, reason=UpdateKind.UNDO, actor="A", actor_id="U1", now=clock()
        )
        session.commit()
    assert found(services, "zanzibarian") == []
    assert services.index_builds == 1


def test_another_process_s_change_is_seen_through_the_revision(
    services: Services, clock: FixedClock
) -> None:
    other = Services(settings=services.settings, db=Database(services.db.url), index_interval=0)
    assert found(other, "zanzibarian") == []
    record(services.db, clock, "50-18 note: the zanzibarian draft")
    assert found(other, "zanzibarian") == ["50-18"]
    assert other.index_builds == 1
    other.db.dispose()


def test_an_import_updates_the_items_it_changed_in_place(
    services: Services, plan_text: str, clock: FixedClock
) -> None:
    assert found(services, "quixotic") == []
    before = "TSBDir to prepare proposal for organization and structure of WTSA-24 (resolves)"
    changed = plan_text.replace(before, before.replace("proposal", "quixotic proposal"))
    assert changed != plan_text
    import_bytes(services.db, changed.encode(), "v2.txt", clock)
    assert found(services, "quixotic") == ["01-02"]
    assert services.index_builds == 1
    with services.db.unit_of_work() as session:
        fresh = build_index(session)
        index = services.search_index(session)
        for query in ("structure of WTSA proposal", "TD206", "cybersecurty", "quixotic"):
            assert index.search(query) == fresh.search(query)
            assert index.citing(query) == fresh.citing(query)


def test_an_edited_message_s_new_words_are_found_instead(
    services: Services, clock: FixedClock
) -> None:
    assert found(services, "zanzibarian") == []
    record(services.db, clock, "50-18 done, the zanzibarian liaison is sent")
    assert found(services, "zanzibarian") == ["50-18"]
    record(services.db, clock, "50-18 done, the quixotic liaison is sent", edit=True)
    assert found(services, "quixotic") == ["50-18"]
    assert found(services, "zanzibarian") == []
    assert services.index_builds == 1
