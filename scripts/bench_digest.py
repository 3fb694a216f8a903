"""Benchmark: the weekly digest, the reminders and one scheduler tick on a large database.

Fills a fresh database with ``bot.store.synthetic.fill_synthetic`` (10,000
action items, 2,000 updates in the week before ``NOW``, 1,000 meetings spread
over ten years, each with a contribution deadline) and gives every meeting an
agenda of four items. Fifty of the meetings are moved to one day, Tuesday
24 November 2026, with their deadline the evening before, as on a rapporteur-
group day: at ``NOW``, Monday 23 November 2026 09:00 Geneva time, their
day-before-deadline and day-before-agenda reminders are all due, and so is the
weekly digest.

Times (each operation ``--runs`` times, on a fresh session each run):

* digest: ``build_digest`` + ``render_digest`` at ``NOW``;
* reminders due: ``Dispatcher.due_reminders`` + ``compose_reminders`` at ``NOW``;
* reminders in a window: ``Dispatcher.reminders_in`` over one year, and over the
  whole ten years (every reminder of the 1,000 meetings);
* outbox: ``deliver`` of the due reminders, enqueued (untimed) before each run;
  it posts at most 50 per call, each claimed and finished in a transaction of its own;
* tick: ``Dispatcher.run_tick`` with a poster that answers at once, on an empty
  outbox (emptied, untimed, before each run).

Runs on a SQLite file, and on a fresh PostgreSQL database (created on the
server and dropped afterwards) with ``--postgres URL`` or
TSAGBOT_TEST_POSTGRES_URL. Prints a Markdown table per database. Aim: every
operation under 1 s. Not a test: timings depend on the machine.

Usage::

    python scripts/bench_digest.py [--runs 5] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, delete, insert, select, text, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.posting.digest import build_digest  # noqa: E402
from bot.posting.digest_text import render_digest  # noqa: E402
from bot.posting.dispatch import Dispatcher  # noqa: E402
from bot.posting.outbox import Outgoing, deliver, enqueue  # noqa: E402
from bot.render import Renderer  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.models import AgendaItem, Meeting, OutboxPost  # noqa: E402
from bot.store.synthetic import fill_synthetic  # noqa: E402

GENEVA = ZoneInfo("Europe/Zurich")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=GENEVA).astimezone(UTC)  # a Monday, digest time
BUSY_DAY = datetime(2026, 11, 24, 9, 0, tzinfo=GENEVA)
BUSY_MEETINGS = 50
AGENDA_ITEMS = 4
YEAR = timedelta(days=365)


@dataclass
class Timing:
    operation: str
    seconds: list[float]
    note: str = ""

    def row(self) -> str:
        ms = [second * 1000 for second in self.seconds]
        name = f"{self.operation} ({self.note})" if self.note else self.operation
        return (
            f"| {name} | {len(ms)} | {min(ms):.0f} | {statistics.median(ms):.0f} | {max(ms):.0f} |"
        )


def fill(db: Database) -> None:
    """The synthetic plan and schedule, with agendas and a busy day of meetings."""
    with db.unit_of_work() as session:
        fill_synthetic(session, NOW)
        ids = list(session.scalars(select(Meeting.id).order_by(Meeting.id)))
        session.execute(
            insert(AgendaItem),
            [
                {
                    "meeting_id": meeting_id,
                    "position": position,
                    "title": f"Agenda item {position + 1}: review of contributions",
                    "documents": [f"TD{meeting_id * 10 + position}"],
                }
                for meeting_id in ids
                for position in range(AGENDA_ITEMS)
            ],
        )
        busy = ids[3 :: len(ids) // BUSY_MEETINGS][:BUSY_MEETINGS]
        deadline = (BUSY_DAY - timedelta(days=1)).replace(hour=23, minute=59).astimezone(UTC)
        session.execute(
            update(Meeting),
            [
                {
                    "id": meeting_id,
                    "start": (BUSY_DAY + timedelta(minutes=10 * n)).astimezone(UTC),
                    "end": (BUSY_DAY + timedelta(minutes=10 * n + 90)).astimezone(UTC),
                    "deadline": deadline,
                }
                for n, meeting_id in enumerate(busy)
            ],
        )
        session.commit()


def measure(
    operation: str, runs: int, work: Callable[[], Any], reset: Callable[[], None]
) -> Timing:
    seconds = []
    result: Any = None
    for _ in range(runs):
        reset()
        start = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - start)
    note = f"{result}" if result is not None else ""
    return Timing(operation, seconds, note)


def bench(db: Database, runs: int) -> list[Timing]:
    settings = Settings(database_url=db.url, announce_channel="C0BENCH", digest_channel="C0BENCH")
    dispatcher = Dispatcher(db, settings, Renderer())

    def nothing() -> None:
        pass

    def poster(_outgoing: Outgoing) -> str:
        return "1700000000.000100"  # Slack's answer, at once

    def empty_outbox() -> None:
        with db.unit_of_work() as session:
            session.execute(delete(OutboxPost))
            session.commit()

    def digest() -> str:
        with db.unit_of_work() as session:
            messages = render_digest(dispatcher.renderer, build_digest(session, NOW, GENEVA))
        return f"{len(messages)} messages"

    def due() -> str:
        with db.unit_of_work() as session:
            reminders = dispatcher.due_reminders(session, NOW)
            posts = dispatcher.compose_reminders(session, reminders, NOW)
        return f"{len(posts)} due"

    def window(length: timedelta) -> Callable[[], str]:
        def count() -> str:
            with db.unit_of_work() as session:
                found = dispatcher.reminders_in(session, NOW - length / 2, NOW + length / 2)
            return f"{len(found)} reminders"

        return count

    def queue_reminders() -> None:
        empty_outbox()
        with db.unit_of_work() as session:
            reminders = dispatcher.due_reminders(session, NOW)
            enqueue(session, dispatcher.compose_reminders(session, reminders, NOW), NOW)
            session.commit()

    def delivery() -> str:
        return f"{len(deliver(db, poster, NOW).sent)} posted"

    def tick() -> str:
        sent = dispatcher.run_tick(poster, NOW).sent
        return f"{len(sent)} posted"

    return [
        measure("digest: build_digest + render_digest", runs, digest, nothing),
        measure("reminders: due_reminders + compose_reminders", runs, due, empty_outbox),
        measure("reminders: reminders_in, 1 year", runs, window(YEAR), nothing),
        measure("reminders: reminders_in, 10 years", runs, window(10 * YEAR + YEAR), nothing),
        measure("outbox: deliver (claim, post, finish each)", runs, delivery, queue_reminders),
        measure("tick: run_tick", runs, tick, empty_outbox),
    ]


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.sqlite3")
        try:
            yield db
        finally:
            db.dispose()


@contextmanager
def postgres_database(server_url: str) -> Iterator[Database]:
    """A new database on the server at ``server_url``, dropped afterwards."""
    admin_url = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"tsagbot_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(admin_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def report(title: str, db: Database, runs: int) -> bool:
    db.upgrade()
    start = time.perf_counter()
    fill(db)
    filled = time.perf_counter() - start
    timings = bench(db, runs)
    print(f"\n### {title} (filled in {filled:.1f} s; {os.cpu_count()} CPUs)\n")
    print("| operation | runs | min (ms) | median (ms) | max (ms) |")
    print("|---|---|---|---|---|")
    for timing in timings:
        print(timing.row())
    return all(statistics.median(timing.seconds) < 1 for timing in timings)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each operation (5)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("TSAGBOT_TEST_POSTGRES_URL", ""),
        help="a PostgreSQL server to bench on too (default: TSAGBOT_TEST_POSTGRES_URL)",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    print(
        f"10,000 items, 2,000 updates, 1,000 meetings ({BUSY_MEETINGS} on one day), "
        f"at {NOW.astimezone(GENEVA):%a %Y-%m-%d %H:%M} Geneva time"
    )
    fast = True
    with sqlite_database() as db:
        fast &= report("SQLite", db, args.runs)
    if args.postgres:
        with postgres_database(args.postgres) as db:
            fast &= report("PostgreSQL", db, args.runs)
    if not fast:
        print("\nSome operation took 1 s or more (median).")
    return 0 if fast else 1


if __name__ == "__main__":
    sys.exit(main())
