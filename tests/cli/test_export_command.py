"""``tsagbot export`` as a user runs it: files named by edition and Geneva date, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run

ROOT = Path(__file__).resolve().parents[2]


def tsagbot(*args: str, db: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TSAGBOT_"))}
    env["TSAGBOT_DATABASE_URL"] = db
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_default_is_a_docx_in_the_current_folder(sqlite_url: str, tmp_path: Path) -> None:
    result = tsagbot("export", db=sqlite_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (written,) = tmp_path.glob("action-plan-WTSA-20-*.docx")
    assert result.stdout == f"Wrote {written.name} (WTSA-20, 473 items).\n"
    assert written.read_bytes().startswith(b"PK")
    again = run("import", str(written), db=sqlite_url)  # in this process: the file is the point
    assert "created 0, updated 0, unchanged 473" in again.stdout


@pytest.mark.parametrize(
    ("fmt", "start"), [("xlsx", b"PK"), ("csv", b"\xef\xbb\xbf"), ("md", b"# "), ("json", b"{")]
)
def test_formats_and_out(planned_url: str, tmp_path: Path, fmt: str, start: bytes) -> None:
    out = tmp_path / f"plan.{fmt}"
    result = run("export", "--format", fmt, "--out", str(out), db=planned_url)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(start)


def test_out_dash_writes_the_file_to_standard_output(
    planned_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("export", "--out", "-", db=planned_url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"PK")
    assert "Wrote the docx to standard output (WTSA-20, 473 items)." in result.stderr
    assert list(tmp_path.glob("*.docx")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "unknown export format 'pdf' (one of: docx, xlsx, csv, md, json)"),
        (["--edition", "WTSA-99"], "no plan of edition 'WTSA-99' (held: WTSA-20)"),
        (["--out", "/nonexistent/x.docx"], "/nonexistent/x.docx: cannot be written"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    planned_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("export", *args, db=planned_url)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if not line.startswith("(")]
    assert len(errors) == 1
    assert errors[0].startswith(f"tsagbot: {message}")
    assert list(tmp_path.glob("action-plan-*")) == []
