"""``tsagbot ask`` on a database already at the migrations' head imports only what it
uses: not Alembic (with Mako and Pygments), waitress, lxml, the plan's interpreter or the
Office writers, which cost every command a second of start-up before; and ``/action`` by
id neither builds the search index (rapidfuzz) nor imports the listeners of the other
surfaces (the Home tab, the forms, the meeting questions, the digest with APScheduler) or
the importers of the bundled plan and schedule (PyYAML), which the database already holds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.cli import first_read

HEAVY = (
    "alembic",
    "mako",
    "pygments",
    "waitress",
    "lxml",
    "openpyxl",
    "docx",
    "rapidfuzz",
    "apscheduler",
    "yaml",
)
HEAVY_OURS = (
    "bot.plan.interpret",
    "bot.documents.docx_reader",
    "bot.slack.server",
    "bot.plan.search",
    "bot.plan.importing",
    "bot.meetings.service",
    "bot.slack.listeners.home",
    "bot.slack.listeners.meetings",
    "bot.slack.listeners.update_form",
    "bot.posting.home",
    "bot.posting.dispatch",
    "bot.meetings.questions",
    "bot.plan.questions",
    "bot.plan.export.service",
)

PROBE = """
import sys
from click.testing import CliRunner
from bot.cli.main import cli
result = CliRunner().invoke(cli, ["--db", sys.argv[1], "ask", "/action 50-18"])
assert result.exit_code == 0, result.output
print(result.output.splitlines()[0])
print(" ".join(sorted(name for name in sys.modules if name.split(".")[0] in sys.argv[2:]
                      or name in sys.argv[2:])))
"""


@pytest.mark.sqlite_only
def test_ask_imports_neither_alembic_nor_the_server_nor_the_readers(sqlite_url: str) -> None:
    url = first_read(sqlite_url, schedule=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, url, *HEAVY, *HEAVY_OURS],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=60,
    )
    first, imported = done.stdout.splitlines()
    assert first == "50-18 · Resolution 50 – Cybersecurity"
    assert imported == ""
