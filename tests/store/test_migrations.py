"""Migration 0004 keeps existing data: every row of the one plan there was becomes WTSA-20.

(That the migrated schema matches the models is tests/store/test_schema.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select, text

from bot.store.db import Database, alembic_config
from bot.store.models import ActionItem, Edition, ImportRun, Resolution


def _seed_0003(db: Database) -> None:
    """One Resolution, one item and one import run as schema 0003 stored them."""
    now = datetime(2026, 11, 1, tzinfo=UTC).isoformat()
    with db.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO resolutions (id, key, title, position) VALUES (1, '50', 'T', 0)")
        )
        connection.execute(
            text(
                "INSERT INTO action_items (id, code, appendix, resolution_id, aliases, action,"
                " milestone, periodic_goals_met, completed, status, doc_periodic_goals_met,"
                " doc_completed, doc_status, position) VALUES (1, '50-18', '', 1, '[]', 'Act',"
                " '', false, true, 's', false, false, 's', 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO import_runs (file_name, sha256, file_kind, counts, anomalies,"
                " created_at) VALUES ('plan.txt', 'abc', 'text', '{}', '[]', :now),"
                " ('meetings.yaml', 'def', 'schedule', '{}', '[]', :now)"
            ),
            {"now": now},
        )


def test_existing_rows_become_wtsa_20(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    config = alembic_config(database.engine)
    command.upgrade(config, "0003")
    _seed_0003(database)
    command.upgrade(config, "head")
    with database.unit_of_work() as session:
        item = session.scalars(select(ActionItem)).one()
        assert (item.edition, item.code, item.completed) == ("WTSA-20", "50-18", True)
        resolution = session.scalars(select(Resolution)).one()
        assert (resolution.edition, resolution.key, resolution.action_by) == ("WTSA-20", "50", "")
        runs = session.scalars(select(ImportRun.edition).order_by(ImportRun.id))
        assert list(runs) == ["WTSA-20", ""]  # the schedule file is of no edition
        assert [(e.name, e.year) for e in session.scalars(select(Edition))] == [("WTSA-20", 2020)]
    command.downgrade(config, "0003")
    with database.engine.connect() as connection:
        assert connection.scalar(text("SELECT code FROM action_items")) == "50-18"
    database.dispose()
