"""What every ``tsagbot`` subcommand shares: its settings, database, clock, and errors."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, NoReturn

import click

from bot.clock import Clock
from bot.meetings.service import ensure_schedule
from bot.plan.importing import ImportFailed, ensure_plan
from bot.render import count
from bot.settings import Settings
from bot.store.db import Database, DatabaseError

EXIT_BAD_INPUT = 2


@dataclass
class Context:
    settings: Settings
    clock: Clock
    _db: Database | None = None

    @property
    def db(self) -> Database:
        """The database, brought up to date on first use."""
        if self._db is None:
            try:
                db = Database(self.settings.database_url, create_folder=self.settings.own_database)
                db.upgrade()
            except DatabaseError as error:
                fail(str(error))
            self._db = db
        return self._db

    def db_with_plan(self) -> Database:
        """The database, with the bundled plan loaded first if it has none."""
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
        db = self.db_with_plan()
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
