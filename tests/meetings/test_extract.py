"""Meetings found in real ITU documents, and the reading rules behind them."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn

from bot.documents.blocks import Block, Paragraph, Table
from bot.documents.detect import read_blocks
from bot.meetings.extract import EVIDENCE_LIMIT, Found, find_meetings
from bot.meetings.model import AgendaEntry, MeetingKind, Mode, tidy
from scripts.build_docx_fixtures import (
    BULLET_NUM_ID,
    Cell,
    Row,
    add_bullet_list,
    add_paragraph,
    add_run,
    sub,
    write_table,
)
from tests.support.common import SEEDS, utc

GENEVA = ZoneInfo("Europe/Zurich")


def seed(prefix: str) -> Path:
    paths = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not paths:
        pytest.skip(f"seed {prefix} is not on this machine ({SEEDS})")
    return paths[0]


def found_in_seed(prefix: str) -> list[Found]:
    path = seed(prefix)
    blocks, kind = read_blocks(path.read_bytes())
    assert kind == "text"
    return find_meetings(blocks, source=path.name, default_tz=GENEVA)


def found_in(*texts: str, tz: ZoneInfo = GENEVA) -> list[Found]:
    blocks: list[Block] = [Paragraph(text, number) for number, text in enumerate(texts, 1)]
    return find_meetings(blocks, source="test.docx", default_tz=tz)


def only(*texts: str, tz: ZoneInfo = GENEVA) -> Found:
    found = found_in(*texts, tz=tz)
    assert len(found) == 1, [f.draft.name for f in found]
    return found[0]


def summary(found: Found) -> tuple[object, ...]:
    d = found.draft
    return (d.name, d.kind, d.start, d.end, d.all_day, d.mode, d.deadline)


# --------------------------------------------------------------------------- seeds


def test_irm_report_gives_the_meeting_it_reports_and_the_next_one() -> None:
    found = found_in_seed("000")
    assert [summary(f) for f in found] == [
        (
            "Second inter-regional meeting for WTSA-24",
            MeetingKind.IRM,
            utc(2024, 7, 25, 11),  # 13:00 Geneva summer time
            utc(2024, 7, 25, 14),
            False,
            Mode.VIRTUAL,
            None,
        ),
        (
            "Third inter-regional meeting for WTSA-24",
            MeetingKind.IRM,
            utc(2024, 9, 8, 22),  # the whole of 9 September in Geneva
            utc(2024, 9, 9, 22),
            True,
            Mode.VIRTUAL,
            None,
        ),
    ]
    second, third = found
    assert second.draft.timezone == "Europe/Zurich"
    assert second.draft.documents == ("TD553R2", "TD554")  # its agenda and its report
    assert second.draft.source == seed("000").name
    assert second.where == "line 28"
    assert second.evidence.startswith("The IRM Chair introduced TD 553R2")
    assert "9 September 2024 (virtual mode)" in third.evidence
    assert third.where == "line 80"


def test_liaison_gives_past_and_next_irm_and_the_weekly_calls() -> None:
    found = found_in_seed("001")
    single = [f for f in found if not f.draft.series]
    assert [summary(f) for f in single] == [
        (
            "First inter-regional meeting for WTSA-20",
            MeetingKind.IRM,
            utc(2020, 9, 18, 10, 30),  # 12:30 CEST
            utc(2020, 9, 18, 13),
            False,
            Mode.VIRTUAL,
            None,
        ),
        (
            "Second inter-regional meeting for WTSA-20",
            MeetingKind.IRM,
            utc(2021, 1, 8, 11, 30),  # 12:30 CET
            utc(2021, 1, 8, 14, 30),
            False,
            Mode.VIRTUAL,
            None,
        ),
    ]
    assert "TSAG-TD831" in single[0].draft.documents
    assert single[1].where == "line 15"


def test_liaison_weekly_calls_meet_every_tuesday_and_thursday_of_the_period() -> None:
    series = [f.draft for f in found_in_seed("001") if f.draft.series]
    tuesdays = [date(2021, 1, 19), date(2021, 1, 26), date(2021, 2, 2)]
    tuesdays += [date(2021, 2, 9), date(2021, 2, 16)]
    thursdays = [date(2021, 1, 21), date(2021, 1, 28), date(2021, 2, 4)]
    thursdays += [date(2021, 2, 11), date(2021, 2, 18)]
    by_series: dict[str, list[date]] = {}
    for draft in series:
        by_series.setdefault(draft.series, []).append(draft.start.date())
        assert draft.kind is MeetingKind.IRM
        assert draft.mode is Mode.VIRTUAL
        assert not draft.all_day
        assert draft.timezone == "Europe/Zurich"
        assert (draft.start.time(), draft.end.time()) == (time(11, 30), time(14, 30))
    assert by_series == {
        "IRM weekly call, WTSA-20 Committee 3": tuesdays,
        "IRM weekly call, WTSA-20 Committee 4": thursdays,
    }
    names = {d.series: d.name for d in series}
    assert names["IRM weekly call, WTSA-20 Committee 3"] == (
        "Inter-regional conference call (WTSA-20 Committee 3)"
    )


def test_wp2_agenda_gives_the_plenary_the_rg_meetings_and_the_annex_e_meetings() -> None:
    found = found_in_seed("003")
    assert [summary(f) for f in found] == [
        (
            "TSAG Rapporteur Group meetings",
            MeetingKind.RAPPORTEUR_GROUP,
            utc(2024, 7, 28, 22),
            utc(2024, 8, 2, 22),
            True,
            Mode.PHYSICAL,
            None,
        ),
        (
            "Closing plenary of TSAG Working Party 2",
            MeetingKind.WORKING_PARTY,
            utc(2024, 7, 31, 22),
            utc(2024, 8, 1, 22),
            True,
            Mode.PHYSICAL,
            None,
        ),
        (
            "TSAG RG-IEM e-meeting",
            MeetingKind.RAPPORTEUR_GROUP,
            utc(2025, 2, 11, 12),  # 13:00 CET
            utc(2025, 2, 11, 14),
            False,
            Mode.VIRTUAL,
            utc(2025, 2, 3, 22, 59),  # 23:59 CET
        ),
        (
            "TSAG RG-IEM e-meeting",
            MeetingKind.RAPPORTEUR_GROUP,
            utc(2025, 4, 14, 11),  # 13:00 CEST
            utc(2025, 4, 14, 13),
            False,
            Mode.VIRTUAL,
            utc(2025, 4, 6, 21, 59),  # 23:59 CEST
        ),
    ]
    plenary = found[1].draft
    assert plenary.place == "Geneva"
    assert found[0].draft.place == "Geneva"
    assert [entry.title for entry in plenary.agenda] == [
        "Opening of the meeting",
        "Approval of the agenda",
        "Review of the Results of Rapporteur Group meetings (Geneva, 29 July – 2 August 2024)",
        "Review of the ad-hocs results",
        "Review of the WP2/TSAG report – TD513",
        "Any other business",
        "Closure",
    ]
    review = plenary.agenda[2].documents
    assert review[:3] == ("TD523", "TD598", "TD521")
    assert "TD666-R2" in review
    assert "TD525" in review
    assert plenary.agenda[3].documents == ("TD670", "TD673")
    assert "TD513" in plenary.documents
    e_meeting = found[2]
    assert e_meeting.where == "table 2, row 2"
    assert e_meeting.draft.agenda == (AgendaEntry("Review WTSA-24 outcomes, any other IEM topics"),)
    assert found[3].where == "table 2, row 3"  # and the RG-DT table, a header only, gives none


def test_regional_offices_report_gives_no_regional_events() -> None:
    """Past events of other bodies are context; only the announced WTSA-24 is read."""
    found = found_in_seed("002")
    assert [summary(f) for f in found] == [
        (
            "WTSA-24",
            MeetingKind.WTSA,
            utc(2024, 10, 13, 22),
            utc(2024, 10, 25, 22),
            True,
            None,
            None,
        )
    ]
    assert "scheduled from 14 to 25 October 2024" in found[0].evidence


def test_action_plan_gives_no_meetings() -> None:
    blocks, _ = read_blocks(seed("004").read_bytes())
    assert find_meetings(blocks, source="plan.txt", default_tz=GENEVA) == []


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_evidence_is_one_tidy_line_and_matches_the_draft(prefix: str) -> None:
    for found in found_in_seed(prefix):
        assert found.evidence == found.draft.evidence
        assert "\n" not in found.evidence
        assert found.evidence == tidy(found.evidence)
        assert 0 < len(found.evidence) <= EVIDENCE_LIMIT
        assert found.where.startswith(("line ", "table "))


# --------------------------------------------------------------------------- dates and times

TSAG = "The TSAG e-meeting will take place on "


@pytest.mark.parametrize(
    ("when", "start", "end"),
    [
        ("15 July 2025, 13:00-15:00 CEST", utc(2025, 7, 15, 11), utc(2025, 7, 15, 13)),
        ("15 January 2025, 13:00-15:00 CET", utc(2025, 1, 15, 12), utc(2025, 1, 15, 14)),
        # Documents write Geneva's wall clock as CET all year: in July that is UTC+2.
        ("15 July 2025, 13:00-15:00 CET", utc(2025, 7, 15, 11), utc(2025, 7, 15, 13)),
        ("15 July 2025; 1300-1600 hours Geneva time", utc(2025, 7, 15, 11), utc(2025, 7, 15, 14)),
        (
            "15 July 2025, 13:00 – 15:00 hours, Geneva time",
            utc(2025, 7, 15, 11),
            utc(2025, 7, 15, 13),
        ),
        ("15 July 2025, 12.30-15.30 hours UTC", utc(2025, 7, 15, 12, 30), utc(2025, 7, 15, 15, 30)),
        (
            "Friday 8 January 2021, 12:30-15:30 hours CET",
            utc(2021, 1, 8, 11, 30),
            utc(2021, 1, 8, 14, 30),
        ),
        ("15 July 2025 from 22:00 to 01:00 UTC", utc(2025, 7, 15, 22), utc(2025, 7, 16, 1)),
        ("15 July 2025 at 14:00 CET", utc(2025, 7, 15, 12), utc(2025, 7, 15, 12)),
        ("February 11, 2025, 13:00-15:00 CET", utc(2025, 2, 11, 12), utc(2025, 2, 11, 14)),
    ],
)
def test_times_and_zones(when: str, start: datetime, end: datetime) -> None:
    draft = only(TSAG + when + ".").draft
    assert (draft.start, draft.end, draft.all_day) == (start, end, False)
    assert draft.timezone == "Europe/Zurich" or "UTC" in when


def test_a_time_without_a_zone_is_in_the_default_zone() -> None:
    draft = only(TSAG + "15 July 2025, 13:00-15:00.", tz=ZoneInfo("Asia/Kolkata")).draft
    assert (draft.start, draft.timezone) == (utc(2025, 7, 15, 7, 30), "Asia/Kolkata")


@pytest.mark.parametrize(
    ("when", "first", "last"),
    [
        ("29 July – 2 August 2024", date(2024, 7, 29), date(2024, 8, 2)),
        ("13 - 22 September 2023", date(2023, 9, 13), date(2023, 9, 22)),
        ("26-28 of March 2024", date(2024, 3, 26), date(2024, 3, 28)),
        ("18 January – 19 February 2021", date(2021, 1, 18), date(2021, 2, 19)),
        ("28 December – 3 January 2021", date(2020, 12, 28), date(2021, 1, 3)),
        ("from 14 to 25 October 2024", date(2024, 10, 14), date(2024, 10, 25)),
        ("the 1st of August 2024", date(2024, 8, 1), date(2024, 8, 1)),
    ],
)
def test_day_ranges_are_all_day_in_local_time(when: str, first: date, last: date) -> None:
    draft = only(f"The TSAG meeting (Geneva, {when}) is planned as a hybrid meeting.").draft
    assert draft.all_day
    assert draft.timezone == "Europe/Zurich"
    assert draft.start == datetime.combine(first, datetime.min.time(), GENEVA).astimezone(UTC)
    after = last + timedelta(days=1)
    assert draft.end == datetime.combine(after, datetime.min.time(), GENEVA).astimezone(UTC)
    assert (draft.mode, draft.place) == (Mode.HYBRID, "Geneva")


def test_a_weekday_that_does_not_match_the_date_is_no_meeting() -> None:
    assert found_in("The TSAG meeting will take place on Monday 8 January 2021.") == []
    assert only("The TSAG meeting will take place on Friday 8 January 2021.").draft.all_day


def test_a_time_the_clocks_skip_is_no_meeting() -> None:
    assert found_in("The TSAG meeting will take place on 29 March 2026, 02:30-04:00 CET.") == []


def test_years_are_not_times() -> None:
    draft = only("The 2023-2024 TSAG meeting will take place on 3 March 2025.").draft
    assert draft.all_day


# --------------------------------------------------------------------------- what is a meeting


@pytest.mark.parametrize(
    "text",
    [
        "The Inter-regional meeting was closed on 25 July 2024, at 15:34 hours Geneva time.",
        "The Minister invited the ministers to a meeting and reception on the 13th of October.",
        "TSB presented the update on meetings until WTSA-24 in October 2024.",
        "Please book a WTSA-24 booth by 16 August 2024 and no later than 23 August 2024.",
        "A space has been reserved from 14 to 24 October 2024 during the Assembly (WTSA-24).",
        "The TSAG report was approved on 25 July 2024.",
        "A workshop on AI took place on 12 May 2024 in Geneva.",
        "The first meeting of the FG-MV took place on 8–9 March 2023 in Riyadh.",
        "· Information Session on Toolkit on Digital Transformation (Virtual, 21 June 2022)",
        "A series of weekly IRM calls will take place 18 January – 19 February 2021.",
    ],
)
def test_nothing_is_invented(text: str) -> None:
    assert found_in(text) == []


def test_events_of_other_bodies_count_when_announced() -> None:
    draft = only("A workshop on AI standards will take place on 12 May 2025 in Geneva.").draft
    assert (draft.name, draft.kind, draft.all_day) == (
        "Workshop on AI standards",
        MeetingKind.OTHER,
        True,
    )


def test_each_date_of_a_sentence_gets_its_own_meeting() -> None:
    found = found_in(
        "The first IRM was held on 18 September 2020 and the second IRM will take place "
        "on 8 January 2021, 12:30-15:30 CET."
    )
    assert [(f.draft.name, f.draft.all_day) for f in found] == [
        ("First inter-regional meeting", True),
        ("Second inter-regional meeting", False),
    ]


def test_a_deadline_in_the_sentence_is_the_meetings_not_another_meeting() -> None:
    draft = only(
        "The RG-WM e-meeting is scheduled for 3 March 2025, 14:00-16:00 CET; "
        "the contribution deadline is 20 February 2025."
    ).draft
    assert draft.deadline == utc(2025, 2, 20, 22, 59)
    assert draft.name == "RG-WM e-meeting"
    assert draft.mode is Mode.VIRTUAL


def test_a_series_in_one_sentence() -> None:
    found = found_in(
        "Every Tuesday from 18 January to 2 February 2021, 12:30-15:30 CET, "
        "an online inter-regional call will take place."
    )
    assert [f.draft.start for f in found] == [
        utc(2021, 1, 19, 11, 30),
        utc(2021, 1, 26, 11, 30),
        utc(2021, 2, 2, 11, 30),
    ]
    assert {f.draft.series for f in found} == {"IRM weekly call, Tuesdays"}


def test_mentions_of_one_meeting_collapse_into_the_richest() -> None:
    found = found_in(
        "The second IRM for WTSA-24 will take place on 25 July 2024.",
        "TD 553R2 is the agenda of the first IRM (virtual, 25 July 2024, 13:00-16:00 hours "
        "Geneva time).",
        "The second IRM (virtual, 25 July 2024) adopted TD 554.",
        "A second IRM call was held on 25 July 2024, 17:00-18:00 CEST.",
    )
    assert [(f.draft.name, f.draft.start, f.draft.end) for f in found] == [
        ("Second inter-regional meeting for WTSA-24", utc(2024, 7, 25, 11), utc(2024, 7, 25, 14)),
        ("Second inter-regional meeting for WTSA-24", utc(2024, 7, 25, 15), utc(2024, 7, 25, 16)),
    ]
    first = found[0]
    assert first.where == "line 2"
    assert first.draft.documents == ("TD553R2", "TD554")
    assert first.draft.mode is Mode.VIRTUAL


def test_a_schedule_table_with_only_a_header_gives_nothing() -> None:
    header = ["Date, Time \n(Geneva time)", "Objectives", "Contribution Deadline"]
    blocks: list[Block] = [Paragraph("RG-DT interim e-meetings", 1), Table([header], 2)]
    assert find_meetings(blocks, source="x", default_tz=GENEVA) == []


def test_long_sentences_give_short_evidence() -> None:
    text = "The TSAG meeting will take place on 3 March 2025. " + "Filler words here. " * 40
    found = only(text.replace(". Filler", ", filler"))
    assert len(found.evidence) <= EVIDENCE_LIMIT
    assert found.evidence.endswith("…")
    assert found.evidence.startswith("The TSAG meeting will take place on 3 March 2025, filler")


# --------------------------------------------------------------------------- Word


AGENDA_LINES = [
    "Agenda for the closing plenary of Working Party 2/TSAG",
    "(Geneva, 1 August 2024)",
    "1 Opening of the meeting",
    "2 Approval of the agenda",
    "3 Review of the Results of Rapporteur Group meetings (Geneva, 29 July – 2 August 2024)",
    "3.1 TSAG RG-IEM “Rapporteur Group on Industry Engagement, Metrics”",
]
AFTER_BULLETS = [
    "4 Any other business",
    "Annex 1 – WP2 Rapporteur Groups interim e-meetings plan",
    "RG-IEM “Rapporteur Group on Industry Engagement, Metrics”",
]
TITLE_ROW = "Interim e-meetings of RG-IEM"
HEADER = ["Date, Time\n(Geneva time)", "Objectives", "Contribution Deadline"]
OBJECTIVES = "Review WTSA-24 outcomes, any other IEM topics"
DATA = [
    ["11 February 2025\n13:00 – 15:00", "3 February 2025"],
    ["14 April 2025\n13:00 – 15:00", "6 April 2025"],
]

AGENDA_TEXT = "\n".join(
    [
        *AGENDA_LINES,
        "· Report – TD521",
        "· Updated action plan – TD624-R2",
        *AFTER_BULLETS,
        "",
        f"\t{TITLE_ROW}",
        "",
        *(f"\t{cell}" for cell in HEADER),
        "",
        f"\t{DATA[0][0]}",
        f"\t{OBJECTIVES}",
        f"\t{DATA[0][1]}",
        "",
        f"\t{DATA[1][0]}",
        "\t",  # the objectives cell merged down from the row above
        f"\t{DATA[1][1]}",
        "",
    ]
)


def _writer(text: str) -> Callable[[Any], None]:
    def write(tc: Any) -> None:
        for line in text.split("\n"):
            add_run(add_paragraph(tc), line)

    return write


def agenda_docx() -> bytes:
    """The agenda above as Word writes it: list bullets, a hyperlink, merged table cells."""
    document = docx.Document()
    add_bullet_list(document)
    body = document.element.body
    section = body.find(qn("w:sectPr"))
    body.remove(section)
    for line in AGENDA_LINES:
        add_run(add_paragraph(body), line)
    add_run(add_paragraph(body, num_id=BULLET_NUM_ID), "Report – TD521")
    bullet = add_paragraph(body, num_id=BULLET_NUM_ID)
    add_run(bullet, "Updated action plan – ")
    link = sub(bullet, "hyperlink", history="1")
    rid = document.part.relate_to(
        "https://www.itu.int/md/T22-TSAG-240729-TD-GEN-0624/en",
        RELATIONSHIP_TYPE.HYPERLINK,
        is_external=True,
    )
    link.set(qn("r:id"), rid)
    add_run(link, "TD624-R2")
    for line in AFTER_BULLETS:
        add_run(add_paragraph(body), line)
    rows = [
        Row([Cell(_writer(TITLE_ROW), span=3)]),
        Row([Cell(_writer(text)) for text in HEADER], header=True),
        Row(
            [
                Cell(_writer(DATA[0][0])),
                Cell(_writer(OBJECTIVES), merge="restart"),
                Cell(_writer(DATA[0][1])),
            ]
        ),
        Row(
            [
                Cell(_writer(DATA[1][0])),
                Cell(_writer(""), merge="continue"),
                Cell(_writer(DATA[1][1])),
            ]
        ),
    ]
    write_table(body, rows, 3, iter(range(1, 100)))
    body.append(section)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _shape(blocks: list[Block]) -> list[object]:
    return [
        [[tidy(cell) for cell in row] for row in block.rows]
        if isinstance(block, Table)
        else tidy(block.text)
        for block in blocks
    ]


def test_word_document_gives_the_meetings_of_its_text_export() -> None:
    word_blocks, kind = read_blocks(agenda_docx())
    text_blocks, _ = read_blocks(AGENDA_TEXT.encode())
    assert kind == "docx"
    assert _shape(word_blocks) == _shape(text_blocks)
    assert word_blocks[-1] == Table(
        [[TITLE_ROW], HEADER, [DATA[0][0], OBJECTIVES, DATA[0][1]], [DATA[1][0], "", DATA[1][1]]],
        word_blocks[-1].line,
    )

    from_word = find_meetings(word_blocks, source="agenda", default_tz=GENEVA)
    from_text = find_meetings(text_blocks, source="agenda", default_tz=GENEVA)
    assert [f.draft for f in from_word] == [f.draft for f in from_text]
    assert [f.evidence for f in from_word] == [f.evidence for f in from_text]
    # Paragraph line numbers differ (paragraphs vs lines of the export); table places do not.
    assert (
        [f.where for f in from_word if f.where.startswith("table")]
        == [f.where for f in from_text if f.where.startswith("table")]
        == ["table 1, row 3", "table 1, row 4"]
    )

    assert [summary(f)[:2] for f in from_word] == [
        ("TSAG Rapporteur Group meetings", MeetingKind.RAPPORTEUR_GROUP),
        ("Closing plenary of TSAG Working Party 2", MeetingKind.WORKING_PARTY),
        ("TSAG RG-IEM e-meeting", MeetingKind.RAPPORTEUR_GROUP),
        ("TSAG RG-IEM e-meeting", MeetingKind.RAPPORTEUR_GROUP),
    ]
    plenary = from_word[1].draft
    assert plenary.agenda[2].documents == ("TD521", "TD624-R2")  # the second through a hyperlink
    second = from_word[3].draft
    assert second.agenda == (AgendaEntry(OBJECTIVES),)  # read through the vertical merge
    assert (second.start, second.deadline) == (utc(2025, 4, 14, 11), utc(2025, 4, 6, 21, 59))


# --------------------------------------------------------------------------- large documents
# Reading is linear in the document's length (scripts/bench_import.py measures it); these
# check what a large document gives, not how long it takes.


def test_one_meeting_repeated_hundreds_of_times_is_one_meeting() -> None:
    sentence = "The second IRM will take place on 8 January 2021, 12:30-15:30 CET."
    found = only(*[sentence] * 300)
    assert summary(found)[2:4] == (utc(2021, 1, 8, 11, 30), utc(2021, 1, 8, 14, 30))
    assert found.where == "line 1"


def test_a_mention_joins_the_first_group_it_overlaps_entirely() -> None:
    """11-13 overlaps 10-12; 12:30-14 does not; ``at 10:00`` (a moment) overlaps 10-12,
    as it starts with it, but not 11-13, so it is a meeting of its own."""
    found = found_in(
        "The TSAG e-meeting will take place on 3 March 2025, 10:00-12:00 CET.",
        "The TSAG e-meeting will take place on 3 March 2025, 11:00-13:00 CET.",
        "The TSAG e-meeting will take place on 3 March 2025, 12:30-14:00 CET.",
        "The TSAG e-meeting will take place on 3 March 2025 at 10:00 CET.",
    )
    assert [(f.draft.start, f.draft.end, f.where) for f in found] == [
        (utc(2025, 3, 3, 9), utc(2025, 3, 3, 9), "line 4"),
        (utc(2025, 3, 3, 9), utc(2025, 3, 3, 11), "line 1"),
        (utc(2025, 3, 3, 11, 30), utc(2025, 3, 3, 13), "line 3"),
    ]


def test_a_sentence_of_many_dates_gives_each_its_own_time() -> None:
    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(300)]
    text = "TSAG e-meetings will take place on " + ", ".join(
        f"{day.day} {day:%B %Y} at {10 + n % 8}:00 CET" for n, day in enumerate(days)
    )
    found = found_in(text)
    assert [f.draft.start.astimezone(GENEVA).hour for f in found] == [
        10 + n % 8 for n in range(300)
    ]


def test_each_agenda_title_has_its_own_items() -> None:
    texts = []
    for n in range(1, 101):
        day = date(2025, 1, 1) + timedelta(days=n)
        texts += [f"Draft agenda of the TSAG meeting on {day.day} {day:%B %Y}", f"1 Item {n}"]
    found = found_in(*texts)
    assert len(found) == 100
    assert [f.draft.agenda for f in found[:2]] == [
        (AgendaEntry("Item 1"),),
        (AgendaEntry("Item 2"),),
    ]


def test_many_parentheses_under_a_title_are_read_with_it() -> None:
    found = only("The TSAG meeting is planned", *["(Geneva, 1 August 2024)"] * 500)
    assert found.draft.place == "Geneva"
    assert found.where == "line 1"
