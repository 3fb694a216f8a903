"""Running ``tsagbot`` in-process, as a user would type it; a database as its first command
leaves it."""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import tempfile
from datetime import datetime

from click.testing import CliRunner, Result
from sqlalchemy.engine import make_url

import bot.cli.main
from bot.cli.main import cli
from bot.cli.support import Context
from bot.clock import Clock
from bot.settings import Settings

_FIRST_READS: dict[tuple[str, ...], str] = {}
_FILES = tempfile.TemporaryDirectory(prefix="tsagbot-first-reads-")  # removed at exit


def run(*args: str, db: str, env: dict[str, str] | None = None) -> Result:
    """``tsagbot ARGS`` in-process on ``db``, without the machine's SLACK_* settings."""
    environment: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SLACK_")}
    environment.update({"TSAGBOT_DATABASE_URL": db, **(env or {})})
    result = CliRunner().invoke(cli, list(args), env=environment, prog_name="tsagbot")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def first_read(url: str, *, schedule: bool) -> str:
    """``url``, a SQLite file not made yet, as a first ``tsagbot`` command leaves it: migrated,
    with the bundled plan, and (``schedule``: as the schedule's commands leave it) the bundled
    schedule.  Returns ``url``.

    That first load takes a third of a second; it runs for real once per process for each
    clock, and later tests get a copy (SQLite's backup).  The clock is the CLI's
    (``bot.cli.main.system_clock``, unless a test put a fixed clock in its place); on the
    real clock the copy holds the moment of the first load, earlier in this run.  The
    settings are the defaults, as for the tests that run ``tsagbot`` without the
    machine's TSAGBOT_* settings.
    """
    clock: Clock = vars(bot.cli.main)["system_clock"]
    settings = Settings.from_env({"TSAGBOT_DATABASE_URL": url})
    fixed = getattr(clock, "now", None)
    when = fixed.isoformat() if isinstance(fixed, datetime) else "the real clock"
    key = ("schedule" if schedule else "plan", when)
    path = make_url(url).database
    assert path, url
    kept = _FIRST_READS.get(key)
    if kept is not None:
        _copy(kept, path)
        return url
    context = Context(settings=settings, clock=clock)
    with contextlib.redirect_stderr(io.StringIO()):  # what the load says
        db = context.db_with_schedule() if schedule else context.db_with_plan()
    db.dispose()
    kept = os.path.join(_FILES.name, f"{len(_FIRST_READS)}.sqlite3")
    _copy(path, kept)
    _FIRST_READS[key] = kept
    return url


def _copy(source: str, target: str) -> None:
    with (
        contextlib.closing(sqlite3.connect(source)) as origin,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        origin.backup(copy)
