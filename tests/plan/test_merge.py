"""Importing the action plan into a real database, and re-importing it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.plan.importing import ImportFailed, ensure_plan, import_bytes
from bot.plan.queries import find_item, item_as_json
from bot.store.db import Database
from bot.store.models import ActionItem, ImportRun, ItemAlias, StatusUpdate
from tests.support.common import FixedClock
from tests.support.snapshots import import_once


def snapshot(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to show that a failed import changed nothing."""
    tables = ["resolutions", "action_items", "item_aliases", "status_updates", "import_runs"]
    with db.engine.connect() as connection:
        return {
            name: [
                tuple(row) for row in connection.execute(text(f"SELECT * FROM {name} ORDER BY id"))
            ]
            for name in tables
        }


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_then_reimport_changes_nothing(
    db: Database, plan_text: str, clock: FixedClock
) -> None:
    data = plan_text.encode()
    first = import_bytes(db, data, "plan.txt", clock)
    assert (first.items, first.obsolete, first.resolutions) == (397, 76, 58)
    assert len(first.created) == 473
    assert first.unchanged == 0
    assert len(first.anomalies) == 10
    before = snapshot(db)
    second = import_bytes(db, data, "plan.txt", clock)
    assert (second.created, second.updated, second.unchanged) == ([], [], 473)
    after = snapshot(db)
    assert after["action_items"] == before["action_items"]
    assert after["status_updates"] == before["status_updates"] == []
    assert len(after["import_runs"]) == 2


def test_records_hold_the_document_fields(db: Database, plan_text: str, clock: FixedClock) -> None:
    import_bytes(db, plan_text.encode(), "plan.txt", clock)
    with db.unit_of_work() as session:
        assert count(session, ActionItem) == 473
        (item,) = find_item(session, "01-11")
        data = item_as_json(item)
        assert data["completed"]
        assert data["periodic_goals_met"]
        assert (
            data["title"]
            == "Rules of procedure of the ITU Telecommunication Standardization Sector"
        )
        found = find_item(session, "22-01")
        assert [(i.code, i.obsolete) for i in found] == [("22-01", False), ("22-01", True)]
        assert [i.code for i in find_item(session, "44-14")] == ["44-14", "54-04"]


def test_reimport_keeps_what_people_recorded(
    db: Database, plan_text: str, clock: FixedClock
) -> None:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    with db.unit_of_work() as session:
        (item,) = find_item(session, "50-18")
        previous = {"completed": item.completed}
        item.completed = True
        item.updates.append(
            StatusUpdate(
                kind="completed",
                text="50-18 done, see TD206",
                author="Alice",
                author_id="U1",
                source="slack",
                documents=["TD206"],
                previous=previous,
                created_at=clock(),
            )
        )
        session.commit()
    clock.now += timedelta(days=1)
    again = import_bytes(db, plan_text.encode(), "plan.txt", clock)
    assert again.updated == []
    with db.unit_of_work() as session:
        (item,) = find_item(session, "50-18")
        assert item.completed is True
        assert [u.text for u in item.updates] == ["50-18 done, see TD206"]


def test_a_new_version_of_the_document_wins_where_it_changed(
    db: Database, plan_text: str, clock: FixedClock
) -> None:
    import_bytes(db, plan_text.encode(), "v1.txt", clock)
    with db.unit_of_work() as session:
        (item,) = find_item(session, "01-02")
        item.status = "Proposal drafted (said in Slack)"
        session.commit()
    changed = plan_text.replace(
        "\t01-02\n\tTSBDir to prepare proposal for organization and structure of WTSA-24 (resolves)"
        "\n\t3 months before WTSA-24\n\t\n\t\n\n\t\n\t\n",
        "\t01-02\n\tTSBDir to prepare proposal for organization and structure of WTSA-24 (resolves)"
        "\n\t3 months before WTSA-24\n\t\n\t√\n\n\t\n\tSubmitted to WTSA-24 as Doc 5.\n",
    )
    assert changed != plan_text
    summary = import_bytes(db, changed.encode(), "v2.txt", clock)
    assert summary.updated == ["01-02"]
    assert summary.unchanged == 472
    with db.unit_of_work() as session:
        (item,) = find_item(session, "01-02")
        assert item.completed
        assert item.status == "Submitted to WTSA-24 as Doc 5."
        (entry,) = item.updates
        assert (entry.kind, entry.source) == ("document", "import")
        assert entry.previous == {
            "completed": False,
            "status": "Proposal drafted (said in Slack)",
        }


def test_a_new_earlier_number_is_found_and_the_dropped_one_no_longer(
    db: Database, plan_text: str, clock: FixedClock
) -> None:
    import_bytes(db, plan_text.encode(), "v1.txt", clock)
    changed = plan_text.replace("\t54-04\n(44-14)\n", "\t54-04\n(44-99)\n")
    assert changed != plan_text
    import_bytes(db, changed.encode(), "v2.txt", clock)
    with db.unit_of_work() as session:
        assert [i.code for i in find_item(session, "44-99")] == ["54-04"]
        assert [i.code for i in find_item(session, "44-14")] == ["44-14"]
        assert session.scalars(
            select(ItemAlias.code).where(ItemAlias.code.in_(["44-14", "44-99"]))
        ).all() == ["44-99"]


BAD_FILES = {
    "empty.docx": (b"", "empty file"),
    "blank.txt": (b"\n \n", "empty file"),
    "letter.txt": (b"Dear colleagues,\n\nno tables here.\n", "no action-plan tables found"),
    "picture.docx": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a Word document or a text export"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "legacy Word 97-2003"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_change_nothing(
    db: Database, plan_text: str, clock: FixedClock, name: str
) -> None:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    before = snapshot(db)
    data, reason = BAD_FILES[name]
    with pytest.raises(ImportFailed) as failure:
        import_bytes(db, data, name, clock)
    assert str(failure.value).startswith(f"{name}: ")
    assert reason in str(failure.value)
    assert "\n" not in str(failure.value)
    assert snapshot(db) == before


def test_bundled_plan_loads_once(db: Database, clock: FixedClock) -> None:
    loaded = ensure_plan(db, clock)
    assert loaded is not None
    assert loaded.items == 397
    assert ensure_plan(db, clock) is None
    with db.unit_of_work() as session:
        assert count(session, ImportRun) == 1


def test_losing_the_race_to_load_the_bundled_plan_is_quiet(
    db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process inserted the same items first: its unique keys refuse ours."""

    def lost_race(*_args: object, **_kwargs: object) -> None:
        raise IntegrityError("INSERT INTO action_items", {}, Exception("duplicate key"))

    monkeypatch.setattr("bot.plan.importing.merge_plan", lost_race)
    assert ensure_plan(db, clock) is None
    with db.unit_of_work() as session:
        assert count(session, ActionItem) == 0
