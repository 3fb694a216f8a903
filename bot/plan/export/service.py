"""The export use case the CLI (``tsagbot export``) and Slack (``/action export``) share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.plan.editions import edition_name, known_editions
from bot.plan.export.content import PlanContent, load_content
from bot.plan.export.tables import write_csv, write_json, write_markdown, write_xlsx
from bot.plan.updates.record import may_change_flags
from bot.plan.updates.status_text import GENEVA
from bot.store.models import ActionItem, StatusUpdate


class ExportFormat(StrEnum):
    DOCX = "docx"
    XLSX = "xlsx"
    CSV = "csv"
    MD = "md"
    JSON = "json"


SLACK_FORMATS = (ExportFormat.DOCX, ExportFormat.XLSX, ExportFormat.CSV)


class ExportError(Exception):
    """The export cannot be made as asked; ``str()`` is one line."""


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes
    items: int
    edition: str


def parse_format(
    text: str, allowed: tuple[ExportFormat, ...] = tuple(ExportFormat)
) -> ExportFormat:
    value = text.strip().lower().lstrip(".") or ExportFormat.DOCX.value
    value = {"markdown": "md", "word": "docx", "excel": "xlsx"}.get(value, value)
    if value not in {fmt.value for fmt in allowed}:
        names = ", ".join(fmt.value for fmt in allowed)
        raise ExportError(f"unknown export format {text.strip()!r} (one of: {names})")
    return ExportFormat(value)


def pick_edition(session: Session, wanted: str | None) -> str:
    """The edition asked for (``wtsa-20``, ``WTSA 2020``), or the current one."""
    known = known_editions(session)
    if not known:
        raise ExportError("the database holds no action plan; import one first")
    if wanted is None:
        return known[0]
    name = edition_name(wanted)
    if name not in known:
        raise ExportError(f"no plan of edition {wanted!r} (held: {', '.join(known)})")
    return name


def file_name(edition: str, fmt: ExportFormat, now: datetime) -> str:
    """``action-plan-WTSA-20-2026-12-01.docx``, dated in Geneva."""
    day = now.astimezone(GENEVA).date().isoformat()
    return f"action-plan-{edition.replace(' ', '-')}-{day}.{fmt.value}"


def _history(session: Session, edition: str) -> dict[int, list[StatusUpdate]]:
    query = (
        select(StatusUpdate)
        .join(ActionItem, StatusUpdate.item_id == ActionItem.id)
        .where(ActionItem.edition == edition)
        .order_by(StatusUpdate.created_at, StatusUpdate.id)
        .options(selectinload(StatusUpdate.message))
    )
    found: dict[int, list[StatusUpdate]] = defaultdict(list)
    for update in session.scalars(query):
        found[update.item_id].append(update)
    return found


def _render(
    session: Session, content: PlanContent, fmt: ExportFormat, *, clean: bool, now: datetime
) -> bytes:
    if fmt is ExportFormat.DOCX:
        # Imported here: python-docx takes a tenth of a second to import, and every
        # command and `tsagbot serve` would pay it at start for the rare export.
        from bot.plan.export.word import write_docx

        return write_docx(content, now=now, tracked=not clean)
    if fmt is ExportFormat.CSV:
        return write_csv(content)
    if fmt is ExportFormat.MD:
        return write_markdown(content)
    return write_json(content, _history(session, content.edition))


def export_plan(
    session: Session,
    fmt: ExportFormat,
    *,
    now: datetime,
    edition: str | None = None,
    clean: bool = False,
) -> ExportFile:
    """The plan of one edition (the current one unless named) as a file.

    A spreadsheet holds every edition, a sheet each, unless one is named.
    """
    chosen = pick_edition(session, edition)
    if fmt is ExportFormat.XLSX:
        names = [chosen] if edition else list(reversed(known_editions(session)))
        contents = [load_content(session, name) for name in names]
        data = write_xlsx(contents)
        count = sum(len(content.items) for content in contents)
    else:
        content = load_content(session, chosen)
        data = _render(session, content, fmt, clean=clean, now=now)
        count = len(content.items)
    return ExportFile(file_name(chosen, fmt, now), data, count, chosen)


class ExportRefused(ExportError):
    """The person asking may not export."""


def export_for(
    session: Session, argument: str, *, user_id: str, editors: frozenset[str], now: datetime
) -> ExportFile:
    """``/action export [docx|xlsx|csv]`` for one person; editors only when editors are set."""
    if not may_change_flags(user_id, editors):
        raise ExportRefused("Only the action plan's editors may export it.")
    return export_plan(session, parse_format(argument, SLACK_FORMATS), now=now)
