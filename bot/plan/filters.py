"""Filters in ``/action`` and in questions: a state, a Resolution, a body, a change, words.

``/action 50 open``, ``/action sg17 overdue``, ``/action done``, ``/action tsb
open``, ``/action open res 2``, ``/action security open``: the words that name a
state (:class:`State`), a Resolution (``50``, ``res 50``, ``opinion 1``) or a
body (:func:`bot.plan.bodies.body_named`) are taken out, in any order; what is
left is words to search.  A text with no state and no body is not a filter
(``/action 50`` stays the Resolution's view, ``/action security`` a search), nor
is a body with other words but no state (``/action council report`` searches).

``changed`` (``changed this week``, ``changed since the last TSAG``; ``changed``
alone is this week) keeps the items whose history moved in that span, as the
weekly digest counts them (:mod:`bot.plan.changes`): ``/action changed this
week`` is what the digest's "and N more" line tells its readers to type.

"Overdue" is the milestone engine's (``bot.meetings``, a layer above this one):
the caller passes the test as a function, so this module never reads the schedule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.plan.bodies import Responsibility, body_named, matches, responsibility
from bot.plan.ids import canonical_id, normalize_dashes
from bot.store.models import ActionItem

Overdue = Callable[[ActionItem], bool]
"""Whether an active item's milestone has passed and it is not completed."""


class State(StrEnum):
    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"
    NOT_OVERDUE = "not overdue"
    """Open, and its milestone has not passed: the complement of overdue among open items."""


_STATE_WORDS = {
    "open": State.OPEN,
    "opened": State.OPEN,
    "pending": State.OPEN,
    "outstanding": State.OPEN,
    "ongoing": State.OPEN,
    "not done": State.OPEN,
    "not completed": State.OPEN,
    "not complete": State.OPEN,
    "incomplete": State.OPEN,
    "unfinished": State.OPEN,
    "done": State.DONE,
    "completed": State.DONE,
    "complete": State.DONE,
    "closed": State.DONE,
    "finished": State.DONE,
    "overdue": State.OVERDUE,
    "over due": State.OVERDUE,
    "past due": State.OVERDUE,
    "late": State.OVERDUE,
    # A negated state is its complement: "not open" is done, "not overdue" open and on time.
    "not open": State.DONE,
    "not pending": State.DONE,
    "not outstanding": State.DONE,
    "not ongoing": State.DONE,
    "not closed": State.OPEN,
    "not finished": State.OPEN,
    "not yet done": State.OPEN,
    "not yet completed": State.OPEN,
    "not overdue": State.NOT_OVERDUE,
    "not late": State.NOT_OVERDUE,
    "not past due": State.NOT_OVERDUE,
}


class Changed(StrEnum):
    """The spans ``/action changed ...`` knows; the caller says where each starts."""

    THIS_WEEK = "this week"
    SINCE_LAST_TSAG = "since the last TSAG"


_CHANGED_WORDS = frozenset({"changed", "changes", "updated"})
# What may follow "changed", longest first: (words, span).
_CHANGED_SPANS: tuple[tuple[tuple[str, ...], Changed], ...] = (
    (("since", "the", "last", "tsag"), Changed.SINCE_LAST_TSAG),
    (("since", "last", "tsag"), Changed.SINCE_LAST_TSAG),
    (("since", "the", "tsag"), Changed.SINCE_LAST_TSAG),
    (("since", "tsag"), Changed.SINCE_LAST_TSAG),
    (("in", "the", "last", "7", "days"), Changed.THIS_WEEK),
    (("in", "the", "last", "week"), Changed.THIS_WEEK),
    (("this", "week"), Changed.THIS_WEEK),
    (("last", "7", "days"), Changed.THIS_WEEK),
)
_RESOLUTION = re.compile(
    r"^(?:(?P<opinion>op(?:inion)?\.?\s*)|(?:res(?:olution)?\.?|r)\s*)?(?P<number>\d{1,3})$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\s,;:!?()]+")


@dataclass(frozen=True)
class Filter:
    """What a filtered list keeps (every part optional)."""

    state: State | None = None
    resolution: str | None = None  # a Resolution key: "50", "Opinion 1"
    body: str | None = None
    words: str = ""
    changed: Changed | None = None

    def describe(self, total: int) -> str:
        """``52 open action items of Resolution 50 for SG17 changed this week``."""
        noun = "action item" if total == 1 else "action items"
        parts = [str(total)]
        if self.state == State.NOT_OVERDUE:
            parts += ["open", noun, "not overdue"]
        else:
            parts += [self.state.value, noun] if self.state else [noun]
        if self.resolution:
            label = self.resolution
            parts.append(f"of {label if label.startswith('Opinion') else 'Resolution ' + label}")
        if self.body:
            parts.append(f"for {self.body}")
        if self.words:
            parts.append(f"matching “{self.words}”")
        if self.changed:
            parts.append(f"changed {self.changed.value}")
        return " ".join(parts)


def parse_filter(text: str) -> Filter | None:
    """The filter a text asks for, or None when it names no state, no body and no change."""
    tokens = _TOKEN.findall(normalize_dashes(text).lower())
    changed: Changed | None = None
    state: State | None = None
    resolution: str | None = None
    body: str | None = None
    rest: list[str] = []
    index = 0
    while index < len(tokens):
        if changed is None and tokens[index] in _CHANGED_WORDS:
            changed, index = _changed_span(tokens, index + 1)
            continue
        for width in (3, 2, 1):
            phrase = " ".join(tokens[index : index + width])
            if len(tokens) - index < width:
                continue
            if state is None and phrase in _STATE_WORDS:
                state = _STATE_WORDS[phrase]
            elif resolution is None and _resolution(phrase):
                resolution = _resolution(phrase)
            elif body is None and body_named(phrase):
                body = body_named(phrase)
            else:
                continue
            index += width
            break
        else:
            rest.append(tokens[index])
            index += 1
    if changed is None and state is None and (body is None or rest):
        return None  # ``council report`` searches words: Council is in many a text
    if any(canonical_id(word) for word in rest):
        return None  # ``50-18 done`` is an update typed in the wrong place, not a filter
    return Filter(state, resolution, body, " ".join(rest), changed)


def _changed_span(tokens: list[str], index: int) -> tuple[Changed, int]:
    """The span named after "changed" (this week when none is), and where it ends."""
    for words, span in _CHANGED_SPANS:
        if tuple(tokens[index : index + len(words)]) == words:
            return span, index + len(words)
    return Changed.THIS_WEEK, index


def _resolution(phrase: str) -> str | None:
    match = _RESOLUTION.match(phrase)
    if match is None:
        return None
    number = str(int(match["number"]))
    return f"Opinion {number}" if match["opinion"] else number


def keeps(
    item: ActionItem,
    wanted: Filter,
    overdue: Overdue,
    found: Responsibility | None = None,
) -> bool:
    """Whether an active item passes the filter (its words are the caller's to search)."""
    if wanted.resolution and item.resolution.key != wanted.resolution:
        return False
    if wanted.body and not matches(found or responsibility(item), wanted.body):
        return False
    if wanted.state == State.OPEN:
        return not item.completed
    if wanted.state == State.DONE:
        return item.completed
    if wanted.state == State.OVERDUE:
        return not item.completed and overdue(item)
    if wanted.state == State.NOT_OVERDUE:
        return not item.completed and not overdue(item)
    return True


def never_overdue(_item: ActionItem) -> bool:
    """For callers without a schedule: nothing is known to be overdue."""
    return False
