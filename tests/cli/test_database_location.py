"""Where the database is: tsagbot's own default file gets its folder; a path someone typed
must lead somewhere that exists, or nothing is created."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run


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
