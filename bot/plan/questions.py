"""Questions about the action plan, asked in words: who acts, what is open, progress.

:func:`read_plan_question` reads a question (pure, no database) and
:func:`answer_plan_question` answers it, or returns None when the question is
not one of these, so that the caller asks the next reader (the schedule's
questions, :mod:`bot.meetings.questions`, then the help).  It claims only what it
recognises clearly; "status of 50-18" and "when is the next TSAG?" are left to
the schedule's reader.

* ``who_acts``: "who is responsible for 50-18?", "who acts on 50-18 and 50-20"
* ``list``: "SG17's open actions", "what does SG17 have open", "which items of
  Resolution 2 are not done?", "what's overdue?", "overdue for SG17"; a negated
  state is its complement ("not open" is done, "not overdue" open and on time), a
  list without a state word lists every item, as ``/action sg17`` does, and a
  negation the reader cannot place ("items not for SG17") is not answered here
* ``resolution``: "show me Resolution 50", "what is in Resolution 50?"
* ``progress``: "how many items are completed?", "progress of Resolution 50",
  "how many open items does SG17 have?"

"Overdue" is the milestone engine's: the caller passes it (see
:mod:`bot.plan.filters`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.plan.bodies import body_named, responsibility
from bot.plan.editions import current_edition
from bot.plan.filters import Filter, Overdue, State, keeps
from bot.plan.ids import ID_PATTERN, normalize_dashes
from bot.plan.lookup import Answer, AnswerKind
from bot.plan.queries import all_items, find_item, resolution_items
from bot.plan.views import Views, progress_of
from bot.render import Reply


class PlanIntent(StrEnum):
    WHO_ACTS = "who_acts"
    LIST = "list"
    RESOLUTION = "resolution"
    PROGRESS = "progress"


@dataclass(frozen=True)
class PlanQuestion:
    intent: PlanIntent
    codes: tuple[str, ...] = ()
    filter: Filter = field(default_factory=Filter)


_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_ANY_ID = re.compile(rf"(?<![\w/]){ID_PATTERN}(?![\w/])", re.IGNORECASE)
_WHO = re.compile(
    r"\bwho(?:'s|s|se| is| are)?\b|\brespons[ai]b|\bin charge\b"
    r"|\b(?:which|what) (?:body|bodies|group|sg)\b|\bowners?\b|\bacts? on\b|\bacting on\b"
)
_RESPONSIBLE = "responsible"


def _asks_who(text: str) -> bool:
    """Who acts, typos included: "whos responsable", "who's resposible for 50-18"."""
    if _WHO.search(text):
        return True
    return any(
        SequenceMatcher(None, word, _RESPONSIBLE).ratio() >= 0.85 for word in _TOKEN.findall(text)
    )


_PROGRESS = re.compile(
    r"\bhow many\b|\bprogress\b|\bhow far\b|\bnumber of\b|\bcount\b|\bstatistics\b|\bstats\b"
    r"|\bpercentage\b|\bhow much\b"
)
_SHOW = re.compile(
    r"^(?:(?:please\s+)?(?:show(?: me)?|list|display|give me|open)\s+|what(?:'s| is) in\s+)?"
    r"(?:(?:all\s+)?(?:the\s+)?(?:action\s+)?items (?:of|in|for)\s+)?(?:the\s+)?"
    r"(?:resolution|res\.?)\s*(?P<number>\d{1,3})$"
)
_RESOLUTION = re.compile(r"\b(?:resolution|res\.?|r)\s*(?P<number>\d{1,3})\b|\bopinion\s*1\b")
_NOT = r"(?:\bnot|n't|\bno longer)(?: yet)?"
# State words, negations first: a negated state is its complement ("not done" is open,
# "not open" done, "not overdue" open and on time), never the state it negates.
_STATES: tuple[tuple[re.Pattern[str], State], ...] = (
    (
        re.compile(rf"{_NOT} (?:overdue|over due|late|past (?:due|their milestones?))\b"),
        State.NOT_OVERDUE,
    ),
    (re.compile(rf"{_NOT} (?:open|pending|outstanding|ongoing|in progress)\b"), State.DONE),
    (
        re.compile(r"\boverdue\b|\bover due\b|\bpast (?:due|their milestones?)\b|\blate\b"),
        State.OVERDUE,
    ),
    (
        re.compile(
            rf"{_NOT} (?:done|completed?|finished|closed)\b|\bopen\b|\bpending\b"
            r"|\boutstanding\b|\bincomplete\b|\bunfinished\b|\bto do\b|\bremaining\b|\bleft\b"
            r"|\bworking on\b"
        ),
        State.OPEN,
    ),
    (re.compile(r"\bdone\b|\bcompleted?\b|\bfinished\b|\bclosed\b"), State.DONE),
)
_NEGATION = re.compile(r"\bnot\b|n't\b|\bno longer\b|\bexcept\b|\bother than\b|\bexcluding\b")
"""A negation left once the negated states are read: the reader cannot tell what it
negates, so it answers nothing rather than the list the negation excludes."""
# A body named without a state is a question about the plan only with one of these.
_PLAN_WORDS = re.compile(
    r"\bitems?\b|\bactions?\b|\btasks?\b|\bhave\b|\bhas\b|\bworking on\b|\bresponsible\b"
    r"|\bplan\b|\bdoing\b"
)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9-]*")
_CHANGES = re.compile(r"\bchang(?:ed|es|e)\b|\bsince\b|\bupdated?\b|\bupdates\b|\bwhat'?s new\b")
"""What changed is the schedule's reader's (a span of time): "progress since the last TSAG"."""
_RECENTLY = re.compile(
    r"\b(?:this|last|past) (?:week|month)\b|\btoday\b|\byesterday\b|\blast \d+ days\b"
)
"""With a done word, a span of time: "what has SG2 done this week?" is what changed."""


def _clean(text: str) -> str:
    text = normalize_dashes(_MENTION.sub(" ", text)).lower().replace("\u2019", "'")
    text = text.replace("&amp;", "&")
    return " ".join(text.split()).strip(" .!?,;:")


def _codes(text: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for match in _ANY_ID.finditer(text):
        if match["op"]:
            found[f"Op-{int(match['opnum']):02d}"] = None
        else:
            found[f"{int(match['res']):02d}-{int(match['item']):02d}"] = None
    return tuple(found)


def body_in(text: str) -> str | None:
    """The first body a question names, as :func:`body_named` names it (``SG17``,
    ``TSBDir`` for "the TSB Director")."""
    tokens = [token.removesuffix("'s") for token in _TOKEN.findall(text.replace("'s", ""))]
    for width in (3, 2, 1):
        for start in range(len(tokens) - width + 1):
            body = body_named(" ".join(tokens[start : start + width]))
            if body:
                return body
    return None


def _state(text: str) -> State | None:
    for pattern, state in _STATES:
        if pattern.search(text):
            return state
    return None


def _without_negated_states(text: str) -> str:
    for pattern, _state in _STATES:
        text = pattern.sub(lambda found: "" if _NEGATION.search(found[0]) else found[0], text)
    return text


def resolution_in(text: str) -> str | None:
    """The Resolution a question names (``2``, ``Opinion 1``), if any."""
    match = _RESOLUTION.search(text)
    if match is None:
        return None
    return str(int(match["number"])) if match["number"] else "Opinion 1"


def read_plan_question(text: str) -> PlanQuestion | None:
    """What a plan question asks, or None when it is not one (see the module docstring)."""
    cleaned = _clean(text)
    if _CHANGES.search(cleaned):
        return None
    if _NEGATION.search(_without_negated_states(cleaned)):
        return None  # "items not for SG17": SG17's list would be the opposite answer
    codes = _codes(cleaned)
    if codes:
        return PlanQuestion(PlanIntent.WHO_ACTS, codes) if _asks_who(cleaned) else None
    show = _SHOW.match(cleaned)
    if show:
        return PlanQuestion(PlanIntent.RESOLUTION, filter=Filter(resolution=show["number"]))
    state, resolution, body = _state(cleaned), resolution_in(cleaned), body_in(cleaned)
    if state == State.DONE and _RECENTLY.search(cleaned):
        return None
    if _PROGRESS.search(cleaned) and (state or resolution or body or _PLAN_WORDS.search(cleaned)):
        return PlanQuestion(PlanIntent.PROGRESS, filter=Filter(None, resolution, body))
    if state is None and not (body and _PLAN_WORDS.search(cleaned)):
        return None
    if state is None and resolution is None and _WHO.search(cleaned):
        return None  # "who is on TSAG?": not about the plan's items
    return PlanQuestion(PlanIntent.LIST, filter=Filter(state, resolution, body))


def command_for(wanted: Filter) -> str:
    """The ``/action`` argument that lists what a filter keeps (``open res 2 sg17``)."""
    parts = [wanted.state.value if wanted.state else ""]
    if wanted.resolution:
        label = wanted.resolution
        parts.append("opinion 1" if label.startswith("Opinion") else f"res {label}")
    if wanted.body:
        parts.append(wanted.body.lower())
    if wanted.changed:
        parts.append(f"changed {wanted.changed.value.lower()}")
    return " ".join(part for part in parts if part)


def answer_plan_question(
    session: Session, text: str, *, views: Views, overdue: Overdue
) -> Reply | None:
    """The answer to a plan question, as the mention path posts it, or None."""
    question = read_plan_question(text)
    if question is None:
        return None
    edition = current_edition(session)
    if question.intent == PlanIntent.WHO_ACTS:
        rows = []
        for code in question.codes:
            # An item of the current plan first; else an obsolete one, which says so.
            named = sorted(find_item(session, code, edition=edition), key=lambda i: i.obsolete)
            rows.append((code, named[0] if named else None))
        return views.who_acts(rows)
    wanted = question.filter
    if question.intent == PlanIntent.RESOLUTION:
        resolution, items = resolution_items(session, wanted.resolution or "", edition=edition)
        if resolution is None:
            return views.not_found(Answer(AnswerKind.NOT_FOUND, f"Resolution {wanted.resolution}"))
        shown = Answer(
            AnswerKind.RESOLUTION,
            resolution.key,
            items=items,
            resolution=resolution,
            edition=edition,
            current=edition,
        )
        return views.resolution(shown, 1, post=False)
    items = [
        item
        for item in all_items(session, include_obsolete=False, edition=edition)
        if keeps(item, wanted, overdue, responsibility(item))
    ]
    if question.intent == PlanIntent.PROGRESS:
        return views.progress(wanted, progress_of(items, overdue))
    listed = Answer(AnswerKind.LIST, command_for(wanted), items=items, filter=wanted)
    return views.item_list(listed, post=False)
