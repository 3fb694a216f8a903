"""WordprocessingML that python-docx has no API for: tracked changes, merged cells, lists.

Elements are built with lxml directly: building the 850-row plan table through
python-docx's cell objects takes seconds, this takes milliseconds.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]

from bot.plan.export.revisions import Author, Change, Piece

Element = Any  # an lxml element; lxml ships no type information

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BULLET_LINE = re.compile(r"^(?P<bullet>[-–•·▪]) (?P<text>\S.*)$")
W_DATE = "%Y-%m-%dT%H:%M:%SZ"


@functools.cache
def _w(name: str) -> str:
    """The Clark name of a ``w:`` element or attribute: ``{http://...}name``."""
    return str(qn(f"w:{name}"))


def w(parent: Element, tag: str, **attributes: str) -> Element:
    """A ``w:`` child of ``parent`` with ``w:`` attributes."""
    return etree.SubElement(parent, _w(tag), {_w(k): v for k, v in attributes.items()})


@functools.cache
def _date(when: datetime) -> str:
    return when.astimezone(UTC).strftime(W_DATE)


@dataclass
class Revisions:
    """Hands out the unique ``w:id`` every tracked change needs."""

    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def mark(self, parent: Element, change: Change, by: Author) -> Element:
        tag = "ins" if change is Change.INSERTED else "del"
        return w(
            parent,
            tag,
            id=str(next(self.ids)),
            author=XML_INVALID.sub("", by.name),
            date=_date(by.date),
        )


@dataclass
class Bullets:
    """One bullet list definition per bullet character, added to ``numbering.xml``.

    Word shows a list paragraph's bullet from the numbering definition, not from
    its text; using the character the line started with keeps the text identical
    when the document is read back.
    """

    numbering: Element
    nums: dict[str, str] = field(default_factory=dict)

    def num_id(self, bullet: str) -> str:
        if bullet not in self.nums:
            self.nums[bullet] = self._define(bullet)
        return self.nums[bullet]

    def _define(self, bullet: str) -> str:
        used = [int(n.get(_w("numId"))) for n in self.numbering.iter(_w("num"))]
        abstract_ids = [
            int(a.get(_w("abstractNumId"))) for a in self.numbering.iter(_w("abstractNum"))
        ]
        num_id, abstract_id = str(max(used, default=0) + 1), str(max(abstract_ids, default=0) + 1)
        abstract = etree.Element(_w("abstractNum"), {_w("abstractNumId"): abstract_id})
        w(abstract, "multiLevelType", val="singleLevel")
        level = w(abstract, "lvl", ilvl="0")
        w(level, "start", val="1")
        w(level, "numFmt", val="bullet")
        w(level, "lvlText", val=bullet)
        w(level, "lvlJc", val="left")
        w(w(level, "pPr"), "ind", left="284", hanging="284")
        first_num = self.numbering.find(_w("num"))
        if first_num is None:
            self.numbering.append(abstract)
        else:
            first_num.addprevious(abstract)  # every abstractNum comes before the nums
        num = w(self.numbering, "num", numId=num_id)
        w(num, "abstractNumId", val=abstract_id)
        return num_id


def text_run(
    parent: Element, text: str, *, deleted: bool = False, bold: bool = False, size: int = 0
) -> None:
    """A run of text; ``size`` in half-points (16 is 8 pt), 0 for the style's."""
    run = w(parent, "r")
    if bold or size:
        properties = w(run, "rPr")
        if bold:
            w(properties, "b")
        if size:
            w(properties, "sz", val=str(size))
    t = w(run, "delText" if deleted else "t")
    t.text = XML_INVALID.sub("", text)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def paragraph(
    parent: Element, text: str = "", *, bold: bool = False, style: str = "", size: int = 0
) -> Element:
    p = w(parent, "p")
    if style:
        w(w(p, "pPr"), "pStyle", val=style)
    if text:
        text_run(p, text, bold=bold, size=size)
    return p


def cell(
    tr: Element, width: int, *, span: int = 1, merge: str | None = None, shade: str = ""
) -> Element:
    """A table cell; ``merge`` is ``restart`` or ``continue`` for a cell merged down."""
    tc = w(tr, "tc")
    properties = w(tc, "tcPr")
    w(properties, "tcW", w=str(width), type="dxa")
    if span > 1:
        w(properties, "gridSpan", val=str(span))
    if merge == "restart":
        w(properties, "vMerge", val="restart")
    elif merge == "continue":
        w(properties, "vMerge")
    if shade:
        w(properties, "shd", val="clear", color="auto", fill=shade)
    return tc


def table(widths: list[int]) -> Element:
    """An empty bordered table (style Table Grid) with its column grid, not yet placed."""
    tbl = etree.Element(_w("tbl"))
    properties = w(tbl, "tblPr")
    w(properties, "tblStyle", val="TableGrid")
    w(properties, "tblW", w=str(sum(widths)), type="dxa")
    w(properties, "tblLook", val="04A0")
    grid = w(tbl, "tblGrid")
    for width in widths:
        w(grid, "gridCol", w=str(width))
    return tbl


def header_row(tbl: Element, titles: Iterable[str], widths: list[int]) -> None:
    tr = w(tbl, "tr")
    w(w(tr, "trPr"), "tblHeader")
    for title, width in zip(titles, widths, strict=True):
        paragraph(cell(tr, width, shade="D9D9D9"), title, bold=True)


def lines_into(tc: Element, lines: list[str], bullets: Bullets) -> None:
    """Lines of text as the cell's paragraphs; ``- text`` lines as bulleted list items."""
    for line in lines or [""]:
        p = w(tc, "p")
        _line(p, line, bullets)


def _line(p: Element, line: str, bullets: Bullets) -> Element:
    if bullet := BULLET_LINE.match(line):
        properties = w(p, "pPr")
        numbering = w(properties, "numPr")
        w(numbering, "ilvl", val="0")
        w(numbering, "numId", val=bullets.num_id(bullet["bullet"]))
        line = bullet["text"]
    if line:
        text_run(p, line)
    return p


def centred(tc: Element) -> None:
    """Centre every paragraph of a cell (``w:jc`` comes first in the paragraph properties)."""
    for p in tc.iter(_w("p")):
        properties = p.find(_w("pPr"))
        if properties is None:
            properties = etree.Element(_w("pPr"))
            p.insert(0, properties)
        properties.insert(0, etree.Element(_w("jc"), {_w("val"): "center"}))


def pieces_into(tc: Element, pieces: list[Piece], bullets: Bullets, revisions: Revisions) -> None:
    """Lines with tracked insertions and deletions as the cell's paragraphs.

    The paragraph mark that a change adds or removes is marked too, so that
    accepting or rejecting a line leaves no empty paragraph behind: the mark of
    the line itself, or of the line before it when the change ends the cell.
    """
    if not pieces:
        w(tc, "p")
        return
    paragraphs = []
    for piece in pieces:
        p = w(tc, "p")
        if piece.change is Change.SAME or piece.by is None:
            _line(p, piece.text, bullets)
        elif piece.change is Change.INSERTED:
            holder = _line(etree.Element(_w("p")), piece.text, bullets)
            properties = holder.find(_w("pPr"))
            if properties is not None:
                p.append(properties)
            wrapper = revisions.mark(p, piece.change, piece.by)
            for run in holder.findall(_w("r")):
                wrapper.append(run)
        else:  # deleted: shown struck through, without its bullet
            text_run(revisions.mark(p, piece.change, piece.by), piece.text, deleted=True)
        paragraphs.append(p)
    for index, piece in enumerate(pieces):
        if piece.change is Change.SAME or piece.by is None:
            continue
        owner = index if index < len(pieces) - 1 else index - 1
        if owner >= 0:
            _mark_paragraph(paragraphs[owner], piece, revisions)


def _mark_paragraph(p: Element, piece: Piece, revisions: Revisions) -> None:
    if piece.by is None:
        return
    properties = p.find(_w("pPr"))
    if properties is None:
        properties = etree.Element(_w("pPr"))
        p.insert(0, properties)
    if properties.find(_w("rPr")) is not None:
        return
    revisions.mark(w(properties, "rPr"), piece.change, piece.by)
