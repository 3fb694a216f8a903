"""What an admin does in the meeting form stands when the schedule file is read again.

A file is read again whenever any of it changed; its entries that are word for word as
the last import read them say nothing new, so a meeting called off or moved in the form
is neither re-added nor moved back, while a new entry is still imported.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.meetings.service import read_meetings, store
from bot.posting.meeting_form import meeting_saved
from bot.render import Renderer
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import Meeting
from tests.support.common import FixedClock

GENEVA = ZoneInfo("Europe/Zurich")
ADMIN = "U0ADMIN"
ENTRIES = {
    "irm": """\
  - name: Fourth inter-regional meeting
    kind: irm
    start: 2026-02-10 13:00
    end: 16:00
""",
    "rg": """\
  - name: RG-IEM e-meeting
    kind: rapporteur_group
    start: 2026-03-03 13:00
    end: 15:00
""",
    "wp": """\
  - name: TSAG WP1 e-meeting
    kind: working_party
    start: 2026-04-14 12:00
    end: 14:00
""",
}


def schedule(*keys: str) -> bytes:
    return ("timezone: Europe/Zurich\nmeetings:\n" + "".join(ENTRIES[k] for k in keys)).encode()


def names(db: Database) -> dict[str, datetime]:
    with db.unit_of_work() as session:
        return {m.name: m.start for m in session.scalars(select(Meeting))}


def form_of(meeting: Meeting, **changed: str) -> dict[str, str]:
    start = meeting.start.astimezone(GENEVA)
    return {
        "name": meeting.name,
        "kind": str(meeting.kind),
        "start": f"{start:%Y-%m-%d %H:%M}",
        "end": f"{meeting.end.astimezone(GENEVA):%H:%M}",
        "timezone": "Europe/Zurich",
        **changed,
    }


def test_the_forms_changes_stand_when_the_file_is_read_again(db: Database) -> None:
    clock = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    settings = Settings(database_url=str(db.engine.url), admins=frozenset({ADMIN}))
    store(db, read_meetings(schedule("irm", "rg"), "schedule.yaml", GENEVA), clock)
    with db.unit_of_work() as session:
        stored = {m.name: m for m in session.scalars(select(Meeting))}
        session.expunge_all()

    def save(meeting: Meeting, **changed: str) -> None:
        meeting_saved(
            db,
            form_of(meeting, **changed),
            uid=meeting.uid,
            user=ADMIN,
            settings=settings,
            now=clock(),
            renderer=Renderer(),
        )

    save(stored["Fourth inter-regional meeting"], status="cancelled")
    save(stored["RG-IEM e-meeting"], start="2026-03-05 13:00")
    moved = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    assert names(db) == {"RG-IEM e-meeting": moved}

    # The file gains a meeting; its two other entries are as they were.
    store(db, read_meetings(schedule("irm", "rg", "wp"), "schedule.yaml", GENEVA), clock)
    assert names(db) == {
        "RG-IEM e-meeting": moved,
        "TSAG WP1 e-meeting": datetime(2026, 4, 14, 10, 0, tzinfo=UTC),
    }
