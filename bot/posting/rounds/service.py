"""A reporting round: started for a meeting, followed item by item, closed with the export.

The items of a round are the open items of the current plan due at or before the
meeting (:func:`items_due`), each asked of every body that acts on it. An item counts as
reported once any update is recorded on it after the round started, whatever recorded
it (a channel message, the *Post an update* form, the console): the round reads the
items' history (``status_updates``) instead of being told by each path. A body's
"Nothing new" is the one answer kept on the round itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.meetings import queries
from bot.meetings.milestones import due_dates, names_meeting, parse_milestone
from bot.meetings.model import MeetingKind
from bot.meetings.schedule_file import END_OF_DAY
from bot.meetings.when import local_date, local_datetime
from bot.plan.bodies import responsibility
from bot.plan.editions import current_edition
from bot.plan.export.service import ExportFile, ExportFormat, export_plan
from bot.posting.follow_notices import TOLD
from bot.posting.outbox import enqueue
from bot.posting.rounds.contacts import RoundError, contacts, destinations
from bot.posting.rounds.messages import ask_posts, summary_posts
from bot.render import Renderer
from bot.settings import Settings
from bot.store.models import ActionItem, Meeting, ReportingRound, RoundItem, StatusUpdate
from bot.store.vocabulary import UpdateSource

DEADLINE_DAYS = 12
"""Without a contribution deadline in the schedule, a round closes this many days before
the meeting (the same time of day as its start): ITU-T's usual deadline for contributions."""
NO_ADMINS = "no admins to hand the round's summary to: set TSAGBOT_ADMINS=U1,U2"
UNASSIGNED = ""
"""The "body" of an item whose text and Section I name nobody: no one is asked for it."""


@dataclass(frozen=True)
class Asked:
    """One body of a started round: where its message went (nowhere when it has no
    channel or people set) and the items it lists."""

    body: str
    to: list[str]
    items: list[str]


@dataclass(frozen=True)
class Started:
    round_id: int
    meeting: str
    deadline: datetime
    asked: list[Asked]
    unassigned: list[str]


@dataclass(frozen=True)
class ItemState:
    """One item of a round for one body, and who answered for it since the round began."""

    code: str
    action: str
    body: str
    resolution: str
    reporters: tuple[str, ...]
    nothing_new_by: str

    @property
    def reported(self) -> bool:
        return bool(self.reporters or self.nothing_new_by)


@dataclass(frozen=True)
class Tally:
    """A body's or a Resolution's items in a round: how many were reported, who reported
    (the updates' authors; the user ids of those who said "Nothing new"), and the ones
    still missing."""

    name: str
    reported: int
    total: int
    reporters: tuple[str, ...]
    missing: tuple[str, ...]
    nothing_new: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoundProgress:
    round_id: int
    meeting: str
    deadline: datetime
    started_at: datetime
    closed_at: datetime | None
    items: list[ItemState]

    @property
    def reported(self) -> int:
        """Items (counted once however many bodies act on them) with an answer."""
        return sum(1 for state in self.per_item() if state.reported)

    def per_item(self) -> list[ItemState]:
        """One state an item, answered once every body asked about it answered: an update
        answers for them all, a "Nothing new" for the body that said it."""
        merged: dict[str, ItemState] = {}
        for state in self.items:
            first = merged.get(state.code)
            if first is None or (first.reported and not state.reported):
                merged[state.code] = state
        return list(merged.values())

    @property
    def total(self) -> int:
        return len({state.code for state in self.items})

    def by_body(self) -> list[Tally]:
        return _tallies(self.items, lambda state: state.body, body_order)

    def by_resolution(self) -> list[Tally]:
        return _tallies(self.per_item(), lambda state: state.resolution, _resolution_order)

    def unreported_bodies(self) -> dict[str, list[ItemState]]:
        """The bodies with items not reported yet, in :func:`body_order`, and those items."""
        found: dict[str, list[ItemState]] = defaultdict(list)
        for state in self.items:
            if not state.reported and state.body != UNASSIGNED:
                found[state.body].append(state)
        return {body: found[body] for body in sorted(found, key=body_order)}


def _tallies(
    items: list[ItemState],
    key: Callable[[ItemState], str],
    order: Callable[[str], tuple[int, int, str] | tuple[int, str]],
) -> list[Tally]:
    groups: dict[str, list[ItemState]] = defaultdict(list)
    for state in items:
        groups[key(state)].append(state)
    return [
        Tally(
            name,
            sum(state.reported for state in group),
            len(group),
            tuple(dict.fromkeys(r for state in group for r in state.reporters)),
            tuple(state.code for state in group if not state.reported),
            tuple(dict.fromkeys(s.nothing_new_by for s in group if s.nothing_new_by)),
        )
        for name, group in sorted(groups.items(), key=lambda pair: order(pair[0]))
    ]


def body_order(body: str) -> tuple[int, int, str]:
    """Study groups by number first, then the other bodies by name, "no body" last."""
    study_group = re.fullmatch(r"SG(\d+)", body)
    if study_group:
        return (0, int(study_group[1]), body)
    return (2, 0, body) if body == UNASSIGNED else (1, 0, body)


def _resolution_order(label: str) -> tuple[int, str]:
    number = re.search(r"\d+", label)
    return (int(number[0]) if number else 9999, label)


# -- starting ------------------------------------------------------------------------------


def find_meeting(session: Session, name: str | None, now: datetime) -> Meeting:
    """The meeting ahead that ``name`` names (its uid, its name, or a part of its name);
    without a name, the next TSAG meeting."""
    if name is not None and not name.strip():
        raise RoundError("--meeting is empty: name the meeting")
    if name is None:
        found = queries.next_meeting(session, now, kinds=[MeetingKind.TSAG.value])
        if found is None:
            raise RoundError("no TSAG meeting ahead in the schedule")
        return found
    text = " ".join(name.split()).lower()
    ahead = queries.upcoming(session, now)
    exact = [m for m in ahead if text in (m.uid.lower(), " ".join(m.name.split()).lower())]
    found_all = exact or [m for m in ahead if text in m.name.lower()]
    if not found_all:
        raise RoundError(
            f"no meeting ahead is named {name.strip()[:60]!r} "
            "(see tsagbot meetings list --upcoming)"
        )
    if len(found_all) > 1 and not exact:
        names = "; ".join(m.name for m in found_all[:3])
        raise RoundError(f"{name.strip()[:60]!r} names {len(found_all)} meetings ({names}…)")
    return found_all[0]


def default_deadline(meeting: Meeting, tz: ZoneInfo) -> datetime:
    """The meeting's contribution deadline, else :data:`DEADLINE_DAYS` days before it (for
    a meeting of whole days, the end of the day before: 23:59, as a date alone reads)."""
    if meeting.deadline is not None:
        return meeting.deadline
    if meeting.all_day:
        day = local_date(meeting.start, tz) - timedelta(days=DEADLINE_DAYS + 1)
        return local_datetime(day, END_OF_DAY, tz)
    return (meeting.start.astimezone(tz) - timedelta(days=DEADLINE_DAYS)).astimezone(UTC)


def items_due(session: Session, meeting: Meeting, tz: ZoneInfo, now: datetime) -> list[ActionItem]:
    """The current plan's open items due at or before ``meeting``: those whose milestone names
    it (``Each TSAG meeting``, ``TSAG2026``) or falls due on its first day or earlier (as the
    milestone engine reads it at ``now``, overdue ones included)."""
    plan_schedule = queries.schedule(session, tz)
    day = local_date(meeting.start, tz)
    today = local_date(now, tz)
    query = (
        select(ActionItem)
        .where(
            ActionItem.appendix == "",
            ActionItem.completed.is_(False),
            ActionItem.edition == current_edition(session),
        )
        .order_by(ActionItem.position)
        .options(selectinload(ActionItem.resolution))
    )
    judged: dict[str, bool] = {}
    found = []
    for item in session.scalars(query):
        if item.milestone not in judged:
            terms = parse_milestone(item.milestone)
            judged[item.milestone] = names_meeting(item.milestone, meeting, plan_schedule) or any(
                due.day <= day for due in due_dates(terms, plan_schedule, today)
            )
        if judged[item.milestone]:
            found.append(item)
    return found


def start_round(
    session: Session,
    renderer: Renderer,
    settings: Settings,
    meeting: Meeting,
    *,
    deadline: datetime | None,
    by: str,
    now: datetime,
) -> Started:
    """Start the round for ``meeting`` and queue each body's message; the caller commits."""
    tz = settings.tz
    if not settings.admins:
        raise RoundError(NO_ADMINS)
    if meeting.start <= now:
        raise RoundError(f"{meeting.name} has started already")
    taken = session.scalar(
        select(ReportingRound.id).where(ReportingRound.meeting_uid == meeting.uid)
    )
    if taken is not None:
        raise RoundError(f"a reporting round for {meeting.name} was started already")
    deadline = deadline or default_deadline(meeting, tz)
    if deadline <= now:
        raise RoundError("the deadline has passed already")
    if deadline > meeting.start:
        raise RoundError("the deadline is after the meeting starts")
    new = ReportingRound(
        meeting_uid=meeting.uid,
        meeting_name=meeting.name,
        edition=current_edition(session),
        deadline=deadline,
        started_by=by,
        started_at=now,
        closed_by="",
    )
    try:  # another replica may have started it since the check above
        with session.begin_nested():
            session.add(new)
    except IntegrityError:
        raise RoundError(f"a reporting round for {meeting.name} was started already") from None
    groups: dict[str, list[ActionItem]] = defaultdict(list)
    unassigned = []
    for item in items_due(session, meeting, tz, now):
        acts = responsibility(item).acts or (UNASSIGNED,)
        if not responsibility(item).acts:
            unassigned.append(item.code)
        for body in acts:
            groups[body].append(item)
            new.items.append(RoundItem(item=item, body=body, nothing_new_by=""))
    session.flush()
    known = contacts(session)
    asked = []
    posts = []
    for body in sorted(groups, key=body_order):
        if body == UNASSIGNED:
            continue
        to = destinations(known.get(body))
        asked.append(Asked(body, to, [item.code for item in groups[body]]))
        posts += ask_posts(renderer, new, body, groups[body], to, tz=tz, now=now)
    enqueue(session, posts, now)
    return Started(new.id, meeting.name, deadline, asked, unassigned)


# -- following ----------------------------------------------------------------------------


def open_round(
    session: Session, meeting: str | None = None, *, round_id: int | None = None
) -> ReportingRound:
    """The round numbered ``round_id``, or the one for ``meeting`` when named, or else the
    open round whose deadline comes first (the one the Home tab shows); :class:`RoundError`
    if none."""
    if round_id is not None:
        numbered = session.get(ReportingRound, round_id)
        if numbered is None:
            raise RoundError("that reporting round is gone")
        return numbered
    query = select(ReportingRound).order_by(ReportingRound.started_at.desc())
    rounds = list(session.scalars(query))
    if meeting is not None:
        text = " ".join(meeting.split()).lower()
        if not text:
            raise RoundError("--meeting is empty: name the meeting")
        exact = [r for r in rounds if text in (r.meeting_uid.lower(), r.meeting_name.lower())]
        named = exact or [r for r in rounds if text in r.meeting_name.lower()]
        if not named:
            raise RoundError(f"no reporting round for {meeting.strip()[:60]!r}")
        if len({r.meeting_uid for r in named}) > 1:
            names = "; ".join(dict.fromkeys(r.meeting_name for r in named[:3]))
            raise RoundError(f"{meeting.strip()[:60]!r} names rounds of several meetings ({names})")
        return named[0]
    ahead = open_rounds(session)
    if ahead:
        return ahead[0]
    raise RoundError("no reporting round is open (start one: tsagbot round start --meeting NAME)")


def open_rounds(session: Session) -> list[ReportingRound]:
    query = select(ReportingRound).where(ReportingRound.closed_at.is_(None))
    return list(session.scalars(query.order_by(ReportingRound.deadline)))


def progress(session: Session, found: ReportingRound) -> RoundProgress:
    """Where each item of the round stands: who recorded an update on it since the round
    started (until it closed), or said "Nothing new" for it."""
    rows = list(
        session.scalars(
            select(RoundItem)
            .where(RoundItem.round_id == found.id)
            .order_by(RoundItem.id)
            .options(selectinload(RoundItem.item).selectinload(ActionItem.resolution))
        )
    )
    query = select(StatusUpdate.item_id, StatusUpdate.author, StatusUpdate.author_id).where(
        StatusUpdate.item_id.in_({row.item_id for row in rows}),
        StatusUpdate.created_at >= found.started_at,
        StatusUpdate.retracted_at.is_(None),
        StatusUpdate.kind.in_(TOLD),
        StatusUpdate.source != UpdateSource.IMPORT,
    )
    if found.closed_at is not None:
        query = query.where(StatusUpdate.created_at <= found.closed_at)
    reporters: dict[int, dict[str, None]] = defaultdict(dict)
    for item_id, author, author_id in session.execute(query):
        reporters[item_id][author or author_id] = None
    states = [
        ItemState(
            code=row.item.code,
            action=row.item.action,
            body=row.body,
            resolution=row.item.resolution.label,
            reporters=tuple(reporters[row.item_id]),
            nothing_new_by=row.nothing_new_by if row.nothing_new_at is not None else "",
        )
        for row in rows
    ]
    return RoundProgress(
        found.id, found.meeting_name, found.deadline, found.started_at, found.closed_at, states
    )


def nothing_new(
    session: Session, round_id: int, body: str, codes: list[str], *, user: str, now: datetime
) -> int:
    """``body`` has nothing new on these items: the ones not yet reported count as reported
    now; how many. The caller commits."""
    found = session.get(ReportingRound, round_id, with_for_update=True)  # against a close
    if found is None or found.closed_at is not None:
        raise RoundError("This reporting round is closed.")
    answered = {
        state.code
        for state in progress(session, found).items
        if state.body == body and state.reported
    }
    marked = 0
    for row in found.items:
        if row.body == body and row.item.code in codes and row.item.code not in answered:
            row.nothing_new_at = now
            row.nothing_new_by = user
            answered.add(row.item.code)
            marked += 1
    return marked


# -- closing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Closed:
    progress: RoundProgress
    exported: ExportFile
    told: list[str]
    """The admins the summary is queued for (by DM)."""


def close_round(
    session: Session,
    renderer: Renderer,
    settings: Settings,
    found: ReportingRound,
    *,
    by: str,
    now: datetime,
    where: str,
) -> Closed:
    """Close the round: the plan's ``.docx`` (updates since the last import as tracked
    changes in their authors' names) and a summary of who reported, queued by DM to each
    admin (``where`` says where the file is). The caller commits."""
    # Locked and read again: of two admins closing at once, the second is told it is closed.
    session.refresh(found, with_for_update=True)
    if found.closed_at is not None:
        raise RoundError(f"the reporting round for {found.meeting_name} is closed already")
    if not settings.admins:
        raise RoundError(NO_ADMINS)
    exported = export_plan(session, ExportFormat.DOCX, now=now, edition=found.edition)
    found.closed_at = now
    found.closed_by = by
    session.flush()
    state = progress(session, found)
    admins = sorted(settings.admins)
    enqueue(session, summary_posts(renderer, state, admins, where=where, tz=settings.tz), now)
    return Closed(state, exported, admins)
