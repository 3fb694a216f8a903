"""tsagbot's Home tab: what one person follows, in their own time zone.

:func:`home_of` gathers it, :func:`home_view` lays it out (``home.json.j2``) as the
view Slack's ``views.publish`` takes:

* the next meetings and contribution deadlines, of the kinds of meeting the person
  follows (``/meetings follow irm for me``), or of every kind when they follow none;
* the open items of the Resolutions and bodies they follow that are due at the next
  TSAG meeting;
* the latest changes recorded in what they follow, and their own latest updates, each
  with an *Undo* button while they may still take it back (:func:`may_undo`);
* *Export the plan* for the plan's editors (everyone when none are set), and a notice
  on top when a button of the Home has something to say (an undo refused, a file sent);
* for the admins, the open reporting round's progress per body, and *Start a reporting
  round* (for the next TSAG meeting) or *Close the reporting round*.

Times are written out in the reader's zone (their Slack profile's), or in Geneva
time when Slack does not say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.meetings import queries
from bot.meetings.display import deadline_text, kind_label, when_text, zone_label
from bot.meetings.model import MeetingKind
from bot.meetings.queries import DueItem
from bot.plan.bodies import from_text
from bot.plan.bodies import matches as responsible
from bot.plan.ids import resolution_of
from bot.plan.updates.intake import Undone, UndoStatus, may_undo
from bot.plan.updates.record import may_change_flags
from bot.plan.updates.replies import UNDO_REFUSALS, describe
from bot.posting.follow_notices import TOLD, change_line, matches
from bot.posting.follows import following, label
from bot.posting.personal import subscribed
from bot.posting.rounds.service import RoundProgress, open_rounds, progress
from bot.render import (
    CHUNK,
    PLAIN_DOCUMENTS,
    DocumentLinks,
    Mrkdwn,
    Renderer,
    chunk_lines,
    clip,
    escape,
    one_line,
)
from bot.render import mrkdwn as md
from bot.store.models import ActionItem, Follow, Meeting, StatusUpdate
from bot.store.vocabulary import FollowTopic

MEETINGS = 5
DEADLINES = 5
DUE = 15
LATEST = 8
OWN = 5
SCANNED = 300
"""Recent updates looked through for the latest ones in what the person follows."""
FOLLOW_BUTTON = "home_follow"
POST_BUTTON = "home_post_update"
ADD_MEETING_BUTTON = "home_add_meeting"
EDIT_MEETING_BUTTON = "home_edit_meeting"
REMIND_BUTTON = "home_remind"
NOTICE = 2000
"""Characters of the notice on top: what an Undo took back."""
UNDO_BUTTON = "home_undo"
EXPORT_BUTTON = "home_export"
START_ROUND_BUTTON = "home_start_round"
CLOSE_ROUND_BUTTON = "home_close_round"


@dataclass(frozen=True)
class Home:
    user: str
    tz: ZoneInfo
    follows: list[Follow]
    meetings: list[Meeting]
    deadlines: list[Meeting]
    tsag: Meeting | None
    due: list[DueItem]
    latest: list[StatusUpdate]
    own: list[StatusUpdate]
    reminded: bool = False
    """The person gets personal reminders by direct message (:mod:`bot.posting.personal`)."""
    round: RoundProgress | None = None
    """The open reporting round, read for admins only."""

    @property
    def kinds(self) -> list[str]:
        return [f.target for f in self.follows if f.topic == FollowTopic.MEETING_KIND]

    @property
    def plan_follows(self) -> list[Follow]:
        return [f for f in self.follows if f.topic != FollowTopic.MEETING_KIND]


def home_of(
    session: Session, user: str, *, now: datetime, tz: ZoneInfo, admin: bool = False
) -> Home:
    """What ``user``'s Home tab shows at ``now``, with times in ``tz`` (theirs); an admin's
    has the open reporting round."""
    follows = following(session, user)
    kinds = [f.target for f in follows if f.topic == FollowTopic.MEETING_KIND]
    plan = [f for f in follows if f.topic != FollowTopic.MEETING_KIND]
    tsag = queries.next_meeting(session, now, kinds=[MeetingKind.TSAG.value])
    due: list[DueItem] = []
    if tsag is not None and plan:
        every = queries.items_due_at(session, tsag, queries.schedule(session, tz))
        due = [item for item in every if any(_due_item_matches(f, item) for f in plan)]
    return Home(
        user=user,
        tz=tz,
        follows=follows,
        meetings=queries.upcoming(session, now, kinds=kinds, limit=MEETINGS),
        deadlines=queries.deadlines(session, now, kinds=kinds, limit=DEADLINES),
        tsag=tsag,
        due=due,
        latest=_latest(session, plan) if plan else [],
        own=_recent(session, StatusUpdate.author_id == user, OWN),
        reminded=subscribed(session, user),
        round=_round(session) if admin else None,
    )


def _round(session: Session) -> RoundProgress | None:
    rounds = open_rounds(session)
    return progress(session, rounds[0]) if rounds else None


def _due_item_matches(follow: Follow, item: DueItem) -> bool:
    """Whether a followed Resolution or body has ``item`` (a body: as the item's own text
    names it; the Home does not read Section I for items due)."""
    if follow.topic == FollowTopic.RESOLUTION:
        try:
            return resolution_of(item.code) == follow.target
        except ValueError:
            return False
    return responsible(from_text(item.action), follow.target)


def _latest(session: Session, plan: list[Follow]) -> list[StatusUpdate]:
    recent = _recent(session, True, SCANNED)
    return [u for u in recent if any(matches(f, u.item) for f in plan)][:LATEST]


def _recent(session: Session, condition: Any, limit: int) -> list[StatusUpdate]:
    """The latest updates still standing that people record, newest first."""
    return list(
        session.scalars(
            select(StatusUpdate)
            .where(condition, StatusUpdate.retracted_at.is_(None), StatusUpdate.kind.in_(TOLD))
            .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
            .limit(limit)
            .options(
                selectinload(StatusUpdate.item).selectinload(ActionItem.resolution),
                selectinload(StatusUpdate.message),
            )
        )
    )


def home_view(
    renderer: Renderer,
    home: Home,
    *,
    admin: bool = False,
    editors: frozenset[str] = frozenset(),
    notice: Mrkdwn | None = None,
) -> dict[str, Any]:
    """The Home tab's view (``{"type": "home", "blocks": [...]}``), within Slack's limits;
    an admin's has *Add a meeting* and *Edit a meeting*, an editor's (``editors``, as
    ``/action export`` reads them) *Export the plan*; ``notice`` comes first."""
    tz = home.tz
    kinds = ", ".join(kind_label(kind) for kind in home.kinds)
    meetings = [
        md("• *{}* ({}) — {}", m.name, kind_label(m.kind), when_text(m, tz)) for m in home.meetings
    ]
    deadlines = [
        md("• {} — contributions by {}", m.name, deadline_text(m.deadline, tz))
        for m in home.deadlines
        if m.deadline is not None
    ]
    view = {
        "notice": notice,
        "intro": md(
            "Times in {}. {}",
            zone_label(tz),
            md("Meetings of the kinds you follow: {}.", kinds)
            if kinds
            else "Meetings of every kind.",
        ),
        "following": _following(home),
        "meetings": _sections(meetings, "No meeting ahead in the schedule."),
        "deadlines": _sections(deadlines, "No contribution deadline ahead."),
        "tsag": md("Due at {} ({})", one_line(home.tsag.name, 150), when_text(home.tsag, tz))
        if home.tsag
        else Mrkdwn("Due at the next TSAG meeting"),
        "due": _sections(_due_lines(home), _due_empty(home)),
        "latest": _sections(
            [change_line(u, renderer.links) for u in home.latest],
            "Nothing recorded lately in what you follow."
            if home.plan_follows
            else "Follow a Resolution or a body to see its changes here.",
        ),
        "own": _own(home, editors, renderer.links),
        "undo_button": UNDO_BUTTON,
        "follow_button": FOLLOW_BUTTON,
        "follow_value": "follow",
        "post_button": POST_BUTTON,
        "post_value": "post",
        "meeting_buttons": [
            {"label": "Add a meeting", "action_id": ADD_MEETING_BUTTON, "value": "add"},
            {"label": "Edit a meeting", "action_id": EDIT_MEETING_BUTTON, "value": "edit"},
        ]
        if admin
        else [],
        "round_buttons": _round_buttons(home) if admin else [],
        "round": _round_part(home, tz) if admin and home.round else None,
        "export_buttons": [
            {"label": "Export the plan", "action_id": EXPORT_BUTTON, "value": "docx"}
        ]
        if may_change_flags(home.user, editors)
        else [],
        "remind_button": REMIND_BUTTON,
        "remind_label": "Stop DM reminders" if home.reminded else "Remind me by DM",
        "remind_value": "off" if home.reminded else "on",
    }
    return {"type": "home", "blocks": renderer.blocks("home.json.j2", view=view)}


def _round_buttons(home: Home) -> list[dict[str, str]]:
    if home.round is None:
        return [
            {"label": "Start a reporting round", "action_id": START_ROUND_BUTTON, "value": "start"}
        ]
    value = str(home.round.round_id)
    return [{"label": "Close the reporting round", "action_id": CLOSE_ROUND_BUTTON, "value": value}]


def _round_part(home: Home, tz: ZoneInfo) -> dict[str, Any]:
    found = home.round
    assert found is not None
    lines = [
        md("• {}: {} of {} reported", tally.name or "No body named", tally.reported, tally.total)
        for tally in found.by_body()
    ]
    title = md(
        "Reporting round for {} ({} of {} items reported; deadline {})",
        one_line(found.meeting, 100),
        found.reported,
        found.total,
        deadline_text(found.deadline, tz),
    )
    return {"title": title, "lines": _sections(lines, "No items in this round.")}


def undo_notice(undone: Undone, links: DocumentLinks = PLAIN_DOCUMENTS) -> Mrkdwn:
    """The line on top of the Home after its *Undo*: what was taken back, or why not."""
    if undone.status == UndoStatus.UNDONE:
        return md("Taken back:\n{}", describe(undone.changes, limit=NOTICE, links=links))
    return escape(UNDO_REFUSALS[undone.status])


def _own(home: Home, editors: frozenset[str], links: DocumentLinks) -> list[dict[str, Any]]:
    """A section each of the person's latest updates, with *Undo* (its message's id) when
    they may take it back; a message of several updates is undone whole."""
    if not home.own:
        return [{"text": escape("You have recorded no update yet."), "undo": ""}]
    return [
        {
            "text": clip(change_line(u, links), CHUNK),
            "undo": str(u.message_id)
            if u.message is not None and may_undo(u.message, home.user, editors)
            else "",
        }
        for u in home.own
    ]


def _following(home: Home) -> Mrkdwn:
    if not home.follows:
        return Mrkdwn(
            "You follow nothing yet: *Follow…* below, or `/action follow 50 for me`, "
            "`/action follow sg17 for me`, `/meetings follow irm for me`."
        )
    labels = Mrkdwn(", ").join(label(f.topic, f.target) for f in home.follows)
    return clip(md("You follow {}. `/action unfollow … for me` stops one.", labels), CHUNK)


def _due_lines(home: Home) -> list[Mrkdwn]:
    lines = [
        md("• *{}* {}", item.code, clip(" ".join(item.action.split()), 200))
        for item in home.due[:DUE]
    ]
    if len(home.due) > DUE:
        lines.append(md("… and {} more.", len(home.due) - DUE))
    return lines


def _due_empty(home: Home) -> str:
    if home.tsag is None:
        return "No TSAG meeting ahead in the schedule."
    if not home.plan_follows:
        return "Follow a Resolution or a body to see its items due at the next TSAG meeting."
    return "None of the items you follow is due at it."


def _sections(lines: list[Mrkdwn], empty: str) -> list[Mrkdwn]:
    """At most two texts of lines: a Home tab section stays short."""
    return chunk_lines(lines)[:2] if lines else [escape(empty)]
