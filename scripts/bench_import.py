"""Benchmark: import the whole action plan, from its text export and from Word.

Prints a Markdown table of cold imports (empty database) and re-imports (the
same file again, which changes nothing), each the median of several runs, on a
fresh SQLite file.  Usage: ``python scripts/bench_import.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.clock import system_clock
from bot.documents.text_export import read_text_export
from bot.plan.importing import bundled_plan, import_bytes
from bot.store.db import Database

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_docx_fixtures import build_plan_docx


def timed_imports(data: bytes, name: str, runs: int) -> tuple[float, float]:
    cold, again = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            db = Database(f"sqlite:///{folder}/bench.sqlite3")
            db.upgrade()
            start = time.perf_counter()
            import_bytes(db, data, name, system_clock)
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            import_bytes(db, data, name, system_clock)
            again.append(time.perf_counter() - start)
            db.dispose()
    return statistics.median(cold), statistics.median(again)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = bundled_plan()
    with tempfile.TemporaryDirectory() as folder:
        docx_path = Path(folder) / "plan.docx"
        build_plan_docx(read_text_export(text.decode("utf-8")), docx_path)
        docx = docx_path.read_bytes()
    print("| file | size | cold import | re-import |")
    print("|---|---|---|---|")
    for name, data in (("text export (.txt)", text), ("Word (.docx)", docx)):
        cold, again = timed_imports(data, name, args.runs)
        size = f"{len(data) / 1024:.0f} KiB"
        print(f"| {name} | {size} | {cold * 1000:.0f} ms | {again * 1000:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
