"""The benchmarks' plan generator and their one run: a plan of N items reads back as N items,
and ``bench_all.py --quick`` measures everything once and prints its tables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.documents.text_export import read_text_export
from bot.plan.interpret import interpret
from scripts.make_plan import make_plan

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


@pytest.mark.sqlite_only
def test_a_synthetic_plan_reads_back_as_exactly_its_items() -> None:
    for items in (1, 400):
        plan = interpret(read_text_export(make_plan(items)))
        assert (len(plan.active), plan.obsolete, plan.anomalies) == (items, [], [])
    assert "50-05" in {item.id for item in plan.active}  # the item bench_all asks for
    with pytest.raises(ValueError, match="a plan holds 1 to 998001 items, not 0"):
        make_plan(0)


@pytest.mark.sqlite_only
def test_bench_all_quick_prints_its_tables_and_leaves_the_readme_alone() -> None:
    before = README.read_text("utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TSAGBOT_")}
    result = subprocess.run(
        [sys.executable, "scripts/bench_all.py", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "| 400 |" in result.stdout
    assert "`tsagbot import` of 400 items" in result.stdout
    assert "weekly digest, 500 updates" in result.stdout
    assert "20 channel events/s for 1 s, SQLite, 400 items: ack p99;" in result.stdout
    assert README.read_text("utf-8") == before
