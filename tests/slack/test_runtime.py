"""SIGTERM and SIGINT stop a serving process once; a second signal does not cut it short."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from bot.slack.runtime import stop_on_signals


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
