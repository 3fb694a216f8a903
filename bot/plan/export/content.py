"""What an export holds: one edition's Resolutions, items and recent updates.

Read in a handful of queries so that the whole plan with thousands of updates
exports in well under a second.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.store.models import FIRST_EDITION, ActionItem, Edition, ImportRun, Resolution, StatusUpdate
from bot.store.vocabulary import UpdateSource

RECORDED_SOURCES = (UpdateSource.SLACK, UpdateSource.CLI)
SECTION_ONLY = 5_000
APPENDIX_LABEL = re.compile(r"^Appendix\s+(?P<number>[IVX]+)(?:\s*\((?P<plan>[^)]*)\))?")


UNKNOWN_TITLE = "…"  # a Resolution known only from obsolete items has no title stored


def resolution_heading(resolution: Resolution) -> str:
    """``Resolution 50 – Cybersecurity``: the words a reader takes as a Resolution's name."""
    title = " ".join(resolution.title.split())
    return f"{resolution.label} – {title or UNKNOWN_TITLE}"


@dataclass
class ResolutionPart:
    """A Resolution of Section II with its active items, in document order."""

    resolution: Resolution
    items: list[ActionItem] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return resolution_heading(self.resolution)


@dataclass
class AppendixPart:
    """Obsolete items of an older plan, as an appendix of the document."""

    label: str  # "Appendix I (WTSA-16)"
    items: list[ActionItem] = field(default_factory=list)

    @property
    def heading(self) -> str:
        match = APPENDIX_LABEL.match(self.label)
        if match is None:
            return f"{self.label} – Obsolete action items"
        number, plan = match["number"], match["plan"]
        source = f" from {plan} Action Plan" if plan else ""
        return f"Appendix {number} – Obsolete action items{source}"


@dataclass
class PlanContent:
    edition: str
    title: str
    resolutions: list[Resolution]
    parts: list[ResolutionPart]
    appendices: list[AppendixPart]
    since: datetime | None  # the last import of the edition
    recorded: dict[int, list[StatusUpdate]]  # item id -> updates since, oldest first

    @property
    def items(self) -> list[ActionItem]:
        active = [item for part in self.parts for item in part.items]
        return active + [item for part in self.appendices for item in part.items]


def _summarised(row: Resolution) -> bool:
    return bool(row.action_by or row.collaboration or row.report_to)


def _document_order(row: Resolution) -> tuple[bool, int, str]:
    """Resolutions by number, then the Opinions, as Section I lists them."""
    number = re.search(r"\d+", row.key)
    return (row.key.startswith("Opinion"), int(number.group(0)) if number else 0, row.key)


def last_import(session: Session, edition: str) -> ImportRun | None:
    """The edition's latest import; one without an edition predates editions (the first's)."""
    names = [edition, ""] if edition == FIRST_EDITION else [edition]
    query = select(ImportRun).where(ImportRun.edition.in_(names))
    return session.scalar(query.order_by(ImportRun.created_at.desc(), ImportRun.id.desc()))


def recorded_since(
    session: Session, edition: str, since: datetime | None
) -> dict[int, list[StatusUpdate]]:
    """Updates people recorded (Slack, CLI) after ``since`` and did not take back."""
    query = (
        select(StatusUpdate)
        .join(ActionItem, StatusUpdate.item_id == ActionItem.id)
        .where(ActionItem.edition == edition)
        .where(StatusUpdate.source.in_(RECORDED_SOURCES))
        .where(StatusUpdate.retracted_at.is_(None))
        .order_by(StatusUpdate.created_at, StatusUpdate.id)
    )
    if since is not None:
        query = query.where(StatusUpdate.created_at > since)
    found: dict[int, list[StatusUpdate]] = defaultdict(list)
    for update in session.scalars(query):
        found[update.item_id].append(update)
    return dict(found)


def load_content(session: Session, edition: str) -> PlanContent:
    """One edition of the plan, laid out as its document orders it."""
    items = list(
        session.scalars(
            select(ActionItem)
            .where(ActionItem.edition == edition)
            .options(selectinload(ActionItem.resolution))
            .order_by(ActionItem.position, ActionItem.id)
        )
    )
    resolutions = list(
        session.scalars(
            select(Resolution).where(Resolution.edition == edition).order_by(Resolution.position)
        )
    )
    # Section II's Resolutions come first; merge_plan numbers those only Section I or
    # only an appendix names from 5,000 and 10,000 on.
    parts = {row.id: ResolutionPart(row) for row in resolutions if row.position < SECTION_ONLY}
    summary = sorted(
        (row for row in resolutions if row.position < SECTION_ONLY or _summarised(row)),
        key=_document_order,
    )
    appendices: dict[str, AppendixPart] = {}
    for item in items:
        if item.appendix:
            appendices.setdefault(item.appendix, AppendixPart(item.appendix)).items.append(item)
        elif item.resolution_id in parts:
            parts[item.resolution_id].items.append(item)
    run = last_import(session, edition)
    since = run.created_at if run else None
    title = session.scalar(select(Edition.title).where(Edition.name == edition))
    return PlanContent(
        edition=edition,
        title=title or f"Action plan for implementation of {edition} Resolutions",
        resolutions=summary,
        parts=list(parts.values()),
        appendices=list(appendices.values()),
        since=since,
        recorded=recorded_since(session, edition, since),
    )
