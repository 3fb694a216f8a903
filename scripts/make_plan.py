"""Make a synthetic action plan of N items from the real plan, for the benchmarks.

The plan is the bundled WTSA-20 text export (the format ``tsagbot import`` reads)
with its Section II grown or shrunk to N active items: Resolution bodies of the
real plan (their operative text and item rows, status and ticks as written) are
repeated in turn and renumbered 1, 2, 3 ... up to 999 Resolutions, each with its
share of the N items, numbered ``R-01``, ``R-02`` ... from the real Resolution's
items taken in turn. Section I stays the real one; Opinion 1 and the appendix of
obsolete items are left out, so the import counts exactly N action items.

    python scripts/make_plan.py N [OUT.txt]      # default: stdout
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.documents.text_export import read_text_export  # noqa: E402
from bot.plan.interpret import interpret  # noqa: E402

SEED = ROOT / "bot" / "data" / "wtsa20-action-plan.txt"
MAX_RESOLUTIONS = 999
"""Ids hold at most three digits a side (bot/plan/ids.py)."""
MAX_ITEMS = MAX_RESOLUTIONS * 999

BODY_HEADING = re.compile(r"^(?:\d+\.\s*)?(?:\s*\[bookmark: [^\]]*\])*\s*Resolution\s+(\d+)\s*-")
OPINION_HEADING = re.compile(r"^Opinion\s+\d+")
ITEM_ROW = re.compile(r"^\s*\t(?:\[bookmark: [^\]]*\])*\s*\d{1,3}\s*[-‑–—]\s*\d{1,3}\s*$")


@dataclass
class Body:
    """One Resolution of Section II: its heading and text, its item chunks (an item's
    row and its status row), and what follows the last of them."""

    number: str
    before: list[str]
    items: list[list[str]]
    after: list[str]


def _row_end(lines: list[str], start: int) -> int:
    end = start
    while end < len(lines) and lines[end] != "":
        end += 1
    return end


def _body(lines: list[str], number: str) -> Body:
    """An item's chunk runs to the next item's row; the last one ends with its status row."""
    starts = [i for i, line in enumerate(lines) if ITEM_ROW.match(line)]
    if not starts:
        return Body(number, lines, [], [])
    last = _row_end(lines, _row_end(lines, starts[-1]) + 1) + 1
    ends = [*starts[1:], last]
    items = [_closed(lines[start:end]) for start, end in zip(starts, ends, strict=True)]
    return Body(number, lines[: starts[0]], items, lines[last:])


def _closed(chunk: list[str]) -> list[str]:
    """The chunk ending with the blank line that closes its last row (the real plan's
    last item before a heading or a nested table may lack it)."""
    while len(chunk) > 1 and chunk[-1] == "" and chunk[-2] == "":
        chunk = chunk[:-1]
    return chunk if chunk[-1] == "" else [*chunk, ""]


def split_plan(text: str) -> tuple[list[str], list[Body]]:
    """The lines before Section II's first Resolution, and each Resolution's body."""
    lines = text.split("\n")
    headings = [i for i, line in enumerate(lines) if BODY_HEADING.match(line)]
    end = next(i for i, line in enumerate(lines) if OPINION_HEADING.match(line))
    bounds = [*headings, end]
    bodies = []
    for start, stop in pairwise(bounds):
        match = BODY_HEADING.match(lines[start])
        assert match is not None
        bodies.append(_body(lines[start:stop], match[1]))
    head = lines[: headings[0]]
    return head, [body for body in bodies if body.items and _repeats_cleanly(head, body)]


def _repeats_cleanly(head: list[str], body: Body) -> bool:
    """Whether the body, its items repeated twice over, reads back as just those items
    (a few Resolutions of the real plan have rows the reader only sorts out in place)."""
    count = 2 * len(body.items) + 1
    plan = interpret(read_text_export("\n".join([*head, *_renumbered(body, 1, count)])))
    return len(plan.active) == count and not plan.anomalies


def _renumbered(body: Body, number: int, count: int) -> Iterator[str]:
    old = body.number
    heading, *rest = body.before
    yield re.sub(
        rf"(Resolution_?0*){old}\b|(Resolution\s+){old}\b",
        lambda m: f"{m[1] or m[2]}{number}",
        heading,
    )
    yield from rest
    for n in range(count):
        chunk = body.items[n % len(body.items)]
        yield f"\t{number:02d}-{n + 1:02d}"
        yield from chunk[1:]
    yield from body.after


@cache
def _real_plan() -> tuple[list[str], list[Body]]:
    """The real plan split, once: checking which bodies repeat cleanly reads each twice."""
    return split_plan(SEED.read_text("utf-8"))


def make_plan(items: int) -> str:
    """The text export of a plan of ``items`` active action items (1 to 998,001)."""
    if not 1 <= items <= MAX_ITEMS:
        raise ValueError(f"a plan holds 1 to {MAX_ITEMS} items, not {items}")
    head, bodies = _real_plan()
    per_resolution = sum(len(body.items) for body in bodies) / len(bodies)
    resolutions = min(MAX_RESOLUTIONS, max(1, math.ceil(items / per_resolution)))
    share, extra = divmod(items, resolutions)
    lines = list(head)
    for index in range(resolutions):
        count = share + (index < extra)
        lines.extend(_renumbered(bodies[index % len(bodies)], index + 1, count))
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) not in (2, 3) or not sys.argv[1].isdigit():
        sys.exit(__doc__)
    try:
        text = make_plan(int(sys.argv[1]))
    except ValueError as error:
        sys.exit(f"make_plan: {error}")
    if len(sys.argv) == 3:
        Path(sys.argv[2]).write_text(text, "utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
