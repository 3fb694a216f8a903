"""Interpret document blocks as the WTSA action plan.

The title names the Assembly (``WTSA-20``): the plan's edition.  Section I, the
summary table, says per Resolution who acts, collaborates and reports
(:mod:`bot.plan.section_one`).  Section II holds, per
Resolution, a heading and a table ``Action Item | Action | Milestone | Periodic
goals met | Completed`` in which each item row is followed by a status row.
Appendices I and II hold obsolete items of older plans; their numbers may be
reused by active items, so they are kept apart (``appendix`` is set).

A status row may be a cell spanning the four columns after the id cell (the id
cell empty or merged down into it), or one cell spanning all five.  What the
interpreter cannot understand is never guessed: a flag cell holding something
other than a tick or nothing, or a status row with more text than its status
cell, is an anomaly naming the item, the column and the content, and the field
is listed in ``ParsedItem.unread`` so that an import keeps the value it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.documents.blocks import Block, DocumentError, Paragraph, Table
from bot.documents.docx_reader import SYMBOLS
from bot.documents.text_export import strip_bookmarks
from bot.plan import section_one
from bot.plan.editions import EDITION, edition_name
from bot.plan.ids import canonical_id, resolution_of
from bot.plan.section_one import Summary

YES_MARKS = frozenset({"√", "✓", "✔", "✅", "x", "X", "☑", "☒", "yes", "Yes"})
NO_MARKS = frozenset({"", "☐", "no", "No"})
FLAG_COLUMNS = ((3, "periodic_goals_met", "Periodic goals met"), (4, "completed", "Completed"))
# A symbol font's tick whose font a text export lost (U+F0FC): a tick in every font
# that has it, through the table the Word reader maps w:sym and symbol fonts with.
SYMBOL_TICKS = frozenset(
    chr(code)
    for (_, code) in SYMBOLS
    if all(text in YES_MARKS for (_, other), text in SYMBOLS.items() if other == code)
)
HEADER_WORDS = frozenset({"milestone", "periodic goals met", "completed"})
ID_CELL = re.compile(
    r"^\s*(?P<id>(?:op|OP|Op)?\s*\d{0,3}\s*[-‑–—]\s*\d{1,3})\s*(?:\n\s*\((?P<alias>[^)]*)\))?\s*$"
)
RESOLUTION_HEADING = re.compile(
    r"^\s*(?:\d+\.\s*)?(?P<kind>Resolution|Opinion)\s+(?P<number>\d+)\s*[-–—]\s*(?P<title>.+?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
APPENDIX_HEADING = re.compile(
    r"^\s*Appendix\s+(?P<number>[IVX]+)\s*[-–—]\s*(?P<title>.*?)\s*$", re.IGNORECASE
)
SECTION_HEADING = re.compile(r"^\s*Section\s+(?P<number>[IVX]+)\s*[-–—]", re.IGNORECASE)
OLD_PLAN = re.compile(r"WTSA-\d+")
TITLE_EDITION = re.compile(rf"{EDITION.pattern}(?=\s+Resolutions)", re.IGNORECASE)


@dataclass
class ParsedResolution:
    key: str  # "50", "Opinion 1"
    title: str
    position: int


@dataclass(slots=True)  # a plan may hold a hundred thousand: no dict each
class ParsedItem:
    id: str
    resolution: str
    action: str
    milestone: str = ""
    periodic_goals_met: bool = False
    completed: bool = False
    status: str = ""
    aliases: list[str] = field(default_factory=list)
    appendix: str = ""  # "" for active items, else e.g. "Appendix I (WTSA-16)"
    position: int = 0
    # Fields whose cell the interpreter did not understand (an anomaly says why):
    # their value here is a default, and an import keeps what the database holds.
    unread: list[str] = field(default_factory=list)

    @property
    def obsolete(self) -> bool:
        return bool(self.appendix)


@dataclass
class Anomaly:
    kind: str
    message: str
    place: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


@dataclass
class ParsedPlan:
    resolutions: list[ParsedResolution] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    edition: str = ""  # "WTSA-20" as the title names it, "" if it names none
    title: str = ""  # "Action plan for implementation of WTSA-20 Resolutions"
    summaries: dict[str, Summary] = field(default_factory=dict)  # Section I by Resolution key

    @property
    def active(self) -> list[ParsedItem]:
        return [item for item in self.items if not item.appendix]

    @property
    def obsolete(self) -> list[ParsedItem]:
        return [item for item in self.items if item.appendix]


def clean(text: str) -> str:
    """Cell text without bookmarks, with tidy lines and no stray blank lines."""
    text = strip_bookmarks(text).replace("\xa0", " ").replace("\t", " ")
    lines = [" ".join(line.split()) if "  " in line else line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def read_flag(text: str) -> bool | None:
    """A flag cell: True for a tick, False when empty, None when not understood."""
    text = clean(text)
    if text in YES_MARKS or text in SYMBOL_TICKS:
        return True
    return False if text in NO_MARKS else None


def is_mark(text: str) -> bool:
    """A tick or cross (as opposed to words) in a Section I cell."""
    return read_flag(text) is True


def _is_header(cells: list[str]) -> bool:
    words = {clean(cell).lower() for cell in cells}
    return words >= HEADER_WORDS


def _slot(cells: list[str], index: int) -> str:
    return clean(cells[index]) if index < len(cells) else ""


def _resolution_key(heading: re.Match[str]) -> str:
    key = heading["number"].lstrip("0") or "0"
    return f"Opinion {key}" if heading["kind"].lower() == "opinion" else key


class _Interpreter:
    def __init__(self) -> None:
        self.plan = ParsedPlan()
        self.section = ""
        self.resolution: ParsedResolution | None = None
        self.appendix = ""
        self.last: ParsedItem | None = None  # the item a status row belongs to
        self.orphan: Anomaly | None = None  # an id-less row whose status must not go astray
        self.seen: dict[tuple[str, str], ParsedItem] = {}
        self.status_seen = False  # whether self.last already had its status row

    # -- places and anomalies -------------------------------------------------
    def where(self) -> str:
        return self.appendix or (
            f"Resolution {self.resolution.key}" if self.resolution else "before Section II"
        )

    def place(self) -> str:
        after = f", after {self.last.id}" if self.last else ", before the first item"
        return self.where() + after

    def anomaly(self, kind: str, message: str, place: str | None = None) -> Anomaly:
        found = Anomaly(kind, message, place or self.place())
        self.plan.anomalies.append(found)
        return found

    # -- blocks ---------------------------------------------------------------
    def paragraph(self, block: Paragraph) -> None:
        text = clean(block.text)
        if not self.plan.edition and self.section in ("", "I"):
            self.title(text)
        if section := SECTION_HEADING.match(text):
            self.section = section["number"].upper()
            self.resolution, self.last, self.orphan = None, None, None
        elif appendix := APPENDIX_HEADING.match(text):
            plan = OLD_PLAN.search(appendix["title"])
            label = f"Appendix {appendix['number'].upper()}"
            self.appendix = f"{label} ({plan.group(0)})" if plan else label
            self.section = "appendix"
            self.resolution, self.last, self.orphan = None, None, None
        elif self.section == "II" and (heading := RESOLUTION_HEADING.match(text)):
            key = _resolution_key(heading)
            title = " ".join(heading["title"].split())
            self.resolution = ParsedResolution(key, title, len(self.plan.resolutions))
            self.plan.resolutions.append(self.resolution)
            self.last, self.orphan = None, None

    def title(self, text: str) -> None:
        """The plan's edition, from the first text that names "WTSA-nn Resolutions"."""
        if match := TITLE_EDITION.search(text):
            edition = self.plan.edition = edition_name(match.group(0)) or ""
            words = " ".join(strip_bookmarks(text).split())
            self.plan.title = (
                words
                if words.lower().startswith("action plan")
                else f"Action plan for implementation of {edition} Resolutions"
            )

    def table(self, block: Table) -> None:
        if self.section == "I":
            self.section_one(block)
            return
        if self.section == "" and not self.plan.edition:  # the TD's cover table
            for cells in block.rows:
                for cell in cells:
                    self.title(clean(cell))
        if self.section not in ("II", "appendix"):
            return
        for cells in block.rows:
            self.row(cells)

    def section_one(self, block: Table) -> None:
        """Section I's table: after its two header rows, one row per Resolution."""
        layout = None
        for raw in block.rows:
            cells = [clean(cell) for cell in raw]
            if not cells or section_one.is_group_header(cells):
                continue
            heading = RESOLUTION_HEADING.match(cells[0])
            if heading is None and not cells[0] and layout is None:
                layout = section_one.layout_of(cells)
                if layout is None:
                    names = ", ".join(" ".join(c.split()) for c in cells[1:])
                    self.anomaly("section-one", f"Section I: columns not understood: {names}")
                    return
            elif heading is not None and layout is not None:
                title = " ".join(heading["title"].rstrip("*").split())
                summary = section_one.summary_of(cells, layout, is_mark, title)
                self.plan.summaries[_resolution_key(heading)] = summary

    def row(self, cells: list[str]) -> None:
        if not cells or _is_header(cells):
            return
        first = clean(cells[0])
        if match := ID_CELL.match(first):
            self.item(match["id"], match["alias"], cells)
        elif not first or (self.last is not None and canonical_id(first) == self.last.id):
            self.status_or_orphan(cells)
        elif len(cells) == 1 and self.last is not None and not self.status_seen:
            self.status(self.last, ["", *cells])  # one cell spanning all five columns

    def item(self, raw_id: str, raw_alias: str | None, cells: list[str]) -> None:
        item_id = canonical_id(raw_id)
        if item_id is None:
            self.anomaly("bad-id", f"unreadable action item id {raw_id!r}")
            return
        resolution = self.resolution.key if self.resolution and not self.appendix else None
        item = ParsedItem(
            id=item_id,
            resolution=resolution or resolution_of(item_id),
            action=_slot(cells, 1),
            appendix=self.appendix,
            position=len(self.plan.items),
        )
        if not self.appendix:
            item.milestone = _slot(cells, 2)
            self.flags(item, cells)
        if raw_alias:
            aliases = [canonical_id(part) for part in re.split(r"[,;/]", raw_alias)]
            item.aliases = [alias for alias in aliases if alias and alias != item_id]
        key = (item.id, item.appendix)
        if key in self.seen:
            self.anomaly("duplicate-id", f"{item.id} appears again; the first one is kept")
            self.last, self.orphan = None, None
            return
        self.seen[key] = item
        self.plan.items.append(item)
        self.last, self.orphan, self.status_seen = item, None, False

    def flags(self, item: ParsedItem, cells: list[str]) -> None:
        for index, name, column in FLAG_COLUMNS:
            value = read_flag(_slot(cells, index))
            if value is None:
                self.unread(item, name, f"the {column} cell holds {_slot(cells, index)!r}")
            else:
                setattr(item, name, value)

    def unread(self, item: ParsedItem, name: str, what: str) -> None:
        """Record a field not understood: an anomaly, and the import keeps the stored value."""
        item.unread.append(name)
        message = f"{what}, which is not understood; the value held is kept"
        self.anomaly("unread", message, f"{self.where()}, {item.id}")

    def status_or_orphan(self, cells: list[str]) -> None:
        """A row with an empty id cell: the status of the row above, or an action without id.

        A status row spans the milestone column, so a row with a milestone of its own
        is an action whose id is missing.  Its status row, if any, belongs to it and
        must not overwrite the status of the item above it.
        """
        status = _slot(cells, 1)
        owner_waits = self.orphan is not None or (self.last is not None and not self.status_seen)
        if _slot(cells, 2) or (not owner_waits and len({clean(c) for c in cells[1:]} - {""}) > 1):
            self.orphan = self.anomaly(
                "missing-id", f"a row with an action but no action item id: {status}"
            )
            self.status_seen = True
        elif self.orphan is not None:
            if status:
                self.orphan.message += f"; its status: {status}"
            self.orphan = None
        elif self.last is not None and not self.status_seen:
            self.status(self.last, cells)
        elif status:
            self.anomaly("stray-status", f"status text with no item above it: {status[:80]}")

    def status(self, item: ParsedItem, cells: list[str]) -> None:
        """The status row of ``item``: its text is in the cell after the (empty) id cell."""
        self.status_seen = True
        extra = [clean(cell) for cell in cells[2:] if clean(cell)]
        if extra:
            self.unread(item, "status", f"the status row has more cells: {' | '.join(extra)!r}")
        else:
            item.status = _slot(cells, 1)


def interpret(blocks: Iterable[Block]) -> ParsedPlan:
    """Build the action plan from blocks, taken one at a time; raise DocumentError if
    there is none."""
    interpreter = _Interpreter()
    for block in blocks:
        if isinstance(block, Paragraph):
            interpreter.paragraph(block)
        else:
            interpreter.table(block)
    plan = interpreter.plan
    if not plan.active:
        raise DocumentError("no action-plan tables found")
    return plan
