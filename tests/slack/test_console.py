"""The bot without Slack: ``tsagbot ask``, ``tsagbot console`` and the Console class.

The commands run in-process (click's CliRunner; ``tsagbot ask`` once as a separate
process, as a user runs it) on a fresh, empty SQLite file and without any Slack
setting: they load the bundled plan and answer through the same Bolt app that
``tsagbot serve`` runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.services import Services
from bot.store.db import Database
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

# On SQLite alone: this is about what the console prints, not the database engine; the store's own
# tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]
CARD_HEADER = "50-18 · Resolution 50 – Cybersecurity"
CARD_LINES = [
    "Action",
    "SG17, in close collaboration with all other ITU-T SGs, establish an action plan to assess "
    "existing, evolving and new ITU-T Recommendations to counter security vulnerabilities and "
    "continue to provide regular reports to TSAG (instructs 4 SG17)",
    "Milestone: Ongoing",
    "Each TSAG meeting",
    "Periodic goals met: ✅ Yes",
    "Completed: No",
    "Status",
    "SG17 reports on its LSG functions in TSAG-TD38, TSAG-TD206.",
    "Resolution 50 · periodic goals met · `/action 50-18`",
    "[Post in channel]",
]
LIST_HEADER = "Resolution 50 – Cybersecurity"


def tsagbot(*args: str, db: str, stdin: str | None = None) -> Result:
    """``tsagbot ARGS`` in-process on ``db``, without the machine's settings."""
    env: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("SLACK_", "TSAGBOT_"))
    }
    env["TSAGBOT_DATABASE_URL"] = db
    result = CliRunner().invoke(cli, list(args), input=stdin, env=env, prog_name="tsagbot")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def tsagbot_process(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TSAGBOT_"))}
    env["TSAGBOT_DATABASE_URL"] = db
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def assert_card(text: str) -> None:
    lines = text.splitlines()
    assert lines[0] == CARD_HEADER
    assert lines[1] == "=" * len(CARD_HEADER)
    for line in CARD_LINES:
        assert line in lines, line
    assert lines.index("Milestone: Ongoing") < lines.index("Completed: No")


def test_ask_prints_the_card(sqlite_url: str) -> None:
    """As a user runs it: a separate process."""
    result = tsagbot_process("ask", "/action 50-18", db=sqlite_url)
    assert result.returncode == 0, result.stderr
    assert_card(result.stdout)
    assert "loaded the bundled WTSA-20 action plan, 397 items" in result.stderr
    assert "Traceback" not in result.stderr


def test_ask_json_prints_the_block_kit_payload(scheduled_url: str) -> None:
    result = tsagbot("ask", "/action 50-18", "--json", db=scheduled_url)
    assert result.exit_code == 0, result.output
    (message,) = json.loads(result.stdout)
    assert message["response_type"] == "ephemeral"
    assert message["text"].startswith("50-18: SG17, in close collaboration")
    blocks = message["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": CARD_HEADER, "emoji": True},
    }
    fields = [field["text"] for block in blocks for field in block.get("fields", [])]
    assert "*Milestone*\nOngoing\nEach TSAG meeting" in fields
    (post,) = blocks[-1]["elements"]
    assert (post["action_id"], post["text"]["text"]) == ("action_post", "Post in channel")


def test_ask_answers_what_is_not_found_without_failing(scheduled_url: str) -> None:
    result = tsagbot("ask", "/action xyzzyplugh", db=scheduled_url)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Nothing found for xyzzyplugh."


def test_ask_takes_words_as_a_question_to_the_bot(scheduled_url: str) -> None:
    """Words that are not a slash command are a question, with or without ``@tsagbot``,
    answered as the console answers a mention: never an item search."""
    asked = [
        tsagbot("ask", line, "--at", "2025-01-20", db=scheduled_url).stdout
        for line in ("@tsagbot when was the last IRM?", "when was the last IRM?")
    ]
    console = tsagbot(
        "console", "--at", "2025-01-20", db=scheduled_url, stdin="@tsagbot when was the last IRM?\n"
    ).stdout.split("tsagbot> ")[1]
    assert asked[0] == asked[1] == console.rstrip("\n") + "\n"
    assert asked[0].startswith("The last inter-regional meeting:\nThird inter-regional meeting")
    unknown = tsagbot("ask", "xyzzyplugh", db=scheduled_url).stdout
    assert unknown.startswith("I can't answer that yet.")


def test_at_moves_the_clock_of_ask_say_and_console(scheduled_url: str) -> None:
    before = tsagbot("ask", "/meetings", "--at", "2025-01-20", db=scheduled_url)
    assert "(the clock reads Mon 20 Jan 2025 00:00 CET, moved by --at)" in before.stderr
    assert "TSAG RG-IEM e-meeting" in before.stdout
    after = tsagbot("ask", "when is the next meeting?", "--at", "2025-06-01", db=scheduled_url)
    assert after.stdout.startswith(
        "No meeting is in the schedule from now on. The last one the schedule holds is "
        "TSAG RG-IEM e-meeting, Mon 14 April 2025"
    )
    assert "`tsagbot meetings import FILE`" in after.stdout
    said = tsagbot("say", "50-18 done", "--at", "2025-01-20 10:00", db=scheduled_url)
    assert said.exit_code == 0, said.output
    shown = tsagbot("show", "50-18", db=scheduled_url).stdout
    assert "2025-01-20 10:00 CET completed" in shown
    bad = tsagbot("console", "--at", "someday", db=scheduled_url)
    assert bad.exit_code == 2
    assert bad.stderr.startswith("tsagbot: --at: ")


def test_console_answers_each_line(scheduled_url: str) -> None:
    result = tsagbot("console", db=scheduled_url, stdin="/action 50-18\n/action 50\nquit\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("tsagbot console: type /action 50-18")
    card, _, listing = out.partition(f"tsagbot> {LIST_HEADER}\n")
    assert_card(card.split("tsagbot> ", 1)[1])
    lines = listing.splitlines()
    assert lines[1].startswith("22 action items · ")
    assert lines[1].endswith("· 1 obsolete")
    assert sum("`50-" in line for line in lines) == 23
    assert "🔄 `50-18` SG17, in close collaboration" in listing
    assert lines[-1] == "tsagbot> "  # the prompt that read "quit"


def test_console_ends_at_end_of_input(scheduled_url: str) -> None:
    result = tsagbot("console", db=scheduled_url, stdin="\n/action help\n")
    assert result.exit_code == 0, result.output
    assert "`/action`: look up the WTSA action plan" in result.stdout


def test_the_console_class(db: Database) -> None:
    clock = FixedClock()
    ensure_plan_once(db, clock)
    settings = Settings(database_url=db.engine.url.render_as_string(hide_password=False))
    console = Console(Services(settings=settings, db=db, clock=clock))
    try:
        reply = console.command("/action", "50-18")
        assert reply.status == 200
        assert isinstance(reply.body, dict)
        assert reply.body["response_type"] == "ephemeral"
        # The answer is the acknowledgement itself: nothing posted (auth.test aside).
        assert [call.method for call in reply.calls if call.method != "auth.test"] == []
        assert_card(reply.as_text())
        assert reply.messages() == [reply.body]

        listing = console.command("/action", "res 50")
        assert listing.as_text().startswith(f"{LIST_HEADER}\n")
    finally:
        console.close()


def test_console_takes_mentions_as_channel_messages(scheduled_url: str) -> None:
    result = tsagbot(
        "console",
        db=scheduled_url,
        stdin="@tsagbot when is the next IRM?\n@tsagbot status of 50-18\n@tsagbot hello\nquit\n",
    )
    assert result.exit_code == 0, result.output
    first, second, third = result.stdout.split("tsagbot> ")[1:4]
    assert first.startswith("No inter-regional meeting is in the schedule from now on.")
    assert "50-18" in second
    assert "(no answer)" not in second
    assert third.startswith("I can answer questions about the meeting schedule")


def test_console_posts_other_lines_as_channel_messages_as_say_does(scheduled_url: str) -> None:
    lines = ["50-05 done", "50-18 not done yet", "thanks all", "quit"]
    result = tsagbot("console", db=scheduled_url, stdin="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    done, hinted, chatter = result.stdout.split("tsagbot> ")[1:4]
    assert "50-05 marked completed (was: open)" in done
    assert done.startswith("(reacted ✅)")
    assert hinted.startswith("Nothing recorded for 50-18: the message says it is not done.")
    assert chatter.strip() == "(nothing recorded)"
    said = tsagbot("say", "50-18 not done yet", db=scheduled_url)
    assert said.stdout == hinted


def test_an_unknown_command_says_which_ones_there_are(db: Database) -> None:
    settings = Settings(database_url=db.engine.url.render_as_string(hide_password=False))
    console = Console(Services(settings=settings, db=db, clock=FixedClock()))
    try:
        reply = console.command("/nosuch", "50-18")
    finally:
        console.close()
    assert reply.status == 404
    assert reply.as_text() == (
        "`/nosuch` is not a tsagbot command; try `/action help` or `/meetings help`."
    )
