"""SIGTERM and SIGINT stop a serving process once; a second signal does not cut it short.
A serving process warms up before it listens."""

from __future__ import annotations

import gc
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.slack.runtime import stop_on_signals, warm_up
from bot.slack.services import Services
from bot.store.db import Database


@pytest.fixture
def handlers() -> Iterator[None]:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.usefixtures("handlers")
def test_the_first_signal_stops_and_a_second_one_lets_the_stopping_finish() -> None:
    stop = stop_on_signals()
    assert stop.at is None
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)
    first = stop.at
    assert first is not None
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while stopping: nothing is raised
    os.kill(os.getpid(), signal.SIGTERM)
    assert stop.at == first
    assert stop.since() == first


def test_warming_up_builds_the_index_and_freezes_what_the_process_holds(
    sqlite_url: str, migrated_sqlite: Path
) -> None:
    shutil.copyfile(migrated_sqlite, sqlite_url.removeprefix("sqlite:///"))
    db = Database(sqlite_url)
    services = Services(settings=Settings(database_url=sqlite_url), db=db)
    try:
        warm_up(services)
        assert services.index_built
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        db.dispose()
