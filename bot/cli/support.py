"""What every ``tsagbot`` subcommand shares: its settings, database, clock, and errors."""

from __future__ import annotations

import gc
import importlib
import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import click

from bot.clock import Clock
from bot.render import count
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.store.db import Database

EXIT_BAD_INPUT = 2
LOADING_COLLECTIONS = 100
"""How many times rarer the garbage collector runs while a command loads."""
_thresholds: list[tuple[int, int, int]] = []


def pause_collection() -> None:
    """Let the garbage collector wait while a command loads (:func:`resume_collection`).

    Loading makes some 100,000 objects that live as long as the process (modules,
    classes, SQLAlchemy's mappings), and the collector walks all of them again at each
    full collection meanwhile: a tenth of ``tsagbot ask``'s time. It runs
    :data:`LOADING_COLLECTIONS` times rarer instead, not never, so that a command that
    works long before it opens the database still has its garbage collected. Called
    by :func:`bot.cli.main.main` alone: a program calling the commands in-process (the
    tests) keeps its collector as it set it."""
    if not _thresholds:
        _thresholds.append(gc.get_threshold())
        first, second, third = _thresholds[0]
        gc.set_threshold(first * LOADING_COLLECTIONS, second, third)


def resume_collection() -> None:
    """The command has loaded (it opens the database once its modules are imported):
    what exists now is set aside for good (:func:`gc.freeze`; the little garbage that
    loading left goes with it), and the collector runs as often as before, for a
    command that serves or imports for a long time as for any other."""
    if _thresholds:
        gc.freeze()
        gc.set_threshold(*_thresholds.pop())


@dataclass
class Context:
    settings: Settings
    clock: Clock
    _db: Database | None = None

    @property
    def db(self) -> Database:
        """The database, brought up to date on first use."""
        if self._db is None:
            from bot.store.db import Database, DatabaseError

            try:
                db = Database(self.settings.database_url, create_folder=self.settings.own_database)
                db.upgrade()
            except DatabaseError as error:
                fail(str(error))
            self._db = db
            resume_collection()
        return self._db

    def db_with_plan(self) -> Database:
        """The database, with the bundled plan loaded first if it has none (asked in a
        read first, so that a command on a database with a plan imports no importer)."""
        from bot.plan.queries import plan_is_empty

        with self.db.unit_of_work(write=False) as session:
            if not plan_is_empty(session):
                return self.db
        from bot.plan.importing import ImportFailed, ensure_plan

        try:
            loaded = ensure_plan(self.db, self.clock)
        except ImportFailed as error:
            fail(str(error))
        if loaded is not None:
            click.echo(
                f"(the database was empty: loaded the bundled WTSA-20 action plan, "
                f"{loaded.items} items)",
                err=True,
            )
        return self.db

    def db_with_schedule(self) -> Database:
        """The database with the bundled plan, and the bundled schedule if it never had one."""
        from bot.meetings.queries import had_schedule

        db = self.db_with_plan()
        with db.unit_of_work(write=False) as session:
            if had_schedule(session):
                return db
        from bot.meetings.service import ensure_schedule
        from bot.plan.importing import ImportFailed

        try:
            loaded = ensure_schedule(db, self.clock, self.settings.tz)
        except ImportFailed as error:
            fail(str(error))
        if loaded is not None:
            click.echo(
                f"(loaded the bundled meeting schedule, {count(len(loaded.added), 'meeting')})",
                err=True,
            )
        return db


def fail(message: str) -> NoReturn:
    click.echo(f"tsagbot: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


pass_context = click.make_pass_decorator(Context)

DB_HELP = (
    "SQLAlchemy database URL (default: TSAGBOT_DATABASE_URL, else a SQLite file "
    "in ~/.local/share/tsagbot)."
)


def _db_after_command(ctx: click.Context, _param: click.Parameter, url: str | None) -> None:
    """``tsagbot items --db URL``: the command's ``--db`` overrides the one before it."""
    context = ctx.find_object(Context)
    if url and context is not None:
        context.settings = context.settings.with_database(url)


def share_db_option(group: click.Group) -> None:
    """Give every command under ``group`` a ``--db`` option, so it may follow the command.

    The group's own ``--db`` is the default; click reads a subcommand's options
    after the group's callback has made the :class:`Context`."""
    for command in group.commands.values():
        _give_db_option(command)


def _give_db_option(command: click.Command) -> None:
    command.params.append(
        click.Option(
            ["--db"],
            metavar="URL",
            expose_value=False,
            callback=_db_after_command,
            help=DB_HELP,
        )
    )
    if isinstance(command, click.Group):
        share_db_option(command)


class LazyGroup(click.Group):
    """A group whose ``lazy_commands`` (name: ``"module:attribute"``) are imported when
    first used, so that ``tsagbot ask`` does not pay for what ``tsagbot export`` imports.
    A command loaded so gets the ``--db`` option the others have (:func:`share_db_option`).
    """

    def __init__(self, *args: Any, lazy_commands: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy_commands.pop(cmd_name, None)
        if target is not None:
            module, attribute = target.split(":")
            command = getattr(importlib.import_module(module), attribute)
            _give_db_option(command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)
