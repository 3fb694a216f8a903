"""Make a WTSA-24 action plan from the WTSA-20 seed, for tests of editions.

It also offers :func:`with_status`, which rewrites one item's status row.

The seed's text export is copied with its title naming WTSA-24, item 50-18
turned into another action (new text, no ticks, new status) and 50-20
renumbered 50-21, which is what a next Assembly's plan does to numbers.

    python scripts/make_wtsa24_plan.py SEED.txt OUT.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

NEW_ACTION = "SG17 to report each year on the security of new technologies (WTSA-24 instructs 1)"
NEW_STATUS = "New action of WTSA-24; SG17 plans its first report for TSAG in 2026."


def _row_end(lines: list[str], start: int) -> int:
    """The index of the blank line that ends the table row starting at ``start``."""
    end = start
    while end < len(lines) and lines[end] != "":
        end += 1
    return end


def _cells(lines: list[str], start: int, end: int) -> list[list[str]]:
    """The row's cells: each starts with a tab, lines without one continue it."""
    cells: list[list[str]] = []
    for line in lines[start:end]:
        if line.startswith("\t") or not cells:
            cells.append([line])
        else:
            cells[-1].append(line)
    return cells


def _replace_item(lines: list[str], code: str, action: str, status: str) -> list[str]:
    start = lines.index(f"\t{code}")
    end = _row_end(lines, start)
    cells = _cells(lines, start, end)
    cells[1] = [f"\t{action}"]
    cells[3] = ["\t"]  # periodic goals met: no
    cells[4] = ["\t"]  # completed: no
    row = [line for cell in cells for line in cell]
    return _with_status([*lines[:start], *row, *lines[end:]], code, status)


def _with_status(lines: list[str], code: str, status: str) -> list[str]:
    status_start = _row_end(lines, lines.index(f"\t{code}")) + 1
    status_end = _row_end(lines, status_start)
    status_lines = status.split("\n")
    return [
        *lines[:status_start],
        "\t",
        f"\t{status_lines[0]}",
        *status_lines[1:],
        *lines[status_end:],
    ]


def with_status(text: str, code: str, status: str) -> str:
    """The plan text with the status row of active item ``code`` saying ``status``."""
    return "\n".join(_with_status(text.split("\n"), code, status))


def wtsa24_from(seed: str) -> str:
    """The WTSA-24 plan text made from the WTSA-20 seed's text."""
    text = seed.replace("WTSA-20 Resolutions", "WTSA-24 Resolutions")
    lines = text.split("\n")
    lines = _replace_item(lines, "50-18", NEW_ACTION, NEW_STATUS)
    lines[lines.index("\t50-20")] = "\t50-21"
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    seed, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.write_text(wtsa24_from(seed.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
