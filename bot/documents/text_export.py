"""Read the plain-text export of a Word document into blocks.

The export flattens tables: each cell starts with a tab, a blank line ends a row,
and a line without a tab continues the cell above.  Real exports are less tidy
than that, and these rules were learnt from the WTSA-20 action plan:

* a line that starts with a space and then a tab opens a new row whose first
  cell is empty (Word wrote nothing for it, not even the tab);
* a line that starts with a space and no tab is a paragraph after a table: the
  table's last row had no blank line to close it, and its trailing empty cells
  are missing;
* a heading (``Resolution 22 - ...``, ``Appendix I - ...``) never continues a cell;
* a header row (``Action Item | Action | ...``) may follow the last row of the
  previous table, or a numbered paragraph, with no blank line between them;
* a table nested in a status cell (89-07's list of DFS security clinics) follows
  the cell's text with no blank line, so its first row looks like more cells of
  the status row; its rows end with a blank line, the table with a second one, and
  the status cell may go on after it.  When a table ends on rows of one width
  whose first cells hold something but no item id, after a status row (first cell
  empty) that has that many cells more than its two, those cells and rows are the
  nested table: they become ``a | b | c`` lines of the status cell, as the Word
  reader renders them, and the status row is open again for the text that follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from bot.documents.blocks import Block, Paragraph, Table, nested_row_line

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
ITEM_ID = re.compile(r"^\s*\d{1,3}\s*[-‑–—]\s*\d{1,3}\b")
HEADING = re.compile(
    r"^\s*(?:\d+\.\s*)?(?:Resolution\s+\d+|Opinion\s+\d+|Appendix\s+[IVX]+|Section\s+[IVX]+)\s*[-–—]",
    re.IGNORECASE,
)


def strip_bookmarks(text: str) -> str:
    return BOOKMARK.sub("", text)


def _is_heading(line: str) -> bool:
    return bool(HEADING.match(strip_bookmarks(line)))


def _opens_header(cell: str, row: list[str]) -> bool:
    """A cell that starts a table header while another row is still open."""
    text = strip_bookmarks(cell).strip().lower()
    if text == "action item":
        return True
    # A header row whose "Action Item" cell was lost starts with "Action".
    return (
        text == "action" and bool(row) and strip_bookmarks(row[-1]).strip().lower() != "action item"
    )


def _nested_start(rows: list[list[str]]) -> int | None:
    """Where a status row with a table nested in its cell starts the table's tail, if it does."""
    width = len(rows[-1]) if rows else 0
    for index in range(len(rows) - 1, -1, -1):
        row = rows[index]
        first = strip_bookmarks(row[0]).strip()
        if index < len(rows) - 1 and len(row) == width + 2 and not first:
            return index
        if len(row) != width or not first or ITEM_ID.match(first):
            return None
    return None


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.table: Table | None = None
        self.row: list[str] | None = None
        self.after_nested = False  # the open row is a status row whose nested table ended
        # Lines continuing the open row's last cell, joined into it when the cell is
        # next looked at: a cell grown line by line with += is quadratic in its length.
        self.more: list[str] = []

    def finished(self) -> list[Block]:
        """The blocks before the last, taken out: nothing changes them any more."""
        done = self.blocks[:-1]
        del self.blocks[:-1]
        return done

    def flush(self) -> None:
        if self.more and self.row is not None:
            self.row[-1] = "\n".join([self.row[-1], *self.more])
        self.more = []

    def end_row(self) -> None:
        self.flush()
        if self.row is not None and self.table is not None:
            self.table.rows.append(self.row)
        self.row = None
        self.after_nested = False

    def fold_nested(self) -> bool:
        """Turn a nested table at the end of the table into lines of its status cell."""
        start = None if self.table is None else _nested_start(self.table.rows)
        if self.table is None or start is None:
            return False
        outer, *rows = self.table.rows[start:]
        del self.table.rows[start:]
        nested = [outer[2:], *rows]
        self.row = [outer[0], "\n".join([outer[1], *map(nested_row_line, nested)])]
        self.after_nested = True
        return True

    def end_table(self) -> None:
        self.end_row()
        self.table = None

    def paragraph(self, text: str, number: int) -> None:
        self.end_table()
        self.blocks.append(Paragraph(text.strip(), number))

    def cell(self, text: str, number: int, *, empty_first: bool = False) -> None:
        self.flush()
        if self.table is None:
            self.table = Table([], number)
            self.blocks.append(self.table)
        if (
            empty_first
            or self.after_nested
            or (self.row is not None and _opens_header(text, self.row))
        ):
            self.end_row()
        if self.row is None:
            self.row = [""] if empty_first else []
        self.row.append(text)

    def line(self, line: str, number: int) -> None:
        if line.startswith("\t"):
            self.cell(line[1:], number)
        elif line.startswith(" \t"):
            self.cell(line[2:], number, empty_first=True)
        elif not line.strip():
            if self.row is not None:
                self.end_row()
            elif not self.fold_nested():
                self.end_table()
        elif self.row is not None and not line.startswith(" ") and not _is_heading(line):
            self.more.append(line)
        else:
            self.paragraph(line, number)


def read_text_export(text: str) -> list[Block]:
    """Split a text export into paragraphs and tables (see the module docstring)."""
    return read_text_lines(lines_of(text))


def read_text_lines(lines: Iterable[str]) -> list[Block]:
    """:func:`read_text_export` of the export's lines (split at each ``\n``), read one at
    a time so that a large file need not be held whole as text."""
    return list(text_blocks(lines))


def text_blocks(lines: Iterable[str]) -> Iterator[Block]:
    """The blocks of :func:`read_text_lines`, each given as soon as the next one starts
    (only the last block read can still change): a reader that takes them one at a time
    never holds a large export's blocks all at once."""
    reader = _Reader()
    for number, line in enumerate(lines, start=1):
        reader.line(line.rstrip("\r"), number)
        if len(reader.blocks) > 1:
            yield from reader.finished()
    reader.end_table()
    yield from reader.blocks


def lines_of(text: str) -> Iterator[str]:
    """The lines of ``text`` split at each newline, as ``text.split("\n")`` gives them but
    one at a time: a large export is not held a second and a third time as a list."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]
