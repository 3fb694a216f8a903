"""``tsagbot bodies`` and ``tsagbot round`` from a shell, in-process on a fixed clock: a round
started five weeks before a TSAG meeting, answered from the command line, followed and
closed to a ``.docx`` that imports back unchanged; bad input is one line and changes
nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import select

from bot.store.db import Database
from bot.store.models import OutboxPost, ReportingRound
from tests.plan.export.conftest import items_state
from tests.support.cli import first_read, run
from tests.support.common import FixedClock
from tests.support.rounds import STARTED, tsag_meeting

ADMINS = {"TSAGBOT_ADMINS": "U0ADMIN"}

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def url(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The bundled plan and schedule, and a TSAG meeting five weeks after the clock."""
    for key in list(os.environ):
        if key.startswith(("TSAGBOT_", "SLACK_")):
            monkeypatch.delenv(key)
    monkeypatch.setattr("bot.cli.main.system_clock", FixedClock(STARTED))
    first_read(sqlite_url, schedule=True)
    db = Database(sqlite_url)
    with db.unit_of_work() as session:
        session.add(tsag_meeting())
        session.commit()
    db.dispose()
    return sqlite_url


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def round_posts(url: str) -> list[tuple[str, str]]:
    db = Database(url)
    with db.unit_of_work() as session:
        found = session.execute(
            select(OutboxPost.key, OutboxPost.channel).where(OutboxPost.key.like("round:%"))
        ).all()
    db.dispose()
    return sorted((key, channel) for key, channel in found)


def test_a_round_started_answered_followed_and_closed_from_the_shell(
    url: str, tmp_path: Path
) -> None:
    ok(run("bodies", "set", "Study Group 17", "--channel", "C0SG17", db=url))
    (tmp_path / "bodies.yml").write_text("TSB: {users: [U0TSB]}\nSG13: {channel: C0SG13}\n")
    said = ok(run("bodies", "set", "--file", str(tmp_path / "bodies.yml"), db=url)).stdout
    assert said == "TSB: by DM to U0TSB\nSG13: channel C0SG13\n"
    listed = {entry["body"]: entry for entry in as_json(run("bodies", "list", "--json", db=url))}
    assert (listed["SG17"]["channel"], listed["TSB"]["users"]) == ("C0SG17", ["U0TSB"])
    (tmp_path / "twice.yml").write_text("SG2: {channel: C0SG2}\nsg 2: {channel: C0OTHER}\n")
    twice = run("bodies", "set", "--file", str(tmp_path / "twice.yml"), db=url)
    assert (twice.exit_code, twice.stderr) == (
        2,
        f"tsagbot: {tmp_path / 'twice.yml'}: SG2 is given twice\n",
    )
    ok(run("bodies", "set", "SG11", "--users", "U0ONE", db=url))
    cleared = ok(run("bodies", "set", "SG11", "--clear", db=url)).stdout
    assert cleared == "SG11: not asked (no channel or people set)\n"

    started = as_json(
        run("round", "start", "--meeting", "tsag meeting", "--json", db=url, env=ADMINS)
    )
    assert started["deadline"] == "2026-04-15T07:30:00+00:00"  # 12 days before, no deadline set
    bodies = {body["body"]: (body["to"], body["items"]) for body in started["bodies"]}
    assert bodies["SG17"] == (["C0SG17"], ["50-18", "52-03", "94-02"])
    assert bodies["TSB"] == (["U0TSB"], ["01-01", "32-02", "44-01", "70-02"])
    assert bodies["TSBDir"][0] == []  # no channel or people: listed, not asked
    asked = round_posts(url)
    assert ("round:1:ask:TSB:U0TSB/1", "U0TSB") in asked

    again = run("round", "start", "--json", db=url, env=ADMINS)
    assert again.exit_code == 2
    assert again.stderr == "tsagbot: a reporting round for TSAG meeting was started already\n"
    assert round_posts(url) == asked

    ok(
        run(
            "say",
            "01-01: TSB answered the liaison",
            "--user",
            "U0TSB",
            "--channel",
            "C0TSB",
            db=url,
        )
    )
    status = as_json(run("round", "status", "--json", db=url))
    tsb = next(tally for tally in status["bodies"] if tally["name"] == "TSB")
    assert (tsb["reported"], tsb["total"], tsb["missing"]) == (1, 4, ["32-02", "44-01", "70-02"])
    assert (status["reported"], status["total"]) == (1, 75)
    assert status["closed_at"] is None
    said = ok(run("round", "status", db=url)).stdout
    assert ok(run("round", "status", "--meeting", "tsag", db=url)).stdout == said  # a part
    assert "• TSB: 1 of 4 reported, by U0TSB; not reported: 32-02, 44-01, 70-02\n" in said
    assert "• Resolution 1: 1 of 10 (missing 01-02, " in said
    # a week before the deadline (Wed 15 April, 09:30 Geneva time) at 09:00 Geneva time
    shown = as_json(run("reminders", "--dry-run", "--at", "2026-04-08 09:00", "--json", db=url))
    round_reminders = {(row["kind"], row["channel"]) for row in shown if row["kind"] == "round"}
    assert round_reminders == {("round", "U0TSB"), ("round", "C0SG17"), ("round", "C0SG13")}
    assert round_posts(url) == asked  # shown, not queued
    digest = ok(run("digest", "--dry-run", "--at", "2026-03-30 09:00", db=url)).stdout
    assert (
        "Reporting round\nTSAG meeting: 1 of 75 items reported; still to report: SG13, SG16, "
        "SG17, SG20, All SGs, SCV, Secretary-General, TSAG, TSB, TSBDir; answers due Wed 15 "
        "April 2026, 09:30 Geneva time\n"
    ) in digest

    before = items_state(Database(url))
    out = tmp_path / "closing.docx"
    closed = ok(run("round", "close", "--out", str(out), db=url, env=ADMINS)).stdout
    assert f"Wrote {out} (WTSA-20, " in closed
    assert "• TSB: 1 of 4 reported" in closed
    assert closed.endswith("The summary goes to U0ADMIN by DM.\n")
    assert ("round:1:closed:U0ADMIN/1", "U0ADMIN") in round_posts(url)
    assert "unchanged" in ok(run("import", str(out), db=url)).stdout
    assert items_state(Database(url)) == before

    twice = run("round", "close", "--out", str(tmp_path / "again.docx"), db=url, env=ADMINS)
    assert (
        twice.stderr
        == "tsagbot: no reporting round is open (start one: tsagbot round start --meeting NAME)\n"
    )
    assert not (tmp_path / "again.docx").exists()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["round", "start", "--meeting", "WTSA-99"],
            ADMINS,
            "no meeting ahead is named 'WTSA-99' (see tsagbot meetings list --upcoming)",
        ),
        (
            ["round", "start"],
            {},
            "no admins to hand the round's summary to: set TSAGBOT_ADMINS=U1,U2",
        ),
        (
            ["round", "start", "--deadline", "2026-05-01"],
            ADMINS,
            "the deadline is after the meeting starts",
        ),
        (
            ["round", "status"],
            {},
            "no reporting round is open (start one: tsagbot round start --meeting NAME)",
        ),
        (
            ["bodies", "set", "SG17", "--channel", "#general"],
            {},
            "'#general' is not a Slack channel id (C… or G…)",
        ),
        (
            ["bodies", "set", "SG17", "--users", " , "],
            {},
            "--users names nobody: give user ids (U1,U2), or --clear to stop asking the body",
        ),
        (
            ["bodies", "set", "SG17", "--channel", ""],
            {},
            "--channel is empty: give a channel id (C…), or --clear to stop asking the body",
        ),
        (["round", "start", "--meeting", " "], ADMINS, "--meeting is empty: name the meeting"),
        (
            ["bodies", "set", "Bob"],
            {},
            "'Bob' names no responsible body (try SG17, TSB, TSBDir, TSAG, Membership, All SGs)",
        ),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    url: str, args: list[str], env: dict[str, str], message: str
) -> None:
    result = run(*args, db=url, env=env)
    assert result.exit_code == 2
    assert result.stderr == f"tsagbot: {message}\n"
    db = Database(url)
    with db.unit_of_work() as session:
        assert session.scalars(select(ReportingRound)).first() is None
    db.dispose()
    assert round_posts(url) == []
