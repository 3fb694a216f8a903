"""The use cases behind the message listener: record, edit and delete in the caller's
transaction, undo in its own, on real databases (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.plan.queries import all_items, find_item
from bot.plan.search import Document, SearchIndex
from bot.plan.updates import intake, replies
from bot.plan.updates.intake import Recorded, UndoStatus
from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import IncomingMessage, RecordStatus
from bot.render import Renderer
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import SlackMessage
from bot.store.vocabulary import UpdateKind, UpdateSource
from tests.support.blockkit import buttons
from tests.support.common import FixedClock
from tests.support.snapshots import import_once

TS = "1700000000.000100"


@pytest.fixture
def plan_db(db: Database, plan_text: str, clock: FixedClock) -> Database:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    return db


def index(session: Session) -> SearchIndex:
    return SearchIndex(
        Document(item.code, item.action, "", item.status)
        for item in all_items(session, include_obsolete=False)
    )


def settings(db: Database, *editors: str) -> Settings:
    return Settings(database_url=db.url, editors=frozenset(editors))


def incoming(text: str, ts: str = TS, user: str = "U1") -> IncomingMessage:
    return IncomingMessage(
        team_id="T1", channel="C1", ts=ts, user_id=user, author="Alice", text=text
    )


def post(
    db: Database, clock: FixedClock, text: str, *, ts: str = TS, user: str = "U1", editors: str = ""
) -> Recorded:
    with db.unit_of_work() as session:
        recorded = intake.record(
            session,
            incoming(text, ts, user),
            parse_message(text),
            settings=settings(db, *editors.split()),
            now=clock(),
            index=index,
        )
        session.commit()
    return recorded


def edit(db: Database, clock: FixedClock, text: str) -> Recorded:
    with db.unit_of_work() as session:
        recorded = intake.edit(
            session,
            incoming(text),
            parse_message(text),
            settings=settings(db),
            now=clock(),
            index=index,
        )
        session.commit()
    return recorded


def delete(db: Database, clock: FixedClock, ts: str = TS) -> intake.Deleted:
    with db.unit_of_work() as session:
        deleted = intake.delete(session, "T1", "C1", ts, now=clock())
        session.commit()
    return deleted


def undo_in(
    db: Database, clock: FixedClock, message_id: int, user: str, author: str, *editors: str
) -> intake.Undone:
    with db.unit_of_work() as session:
        undone = intake.undo(
            session,
            message_id,
            user_id=user,
            author=author,
            settings=settings(db, *editors),
            now=clock(),
        )
        session.commit()
    return undone


def replied_before(db: Database, message_id: int, reply_ts: str) -> None:
    """A confirmation posted before the outbox kept where replies are (``reply_ts``)."""
    with db.unit_of_work() as session:
        message = session.get_one(SlackMessage, message_id)
        message.reply_ts = reply_ts
        session.commit()


def state(db: Database, code: str) -> tuple[bool, bool]:
    with db.unit_of_work() as session:
        (item,) = [i for i in find_item(session, code) if not i.obsolete]
        return item.completed, item.periodic_goals_met


def test_a_message_is_recorded_once(plan_db: Database, clock: FixedClock) -> None:
    first = post(plan_db, clock, "50-18 done, see TD206")
    assert first.outcome.status == RecordStatus.RECORDED
    assert [c.describe() for c in first.outcome.changes] == [
        "50-18 marked completed (was: periodic goals met)"
    ]
    assert first.outcome.message_id is not None
    assert (first.closest, first.earlier_reply) == ({}, None)
    assert state(plan_db, "50-18") == (True, True)
    again = post(plan_db, clock, "50-18 done, see TD206")
    assert again.outcome.status == RecordStatus.DUPLICATE
    with plan_db.unit_of_work() as session:
        (item,) = find_item(session, "50-18")
        (update,) = item.updates
        assert (update.kind, update.source) == (UpdateKind.COMPLETED, UpdateSource.SLACK)
        assert isinstance(update.kind, UpdateKind)


def test_unknown_ids_come_with_the_closest_ones(plan_db: Database, clock: FixedClock) -> None:
    recorded = post(plan_db, clock, "50-99 done")
    assert recorded.outcome.status == RecordStatus.UNKNOWN
    assert recorded.outcome.unknown == ["50-99"]
    closest = recorded.closest["50-99"]
    assert 1 <= len(closest) <= intake.CLOSEST
    assert all(code.startswith("50-") for code in closest)
    text = replies.unknown_text(recorded.outcome.unknown, recorded.closest)
    assert text == (
        f"50-99 is not in the action plan (closest: {', '.join(closest)}). "
        "Nothing was recorded for it."
    )


def test_an_obsolete_id_says_it_is_obsolete_and_where(plan_db: Database, clock: FixedClock) -> None:
    recorded = post(plan_db, clock, "44-08 done")
    assert recorded.outcome.status == RecordStatus.UNKNOWN
    assert recorded.outcome.obsolete == {"44-08": "Appendix II (WTSA-12) of the WTSA-20 plan"}
    assert recorded.closest == {}
    text = replies.unknown_text(
        recorded.outcome.unknown, recorded.closest, recorded.outcome.obsolete
    )
    assert text == (
        "44-08 is an obsolete item (Appendix II (WTSA-12) of the WTSA-20 plan). "
        "Nothing was recorded for it."
    )


def test_only_editors_change_flags_but_anyone_adds_a_note(
    plan_db: Database, clock: FixedClock
) -> None:
    denied = post(plan_db, clock, "50-18 done", user="U2", editors="U1")
    assert denied.outcome.status == RecordStatus.DENIED
    assert state(plan_db, "50-18") == (False, True)
    note = post(plan_db, clock, "note 50-18: draft sent", ts="2.0", user="U2", editors="U1")
    assert note.outcome.status == RecordStatus.RECORDED
    assert [c.kind for c in note.outcome.changes] == [UpdateKind.NOTE]


def test_an_edit_corrects_the_words_or_replaces_the_updates(
    plan_db: Database, clock: FixedClock
) -> None:
    first = post(plan_db, clock, "50-18 done, see TD206")
    assert first.outcome.message_id is not None
    replied_before(plan_db, first.outcome.message_id, "9.0")
    assert edit(plan_db, clock, "50-18 done, see TD207").outcome.status == RecordStatus.CORRECTED
    clock.now += timedelta(minutes=2)
    changed = edit(plan_db, clock, "50-20 done")
    assert changed.outcome.status == RecordStatus.RECORDED
    assert changed.earlier_reply == "9.0"  # the reply is updated in place, not posted again
    assert [c.describe() for c in changed.outcome.changes] == [
        "50-18 back to periodic goals met (was: completed)",
        "50-20 marked completed (was: periodic goals met)",
    ]
    assert state(plan_db, "50-18") == (False, True)


def test_an_edit_of_a_message_never_recorded_records_it(
    plan_db: Database, clock: FixedClock
) -> None:
    recorded = edit(plan_db, clock, "50-18 done")
    assert recorded.outcome.status == RecordStatus.RECORDED
    assert state(plan_db, "50-18") == (True, True)


def test_a_deleted_message_takes_its_updates_back_once(
    plan_db: Database, clock: FixedClock
) -> None:
    first = post(plan_db, clock, "50-18 done")
    assert first.outcome.message_id is not None
    replied_before(plan_db, first.outcome.message_id, "9.0")
    deleted = delete(plan_db, clock)
    assert deleted.earlier_reply == "9.0"
    assert [c.kind for c in deleted.changes] == [UpdateKind.DELETE]
    assert replies.deleted_text(deleted.changes) == (
        "The message was deleted; its updates are taken back:\n"
        "50-18 back to periodic goals met (was: completed)"
    )
    assert state(plan_db, "50-18") == (False, True)
    assert delete(plan_db, clock) == intake.Deleted([])
    assert delete(plan_db, clock, "3.0") == intake.Deleted([])


def test_undo_by_the_poster_or_an_editor(plan_db: Database, clock: FixedClock) -> None:
    first = post(plan_db, clock, "50-18 done")
    message_id = first.outcome.message_id
    assert message_id is not None

    def undo(user: str, *editors: str, message: int = message_id) -> intake.Undone:
        return undo_in(plan_db, clock, message, user, user, *editors)

    assert undo("U2").status == UndoStatus.NOT_ALLOWED
    assert undo("U2", "U3").status == UndoStatus.NOT_ALLOWED
    assert undo("U1", message=message_id + 100).status == UndoStatus.NOTHING
    assert state(plan_db, "50-18") == (True, True)
    undone = undo("U3", "U3")
    assert (undone.status, undone.channel, undone.ts) == (UndoStatus.UNDONE, "C1", TS)
    assert [c.describe() for c in undone.changes] == [
        "50-18 back to periodic goals met (was: completed)"
    ]
    assert state(plan_db, "50-18") == (False, True)
    assert undo("U1").status == UndoStatus.ALREADY
    assert set(replies.UNDO_REFUSALS) == set(UndoStatus) - {UndoStatus.UNDONE}


def test_the_confirmation_offers_an_undo_until_it_is_used(
    plan_db: Database, clock: FixedClock
) -> None:
    first = post(plan_db, clock, "50-18 done")
    assert first.outcome.message_id is not None
    renderer = Renderer()
    reply = replies.confirmation(renderer, first.outcome.changes, first.outcome.message_id)
    assert reply.text == "50-18 marked completed (was: periodic goals met)"
    (button,) = buttons(reply.blocks)
    assert (button["action_id"], button["value"]) == (
        replies.UNDO_BUTTON,
        str(first.outcome.message_id),
    )
    taken_back = replies.confirmation(renderer, [], first.outcome.message_id, undone_by="U1")
    assert taken_back.text == "Nothing changed."
    assert buttons(taken_back.blocks) == []


def test_updates_are_taken_where_the_settings_say(db: Database) -> None:
    assert intake.accepts_updates(settings(db), "C9")
    only = Settings(database_url=db.url, update_channels=frozenset({"C1"}))
    assert intake.accepts_updates(only, "C1")
    assert not intake.accepts_updates(only, "C9")


def test_an_undone_message_records_nothing_when_edited(
    plan_db: Database, clock: FixedClock
) -> None:
    """Undo means "this message records nothing": its edits do not bring updates back."""
    first = post(plan_db, clock, "50-18 done")
    assert first.outcome.message_id is not None
    undone = undo_in(plan_db, clock, first.outcome.message_id, "U1", "Alice")
    assert undone.status == UndoStatus.UNDONE
    for text in ("50-18 done!", "50-18 and 50-20 done, see TD206", "update 50-20: agreed"):
        edited = edit(plan_db, clock, text)
        assert edited.outcome.status == RecordStatus.UNDONE
        assert edited.outcome.changes == []
    assert (state(plan_db, "50-18"), state(plan_db, "50-20")) == ((False, True), (False, True))
    deleted = delete(plan_db, clock)
    assert deleted.changes == []
    with plan_db.unit_of_work() as session:
        (item,) = find_item(session, "50-18")
        assert [(u.kind, u.retracted_by, u.words) for u in item.updates] == [
            ("completed", "undo", "50-18 done"),  # the words it was made with
            ("undo", "", "undo: completed of 20 Nov 2026 09:00 UTC taken back"),
        ]
        (other,) = find_item(session, "50-20")
        assert other.updates == []


def test_an_earlier_number_is_named_in_the_confirmation(
    plan_db: Database, clock: FixedClock
) -> None:
    """44-14 is an item and 54-04's earlier number: the reply says which one changed,
    as the card of 44-14 does, unless the message names 54-04 too."""
    with plan_db.unit_of_work() as session:
        codes = [item.code for item in find_item(session, "44-14") if not item.obsolete]
    assert codes == ["44-14", "54-04"]
    recorded = post(plan_db, clock, "44-14 done")
    assert [c.describe() for c in recorded.outcome.changes] == [
        "44-14 marked completed (was: periodic goals met) "
        "(also the earlier number of 54-04; say 54-04 for that one)"
    ]
    assert state(plan_db, "54-04")[0] is False
    both = post(plan_db, clock, "44-14 reopened, 54-04 done", ts="1700000000.000200")
    assert [c.describe() for c in both.outcome.changes] == [
        "44-14 reopened (was: completed)",
        "54-04 marked completed (was: periodic goals met)",
    ]
