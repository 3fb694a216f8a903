"""Use cases of the schedule that the CLI, Slack and the scheduler share.

Reading a file and storing what it holds are two steps: :func:`read_meetings`
turns a schedule file or a meeting document into findings (each with the line
or row it came from), :func:`preview` says which are new and which the schedule
already knows, and :func:`store` imports the chosen ones in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.documents.blocks import DocumentError
from bot.documents.detect import ZIP_MAGIC, read_blocks
from bot.documents.limits import LIMITS
from bot.meetings.merge import MeetingChange, MergeSummary, merge_meetings
from bot.meetings.model import MeetingDraft
from bot.meetings.queries import had_schedule
from bot.meetings.schedule_file import ScheduleFileError, is_schedule_file, read_schedule
from bot.plan.importing import ImportFailed
from bot.store.db import Database
from bot.store.models import Meeting

BUNDLED_SCHEDULE = "schedule.yaml"


@dataclass(frozen=True)
class Finding:
    draft: MeetingDraft
    where: str
    evidence: str
    known: str = ""  # the name of the stored meeting it is, if any

    @property
    def is_new(self) -> bool:
        return not self.known


@dataclass(frozen=True)
class Reading:
    file_name: str
    kind: str  # "schedule" (YAML/CSV) or "document" (Word or text export)
    sha256: str
    findings: tuple[Finding, ...]


def file_cap(file_name: str) -> int:
    """The most bytes read of a file to import meetings from, by the kind its name says."""
    return LIMITS.schedule_bytes if is_schedule_file(file_name) else LIMITS.document_bytes


def read_meetings(data: bytes, file_name: str, tz: ZoneInfo) -> Reading:
    """The meetings of a schedule file or meeting document; ImportFailed in one line if bad."""
    sha256 = hashlib.sha256(data).hexdigest()
    if is_schedule_file(file_name):
        try:
            drafts = read_schedule(data, file_name, default_tz=tz)
        except ScheduleFileError as error:
            raise ImportFailed(str(error)) from error
        findings = tuple(Finding(draft, draft.evidence, draft.evidence) for draft in drafts)
        return Reading(file_name, "schedule", sha256, findings)
    from bot.meetings.extract import find_meetings

    if file_name.lower().endswith(".docx") and data.strip() and not data.startswith(ZIP_MAGIC):
        raise ImportFailed(f"{file_name}: not a Word document (a .docx file is a zip archive)")
    try:
        blocks, _ = read_blocks(data)
    except DocumentError as error:
        raise ImportFailed(f"{file_name}: {error}") from error
    found = find_meetings(blocks, source=file_name, default_tz=tz)
    findings = tuple(Finding(item.draft, item.where, item.evidence) for item in found)
    return Reading(file_name, "document", sha256, findings)


def preview(db: Database, reading: Reading, now: datetime) -> Reading:
    """``reading`` with each finding marked new or known, by a merge that is rolled back."""
    with db.unit_of_work() as session:
        summary = merge_meetings(
            session,
            [finding.draft for finding in reading.findings],
            now=now,
            file_name="preview",
            kind=reading.kind,
        )
        known = _known_names(summary)
        session.rollback()
    findings = tuple(
        Finding(finding.draft, finding.where, finding.evidence, known.get(id(finding.draft), ""))
        for finding in reading.findings
    )
    return Reading(reading.file_name, reading.kind, reading.sha256, findings)


def _known_names(summary: MergeSummary) -> dict[int, str]:
    """The name of the stored meeting each known draft matched, by the draft's identity."""
    names: dict[int, str] = {}
    for draft, meeting, _ in summary.known:
        names[id(draft)] = meeting.name
    return names


Announce = Callable[[Session, Sequence[MeetingChange], datetime], object]
"""Tells of the changes an import made, in its transaction (the posting layer's outbox)."""


def store(
    db: Database,
    reading: Reading,
    clock: Clock,
    chosen: Sequence[int] | None = None,
    *,
    announce: Announce | None = None,
) -> MergeSummary:
    """Import the findings at the 0-based indexes ``chosen`` (all when None), all or nothing.

    ``announce`` gets the moves, cancellations and new places or links of meetings to
    come before the import commits, so that they are told once: with the import or not
    at all."""
    indexes = range(len(reading.findings)) if chosen is None else chosen
    drafts = [reading.findings[index].draft for index in indexes]
    with db.unit_of_work() as session:
        now = clock()
        summary = merge_meetings(
            session,
            drafts,
            now=now,
            file_name=reading.file_name,
            sha256=reading.sha256,
            kind=reading.kind,
        )
        if announce is not None and summary.changed:
            announce(session, summary.changed, now)
        session.commit()
        for meeting in summary.added:
            session.refresh(meeting)
        session.expunge_all()
    return summary


def bundled_schedule() -> bytes:
    return resources.files("bot").joinpath("data", BUNDLED_SCHEDULE).read_bytes()


def ensure_schedule(db: Database, clock: Clock, tz: ZoneInfo) -> MergeSummary | None:
    """Load the bundled schedule into a database that never had one; None otherwise.

    "Never had one" is judged by the import log, so a schedule whose meetings
    were all deleted on purpose is not filled again.
    """
    with db.unit_of_work() as session:
        if had_schedule(session):
            return None
    reading = read_meetings(bundled_schedule(), f"bundled:{BUNDLED_SCHEDULE}", tz)
    try:
        return store(db, reading, clock)
    except IntegrityError:
        return None


def meeting_as_json(meeting: Meeting, tz: ZoneInfo) -> dict[str, Any]:
    """A meeting for scripts: times as ISO 8601 with the offset of ``tz``."""

    def iso(moment: datetime | None) -> str | None:
        return moment.astimezone(tz).isoformat() if moment is not None else None

    return {
        "uid": meeting.uid,
        "name": meeting.name,
        "kind": meeting.kind,
        "start": iso(meeting.start),
        "end": iso(meeting.end),
        "all_day": meeting.all_day,
        "timezone": meeting.timezone,
        "mode": meeting.mode or None,
        "place": meeting.place,
        "link": meeting.link,
        "deadline": iso(meeting.deadline),
        "documents": list(meeting.documents),
        "agenda": [{"title": item.title, "documents": item.documents} for item in meeting.agenda],
        "channel": meeting.channel,
        "series": meeting.series,
        "source": meeting.source,
    }
