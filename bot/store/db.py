"""The database handle: engine, schema migrations and units of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, column, create_engine, event, inspect, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from bot.store import changes
from bot.store.turns import Turns

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
SCHEMA_HEAD = "0015"
"""The revision the migrations end in. A database already there is not handed to
Alembic at all: importing Alembic (with Mako and Pygments) would cost every
command a good part of its start. tests/store/test_migrations.py checks that this
is Alembic's own head, so a new migration cannot leave it behind."""
VERSION_TABLE = "alembic_version"
"""Where Alembic keeps the database's revision (read directly: Alembic's own reader
is slow to import and logs two lines each time)."""


class DatabaseError(Exception):
    """The database cannot be opened or brought up to date; the message says why."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is switched off (isolation_level=None)
    # and replaced by _sqlite_begin, as SQLAlchemy documents, so that SAVEPOINTs
    # work and a writer takes the lock up front instead of failing half-way.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


BUSY_SECONDS = 15
"""How long a SQLite writer waits for the write lock before it fails."""
TURN = "tsagbot_write_turn"
"""Marks a SQLite connection whose transaction holds this process's write turn."""
READ = "tsagbot_read"
"""The execution option of a unit of work that only reads (:meth:`Database.unit_of_work`)."""


class WriteInRead(Exception):
    """A unit of work opened to read tried to write: open it with ``write=True``."""


def _sqlite_begin(turns: Turns) -> Callable[[Any], None]:
    # A reader begins deferred: in WAL mode it reads its snapshot while a writer holds
    # the lock.  A writer takes the lock up front: a deferred transaction that writes
    # later would have to upgrade, and fail with SQLITE_BUSY if another wrote meanwhile.
    # Before that it waits for its turn among this process's writers (released when its
    # connection goes back to the pool, after the commit): SQLite's own wait polls,
    # sleeping up to 100 ms at a time, and lets a busy writer take the lock again and
    # again while another sleeps.
    def begin(connection: Any) -> None:
        reading = connection.get_execution_options().get(READ, False)
        if not reading and not connection.info.get(TURN) and turns.take(BUSY_SECONDS):
            connection.info[TURN] = True
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return begin


def _sqlite_end_turn(turns: Turns) -> Callable[[Any, Any], None]:
    def checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(TURN, False):
            turns.give()

    return checkin


def _refuse_writes(*_args: Any) -> None:
    raise WriteInRead("a unit of work opened to read cannot write")


def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _refuse_writes()


def make_engine(url: str, *, create_folder: bool = False) -> Engine:
    """An engine for a SQLAlchemy URL. A SQLite file's folder must exist, unless
    ``create_folder`` (tsagbot's own default file): a mistyped path is refused, not
    made into a new empty database."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"not a database URL: {url!r}") from error
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().parent
            if create_folder:
                folder.mkdir(parents=True, exist_ok=True)
            elif not folder.is_dir():
                raise DatabaseError(f"no folder {folder} for the SQLite database {url}")
        engine = create_engine(parsed, connect_args={"timeout": BUSY_SECONDS})
        turns = Turns()
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin(turns))
        event.listen(engine.pool, "checkin", _sqlite_end_turn(turns))
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except Exception as error:  # unknown dialect or driver
        raise DatabaseError(f"cannot use database {parsed.render_as_string()}: {error}") from error


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


class Database:
    """One database: call :meth:`upgrade` once at start, then open units of work."""

    def __init__(self, url: str, *, create_folder: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, create_folder=create_folder)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(**{READ: True}), expire_on_commit=False
        )
        event.listen(self._readers, "before_flush", _refuse_writes)
        event.listen(self._readers, "do_orm_execute", _refuse_bulk_writes)
        self.committed_revision = 0
        """The newest plan revision this process committed (``bot.store.changes``)."""
        self._on_commit: list[Callable[[int], None]] = []
        changes.track(self._sessions, self._committed)

    def _committed(self, revision: int) -> None:
        self.committed_revision = max(self.committed_revision, revision)
        for listener in self._on_commit:
            listener(revision)

    def on_plan_commit(self, listener: Callable[[int], None]) -> None:
        """Call ``listener`` with each plan revision this process commits, in the
        committing thread, just after the commit: it must only hand the news on."""
        self._on_commit.append(listener)

    def revisions(self) -> frozenset[str]:
        """The revisions the schema is at (none for an empty database); raises if the
        database does not answer."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table(VERSION_TABLE):
                return frozenset()
            return frozenset(
                connection.scalars(select(column("version_num")).select_from(table(VERSION_TABLE)))
            )

    def upgrade(self) -> None:
        """Bring the schema up to date (creates it in an empty database); a schema at
        :data:`SCHEMA_HEAD` already is left alone without asking Alembic."""
        try:
            if self.revisions() == {SCHEMA_HEAD}:
                return
            from alembic import command

            command.upgrade(alembic_config(self.engine), "head")
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise DatabaseError(f"cannot open database {self.safe_url}: {reason}") from error

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """A session whose work is rolled back unless the caller commits it.

        ``write=False`` for a unit of work that only reads: on SQLite it does not wait
        for a writer (nor make one wait), and any write in it raises
        :class:`WriteInRead` rather than taking the lock half-way.
        """
        session = (self._sessions if write else self._readers)()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
