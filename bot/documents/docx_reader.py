"""Read a Word (.docx) document into blocks (see :mod:`bot.documents.blocks`).

The reader works on the WordprocessingML directly with lxml instead of python-docx's
high-level objects: ``row.cells`` repeats a merged cell once per grid column it
covers, and building an object per cell is too slow for the 850-row action plan.

What counts as the document's text is what a reader of the printed page sees:

* tracked insertions and moves-to are read, tracked deletions and moves-from are not;
* of a field only the result is read, never the field code (``w:instrText``);
* text inside hyperlinks, simple fields, smart tags, custom-XML and content
  controls is read, except a run-level content control still showing its placeholder;
* symbols are mapped to Unicode, whether Word wrote them as ``w:sym`` or they are
  text in a run whose font is Symbol, Wingdings, Wingdings 2 or Webdings (as
  LibreOffice writes them, and as a re-save in LibreOffice turns every ``w:sym``):
  a private-use character (U+F0FC) or the plain letter (``ü`` in Wingdings, ``Ö``
  in Symbol) goes through one table, so the check marks become ``√`` and ``✓``;
* tables nested in a cell become lines of the cell (``a | b | c``);
* a paragraph whose mark is a tracked deletion runs on into the next one;
* list numbers and bullets, which Word keeps in ``numbering.xml`` rather than in
  the text, are rendered (``1<tab>``, ``· ``) the way Word's plain-text export does;
* drawings and text boxes are not read.

``Block.line`` is the 1-based ordinal of the block's first paragraph among all the
paragraphs of the document, table cells included.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from bot.documents.blocks import Block, DocumentError, Paragraph, Table, nested_row_line
from bot.documents.limits import LIMITS, MB, LimitError, Limits, amount

Element = Any  # an lxml element; lxml ships no type information

ZIP_MAGIC = b"PK\x03\x04"

WORD_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO 29500 "strict" documents
)
MATH_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_OFFICE_DOCUMENT = "/officeDocument"
REL_NUMBERING = "/numbering"
REL_STYLES = "/styles"

EMPTY_FILE = "empty file"
NOT_WORD = "not a Word document"
CORRUPT = "truncated or corrupt .docx"
PART_TOO_LARGE = "{} unpacks to more than {}; refused"
PARTS_TOO_LARGE = "its parts unpack to more than {}; refused"
BOMB = "{} unpacks to over {} times its packed size, as a zip bomb does; refused"
RATIO_FLOOR = MB  # a smaller part may unpack as much as it likes
DOCTYPE = "{} has a DOCTYPE declaration, which Word never writes; refused"

# (font, code point) -> text, for w:sym and for text in a symbol font.  Fonts are
# compared in lower case; a plain character c of a symbol font is looked up as F000+c.
SYMBOLS: dict[tuple[str, int], str] = {
    ("symbol", 0xF0D6): "√",
    ("wingdings", 0xF0FB): "✗",
    ("wingdings", 0xF0FC): "✓",
    ("wingdings", 0xF0FD): "☒",
    ("wingdings", 0xF0FE): "✓",  # a ticked box
    ("wingdings 2", 0xF04F): "✗",
    ("wingdings 2", 0xF050): "✓",
    ("wingdings 2", 0xF052): "✓",  # a ticked box
    ("wingdings 2", 0xF053): "☒",
    ("webdings", 0xF061): "✓",
    ("webdings", 0xF072): "✗",
}
SYMBOL_FONTS = frozenset({"symbol", "wingdings", "wingdings 2", "wingdings 3", "webdings"})
PRIVATE_USE_FONT_RANGE = range(0xF000, 0xF100)
ROMAN_NUMERALS = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
# Elements whose content is read as part of the paragraph around them.
INLINE_CONTAINERS = (
    "hyperlink",
    "fldSimple",
    "smartTag",
    "ins",
    "moveTo",
    "customXml",
    "dir",
    "bdo",
    "sdtContent",
)
BULLET = "·"  # what Word's text export writes for a symbol-font bullet


def _xml_parser() -> Any:
    """A parser that loads nothing from outside the file.

    One per call: an lxml parser must not be shared between threads.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )


_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # an unsupported compression method
)


def is_docx(data: bytes) -> bool:
    """Whether the bytes look like a .docx (a zip file), judged by content, not by name."""
    return data.startswith(ZIP_MAGIC)


def read_docx(data: bytes, limits: Limits = LIMITS) -> list[Block]:
    """Read a .docx document's body into paragraphs and tables, in document order.

    Raises :class:`DocumentError` with a one-line reason when the bytes are not a
    readable Word document, or unpack to more than ``limits`` allow.
    """
    if not data:
        raise DocumentError(EMPTY_FILE)
    if not is_docx(data):
        raise DocumentError(NOT_WORD)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as error:
        raise DocumentError(CORRUPT) from error
    with archive:
        package = _Package(archive, limits)
        document_name = package.main_part()
        root = package.xml(document_name)
        if root is None:
            raise DocumentError(NOT_WORD)
        ns = etree.QName(root).namespace
        if ns not in WORD_NAMESPACES or etree.QName(root).localname != "document":
            raise DocumentError(NOT_WORD)
        names = _Names(ns)
        numbering = _Numbering.load(package, document_name, names)
    body = root.find(names.body)
    if body is None:
        return []
    return _BodyReader(names, numbering).read(body)


class _Package:
    """The zip's parts, read with the errors every reader must turn into DocumentError.

    A part is refused when its header says it is too large, and read no further
    than the limits whatever its header says (a zip bomb may lie): the
    decompressed bytes are counted, per part and over all the parts read.
    """

    def __init__(self, archive: zipfile.ZipFile, limits: Limits) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.limits = limits
        self.unpacked = 0  # bytes decompressed so far, over all parts

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        info = self.archive.getinfo(name)
        part_cap = self.limits.part_bytes
        if info.file_size > part_cap:
            raise LimitError(PART_TOO_LARGE.format(name, amount(part_cap)))
        self._check_ratio(name, info.file_size, info.compress_size)
        left = self.limits.parts_bytes - self.unpacked
        try:
            with self.archive.open(name) as member:
                raw = member.read(min(part_cap, left) + 1)
        except _ZIP_ERRORS as error:
            raise DocumentError(CORRUPT) from error
        self.unpacked += len(raw)
        if len(raw) > part_cap:
            raise LimitError(PART_TOO_LARGE.format(name, amount(part_cap)))
        if len(raw) > left:
            raise LimitError(PARTS_TOO_LARGE.format(amount(self.limits.parts_bytes)))
        self._check_ratio(name, len(raw), info.compress_size)
        return raw

    def _check_ratio(self, name: str, unpacked: int, packed: int) -> None:
        ratio = self.limits.part_ratio
        if unpacked > RATIO_FLOOR and unpacked > ratio * max(packed, 1):
            raise LimitError(BOMB.format(name, ratio))

    def xml(self, name: str) -> Element | None:
        raw = self.read(name)
        if raw is None:
            return None
        try:
            root = etree.fromstring(raw, _xml_parser())
        except (etree.XMLSyntaxError, ValueError) as error:
            raise DocumentError(CORRUPT) from error
        if root.getroottree().docinfo.doctype:
            raise DocumentError(DOCTYPE.format(name))
        return root

    def related(self, source: str, kind: str) -> str | None:
        """The part that ``source`` relates to with a relationship type ending in ``kind``."""
        folder, base = posixpath.split(source)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if rels is None:
            return None
        for rel in rels.iter(f"{{{PACKAGE_RELS_NS}}}Relationship"):
            target: str = rel.get("Target", "")
            if rel.get("Type", "").endswith(kind) and rel.get("TargetMode") != "External":
                if target.startswith("/"):
                    return posixpath.normpath(target.lstrip("/"))
                return posixpath.normpath(posixpath.join(folder, target))
        return None

    def main_part(self) -> str:
        return self.related("", REL_OFFICE_DOCUMENT) or "word/document.xml"


class _Names:
    """Clark names (``{namespace}local``) of the WordprocessingML elements the reader uses."""

    def __init__(self, ns: str) -> None:
        def w(local: str) -> str:
            return f"{{{ns}}}{local}"

        self.w = w
        self.body, self.p, self.tbl, self.tr, self.tc = map(w, ("body", "p", "tbl", "tr", "tc"))
        self.sdt, self.sdt_content, self.sdt_pr = w("sdt"), w("sdtContent"), w("sdtPr")
        self.showing_placeholder = w("showingPlcHdr")
        self.custom_xml = w("customXml")
        self.ins, self.delete = w("ins"), w("del")
        self.move_to = w("moveTo")
        self.r, self.t = w("r"), w("t")
        self.r_pr, self.r_fonts = w("rPr"), w("rFonts")
        self.font_slots = (w("ascii"), w("hAnsi"))
        self.tc_pr, self.tr_pr, self.p_pr = w("tcPr"), w("trPr"), w("pPr")
        self.v_merge, self.h_merge = w("vMerge"), w("hMerge")
        self.num_pr, self.num_id = w("numPr"), w("numId")
        self.ilvl, self.p_style = w("ilvl"), w("pStyle")
        self.val, self.type, self.font, self.char = w("val"), w("type"), w("font"), w("char")
        self.fld_char_type = w("fldCharType")
        self.inline_containers = frozenset(map(w, INLINE_CONTAINERS))


def _rendered_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        while value > 0:
            value, rest = divmod(value - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for worth, numeral in ROMAN_NUMERALS:
        count, value = divmod(value, worth)
        out += numeral * count
    return out


@dataclass(frozen=True)
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 0
    suffix: str = "\t"


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass
class _Numbering:
    """List definitions and running counters, to render list labels as Word shows them.

    Counters belong to the abstract list, so two ``w:num`` sharing one continue each
    other's numbering unless a ``startOverride`` restarts a level, as in Word.
    """

    names: _Names
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId ->
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[tuple[str, int], int] = field(default_factory=dict)
    style_numbering: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    started: set[tuple[str, int]] = field(default_factory=set)

    @classmethod
    def load(cls, package: _Package, document: str, names: _Names) -> _Numbering:
        """Read numbering and styles. A part that is there but cannot be read refuses the
        document: without it, list labels (the bullets of status texts) would silently
        drop out of what is imported."""
        numbering = cls(names)
        parts = ((REL_NUMBERING, numbering._read_numbering), (REL_STYLES, numbering._read_styles))
        for kind, reader in parts:
            part = package.related(document, kind)
            root = package.xml(part) if part else None
            if root is not None:
                reader(root)
        return numbering

    def _read_numbering(self, root: Element) -> None:
        w, val = self.names.w, self.names.val
        for abstract in root.iter(w("abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(w("lvl")):
                levels[_int(lvl.get(w("ilvl")), 0)] = _Level(
                    fmt=_child_val(lvl, w("numFmt"), val) or "decimal",
                    text=_child_val(lvl, w("lvlText"), val) or "",
                    start=_int(_child_val(lvl, w("start"), val), 0),
                    suffix={"space": " ", "nothing": ""}.get(
                        _child_val(lvl, w("suff"), val) or "tab", "\t"
                    ),
                )
            self.levels[abstract.get(w("abstractNumId"), "")] = levels
        for num in root.iter(w("num")):
            num_id = num.get(w("numId"), "")
            self.nums[num_id] = _child_val(num, w("abstractNumId"), val) or ""
            for override in num.iter(w("lvlOverride")):
                start = _child_val(override, w("startOverride"), val)
                if start is not None:
                    level = _int(override.get(w("ilvl")), 0)
                    self.overrides[(num_id, level)] = _int(start, 1)

    def _read_styles(self, root: Element) -> None:
        w = self.names.w
        based_on: dict[str, str] = {}
        own: dict[str, tuple[str | None, int | None]] = {}
        for style in root.iter(w("style")):
            style_id = style.get(w("styleId"), "")
            parent = _child_val(style, w("basedOn"), self.names.val)
            if parent:
                based_on[style_id] = parent
            num_pr = style.find(f"{self.names.p_pr}/{self.names.num_pr}")
            if num_pr is not None:
                own[style_id] = self._num_pr(num_pr)
        for style_id in set(based_on) | set(own):
            current: str | None = style_id
            for _ in range(20):  # a basedOn cycle must not hang the reader
                if current is None or current in own:
                    break
                current = based_on.get(current)
            if current in own:
                self.style_numbering[style_id] = own[current]

    def _num_pr(self, num_pr: Element) -> tuple[str | None, int | None]:
        num_id = _child_val(num_pr, self.names.num_id, self.names.val)
        level = _child_val(num_pr, self.names.ilvl, self.names.val)
        return num_id, (_int(level, 0) if level is not None else None)

    def label(self, p_pr: Element | None, in_cell: bool) -> str:
        """The list label Word shows before this paragraph, or ""; advances the counters."""
        if p_pr is None or not self.nums:
            return ""
        num_id, level = None, None
        style = p_pr.find(self.names.p_style)
        if style is not None:
            num_id, level = self.style_numbering.get(style.get(self.names.val, ""), (None, None))
        num_pr = p_pr.find(self.names.num_pr)
        if num_pr is not None:
            own_id, own_level = self._num_pr(num_pr)
            num_id, level = own_id or num_id, own_level if own_level is not None else level
        abstract = None if num_id in (None, "0") else self.nums.get(num_id or "")
        if not abstract or abstract not in self.levels:
            return ""
        level = min(max(level or 0, 0), 8)
        definition = self.levels[abstract].get(level, _Level())
        suffix = " " if in_cell and definition.suffix == "\t" else definition.suffix
        if definition.fmt == "bullet":
            return _bullet(definition.text) + suffix
        return self._count(num_id or "", abstract, level, definition.text) + suffix

    def _count(self, num_id: str, abstract: str, level: int, text: str) -> str:
        counters = self.counters.setdefault(abstract, [None] * 9)
        if (num_id, level) not in self.started and (num_id, level) in self.overrides:
            counters[level] = self.overrides[(num_id, level)] - 1
        self.started.add((num_id, level))
        current = counters[level]
        counters[level] = self._start(abstract, level) if current is None else current + 1
        for deeper in range(level + 1, 9):
            counters[deeper] = None
        for index in range(9):
            value = counters[index]
            if value is None:
                value = self._start(abstract, index)
            fmt = self.levels[abstract].get(index, _Level()).fmt
            text = text.replace(f"%{index + 1}", _rendered_number(value, fmt))
        return text

    def _start(self, abstract: str, level: int) -> int:
        return self.levels[abstract].get(level, _Level()).start


def _bullet(text: str) -> str:
    if not text or any(ord(char) in PRIVATE_USE_FONT_RANGE for char in text):
        return BULLET
    return text


def _child_val(element: Element, tag: str, val: str) -> str | None:
    child = element.find(tag)
    return None if child is None else child.get(val)


class _BodyReader:
    """Walks the body in document order, turning paragraphs and tables into blocks."""

    def __init__(self, names: _Names, numbering: _Numbering) -> None:
        self.names = names
        self.numbering = numbering
        self.paragraphs = 0  # paragraphs seen so far, for Block.line
        self.runs = _RunReader(names)

    def read(self, body: Element) -> list[Block]:
        blocks: list[Block] = []
        for element in self._block_elements(body):
            if element.tag == self.names.p:
                line = self.paragraphs + 1
                text = _trim_lines(self._paragraph_text(element, in_cell=False)).strip()
                if text:
                    blocks.append(Paragraph(text, line))
            else:
                blocks.append(self._table(element))
        return blocks

    def _block_elements(self, container: Element) -> Iterator[Element]:
        """Paragraphs and tables of a body or cell, unwrapping content controls and the like."""
        names = self.names
        for child in container:
            tag = child.tag
            if tag == names.p or tag == names.tbl:
                yield child
            elif tag == names.sdt:
                content = child.find(names.sdt_content)
                if content is not None:
                    yield from self._block_elements(content)
            elif tag in (names.custom_xml, names.ins, names.move_to):
                yield from self._block_elements(child)

    def _paragraph_text(self, p: Element, *, in_cell: bool) -> str:
        self.paragraphs += 1
        label = self.numbering.label(p.find(self.names.p_pr), in_cell)
        return label + self.runs.text(p, in_cell=in_cell)

    def _table(self, tbl: Element) -> Table:
        table = Table([], self.paragraphs + 1)
        for tr in self._rows(tbl):
            table.rows.append([self._cell_text(tc) for tc in self._cells(tr)])
        return table

    def _rows(self, container: Element) -> Iterator[Element]:
        names = self.names
        for child in container:
            tag = child.tag
            if tag == names.tr:
                tr_pr = child.find(names.tr_pr)
                if tr_pr is None or tr_pr.find(names.delete) is None:  # not a deleted row
                    yield child
            elif tag == names.sdt:
                content = child.find(names.sdt_content)
                if content is not None:
                    yield from self._rows(content)
            elif tag == names.custom_xml:
                yield from self._rows(child)

    def _cells(self, container: Element) -> Iterator[Element]:
        """The row's own cells (not those of nested tables); a legacy hMerge tail is dropped."""
        names = self.names
        for child in container:
            tag = child.tag
            if tag == names.tc:
                tc_pr = child.find(names.tc_pr)
                h_merge = None if tc_pr is None else tc_pr.find(names.h_merge)
                if h_merge is None or h_merge.get(names.val) == "restart":
                    yield child
            elif tag == names.sdt:
                content = child.find(names.sdt_content)
                if content is not None:
                    yield from self._cells(content)
            elif tag == names.custom_xml:
                yield from self._cells(child)

    def _cell_text(self, tc: Element) -> str:
        tc_pr = tc.find(self.names.tc_pr)
        if tc_pr is not None:
            v_merge = tc_pr.find(self.names.v_merge)
            if v_merge is not None and v_merge.get(self.names.val) != "restart":
                return ""
        lines: list[list[str]] = []  # each line's pieces, joined once at the end
        runs_on = False  # the previous paragraph's mark was deleted: this one continues it
        for element in self._block_elements(tc):
            if element.tag == self.names.p:
                text = self._paragraph_text(element, in_cell=True)
                if runs_on and lines:
                    lines[-1].append(text)
                else:
                    lines.append([text])
                runs_on = self._mark_deleted(element)
            else:
                lines.extend([nested_row_line(row)] for row in self._table(element).rows)
                runs_on = False
        return _trim_lines("\n".join("".join(line) for line in lines))

    def _mark_deleted(self, p: Element) -> bool:
        """Whether the paragraph mark is a tracked deletion (``w:pPr/w:rPr/w:del``)."""
        names = self.names
        return p.find(f"{names.p_pr}/{names.r_pr}/{names.delete}") is not None


def _trim_lines(text: str) -> str:
    """Strip trailing whitespace from each line and drop empty lines at both ends."""
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _symbol(font: str, code: str) -> str:
    """The text of a ``w:sym``: its character code is hexadecimal."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    return _symbol_char(font.lower(), value) if 0 < value < 0x110000 else ""


def _symbol_char(font: str, value: int) -> str:
    """A character of a symbol font, private-use (U+F0FC) or plain (``ü``), as Unicode."""
    mapped = SYMBOLS.get((font, value))
    if mapped is None and value < 0x100:  # a plain character, or a w:sym without the F0 prefix
        mapped = SYMBOLS.get((font, value + 0xF000))
    if mapped is not None:
        return mapped
    if value in PRIVATE_USE_FONT_RANGE:
        value -= 0xF000
    return chr(value)


def _symbol_text(fonts: tuple[str, str], text: str) -> str:
    """Text of a run in a symbol font; as in Word, ASCII uses the ``ascii`` font, the rest
    the ``hAnsi`` one, and only characters shown in a symbol font are mapped."""
    out = []
    for char in text:
        font = fonts[0] if char < "\x80" else fonts[1]
        out.append(_symbol_char(font, ord(char)) if font in SYMBOL_FONTS else char)
    return "".join(out)


class _RunReader:
    """Collects the visible text of one paragraph."""

    def __init__(self, names: _Names) -> None:
        self.names = names
        w = names.w
        self.tab, self.ptab, self.br, self.cr = w("tab"), w("ptab"), w("br"), w("cr")
        self.no_break_hyphen, self.sym, self.fld_char = w("noBreakHyphen"), w("sym"), w("fldChar")
        self.math_text = f"{{{MATH_NS}}}t"
        self.math = frozenset((f"{{{MATH_NS}}}oMath", f"{{{MATH_NS}}}oMathPara"))

    def text(self, p: Element, *, in_cell: bool) -> str:
        parts: list[str] = []
        # One entry per open complex field: True while in its code, False once in its result.
        fields: list[bool] = []
        self._collect(p, parts, fields, " " if in_cell else "\t")
        return "".join(parts)

    def _collect(self, element: Element, parts: list[str], fields: list[bool], tab: str) -> None:
        names = self.names
        for child in element:
            tag = child.tag
            if tag == names.r:
                self._run(child, parts, fields, tab)
            elif tag in names.inline_containers:
                self._collect(child, parts, fields, tab)
            elif tag == names.sdt:
                content = child.find(names.sdt_content)
                if content is not None and not self._showing_placeholder(child):
                    self._collect(content, parts, fields, tab)
            elif tag in self.math and not any(fields):
                parts.extend(t.text or "" for t in child.iter(self.math_text))

    def _showing_placeholder(self, sdt: Element) -> bool:
        properties = sdt.find(self.names.sdt_pr)
        return (
            properties is not None and properties.find(self.names.showing_placeholder) is not None
        )

    def _symbol_fonts(self, run: Element) -> tuple[str, str] | None:
        """The run's fonts for ASCII and for other characters, in lower case, if one is a
        symbol font (Symbol, Wingdings...); None for a run of ordinary fonts."""
        fonts = run.find(f"{self.names.r_pr}/{self.names.r_fonts}")
        if fonts is None:
            return None
        ascii_font, other_font = (
            (fonts.get(slot) or "").strip().lower() for slot in self.names.font_slots
        )
        ascii_font, other_font = ascii_font or other_font, other_font or ascii_font
        if ascii_font in SYMBOL_FONTS or other_font in SYMBOL_FONTS:
            return ascii_font, other_font
        return None

    def _run(self, run: Element, parts: list[str], fields: list[bool], tab: str) -> None:
        names = self.names
        symbol_fonts = self._symbol_fonts(run)
        for child in run:
            tag = child.tag
            if tag == self.fld_char:
                _field_char(child.get(names.fld_char_type), fields)
            elif any(fields):
                continue
            elif tag == names.t:
                text = child.text or ""
                parts.append(_symbol_text(symbol_fonts, text) if symbol_fonts else text)
            elif tag == self.tab or tag == self.ptab:
                parts.append(tab)
            elif tag == self.br:
                if child.get(names.type) in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == self.cr:
                parts.append("\n")
            elif tag == self.no_break_hyphen:
                parts.append("\u2011")
            elif tag == self.sym:
                parts.append(_symbol(child.get(names.font, ""), child.get(names.char, "")))


def _field_char(kind: str | None, fields: list[bool]) -> None:
    if kind == "begin":
        fields.append(True)
    elif kind == "separate" and fields:
        fields[-1] = False
    elif kind == "end" and fields:
        fields.pop()
