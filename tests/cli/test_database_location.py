"""Where the database is: tsagbot's own default file gets its folder; a path someone typed
must lead somewhere that exists, or nothing is created."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import first_read, run


def test_a_mistyped_sqlite_path_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "sub"
    url = f"sqlite:///{missing / 'tsagbot.sqlite3'}"
    result = run("items", db=url)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"tsagbot: no folder {missing} for the SQLite database {url}"
    assert not (tmp_path / "no-such-folder").exists()


def test_the_default_database_gets_its_folder(tmp_path: Path) -> None:
    result = run("items", "--active", db="", env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "tsagbot" / "tsagbot.sqlite3").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ("items", "--db", "{missing}"),  # after the command
        ("--db", "{other}", "items", "--db", "{missing}"),  # the command's --db wins
        ("meetings", "list", "--db", "{missing}"),  # after a command of a group
        ("--db", "{missing}", "items"),  # before the command, as always
    ],
)
def test_db_is_taken_before_or_after_the_command(tmp_path: Path, args: tuple[str, ...]) -> None:
    missing = tmp_path / "no-such-folder"
    urls = {
        "missing": f"sqlite:///{missing / 'tsagbot.sqlite3'}",
        "other": f"sqlite:///{tmp_path / 'other.sqlite3'}",
    }
    result = run(*(arg.format(**urls) for arg in args), db=urls["other"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith(f"tsagbot: no folder {missing} ")
    assert list(tmp_path.iterdir()) == []  # not even the other database was made


def test_a_db_after_the_command_is_the_database_used(sqlite_url: str, tmp_path: Path) -> None:
    url = first_read(sqlite_url, schedule=False)
    result = run("items", "--active", "--db", url, db=f"sqlite:///{tmp_path / 'no' / 'x.db'}")
    assert result.exit_code == 0, result.output
    assert "50-18" in result.stdout
