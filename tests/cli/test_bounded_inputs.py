"""Hostile files given to ``tsagbot import`` and ``tsagbot meetings import``: each is refused
with exit status 2 and one line on stderr naming the file and the reason, and the
database is as it was."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select

from bot.store.db import Database
from bot.store.models import ActionItem, ImportRun, Meeting
from tests.support.cli import run
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

MB = 1024 * 1024


@pytest.fixture
def db_url(sqlite_url: str, migrated_sqlite: Path) -> str:
    """A database holding the bundled plan (and so something an import could change)."""
    shutil.copyfile(migrated_sqlite, sqlite_url.removeprefix("sqlite:///"))
    database = Database(sqlite_url)
    ensure_plan_once(database, FixedClock())
    database.dispose()
    return sqlite_url


def counts(url: str) -> tuple[int, ...]:
    database = Database(url)
    try:
        with database.unit_of_work() as session:
            return tuple(
                session.scalar(select(func.count()).select_from(model)) or 0
                for model in (ActionItem, ImportRun, Meeting)
            )
    finally:
        database.dispose()


def docx_bomb(path: Path) -> Path:
    """A .docx whose document.xml is 2 MB of spaces packed into a few kilobytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<w:document>" + b" " * 2 * MB)
    return path


def hostile(kind: str, folder: Path) -> tuple[Path, str]:
    """A hostile file of ``kind`` and the reason its refusal gives."""
    if kind == "fifo":
        os.mkfifo(folder / "plan.txt")
        return folder / "plan.txt", "is not a regular file (a pipe); refused"
    if kind == "device":
        return Path("/dev/zero"), "is not a regular file (a device); refused"
    if kind == "folder":
        return folder, "is a folder, not a file"
    if kind == "large":
        with (folder / "plan.docx").open("wb") as handle:
            handle.truncate(21 * MB)  # sparse: nothing written, nothing read
        return folder / "plan.docx", "larger than 20 MB (22,020,096 bytes); refused"
    return docx_bomb(folder / "plan.docx"), (
        "word/document.xml unpacks to over 100 times its packed size, as a zip bomb does; refused"
    )


KINDS = ["fifo", "device", "folder", "large", "bomb"]


def assert_refused(result: Result, shown: str, reason: str) -> None:
    """Exit 2, and one line: the file as the refusal names it (the path given when the file
    is refused unread, its name when its content is), then the reason."""
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"tsagbot: {shown}: {reason}"], result.stderr


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", [["import"], ["meetings", "import", "--yes"]])
def test_a_hostile_file_is_refused_in_one_line_and_changes_nothing(
    kind: str, command: list[str], db_url: str, tmp_path: Path
) -> None:
    path, reason = hostile(kind, tmp_path)
    before = counts(db_url)
    result = run(*command, str(path), db=db_url)
    assert_refused(result, path.name if kind == "bomb" else str(path), reason)
    assert counts(db_url) == before


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "deep.yaml",
            b"meetings: " + b"[" * 600 + b"]" * 600,
            "line 1: not valid YAML (nested deeper than 32 levels)",
        ),
        (
            "long.csv",
            b'name,start\n"' + b"x" * 200_000 + b'",2024-09-10\n',
            "row 2: a field is longer than 131,072 characters; refused",
        ),
        (
            "big.yaml",
            b"#" * (5 * MB + 1),
            "larger than 5 MB (5,242,881 bytes); refused",
        ),
    ],
)
def test_a_hostile_schedule_file_is_refused_in_one_line_and_changes_nothing(
    name: str, data: bytes, reason: str, db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = counts(db_url)
    result = run("meetings", "import", str(path), db=db_url)
    assert_refused(result, str(path) if name == "big.yaml" else name, reason)
    assert counts(db_url) == before


def test_a_schedule_file_at_the_size_of_a_document_is_refused_by_its_own_cap(
    db_url: str, tmp_path: Path
) -> None:
    """6 MB passes the document cap but not the schedule file's."""
    path = tmp_path / "schedule.csv"
    with path.open("wb") as handle:
        handle.truncate(6 * MB)
    result = run("meetings", "import", str(path), db=db_url)
    assert_refused(result, str(path), "larger than 5 MB (6,291,456 bytes); refused")
