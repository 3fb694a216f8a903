"""Imports that cannot silently wipe: the dry run, the guard, and fields kept when unread."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.plan.importing import WouldClear, import_bytes
from bot.plan.merge import FieldChange
from bot.plan.queries import find_item
from bot.store.db import Database
from tests.plan.test_merge import snapshot
from tests.support.common import FixedClock
from tests.support.snapshots import import_once

OFFICE = Path(__file__).parents[1] / "data" / "office"
TICK_ROW = re.compile(r"^\t√$", re.MULTILINE)


def without_ticks(plan_text: str, count: int | None = None) -> str:
    """The plan with its first ``count`` flag ticks removed (all of them by default)."""
    return TICK_ROW.sub("\t", plan_text, count=count or 0)


def test_a_dry_run_says_what_would_change_and_writes_nothing(
    db: Database, plan_text: str, clock: FixedClock
) -> None:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    before = snapshot(db)
    changed = plan_text.replace(
        "\t01-02\n\tTSBDir to prepare proposal for organization and structure of WTSA-24 (resolves)"
        "\n\t3 months before WTSA-24\n\t\n\t\n\n\t\n\t\n",
        "\t01-02\n\tTSBDir to prepare a proposal\n\t3 months before WTSA-24\n\t\n\t√\n\n"
        "\t\n\tSubmitted to WTSA-24 as Doc 5.\n",
    )
    summary = import_bytes(db, changed.encode(), "v2.txt", clock, dry_run=True)
    assert summary.dry_run
    assert summary.updated == ["01-02"]
    assert summary.changes == [
        FieldChange(
            "01-02",
            "action",
            "TSBDir to prepare proposal for organization and structure of WTSA-24 (resolves)",
            "TSBDir to prepare a proposal",
        ),
        FieldChange("01-02", "completed", False, True),
        FieldChange("01-02", "status", "", "Submitted to WTSA-24 as Doc 5."),
    ]
    assert summary.cleared == []
    assert snapshot(db) == before
    applied = import_bytes(db, changed.encode(), "v2.txt", clock)
    assert applied.changes == summary.changes
    assert not applied.dry_run


def test_a_dry_run_on_an_empty_database_lists_what_it_would_create(
    db: Database, plan_text: str, clock: FixedClock
) -> None:
    before = snapshot(db)
    summary = import_bytes(db, plan_text.encode(), "plan.txt", clock, dry_run=True)
    assert len(summary.created) == 473
    assert snapshot(db) == before


def test_an_import_clearing_many_flags_stops_before_writing(
    db: Database, plan_text: str, clock: FixedClock
) -> None:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    before = snapshot(db)
    with pytest.raises(WouldClear) as refused:
        import_bytes(db, without_ticks(plan_text).encode(), "no-ticks.txt", clock)
    message = str(refused.value)
    assert message.startswith(
        "no-ticks.txt: would clear flags or status text of 288 of 473 items (more than 5%): "
        "01-01, 01-04, 01-05, 01-11, 02-01, ...; nothing was written"
    )
    assert "--yes" in message
    assert "\n" not in message
    assert snapshot(db) == before
    summary = import_bytes(
        db, without_ticks(plan_text).encode(), "no-ticks.txt", clock, allow_clearing=True
    )
    assert len(summary.cleared) == 288
    with db.unit_of_work() as session:
        (item,) = find_item(session, "01-11")
        assert (item.completed, item.periodic_goals_met) == (False, False)
        assert item.updates[-1].previous == {"completed": True, "periodic_goals_met": True}


def test_clearing_status_text_counts_too(db: Database, plan_text: str, clock: FixedClock) -> None:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    statuses = re.compile(r"^(\t\n\t)(?!\n)[^\t\n][^\n]*$", re.MULTILINE)
    emptied = statuses.sub(r"\1", plan_text)
    with pytest.raises(WouldClear) as refused:
        import_bytes(db, emptied.encode(), "empty-statuses.txt", clock)
    assert len(refused.value.summary.cleared) > 24
    change = next(c for c in refused.value.summary.changes if c.field == "status")
    assert change.clears
    assert change.after == ""


def test_clearing_a_few_items_goes_through(db: Database, plan_text: str, clock: FixedClock) -> None:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    more = without_ticks(plan_text, count=40)
    with pytest.raises(WouldClear):
        import_bytes(db, more.encode(), "more.txt", clock)
    few = without_ticks(plan_text, count=23)  # at most 23 of 473 items: not over 5%
    summary = import_bytes(db, few.encode(), "few.txt", clock)
    assert 0 < len(summary.cleared) <= 23
    # Against what the database now holds, the 40 clear only the items the 23 did not.
    assert len(import_bytes(db, more.encode(), "more.txt", clock).cleared) < 24


def test_cells_not_understood_keep_what_the_database_holds(db: Database, clock: FixedClock) -> None:
    text = (OFFICE / "crafted.unicode.txt").read_bytes().decode("utf-16")
    understood = text.replace("\t✗\r\n\t2023?", "\t√\r\n\t√").replace(
        "\t\r\n\t√\r\n\t\r\n", "\t\r\n\t\r\n\t\r\n"
    )
    assert understood != text
    first = import_bytes(db, understood.encode("utf-16"), "v1.txt", clock)
    assert first.anomalies == []
    summary = import_bytes(db, (OFFICE / "crafted.libreoffice.docx").read_bytes(), "v2.docx", clock)
    assert len(summary.anomalies) == 3
    assert summary.cleared == []
    assert [c for c in summary.changes if c.item in ("50-09", "50-10")] == []
    with db.unit_of_work() as session:
        (unread_flags,) = find_item(session, "50-09")
        assert (unread_flags.periodic_goals_met, unread_flags.completed) == (True, True)
        assert unread_flags.updates == []
        (unread_status,) = find_item(session, "50-10")
        assert unread_status.status == "Compendium updated."


def test_an_import_written_in_batches_is_still_all_or_nothing(
    db: Database, plan_text: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New items are flushed a batch at a time (memory stays bounded at 100,000 items);
    a failure after some batches, or a dry run, still leaves the database as it was."""
    from bot.plan import merge
    from bot.plan.interpret import ParsedItem

    monkeypatch.setattr(merge, "FLUSH_EVERY", 7)
    labels = merge._label
    calls = 0

    def failing_late(item: ParsedItem) -> str:
        nonlocal calls
        calls += 1
        if calls == 300:
            raise RuntimeError("the disk is full")
        return labels(item)

    before = snapshot(db)
    with monkeypatch.context() as patch:
        patch.setattr(merge, "_label", failing_late)
        with pytest.raises(RuntimeError):
            import_bytes(db, plan_text.encode(), "plan.txt", clock)
    assert snapshot(db) == before
    summary = import_bytes(db, plan_text.encode(), "plan.txt", clock, dry_run=True)
    assert len(summary.created) > 300
    assert snapshot(db) == before
    summary = import_bytes(db, plan_text.encode(), "plan.txt", clock)
    assert len(snapshot(db)["action_items"]) == len(summary.created)
