"""Running reminders and the digest on time: APScheduler 3, its jobs in the project's database.

APScheduler 3 cannot share one job store between running schedulers, so only
one process schedules: the one holding the scheduler lock (a PostgreSQL
advisory lock held on its own connection, or a file lock next to a SQLite
database). The others wait and take over when the holder goes away. Nothing
depends on the lock for correctness: every post goes through the outbox,
whose unique keys make a second post impossible anyway.

Two jobs, with ids and misfire times chosen, not defaulted:

* ``tsagbot.tick`` every minute: posts the reminders that are due and the notices
  to followers of the changes recorded since (:mod:`bot.posting.follow_notices`), catches up
  what fell due while the bot was down (if still useful), retries failed posts
  and posts a digest whose time passed while the bot was down;
* ``tsagbot.digest`` on ``TSAGBOT_DIGEST_CRON`` in Geneva time, so the digest
  goes out on the second it is due.

APScheduler keeps jobs as pickled references; a job cannot carry the running
services, so it carries the name of a :class:`SchedulerRunner`, which the job
function finds in this module's registry of running runners.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import IO, Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Connection, text

from bot.clock import Clock, system_clock
from bot.posting.dispatch import Dispatcher
from bot.posting.outbox import PostFunction
from bot.render import Renderer
from bot.settings import Settings
from bot.store.db import Database

log = logging.getLogger(__name__)

TICK_JOB = "tsagbot.tick"
DIGEST_JOB = "tsagbot.digest"
TICK_SECONDS = 60
TICK_MISFIRE_SECONDS = 50
DIGEST_MISFIRE_SECONDS = 3600
LOCK_RETRY_SECONDS = 15.0
ADVISORY_LOCK_KEY = 0x7473_6167_626F_74  # "tsagbot"
JOB_TABLE = "apscheduler_jobs"

_runners: dict[str, SchedulerRunner] = {}
_runners_lock = threading.Lock()


def tick_job(runner_name: str) -> None:
    runner = _runners.get(runner_name)
    if runner is not None:
        runner.tick()


def digest_job(runner_name: str) -> None:
    runner = _runners.get(runner_name)
    if runner is not None:
        runner.digest()


class LeaderLock(Protocol):
    def acquire(self) -> bool: ...
    def held(self) -> bool: ...
    def release(self) -> None: ...


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock, held as long as its connection lives."""

    def __init__(self, connect: Callable[[], Connection], key: int = ADVISORY_LOCK_KEY) -> None:
        self._connect = connect
        self._key = key
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        connection = self._connect()
        got = bool(
            connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            ).scalar()
        )
        connection.commit()
        if got:
            self._connection = connection
        else:
            connection.close()
        return got

    def held(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except Exception:  # the connection is gone, and the lock with it
            log.warning("lost the scheduler lock's database connection")
            self._connection = None
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
                )
                self._connection.commit()
            self._connection.close()
            self._connection = None


class FileLock:
    """An exclusive lock on a file next to a SQLite database, released when the process ends."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        handle = self._path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class ProcessLock:
    """For an in-memory database, which only this process can see."""

    def __init__(self) -> None:
        self._held = False

    def acquire(self) -> bool:
        self._held = True
        return True

    def held(self) -> bool:
        return self._held

    def release(self) -> None:
        self._held = False


def leader_lock(db: Database) -> LeaderLock:
    engine = db.engine
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine.connect)
    database = engine.url.database or ""
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return FileLock(Path(f"{database}.scheduler-lock"))
    return ProcessLock()


class SchedulerRunner:
    """Waits for the scheduler lock, then runs the jobs until stopped or the lock is lost."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        post: PostFunction,
        *,
        clock: Clock = system_clock,
        renderer: Renderer | None = None,
        name: str = "default",
        lock: LeaderLock | None = None,
        retry_seconds: float = LOCK_RETRY_SECONDS,
        on_leading: Callable[[bool], None] | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.post = post
        self.name = name
        self.lock = lock or leader_lock(db)
        self.retry_seconds = retry_seconds
        self.on_leading = on_leading
        """Told True when this runner starts scheduling, False when it stops (for metrics)."""
        self.dispatcher = Dispatcher(db, settings, renderer or Renderer(settings.document_url))
        self.scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._work = threading.Lock()

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def start(self) -> None:
        with _runners_lock:
            _runners[self.name] = self
        self._thread = threading.Thread(target=self._run, name="tsagbot-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._stop_scheduler()
        with _runners_lock:
            if _runners.get(self.name) is self:
                del _runners[self.name]

    def tick(self) -> None:
        """Reminders due now, retries, and a digest missed while down; never raises."""
        with self._work:
            now = self.clock()
            try:
                self.dispatcher.run_tick(self.post, now)
            except Exception:
                log.exception("the scheduler's tick failed; it runs again in a minute")

    def digest(self) -> None:
        with self._work:
            try:
                self.dispatcher.run_digest(self.post, self.clock())
            except Exception:
                log.exception("the weekly digest failed; the next tick retries it")

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.leading:
                if self.lock.acquire():
                    log.info("holding the scheduler lock: scheduling reminders and the digest")
                    self._start_scheduler()
            elif not self.lock.held():
                self._stop_scheduler()
            self._stop.wait(self.retry_seconds)

    def _start_scheduler(self) -> None:
        settings = self.settings
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.db.engine, tablename=JOB_TABLE)},
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=settings.tz,
        )
        scheduler.add_job(
            "bot.posting.scheduler:tick_job",
            IntervalTrigger(seconds=TICK_SECONDS, timezone=settings.tz),
            args=[self.name],
            id=TICK_JOB,
            name="reminders, retries and catch-up",
            replace_existing=True,
            misfire_grace_time=TICK_MISFIRE_SECONDS,
            next_run_time=self.clock() + timedelta(seconds=1),
        )
        scheduler.add_job(
            "bot.posting.scheduler:digest_job",
            CronTrigger.from_crontab(settings.digest_cron, timezone=settings.tz),
            args=[self.name],
            id=DIGEST_JOB,
            name="weekly digest",
            replace_existing=True,
            misfire_grace_time=DIGEST_MISFIRE_SECONDS,
        )
        scheduler.start()
        self.scheduler = scheduler
        if self.on_leading is not None:
            self.on_leading(True)

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            with contextlib.suppress(Exception):
                self.scheduler.shutdown(wait=True)
            self.scheduler = None
            if self.on_leading is not None:
                self.on_leading(False)
        self.lock.release()
