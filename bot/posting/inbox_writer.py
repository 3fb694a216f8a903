"""Group commit for the inbox: the events of many requests stored in one transaction.

Slack must hear ``200`` only once its event is committed, and a commit costs a flush
to disk (SQLite's write-ahead log, PostgreSQL's WAL): a few milliseconds, during which
SQLite lets nobody else write.  One commit per request caps a server at a few hundred
events a second and makes every request queue for the lock.  Here the request threads
hand their events to one writer thread and wait; the writer inserts every event that is
waiting when it begins (one short ``INSERT ... ON CONFLICT DO NOTHING`` for them all,
no ORM session, no change tracking) and commits them together, then answers each request.
The busier the server, the more events share a commit.

A request is answered only after the commit that holds its event, so nothing is
acknowledged that is not in the database.  The writer thread ends when it has been idle
for :data:`IDLE_SECONDS` and starts again with the next event.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DataError, IntegrityError

from bot.posting.inbox import new_row
from bot.store.db import Database
from bot.store.insert import BATCH, insert_new
from bot.store.models import InboxEvent

MOST = BATCH
"""Events in one transaction at most: as many as one insert statement takes."""
IDLE_SECONDS = 5.0
WAIT_SECONDS = 10.0
"""How long a request waits for its commit before it gives up (and Slack tries again)."""


class NotStored(Exception):
    """The event could not be committed (the cause says why): Slack must deliver it again."""


@dataclass
class _Waiting:
    row: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    new: bool = False
    error: BaseException | None = None


class InboxWriter:
    """Stores events for any number of request threads, many to a commit."""

    def __init__(self, db: Database, *, most: int = MOST, wait: float = WAIT_SECONDS) -> None:
        self.db = db
        self.most = most
        self.wait = wait
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._queue: list[_Waiting] = []
        self._running = False

    def admit(self, key: str, kind: str, body: str, now: datetime) -> bool:
        """Store an event under ``key`` and return once it is committed; False when it
        was stored already. Raises :class:`NotStored` when it could not be."""
        waiting = _Waiting(new_row(key, kind, body, now))
        with self._lock:
            self._queue.append(waiting)
            if self._running:
                self._arrived.notify()
            else:
                try:
                    threading.Thread(target=self._run, name="inbox-writer", daemon=True).start()
                except RuntimeError as error:  # no thread to be had: this request fails alone
                    self._queue.remove(waiting)
                    raise NotStored(f"no writer thread: {error}") from error
                self._running = True
        if not waiting.done.wait(self.wait):
            raise NotStored(f"not committed within {self.wait:g} s")
        if waiting.error is not None:
            raise NotStored(str(waiting.error)) from waiting.error
        return waiting.new

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._arrived.wait(IDLE_SECONDS)
                if not self._queue:
                    self._running = False
                    return
                batch, self._queue = self._queue[: self.most], self._queue[self.most :]
            self._write(batch)

    def _write(self, batch: list[_Waiting]) -> None:
        try:
            with self.db.engine.begin() as connection:
                self._insert_all(connection, batch)
        except (IntegrityError, DataError) as error:
            if len(batch) == 1:
                batch[0].error = error
            else:  # one event the database refuses must not cost the others theirs
                for waiting in batch:
                    self._write([waiting])
                return
        except Exception as error:  # whatever failed, every request must get its answer
            for waiting in batch:
                waiting.error = error
        for waiting in batch:
            waiting.done.set()

    def _insert_all(self, connection: Connection, batch: list[_Waiting]) -> None:
        """One statement for the whole batch (one round trip to PostgreSQL); a key
        twice in it (Slack's retry close behind) is new the first time only."""
        first: dict[str, _Waiting] = {}
        for waiting in batch:
            first.setdefault(waiting.row["key"], waiting)
        inserted = insert_new(connection, InboxEvent, [w.row for w in first.values()])
        for key, waiting in first.items():
            waiting.new = key in inserted
