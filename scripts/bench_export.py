"""Benchmark: export the whole plan as .docx with 2,000 recorded updates, and re-import it.

Builds a SQLite database with the bundled WTSA-20 plan, records 2,000 updates from
Slack-shaped messages (flags, and notes that add status lines) after the import,
then times the tracked-changes ``.docx`` export and the import of that export
into a fresh database.  Prints a Markdown table: median, min-max of ``--runs``
runs, and the load average.  Usage: ``python scripts/bench_export.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:  # run as a script, the repository is not on the path
    sys.path.insert(0, ROOT)

from bot.plan.export.service import ExportFormat, export_plan  # noqa: E402
from bot.plan.importing import bundled_plan, import_bytes  # noqa: E402
from bot.plan.updates.parse import parse_message  # noqa: E402
from bot.plan.updates.record import IncomingMessage, record_message  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.models import ActionItem  # noqa: E402

UPDATES = 2000
PEOPLE = ("Alice Martin", "Bashir Okafor", "Chen Wei", "Dolores Ruiz", "Erik Lund")
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def record_updates(db: Database, count: int) -> None:
    """``count`` updates on random active items, each a message as Slack delivers it;
    three in four are notes, which add status lines: the export's status revisions."""
    rng = random.Random(20)
    with db.unit_of_work() as session:
        codes = list(session.scalars(select(ActionItem.code).where(ActionItem.appendix == "")))
    for n in range(count):
        code, author = rng.choice(codes), rng.choice(PEOPLE)
        now = START + timedelta(days=1, minutes=n)
        kind = rng.random()
        if kind < 0.15:
            text = f"{code} done, see TSAG-TD{n}"
        elif kind < 0.25:
            text = f"{code} periodic goals met"
        else:
            text = f"update {code}: progress reported in TSAG-TD{n} by the rapporteur"
        message = IncomingMessage("T1", "C1", f"{1700000000 + n}.000100", f"U{n % 5}", author, text)
        with db.unit_of_work() as session:
            record_message(session, message, parse_message(text), editors=frozenset(), now=now)
            session.commit()


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    clock = lambda: START  # noqa: E731 (the plan is imported at a fixed time)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.sqlite3")
        db.upgrade()
        import_bytes(db, bundled_plan(), "plan.txt", clock)
        record_updates(db, UPDATES)
        later = START + timedelta(days=30)
        document: list[bytes] = []

        def export() -> None:
            with db.unit_of_work() as session:
                document[:] = [export_plan(session, ExportFormat.DOCX, now=later).data]

        export_times = timed(export, args.runs)
        fresh_dbs = []
        for run in range(args.runs):
            fresh = Database(f"sqlite:///{folder}/fresh{run}.sqlite3")
            fresh.upgrade()
            fresh_dbs.append(fresh)
        pending = iter(fresh_dbs)
        import_times = timed(
            lambda: import_bytes(next(pending), document[0], "export.docx", clock), args.runs
        )
        for fresh in fresh_dbs:
            fresh.dispose()
        db.dispose()
    with zipfile.ZipFile(io.BytesIO(document[0])) as archive:
        body = archive.read("word/document.xml")
    revisions = body.count(b"<w:ins ") + body.count(b"<w:del ")
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    size = f"{len(document[0]) / 1024:.0f} KiB"
    print(
        f"{UPDATES} recorded updates, {revisions} revision marks in the .docx; "
        f"{args.runs} runs each; load average {load}"
    )
    print("| step | size | median | min-max |")
    print("|---|---|---|---|")
    for name, times in (
        (".docx export, tracked changes", export_times),
        ("re-import of that export (fresh database)", import_times),
    ):
        low, high = min(times) * 1000, max(times) * 1000
        median = statistics.median(times) * 1000
        print(f"| {name} | {size} | {median:.0f} ms | {low:.0f}-{high:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
