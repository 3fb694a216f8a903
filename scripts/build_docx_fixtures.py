"""Build real Word documents to test the .docx reader against.

``python scripts/build_docx_fixtures.py OUTDIR [--seed PATH] [--plain]`` writes

* ``plan.docx``: the whole WTSA-20 action plan rebuilt from the text export's
  blocks, with the structure of the Word original (heading styles, 5-column tables,
  status rows merged down from the id cell and across the other four columns) and,
  unless ``--plain``, deliberate "messy Word" variants sprinkled deterministically
  across the plan; ``plan.manifest.json`` says which item got which variant;
* the unreadable files of :func:`build_bad_files`.

Imported, it offers :func:`build_plan_docx`, :func:`build_bad_files` and
:func:`sample_blocks` (a small plan for tests that must not depend on the seed).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:  # run as a script, the repository is not on the path
    sys.path.insert(0, ROOT)

from bot.documents.blocks import Block, Paragraph, Table  # noqa: E402

Element = Any  # an lxml element; lxml ships no type information
CellWriter = Callable[[Element], None]

DEFAULT_SEED = Path("/work/shared/seeds/004_d127366013943a34.txt")
SEED_ENV = "TSAGBOT_PLAN_SEED"

# Texts the variants put in the document that a reader must not return.
DELETED_TEXT = "DELETED-TEXT"
MOVED_FROM_TEXT = "MOVED-FROM-TEXT"
FIELD_CODE_TEXT = "FIELD-CODE-TEXT"
PLACEHOLDER_TEXT = "Click or tap here to enter text."
HYPERLINK_URL = "https://www.itu.int/en/ITU-T/tsag/Pages/default.aspx"

BOOKMARK = re.compile(r"\[bookmark: ([^\]]*)\]")
ITEM_ID = re.compile(r"^[A-Za-z0-9]+-\d+[a-z]?$")
ALIAS = re.compile(r"^\([^()]+\)$")
HEADING = re.compile(r"^(?:\d+\.\s*)?(Section|Appendix|Resolution|Opinion)\s+[0-9IVX]+\s*[-–]")
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BULLET_LINE = re.compile(r"^·(?: |$)")
NESTED_CELL = " | "  # a status line that is a row of a table nested in the status cell

CHECK_MARK = "√"
AUTHOR, DATE = "tsagbot", "2023-05-01T00:00:00Z"  # of tracked changes
BULLET_NUM_ID = "90"  # the list this script adds to numbering.xml for bullet variants

ID_VARIANTS = ("id-nbhyphen", "id-endash", "id-bookmark", "id-cell-sdt")
ALIAS_VARIANTS = ("id-alias-paragraph", "id-alias-br")
CHECK_VARIANTS = {  # variant -> what a faithful reader returns
    "check-check": "✓",
    "check-heavy": "✔",
    "check-x": "x",
    "check-sym-symbol": "√",
    "check-sym-wingdings": "✓",
}
ROW_VARIANTS = ("row-sdt", "cell-customxml", "action-soft-hyphen", "action-cell-sdt")
STATUS_VARIANTS = (
    "status-hyperlink",
    "status-field",
    "status-complex-field",
    "status-ins",
    "status-del",
    "status-move",
    "status-run-sdt",
    "status-placeholder",
)
STATUS_BULLETS = "status-bullets"
STATUS_BR = "status-br"
TABLE_SPLIT = "table-split"
TABLE_SDT = "table-sdt"
PARAGRAPH_SDT = "paragraph-sdt"


@dataclass
class Manifest:
    """What :func:`build_plan_docx` wrote.

    ``variants`` maps a variant name (the constants above) to the ids of the items
    that got it, in document order: the id as the text export writes it (``50-18``).
    Table variants name the first item of the table concerned (for ``table-split``,
    the first item of the second part); ``paragraph-sdt`` lists paragraph texts.
    ``expected`` is what a faithful reader returns (``line`` left as ``None``).
    """

    path: Path
    variants: dict[str, list[str]] = field(default_factory=dict)
    expected: list[Block] = field(default_factory=list)

    def ids(self, variant: str) -> list[str]:
        return self.variants.get(variant, [])

    def add(self, variant: str, key: str) -> None:
        self.variants.setdefault(variant, []).append(key)

    def to_json(self) -> str:
        return json.dumps({"path": str(self.path), "variants": self.variants}, indent=2)


# ----------------------------------------------------------------------------- text


def clean(text: str) -> str:
    """Drop characters XML 1.0 cannot hold."""
    return XML_INVALID.sub("", text)


def trim_lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def expected_cell(text: str) -> str:
    """A cell as a faithful reader returns it: no bookmark markers, tabs as spaces."""
    return trim_lines(clean(BOOKMARK.sub("", text)).replace("\t", " "))


def expected_paragraph(text: str) -> str:
    return trim_lines(clean(BOOKMARK.sub("", text))).strip()


# ----------------------------------------------------------------------------- XML


def sub(parent: Element, tag: str, **attrs: str) -> Element:
    """Append a ``w:`` element; attribute names are ``w:`` names without the prefix."""
    element = parent.makeelement(qn(f"w:{tag}"), {qn(f"w:{k}"): v for k, v in attrs.items()})
    parent.append(element)
    return element


def add_run(parent: Element, text: str = "") -> Element:
    run = sub(parent, "r")
    if text:
        add_text(run, text)
    return run


def add_text(run: Element, text: str) -> None:
    """Write text into a run: tabs, line breaks and non-breaking hyphens as Word does."""
    for piece in re.split(r"([\t\n\u2011])", text):
        if piece == "\t":
            sub(run, "tab")
        elif piece == "\n":
            sub(run, "br")
        elif piece == "\u2011":
            sub(run, "noBreakHyphen")
        elif piece:
            t = sub(run, "t")
            t.text = piece
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def add_sym(parent: Element, font: str, char: str) -> None:
    run = sub(parent, "r")
    fonts = sub(sub(run, "rPr"), "rFonts")
    fonts.set(qn("w:ascii"), font)
    fonts.set(qn("w:hAnsi"), font)
    sub(run, "sym", font=font, char=char)


def add_paragraph(parent: Element, style: str | None = None, num_id: str | None = None) -> Element:
    p = sub(parent, "p")
    if style or num_id:
        p_pr = sub(p, "pPr")
        if style:
            sub(p_pr, "pStyle", val=style)
        if num_id:
            num_pr = sub(p_pr, "numPr")
            sub(num_pr, "ilvl", val="0")
            sub(num_pr, "numId", val=num_id)
    return p


def add_sdt(
    parent: Element, ids: Iterator[int], alias: str, *, placeholder: bool = False
) -> Element:
    """Append a content control; returns its ``w:sdtContent`` to write into."""
    sdt = sub(parent, "sdt")
    sdt_pr = sub(sdt, "sdtPr")
    sub(sdt_pr, "alias", val=alias)
    sub(sdt_pr, "tag", val=alias.lower())
    sub(sdt_pr, "id", val=str(next(ids)))
    if placeholder:
        sub(sdt_pr, "showingPlcHdr")
    return sub(sdt, "sdtContent")


def add_bullet_list(document: Any) -> None:
    """Add a Symbol-font bullet list (numId 90) to numbering.xml, as Word writes it."""
    numbering = document.part.numbering_part.element
    abstract = numbering.makeelement(qn("w:abstractNum"), {qn("w:abstractNumId"): "90"})
    lvl = sub(abstract, "lvl", ilvl="0")
    sub(lvl, "start", val="1")
    sub(lvl, "numFmt", val="bullet")
    sub(lvl, "lvlText", val="\uf0b7")
    sub(lvl, "lvlJc", val="left")
    fonts = sub(sub(lvl, "rPr"), "rFonts")
    fonts.set(qn("w:ascii"), "Symbol")
    fonts.set(qn("w:hAnsi"), "Symbol")
    abstracts = numbering.findall(qn("w:abstractNum"))
    if abstracts:
        abstracts[-1].addnext(abstract)
    else:
        numbering.insert(0, abstract)
    num = numbering.makeelement(qn("w:num"), {qn("w:numId"): BULLET_NUM_ID})
    sub(num, "abstractNumId", val="90")
    nums = numbering.findall(qn("w:num"))
    if nums:
        nums[-1].addnext(num)
    else:
        abstract.addnext(num)


# ----------------------------------------------------------------------------- plan model


@dataclass
class Cell:
    write: CellWriter
    span: int = 1
    merge: str | None = None  # "restart" or "continue" (vMerge)
    wrap: str | None = None  # "sdt" or "customXml" around the w:tc


@dataclass
class Row:
    cells: list[Cell]
    header: bool = False
    group: int | None = None  # consecutive rows with one group share a row-level sdt


def is_header(row: Sequence[str]) -> bool:
    texts = [expected_cell(cell) for cell in row]
    return "Action" in texts and "Milestone" in texts


def is_plan_table(table: Table) -> bool:
    return any(is_header(row) for row in table.rows)


def item_id(row: Sequence[str]) -> str | None:
    """The id of an item row of a plan table (first line of its first cell), if any."""
    if len(row) < 2 or is_header(row):
        return None
    first = expected_cell(row[0]).split("\n")[0]
    return first if ITEM_ID.match(first) else None


def is_status(row: Sequence[str], previous: Sequence[str] | None) -> bool:
    return previous is not None and item_id(previous) is not None and len(row) == 2 and not row[0]


class _Cycle:
    """Hands out the variants of one category to every ``spacing``-th eligible place."""

    def __init__(self, variants: Sequence[str], spacing: int) -> None:
        self.variants = variants
        self.spacing = spacing
        self.seen = 0
        self.given = 0

    def next(self) -> str | None:
        self.seen += 1
        if (self.seen - 1) % self.spacing:
            return None
        variant = self.variants[self.given % len(self.variants)]
        self.given += 1
        return variant


class PlanWriter:
    """Turns blocks into document XML, applying variants and recording them."""

    def __init__(
        self,
        document: Any,
        manifest: Manifest,
        *,
        variants: bool,
        spacing: int,
        full_width_status: bool = False,
    ) -> None:
        self.document = document
        self.manifest = manifest
        self.variants = variants
        self.full_width_status = full_width_status
        self.ids = itertools.count(1)  # bookmark, revision and content-control ids
        self.groups = itertools.count(1)
        spacing = max(spacing, 1)
        self.cycles = {
            "id": _Cycle(ID_VARIANTS, spacing),
            "alias": _Cycle(ALIAS_VARIANTS, 1),
            "check": _Cycle(tuple(CHECK_VARIANTS), spacing),
            "row": _Cycle(ROW_VARIANTS, spacing),
            "status": _Cycle(STATUS_VARIANTS, spacing),
            "bullets": _Cycle((STATUS_BULLETS,), spacing),
            "br": _Cycle((STATUS_BR,), spacing),
            "paragraph": _Cycle((PARAGRAPH_SDT,), spacing * 4),
        }
        self.hyperlink_rid: str | None = None
        self.last_item = ""  # the item a status row belongs to

    def pick(self, category: str) -> str | None:
        return self.cycles[category].next() if self.variants else None

    # -- body

    def write(self, blocks: Sequence[Block], body: Element) -> None:
        tables = [block for block in blocks if isinstance(block, Table) and is_plan_table(block)]
        split = self._table_to_split(tables)
        wrapped = next((t for t in reversed(tables) if t is not split), None)
        previous: Block | None = None
        for block in blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block, body, after_heading=_is_heading_block(previous))
            elif block is split:
                first, second = self._split(block)
                self.table(first, body, wrap=False)
                add_paragraph(body)
                self.table(second, body, wrap=False, split_part=True)
            else:
                self.table(block, body, wrap=self.variants and block is wrapped)
            previous = block

    def _table_to_split(self, tables: list[Table]) -> Table | None:
        if not self.variants or not tables:
            return None
        best = max(tables, key=lambda t: sum(1 for row in t.rows if item_id(row)))
        return best if sum(1 for row in best.rows if item_id(row)) >= 2 else None

    @staticmethod
    def _split(table: Table) -> tuple[Table, Table]:
        """Split before the middle item; the second part repeats the header row."""
        items = [index for index, row in enumerate(table.rows) if item_id(row)]
        cut = items[len(items) // 2]
        header = next(row for row in table.rows if is_header(row))
        return Table(table.rows[:cut]), Table([list(header), *table.rows[cut:]])

    def paragraph(self, block: Paragraph, body: Element, *, after_heading: bool) -> None:
        text = clean(block.text)
        expected = expected_paragraph(text)
        heading = HEADING.match(BOOKMARK.sub("", text))
        style = None
        if heading:
            style = "Heading1" if heading.group(1) in ("Section", "Appendix") else "Heading2"
        parent = body
        if after_heading and not heading and expected and self.pick("paragraph"):
            parent = add_sdt(body, self.ids, "Operative text")
            self.manifest.add(PARAGRAPH_SDT, expected)
        p = add_paragraph(parent, style)
        self.text_with_bookmarks(p, text)
        if expected:
            self.manifest.expected.append(Paragraph(expected))

    def text_with_bookmarks(self, p: Element, text: str) -> None:
        """Write text whose ``[bookmark: name]`` markers become real bookmarks."""
        position = 0
        for match in BOOKMARK.finditer(text):
            if match.start() > position:
                add_run(p, text[position : match.start()])
            self.bookmark(p, match.group(1))
            position = match.end()
        if position < len(text):
            add_run(p, text[position:])

    def bookmark(self, p: Element, name: str) -> None:
        number = str(next(self.ids))
        sub(p, "bookmarkStart", id=number, name=name)
        sub(p, "bookmarkEnd", id=number)

    # -- tables

    def table(self, block: Table, body: Element, *, wrap: bool, split_part: bool = False) -> None:
        columns = max((len(row) for row in block.rows), default=1)
        plan = is_plan_table(block)
        rows: list[Row] = []
        expected_rows: list[list[str]] = []
        previous: list[str] | None = None
        first_item: str | None = None
        for raw in block.rows:
            row_texts = [clean(cell) for cell in raw]
            expected = [expected_cell(cell) for cell in row_texts]
            first_item = first_item or (item_id(row_texts) if plan else None)
            row = self.row(row_texts, expected, plan, previous, rows[-1] if rows else None)
            if plan and self.full_width_status and is_status(row_texts, previous):
                row.cells = row.cells[1:]  # one cell across all columns, none merged down
                row.cells[0].span = columns
                expected = expected[1:]
            else:
                _span_last(row, len(row_texts), columns)
                if plan and rows and len(row_texts) < columns and not row_texts[0]:
                    _merge_down(rows[-1], row)
            rows.append(row)
            expected_rows.append(expected)
            previous = row_texts
        if first_item and split_part:
            self.manifest.add(TABLE_SPLIT, first_item)
        if first_item and wrap:
            self.manifest.add(TABLE_SDT, first_item)
        self.manifest.expected.append(Table(expected_rows))
        parent = add_sdt(body, self.ids, "Action items") if wrap else body
        write_table(parent, rows, columns, self.ids)

    def row(
        self,
        texts: list[str],
        expected: list[str],
        plan: bool,
        previous: list[str] | None,
        above: Row | None,
    ) -> Row:
        if plan and item_id(texts):
            return self.item_row(texts, expected)
        if plan and is_status(texts, previous):
            return self.status_row(texts, expected, above)
        return Row([Cell(self.plain_writer(cell)) for cell in texts], plan and is_header(texts))

    def plain_writer(self, text: str) -> CellWriter:
        def write(tc: Element) -> None:
            for line in text.split("\n"):
                self.text_with_bookmarks(add_paragraph(tc), line)

        return write

    def item_row(self, texts: list[str], expected: list[str]) -> Row:
        key = item_id(texts) or ""
        self.last_item = key
        cells = [Cell(self.plain_writer(text)) for text in texts]
        cells[0] = self.id_cell(key, texts[0], expected)
        for index in (3, 4):
            if index < len(texts) and texts[index].strip() == CHECK_MARK:
                cells[index] = self.check_cell(key, index, expected)
        row = Row(cells)
        variant = self.pick("row")
        if variant == "row-sdt":
            row.group = next(self.groups)
        elif variant == "cell-customxml" and len(cells) > 2:
            cells[2].wrap = "customXml"
        elif variant == "action-cell-sdt":
            cells[1].wrap = "sdt"
        elif variant == "action-soft-hyphen":
            variant = self.soft_hyphen(cells, texts[1])
        if variant:
            self.manifest.add(variant, key)
        return row

    def id_cell(self, key: str, text: str, expected: list[str]) -> Cell:
        lines = text.split("\n")
        alias = lines[1] if len(lines) == 2 and ALIAS.match(lines[1].strip()) else None
        variant = self.pick("id")
        alias_variant = self.pick("alias") if alias else None
        marks = BOOKMARK.findall(lines[0])
        shown = BOOKMARK.sub("", lines[0]).strip()
        if variant == "id-bookmark" and not marks:
            marks = [f"Item{key.replace('-', '_')}"]
        if marks:
            self.manifest.add("id-bookmark", key)
        if variant in ("id-nbhyphen", "id-endash"):
            shown = shown.replace("-", "\u2011" if variant == "id-nbhyphen" else "–", 1)
            expected[0] = "\n".join([shown, *expected[0].split("\n")[1:]])
            self.manifest.add(variant, key)
        if alias_variant:
            self.manifest.add(alias_variant, key)

        def write(tc: Element) -> None:
            p = add_paragraph(tc)
            for name in marks:
                self.bookmark(p, name)
            add_run(p, shown)
            if alias is not None and alias_variant == "id-alias-br":
                add_run(p, "\n" + alias)
            elif alias is not None:
                add_run(add_paragraph(tc), alias)
            else:
                for line in lines[1:]:
                    add_run(add_paragraph(tc), line)

        cell = Cell(write)
        if variant == "id-cell-sdt":
            cell.wrap = "sdt"
            self.manifest.add(variant, key)
        return cell

    def check_cell(self, key: str, index: int, expected: list[str]) -> Cell:
        variant = self.pick("check")
        if variant is None:
            return Cell(self.plain_writer(CHECK_MARK))
        self.manifest.add(variant, key)
        expected[index] = CHECK_VARIANTS[variant]

        def write(tc: Element) -> None:
            p = add_paragraph(tc)
            if variant == "check-sym-symbol":
                add_sym(p, "Symbol", "F0D6")
            elif variant == "check-sym-wingdings":
                add_sym(p, "Wingdings", "F0FC")
            else:
                add_run(p, CHECK_VARIANTS[variant or ""])

        return Cell(write)

    def soft_hyphen(self, cells: list[Cell], text: str) -> str | None:
        """Put a soft hyphen inside the action's first long word (a reader drops it)."""
        match = re.search(r"[A-Za-z]{8,}", text)
        if match is None or "\n" in text or BOOKMARK.search(text):
            return None
        cut = match.start() + 4

        def write(tc: Element) -> None:
            p = add_paragraph(tc)
            run = add_run(p, text[:cut])
            sub(run, "softHyphen")
            add_text(run, text[cut:])

        cells[1] = Cell(write)
        return "action-soft-hyphen"

    def status_row(self, texts: list[str], expected: list[str], item: Row | None) -> Row:
        lines = texts[1].split("\n")
        bullets = self.pick("bullets") if any(BULLET_LINE.match(x) for x in lines) else None
        joined = self.pick("br") if not bullets and len(lines) > 1 else None
        decoration = self.pick("status") if expected[1] else None
        for variant in (bullets, joined, decoration):
            if variant:
                self.manifest.add(variant, self.last_item)
        writer = self.status_writer(lines, bool(bullets), bool(joined), decoration)
        row = Row([Cell(self.plain_writer("")), Cell(writer)])
        if item is not None:
            row.group = item.group
        return row

    def status_writer(
        self, lines: list[str], bullets: bool, joined: bool, decoration: str | None
    ) -> CellWriter:
        decorated = next((i for i, line in enumerate(lines) if line.strip()), 0)
        if decoration == "status-ins":
            decorated = max((i for i, line in enumerate(lines) if line.strip()), default=0)

        def write(tc: Element) -> None:
            p: Element | None = None
            nested: list[list[str]] = []
            for index, line in enumerate(lines):
                if NESTED_CELL in line:
                    nested.append(line.split(NESTED_CELL))
                    p = None
                    continue
                if nested:
                    write_nested_table(tc, nested)
                    nested = []
                bullet = bullets and BULLET_LINE.match(line)
                if p is None or not joined:
                    p = add_paragraph(tc, num_id=BULLET_NUM_ID if bullet else None)
                else:
                    add_run(p, "\n")
                text = line[2:] if bullet else line
                if index == decorated and decoration:
                    self.decorate(p, text, decoration)
                else:
                    self.text_with_bookmarks(p, text)
            if nested:
                write_nested_table(tc, nested)

        return write

    def decorate(self, p: Element, text: str, decoration: str) -> None:
        """Write one status line inside the structure the decoration names."""
        if decoration == "status-hyperlink":
            if self.hyperlink_rid is None:
                part = self.document.part
                self.hyperlink_rid = part.relate_to(
                    HYPERLINK_URL, RELATIONSHIP_TYPE.HYPERLINK, is_external=True
                )
            link = sub(p, "hyperlink", history="1")
            link.set(qn("r:id"), self.hyperlink_rid or "")
            add_run(link, text)
        elif decoration == "status-field":
            add_run(sub(p, "fldSimple", instr=" DOCPROPERTY StatusNote \\* MERGEFORMAT "), text)
        elif decoration == "status-complex-field":
            sub(add_run(p), "fldChar", fldCharType="begin")
            code = sub(add_run(p), "instrText")
            code.text = f" DOCPROPERTY {FIELD_CODE_TEXT} \\* MERGEFORMAT "
            sub(add_run(p), "fldChar", fldCharType="separate")
            add_run(p, text)
            sub(add_run(p), "fldChar", fldCharType="end")
        elif decoration == "status-ins":
            add_run(self.revision(p, "ins"), text)
        elif decoration == "status-del":
            add_run(p, text)
            deleted = sub(add_run(self.revision(p, "del")), "delText")
            deleted.text = DELETED_TEXT
        elif decoration == "status-move":
            name = f"move{next(self.ids)}"
            self.move(p, "moveFrom", MOVED_FROM_TEXT, name)
            self.move(p, "moveTo", text, name)
        elif decoration == "status-run-sdt":
            add_run(add_sdt(p, self.ids, "Status"), text)
        elif decoration == "status-placeholder":
            add_run(p, text)
            add_run(add_sdt(p, self.ids, "Note", placeholder=True), PLACEHOLDER_TEXT)

    def revision(self, p: Element, kind: str) -> Element:
        return sub(p, kind, id=str(next(self.ids)), author=AUTHOR, date=DATE)

    def move(self, p: Element, kind: str, text: str, name: str) -> None:
        """One side of a tracked move, inside the range markers Word pairs by name."""
        number = str(next(self.ids))
        sub(p, f"{kind}RangeStart", id=number, name=name, author=AUTHOR, date=DATE)
        add_run(self.revision(p, kind), text)
        sub(p, f"{kind}RangeEnd", id=number)


def _is_heading_block(block: Block | None) -> bool:
    """Whether the block is a Resolution's (or Opinion's) heading."""
    if not isinstance(block, Paragraph):
        return False
    heading = HEADING.match(BOOKMARK.sub("", block.text))
    return heading is not None and heading.group(1) in ("Resolution", "Opinion")


def _span_last(row: Row, count: int, columns: int) -> None:
    if row.cells and count < columns:
        row.cells[-1].span = columns - count + 1


def _merge_down(above: Row, row: Row) -> None:
    """Make the row's empty first cell a continuation of the cell above (a status row)."""
    if above.cells[0].merge is None:
        above.cells[0].merge = "restart"
    row.cells[0].merge = "continue"


def write_table(parent: Element, rows: list[Row], columns: int, ids: Iterator[int]) -> None:
    tbl = sub(parent, "tbl")
    tbl_pr = sub(tbl, "tblPr")
    sub(tbl_pr, "tblStyle", val="TableGrid")
    sub(tbl_pr, "tblW", w="0", type="auto")
    sub(tbl_pr, "tblLook", val="04A0")
    widths = _column_widths(columns)
    grid = sub(tbl, "tblGrid")
    for width in widths:
        sub(grid, "gridCol", w=str(width))
    groups: dict[int, Element] = {}
    for row in rows:
        container = tbl
        if row.group is not None:
            if row.group not in groups:
                groups[row.group] = add_sdt(tbl, ids, "Action item")
            container = groups[row.group]
        write_row(container, row, widths, ids)


def _column_widths(columns: int) -> list[int]:
    if columns == 5:
        return [1100, 4300, 1500, 1050, 1050]
    return [9000 // columns] * columns


def write_nested_table(tc: Element, rows: list[list[str]]) -> None:
    """Status lines ``a | b | c`` as the table nested in the cell that they stand for.

    A row with fewer cells than the widest had empty cells in front (89-07's header
    row has an empty "No." cell), which a reader leaves out again.
    """
    columns = max(len(row) for row in rows)
    cells = [[""] * (columns - len(row)) + row for row in rows]
    writers = [Row([Cell(_plain_cell(text)) for text in row]) for row in cells]
    write_table(tc, writers, columns, itertools.count(10_000))


def _plain_cell(text: str) -> CellWriter:
    def write(tc: Element) -> None:
        add_run(add_paragraph(tc), text)

    return write


def write_row(parent: Element, row: Row, widths: list[int], ids: Iterator[int]) -> None:
    tr = sub(parent, "tr")
    if row.header:
        sub(sub(tr, "trPr"), "tblHeader")
    column = 0
    for cell in row.cells:
        container = tr
        if cell.wrap == "sdt":
            container = add_sdt(tr, ids, "Cell")
        elif cell.wrap == "customXml":
            container = sub(tr, "customXml", uri="urn:tsagbot:fixtures", element="cell")
        tc = sub(container, "tc")
        tc_pr = sub(tc, "tcPr")
        width = sum(widths[column : column + cell.span]) or widths[-1]
        sub(tc_pr, "tcW", w=str(width), type="dxa")
        if cell.span > 1:
            sub(tc_pr, "gridSpan", val=str(cell.span))
        if cell.merge == "restart":
            sub(tc_pr, "vMerge", val="restart")
        elif cell.merge == "continue":
            sub(tc_pr, "vMerge")
        if cell.merge == "continue":
            add_paragraph(tc)
        else:
            cell.write(tc)
            if tc[-1].tag != qn("w:p"):  # a cell must end with a paragraph
                add_paragraph(tc)
        column += cell.span


# ----------------------------------------------------------------------------- documents


def build_plan_docx(
    blocks: Sequence[Block],
    path: Path | str,
    *,
    variants: bool = True,
    spacing: int = 3,
    full_width_status: bool = False,
) -> Manifest:
    """Write the blocks as a real Word document; every ``spacing``-th eligible place of
    each category gets the category's next variant (``spacing=1``: as many as possible).
    ``full_width_status`` writes each status row as one cell spanning all five columns.
    """
    path = Path(path)
    document = docx.Document()
    body = document.element.body
    section = body.find(qn("w:sectPr"))  # must stay the body's last child
    if section is not None:
        body.remove(section)
    add_bullet_list(document)
    manifest = Manifest(path)
    writer = PlanWriter(
        document, manifest, variants=variants, spacing=spacing, full_width_status=full_width_status
    )
    writer.write(blocks, body)
    if section is not None:
        body.append(section)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return manifest


HEADER = ["Action Item", "Action", "Milestone", "Periodic goals met", "Completed"]


def sample_blocks() -> list[Block]:
    """A small action plan shaped like the text export's blocks of the real one."""
    return [
        Paragraph("[bookmark: _Toc1]Section II - Progress on the implementation of the plan"),
        Paragraph("[bookmark: Resolution_50][bookmark: _Toc2]Resolution 50 - Cybersecurity"),
        Paragraph("resolves"),
        Paragraph("1\tto continue to give this work high priority within ITU\u2011T;"),
        Paragraph("2\tthat all ITU-T study groups continue to evaluate Recommendations;"),
        Table(
            [
                HEADER,
                ["50-01", "SG17 to continue to give this work high priority", "Ongoing", "√", ""],
                ["", "SG17 met twice a year.\nIts work programme is at https://www.itu.int/sg17."],
                ["50-02", "TSBDir to maintain the ICT security roadmap", "Ongoing", "√", ""],
                ["", "· Roadmap updated in May 2023.\n· Next update planned.\n·"],
                [
                    "50-03",
                    "SGs to evaluate existing and evolving Recommendations",
                    "WTSA-24",
                    "",
                    "√",
                ],
                ["", "Done by all study groups."],
                ["[bookmark: Item50_04]50-04", "TSB to organize workshops", "Ongoing", "√", ""],
                ["", "Workshop held in Geneva, 2-3 March 2023."],
                [
                    "50-05",
                    "TSBDir to report progress annually to Council",
                    "Council 2023",
                    "√",
                    "√",
                ],
                ["", "Reported to Council 2023 (C23/12)."],
                [
                    "",
                    "TSBDir, in collaboration with BDTDir, to assist developing countries",
                    "Ongoing",
                    "",
                    "",
                ],
                ["", "See 44-21."],
                [
                    "50-07",
                    "SG17 to develop guidelines on the protection of personal data",
                    "2024",
                    "√",
                    "",
                ],
                ["", "Draft Supplement X.sup-pd consented.\nApproval expected in 2024."],
                [
                    "50-08",
                    "Regional groups to cooperate with regional organizations",
                    "Ongoing",
                    "√",
                    "",
                ],
                ["", "· SG17RG-AFR met in Cairo, 18 May 2023.\n· SG17RG-ARB: planned."],
                ["50-09", "SG17 to liaise with ISO/IEC JTC 1", "Ongoing", "√", ""],
                ["", "Liaison statements exchanged at each meeting."],
                ["50-10", "TSB to maintain the security compendium", "Ongoing", "", ""],
                ["", ""],
                ["50-11", "SG17 to study quantum-safe cryptography", "Ongoing", "√", ""],
                ["", "Question 15/17 is studying it."],
            ]
        ),
        Paragraph("[bookmark: Resolution_54]Resolution 54 – Regional groups of study groups"),
        Paragraph("resolves"),
        Table(
            [
                HEADER,
                ["54-01", "TSB to support creation of regional groups", "Ongoing", "√", ""],
                ["", "The following regional groups have met since WTSA-20:\nITU-T Study Group 3"],
                ["54-04\n(44-14)", "SGs and TSAG to coordinate joint meetings", "Ongoing", "√", ""],
                ["", "Also, see 54-01."],
                ["54-05\n(44-21)", "TSB to provide all necessary support", "Ongoing", "√", ""],
                ["", "See 44-21."],
            ]
        ),
        Paragraph("[bookmark: _Toc3]Appendix I – Obsolete action items from WTSA-16 Action Plan"),
        Table(
            [["11-02", "TSB Director to consult with UPU"], ["22-10", "TSAG to define agreement"]]
        ),
    ]


def load_seed_blocks(seed: Path) -> list[Block]:
    from bot.documents.text_export import read_text_export

    return read_text_export(seed.read_text(encoding="utf-8"))


def seed_path() -> Path | None:
    """The text export of the action plan, if this machine has it."""
    path = Path(os.environ.get(SEED_ENV) or DEFAULT_SEED)
    return path if path.is_file() else None


# ----------------------------------------------------------------------------- bad files

BAD_FILE_REASONS = {  # file name -> the DocumentError message read_docx must give
    "empty.docx": "empty file",
    "not-word.docx": "not a Word document",
    "truncated.docx": "truncated or corrupt .docx",
    "corrupt.docx": "truncated or corrupt .docx",
    "zip-not-word.docx": "not a Word document",
}
NO_TABLES = "no-tables.docx"  # readable, but holds no action-plan table


def _docx_bytes(paragraphs: Sequence[str]) -> bytes:
    document = docx.Document()
    document.add_heading("Action plan for implementation of WTSA-20 Resolutions", 1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = content if info.filename == name else source.read(info.filename)
            target.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _spreadsheet_zip() -> bytes:
    """A zip shaped like an .xlsx: an Office package, but no word/document.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        )
    return out.getvalue()


def build_bad_files(outdir: Path | str) -> dict[str, Path]:
    """Write files a user might upload instead of the plan; returns name -> path."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    valid = _docx_bytes(["resolves", "1\tto continue the work."])
    document_xml = zipfile.ZipFile(io.BytesIO(valid)).read("word/document.xml")
    contents = {
        "empty.docx": b"",
        "not-word.docx": _png_bytes(),
        "truncated.docx": valid[: len(valid) // 2],
        "corrupt.docx": _replace_member(valid, "word/document.xml", document_xml[:-200]),
        "zip-not-word.docx": _spreadsheet_zip(),
        NO_TABLES: _docx_bytes(["This document has paragraphs only.", "No action items."]),
    }
    paths = {}
    for name, data in contents.items():
        paths[name] = outdir / name
        paths[name].write_bytes(data)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=Path, default=None, help="the plan's text export")
    parser.add_argument("--plain", action="store_true", help="no messy-Word variants")
    parser.add_argument("--spacing", type=int, default=3, help="variant on every N-th place")
    parser.add_argument(
        "--full-width-status", action="store_true", help="status rows as one 5-column cell"
    )
    args = parser.parse_args(argv)
    seed = args.seed or seed_path()
    if seed is None or not seed.is_file():
        parser.error(f"no seed text export (give --seed or set {SEED_ENV})")
    manifest = build_plan_docx(
        load_seed_blocks(seed),
        args.outdir / "plan.docx",
        variants=not args.plain,
        spacing=args.spacing,
        full_width_status=args.full_width_status,
    )
    (args.outdir / "plan.manifest.json").write_text(manifest.to_json() + "\n", encoding="utf-8")
    for path in [manifest.path, *build_bad_files(args.outdir).values()]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
