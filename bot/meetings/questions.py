"""Questions about the schedule and the plan, as plain data: what is asked, and the answer.

``/meetings``, questions asked by mentioning the bot, replies in the bot's
threads, the console and ``tsagbot ask`` all come here: :func:`parse_command`
reads the argument of ``/meetings``, :func:`classify` reads a question in words,
and :func:`answer` looks the answer up.  Nothing in this module knows about
Slack; the caller passes the clock's ``now`` and the zone (Geneva) in which
"this week" and "today" are meant.

Questions are routed by :data:`HANDLERS`, an ordered list: the first handler
that recognises the words makes the :class:`Question`, and the same handler
answers it from the data.  A new kind of question is one more line there (and
its view in :mod:`bot.meetings.views`).  A question no handler recognises gets
the handlers' example questions that come closest to its words.

The kinds of question:

* ``help``: "help", "what can you do?"
* ``item_status``: "status of 50-18", "50-18?", "is 50-18 done"
* ``changes``: "what changed this week?", "since the last TSAG?", "what did SG17 change?"
* ``meeting_link``, ``meeting_agenda``, ``meeting_documents``: "link to join the IRM?",
  "agenda of the next IRM", "what was on the agenda of the last TSAG?"
* ``deadlines``: "which deadlines are this week?", "deadlines in January?"
* ``due_at_next``: "what is due at the next TSAG?"
* ``meetings``: "meetings this week", "meetings in March 2027", "upcoming meetings"
* ``last_meeting``: "when was the last IRM?", "last TSAG"
* ``next_meeting``: "when is the next IRM?", "next meeting", "when is TSAG?"
* ``overview`` (``/meetings`` and ``/meetings irm`` only) and ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from bot.meetings import queries
from bot.meetings.changed import ChangeSpans
from bot.meetings.display import milestone_text
from bot.meetings.milestones import Schedule, body_of, item_due
from bot.meetings.model import MeetingKind
from bot.meetings.queries import DueItem
from bot.meetings.reading import MONTHS, clean
from bot.meetings.reading import Window as Window
from bot.meetings.reading import find_kinds as find_kinds
from bot.meetings.reading import find_window as find_window
from bot.meetings.reading import kind_named as kind_named
from bot.meetings.reading import mentions as mentions
from bot.meetings.reading import strip_mentions as strip_mentions
from bot.meetings.reading import window_for as window_for
from bot.meetings.when import local_date
from bot.plan.changes import ItemChange, changes_between
from bot.plan.filters import Changed
from bot.plan.queries import find_item
from bot.plan.questions import body_in, resolution_in
from bot.plan.updates.parse import parse_message
from bot.plan.updates.record import active_item, flags, obsolete_where, state_phrase
from bot.store.models import Meeting


class QuestionKind(StrEnum):
    """What a question asks (see the module docstring)."""

    NEXT_MEETING = "next_meeting"
    LAST_MEETING = "last_meeting"
    MEETING_LINK = "meeting_link"
    MEETING_AGENDA = "meeting_agenda"
    MEETING_DOCUMENTS = "meeting_documents"
    DUE_AT_NEXT = "due_at_next"
    ITEM_STATUS = "item_status"
    DEADLINES = "deadlines"
    MEETINGS = "meetings"
    CHANGES = "changes"
    OVERVIEW = "overview"
    HELP = "help"
    UNKNOWN = "unknown"


NEXT_MEETING = QuestionKind.NEXT_MEETING
LAST_MEETING = QuestionKind.LAST_MEETING
MEETING_LINK = QuestionKind.MEETING_LINK
MEETING_AGENDA = QuestionKind.MEETING_AGENDA
MEETING_DOCUMENTS = QuestionKind.MEETING_DOCUMENTS
DUE_AT_NEXT = QuestionKind.DUE_AT_NEXT
ITEM_STATUS = QuestionKind.ITEM_STATUS
DEADLINES = QuestionKind.DEADLINES
MEETINGS = QuestionKind.MEETINGS
CHANGES = QuestionKind.CHANGES
OVERVIEW = QuestionKind.OVERVIEW
HELP = QuestionKind.HELP
UNKNOWN = QuestionKind.UNKNOWN
ABOUT_A_MEETING = frozenset({MEETING_LINK, MEETING_AGENDA, MEETING_DOCUMENTS})

PAGE_SIZE = 8
"""Meetings (or deadlines) on one page of a list."""
OVERVIEW_DEADLINES = 5
SUGGESTIONS = 3

_HELP_TEXT = re.compile(
    r"^(?:help|usage|hi|hello|hey|what can you (?:do|answer|tell me)|how does this work"
    r"|how do i use (?:you|this|it))$"
)
_DEADLINE = re.compile(r"\bdeadlines?\b")
_DUE = re.compile(r"\bdue\b")
_MEETING_WORD = re.compile(r"\bmeet(?:ings?)?\b")
_PLURAL_MEETINGS = re.compile(r"\bmeetings\b|\bupcoming\b|\bschedule\b|\bcalendar\b")
_ON = re.compile(r"\b(?:on|schedule[d]?|calendar|happening|planned)\b")
"""Words that ask what is on in a window."""
_WINDOW_WORDS = frozenset(
    (
        *("in", "during", "for", "within", "the", "next", "coming", "this", "last"),
        *("today", "tomorrow", "yesterday", "day", "days", "week", "weeks", "month", "months"),
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    )
)
_NEXT_OR_WHEN = re.compile(r"\bnext\b|\bwhen\b|\bupcoming\b")
_PAST = re.compile(
    r"\b(?:last|previous|latest|most recent|past|was|were|did|happened|held|took place)\b"
)
_NEXT = re.compile(r"\b(?:next|upcoming|coming)\b")
_CHANGES = re.compile(
    r"\b(?:chang(?:ed|es|e)|what'?s new|what is new|anything new|(?:has|have) happened"
    r"|what happened|updated|updates|progress)\b"
)
_CHANGED = re.compile(r"\b(?:chang(?:ed|es|e)|what'?s new|what is new|happened)\b")
"""Words that ask what changed even about one item ("what changed on 50-18?")."""
_DONE_WORDS = re.compile(r"\b(?:done|completed?|finished|closed)\b")
"""With a past window, what changed: "what has SG2 done this week?"."""
_SINCE = re.compile(r"\bsince (?P<what>[^,;?]*)")
""""since the last TSAG": the meeting named after "since" is where the window starts."""
_LINK = re.compile(r"\b(?:link|join|joining|zoom|webex|url|dial-?in|connect)\b")
_AGENDA = re.compile(r"\bagenda\b")
_DOCUMENTS = re.compile(r"\b(?:documents?|docs|papers)\b")
_COMMAND_DEADLINES = re.compile(r"^deadlines?(?:\s+(?P<rest>.*))?$")
_OVERVIEW_WORDS = frozenset({"", "all", "next", "upcoming", "list", "meetings", "schedule"})
_COMMAND_HELP = frozenset({"help", "?", "-h", "--help", "usage"})


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    kinds: tuple[MeetingKind, ...] = ()
    codes: tuple[str, ...] = ()
    window: Window | None = None
    text: str = ""
    past: bool = False
    """About a meeting that was (the last one), not the next one; for "what changed",
    since the last meeting of ``kinds``."""
    body: str = ""
    """The body asked about: "what did SG17 change?" (as
    :func:`bot.plan.bodies.body_named` names it: ``SG17``, ``TSBDir``, ``Council``)."""
    resolution: str = ""
    """For "what changed": the Resolution asked about ("in Resolution 2": ``2``)."""


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
    obsolete: str = ""
    """For an id that names only obsolete items: where the first is
    (``Appendix I (WTSA-16) of the WTSA-20 plan``)."""


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
    changes: list[ItemChange] = field(default_factory=list)
    window: Window | None = None
    """The window the answer covers, where the question named it only by a meeting
    ("since the last TSAG") or not at all."""
    examples: list[str] = field(default_factory=list)
    """For a question no handler answers: the closest questions one does."""
    last_known: Meeting | None = None
    """When nothing is ahead: the last meeting of the kinds asked the schedule holds, else
    its last meeting of any kind, if any."""


@dataclass(frozen=True)
class Asked:
    """A question's words as the recognisers read them, and the moment it is asked at."""

    text: str
    cleaned: str
    now: datetime
    tz: ZoneInfo

    @property
    def kinds(self) -> tuple[MeetingKind, ...]:
        return find_kinds(self.cleaned)

    @property
    def past(self) -> bool:
        return bool(_PAST.search(self.cleaned)) and not _NEXT.search(self.cleaned)

    def window(self, *, past: bool = False) -> Window | None:
        return find_window(self.cleaned, self.now, self.tz, past=past)

    def about_meetings(self) -> bool:
        return bool(self.kinds or _MEETING_WORD.search(self.cleaned))

    def question(self, kind: QuestionKind, **fields: object) -> Question:
        return Question(kind, text=self.text, **fields)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Lookup:
    """What an answer is looked up with: the database, the moment and zone, the page."""

    session: Session
    now: datetime
    tz: ZoneInfo
    page: int = 1


Recognise = Callable[[Asked], Question | None]
Respond = Callable[[Question, Lookup], Answer]


@dataclass(frozen=True)
class Handler:
    """One kind of question: whether words ask it, how it is answered, and examples of it
    (offered to a question nobody recognises)."""

    kind: QuestionKind
    recognise: Recognise
    respond: Respond
    examples: tuple[str, ...] = ()


# -- recognising -----------------------------------------------------------------------------


def _help(asked: Asked) -> Question | None:
    return asked.question(HELP) if not asked.cleaned or _HELP_TEXT.match(asked.cleaned) else None


def _codes(asked: Asked) -> tuple[str, ...]:
    return tuple(parse_message(strip_mentions(asked.text)).mentioned)


def _asks_changes(asked: Asked, *, done: bool) -> bool:
    """ "what changed (on 50-18)", "progress this week"; with ``done``, also "what has
    SG2 done this week" (but "is 50-18 done this week?" asks its status)."""
    cleaned = asked.cleaned
    if _CHANGED.search(cleaned):
        return True
    if not (_CHANGES.search(cleaned) or (done and _DONE_WORDS.search(cleaned))):
        return False
    return bool(_SINCE.search(cleaned) or asked.window(past=True))


def _item_status(asked: Asked) -> Question | None:
    codes = _codes(asked)
    if not codes or _asks_changes(asked, done=False):
        return None
    return asked.question(ITEM_STATUS, codes=codes)


def _changes(asked: Asked) -> Question | None:
    cleaned = asked.cleaned
    if not (_CHANGES.search(cleaned) or _asks_changes(asked, done=True)):
        return None
    since = _SINCE.search(cleaned)
    anchor = find_kinds(since["what"]) if since else ()
    window = None if anchor else find_window(cleaned, asked.now, asked.tz, past=True)
    return asked.question(
        CHANGES,
        kinds=anchor,
        codes=_codes(asked),
        window=window,
        past=bool(anchor),
        body=_body(cleaned, since if anchor else None),
        resolution=resolution_in(cleaned) or "",
    )


def _body(cleaned: str, since: re.Match[str] | None) -> str:
    """The body a "what changed" question names (``SG17``, ``TSBDir``), but not the
    meeting after "since" ("since the last TSAG")."""
    if since is not None:
        after = " ".join(word for word in cleaned[since.start() :].split() if not kind_named(word))
        cleaned = f"{cleaned[: since.start()]} {after}"
    return body_in(cleaned) or ""


def _about_a_meeting(kind: QuestionKind, words: re.Pattern[str]) -> Recognise:
    def recognise(asked: Asked) -> Question | None:
        if not words.search(asked.cleaned):
            return None
        if kind != MEETING_AGENDA and not (asked.about_meetings() or kind == MEETING_LINK):
            return None
        return asked.question(kind, kinds=asked.kinds, past=asked.past)

    return recognise


def _deadlines(asked: Asked) -> Question | None:
    cleaned = asked.cleaned
    if _DEADLINE.search(cleaned) or (_DUE.search(cleaned) and asked.window()):
        # "what is due this week": the deadlines in it
        return asked.question(DEADLINES, kinds=asked.kinds, window=asked.window(past=asked.past))
    return None


def _due_at_next(asked: Asked) -> Question | None:
    return asked.question(DUE_AT_NEXT, kinds=asked.kinds) if _DUE.search(asked.cleaned) else None


def _meetings(asked: Asked) -> Question | None:
    window = asked.window(past=asked.past)
    if window is not None and (asked.about_meetings() or _asks_what_is_on(asked.cleaned)):
        return asked.question(MEETINGS, kinds=asked.kinds, window=window)
    cleaned = asked.cleaned
    plural = _PLURAL_MEETINGS.search(cleaned) and not re.search(r"\bnext meeting\b", cleaned)
    return asked.question(MEETINGS, kinds=asked.kinds) if plural and not asked.past else None


def _asks_what_is_on(cleaned: str) -> bool:
    """ "What's on next week?", or a window alone (``/meetings this week``, ``march 2027``)."""
    alone = all(
        word in _WINDOW_WORDS or word in MONTHS or word.isdigit() for word in cleaned.split()
    )
    return alone or bool(_ON.search(cleaned))


def _last_meeting(asked: Asked) -> Question | None:
    if asked.past and asked.about_meetings():
        return asked.question(LAST_MEETING, kinds=asked.kinds, past=True)
    return None


def _next_meeting(asked: Asked) -> Question | None:
    cleaned = asked.cleaned
    if asked.kinds or (_MEETING_WORD.search(cleaned) and _NEXT_OR_WHEN.search(cleaned)):
        return asked.question(NEXT_MEETING, kinds=asked.kinds)
    return None


# -- answering -------------------------------------------------------------------------------


def _kind_values(question: Question) -> list[str]:
    return [kind.value for kind in question.kinds]


def _nothing_ahead(found: Answer, look: Lookup) -> Answer:
    """An answer with nothing ahead says when the last meeting of the kinds asked was
    (of any kind, when the schedule holds none of those)."""
    if not found.meetings and not found.deadlines:
        kinds = _kind_values(found.question)
        found.last_known = queries.last_meeting(look.session, look.now, kinds)
        if found.last_known is None and kinds:
            found.last_known = queries.last_meeting(look.session, look.now)
    return found


def _answer_overview(question: Question, look: Lookup) -> Answer:
    kinds = _kind_values(question)
    meetings, more = _page(
        lambda limit: queries.upcoming(look.session, look.now, kinds=kinds, limit=limit), look.page
    )
    found = Answer(question, meetings=meetings, page=look.page, more=more)
    if look.page == 1:
        found.deadlines = queries.deadlines(
            look.session, look.now, kinds=kinds, limit=OVERVIEW_DEADLINES
        )
    return _nothing_ahead(found, look) if look.page == 1 else found


def _answer_next_meeting(question: Question, look: Lookup) -> Answer:
    meeting = queries.next_meeting(look.session, look.now, _kind_values(question))
    return _nothing_ahead(Answer(question, meetings=[meeting] if meeting else []), look)


def _answer_last_meeting(question: Question, look: Lookup) -> Answer:
    meeting = queries.last_meeting(look.session, look.now, _kind_values(question))
    return Answer(question, meetings=[meeting] if meeting else [])


def _answer_about_a_meeting(question: Question, look: Lookup) -> Answer:
    """The meeting an agenda, documents or link question is about: the last one of the
    kinds asked for if it asks about the past, else the next (or the one on now)."""
    if question.past:
        return _answer_last_meeting(question, look)
    return _answer_next_meeting(question, look)


def _answer_due_at_next(question: Question, look: Lookup) -> Answer:
    """The next meeting of the kind asked for, or, for "the next meeting", the next one
    a milestone can name (a TSAG, WTSA, IRM, regional meeting or Council)."""
    kinds = _kind_values(question)
    candidates = queries.upcoming(look.session, look.now, kinds=kinds, limit=1 if kinds else None)
    meeting = next((m for m in candidates if kinds or body_of(m)), None)
    if meeting is None:
        return _nothing_ahead(Answer(question), look)
    due = queries.items_due_at(look.session, meeting, queries.schedule(look.session, look.tz))
    return Answer(question, meetings=[meeting], due=due)


def _answer_item_status(question: Question, look: Lookup) -> Answer:
    return Answer(question, items=item_statuses(look.session, question.codes, look.now, look.tz))


def _answer_deadlines(question: Question, look: Lookup) -> Answer:
    deadlines, more = _in_window(question, look, queries.deadlines)
    found = Answer(question, deadlines=deadlines, page=look.page, more=more)
    return found if question.window else _nothing_ahead(found, look)


def _answer_meetings(question: Question, look: Lookup) -> Answer:
    meetings, more = _in_window(question, look, queries.upcoming)
    found = Answer(question, meetings=meetings, page=look.page, more=more)
    return found if question.window else _nothing_ahead(found, look)


def _in_window(
    question: Question, look: Lookup, query: Callable[..., list[Meeting]]
) -> tuple[list[Meeting], bool]:
    """The page asked of the meetings (or deadlines) ``query`` finds in the question's
    window, of the kinds it names, and whether there are more."""
    start, until = _span(question.window, look.now)
    kinds = _kind_values(question)
    return _page(
        lambda limit: query(look.session, start, kinds=kinds, until=until, limit=limit),
        look.page,
    )


def _answer_changes(question: Question, look: Lookup) -> Answer:
    window = question.window
    if question.past:
        meeting = queries.last_meeting(look.session, look.now, _kind_values(question))
        if meeting is None:
            return Answer(question)
        window = Window(meeting.start, look.now, f"since {meeting.name}")
        found = Answer(question, meetings=[meeting], window=window)
    else:
        if window is None or window.label == "this week":
            # The digest's week, as ``/action changed this week`` reads it: on a Monday
            # the calendar week would be empty just when the digest points here.
            week = ChangeSpans(look.session, look.now, look.tz)(Changed.THIS_WEEK)
            assert week is not None
            window = Window(week.start, week.end, week.label)
        found = Answer(question, window=window)
    end = min(window.end, look.now)
    found.changes = changes_between(
        look.session,
        window.start,
        end,
        body=question.body,
        resolution=question.resolution,
        codes=question.codes,
    )
    return found


def _answer_nothing(question: Question, _look: Lookup) -> Answer:
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


def item_statuses(
    session: Session, codes: Sequence[str], now: datetime, tz: ZoneInfo
) -> list[ItemStatus]:
    plan_schedule: Schedule | None = None
    found: list[ItemStatus] = []
    for code in codes:
        item = active_item(session, code)
        if item is None:
            older = find_item(session, code)  # only obsolete items, if any
            where = obsolete_where(older[0]) if older else ""
            found.append(ItemStatus(code, False, obsolete=where))
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
                milestone=milestone_text(item.milestone),
                due_day=upcoming.day if upcoming and not upcoming.estimated else None,
                due_at=upcoming.meeting.name if upcoming and upcoming.meeting else "",
            )
        )
    return found


# -- the router ------------------------------------------------------------------------------

HANDLERS: tuple[Handler, ...] = (
    Handler(HELP, _help, _answer_nothing, ("what can you do?",)),
    Handler(ITEM_STATUS, _item_status, _answer_item_status, ("status of 50-18", "is 50-18 done?")),
    Handler(
        CHANGES,
        _changes,
        _answer_changes,
        (
            "what changed this week?",
            "what changed since the last TSAG?",
            "what did SG17 change this month?",
        ),
    ),
    Handler(
        MEETING_LINK,
        _about_a_meeting(MEETING_LINK, _LINK),
        _answer_about_a_meeting,
        ("link to join the next IRM?",),
    ),
    Handler(
        MEETING_AGENDA,
        _about_a_meeting(MEETING_AGENDA, _AGENDA),
        _answer_about_a_meeting,
        ("agenda of the next IRM", "what was on the agenda of the last TSAG?"),
    ),
    Handler(
        MEETING_DOCUMENTS,
        _about_a_meeting(MEETING_DOCUMENTS, _DOCUMENTS),
        _answer_about_a_meeting,
        ("documents of the last TSAG meeting",),
    ),
    Handler(
        DEADLINES,
        _deadlines,
        _answer_deadlines,
        ("which deadlines are this week?", "deadlines in January?", "next deadlines"),
    ),
    Handler(DUE_AT_NEXT, _due_at_next, _answer_due_at_next, ("what is due at the next TSAG?",)),
    Handler(
        MEETINGS,
        _meetings,
        _answer_meetings,
        ("meetings next week", "meetings in March 2027", "meetings in the next 30 days"),
    ),
    Handler(LAST_MEETING, _last_meeting, _answer_last_meeting, ("when was the last IRM?",)),
    Handler(
        NEXT_MEETING, _next_meeting, _answer_next_meeting, ("when is the next IRM?", "next TSAG")
    ),
)
"""The questions tsagbot answers, in the order they are tried: the first that
recognises the words answers them."""

_RESPONDERS: dict[QuestionKind, Respond] = {
    OVERVIEW: _answer_overview,
    UNKNOWN: _answer_nothing,
    **{handler.kind: handler.respond for handler in HANDLERS},
}


def examples() -> list[str]:
    """Every example question the handlers give, in their order."""
    return [example for handler in HANDLERS for example in handler.examples]


def closest_examples(text: str, limit: int = SUGGESTIONS) -> list[str]:
    """The example questions whose words come closest to ``text``'s."""
    cleaned = clean(text)
    every = [example for example in examples() if example != "what can you do?"]
    found = process.extract(cleaned, every, scorer=fuzz.token_set_ratio, limit=limit)
    return [str(choice) for choice, _score, _index in found]


def classify(text: str, now: datetime, tz: ZoneInfo) -> Question:
    """What a question in words asks: the first handler that recognises it says."""
    asked = Asked(text, clean(text), now, tz)
    for handler in HANDLERS:
        question = handler.recognise(asked)
        if question is not None:
            return question
    return Question(UNKNOWN, text=text)


def parse_command(text: str, now: datetime, tz: ZoneInfo) -> Question:
    """The argument of ``/meetings``: a kind, ``deadlines [kind]``, ``help``, or a question."""
    cleaned = clean(text)
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


def answer(
    session: Session, question: Question, now: datetime, tz: ZoneInfo, *, page: int = 1
) -> Answer:
    """Look up what ``question`` asks, at ``now``; ``page`` pages a list of meetings."""
    found = _RESPONDERS[question.kind](question, Lookup(session, now, tz, max(page, 1)))
    if question.kind == UNKNOWN:
        found.examples = closest_examples(question.text)
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
