"""Benchmark: find the meetings of large documents, to see that the time is linear.

Two documents at 1, 2 and 4 MB: the meeting seeds repeated (mostly prose, a few
meetings), and one sentence announcing a meeting repeated (every sentence a
meeting, all of them one).  Prints a Markdown table of the median of several
runs and the time per MB, which stays flat when reading is linear.  Usage:
``python scripts/bench_meetings.py [--runs 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.documents.detect import read_blocks
from bot.meetings.extract import find_meetings

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
MEETING_SEEDS = ("000", "001", "002", "003")
SENTENCE = "The second IRM will take place on 8 January 2021, 12:30-15:30 CET (virtual).\n"
MB = 1_000_000


def seeds_text() -> bytes:
    paths = [next(SEEDS.glob(f"{prefix}_*.txt"), None) for prefix in MEETING_SEEDS]
    found = [path.read_bytes() for path in paths if path is not None]
    return b"\n".join(found) if found else SENTENCE.encode()


def repeated(unit: bytes) -> Callable[[int], bytes]:
    return lambda size: unit * max(1, size // len(unit))


def timed(data: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        blocks, _ = read_blocks(data)
        find_meetings(blocks, source="bench", default_tz=ZoneInfo("Europe/Zurich"))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    documents = {
        "meeting seeds repeated": repeated(seeds_text()),
        "one meeting sentence repeated": repeated(SENTENCE.encode()),
    }
    print("| document | size | read and extract | per MB |")
    print("|---|---:|---:|---:|")
    for name, make in documents.items():
        for size in (MB, 2 * MB, 4 * MB):
            data = make(size)
            seconds = timed(data, args.runs)
            megabytes = len(data) / MB
            print(
                f"| {name} | {megabytes:.1f} MB | {seconds:.2f} s | {seconds / megabytes:.2f} s |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
