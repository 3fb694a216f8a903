"""The plan as the TSAG document: Section I, Section II per Resolution, the appendices.

The layout is the one :mod:`bot.plan.interpret` reads, so an exported plan
imports back to what the bot holds: each item row ``Action Item | Action |
Milestone | Periodic goals met | Completed`` is followed by its status row, whose
first cell is the id cell merged down and whose second spans the other four
columns.  Revision marks (``w:ins``/``w:del``) carry what people recorded since
the last import, in their name, so Word's Review pane can accept or reject each.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt
from lxml import etree  # type: ignore[import-untyped]

from bot.plan import section_one
from bot.plan.export.content import (
    AppendixPart,
    PlanContent,
    ResolutionPart,
    resolution_heading,
)
from bot.plan.export.ooxml import (
    Bullets,
    Element,
    Revisions,
    cell,
    centred,
    header_row,
    lines_into,
    paragraph,
    pieces_into,
    table,
    w,
)
from bot.plan.export.revisions import ItemRevisions
from bot.store.models import ActionItem

TICK = "√"
PLAN_WIDTHS = [1100, 3938, 1600, 1500, 1500]  # twentieths of a point; A4 less 2 cm margins
PLAN_COLUMNS = ("Action Item", "Action", "Milestone", "Periodic goals met", "Completed")
# Section I's columns on landscape A4 (25.7 cm between margins, in twips): the title,
# then a column per body of section_one.LAYOUTS[0], wider where names are listed.
SUMMARY_WIDTHS = [2570, 950, 700, 700, 1300, 850, 1100, 1300, 1050, 1050, 800, 850, 700, 650]
SMALL = 14  # Section I's 7 pt, in half-points, so that "Membership" fits its column
SUMMARY_TITLE = "Resolution - Title"
SUMMARY_GROUPS = ("Action by", "Collaboration with", "Report to")
GREY = "D9D9D9"
APPENDIX_WIDTHS = [1100, 8538]


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


@dataclass
class _Writer:
    content: PlanContent
    now: datetime
    tracked: bool
    body: Element
    bullets: Bullets
    revisions: Revisions = field(default_factory=Revisions)

    def place(self, element: Element) -> None:
        self.body.find(qn("w:sectPr")).addprevious(element)

    def heading(self, text: str, level: int) -> None:
        """A heading paragraph; python-docx's ``add_heading`` looks the style up by name, slowly."""
        holder = etree.Element(qn("w:body"))
        self.place(paragraph(holder, text, style="Title" if level == 0 else f"Heading{level}"))

    def summary(self) -> None:
        """Section I as the TSAG document has it: two header rows, a column per body."""
        layout = section_one.LAYOUTS[0]
        tbl = table(SUMMARY_WIDTHS)
        groups = w(tbl, "tr")
        w(w(groups, "trPr"), "tblHeader")
        paragraph(
            cell(groups, SUMMARY_WIDTHS[0], merge="restart", shade=GREY),
            SUMMARY_TITLE,
            bold=True,
            size=SMALL,
        )
        widths = iter(SUMMARY_WIDTHS[1:])
        for heading, names in zip(SUMMARY_GROUPS, layout, strict=True):
            width = sum(next(widths) for _ in names)
            paragraph(
                cell(groups, width, span=len(names), shade=GREY), heading, bold=True, size=SMALL
            )
        columns = w(tbl, "tr")
        w(w(columns, "trPr"), "tblHeader")
        paragraph(cell(columns, SUMMARY_WIDTHS[0], merge="continue", shade=GREY))
        for name, width in zip(
            [n for names in layout for n in names], SUMMARY_WIDTHS[1:], strict=True
        ):
            paragraph(cell(columns, width, shade=GREY), name, bold=True, size=SMALL)
        for resolution in self.content.resolutions:
            tr = w(tbl, "tr")
            paragraph(cell(tr, SUMMARY_WIDTHS[0]), resolution_heading(resolution), size=SMALL)
            texts = (resolution.action_by, resolution.collaboration, resolution.report_to)
            values = [
                value
                for text, names in zip(texts, layout, strict=True)
                for value in section_one.group_cells(text, names)
            ]
            for value, width in zip(values, SUMMARY_WIDTHS[1:], strict=True):
                tc = cell(tr, width)
                paragraph(tc, value, size=SMALL)
                centred(tc)
        self.place(tbl)

    def resolution(self, part: ResolutionPart) -> None:
        if not part.items:
            return
        tbl = table(PLAN_WIDTHS)
        header_row(tbl, PLAN_COLUMNS, PLAN_WIDTHS)
        for item in part.items:
            self.item(tbl, item)
        self.place(tbl)

    def item(self, tbl: Element, item: ActionItem) -> None:
        changes = ItemRevisions(
            item, self.content.recorded.get(item.id, []), self.now, tracked=self.tracked
        )
        tr = w(tbl, "tr")
        w(w(tr, "trPr"), "cantSplit")
        lines_into(cell(tr, PLAN_WIDTHS[0], merge="restart"), _id_lines(item), self.bullets)
        lines_into(cell(tr, PLAN_WIDTHS[1]), _lines(item.action), self.bullets)
        lines_into(cell(tr, PLAN_WIDTHS[2]), _lines(item.milestone), self.bullets)
        for name, width in (("periodic_goals_met", PLAN_WIDTHS[3]), ("completed", PLAN_WIDTHS[4])):
            tc = cell(tr, width)
            pieces_into(tc, changes.flag(name, TICK), self.bullets, self.revisions)
            centred(tc)
        status = w(tbl, "tr")
        paragraph(cell(status, PLAN_WIDTHS[0], merge="continue"))
        tc = cell(status, sum(PLAN_WIDTHS[1:]), span=4)
        pieces_into(tc, changes.status(), self.bullets, self.revisions)

    def appendix(self, part: AppendixPart) -> None:
        tbl = table(APPENDIX_WIDTHS)
        for item in part.items:
            tr = w(tbl, "tr")
            merge = "restart" if item.status else None
            lines_into(cell(tr, APPENDIX_WIDTHS[0], merge=merge), _id_lines(item), self.bullets)
            lines_into(cell(tr, APPENDIX_WIDTHS[1]), _lines(item.action), self.bullets)
            if item.status:
                status = w(tbl, "tr")
                paragraph(cell(status, APPENDIX_WIDTHS[0], merge="continue"))
                lines_into(cell(status, APPENDIX_WIDTHS[1]), _lines(item.status), self.bullets)
        self.place(tbl)


def _id_lines(item: ActionItem) -> list[str]:
    aliases = [alias for alias in item.aliases or [] if alias]
    return [item.code, f"({', '.join(aliases)})"] if aliases else [item.code]


def write_docx(content: PlanContent, *, now: datetime, tracked: bool) -> bytes:
    """The plan as a .docx; with ``tracked``, recorded changes as Word revisions."""
    document = docx.Document()
    _portrait(document.sections[0])
    document.styles["Normal"].font.size = Pt(10)
    properties = document.core_properties
    edition = content.edition
    properties.title = content.title
    properties.author = properties.last_modified_by = "tsagbot"
    properties.created = properties.modified = now.replace(tzinfo=None)
    properties.revision = 1
    writer = _Writer(
        content, now, tracked, document.element.body, Bullets(document.part.numbering_part.element)
    )
    writer.heading(content.title, 0)
    document.add_paragraph(_preface(content, tracked))
    writer.heading(
        f"Section I - List of {edition} Resolutions and Opinion, and executive summary of "
        f"action plan for implementation of {edition} Resolutions",
        1,
    )
    writer.summary()
    _landscape(document.sections[0])
    document.add_section(WD_SECTION.NEW_PAGE)
    _portrait(document.sections[-1])
    writer.heading(
        f"Section II - Progress reports on implementation of the {edition} Resolutions and Opinion",
        level=1,
    )
    for part in content.parts:
        writer.heading(part.heading, 2)
        writer.resolution(part)
    for appendix in content.appendices:
        writer.heading(appendix.heading, 1)
        writer.appendix(appendix)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _portrait(section: Section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))


def _landscape(section: Section) -> None:
    """Section I's fourteen columns need the page's width: its pages are landscape A4."""
    _portrait(section)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)


def _preface(content: PlanContent, tracked: bool) -> str:
    since = content.since.strftime("%d %B %Y") if content.since else "the first import"
    if not tracked:
        return f"The plan as tsagbot holds it, without revision marks (last import: {since})."
    return (
        f"Updates recorded since the last import ({since}) are shown as tracked changes "
        "in the name of the person who recorded them: accept or reject each in Review."
    )
