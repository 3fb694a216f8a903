"""Merge a parsed action plan into the database.

Document fields (action, milestone, aliases, order) follow the document.  The
flags and the status text follow the document only where the document itself
changed them since the last import: what people recorded in between is kept,
and every change an import makes to them is written to the item's history.  A
field the document did not make clear (``ParsedItem.unread``) keeps its value.

Everything is matched within the plan's edition: a WTSA-24 plan never touches
WTSA-20's Resolutions or items, whatever their numbers.

The summary lists every field an import changes (``changes``) and the items that
would lose a flag or their status text (``cleared``), so that an import can be
tried first (``--dry-run``) and one that would wipe what people recorded refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.plan.dating import document_date
from bot.plan.editions import ensure_edition
from bot.plan.section_one import Summary
from bot.store.models import ActionItem, ImportRun, Resolution, StatusUpdate

if TYPE_CHECKING:
    from bot.plan.interpret import ParsedItem, ParsedPlan

DOCUMENT_FIELDS = ("action", "milestone", "aliases", "position")
TRACKED = (
    ("completed", "doc_completed"),
    ("periodic_goals_met", "doc_periodic_goals_met"),
    ("status", "doc_status"),
)
TRACKED_NAMES = frozenset(name for name, _ in TRACKED)


@dataclass(frozen=True)
class FieldChange:
    item: str  # the item's label: "50-18", or "22-01 (obsolete, Appendix I (WTSA-16))"
    field: str
    before: Any
    after: Any

    @property
    def clears(self) -> bool:
        """Whether a flag goes from yes to no, or a status from text to nothing."""
        return self.field in TRACKED_NAMES and bool(self.before) and not self.after


@dataclass
class ImportSummary:
    file_name: str
    kind: str
    sha256: str
    edition: str = ""
    items: int = 0
    resolutions: int = 0
    obsolete: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_in_document: list[str] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)  # items losing a flag or their status
    items_before: int = 0  # items the database held before the import
    dry_run: bool = False

    def note(self, changes: list[FieldChange]) -> None:
        self.changes.extend(changes)
        for change in changes:
            if change.clears and change.item not in self.cleared:
                self.cleared.append(change.item)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _label(item: ParsedItem) -> str:
    return f"{item.id} (obsolete, {item.appendix})" if item.appendix else item.id


def _resolutions(session: Session, plan: ParsedPlan) -> dict[str, Resolution]:
    edition = plan.edition
    known = {
        row.key: row
        for row in session.scalars(select(Resolution).where(Resolution.edition == edition))
    }

    def row_for(key: str, title: str, position: int) -> Resolution:
        row = known.get(key)
        if row is None:
            row = known[key] = Resolution(edition=edition, key=key, title=title, position=position)
            session.add(row)
        return row

    for parsed in plan.resolutions:
        row = row_for(parsed.key, parsed.title, parsed.position)
        row.title, row.position = parsed.title, parsed.position
    for item in plan.items:  # obsolete items of suppressed Resolutions
        row_for(item.resolution, "", 10_000 + len(known))
    _section_one(plan, known, row_for)
    return known


def _section_one(
    plan: ParsedPlan,
    known: dict[str, Resolution],
    row_for: Callable[[str, str, int], Resolution],
) -> None:
    """Who acts, collaborates and reports, as Section I says; kept when it could not be read."""
    if not plan.summaries:
        return
    for key, summary in plan.summaries.items():  # also Resolutions without action items
        row_for(key, summary.title, 5_000 + len(known))
    for key, row in known.items():
        summary = plan.summaries.get(key) or Summary()
        row.action_by = summary.action_by
        row.collaboration = summary.collaboration
        row.report_to = summary.report_to


def _tracked_changes(row: ActionItem, parsed: ParsedItem) -> dict[str, Any]:
    """Current values of the tracked fields that the document changed since last import."""
    return {
        name: getattr(row, name)
        for name, doc_name in TRACKED
        if name not in parsed.unread and getattr(parsed, name) != getattr(row, doc_name)
    }


def _caught_up(row: ActionItem, parsed: ParsedItem, previous: dict[str, Any]) -> dict[str, Any]:
    """The tracked changes left once the document has caught up with the bot.

    A document that now says what the bot already holds (the exported plan, published
    and imported back) changes nothing an item shows: only what the last document said
    is brought up to date, with no entry in the item's history.
    """
    left = {}
    for name, doc_name in TRACKED:
        if name not in previous:
            continue
        if getattr(parsed, name) == previous[name]:
            setattr(row, doc_name, getattr(parsed, name))
        else:
            left[name] = previous[name]
    return left


def _field_changes(
    row: ActionItem, parsed: ParsedItem, resolution: Resolution, previous: dict[str, Any]
) -> list[FieldChange]:
    """What merging ``parsed`` into ``row`` changes, field by field (before it is applied)."""
    label = _label(parsed)
    changes = []
    if row.resolution_id != resolution.id:
        changes.append(FieldChange(label, "resolution", row.resolution.key, resolution.key))
    for name in DOCUMENT_FIELDS[:-1]:  # not the position
        value = list(parsed.aliases) if name == "aliases" else getattr(parsed, name)
        if getattr(row, name) != value:
            changes.append(FieldChange(label, name, getattr(row, name), value))
    for name in previous:
        if getattr(parsed, name) != previous[name]:
            changes.append(FieldChange(label, name, previous[name], getattr(parsed, name)))
    return changes


FLUSH_EVERY = 1_000
"""New items written (not committed) at a time."""


def merge_plan(
    session: Session, plan: ParsedPlan, *, file_name: str, kind: str, sha256: str, now: datetime
) -> ImportSummary:
    """Apply ``plan`` to its edition in ``session`` (the caller commits) and say what changed.

    ``plan.edition`` must be set: the importer decides it (``bot.plan.importing``).
    """
    summary = ImportSummary(
        file_name=file_name,
        kind=kind,
        sha256=sha256,
        edition=plan.edition,
        items=len(plan.active),
        resolutions=len(plan.resolutions),
        obsolete=len(plan.obsolete),
        anomalies=[str(anomaly) for anomaly in plan.anomalies],
    )
    ensure_edition(session, plan.edition, plan.title, now)
    resolutions = _resolutions(session, plan)
    existing = {
        (row.code, row.appendix): row
        for row in session.scalars(select(ActionItem).where(ActionItem.edition == plan.edition))
    }
    summary.items_before = len(existing)
    session.flush()  # the Resolutions' ids, which new items name
    for parsed in plan.items:
        resolution = resolutions[parsed.resolution]
        row = existing.pop((parsed.id, parsed.appendix), None)
        if row is None:
            session.add(_new_item(parsed, resolution, plan.edition))
            summary.created.append(_label(parsed))
            if len(summary.created) % FLUSH_EVERY == 0:
                session.flush()  # written and let go: memory stays bounded (same transaction)
            continue
        previous = _caught_up(row, parsed, _tracked_changes(row, parsed))
        summary.note(_field_changes(row, parsed, resolution, previous))
        changed = _update_document_fields(row, parsed, resolution)
        if previous:
            session.add(_apply_tracked(row, parsed, previous, file_name, now))
        if changed or previous:
            summary.updated.append(_label(parsed))
        else:
            summary.unchanged += 1
    summary.not_in_document = sorted(
        f"{code} (obsolete, {appendix})" if appendix else code for code, appendix in existing
    )
    session.add(
        ImportRun(
            file_name=file_name,
            sha256=sha256,
            file_kind=kind,
            edition=plan.edition,
            counts={
                "items": summary.items,
                "obsolete": summary.obsolete,
                "created": len(summary.created),
                "updated": len(summary.updated),
                "unchanged": summary.unchanged,
            },
            anomalies=summary.anomalies,
            created_at=now,
            document_date=document_date((item.status for item in plan.items), now.date()),
        )
    )
    session.flush()
    return summary


def _new_item(parsed: ParsedItem, resolution: Resolution, edition: str) -> ActionItem:
    """A new row naming its Resolution by id: set through the relationship, it would join
    the Resolution's ``items`` and stay in memory until the commit, every item of a large
    plan at once."""
    return ActionItem(
        edition=edition,
        code=parsed.id,
        appendix=parsed.appendix,
        resolution_id=resolution.id,
        aliases=list(parsed.aliases),
        action=parsed.action,
        milestone=parsed.milestone,
        position=parsed.position,
        completed=parsed.completed,
        periodic_goals_met=parsed.periodic_goals_met,
        status=parsed.status,
        doc_completed=parsed.completed,
        doc_periodic_goals_met=parsed.periodic_goals_met,
        doc_status=parsed.status,
    )


def _update_document_fields(row: ActionItem, parsed: ParsedItem, resolution: Resolution) -> bool:
    changed = row.resolution_id != resolution.id
    row.resolution = resolution
    for name in DOCUMENT_FIELDS:
        value = list(parsed.aliases) if name == "aliases" else getattr(parsed, name)
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = changed or name != "position"
    return changed


def _apply_tracked(
    row: ActionItem, parsed: ParsedItem, previous: dict[str, Any], file_name: str, now: datetime
) -> StatusUpdate:
    """Take the document's tracked fields into ``row``; the history entry that says so.

    The entry names its item rather than being appended to ``row.updates``, which would
    load each item's whole history: a query per changed item.
    """
    words = []
    for name, doc_name in TRACKED:
        if name in previous:
            setattr(row, doc_name, getattr(parsed, name))
            setattr(row, name, getattr(parsed, name))
            words.append(name.replace("_", " "))
    return StatusUpdate(
        item=row,
        kind="document",
        text=f"{', '.join(words)} changed by the document {file_name}",
        author="import",
        source="import",
        previous=previous,
        created_at=now,
    )
