"""The meeting form's fields, written from a stored meeting and read back, change nothing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.meetings.editing import form_fields
from bot.meetings.model import MeetingKind
from bot.meetings.schedule_file import read_fields
from bot.store.models import AgendaItem, Meeting
from tests.support.common import utc

GENEVA = ZoneInfo("Europe/Zurich")


def meeting(agenda: list[tuple[str, list[str]]]) -> Meeting:
    return Meeting(
        uid="tsag-1",
        name="TSAG meeting",
        kind=str(MeetingKind.TSAG),
        start=utc(2026, 5, 26, 7, 30),
        end=utc(2026, 5, 30, 15, 30),
        all_day=False,
        timezone="Europe/Zurich",
        mode="",
        place="Geneva",
        link="",
        documents=[],
        channel="",
        agenda=[
            AgendaItem(position=n, title=title, documents=documents)
            for n, (title, documents) in enumerate(agenda)
        ],
    )


def read_back(fields: dict[str, str]) -> list[tuple[str, tuple[str, ...]]]:
    draft = read_fields(fields, default_tz=GENEVA, source="test")
    return [(entry.title, entry.documents) for entry in draft.agenda]


def test_an_agenda_item_keeps_the_documents_its_title_does_not_cite_and_its_semicolons() -> None:
    agenda = [
        ("Opening; approval of the agenda", ["TD553R2"]),  # from a file's title/documents
        ("Liaisons (TSAG-TD 12, C 91)", ["TSAG-TD12", "C91"]),  # cited in the title
        ("Reports of the rapporteur groups (TD 20)", ["TD20", "TD21"]),  # one of two cited
    ]
    fields = form_fields(meeting(agenda))
    assert fields["agenda"].splitlines() == [
        "Opening; approval of the agenda — documents: TD553R2",
        "Liaisons (TSAG-TD 12, C 91)",
        "Reports of the rapporteur groups (TD 20) — documents: TD21",
    ]
    assert read_back(fields) == [(title, tuple(documents)) for title, documents in agenda]


def test_a_typed_agenda_reads_an_item_a_line_and_documents_after_the_dash() -> None:
    typed = "Opening; welcome\n\nReports - documents: TD 5, C 7\nClosing | Documents: TD 9"
    assert read_back({"name": "X", "start": "2026-05-26 09:30", "agenda": typed}) == [
        ("Opening; welcome", ()),
        ("Reports", ("TD5", "C7")),
        ("Closing", ("TD9",)),
    ]
