"""``tsagbot meetings``, ``tsagbot reminders`` and ``tsagbot digest`` from a shell.

Most tests run the commands in-process with click's CliRunner (fast, and the
clock can be fixed); a few run a real process, as a user does, to see that an
error is one line and no traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from bot.cli import schedule as cli_schedule
from bot.cli.main import cli
from bot.render import MAX_BLOCKS, MAX_HEADER, MAX_TEXT
from bot.store.db import Database
from bot.store.models import ImportRun, Meeting, OutboxPost
from tests.support.cli import first_read
from tests.support.common import SEEDS, FixedClock

IRM_REPORT = SEEDS / "000_bdc838b6815b8927.txt"  # the second IRM for WTSA-24, and the third
WP2_AGENDA = SEEDS / "003_06ac831b3261a762.txt"  # WP2 closing plenary, RG-IEM e-meetings
BUNDLED_MEETINGS = 19
RG_IEM = "TSAG RG-IEM e-meeting"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")

needs_seeds = pytest.mark.skipif(
    not WP2_AGENDA.exists(), reason="shared/seeds is not beside this checkout"
)

YAML_SCHEDULE = """\
timezone: Europe/Zurich
meetings:
  - name: TSAG plenary
    kind: tsag
    start: 2025-05-26 09:30
    end: 2025-05-30 17:30
    place: Geneva
    mode: hybrid
    deadline: 2025-05-13
    agenda:
      - Opening
      - {title: Report of WP2, documents: [TD 700]}
  - name: Regional preparatory meeting (Americas)
    kind: regional
    start: 2025-03-10 09:00
    end: 12:00
    timezone: America/New_York
"""

CSV_SCHEDULE = """\
name,kind,start,end,place,deadline,agenda
TSAG RG-WM e-meeting,rapporteur_group,2025-06-17 13:00,15:00,,2025-06-09,Methods; TD 701 review
Fourth IRM for WTSA-28,irm,2025-09-15,,Geneva,,
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No TSAGBOT_* or SLACK_* setting of the machine leaks into a test."""
    for key in list(os.environ):
        if key.startswith(("TSAGBOT_", "SLACK_")):
            monkeypatch.delenv(key)


@pytest.fixture
def cli_clock(monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    """The CLI's clock: 1 March 2025, 10:00 Geneva time, unless a test moves it."""
    fixed = FixedClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    monkeypatch.setattr("bot.cli.main.system_clock", fixed)
    return fixed


def tsagbot(
    db: str, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> Result:
    """Run ``tsagbot --db DB ARGS`` in-process; stdin is ``input`` (never a terminal)."""
    result = CliRunner().invoke(cli, ["--db", db, *args], input=input, env=env, prog_name="tsagbot")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tsagbot: ")
    return lines[0]


def counts(db: str) -> tuple[int, int]:
    """How many meetings the database holds, and how many imports it logged."""
    database = Database(db)
    try:
        with database.unit_of_work() as session:
            meetings = session.scalar(select(func.count(Meeting.id))) or 0
            imports = session.scalar(select(func.count(ImportRun.id))) or 0
            return meetings, imports
    finally:
        database.dispose()


def meetings(db: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = as_json(tsagbot(db, "meetings", "list", "--json"))
    return found


def with_bundled_schedule(db: str) -> str:
    """A database holding the bundled plan and schedule, as any first read leaves it."""
    assert len(meetings(first_read(db, schedule=True))) == BUNDLED_MEETINGS
    return db


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- help -----------------------------------------------------------------------------

HELP = {
    ("meetings",): ["import", "list"],
    ("meetings", "import"): ["--yes", "--ask", "--json", "PATH"],
    ("meetings", "list"): ["--kind", "--upcoming", "--json"],
    ("reminders",): ["--from", "--to", "--dry-run", "--at", "--json"],
    ("digest",): ["--dry-run", "--at", "--json"],
}


@pytest.mark.parametrize("command", list(HELP), ids=" ".join)
def test_every_command_documents_its_options(command: tuple[str, ...], sqlite_url: str) -> None:
    result = ok(tsagbot(sqlite_url, *command, "--help"))
    assert result.stdout.startswith(f"Usage: tsagbot {' '.join(command)} ")
    for option in HELP[command]:
        assert option in result.stdout
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()


def test_help_tells_how_to_choose_interactively(sqlite_url: str) -> None:
    text = " ".join(ok(tsagbot(sqlite_url, "meetings", "import", "--help")).stdout.split())
    assert "--ask" in text
    assert "stdin is a terminal" in text
    assert "echo 1,3 | tsagbot meetings import --ask FILE" in text


# -- meetings list --------------------------------------------------------------------


def test_a_fresh_database_lists_the_bundled_schedule(sqlite_url: str) -> None:
    result = ok(tsagbot(sqlite_url, "meetings", "list", "--json"))
    assert "loaded the bundled meeting schedule, 19 meetings" in result.stderr
    listed = json.loads(result.stdout)
    assert len(listed) == BUNDLED_MEETINGS
    for meeting in listed:
        assert {"name", "kind", "start", "end", "place", "deadline", "source"} <= set(meeting)
        assert ISO_WITH_OFFSET.match(meeting["start"])
        assert ISO_WITH_OFFSET.match(meeting["end"])
        assert meeting["source"]
    by_name = {meeting["name"]: meeting for meeting in listed}
    summer = by_name["Second inter-regional meeting for WTSA-24"]
    assert (summer["start"], summer["end"]) == (
        "2024-07-25T13:00:00+02:00",
        "2024-07-25T16:00:00+02:00",
    )
    assert summer["kind"] == "irm"
    assert summer["deadline"] is None
    winter = by_name["Second inter-regional meeting for WTSA-20"]
    assert winter["start"] == "2021-01-08T12:30:00+01:00"
    rg_iem = [meeting for meeting in listed if meeting["name"] == RG_IEM]
    assert [(m["start"], m["deadline"]) for m in rg_iem] == [
        ("2025-02-11T13:00:00+01:00", "2025-02-03T23:59:00+01:00"),
        ("2025-04-14T13:00:00+02:00", "2025-04-06T23:59:00+02:00"),
    ]
    plenary = by_name["Closing plenary of TSAG Working Party 2"]
    assert plenary["place"] == "Geneva"
    assert plenary["all_day"] is True
    assert [meeting["start"] for meeting in listed] == sorted(
        meeting["start"] for meeting in listed
    )


@pytest.mark.usefixtures("cli_clock")
def test_list_filters_by_kind_and_time(scheduled_url: str) -> None:
    wtsa = as_json(tsagbot(scheduled_url, "meetings", "list", "--kind", "wtsa", "--json"))
    assert [(m["name"], m["start"], m["end"]) for m in wtsa] == [
        ("WTSA-24", "2024-10-14T00:00:00+02:00", "2024-10-26T00:00:00+02:00")
    ]
    upcoming = as_json(tsagbot(scheduled_url, "meetings", "list", "--upcoming", "--json"))
    assert [m["start"] for m in upcoming] == ["2025-04-14T13:00:00+02:00"]  # after 1 March 2025
    text = ok(tsagbot(scheduled_url, "meetings", "list", "--upcoming")).stdout
    assert text.splitlines() == [
        "Mon 14 April 2025, 13:00–15:00 Geneva time  TSAG RG-IEM e-meeting "
        "[rapporteur_group]  deadline 2025-04-06 23:59",
        "(1 meeting)",
    ]
    error = one_line_error(tsagbot(scheduled_url, "meetings", "list", "--kind", "party"))
    assert error.startswith("tsagbot: unknown kind 'party' (use one of ")


# -- meetings import: schedule files --------------------------------------------------


def test_schedule_files_are_imported_once(sqlite_url: str, tmp_path: Path) -> None:
    db = with_bundled_schedule(sqlite_url)
    yaml_file = write(tmp_path / "schedule.yaml", YAML_SCHEDULE)
    csv_file = write(tmp_path / "schedule.csv", CSV_SCHEDULE)
    first = ok(tsagbot(db, "meetings", "import", str(yaml_file)))
    assert first.stdout.splitlines()[-1] == "schedule.yaml: 2 meetings imported, 0 already known."
    assert "  1. [new] TSAG plenary (tsag)" in first.stdout
    assert "     2025-05-26 09:30–2025-05-30 17:30 Europe/Zurich" in first.stdout
    assert "from schedule.yaml, meeting 2 (line 13)\n" in first.stdout  # said once, not twice
    csv_result = ok(tsagbot(db, "meetings", "import", str(csv_file)))
    assert csv_result.stdout.splitlines()[-1] == (
        "schedule.csv: 2 meetings imported, 0 already known."
    )
    assert "     2025-09-15 (all day)" in csv_result.stdout
    assert "from schedule.csv, row 3" in csv_result.stdout
    assert counts(db)[0] == BUNDLED_MEETINGS + 4

    for path in (yaml_file, csv_file):
        again = ok(tsagbot(db, "meetings", "import", str(path)))
        assert (
            again.stdout.splitlines()[-1] == f"{path.name}: 0 meetings imported, 2 already known."
        )
        assert again.stdout.count("[already known]") == 2
    assert counts(db)[0] == BUNDLED_MEETINGS + 4

    by_name = {meeting["name"]: meeting for meeting in meetings(db)}
    plenary = by_name["TSAG plenary"]
    assert (plenary["start"], plenary["end"]) == (
        "2025-05-26T09:30:00+02:00",
        "2025-05-30T17:30:00+02:00",
    )
    assert plenary["deadline"] == "2025-05-13T23:59:00+02:00"
    assert plenary["agenda"] == [
        {"title": "Opening", "documents": []},
        {"title": "Report of WP2", "documents": ["TD700"]},
    ]
    assert (plenary["place"], plenary["mode"], plenary["source"]) == (
        "Geneva",
        "hybrid",
        "schedule.yaml",
    )
    # 09:00 in New York on 10 March 2025 (EDT, since 9 March) is 14:00 in Geneva (still CET).
    americas = by_name["Regional preparatory meeting (Americas)"]
    assert (americas["start"], americas["timezone"]) == (
        "2025-03-10T14:00:00+01:00",
        "America/New_York",
    )
    working_methods = by_name["TSAG RG-WM e-meeting"]
    assert working_methods["deadline"] == "2025-06-09T23:59:00+02:00"
    assert [item["title"] for item in working_methods["agenda"]] == [
        "Methods",
        "TD 701 review",
    ]
    assert by_name["Fourth IRM for WTSA-28"]["all_day"] is True


@pytest.mark.usefixtures("cli_clock")
def test_meetings_imported_today_are_there_on_a_clock_moved_back(
    sqlite_url: str, tmp_path: Path
) -> None:
    """A meeting's own dates decide, not when it was stored: imported on 1 March 2025,
    the TSAG plenary of May is ahead on 1 February, in /meetings and in questions."""
    db = with_bundled_schedule(sqlite_url)
    ok(tsagbot(db, "meetings", "import", str(write(tmp_path / "s.yaml", YAML_SCHEDULE))))
    moved = ("ask", "--at", "2025-02-01")
    assert "TSAG plenary" in ok(tsagbot(db, *moved, "/meetings")).stdout
    assert "TSAG plenary" in ok(tsagbot(db, *moved, "@tsagbot when is the next TSAG?")).stdout
    due = ok(tsagbot(db, *moved, "@tsagbot what is due at the next TSAG?")).stdout
    assert "The next TSAG meeting:\nTSAG plenary" in due
    week = ok(tsagbot(db, "ask", "--at", "2025-03-10", "@tsagbot meetings this week")).stdout
    assert "Regional preparatory meeting (Americas)" in week


def test_import_as_json(sqlite_url: str, tmp_path: Path) -> None:
    db = with_bundled_schedule(sqlite_url)
    yaml_file = write(tmp_path / "schedule.yaml", YAML_SCHEDULE)
    report = as_json(tsagbot(db, "meetings", "import", str(yaml_file), "--json"))
    assert set(report) == {"file", "kind", "found", "imported", "known", "filled", "changed"}
    assert (report["file"], report["kind"], report["imported"], report["known"]) == (
        "schedule.yaml",
        "schedule",
        2,
        0,
    )
    first = report["found"][0]
    assert set(first) == {
        "name",
        "kind",
        "start",
        "end",
        "all_day",
        "mode",
        "place",
        "link",
        "deadline",
        "agenda",
        "source",
        "where",
        "evidence",
        "status",
        "known_as",
    }
    assert (first["name"], first["status"], first["known_as"]) == ("TSAG plenary", "new", None)
    assert (first["start"], first["deadline"]) == (
        "2025-05-26T09:30:00+02:00",
        "2025-05-13T23:59:00+02:00",
    )
    assert first["where"] == "schedule.yaml, meeting 1 (line 3)"
    again = as_json(tsagbot(db, "meetings", "import", str(yaml_file), "--json"))
    assert (again["imported"], again["known"], again["filled"], again["changed"]) == (0, 2, [], [])
    assert [(f["status"], f["known_as"]) for f in again["found"]] == [
        ("known", "TSAG plenary"),
        ("known", "Regional preparatory meeting (Americas)"),
    ]


def test_reimporting_a_schedule_fills_in_what_was_missing(sqlite_url: str, tmp_path: Path) -> None:
    db = with_bundled_schedule(sqlite_url)
    first = "meetings:\n  - {name: TSAG plenary, kind: tsag, start: 2025-05-26 09:30, end: 17:30}\n"
    ok(tsagbot(db, "meetings", "import", str(write(tmp_path / "v1.yaml", first))))
    second = first.replace("}", ", link: 'https://www.itu.int/tsag', deadline: 2025-05-13}")
    result = ok(tsagbot(db, "meetings", "import", str(write(tmp_path / "v2.yaml", second))))
    assert result.stdout.splitlines()[-2:] == [
        "v2.yaml: 0 meetings imported, 1 already known.",
        "  TSAG plenary: filled in link, deadline",
    ]
    [plenary] = [m for m in meetings(db) if m["name"] == "TSAG plenary"]
    assert plenary["link"] == "https://www.itu.int/tsag"
    assert plenary["deadline"] == "2025-05-13T23:59:00+02:00"
    assert counts(db)[0] == BUNDLED_MEETINGS + 1


# -- meetings import: documents -------------------------------------------------------


@needs_seeds
def test_a_document_is_imported_only_with_yes(planned_url: str) -> None:
    refused = ok(tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA)))
    assert refused.stdout.count("[new]") == 4
    assert (
        "  3. [new] TSAG RG-IEM e-meeting (rapporteur_group)\n"
        "     2025-02-11 13:00–15:00 Europe/Zurich\n"
        "     from table 2, row 2: RG-IEM “Rapporteur Group on Industry Engagement, Metrics”: "
        "11 February 2025 13:00 – 15:00 | Review WTSA-24 outcomes, any other IEM topics | "
        "3 February 2025\n"
    ) in refused.stdout
    assert "     2024-07-29 to 2024-08-02 (all day)" in refused.stdout
    assert "  2. [new] Closing plenary of TSAG Working Party 2 (working_party)\n" in refused.stdout
    assert "     2024-08-01 (all day)\n" in refused.stdout
    assert "Nothing imported from a document without --yes or --ask." in refused.stderr
    assert refused.stdout.splitlines()[-1] == (
        "003_06ac831b3261a762.txt: 0 meetings imported, 0 already known."
    )
    assert counts(planned_url)[0] == 0

    refused_json = as_json(tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA), "--json"))
    assert (refused_json["imported"], len(refused_json["found"])) == (0, 4)
    assert counts(planned_url)[0] == 0

    accepted = ok(tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA), "--yes"))
    assert accepted.stdout.splitlines()[-1] == (
        "003_06ac831b3261a762.txt: 4 meetings imported, 0 already known."
    )
    assert counts(planned_url)[0] == 4
    again = ok(tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA), "--yes"))
    assert again.stdout.splitlines()[-1] == (
        "003_06ac831b3261a762.txt: 0 meetings imported, 4 already known."
    )
    assert counts(planned_url)[0] == 4


@needs_seeds
def test_meetings_of_the_bundled_schedule_are_already_known(sqlite_url: str) -> None:
    db = with_bundled_schedule(sqlite_url)
    result = ok(tsagbot(db, "meetings", "import", str(IRM_REPORT), "--yes"))
    assert "  1. [already known] Second inter-regional meeting for WTSA-24 (irm)\n" in result.stdout
    assert "  2. [already known] Third inter-regional meeting for WTSA-24 (irm)\n" in result.stdout
    assert "from line 28: The IRM Chair introduced TD 553R2" in result.stdout
    assert "[new]" not in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "000_bdc838b6815b8927.txt: 0 meetings imported, 2 already known."
    )
    assert counts(db)[0] == BUNDLED_MEETINGS
    report = as_json(tsagbot(db, "meetings", "import", str(IRM_REPORT), "--json"))
    assert (report["kind"], report["imported"], report["known"]) == ("document", 0, 2)
    assert [(f["status"], f["known_as"]) for f in report["found"]] == [
        ("known", "Second inter-regional meeting for WTSA-24"),
        ("known", "Third inter-regional meeting for WTSA-24"),
    ]
    assert report["found"][0]["start"] == "2024-07-25T13:00:00+02:00"
    assert counts(db)[0] == BUNDLED_MEETINGS


@needs_seeds
def test_ask_imports_what_the_answer_names(planned_url: str) -> None:
    result = ok(tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA), "--ask", input="1,3\n"))
    assert "Import which? all, none, or numbers such as 1,3-4 [none]: 1,3\n" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "003_06ac831b3261a762.txt: 2 meetings imported, 0 already known."
    )
    assert [(m["name"], m["start"]) for m in meetings(planned_url)] == [
        ("TSAG Rapporteur Group meetings", "2024-07-29T00:00:00+02:00"),
        (RG_IEM, "2025-02-11T13:00:00+01:00"),
    ]
    # Asked again, the two imported are known; "all" takes the two others.
    again = ok(tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA), "--ask", input="all\n"))
    assert again.stdout.count("[already known]") == 2
    assert again.stdout.splitlines()[-1] == (
        "003_06ac831b3261a762.txt: 2 meetings imported, 2 already known."
    )
    assert counts(planned_url)[0] == 4


@needs_seeds
@pytest.mark.parametrize("answer", ["none\n", "\n"])
def test_ask_with_no_choice_imports_nothing(planned_url: str, answer: str) -> None:
    result = ok(tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA), "--ask", input=answer))
    assert "Nothing imported." in result.stdout
    assert counts(planned_url)[0] == 0


@needs_seeds
def test_ask_with_json_keeps_stdout_json(planned_url: str) -> None:
    result = tsagbot(
        planned_url, "meetings", "import", str(WP2_AGENDA), "--ask", "--json", input="2-3\n"
    )
    report = as_json(result)
    assert report["imported"] == 2
    assert "  4. [new] TSAG RG-IEM e-meeting" in result.stderr
    assert "Import which?" in result.stderr


@needs_seeds
def test_a_terminal_is_asked_without_ask(planned_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_schedule, "stdin_is_terminal", lambda: True)
    result = ok(tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA), input="4\n"))
    assert "Import which?" in result.stdout
    assert [(m["name"], m["start"]) for m in meetings(planned_url)] == [
        (RG_IEM, "2025-04-14T13:00:00+02:00")
    ]
    # --json on a terminal does not ask: stdout stays JSON.
    report = as_json(tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA), "--json"))
    assert report["imported"] == 0


@needs_seeds
@pytest.mark.parametrize(
    ("args", "answer", "error"),
    [
        (["--ask"], "9\n", "tsagbot: there is no meeting 9 in the list"),
        (["--ask"], "1,x\n", "tsagbot: 'x' is not a number or range of the list"),
        (["--ask"], "", "tsagbot: no answer; nothing imported"),
        (["--ask", "--yes"], "", "tsagbot: give --yes or --ask, not both"),
    ],
)
def test_a_bad_answer_imports_nothing(
    planned_url: str, args: list[str], answer: str, error: str
) -> None:
    ok(tsagbot(planned_url, "items"))  # the plan is loaded, the schedule is not
    result = tsagbot(planned_url, "meetings", "import", str(WP2_AGENDA), *args, input=answer)
    assert one_line_error(result) == error
    assert counts(planned_url)[0] == 0


BAD_FILES = [
    (
        "impossible.yaml",
        "meetings:\n  - {name: Good, start: 2025-03-01 10:00, end: 12:00}\n"
        "  - name: Impossible\n    start: 2025-02-30 10:00\n",
        "tsagbot: impossible.yaml: meeting 2 (line 3): start: '2025-02-30' is not a real date "
        "(day is out of range for month)",
    ),
    (
        "backwards.yaml",
        "meetings:\n  - {name: Good, start: 2025-03-01 10:00, end: 12:00}\n"
        "  - name: Backwards\n    start: 2025-03-02 10:00\n    end: 09:00\n",
        "tsagbot: backwards.yaml: meeting 2 (line 3): end '09:00' is before start 10:00",
    ),
    (
        "backwards.csv",
        "name,start,end\nGood,2025-03-01 10:00,12:00\nBackwards,2025-03-05,2025-03-04\n",
        "tsagbot: backwards.csv: row 3: end 2025-03-04 is before start 2025-03-05",
    ),
    (
        "zone.yaml",
        "meetings:\n  - {name: Good, start: 2025-03-01 10:00}\n"
        "  - name: Zone\n    start: 2025-03-02 10:00\n    timezone: Mars/Olympus\n",
        "tsagbot: zone.yaml: meeting 2 (line 3): timezone: unknown time zone 'Mars/Olympus' "
        "(use a name like Europe/Zurich)",
    ),
    (
        "zone.csv",
        "name,start,timezone\nGood,2025-03-01 10:00,\nZone,2025-03-02 10:00,Geneva/Mean\n",
        "tsagbot: zone.csv: row 3: timezone: unknown time zone 'Geneva/Mean' "
        "(use a name like Europe/Zurich)",
    ),
    (
        "undated.csv",
        "name,kind,start,end\nGood,tsag,2025-03-01 10:00,12:00\nNo date,tsag,,12:00\n",
        "tsagbot: undated.csv: row 3: 'No date' has no start date",
    ),
    (
        "undated.yaml",
        "meetings:\n  - {name: Good, start: 2025-03-01 10:00}\n  - name: No date\n",
        "tsagbot: undated.yaml: meeting 2 (line 3): 'No date' has no start date",
    ),
    (
        "broken.docx",
        "Meeting on 11 February 2025, 13:00-15:00 Geneva time",
        "tsagbot: broken.docx: not a Word document (a .docx file is a zip archive)",
    ),
]


@pytest.mark.parametrize(("name", "content", "error"), BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_a_bad_file_imports_nothing_and_names_the_line(
    sqlite_url: str, tmp_path: Path, name: str, content: str, error: str
) -> None:
    db = with_bundled_schedule(sqlite_url)
    before = counts(db)
    path = write(tmp_path / name, content)
    for extra in ([], ["--yes"], ["--json"]):
        assert one_line_error(tsagbot(db, "meetings", "import", str(path), *extra)) == error
    assert counts(db) == before
    assert "Good" not in {meeting["name"] for meeting in meetings(db)}


def test_a_missing_file_or_a_folder(sqlite_url: str, tmp_path: Path) -> None:
    db = with_bundled_schedule(sqlite_url)
    before = counts(db)
    missing = one_line_error(tsagbot(db, "meetings", "import", str(tmp_path / "nope.yaml")))
    assert missing == f"tsagbot: {tmp_path / 'nope.yaml'}: no such file"
    folder = one_line_error(tsagbot(db, "meetings", "import", str(tmp_path)))
    assert folder == f"tsagbot: {tmp_path}: is a folder, not a file"
    empty = one_line_error(
        tsagbot(db, "meetings", "import", str(write(tmp_path / "empty.yaml", "")))
    )
    assert empty == "tsagbot: empty.yaml: no meetings in the file"
    assert counts(db) == before


def test_a_bad_file_leaves_a_new_database_untouched(sqlite_url: str, tmp_path: Path) -> None:
    """As a user runs it: one line on stderr, no traceback, and no database created."""
    path = write(tmp_path / "undated.csv", BAD_FILES[5][1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TSAGBOT_", "SLACK_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--db", sqlite_url, "meetings", "import", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == "tsagbot: undated.csv: row 3: 'No date' has no start date\n"
    assert result.stdout == ""
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()


# -- reminders ------------------------------------------------------------------------

RG_IEM_REMINDERS = [
    ("2025-02-02T09:00:00+01:00", "deadline-1d"),
    ("2025-02-10T09:00:00+01:00", "agenda"),
    ("2025-02-11T12:30:00+01:00", "start"),
]


def test_reminders_in_a_window(scheduled_url: str) -> None:
    found = as_json(
        tsagbot(scheduled_url, "reminders", "--from", "2025-02-01", "--to", "2025-02-15", "--json")
    )
    assert [(r["at"], r["kind"]) for r in found] == RG_IEM_REMINDERS
    for reminder in found:
        assert {"at", "kind", "meeting", "channel", "text"} <= set(reminder)
        assert (reminder["meeting"], reminder["channel"]) == (RG_IEM, None)
        assert reminder["meeting_start"] == "2025-02-11T13:00:00+01:00"
    assert [r["text"] for r in found] == [
        ":memo: Contribution deadline for TSAG RG-IEM e-meeting tomorrow: Mon 3 February 2025, "
        "23:59 Geneva time (03 Feb 2025 23:59 CET your time).",
        ":spiral_calendar_pad: Tomorrow: TSAG RG-IEM e-meeting, Tue 11 February 2025, "
        "13:00–15:00 Geneva time (11 Feb 2025 13:00 CET your time).",
        ":bell: Starting in 30 minutes: TSAG RG-IEM e-meeting, Tue 11 February 2025, "
        "13:00–15:00 Geneva time (11 Feb 2025 13:00 CET your time).",
    ]
    # The 7-day deadline reminder exists, on 27 January: outside the window above.
    earlier = as_json(
        tsagbot(scheduled_url, "reminders", "--from", "2025-01-20", "--to", "2025-02-01", "--json")
    )
    assert [(r["at"], r["kind"]) for r in earlier] == [("2025-01-27T09:00:00+01:00", "deadline-7d")]
    text = ok(tsagbot(scheduled_url, "reminders", "--from", "2025-02-01", "--to", "2025-02-15"))
    assert text.stdout.splitlines()[0] == (
        "2025-02-02 09:00  deadline-1d  TSAG RG-IEM e-meeting  "
        "-> (no channel: set TSAGBOT_ANNOUNCE_CHANNEL)"
    )
    assert text.stdout.splitlines()[-1] == "(3 reminders)"


def test_reminders_go_to_the_announce_channel(scheduled_url: str) -> None:
    found = as_json(
        tsagbot(
            scheduled_url,
            "reminders",
            "--from",
            "2025-02-01T00:00:00+01:00",
            "--to",
            "2025-02-15 00:00",
            "--json",
            env={"TSAGBOT_ANNOUNCE_CHANNEL": "C0ANNOUNCE"},
        )
    )
    assert [(r["at"], r["kind"], r["channel"]) for r in found] == [
        (at, kind, "C0ANNOUNCE") for at, kind in RG_IEM_REMINDERS
    ]


def test_dry_run_prints_what_is_posted_at_a_moment(scheduled_url: str) -> None:
    result = ok(tsagbot(scheduled_url, "reminders", "--dry-run", "--at", "2025-02-11 12:40"))
    assert result.stdout.splitlines() == [
        "2025-02-11 12:30  start        TSAG RG-IEM e-meeting  "
        "-> (no channel: set TSAGBOT_ANNOUNCE_CHANNEL)",
        "    :bell: Starting in 20 minutes: TSAG RG-IEM e-meeting, Tue 11 February 2025, "
        "13:00–15:00 Geneva time (11 Feb 2025 13:00 CET your time).",
        "    Where: Virtual",
        "    Agenda",
        "    1. Review WTSA-24 outcomes, any other IEM topics",
        "    Rapporteur group · source: Agenda of the closing plenary of TSAG WP2, "
        "1 August 2024, table 2, row 2",
        "(1 reminder)",
    ]
    [posted] = as_json(
        tsagbot(scheduled_url, "reminders", "--dry-run", "--at", "2025-02-11T11:40:00Z", "--json")
    )
    assert (posted["kind"], posted["at"]) == ("start", "2025-02-11T12:30:00+01:00")
    assert posted["text"].startswith(":bell: Starting in 20 minutes: TSAG RG-IEM e-meeting")
    assert posted["blocks"]
    assert len(posted["blocks"]) <= MAX_BLOCKS
    agenda = as_json(
        tsagbot(scheduled_url, "reminders", "--dry-run", "--at", "2025-02-10 09:00", "--json")
    )
    assert [(r["kind"], r["at"]) for r in agenda] == [("agenda", "2025-02-10T09:00:00+01:00")]
    started = ok(tsagbot(scheduled_url, "reminders", "--dry-run", "--at", "2025-02-11 13:00"))
    assert started.stdout == "(0 reminders)\n"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--dry-run", "--at", "tomorrow"], "tsagbot: --at: 'tomorrow' is not a date "),
        (["--dry-run", "--at", "2025-02-30 10:00"], "tsagbot: --at: '2025-02-30' is not a real"),
        (["--dry-run", "--at", "2025-02-11 25:00"], "tsagbot: --at: '25:00' is not a time of"),
        (["--dry-run", "--at", "2025-03-30 02:30"], "tsagbot: --at: 2025-03-30 02:30 does not"),
        (["--from", "2025-02-01", "--to", "soon"], "tsagbot: --to: 'soon' is not a date"),
        (["--from", "2025-02-15", "--to", "2025-02-01"], "tsagbot: --to must be after --from"),
        (["--from", "2025-02-01"], "tsagbot: give both --from and --to"),
        (["--from", "2025-02-01", "--to", "2025-02-15", "--dry-run"], "tsagbot: give --from"),
        (["--at", "2025-02-11 12:40"], "tsagbot: give --from and --to, or --dry-run"),
        ([], "tsagbot: give --from and --to, or --dry-run"),
    ],
)
def test_bad_reminder_options_end_in_one_line(sqlite_url: str, args: list[str], error: str) -> None:
    assert one_line_error(tsagbot(sqlite_url, "reminders", *args)).startswith(error)
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()


# -- digest ---------------------------------------------------------------------------


def check_slack_limits(message: dict[str, Any]) -> None:
    blocks = message["blocks"]
    assert 0 < len(blocks) <= MAX_BLOCKS
    assert 0 < len(message["text"]) <= MAX_TEXT
    assert blocks[0]["type"] == "header"
    assert len(blocks[0]["text"]["text"]) <= MAX_HEADER
    for block in blocks:
        texts = [block.get("text", {}), *block.get("elements", [])]
        assert all(len(text.get("text", "")) <= MAX_TEXT for text in texts)


def test_digest_dry_run_on_a_monday_morning(scheduled_url: str) -> None:
    digest = as_json(
        tsagbot(scheduled_url, "digest", "--dry-run", "--at", "2025-02-10 09:00", "--json")
    )
    assert (digest["at"], digest["scheduled"], digest["channel"]) == (
        "2025-02-10T09:00:00+01:00",
        True,
        None,
    )
    assert digest["messages"]
    for message in digest["messages"]:
        check_slack_limits(message)
    first = digest["messages"][0]
    assert first["blocks"][0]["text"]["text"] == "Weekly digest — week of 3 February 2025"
    shown = json.dumps(digest["messages"], ensure_ascii=False)
    assert "*Meetings in the next two weeks* (1)\\n• *TSAG RG-IEM e-meeting*" in shown


def test_digest_dry_run_outside_its_slot(scheduled_url: str) -> None:
    for moment in ("2025-02-12 09:00", "2025-02-10 08:59"):
        digest = as_json(tsagbot(scheduled_url, "digest", "--dry-run", "--at", moment, "--json"))
        assert digest["scheduled"] is False
        assert digest["messages"]
    late = as_json(
        tsagbot(
            scheduled_url,
            "digest",
            "--dry-run",
            "--at",
            "2025-02-10 14:00",
            "--json",
            env={"TSAGBOT_DIGEST_CHANNEL": "C0DIGEST"},
        )
    )
    assert (late["scheduled"], late["channel"]) == (True, "C0DIGEST")
    text = ok(tsagbot(scheduled_url, "digest", "--dry-run", "--at", "2025-02-12 09:00")).stdout
    assert text.splitlines()[:3] == [
        "(no digest is due at this moment under '0 9 * * mon')",
        "(to no channel: set TSAGBOT_DIGEST_CHANNEL)",
        "Weekly digest — week of 5 February 2025",
    ]


def test_digest_is_only_a_dry_run_here(sqlite_url: str) -> None:
    error = one_line_error(tsagbot(sqlite_url, "digest"))
    assert error == (
        "tsagbot: give --dry-run; `tsagbot serve` posts the digest on TSAGBOT_DIGEST_CRON"
    )
    bad = one_line_error(tsagbot(sqlite_url, "digest", "--dry-run", "--at", "Monday"))
    assert bad.startswith("tsagbot: --at: 'Monday' is not a date")
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()


def test_an_import_that_moves_a_meeting_says_so_and_queues_its_notice(
    sqlite_url: str, tmp_path: Path
) -> None:
    db = with_bundled_schedule(sqlite_url)
    entry = "meetings:\n  - {{name: IRM-9, kind: irm, start: '{}', uid: irm-9, place: Geneva}}\n"
    schedule = write(tmp_path / "schedule.yaml", entry.format("2099-03-31 13:00"))
    ok(tsagbot(db, "meetings", "import", str(schedule)))
    write(tmp_path / "schedule.yaml", entry.format("2099-04-02 13:00"))
    env = {"TSAGBOT_ANNOUNCE_CHANNEL": "C0ANNOUNCE"}
    said = ok(tsagbot(db, "meetings", "import", str(schedule), env=env)).stdout
    assert "  IRM-9 moved to Thu 2 April 2099, 13:00 Geneva time (announced)" in said
    database = Database(db)
    with database.unit_of_work() as session:
        queued = session.scalars(
            select(OutboxPost.channel).where(OutboxPost.kind == "meeting-change")
        )
        assert list(queued) == ["C0ANNOUNCE"]
    database.dispose()
