"""Put meeting drafts into the schedule, recognising meetings it already has.

The same meeting is often announced in several documents (the IRM report names
the next IRM; its agenda names it again). A draft is the same meeting as a
stored one when both are of the same kind, start on the same local day, their
times overlap (or one of them has no time), and, for kinds where several
meetings can share a day, their names are alike. A known meeting is not added
again; what the draft knows and the stored meeting does not (a link, a place,
an agenda, the time of a meeting known only by its day) is filled in.

A schedule file is the secretariat's word, so its drafts also *change* what they
match: a new time on the same day, a new place or link. An entry with a ``uid``
is the stored meeting of that uid whatever its day (so a file can move a meeting
to another day), and one marked ``cancelled`` removes its meeting. Each move,
cancellation or change of place or link of a meeting still to come is listed in
:attr:`MergeSummary.changed`, for the caller to announce.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.meetings.model import MeetingDraft, MeetingKind
from bot.store.models import AgendaItem, ImportRun, Meeting, ScheduleEntry

ONE_MEETING_A_DAY = frozenset({MeetingKind.IRM, MeetingKind.TSAG, MeetingKind.WTSA})
SIMILAR_NAMES = 60


@dataclass(frozen=True)
class Slot:
    """When and where a meeting is, as a change notice compares it."""

    start: datetime
    end: datetime
    all_day: bool
    timezone: str
    place: str
    link: str
    changed_at: datetime
    """When the meeting's row was last changed: a move back to a time it had before is a
    change of its own, told again."""

    @classmethod
    def of(cls, meeting: Meeting) -> Slot:
        return cls(
            meeting.start,
            meeting.end,
            meeting.all_day,
            meeting.timezone,
            meeting.place,
            meeting.link,
            meeting.updated_at,
        )

    @property
    def when(self) -> tuple[datetime, datetime, bool]:
        return self.start, self.end, self.all_day


@dataclass(frozen=True)
class MeetingChange:
    """A meeting still to come that an import moved, called off (``after`` None), or gave
    another place or link."""

    uid: str
    name: str
    kind: str
    channel: str
    before: Slot
    after: Slot | None

    @property
    def moved(self) -> bool:
        return self.after is not None and self.after.when != self.before.when

    @property
    def cancelled(self) -> bool:
        return self.after is None

    @property
    def worth_telling(self) -> bool:
        """Called off, moved, or given another place or link."""
        after = self.after
        return (
            after is None
            or self.moved
            or (after.place, after.link)
            != (
                self.before.place,
                self.before.link,
            )
        )


@dataclass
class MergeSummary:
    added: list[Meeting] = field(default_factory=list)
    known: list[tuple[MeetingDraft, Meeting, list[str]]] = field(default_factory=list)
    changed: list[MeetingChange] = field(default_factory=list)
    cancelled: list[Meeting] = field(default_factory=list)

    @property
    def filled(self) -> int:
        return sum(1 for _, _, filled in self.known if filled)


def merge_meetings(
    session: Session,
    drafts: Sequence[MeetingDraft],
    *,
    now: datetime,
    file_name: str,
    sha256: str = "",
    kind: str = "schedule",
) -> MergeSummary:
    """Add the new meetings of ``drafts`` and fill in the known ones; the caller commits.

    A schedule file's drafts (``kind`` "schedule") also move, change and cancel the
    meetings they match (see the module's docstring)."""
    summary = MergeSummary()
    stored = _candidates(session, drafts)
    by_uid = _by_uid(session, drafts)
    authoritative = kind == "schedule"
    read_before = _read_before(session, drafts) if authoritative else {}
    read_now: dict[str, str] = {}
    for draft in drafts:
        said = fingerprint(draft)
        if said in read_before:
            _as_read_before(session, draft, read_before[said], summary)
            continue
        match = by_uid.get(draft.uid) if draft.uid else None
        if match is None:
            match = next((meeting for meeting in stored if same_meeting(draft, meeting)), None)
        if match is None:
            if draft.cancelled:
                read_now[said] = ""
                continue  # nothing to call off
            meeting = _new_meeting(draft, now)
            session.add(meeting)
            stored.append(meeting)
            if draft.uid:
                by_uid[draft.uid] = meeting
            summary.added.append(meeting)
            read_now[said] = meeting.uid
            continue
        read_now[said] = match.uid
        before = Slot.of(match)
        after: Slot | None
        if draft.cancelled and authoritative:
            if match in stored:
                stored.remove(match)
            by_uid.pop(match.uid, None)
            session.delete(match)
            summary.cancelled.append(match)
            after = None
        else:
            if authoritative:
                _change(match, draft, now)
            summary.known.append((draft, match, _fill(match, draft, now)))
            after = Slot.of(match)
        change = MeetingChange(match.uid, match.name, match.kind, match.channel, before, after)
        if before.start > now and change.worth_telling:
            summary.changed.append(change)
    for said, uid in read_now.items() if authoritative else ():
        # merge: an entry read before, since replaced and now read again, is the last again
        session.merge(ScheduleEntry(fingerprint=said, meeting_uid=uid, created_at=now))
    session.add(
        ImportRun(
            file_name=file_name,
            sha256=sha256,
            file_kind=kind,
            counts={"added": len(summary.added), "known": len(summary.known)},
            anomalies=[],
            created_at=now,
        )
    )
    session.flush()
    return summary


def fingerprint(draft: MeetingDraft) -> str:
    """What a schedule file's entry says (not where it was read), as a SHA-256."""
    said = [
        draft.name,
        str(draft.kind),
        draft.start.isoformat(),
        draft.end.isoformat(),
        draft.timezone,
        str(draft.all_day),
        str(draft.mode or ""),
        draft.place,
        draft.link,
        draft.deadline.isoformat() if draft.deadline else "",
        repr(draft.agenda),
        repr(draft.documents),
        draft.channel,
        draft.uid,
        str(draft.cancelled),
    ]
    return hashlib.sha256("\x1f".join(said).encode("utf-8")).hexdigest()


def _as_read_before(session: Session, draft: MeetingDraft, uid: str, summary: MergeSummary) -> None:
    """An entry word for word as an earlier import read it says nothing new: what an admin
    did since in the meeting form (moved the meeting, called it off) stands."""
    earlier = session.scalar(select(Meeting).where(Meeting.uid == uid)) if uid else None
    if earlier is not None:
        summary.known.append((draft, earlier, []))


def _read_before(session: Session, drafts: Sequence[MeetingDraft]) -> dict[str, str]:
    """The drafts' entries that are word for word the last a file said of their meeting:
    fingerprint -> the meeting's uid.  An entry read before but replaced since (the
    meeting was moved there, then back) is not among them: read again, it is a change."""
    prints = {fingerprint(draft) for draft in drafts}
    rows = session.execute(
        select(
            ScheduleEntry.fingerprint, ScheduleEntry.meeting_uid, ScheduleEntry.created_at
        ).where(ScheduleEntry.fingerprint.in_(prints))
    ).all()
    uids = {uid for _, uid, _ in rows if uid}
    latest = {
        uid: read
        for uid, read in session.execute(
            select(ScheduleEntry.meeting_uid, func.max(ScheduleEntry.created_at))
            .where(ScheduleEntry.meeting_uid.in_(uids))
            .group_by(ScheduleEntry.meeting_uid)
        )
    }
    return {print_: uid for print_, uid, read in rows if not uid or read >= latest[uid]}


def _candidates(session: Session, drafts: Sequence[MeetingDraft]) -> list[Meeting]:
    if not drafts:
        return []
    low = min(draft.start for draft in drafts) - timedelta(days=2)
    high = max(draft.end for draft in drafts) + timedelta(days=2)
    query = (
        select(Meeting)
        .where(Meeting.start >= low, Meeting.start <= high)
        .options(selectinload(Meeting.agenda))
        .order_by(Meeting.start, Meeting.id)
    )
    return list(session.scalars(query))


def _by_uid(session: Session, drafts: Sequence[MeetingDraft]) -> dict[str, Meeting]:
    uids = {draft.uid for draft in drafts if draft.uid}
    if not uids:
        return {}
    query = select(Meeting).where(Meeting.uid.in_(uids)).options(selectinload(Meeting.agenda))
    return {meeting.uid: meeting for meeting in session.scalars(query)}


def _local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def same_meeting(draft: MeetingDraft, meeting: Meeting) -> bool:
    if draft.kind != meeting.kind:
        return False
    if _local_day(draft.start, draft.timezone) != _local_day(meeting.start, meeting.timezone):
        return False
    if not (draft.all_day or meeting.all_day) and not _overlap(draft, meeting):
        return False
    if draft.kind in ONE_MEETING_A_DAY:
        return True
    return fuzz.token_set_ratio(draft.name.lower(), meeting.name.lower()) >= SIMILAR_NAMES


def _overlap(draft: MeetingDraft, meeting: Meeting) -> bool:
    if draft.start == meeting.start:
        return True
    return draft.start < max(meeting.end, meeting.start + timedelta(minutes=1)) and (
        meeting.start < max(draft.end, draft.start + timedelta(minutes=1))
    )


def _new_meeting(draft: MeetingDraft, now: datetime) -> Meeting:
    meeting = Meeting(
        uid=draft.uid or uuid.uuid4().hex,
        name=draft.name,
        kind=str(draft.kind),
        start=draft.start,
        end=draft.end,
        all_day=draft.all_day,
        timezone=draft.timezone,
        mode=str(draft.mode or ""),
        place=draft.place,
        link=draft.link,
        deadline=draft.deadline,
        documents=list(draft.documents),
        channel=draft.channel,
        source=draft.source,
        evidence=draft.evidence,
        series=draft.series,
        created_at=now,
        updated_at=now,
    )
    meeting.agenda = _agenda(draft)
    return meeting


def _agenda(draft: MeetingDraft) -> list[AgendaItem]:
    return [
        AgendaItem(position=position, title=entry.title, documents=list(entry.documents))
        for position, entry in enumerate(draft.agenda)
    ]


def _change(meeting: Meeting, draft: MeetingDraft, now: datetime) -> None:
    """Set in ``meeting`` the time, place and link a schedule file gives it anew (a draft
    that leaves a place or link out changes nothing of it)."""
    changed = []
    when = (draft.start, draft.end, draft.all_day, draft.timezone)
    if (meeting.start, meeting.end, meeting.all_day, meeting.timezone) != when:
        meeting.start, meeting.end, meeting.all_day, meeting.timezone = when
        changed.append("time")
    for name in ("place", "link"):
        value = getattr(draft, name)
        if value and getattr(meeting, name) and value != getattr(meeting, name):
            setattr(meeting, name, value)
            changed.append(name)
    if changed:
        meeting.updated_at = now


def _fill(meeting: Meeting, draft: MeetingDraft, now: datetime) -> list[str]:
    """Copy into ``meeting`` what only ``draft`` knows; the names of what was filled."""
    filled = []
    if meeting.all_day and not draft.all_day:
        meeting.start, meeting.end, meeting.all_day = draft.start, draft.end, False
        meeting.timezone = draft.timezone
        filled.append("time")
    for name in ("place", "link", "channel"):
        if not getattr(meeting, name) and getattr(draft, name):
            setattr(meeting, name, getattr(draft, name))
            filled.append(name)
    if not meeting.mode and draft.mode:
        meeting.mode = str(draft.mode)
        filled.append("mode")
    if meeting.deadline is None and draft.deadline is not None:
        meeting.deadline = draft.deadline
        filled.append("deadline")
    if not meeting.agenda and draft.agenda:
        meeting.agenda = _agenda(draft)
        filled.append("agenda")
    new_documents = [name for name in draft.documents if name not in meeting.documents]
    if new_documents:
        meeting.documents = [*meeting.documents, *new_documents]
        filled.append("documents")
    if draft.source and draft.source not in meeting.source.split("; "):
        meeting.source = f"{meeting.source}; {draft.source}" if meeting.source else draft.source
        filled.append("source")
    if filled:
        meeting.updated_at = now
    return filled
