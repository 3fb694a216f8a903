"""``tsagbot import``, ``items``, ``show`` and ``serve``'s checks, in-process with click's
CliRunner; one test runs a real process, as a user does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result

from bot.plan.importing import bundled_plan
from tests.support.cli import run
from tests.support.common import PLAN_SEED, SEEDS

SUBCOMMANDS = ["import", "items", "show"]


@pytest.mark.parametrize("command", [[], *([c] for c in SUBCOMMANDS)])
def test_help_everywhere(command: list[str], sqlite_url: str) -> None:
    result = run(*command, "--help", db=sqlite_url)
    assert result.exit_code == 0
    assert "Usage: tsagbot" in result.stdout


def test_import_prints_what_it_did(sqlite_url: str) -> None:
    first = run("import", str(PLAN_SEED), "--json", db=sqlite_url)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert (summary["items"], summary["obsolete"], summary["resolutions"]) == (397, 76, 58)
    assert len(summary["created"]) == 473
    assert summary["unchanged"] == 0
    assert len(summary["anomalies"]) == 10
    second = run("import", str(PLAN_SEED), db=sqlite_url)
    assert "created 0, updated 0, unchanged 473" in second.stdout


def test_items_and_show_as_json(sqlite_url: str) -> None:
    run("import", str(PLAN_SEED), db=sqlite_url)
    items = json.loads(run("items", "--json", db=sqlite_url).stdout)
    assert len(items) == 473
    keys = {"id", "resolution", "title", "action", "milestone", "periodic_goals_met"}
    keys |= {"completed", "status", "aliases", "obsolete"}
    assert keys <= set(items[0])
    assert sum(not item["obsolete"] for item in items) == 397
    shown = json.loads(run("show", "50‑18", "--json", db=sqlite_url).stdout)
    assert shown["id"] == "50-18"
    assert shown["resolution"] == "50"
    assert shown["title"] == "Cybersecurity"
    assert shown["updates"] == []
    text = run("show", "R54-4", db=sqlite_url).stdout
    assert text.startswith("54-04  Resolution 54")
    assert "alias: 44-14" in text


def test_first_read_on_an_empty_database_loads_the_bundled_plan(sqlite_url: str) -> None:
    """As a user runs it: a separate process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "show", "01-11", "--json"],
        capture_output=True,
        text=True,
        env={**env, "TSAGBOT_DATABASE_URL": sqlite_url},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["completed"] is True
    assert "loaded the bundled WTSA-20 action plan" in result.stderr


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_bad_files_end_with_one_line(sqlite_url: str, tmp_path: Path) -> None:
    run("import", str(PLAN_SEED), db=sqlite_url)
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    assert one_line_error(run("import", str(empty), db=sqlite_url)) == (
        "tsagbot: empty.docx: empty file"
    )
    missing = one_line_error(run("import", str(tmp_path / "nope.txt"), db=sqlite_url))
    assert missing.endswith("nope.txt: no such file")
    folder = one_line_error(run("import", str(tmp_path), db=sqlite_url))
    assert folder.endswith("is a folder, not a file")
    assert one_line_error(run("show", "hello", db=sqlite_url)).startswith(
        "tsagbot: no action item 'hello'"
    )


def test_bad_settings_fail_at_start(sqlite_url: str) -> None:
    result = run("items", db=sqlite_url, env={"TSAGBOT_TIMEZONE": "Mars/Olympus"})
    assert "TSAGBOT_TIMEZONE='Mars/Olympus' is not a known time zone" in one_line_error(result)
    result = run("items", db="nonsense://")
    assert "tsagbot: " in one_line_error(result)


def test_bundled_plan_is_the_seed() -> None:
    seed = SEEDS / "004_d127366013943a34.txt"
    if not seed.exists():
        pytest.skip("shared/seeds is not beside this checkout")
    assert bundled_plan() == seed.read_bytes()


def test_serve_says_what_is_missing(sqlite_url: str) -> None:
    http = one_line_error(run("serve", "--port", "0", db=sqlite_url))
    assert "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set" in http
    socket = one_line_error(
        run("serve", "--socket", db=sqlite_url, env={"SLACK_BOT_TOKEN": "xoxb-1"})
    )
    assert "SLACK_APP_TOKEN" in socket
    wrong = one_line_error(
        run(
            "serve",
            "--socket",
            db=sqlite_url,
            env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-not-an-app-token"},
        )
    )
    assert "must be an app-level token starting with xapp-" in wrong


@pytest.mark.sqlite_only  # the guard itself runs on both in tests/plan/test_import_guard.py
def test_import_dry_run_and_the_guard_against_wiping(
    database_url: str, tmp_path: Path, plan_text: str
) -> None:
    assert run("import", str(PLAN_SEED), db=database_url).exit_code == 0
    items = run("items", "--json", db=database_url).stdout
    no_ticks = tmp_path / "no-ticks.txt"
    no_ticks.write_text(plan_text.replace("\t√\n", "\t\n"), encoding="utf-8")

    dry = run("import", str(no_ticks), "--dry-run", db=database_url)
    assert dry.exit_code == 0, dry.stderr
    assert dry.stdout.startswith("Would import (dry run, nothing written) no-ticks.txt")
    assert "  01-11 completed: yes -> no  [cleared]\n" in dry.stdout
    assert "288 items lose a flag or their status text: 01-01, 01-04," in dry.stdout
    as_json = json.loads(
        run("import", str(no_ticks), "--dry-run", "--json", db=database_url).stdout
    )
    assert as_json["dry_run"] is True
    assert len(as_json["cleared"]) == 288
    assert {"item": "01-11", "field": "completed", "before": True, "after": False} in as_json[
        "changes"
    ]
    assert run("items", "--json", db=database_url).stdout == items

    refused = one_line_error(run("import", str(no_ticks), db=database_url))
    assert refused.startswith(
        "tsagbot: no-ticks.txt: would clear flags or status text of 288 of 473 items"
    )
    assert run("items", "--json", db=database_url).stdout == items

    forced = run("import", str(no_ticks), "--yes", db=database_url)
    assert forced.exit_code == 0, forced.stderr
    assert json.loads(run("show", "01-11", "--json", db=database_url).stdout)["completed"] is False
