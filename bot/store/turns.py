"""Writers of one process take turns at SQLite's write lock, first come, first served.

SQLite lets one transaction write at a time; a writer that finds the lock taken sleeps
and tries again (1, 2, 5, ... up to 100 ms at a time), so a thread that writes often
(the inbox worker) can take the lock again and again while another (a request storing
its event) sleeps.  Within a process, writers wait here instead: each is woken the
moment the one before it is done, in the order they came.
"""

from __future__ import annotations

import threading
from collections import deque


class Turns:
    """A first-come, first-served lock that can be given back by another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._held = False

    def take(self, timeout: float) -> bool:
        """Wait for the turn; False when ``timeout`` seconds passed without it."""
        with self._lock:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # given at the last moment
                return True
            self._waiting.remove(turn)
            return False

    def give(self) -> None:
        """End the turn: the next waiting writer has it at once."""
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._held = False
