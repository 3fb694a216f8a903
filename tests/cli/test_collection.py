"""``tsagbot`` runs the garbage collector rarer while a command loads, and as before once
the command has opened the database: a server or a long import must not keep the
loading's rare collections, nor a program that calls the commands in-process (these
tests) find its collector changed."""

from __future__ import annotations

import gc

import pytest

from bot.cli.support import LOADING_COLLECTIONS, pause_collection, resume_collection
from tests.support.cli import run

pytestmark = pytest.mark.sqlite_only


def test_the_collector_runs_as_before_once_the_command_opened_the_database(
    sqlite_url: str,
) -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    pause_collection()  # as bot.cli.main.main does
    try:
        loading = gc.get_threshold()
        result = run("migrate", db=sqlite_url)
        after = gc.get_threshold()
        loaded = gc.get_freeze_count()
    finally:
        resume_collection()
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert loading == (before[0] * LOADING_COLLECTIONS, *before[1:])
    assert after == before
    assert loaded > frozen  # what loading made is set aside, not walked again


def test_commands_called_in_process_leave_the_collector_as_it_was(sqlite_url: str) -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    result = run("migrate", db=sqlite_url)
    assert result.exit_code == 0, result.output
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, frozen)
