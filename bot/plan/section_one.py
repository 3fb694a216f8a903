"""Section I of the plan: per Resolution, who acts on it, collaborates and reports.

The table has two header rows: ``Resolution - Title | Action by | Collaboration
with | Report to``, each group merged across its columns, then the columns
themselves (``SGs | TSAG | TSB | Membership | Council | GenSec`` under "Action
by", ...).  Neither reader keeps how far a merged cell spans, so the groups are
known by their columns' names (:data:`LAYOUTS`).

A cell holds a mark (``X``) or words (``All SGs``, ``MSs, SMs``).  Each group is
stored as one line of text in column order: a marked column by its name, a
column with words as ``Name: words``, joined by ``; `` — e.g. action by
``SGs: All; TSAG; TSB``.  :func:`group_cells` turns that back into the cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

GROUPS = ("action_by", "collaboration", "report_to")
GROUP_HEADINGS = ("action by", "collaboration with", "report to")
SEPARATOR = "; "
MARK = "X"

# The column names of each group, as the WTSA-20 plan lays them out.
WTSA_20_LAYOUT: tuple[tuple[str, ...], ...] = (
    ("SGs", "TSAG", "TSB", "Membership", "Council", "GenSec"),
    ("GenSec", "BDT ITU-D", "BR ITU-R"),
    ("TSAG", "Council", "WTSA", "PP"),
)
LAYOUTS = (WTSA_20_LAYOUT,)


@dataclass(frozen=True)
class Summary:
    """One Resolution's row of Section I, each group as stored on the Resolution."""

    action_by: str = ""
    collaboration: str = ""
    report_to: str = ""
    title: str = ""  # as Section I words it; Section II's heading is preferred


def _one_line(text: str) -> str:
    return " ".join(text.split())


def is_group_header(cells: list[str]) -> bool:
    """The first header row: a Resolution column and the three group headings."""
    words = [_one_line(cell).lower() for cell in cells[1:]]
    return words[: len(GROUP_HEADINGS)] == list(GROUP_HEADINGS)


def layout_of(cells: list[str]) -> tuple[tuple[str, ...], ...] | None:
    """The known layout whose column names the second header row lists, else None."""
    names = tuple(_one_line(cell) for cell in cells[1:])
    for layout in LAYOUTS:
        if names == tuple(name for group in layout for name in group):
            return layout
    return None


def summary_of(
    cells: list[str],
    layout: tuple[tuple[str, ...], ...],
    is_mark: Callable[[str], bool],
    title: str,
) -> Summary:
    """A Resolution's row (title cell first) as the text of its three groups."""
    values = iter(_one_line(cell) for cell in cells[1:])
    texts = []
    for names in layout:
        entries = []
        for name in names:
            value = next(values, "")
            if value:
                entries.append(name if is_mark(value) else f"{name}: {value}")
        texts.append(SEPARATOR.join(entries))
    action_by, collaboration, report_to = texts
    return Summary(action_by, collaboration, report_to, title)


def group_cells(text: str, names: tuple[str, ...]) -> list[str]:
    """The cells of one group (``X``, words or empty) from its stored text.

    Entries are in column order, so each one is matched with the next column
    that names it; an entry that names no column is kept in the last column.
    """
    cells = [""] * len(names)
    column = 0
    for entry in (part.strip() for part in text.split(SEPARATOR) if part.strip()):
        for index in range(column, len(names)):
            name = names[index]
            if entry == name or entry.startswith(f"{name}: "):
                cells[index] = MARK if entry == name else entry[len(name) + 2 :]
                column = index + 1
                break
        else:
            cells[-1] = SEPARATOR.join(filter(None, [cells[-1], entry]))
    return cells
