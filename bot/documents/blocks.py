"""The neutral shape every document reader produces.

A reader (the Word reader, the text-export reader) turns a document into a flat
sequence of blocks in document order: paragraphs and tables.  A table is a list
of rows, a row a list of cell texts.  A cell's text keeps its line breaks as
``\\n``.  A cell merged across columns (``gridSpan``) appears once; a cell merged
down from the row above (``vMerge`` continuation) appears as an empty string, so
that a row always shows the cells a reader of the printed page would see.

The action-plan interpreter (:mod:`bot.plan.interpret`) reads only this shape,
which is why the ``.txt`` export and the ``.docx`` document give the same records.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int | None = None  # 1-based place in the source, for messages


@dataclass
class Table:
    rows: list[list[str]] = field(default_factory=list)
    line: int | None = None


Block = Paragraph | Table


def nested_row_line(row: list[str]) -> str:
    """A row of a table nested in a cell, as one line of that cell: ``a | b | c``.

    Both readers render nested tables this way (empty cells left out), so that a
    status holding a table reads the same from the Word file and from its text export.
    """
    return " | ".join(" ".join(cell.split("\n")) for cell in row if cell.strip())


class DocumentError(Exception):
    """The file cannot be read as an action-plan document; the message says why in one line."""
