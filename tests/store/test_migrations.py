"""Migrations keep existing data: 0004 puts every row of the one plan there was in WTSA-20;
0005 keeps one copy of a Slack message's words and shows every update as before; 0006
makes every post already in the outbox a ``chat.postMessage`` and adds the inbox.

(That the migrated schema matches the models is tests/store/test_schema.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select, text

from bot.plan.queries import find_item
from bot.posting.inbox import claim_due, new_row
from bot.posting.outbox import Outgoing, Post, deliver, enqueue
from bot.store.db import MIGRATIONS, SCHEMA_HEAD, Database, alembic_config
from bot.store.insert import insert_new
from bot.store.models import (
    ActionItem,
    Edition,
    ImportRun,
    InboxEvent,
    OutboxPost,
    Resolution,
    SlackMessage,
    StatusUpdate,
)
from bot.store.vocabulary import PostMethod, PostStatus


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


FLAG_WORDS = "50-18 done, see TD206 & more"
UPDATES = {  # id: kind, text, message, taken back by
    1: ("completed", "50-18 finished", 1, "edit"),  # an earlier version of the message
    2: ("completed", FLAG_WORDS, 1, ""),
    3: ("periodic", FLAG_WORDS, 1, "undo"),
    4: ("note", "SG2 agreed", 1, ""),
    5: ("completed", "Imported status " * 100, None, ""),  # an import keeps its text
}


def _seed_0004(db: Database) -> None:
    """A message, as Slack sent it, whose flag updates each copied its words (cleaned)."""
    now = datetime(2026, 11, 1, tzinfo=UTC).isoformat()
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO resolutions (id, edition, key, title, position, action_by,"
                " collaboration, report_to) VALUES (1, 'WTSA-20', '50', 'T', 0, '', '', '')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO action_items (id, edition, code, appendix, resolution_id, aliases,"
                " action, milestone, periodic_goals_met, completed, status,"
                " doc_periodic_goals_met, doc_completed, doc_status, position)"
                " VALUES (1, 'WTSA-20', '50-18', '', 1, '[]', 'Act', '', false, true, '',"
                " false, false, '', 0)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO slack_messages (id, team_id, channel, ts, user_id, text, deleted,"
                " created_at) VALUES (1, 'T1', 'C1', '1.0', 'U1', :raw, false, :now)"
            ),
            {"raw": "<@U1> 50-18 done, see <https://x.org|TD206> &amp; more", "now": now},
        )
        connection.execute(
            text(
                "INSERT INTO status_updates (id, item_id, kind, text, author, author_id, source,"
                " documents, previous, created_at, message_id, channel, retracted_by)"
                " VALUES (:id, 1, :kind, :text, 'Alice', 'U1', :source, '[]', '{}', :now,"
                " :message, 'C1', :by)"
            ),
            [
                {
                    "id": key,
                    "kind": kind,
                    "text": words,
                    "source": "import" if message is None else "slack",
                    "now": now,
                    "message": message,
                    "by": by,
                }
                for key, (kind, words, message, by) in UPDATES.items()
            ],
        )


def test_a_message_s_words_are_stored_once_and_shown_as_before(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    config = alembic_config(database.engine)
    command.upgrade(config, "0004")
    _seed_0004(database)
    before = {key: words for key, (_, words, _, _) in UPDATES.items()}
    command.upgrade(config, "head")
    with database.unit_of_work() as session:
        message = session.scalars(select(SlackMessage)).one()
        assert message.text == FLAG_WORDS
        updates = list(session.scalars(select(StatusUpdate).order_by(StatusUpdate.id)))
        assert {u.id: u.words for u in updates} == before
        assert [u.id for u in updates if not u.text] == [2, 3]  # the copies are gone
    command.downgrade(config, "0004")
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, text FROM status_updates"))
        assert {key: words for key, words in rows} == before
    database.dispose()


def _seed_0005(db: Database, now: datetime) -> None:
    """A reminder already posted and a digest still waiting, as schema 0005 stored them."""
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO outbox_posts (key, kind, channel, text, blocks, due_at, status,"
                " attempts, next_attempt_at, last_error, message_ts, created_at, sent_at)"
                " VALUES (:key, :kind, 'C1', :text, '[]', :now, :status, :attempts, :now,"
                " '', :ts, :now, :sent)"
            ),
            [
                {
                    "key": "reminder:1",
                    "kind": "reminder-start",
                    "text": "Starting now",
                    "now": now,
                    "status": "sent",
                    "attempts": 1,
                    "ts": "1700000000.000100",
                    "sent": now,
                },
                {
                    "key": "digest:1",
                    "kind": "digest",
                    "text": "This week",
                    "now": now,
                    "status": "pending",
                    "attempts": 0,
                    "ts": None,
                    "sent": None,
                },
            ],
        )


def test_posts_already_queued_are_messages_and_the_inbox_comes_and_goes(
    empty_database_url: str,
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    database = Database(empty_database_url)
    config = alembic_config(database.engine)
    command.upgrade(config, "0005")
    _seed_0005(database, now)
    command.upgrade(config, "0006")
    with database.unit_of_work() as session:
        rows = session.scalars(select(OutboxPost).order_by(OutboxPost.id)).all()
        assert [(r.key, r.status, r.method, r.params) for r in rows] == [
            ("reminder:1", PostStatus.SENT, PostMethod.MESSAGE, {}),
            ("digest:1", PostStatus.PENDING, PostMethod.MESSAGE, {}),
        ]
        reaction = Post(
            "T1:Ev1:react", "reaction", "C1", "", [], now, None, PostMethod.REACTION, {"ts": "1.0"}
        )
        assert enqueue(session, [reaction], now) == ["T1:Ev1:react"]
        assert insert_new(session, InboxEvent, [new_row("T1:Ev1", "message", "{}", now)])
        session.commit()
    given: list[Outgoing] = []

    def post(outgoing: Outgoing) -> str:
        given.append(outgoing)
        return ""

    deliver(database, post, now)
    assert [(o.key, o.method, o.params) for o in given] == [
        ("digest:1", PostMethod.MESSAGE, {}),
        ("T1:Ev1:react", PostMethod.REACTION, {"ts": "1.0"}),
    ]
    assert [event.key for event in claim_due(database, now)] == ["T1:Ev1"]
    command.downgrade(config, "0005")
    with database.engine.connect() as connection:
        assert "inbox_events" not in inspect(connection).get_table_names()
        columns = {c["name"] for c in inspect(connection).get_columns("outbox_posts")}
        assert not {"method", "params"} & columns
        kept = connection.execute(text("SELECT key, status FROM outbox_posts ORDER BY id"))
        assert list(kept) == [
            ("reminder:1", "sent"),
            ("digest:1", "sent"),
            ("T1:Ev1:react", "sent"),
        ]
    command.upgrade(config, "head")
    with database.unit_of_work() as session:
        methods = session.scalars(select(OutboxPost.method).order_by(OutboxPost.id)).all()
        assert methods == [PostMethod.MESSAGE] * 3  # what 0005 could not keep is a message
    database.dispose()


def test_the_aliases_items_already_list_are_found_after_0013(empty_database_url: str) -> None:
    database = Database(empty_database_url)
    config = alembic_config(database.engine)
    command.upgrade(config, "0011")
    with database.engine.begin() as connection:
        connection.execute(insert(Resolution.__table__).values(id=1, key="54", title="T"))
        connection.execute(
            insert(ActionItem.__table__),
            [
                {"code": "54-04", "resolution_id": 1, "aliases": ["44-14", "44-15"]},
                {"code": "54-05", "resolution_id": 1, "aliases": []},
            ],
        )
    command.upgrade(config, "head")
    with database.unit_of_work() as session:
        assert [item.code for item in find_item(session, "44-15", edition="WTSA-20")] == ["54-04"]
        assert find_item(session, "54-06", edition="WTSA-20") == []
    command.downgrade(config, "0011")
    assert "item_aliases" not in inspect(database.engine).get_table_names()


@pytest.mark.sqlite_only
def test_schema_head_is_alembics_head() -> None:
    """The constant that spares a database at head from Alembic is Alembic's own head."""
    from alembic.script import ScriptDirectory

    assert ScriptDirectory(str(MIGRATIONS)).get_heads() == [SCHEMA_HEAD]


def test_upgrade_migrates_an_old_database_and_leaves_one_at_head_to_itself(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(empty_database_url)
    command.upgrade(alembic_config(database.engine), "0003")
    _seed_0003(database)
    database.upgrade()
    assert database.revisions() == {SCHEMA_HEAD}
    with database.unit_of_work() as session:
        assert session.scalars(select(ActionItem.edition)).one() == "WTSA-20"

    def refused(*_args: object) -> None:
        raise AssertionError("Alembic was asked to upgrade a database at head")

    monkeypatch.setattr(command, "upgrade", refused)
    database.upgrade()
    database.dispose()
