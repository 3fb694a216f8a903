"""Editions: a WTSA-24 plan stands beside the WTSA-20 plan without inheriting its flags."""

from __future__ import annotations

import hashlib
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.plan.editions import current_edition, edition_name, edition_year, known_editions
from bot.plan.importing import ImportFailed, import_bytes
from bot.plan.interpret import interpret
from bot.plan.lookup import answer, split_edition
from bot.plan.queries import all_items, find_item, item_as_json, resolution_items
from bot.plan.search import SearchIndex
from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import IncomingMessage, record_message
from bot.plan.views import Views
from bot.render import Renderer, mrkdwn_to_text
from bot.slack.services import build_index
from bot.store.db import Database
from bot.store.models import ActionItem, ImportRun, Resolution
from scripts.make_wtsa24_plan import NEW_ACTION, wtsa24_from
from tests.support.common import FixedClock
from tests.support.snapshots import load_once


@pytest.fixture
def wtsa24(plan_text: str) -> bytes:
    return wtsa24_from(plan_text).encode()


@pytest.fixture
def two_editions(db: Database, plan_text: str, wtsa24: bytes, clock: FixedClock) -> Database:
    """WTSA-20 imported, "50-18 done" recorded from Slack, then WTSA-24 imported.

    Loaded for real once per process and backend (with these checks), then copied.
    """

    def load() -> None:
        import_bytes(db, plan_text.encode(), "wtsa20.txt", clock)
        text = "50-18 done, see TSAG-TD206"
        message = IncomingMessage("T1", "C1", "1700000000.000100", "U1", "Alice", text)
        with db.unit_of_work() as session:
            outcome = record_message(
                session, message, parse_message(text), editors=frozenset(), now=clock()
            )
            session.commit()
        assert outcome.status == "recorded"
        summary = import_bytes(db, wtsa24, "wtsa24.txt", clock)
        assert summary.edition == "WTSA-24"
        assert len(summary.created) == 473  # nothing of WTSA-20 was matched by number

    plans = hashlib.sha256(plan_text.encode() + wtsa24).hexdigest()
    load_once(db, ("two editions", plans, clock().isoformat()), load)
    return db


def test_names_of_editions() -> None:
    assert [edition_name(t) for t in ("wtsa-20", "WTSA 24", "WTSA-2028", "50-18")] == [
        "WTSA-20",
        "WTSA-24",
        "WTSA-28",
        None,
    ]
    assert edition_year("WTSA-24") == 2024
    assert split_edition("50-18 wtsa-20") == ("50-18", "WTSA-20")
    assert split_edition("security roadmap") == ("security roadmap", None)


def test_the_title_names_the_edition(plan_text: str, wtsa24: bytes) -> None:
    from bot.documents.text_export import read_text_export

    assert interpret(read_text_export(plan_text)).edition == "WTSA-20"
    assert interpret(read_text_export(wtsa24.decode())).edition == "WTSA-24"


def test_wtsa_24_does_not_inherit_wtsa_20s_flags_or_history(two_editions: Database) -> None:
    with two_editions.unit_of_work() as session:
        assert current_edition(session) == "WTSA-24"
        assert known_editions(session) == ["WTSA-24", "WTSA-20"]
        (new,) = [i for i in find_item(session, "50-18") if not i.obsolete]
        assert (new.edition, new.action, new.completed) == ("WTSA-24", NEW_ACTION, False)
        assert new.updates == []
        (old,) = [i for i in find_item(session, "50-18", edition="WTSA-20") if not i.obsolete]
        assert old.edition == "WTSA-20"
        assert old.completed
        assert old.periodic_goals_met
        assert [u.kind for u in old.updates] == ["completed"]
        assert old.updates[0].documents == ["TSAG-TD206"]
        runs = session.scalars(select(ImportRun.edition).order_by(ImportRun.id))
        assert list(runs) == ["WTSA-20", "WTSA-24"]


def test_readers_work_on_the_current_edition(two_editions: Database) -> None:
    with two_editions.unit_of_work() as session:
        items = all_items(session, include_obsolete=False)
        assert len(items) == 397
        assert {item.edition for item in items} == {"WTSA-24"}
        assert "50-21" in {item.code for item in items}
        assert len(all_items(session, include_obsolete=False, edition="WTSA-20")) == 397
        index = build_index(session)
        assert [hit.key for hit in index.search("security of new technologies")][:1] == ["50-18"]
        resolution, listed = resolution_items(session, "50")
        assert resolution is not None
        assert resolution.edition == "WTSA-24"
        assert {i.edition for i in listed} == {"WTSA-24"}
        both = session.scalars(select(Resolution).where(Resolution.key == "50"))
        assert sorted(r.edition for r in both) == ["WTSA-20", "WTSA-24"]
        assert item_as_json(items[0])["edition"] == "WTSA-24"


def card_text(db: Database, text: str) -> str:
    views = Views(Renderer(), ZoneInfo("Europe/Zurich"))
    with db.unit_of_work() as session:
        found = answer(session, SearchIndex([]), text)
        reply = views.for_answer(session, found)
    return mrkdwn_to_text("\n".join(_texts(reply.blocks)))


def _texts(value: object) -> list[str]:
    if isinstance(value, dict):
        own = [value["text"]] if isinstance(value.get("text"), str) else []
        return own + [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def test_action_shows_the_current_item_and_names_the_older_one(two_editions: Database) -> None:
    current = card_text(two_editions, "50-18")
    assert NEW_ACTION in current
    assert "WTSA-20 also had a 50-18: `/action 50-18 wtsa-20`" in current
    older = card_text(two_editions, "50-18 wtsa-20")
    assert NEW_ACTION not in older
    assert "An item of the WTSA-20 plan, which the WTSA-24 plan has replaced" in older
    assert "WTSA-24 has a 50-18: `/action 50-18`" in older
    assert "`/action 50-18 wtsa-20`" in older
    # WTSA-24 renumbered 50-20: the old one is still found, and said to be WTSA-20's.
    assert "An item of the WTSA-20 plan" in card_text(two_editions, "50-20")
    assert "Nothing found" in card_text(two_editions, "50-18 wtsa-16")


def test_older_edition_is_refused_unless_named(
    two_editions: Database, plan_text: str, clock: FixedClock
) -> None:
    with pytest.raises(ImportFailed) as refused:
        import_bytes(two_editions, plan_text.encode(), "wtsa20.txt", clock)
    message = str(refused.value)
    assert message == (
        "wtsa20.txt: this is the WTSA-20 plan, older than the current WTSA-24; "
        "to update WTSA-20's items, import it with --edition WTSA-20"
    )
    with pytest.raises(ImportFailed, match="this is the WTSA-20 plan, not WTSA-24"):
        import_bytes(two_editions, plan_text.encode(), "wtsa20.txt", clock, edition="WTSA-24")
    again = import_bytes(two_editions, plan_text.encode(), "wtsa20.txt", clock, edition="wtsa-20")
    assert (again.edition, again.created, again.updated, again.unchanged) == (
        "WTSA-20",
        [],
        [],
        473,
    )
    with two_editions.unit_of_work() as session:
        assert current_edition(session) == "WTSA-24"
        old = session.scalars(
            select(ActionItem).where(ActionItem.edition == "WTSA-20", ActionItem.code == "50-18")
        ).first()
        assert old is not None
        assert old.completed


def test_a_document_naming_no_assembly_goes_to_the_current_edition(
    two_editions: Database, plan_text: str, clock: FixedClock
) -> None:
    untitled = plan_text.replace("WTSA-20 Resolutions", "Resolutions")
    summary = import_bytes(two_editions, untitled.encode(), "untitled.txt", clock)
    assert summary.edition == "WTSA-24"
    with pytest.raises(ImportFailed, match="'WTSA24X' is not an edition"):
        import_bytes(two_editions, untitled.encode(), "untitled.txt", clock, edition="WTSA24X")


def test_an_edition_among_search_words_is_searched(two_editions: Database) -> None:
    with two_editions.unit_of_work() as session:
        index = build_index(session)
        found = answer(session, index, "host country WTSA-24")
    assert found.kind == "search"
    assert found.query == "host country WTSA-24"
