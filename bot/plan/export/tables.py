"""The plan as rows: a spreadsheet (.xlsx), CSV, Markdown for a wiki, and JSON with history."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.plan.export.content import PlanContent
from bot.plan.queries import update_as_json
from bot.store.models import ActionItem, StatusUpdate

COLUMNS = (
    "Edition",
    "Resolution",
    "Action Item",
    "Aliases",
    "Action",
    "Milestone",
    "Periodic goals met",
    "Completed",
    "Status",
    "Obsolete",
)
COLUMN_WIDTHS = (10, 12, 10, 10, 60, 20, 10, 10, 80, 22)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
YES = {True: "yes", False: ""}


def item_row(edition: str, item: ActionItem) -> list[str]:
    return [
        edition,
        item.resolution.label,
        item.code,
        ", ".join(item.aliases or []),
        item.action,
        item.milestone,
        YES[item.periodic_goals_met],
        YES[item.completed],
        item.status,
        item.appendix,
    ]


def inert(value: str) -> str:
    """A cell no spreadsheet runs as a formula: one that starts like one gets a ``'``."""
    return "'" + value if value.startswith(FORMULA_START) else value


def write_csv(content: PlanContent) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to read accents right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in content.items:
        writer.writerow([inert(value) for value in item_row(content.edition, item)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(contents: Sequence[PlanContent]) -> bytes:
    """One sheet per edition, a row per item, the header frozen and filterable."""
    # Imported here: openpyxl takes a tenth of a second to import, and every command
    # and `tsagbot serve` would pay it at start for the rare spreadsheet export.
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for content in contents:
        sheet = book.create_sheet(SHEET_NAME_FORBIDDEN.sub("-", content.edition)[:31] or "plan")
        sheet.append(COLUMNS)
        for item in content.items:
            sheet.append(item_row(content.edition, item))
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.data_type = "s"  # text, never a formula, whatever it starts with
        for index, width in enumerate(COLUMN_WIDTHS):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _md(value: str) -> str:
    """A Markdown table cell: pipes escaped, lines joined with ``<br>``."""
    value = value.replace("\\", "\\\\").replace("|", "\\|")
    value = value.replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(line for line in value.split("\n") if line.strip())


def _md_table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    titles = list(header)
    lines = ["| " + " | ".join(titles) + " |", "|" + "---|" * len(titles)]
    lines.extend("| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows)
    return lines


def write_markdown(content: PlanContent) -> bytes:
    tick = {True: "√", False: ""}
    lines = [f"# Action plan for implementation of {content.edition} Resolutions", ""]
    for part in content.parts:
        lines += [f"## {_md(part.heading)}", ""]
        header = ("Action Item", "Action", "Milestone", "Periodic goals met", "Completed", "Status")
        rows = (
            (
                item.code,
                item.action,
                item.milestone,
                tick[item.periodic_goals_met],
                tick[item.completed],
                item.status,
            )
            for item in part.items
        )
        lines += [*_md_table(header, rows), ""] if part.items else []
    for appendix in content.appendices:
        lines += [f"## {_md(appendix.heading)}", ""]
        obsolete = ((item.code, item.action, item.status) for item in appendix.items)
        lines += [*_md_table(("Action Item", "Action", "Status"), obsolete), ""]
    return "\n".join(lines).encode("utf-8")


def item_json(edition: str, item: ActionItem, updates: list[StatusUpdate]) -> dict[str, Any]:
    return {
        "edition": edition,
        "id": item.code,
        "resolution": item.resolution.key,
        "title": item.resolution.title,
        "aliases": list(item.aliases or []),
        "action": item.action,
        "milestone": item.milestone,
        "periodic_goals_met": item.periodic_goals_met,
        "completed": item.completed,
        "status": item.status,
        "obsolete": item.obsolete,
        "appendix": item.appendix or None,
        "updates": [
            {**update_as_json(update), "retracted": update.retracted_at is not None}
            for update in updates
        ],
    }


def write_json(content: PlanContent, history: dict[int, list[StatusUpdate]]) -> bytes:
    data = {
        "edition": content.edition,
        "items": [
            item_json(content.edition, item, history.get(item.id, [])) for item in content.items
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
