"""Editions on the command line: import, refusal of an older plan, show and items."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.make_wtsa24_plan import NEW_ACTION, wtsa24_from
from tests.support.cli import run
from tests.support.common import PLAN_SEED


def test_two_editions_from_the_command_line(sqlite_url: str, tmp_path: Path) -> None:
    newer = tmp_path / "wtsa24.txt"
    newer.write_text(wtsa24_from(PLAN_SEED.read_text(encoding="utf-8")), encoding="utf-8")
    first = run("import", str(PLAN_SEED), db=sqlite_url)
    assert "the WTSA-20 plan: 397 action items" in first.stdout
    recorded = run("say", "50-18 done", db=sqlite_url)
    assert recorded.exit_code == 0, recorded.stderr
    second = run("import", str(newer), "--json", db=sqlite_url)
    assert json.loads(second.stdout)["edition"] == "WTSA-24"

    refused = run("import", str(PLAN_SEED), db=sqlite_url)
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert refused.stderr.strip().splitlines() == [
        f"tsagbot: {PLAN_SEED.name}: this is the WTSA-20 plan, older than the current "
        "WTSA-24; to update WTSA-20's items, import it with --edition WTSA-20"
    ]
    named = run("import", str(PLAN_SEED), "--edition", "WTSA-20", db=sqlite_url)
    assert "created 0, updated 0, unchanged 473" in named.stdout

    current = json.loads(run("show", "50-18", "--json", db=sqlite_url).stdout)
    assert (current["edition"], current["action"], current["completed"]) == (
        "WTSA-24",
        NEW_ACTION,
        False,
    )
    assert current["updates"] == []
    assert [other["edition"] for other in current["other_editions"]] == ["WTSA-20"]
    older = json.loads(run("show", "50-18", "--edition", "WTSA-20", "--json", db=sqlite_url).stdout)
    assert (older["edition"], older["completed"]) == ("WTSA-20", True)
    assert [update["kind"] for update in older["updates"]] == ["completed"]
    text = run("show", "50-18", db=sqlite_url).stdout
    assert "WTSA-20 also had a 50-18: tsagbot show 50-18 --edition WTSA-20" in text

    items = json.loads(run("items", "--json", "--active", db=sqlite_url).stdout)
    assert {item["edition"] for item in items} == {"WTSA-24"}
    assert items[0]["resolution_summary"]["action_by"] == "SGs: All; TSAG; TSB"
    old_items = json.loads(run("items", "--json", "--edition", "wtsa-20", db=sqlite_url).stdout)
    assert {item["edition"] for item in old_items} == {"WTSA-20"}
    unknown = run("show", "50-18", "--edition", "WTSA-16", db=sqlite_url)
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == ("tsagbot: no edition 'WTSA-16' (stored: WTSA-24, WTSA-20)")
