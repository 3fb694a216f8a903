"""Questions about the schedule and the plan, as plain data: what is asked, and the answer.

``/meetings``, questions asked by mentioning the bot and the console all come
here: :func:`parse_command` reads the argument of ``/meetings``, :func:`classify`
reads a question in words, and :func:`answer` looks the answer up.  Nothing in
this module knows about Slack; the caller passes the clock's ``now`` and the
zone (Geneva) in which "this week" and "today" are meant.

A question is one of:

* ``next_meeting``: "when is the next IRM?", "next meeting", "when is TSAG?"
* ``due_at_next``: "what is due at the next TSAG?"
* ``item_status``: "status of 50-18", "50-18?", "is 50-18 done"
* ``deadlines``: "which deadlines are this week?", "next deadlines"
* ``meetings``: "meetings this week", "what is on next week", "upcoming meetings"
* ``overview``: ``/meetings`` and ``/meetings irm``: next meetings and deadlines
* ``help`` and ``unknown``.

Windows are local days: "this week" runs from Monday 00:00 to the next Monday
00:00 in ``tz`` (167 or 169 hours in a week the clocks change), "this month"
from the first to the first of the next month; "in the next 14 days" runs from
``now`` for 14 times 24 hours.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.meetings import queries
from bot.meetings.milestones import Schedule, body_of, item_due
from bot.meetings.model import MeetingKind, parse_kind
from bot.meetings.queries import DueItem
from bot.meetings.when import local_date, local_midnight
from bot.plan.ids import normalize_dashes
from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import active_item, flags, state_phrase
from bot.render import count
from bot.store.models import Meeting


class QuestionKind(StrEnum):
    """What a question asks (see the module docstring)."""

    NEXT_MEETING = "next_meeting"
    DUE_AT_NEXT = "due_at_next"
    ITEM_STATUS = "item_status"
    DEADLINES = "deadlines"
    MEETINGS = "meetings"
    OVERVIEW = "overview"
    HELP = "help"
    UNKNOWN = "unknown"


NEXT_MEETING = QuestionKind.NEXT_MEETING
DUE_AT_NEXT = QuestionKind.DUE_AT_NEXT
ITEM_STATUS = QuestionKind.ITEM_STATUS
DEADLINES = QuestionKind.DEADLINES
MEETINGS = QuestionKind.MEETINGS
OVERVIEW = QuestionKind.OVERVIEW
HELP = QuestionKind.HELP
UNKNOWN = QuestionKind.UNKNOWN

PAGE_SIZE = 8
"""Meetings (or deadlines) on one page of a list."""
OVERVIEW_DEADLINES = 5
MAX_WINDOW_DAYS = 366

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_KIND_TEXT = re.compile(
    r"\b(inter-?regional(?: meetings?)?|irms?|tsags?|wtsa|assembly"
    r"|working[ -]part(?:y|ies)|wps?|rapporteur[ -]groups?|rgs?"
    r"|regional(?: preparatory)?(?: meetings?)?|rpms?)\b"
)
_PLURAL = {"working parties": "working party", "working-parties": "working party"}
_HELP_TEXT = re.compile(
    r"^(?:help|usage|hi|hello|hey|what can you (?:do|answer|tell me)|how does this work"
    r"|how do i use (?:you|this|it))$"
)
_DEADLINE = re.compile(r"\bdeadlines?\b")
_DUE = re.compile(r"\bdue\b")
_MEETING_WORD = re.compile(r"\bmeetings?\b")
_PLURAL_MEETINGS = re.compile(r"\bmeetings\b|\bupcoming\b|\bschedule\b|\bcalendar\b")
_NEXT_OR_WHEN = re.compile(r"\bnext\b|\bwhen\b|\bupcoming\b")
_NEXT_DAYS = re.compile(
    r"\b(?:in|within|over|during)?\s*(?:the\s+)?(?:next|coming)\s+(\d{1,3})\s+(days?|weeks?)\b"
)
_WINDOW_TEXT = re.compile(r"\b(today|tomorrow|this week|next week|this month|next month)\b")
_COMMAND_DEADLINES = re.compile(r"^deadlines?(?:\s+(?P<rest>.*))?$")
_OVERVIEW_WORDS = frozenset({"", "all", "next", "upcoming", "list", "meetings", "schedule"})
_COMMAND_HELP = frozenset({"help", "?", "-h", "--help", "usage"})


@dataclass(frozen=True)
class Window:
    """A span of time, ``start`` included and ``end`` excluded, as the asker named it."""

    start: datetime
    end: datetime
    label: str


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    kinds: tuple[MeetingKind, ...] = ()
    codes: tuple[str, ...] = ()
    window: Window | None = None
    text: str = ""


@dataclass(frozen=True)
class ItemStatus:
    """One asked-about item: its state and milestone, and when it is due next."""

    code: str
    found: bool
    state: str = ""
    action: str = ""
    milestone: str = ""
    due_day: date | None = None
    due_at: str = ""
    """The name of the meeting the item is due at next, if its milestone names one."""


@dataclass
class Answer:
    question: Question
    meetings: list[Meeting] = field(default_factory=list)
    deadlines: list[Meeting] = field(default_factory=list)
    due: list[DueItem] = field(default_factory=list)
    items: list[ItemStatus] = field(default_factory=list)
    page: int = 1
    more: bool = False
    """More meetings (or deadlines) than this page shows."""


# -- reading the text ------------------------------------------------------------------------


def mentions(text: str, user_id: str | None) -> bool:
    """Whether a message's text mentions ``user_id`` (``<@U123>``, ``<@U123|name>``)."""
    return bool(user_id) and any(m.group(1) == user_id for m in _MENTION.finditer(text))


def strip_mentions(text: str) -> str:
    return " ".join(_MENTION.sub(" ", text).split())


def _clean(text: str) -> str:
    text = normalize_dashes(strip_mentions(text)).lower()
    text = text.replace("\u2019", "'").replace("&amp;", "&")
    return " ".join(text.split()).strip(" .!?,;:")


def find_kinds(text: str) -> tuple[MeetingKind, ...]:
    """The kinds of meeting a text names, in the order it names them."""
    found: dict[MeetingKind, None] = {}
    for match in _KIND_TEXT.finditer(_clean(text)):
        kind = kind_named(match.group(1))
        if kind is not None:
            found[kind] = None
    return tuple(found)


def kind_named(word: str) -> MeetingKind | None:
    """:func:`parse_kind` that also reads plurals and "meeting": ``IRMs``, ``TSAG meetings``."""
    word = re.sub(r"\s+meetings?$", "", word.strip())
    word = _PLURAL.get(word, word)
    return parse_kind(word) or parse_kind(word.removesuffix("s"))


def window_for(name: str, now: datetime, tz: ZoneInfo) -> Window:
    """``today``, ``tomorrow``, ``this week``, ``next week``, ``this month``, ``next month``."""
    today = local_date(now, tz)
    if name in ("today", "tomorrow"):
        first = today + timedelta(days=1 if name == "tomorrow" else 0)
        last = first + timedelta(days=1)
    elif name.endswith("week"):
        first = today - timedelta(days=today.weekday())
        if name == "next week":
            first += timedelta(days=7)
        last = first + timedelta(days=7)
    else:
        first = today.replace(day=1)
        if name == "next month":
            first = _next_month(first)
        last = _next_month(first)
    return Window(local_midnight(first, tz), local_midnight(last, tz), name)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def find_window(text: str, now: datetime, tz: ZoneInfo) -> Window | None:
    cleaned = _clean(text)
    match = _NEXT_DAYS.search(cleaned)
    if match:
        number = int(match.group(1))
        days = number * (7 if match.group(2).startswith("week") else 1)
        if 0 < days <= MAX_WINDOW_DAYS:
            said = count(number, match.group(2).rstrip("s"))
            return Window(now, now + timedelta(days=days), f"in the next {said}")
    named = _WINDOW_TEXT.search(cleaned)
    return window_for(named.group(1), now, tz) if named else None


def classify(text: str, now: datetime, tz: ZoneInfo) -> Question:
    """What a question in words asks (see the module docstring)."""
    cleaned = _clean(text)
    if _HELP_TEXT.match(cleaned) or not cleaned:
        return Question(HELP, text=text)
    codes = tuple(parse_message(strip_mentions(text)).mentioned)
    if codes:
        return Question(ITEM_STATUS, codes=codes, text=text)
    kinds = find_kinds(cleaned)
    window = find_window(cleaned, now, tz)
    if _DEADLINE.search(cleaned):
        return Question(DEADLINES, kinds, window=window, text=text)
    if _DUE.search(cleaned):
        if window is not None:  # "what is due this week": the deadlines in it
            return Question(DEADLINES, kinds, window=window, text=text)
        return Question(DUE_AT_NEXT, kinds, text=text)
    if window is not None:
        return Question(MEETINGS, kinds, window=window, text=text)
    if _PLURAL_MEETINGS.search(cleaned) and not re.search(r"\bnext meeting\b", cleaned):
        return Question(MEETINGS, kinds, text=text)
    if kinds or (_MEETING_WORD.search(cleaned) and _NEXT_OR_WHEN.search(cleaned)):
        return Question(NEXT_MEETING, kinds, text=text)
    return Question(UNKNOWN, text=text)


def parse_command(text: str, now: datetime, tz: ZoneInfo) -> Question:
    """The argument of ``/meetings``: a kind, ``deadlines [kind]``, ``help``, or a question."""
    cleaned = _clean(text)
    if cleaned in _COMMAND_HELP:
        return Question(HELP, text=text)
    if cleaned in _OVERVIEW_WORDS:
        return Question(OVERVIEW, text=text)
    kind = kind_named(cleaned)
    if kind is not None:
        return Question(OVERVIEW, (kind,), text=text)
    match = _COMMAND_DEADLINES.match(cleaned)
    if match:
        rest = match["rest"] or ""
        kinds = find_kinds(rest)
        window = find_window(rest, now, tz)
        if not rest or kinds or window:
            return Question(DEADLINES, kinds, window=window, text=text)
        return Question(UNKNOWN, text=text)
    question = classify(text, now, tz)
    return question if question.kind != HELP else Question(UNKNOWN, text=text)


# -- answering -------------------------------------------------------------------------------


def answer(
    session: Session, question: Question, now: datetime, tz: ZoneInfo, *, page: int = 1
) -> Answer:
    """Look up what ``question`` asks, at ``now``; ``page`` pages a list of meetings."""
    page = max(page, 1)
    kinds = [kind.value for kind in question.kinds]
    if question.kind == OVERVIEW:
        meetings, more = _page(
            lambda limit: queries.upcoming(session, now, kinds=kinds, limit=limit), page
        )
        found = Answer(question, meetings=meetings, page=page, more=more)
        if page == 1:
            found.deadlines = queries.deadlines(session, now, kinds=kinds, limit=OVERVIEW_DEADLINES)
        return found
    if question.kind == NEXT_MEETING:
        meeting = queries.next_meeting(session, now, kinds)
        return Answer(question, meetings=[meeting] if meeting else [])
    if question.kind == DUE_AT_NEXT:
        return _due_at_next(session, question, now, tz, kinds)
    if question.kind == ITEM_STATUS:
        return Answer(question, items=item_statuses(session, question.codes, now, tz))
    if question.kind == DEADLINES:
        start, until = _span(question.window, now)
        deadlines, more = _page(
            lambda limit: queries.deadlines(session, start, kinds=kinds, until=until, limit=limit),
            page,
        )
        return Answer(question, deadlines=deadlines, page=page, more=more)
    if question.kind == MEETINGS:
        start, until = _span(question.window, now)
        meetings, more = _page(
            lambda limit: queries.upcoming(session, start, kinds=kinds, until=until, limit=limit),
            page,
        )
        return Answer(question, meetings=meetings, page=page, more=more)
    return Answer(question)


def _span(window: Window | None, now: datetime) -> tuple[datetime, datetime | None]:
    """Where a list starts and ends: a whole window (earlier days of "this week"
    included), or from ``now`` on."""
    return (window.start, window.end) if window else (now, None)


def _page(fetch: Callable[[int], list[Meeting]], page: int) -> tuple[list[Meeting], bool]:
    """One page of a list, and whether there is more, from one query of the rows up to it."""
    rows = fetch(page * PAGE_SIZE + 1)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return shown, len(rows) > page * PAGE_SIZE


def _due_at_next(
    session: Session, question: Question, now: datetime, tz: ZoneInfo, kinds: list[str]
) -> Answer:
    """The next meeting of the kind asked for, or, for "the next meeting", the next one
    a milestone can name (a TSAG, WTSA, IRM, regional meeting or Council)."""
    candidates = queries.upcoming(session, now, kinds=kinds, limit=None if not kinds else 1)
    meeting = next((m for m in candidates if kinds or body_of(m)), None)
    if meeting is None:
        return Answer(question)
    due = queries.items_due_at(session, meeting, queries.schedule(session, tz))
    return Answer(question, meetings=[meeting], due=due)


def item_statuses(
    session: Session, codes: Sequence[str], now: datetime, tz: ZoneInfo
) -> list[ItemStatus]:
    plan_schedule: Schedule | None = None
    found: list[ItemStatus] = []
    for code in codes:
        item = active_item(session, code)
        if item is None:
            found.append(ItemStatus(code, False))
            continue
        plan_schedule = plan_schedule or queries.schedule(session, tz)
        due = item_due(item.milestone, plan_schedule, local_date(now, tz))
        upcoming = due.next
        found.append(
            ItemStatus(
                item.code,
                True,
                state=state_phrase(flags(item)),
                action=item.action,
                milestone=" ".join(item.milestone.split()),
                due_day=upcoming.day if upcoming and not upcoming.estimated else None,
                due_at=upcoming.meeting.name if upcoming and upcoming.meeting else "",
            )
        )
    return found


def kind_noun(kinds: Sequence[MeetingKind], *, plural: bool = False) -> str:
    """``TSAG meeting``, ``inter-regional meetings``, ``TSAG or WTSA meeting``, ``meeting``."""
    nouns = []
    for kind in kinds or (None,):
        label = "meeting" if kind is None else kind.label
        noun = label if label.isupper() else label[:1].lower() + label[1:]
        noun += "" if noun.endswith("meeting") else " meeting"
        nouns.append(noun + ("s" if plural else ""))
    return " or ".join(nouns)
